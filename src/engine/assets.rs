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
            .add_systems(Startup, load_content)
            .add_systems(PreUpdate, rebuild_library.in_set(ContentSet));
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

/// The content files being loaded (holding the handles keeps them loaded and watched).
#[derive(Resource)]
struct ContentHandles(Vec<Handle<ContentFile>>);

/// The last version of each file that was free of errors, used while an edit is broken.
#[derive(Resource, Default)]
struct LastGood(HashMap<PathBuf, ParsedFile>);

/// Loads every content file of the sources. Files are listed the way the command line lists
/// them, so other files in the folders (a README) are left alone.
fn load_content(mut commands: Commands, assets: Res<AssetServer>, root: Res<Root>) {
    let mut handles = Vec::new();
    for source in SOURCES {
        let folder = root.0.absolute().join(source);
        let files = content_files(std::slice::from_ref(&folder)).unwrap_or_else(|diagnostic| {
            error!("{diagnostic}");
            Vec::new()
        });
        for file in files {
            if let Ok(relative) = file.strip_prefix(&folder) {
                let relative = relative.to_string_lossy().replace('\\', "/");
                handles.push(assets.load(format!("{source}://{relative}")));
            }
        }
    }
    commands.insert_resource(ContentHandles(handles));
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
    let loaded = handles.0.iter().all(|handle| assets.is_loaded(handle));
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
