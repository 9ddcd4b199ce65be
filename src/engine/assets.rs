//! Content files through Bevy's asset system: one loader for every kind of content file, the
//! library rebuilt whenever a file changes, and the last good version kept when an edit breaks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::asset::io::{AssetSourceBuilder, Reader};
use bevy::asset::{AssetLoader, LoadContext};
use bevy::prelude::*;

use crate::content::{Diagnostic, Library, ParsedFile, content_files, parse_file};
use crate::paths::ContentRoot;

/// The asset sources content is loaded from, named after their folders.
pub const SOURCES: [&str; 2] = ["seeds", "scenarios"];

/// Registers the `seeds://` and `scenarios://` asset sources. Asset sources must exist before
/// Bevy's `AssetPlugin` is built, so this plugin goes before `DefaultPlugins`/`AssetPlugin`.
pub struct ContentSourcesPlugin {
    pub root: ContentRoot,
}

impl Plugin for ContentSourcesPlugin {
    fn build(&self, app: &mut App) {
        for source in SOURCES {
            let folder = self.root.absolute().join(source);
            app.register_asset_source(
                source,
                AssetSourceBuilder::platform_default(&folder.to_string_lossy(), None),
            );
        }
        app.insert_resource(Root(self.root.clone()));
    }
}

/// Loads the content folders and keeps [`ContentLibrary`] current. Needs `AssetPlugin`.
pub struct ContentPlugin;

impl Plugin for ContentPlugin {
    fn build(&self, app: &mut App) {
        let root = app
            .world()
            .get_resource::<Root>()
            .expect("ContentSourcesPlugin must be added before ContentPlugin")
            .0
            .clone();
        app.init_asset::<ContentFile>()
            .register_asset_loader(ContentFileLoader { root })
            .init_resource::<ContentLibrary>()
            .init_resource::<LastGood>()
            .add_systems(Startup, (load_content, watch_content).chain())
            .add_systems(
                PreUpdate,
                (load_new_files, rebuild_library).chain().in_set(ContentSet),
            );
    }
}

/// Systems that bring content up to date. They run in `PreUpdate`, so everything in `Update`
/// sees the current library.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentSet;

#[derive(Resource)]
struct Root(ContentRoot);

/// One content file as loaded: its typed content, or why it could not be read.
#[derive(Asset, TypePath, Debug)]
pub struct ContentFile {
    pub parsed: Result<ParsedFile, Vec<Diagnostic>>,
}

#[derive(TypePath)]
struct ContentFileLoader {
    root: ContentRoot,
}

impl AssetLoader for ContentFileLoader {
    type Asset = ContentFile;
    type Settings = ();
    type Error = std::io::Error;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        context: &mut LoadContext<'_>,
    ) -> Result<ContentFile, Self::Error> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let asset_path = context.path();
        let source = asset_path.source().as_str().unwrap_or_default();
        // Diagnostics name the file as the trainer knows it, e.g. scenarios/demo.scenario.ron.
        let path = self.root.root.join(source).join(asset_path.path());
        Ok(ContentFile {
            parsed: parse_file(&path, &bytes),
        })
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}

/// The playable library. `None` until the content folders have loaded the first time.
#[derive(Resource, Default, Clone)]
pub struct ContentLibrary(pub Option<Arc<Library>>);

impl ContentLibrary {
    pub fn get(&self) -> Option<&Library> {
        self.0.as_deref()
    }
}

/// The content files being loaded (holding the handles keeps them loaded and watched), by asset
/// path.
#[derive(Resource)]
struct ContentHandles(HashMap<String, Handle<ContentFile>>);

/// Called whenever a content file changes on disk. The windowed game sets it to wake its
/// reactive event loop, which otherwise sleeps until the next input, so a saved edit (or its
/// diagnostics) shows at once.
#[derive(Resource, Clone)]
pub struct ContentWake(pub Arc<dyn Fn() + Send + Sync>);

/// Watches the content folders for files created after start, which Bevy's watcher (it only
/// reloads files already loaded) would miss.
#[derive(Resource)]
struct ContentWatch {
    _watcher: notify::RecommendedWatcher,
    changed: std::sync::Mutex<std::sync::mpsc::Receiver<PathBuf>>,
}

/// The last version of each file that was free of errors, used while an edit is broken.
#[derive(Resource, Default)]
struct LastGood(HashMap<PathBuf, ParsedFile>);

/// Loads every content file of the sources. Files are listed the way the command line lists
/// them, so other files in the folders (a README) are left alone.
fn load_content(mut commands: Commands, assets: Res<AssetServer>, root: Res<Root>) {
    let mut handles = HashMap::new();
    for source in SOURCES {
        let folder = root.0.absolute().join(source);
        let files = content_files(std::slice::from_ref(&folder)).unwrap_or_else(|diagnostic| {
            error!("{diagnostic}");
            Vec::new()
        });
        for file in files {
            if let Some(path) = asset_path(&root.0, &file) {
                handles.insert(path.clone(), assets.load(path));
            }
        }
    }
    commands.insert_resource(ContentHandles(handles));
}

