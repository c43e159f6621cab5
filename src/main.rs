//! The `netanalyzer` binary: parses the command line, runs a mode, maps the outcome to an exit
//! code. The modes are in [`cmd`]; everything else lives in the library.

mod cli;
mod cmd;
mod console;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        // The reader of our output went away (`| head`): a normal end, as in ripgrep.
        Err(e) if cmd::is_broken_pipe(&e) => ExitCode::from(cmd::exit::OK),
        Err(e) => {
            eprintln!("netanalyzer: error: {e:#}");
            ExitCode::from(cmd::exit::FATAL)
        }
    }
}
