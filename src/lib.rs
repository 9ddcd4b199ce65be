//! Sales Dojo: a key-account sales training game.
//!
//! `content` and `sim` are pure Rust (the rules live there, once); `engine` wraps them in Bevy
//! plugins that run headless as well as under the GUI in `ui`; `cli` serves trainers and CI.

pub mod app;
pub mod cli;
pub mod content;
pub mod engine;
pub mod i18n;
pub mod paths;
pub mod sim;
pub mod store;
pub mod ui;
