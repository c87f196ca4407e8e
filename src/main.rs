//! `consultlens`: no arguments or a file opens the window; a subcommand runs on the command line.

use std::process::ExitCode;

use clap::Parser;
use consultlens::{cli, gui};

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => gui::run(args.file, args.sheet),
    }
}
