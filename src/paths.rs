//! Where the game's folders are: `assets/`, `scenarios/` and `seeds/` under one root.

use std::path::{Path, PathBuf};

/// The environment variable that names the root folder.
pub const ROOT_ENV: &str = "SALESDOJO_ROOT";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentRoot {
    pub root: PathBuf,
}

impl ContentRoot {
    pub fn assets(&self) -> PathBuf {
        self.root.join("assets")
    }

    pub fn scenarios(&self) -> PathBuf {
        self.root.join("scenarios")
    }

    pub fn seeds(&self) -> PathBuf {
        self.root.join("seeds")
    }

    /// The root as an absolute path (Bevy resolves relative asset paths against the executable).
    pub fn absolute(&self) -> PathBuf {
        std::env::current_dir()
            .map(|cwd| cwd.join(&self.root))
            .unwrap_or_else(|_| self.root.clone())
    }

    /// The folders content is read from, scenarios and seeds.
    pub fn content_dirs(&self) -> Vec<PathBuf> {
        vec![self.seeds(), self.scenarios()]
    }

    /// Finds the root: the `--root` option, then `SALESDOJO_ROOT`, then the current folder and
    /// those above it (a trainer's own content folder, or the repository), then the folders
    /// above the executable (a build in `target/`, or an install with the folders beside it).
    pub fn locate(explicit: Option<&Path>) -> Result<ContentRoot, String> {
        if let Some(root) = explicit {
            return ContentRoot::at(root, "--root");
        }
        if let Some(root) = std::env::var_os(ROOT_ENV).filter(|v| !v.is_empty()) {
            return ContentRoot::at(Path::new(&root), ROOT_ENV);
        }
        let mut looked = Vec::new();
        let starts = [
            std::env::current_dir().ok(),
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(Path::to_path_buf)),
        ];
        for start in starts.into_iter().flatten() {
            for dir in start.ancestors() {
                if is_root(dir) {
                    return Ok(ContentRoot {
                        root: relative_to_current_dir(dir),
                    });
                }
            }
            looked.push(start.display().to_string());
        }
        Err(format!(
            "cannot find the Sales Dojo folders (scenarios/ and seeds/) above {}.\n\
             Start Sales Dojo from its folder, pass --root DIR, or set {ROOT_ENV}=DIR.",
            looked.join(" or ")
        ))
    }

    fn at(root: &Path, source: &str) -> Result<ContentRoot, String> {
        let missing: Vec<&str> = ["scenarios", "seeds"]
            .into_iter()
            .filter(|sub| !root.join(sub).is_dir())
            .collect();
        if missing.is_empty() {
            Ok(ContentRoot {
                root: root.to_path_buf(),
            })
        } else {
            Err(format!(
                "{} (from {source}) has no {}/ folder",
                root.display(),
                missing.join("/ and no ")
            ))
        }
    }
}

/// Shortens a path under the current folder, so messages say `scenarios/x.scenario.ron`.
fn relative_to_current_dir(dir: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| dir.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| dir.to_path_buf())
}

fn is_root(dir: &Path) -> bool {
    dir.join("scenarios").is_dir() && dir.join("seeds").is_dir()
}

/// The environment variable that names the folder trainees' results are kept in.
pub const DATA_ENV: &str = "SALESDOJO_DATA";

/// Where results are kept: `--data-dir`, then `SALESDOJO_DATA`, then the platform's per-user
/// data folder (e.g. `~/.local/share/salesdojo` on Linux, `%APPDATA%\SalesDojo\data` on Windows).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(DATA_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "SalesDojo", "salesdojo")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            format!("cannot tell where to keep results on this system; pass --data-dir DIR or set {DATA_ENV}=DIR")
        })
}
