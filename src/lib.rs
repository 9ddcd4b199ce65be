//! Sales Dojo: a key-account sales training game.
//!
//! The rules are plain Rust and build without Bevy (`--no-default-features`): `content` (the
//! schema, loading and checks), `sim` (the visit engine, the one attempt type and scoring),
//! `store` (results, sessions and their verification), `server` (the classroom server), `i18n`
//! and `cli`. With the default `game`
//! feature, `engine` wraps them in Bevy plugins that run headless as well as under the screens
//! in `ui`, and `app` composes the window.

#[cfg(feature = "game")]
pub mod app;
pub mod cli;
pub mod content;
#[cfg(feature = "game")]
pub mod engine;
pub mod i18n;
pub mod map;
pub mod paths;
pub mod server;
pub mod sim;
pub mod store;
#[cfg(feature = "game")]
pub mod ui;
