//! Where the emulated account lives: in memory, or in a JSON file shared by every process.
//!
//! The file is locked for the whole of each request (read, change, write), and written to a
//! temporary file that is then renamed over it, so concurrent commands never interleave and a
//! crash mid-write leaves the old state whole.

use crate::emulator::seed;
use crate::emulator::state::{STATE_VERSION, State, now_ms};
use crate::sync;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the sandbox state file {path} is damaged ({detail})")]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot use the sandbox state file {path}: {detail}")]
    Io { path: PathBuf, detail: String },
}

pub enum Store {
    Memory(Box<Mutex<State>>),
    File(PathBuf),
}

impl Store {
    pub fn memory(state: State) -> Store {
        Store::Memory(Box::new(Mutex::new(state)))
    }

    /// Runs `f` on the state; `f` says whether it changed anything worth saving.
    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> (R, bool)) -> Result<R, StoreError> {
        match self {
            Store::Memory(m) => {
                let mut state = sync::lock(m);
                Ok(f(&mut state).0)
            }
            Store::File(path) => {
                let _lock = lock(path)?;
                let (mut state, fresh) = match read(path)? {
                    Some(s) => (s, false),
                    None => (seed::account(now_ms()), true),
                };
                let (result, changed) = f(&mut state);
                if changed || fresh {
                    write(path, &state)?;
                }
                Ok(result)
            }
        }
    }

    /// Fails early, with the path, when the state file cannot be used.
    pub fn check(&self) -> Result<(), StoreError> {
        self.with(|_| ((), false))
    }
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

fn lock(path: &Path) -> Result<File, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_err(path, e))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(path))
        .map_err(|e| io_err(path, e))?;
    file.lock().map_err(|e| io_err(path, e))?;
    Ok(file)
}

fn read(path: &Path) -> Result<Option<State>, StoreError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(path, e)),
    };
    let state: State = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if state.version != STATE_VERSION {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("version {} is not {STATE_VERSION}", state.version),
        });
    }
    Ok(Some(state))
}

fn write(path: &Path, state: &State) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io_err(path, e))?;
    let bytes = serde_json::to_vec_pretty(state).map_err(|e| io_err(path, e))?;
    tmp.write_all(&bytes).map_err(|e| io_err(path, e))?;
    tmp.as_file().sync_all().map_err(|e| io_err(path, e))?;
    tmp.persist(path).map_err(|e| io_err(path, e.error))?;
    Ok(())
}

/// Replaces the file with a freshly seeded account.
pub fn reset(path: &Path) -> Result<(), StoreError> {
    let _lock = lock(path)?;
    write(path, &seed::account(now_ms()))
}

/// Reads a custom account (`ims-share sandbox --seed FILE`).
pub fn load_seed(path: &Path) -> Result<State, StoreError> {
    read(path)?.ok_or_else(|| io_err(path, "no such file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_seeded_and_changes_persist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("state.json");
        let store = Store::File(path.clone());
        let images = store.with(|s| (s.images.len(), false)).unwrap();
        assert!(images > 0);
        assert!(path.exists());
        store
            .with(|s| {
                s.images.clear();
                ((), true)
            })
            .unwrap();
        assert_eq!(
            Store::File(path.clone())
                .with(|s| (s.images.len(), false))
                .unwrap(),
            0
        );
        reset(&path).unwrap();
        assert_eq!(
            Store::File(path).with(|s| (s.images.len(), false)).unwrap(),
            images
        );
    }

    #[test]
    fn a_torn_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{\"version\": 1, \"region\": \"eu").unwrap();
        let err = Store::File(path.clone()).check().unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"version\": 1, \"region\": \"eu"
        );
    }
}

/// The keys that open the emulated account: what a client needs to talk to it.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    pub access_key: String,
    pub secret_key: String,
    pub project_id: String,
    pub region: String,
}

impl Store {
    /// The first access key of the account, with its project and the account's region.
    pub fn keys(&self) -> Result<Keys, StoreError> {
        self.with(|s| {
            let key = s.access_keys.first().cloned();
            let keys = Keys {
                access_key: key
                    .as_ref()
                    .map(|k| k.access_key.clone())
                    .unwrap_or_default(),
                secret_key: key
                    .as_ref()
                    .map(|k| k.secret_key.clone())
                    .unwrap_or_default(),
                project_id: key.map(|k| k.project_id).unwrap_or_default(),
                region: s.region.clone(),
            };
            (keys, false)
        })
    }
}
