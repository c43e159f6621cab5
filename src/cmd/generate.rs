//! `netanalyzer generate`: the sample captures, or one large capture for benchmarks.

use anyhow::Context as _;

use super::exit;
use crate::cli::{BenchMix, GenerateArgs};
use netanalyzer::samples::Mix;

/// `netanalyzer generate`.
pub fn run(args: GenerateArgs) -> anyhow::Result<u8> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if args.scenario.is_some() {
        let labels_path = args
            .labels
            .clone()
            .unwrap_or_else(|| args.out.with_extension("labels.json"));
        let seconds = (args.duration / 1_000_000_000).max(1) as u64;
        let labels = netanalyzer::samples::write_scenario(
            &args.out,
            &labels_path,
            args.seed,
            seconds,
            args.clean,
        )
        .with_context(|| format!("writing {}", args.out.display()))?;
        writeln!(
            out,
            "wrote {} ({seconds} s, {} labelled anomalies in {})",
            args.out.display(),
            labels.labels.len(),
            labels_path.display()
        )?;
        out.flush()?;
        return Ok(exit::OK);
    }
    match args.bench {
        Some(packets) => {
            let mix = match args.mix {
                BenchMix::Mixed => Mix::Mixed,
                BenchMix::ManyFlows => Mix::ManyFlows,
                BenchMix::Flood => Mix::Flood,
            };
            netanalyzer::samples::write_bench(&args.out, packets, args.seed, mix)
                .with_context(|| format!("writing {}", args.out.display()))?;
            writeln!(out, "wrote {} ({packets} packets)", args.out.display())?;
        }
        None => {
            let files = netanalyzer::samples::write_samples(&args.out)
                .with_context(|| format!("writing samples to {}", args.out.display()))?;
            for f in files {
                writeln!(out, "wrote {}", f.display())?;
            }
        }
    }
    out.flush()?;
    Ok(exit::OK)
}
