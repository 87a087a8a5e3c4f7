//! The job journal: every job a change submits, recorded the moment its id exists, so that any
//! job can be resumed later without retyping its account (`wait JOB`, `wait --unfinished`,
//! `ims-share jobs`).
//!
//! `ims-share/jobs.jsonl` in the state directory (`$XDG_STATE_HOME`, else the data directory):
//! one JSON object per line, appended under a lock file so that concurrent runs interleave
//! whole lines; a later line for the same job (its last status) replaces the earlier one when
//! read. The directory is 0700 and the file 0600; neither is used when it is a link or someone
//! else's. No secret is ever written. When a run that writes finds it past 2.5 MiB, only the
//! newest jobs are kept (at most 10,000, and 2 MiB).

use crate::auth::trust;
use crate::bounded;
pub(crate) use crate::report::{JournalEntry as Entry, JournalTarget};
use crate::sync::lock;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The most jobs kept.
pub(crate) const MAX_ENTRIES: usize = 10_000;
/// Past this size the file is compacted when a run starts writing to it: below the size of
/// 10,000 of the smallest entries (about 290 bytes each), so that the cap holds.
const COMPACT_AT: u64 = 5 << 19;
/// The most read of the file.
const MAX_READ: u64 = 64 << 20;

/// A later status of a job already recorded (a line of its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Update {
    job_id: String,
    last_status: String,
    last_seen_at: String,
}

/// `<state dir>/ims-share/jobs.jsonl`: `$XDG_STATE_HOME`, else the data directory.
pub(crate) fn default_path(xdg_state_home: Option<&str>) -> Option<PathBuf> {
    let base = xdg_state_home
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(dirs::data_dir)?;
    Some(base.join("ims-share").join("jobs.jsonl"))
}

/// The journal of a run that writes to it.
pub(crate) struct Journal {
    path: PathBuf,
    /// Writes of this process, one at a time (the lock file orders processes).
    writing: Mutex<()>,
}

impl Journal {
    pub(crate) fn at(path: PathBuf) -> Journal {
        Journal {
            path,
            writing: Mutex::new(()),
        }
    }

    /// Appends `entry` (a new job). Errors say why, for one warning.
    pub(crate) fn record(&self, entry: &Entry) -> Result<(), String> {
        self.append(serde_json::to_string(entry).map_err(|e| e.to_string())?)
    }

    /// Appends the status a job was last seen in.
    pub(crate) fn update(&self, job_id: &str, status: &str, at: &str) -> Result<(), String> {
        let update = Update {
            job_id: job_id.to_string(),
            last_status: status.to_string(),
            last_seen_at: at.to_string(),
        };
        self.append(serde_json::to_string(&update).map_err(|e| e.to_string())?)
    }

    fn append(&self, mut line: String) -> Result<(), String> {
        let _one = lock(&self.writing);
        let _locked = self.lock_file()?;
        line.push('\n');
        let mut file = open_append(&self.path)?;
        file.write_all(line.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    /// Keeps the file within its bounds: past [`COMPACT_AT`] bytes it is rewritten with the
    /// newest jobs (at most [`MAX_ENTRIES`], and 4/5 of [`COMPACT_AT`]), one line each; a cheap
    /// size check otherwise.
    pub(crate) fn compact_if_large(&self) -> Result<(), String> {
        let size = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        if size <= COMPACT_AT {
            return Ok(());
        }
        let _one = lock(&self.writing);
        let _locked = self.lock_file()?;
        let mut entries = read(&self.path)?.entries;
        let mut text = String::new();
        // Newest first until the bounds, then written back oldest first.
        let mut kept = Vec::new();
        let mut bytes = 0u64;
        while let Some(e) = entries.pop() {
            let line = serde_json::to_string(&e).map_err(|e| e.to_string())?;
            bytes += line.len() as u64 + 1;
            if kept.len() >= MAX_ENTRIES || bytes > COMPACT_AT * 4 / 5 {
                break;
            }
            kept.push(line);
        }
        for line in kept.iter().rev() {
            text.push_str(line);
            text.push('\n');
        }
        let tmp = self.path.with_extension("jsonl.tmp");
        write_private(&tmp, text.as_bytes())?;
        std::fs::rename(&tmp, &self.path)
            .map_err(|e| format!("cannot replace {}: {e}", self.path.display()))
    }

    /// Holds the journal's lock file (created 0600 beside it) until dropped.
    fn lock_file(&self) -> Result<LockFile, String> {
        let dir = self
            .path
            .parent()
            .ok_or_else(|| format!("{} has no directory", self.path.display()))?;
        private_dir(dir)?;
        let path = self.path.with_extension("lock");
        let file = open_private(&path, false)?;
        flock(&file, true).map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
        Ok(LockFile { _file: file })
    }
}

struct LockFile {
    _file: std::fs::File,
}

/// What the journal holds.
#[derive(Debug, Default)]
pub(crate) struct Contents {
    /// Every job, oldest first, each with its latest line.
    pub(crate) entries: Vec<Entry>,
    /// Lines that do not read (skipped).
    pub(crate) damaged: usize,
}

impl Contents {
    /// The warning the damaged lines deserve, if any.
    pub(crate) fn damage(&self, path: &Path) -> Option<String> {
        (self.damaged > 0).then(|| {
            format!(
                "the journal {} has {} unreadable line{} (a crash mid-write, or an edit); skipped",
                path.display(),
                self.damaged,
                crate::text::s(self.damaged)
            )
        })
    }
}

/// The journal at `path`. A missing file is an empty journal; a line that does not read is
/// skipped and counted (a damaged line costs one job, not the journal).
pub(crate) fn read(path: &Path) -> Result<Contents, String> {
    if let Some(dir) = path.parent()
        && let trust::Dir::Refused(why) = trust::directory(dir)
    {
        return Err(format!("not reading {}: {why}", dir.display()));
    }
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(Contents::default());
    }
    trust::file(path).map_err(|why| format!("not reading {}: {why}", path.display()))?;
    let bytes = bounded::read_file(path, MAX_READ)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut order: Vec<String> = Vec::new();
    let mut latest: HashMap<String, Entry> = HashMap::new();
    let mut damaged = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(entry) = serde_json::from_str::<Entry>(line) else {
            match serde_json::from_str::<Update>(line) {
                Ok(u) => {
                    if let Some(e) = latest.get_mut(&u.job_id) {
                        e.last_status = u.last_status;
                        e.last_seen_at = u.last_seen_at;
                    }
                }
                Err(_) => damaged += 1,
            }
            continue;
        };
        if !latest.contains_key(&entry.job_id) {
            order.push(entry.job_id.clone());
        }
        latest.insert(entry.job_id.clone(), entry);
    }
    Ok(Contents {
        entries: order
            .into_iter()
            .filter_map(|id| latest.remove(&id))
            .collect(),
        damaged,
    })
}

