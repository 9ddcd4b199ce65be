//! Helpers for tests that drive the Bevy plugins.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use salesdojo::content::Library;
use salesdojo::engine::ContentLibrary;

/// Updates the app until the library satisfies `done`, or fails after a generous wait (the file
/// watcher debounces events).
pub fn update_until(app: &mut App, what: &str, done: impl Fn(&Library) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        app.update();
        if app
            .world()
            .resource::<ContentLibrary>()
            .get()
            .is_some_and(&done)
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for: {what}");
}
