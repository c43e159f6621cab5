//! The modes, one module each: flags in, an exit status out.

mod analyze;
mod capture;
mod compare;
mod generate;
mod influx;

use anyhow::Context as _;

use crate::cli::{Cli, Command};

/// Exit statuses, as the README and each mode's `--help` list them.
pub mod exit {
    /// Every input read whole; every threshold held.
    pub const OK: u8 = 0;
    /// Some input was damaged or unreadable; the reports cover the rest.
    pub const INPUT_ERRORS: u8 = 1;
    /// `compare`: a threshold was crossed.
    pub const THRESHOLD: u8 = 1;
    /// Usage error (clap's own code for bad flags).
    pub const USAGE: u8 = 2;
    /// Nothing analyzed, or the reports could not be written.
    pub const FATAL: u8 = 3;
    /// The results could not all be loaded into InfluxDB (the rest is kept in a file).
    pub const SINK: u8 = 4;
}

/// Runs the mode the command line names.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Analyze(args) => analyze::run(*args),
        Command::Capture(args) => capture::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Load(args) => influx::run_load(args),
        Command::Generate(args) => generate::run(args),
    }
}

/// Whether `e` comes from writing into a pipe whose reader has closed it.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Stop flags set by SIGINT/SIGTERM.
fn stop_on_signals() -> anyhow::Result<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, std::sync::Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    Ok(stop)
}
