use std::process::ExitCode;

use bevy::app::AppExit;
use clap::Parser;
use salesdojo::cli::{self, Cli};
use salesdojo::paths::ContentRoot;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(command) = &cli.command {
        return cli::run(&cli, command);
    }
    let root = match ContentRoot::locate(cli.root.as_deref()) {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let data_dir = match salesdojo::paths::data_dir(cli.data_dir.as_deref()) {
        Ok(dir) => dir,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match salesdojo::app::run(root, data_dir, cli.lang, cli.tour_plan(), cli.continuous) {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
