//! `consultlens`: no arguments or a file opens the window; a subcommand runs on the command line.

use std::process::ExitCode;

use clap::Parser;
use consultlens::{cli, gui, import};

fn main() -> ExitCode {
    import::install_panic_hook();
    let args = cli::Cli::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => gui::run(args.file, args.sheet),
    }
}