/// The directory, made if missing (0700); refused when it is a link or someone else's.
fn private_dir(dir: &Path) -> Result<(), String> {
    if let trust::Dir::Refused(why) = trust::directory(dir) {
        return Err(format!("not using {}: {why}", dir.display()));
    }
    if !dir.exists() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        set_mode(dir, 0o700);
    }
    Ok(())
}

fn open_append(path: &Path) -> Result<std::fs::File, String> {
    if std::fs::symlink_metadata(path).is_ok() {
        trust::file(path).map_err(|why| format!("not writing {}: {why}", path.display()))?;
    }
    open_private(path, true)
}

fn open_private(path: &Path, append: bool) -> Result<std::fs::File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true);
    if append {
        options.append(true);
    } else {
        options.write(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let _ = std::fs::remove_file(path);
    let mut file = open_private(path, false)?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

#[cfg(unix)]
fn flock(file: &std::fs::File, exclusive: bool) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let op = if exclusive {
        libc::LOCK_EX
    } else {
        libc::LOCK_SH
    };
    // SAFETY: flock on a descriptor this process owns; released when the file is closed.
    if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn flock(_: &std::fs::File, _: bool) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, status: &str) -> Entry {
        Entry {
            job_id: id.into(),
            action: "accept".into(),
            image_ids: vec!["6596628c-42d4-4ff1-8660-8ea5ae61f243".into()],
            target: JournalTarget {
                profile: Some("prod".into()),
                region: Some("eu-de".into()),
                ..JournalTarget::default()
            },
            submitted_at: "2026-12-03T10:00:00Z".into(),
            last_status: status.into(),
            last_seen_at: "2026-12-03T10:00:00Z".into(),
        }
    }

    #[test]
    fn later_lines_update_a_job_and_damaged_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/ims-share/jobs.jsonl");
        let j = Journal::at(path.clone());
        j.record(&entry("a", "running")).unwrap();
        j.record(&entry("b", "running")).unwrap();
        j.update("a", "success", "2026-12-03T10:01:00Z").unwrap();
        j.update("unknown", "success", "2026-12-03T10:01:00Z")
            .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{not json\n")
            .unwrap();
        let read = read(&path).unwrap();
        assert_eq!(read.damaged, 1);
        let all = read.entries;
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].job_id.as_str(), all[0].finished()), ("a", true));
        assert_eq!((all[1].job_id.as_str(), all[1].finished()), ("b", false));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
    }

    #[test]
    fn a_large_journal_keeps_the_newest_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.jsonl");
        let j = Journal::at(path.clone());
        let mut text = String::new();
        let n = MAX_ENTRIES + 2_000;
        for i in 0..n {
            let mut e = entry(&format!("job-{i:05}"), "success");
            e.image_ids = vec!["x".repeat(400)];
            text.push_str(&serde_json::to_string(&e).unwrap());
            text.push('\n');
        }
        write_private(&path, text.as_bytes()).unwrap();
        j.compact_if_large().unwrap();
        let kept = read(&path).unwrap().entries;
        assert!(kept.len() <= MAX_ENTRIES && !kept.is_empty());
        assert_eq!(kept.last().unwrap().job_id, format!("job-{:05}", n - 1));
        assert!(std::fs::metadata(&path).unwrap().len() <= COMPACT_AT);
    }
}