/// `scenarios://sub/x.scenario.ron` for a file inside a content folder.
fn asset_path(root: &ContentRoot, file: &Path) -> Option<String> {
    SOURCES.iter().find_map(|source| {
        let relative = file.strip_prefix(root.absolute().join(source)).ok()?;
        let relative = relative.to_string_lossy().replace('\\', "/");
        Some(format!("{source}://{relative}"))
    })
}

fn watch_content(mut commands: Commands, root: Res<Root>, wake: Option<Res<ContentWake>>) {
    use notify::{EventKind, RecursiveMode, Watcher};
    let (send, changed) = std::sync::mpsc::channel();
    let wake = wake.map(|w| w.0.clone());
    let handler = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            return;
        };
        if !matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        ) {
            return;
        }
        for path in event.paths {
            let _ = send.send(path);
        }
        if let Some(wake) = wake.clone() {
            // Bevy's own watcher waits 300 ms for an editor to finish saving, then the file
            // loads in the background: wake now and a few times after, so each step is seen.
            std::thread::spawn(move || {
                for wait in [0, 500, 500, 1000] {
                    std::thread::sleep(std::time::Duration::from_millis(wait));
                    wake();
                }
            });
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(watcher) => watcher,
        Err(err) => {
            warn!("content changes will not show until restart: {err}");
            return;
        }
    };
    for source in SOURCES {
        let folder = root.0.absolute().join(source);
        if let Err(err) = watcher.watch(&folder, RecursiveMode::Recursive) {
            warn!("not watching {}: {err}", folder.display());
        }
    }
    commands.insert_resource(ContentWatch {
        _watcher: watcher,
        changed: std::sync::Mutex::new(changed),
    });
}

/// Starts loading content files that appeared after start; Bevy reloads the known ones itself.
fn load_new_files(
    watch: Option<Res<ContentWatch>>,
    root: Res<Root>,
    assets: Res<AssetServer>,
    mut handles: Option<ResMut<ContentHandles>>,
) {
    let (Some(watch), Some(handles)) = (watch, handles.as_mut()) else {
        return;
    };
    let Ok(changed) = watch.changed.lock() else {
        return;
    };
    for file in changed.try_iter() {
        let content = file.extension().is_some_and(|e| e == "ron") && file.is_file();
        if let Some(path) = asset_path(&root.0, &file).filter(|_| content)
            && !handles.0.contains_key(&path)
        {
            info!("new content file {path}");
            handles.0.insert(path.clone(), assets.load(path));
        }
    }
}

fn rebuild_library(
    mut events: MessageReader<AssetEvent<ContentFile>>,
    handles: Option<Res<ContentHandles>>,
    assets: Res<AssetServer>,
    files: Res<Assets<ContentFile>>,
    mut last_good: ResMut<LastGood>,
    mut library: ResMut<ContentLibrary>,
) {
    let touched = events.read().count() > 0;
    let Some(handles) = handles else {
        return;
    };
    let loaded = handles.0.values().all(|handle| assets.is_loaded(handle));
    if !loaded || (!touched && library.0.is_some()) {
        return;
    }
    let current: Vec<&ContentFile> = files.iter().map(|(_, file)| file).collect();
    library.0 = Some(Arc::new(assemble_keeping_last_good(
        &current,
        &mut last_good.0,
    )));
}

/// Builds the library from the files as they are now; a file with errors is replaced by its last
/// good version (if any), while its errors are still reported.
fn assemble_keeping_last_good(
    files: &[&ContentFile],
    last_good: &mut HashMap<PathBuf, ParsedFile>,
) -> Library {
    let mut parsed = Vec::new();
    let mut diagnostics = Vec::new();
    for file in files {
        match &file.parsed {
            Ok(ok) => parsed.push(ok.clone()),
            Err(errors) => diagnostics.extend(errors.iter().cloned()),
        }
    }
    let attempt = Library::assemble(&parsed);
    let broken = |path: &Path| attempt.errors().any(|d| d.file == path);
    let mut stand_ins = Vec::new();
    for file in &parsed {
        if !broken(&file.path) {
            last_good.insert(file.path.clone(), file.clone());
        }
    }
    let failed_paths = diagnostics
        .iter()
        .chain(attempt.errors())
        .map(|d| d.file.clone());
    for path in failed_paths {
        if let Some(good) = last_good.get(&path)
            && !stand_ins.iter().any(|f: &ParsedFile| f.path == path)
        {
            stand_ins.push(good.clone());
        }
    }
    diagnostics.extend(attempt.diagnostics.iter().cloned());
    let mut library = if stand_ins.is_empty() {
        attempt
    } else {
        let mut merged: Vec<ParsedFile> = parsed
            .into_iter()
            .filter(|f| !stand_ins.iter().any(|s| s.path == f.path))
            .collect();
        merged.extend(stand_ins);
        Library::assemble(&merged)
    };
    library.diagnostics = diagnostics;
    library.sort_diagnostics();
    library
}
