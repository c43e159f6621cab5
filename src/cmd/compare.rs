//! `netanalyzer compare`: two report folders to a verdict for CI.

use std::io::Write as _;

use anyhow::Context as _;

use super::exit;
use crate::cli::CompareArgs;

/// `netanalyzer compare`.
pub fn run(args: CompareArgs) -> anyhow::Result<u8> {
    use netanalyzer::compare::{self, CompareError, Event, Thresholds};
    let mut thresholds = Thresholds::default();
    let parsed = (|| -> Result<(), CompareError> {
        if let Some(file) = &args.thresholds {
            thresholds.add_file(file)?;
        }
        for spec in &args.max_change {
            thresholds.add_max_change(spec)?;
        }
        for event in &args.fail_on {
            thresholds.fail_on.insert(Event::parse(event)?);
        }
        Ok(())
    })();
    match parsed {
        Err(e @ CompareError::BadThreshold(..)) => {
            eprintln!("netanalyzer: {e}");
            return Ok(exit::USAGE);
        }
        Err(e) => {
            eprintln!("netanalyzer: {e}");
            return Ok(exit::FATAL);
        }
        Ok(()) => {}
    }
    let sides = compare::load(&args.baseline).and_then(|b| Ok((b, compare::load(&args.current)?)));
    let (baseline, current) = match sides {
        Ok(s) => s,
        Err(e) => {
            eprintln!("netanalyzer: {e}");
            return Ok(exit::FATAL);
        }
    };
    if let Err(e) = thresholds.check_names(&[&baseline, &current]) {
        eprintln!("netanalyzer: {e}");
        return Ok(exit::USAGE);
    }
    let result = compare::compare(
        &args.baseline,
        &baseline,
        &args.current,
        &current,
        &thresholds,
    );
    let text = result.text();
    let mut stdout = std::io::stdout().lock();
    let printed = if args.quiet {
        text.lines()
            .filter(|l| l.starts_with("FAIL"))
            .try_for_each(|line| writeln!(stdout, "{line}"))
    } else {
        write!(stdout, "{text}")
    };
    printed
        .and_then(|()| stdout.flush())
        .context("writing the comparison")?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.current.join("compare.json"));
    let json = serde_json::to_string_pretty(&result).context("encoding compare.json")?;
    std::fs::write(&out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
    if let Some(junit) = &args.junit {
        std::fs::write(junit, result.junit())
            .with_context(|| format!("writing {}", junit.display()))?;
    }
    Ok(if result.passed {
        exit::OK
    } else {
        exit::THRESHOLD
    })
}
