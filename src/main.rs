use std::process::ExitCode;

use clap::Parser;
use salesdojo::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(command) = &cli.command {
        return cli::run(&cli, command);
    }
    open_game(&cli)
}

#[cfg(feature = "game")]
fn open_game(cli: &Cli) -> ExitCode {
    use bevy::app::AppExit;
    use salesdojo::paths::ContentRoot;

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
    match salesdojo::app::run(
        root,
        data_dir,
        cli.database.clone(),
        cli.lang,
        cli.tour_plan(),
        cli.continuous,
    ) {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// A build without the game (for a server or tools) still runs every command.
#[cfg(not(feature = "game"))]
fn open_game(_: &Cli) -> ExitCode {
    eprintln!(
        "error: this build of Sales Dojo has no game window (it was built without the \"game\" \
         feature); its commands work: salesdojo --help"
    );
    ExitCode::from(2)
}
