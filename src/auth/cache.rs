//! On-disk cache of IAM tokens and discovered project ids, so a second command makes no IAM call.
//!
//! One file per key (IAM endpoint, domain, user, project scope) under the user's cache
//! directory, named by a hash of the key. Files are created 0600 in a 0700 directory and
//! replaced atomically; a token is reused until five minutes before it expires, a project id
//! for a day.
//!
//! Nothing in it is trusted blindly: a directory that is a symbolic link, belongs to someone
//! else or that others could write to is not read (another user may have planted a token or a
//! project id there), and neither is a file that is not the user's own, private, regular file.

use crate::auth::signer::sha256_hex;
use crate::auth::token::{CatalogEndpoint, IssuedToken};
use crate::auth::trust;
use crate::bounded;
use crate::domain::valid_project_id;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The largest cache entry read.
const MAX_ENTRY: u64 = 256 * 1024;

/// Tokens this close to expiry are not reused.
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(300);

/// Where the cache says why it ignores something (the `-v` trace).
pub(crate) type Say = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub(crate) struct Cache {
    dir: PathBuf,
    /// What the check of the directory found: whether it may be read, and written.
    trust: trust::Dir,
    say: Say,
}

/// An image of the last listing, as completion offers it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct RecentImage {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) owner: Option<String>,
    pub(crate) member_status: String,
}

#[derive(Serialize, Deserialize)]
struct ListingFile {
    stored_at: u64,
    images: Vec<RecentImage>,
}

/// Completion offers nothing from a listing older than this.
const LISTING_TTL: Duration = Duration::from_secs(24 * 3600);
/// The most images kept for completion.
pub(crate) const MAX_LISTED: usize = 5000;

/// A cached project id is looked up again after this long (projects are rarely recreated,
/// but a stale id must not live for ever).
pub(crate) const PROJECT_TTL: Duration = Duration::from_secs(24 * 3600);

#[derive(Serialize, Deserialize)]
struct TokenFile {
    token: String,
    expires_at: Option<String>,
    project_id: Option<String>,
    #[serde(default)]
    image_endpoints: Vec<CatalogEndpoint>,
}

#[derive(Serialize, Deserialize)]
struct ProjectFile {
    project_id: String,
    /// Unix seconds; entries written before this field existed have none and are not used.
    #[serde(default)]
    stored_at: Option<u64>,
}

impl Cache {
    /// `<cache dir>/ims-share`, or `None` when the platform has no cache directory.
    pub(crate) fn user_default(say: Say) -> Option<Cache> {
        dirs::cache_dir().map(|d| Cache::at(d.join("ims-share"), say))
    }

    /// The cache in `dir`, checked once: an existing directory of the user's own is made
    /// private (0700); one that is a link, someone else's, or was writable by others is not
    /// read from this run.
    pub(crate) fn at(dir: impl Into<PathBuf>, say: Say) -> Cache {
        let dir = dir.into();
        let trust = trust::directory(&dir);
        if let trust::Dir::Tightened(why) | trust::Dir::Refused(why) = &trust {
            say(&format!("cache: not reading {}: {why}", dir.display()));
        }
        Cache { dir, trust, say }
    }

    /// Reads one entry, if the directory and the file can be trusted.
    fn read(&self, path: &Path) -> Option<String> {
        if self.trust != trust::Dir::Trusted {
            return None;
        }
        if let Err(why) = trust::file(path) {
            (self.say)(&format!("cache: ignoring {}: {why}", path.display()));
            return None;
        }
        bounded::read_text(path, MAX_ENTRY).ok()
    }

    fn path(&self, kind: &str, key: &[&str]) -> PathBuf {
        let digest = sha256_hex(key.join("\n").as_bytes());
        self.dir.join(format!("{kind}-{}.json", &digest[..32]))
    }

    #[cfg(test)]
    pub(crate) fn token_path(&self, key: &[&str]) -> PathBuf {
        self.path("token", key)
    }

    pub(crate) fn load_token(&self, key: &[&str], now: SystemTime) -> Option<IssuedToken> {
        let text = self.read(&self.path("token", key))?;
        let file: TokenFile = serde_json::from_str(&text).ok()?;
        let expires_at = file
            .expires_at
            .as_deref()
            .and_then(|s| humantime::parse_rfc3339_weak(s).ok());
        // A token without a known expiry is not cached at all (see store_token).
        let expires = expires_at?;
        if expires.duration_since(now).unwrap_or_default() <= EXPIRY_MARGIN {
            return None;
        }
        Some(IssuedToken {
            token: Secret::new(file.token),
            expires_at,
            project_id: file.project_id,
            image_endpoints: file.image_endpoints,
        })
    }

    pub(crate) fn store_token(&self, key: &[&str], token: &IssuedToken) -> std::io::Result<()> {
        let Some(expires_at) = token.expires_at else {
            return Ok(());
        };
        let file = TokenFile {
            token: token.token.expose().to_string(),
            expires_at: Some(humantime::format_rfc3339(expires_at).to_string()),
            project_id: token.project_id.clone(),
            image_endpoints: token.image_endpoints.clone(),
        };
        self.write(&self.path("token", key), &serde_json::to_vec(&file)?, true)
    }

    pub(crate) fn forget_token(&self, key: &[&str]) {
        let _ = std::fs::remove_file(self.path("token", key));
    }

    /// A project id stored less than [`PROJECT_TTL`] ago, if it still looks like one.
    pub(crate) fn load_project(&self, key: &[&str], now: SystemTime) -> Option<String> {
        let text = self.read(&self.path("project", key))?;
        let file = serde_json::from_str::<ProjectFile>(&text).ok()?;
        let stored = UNIX_EPOCH + Duration::from_secs(file.stored_at?);
        let age = now.duration_since(stored).ok()?;
        (age < PROJECT_TTL && valid_project_id(&file.project_id)).then_some(file.project_id)
    }

    pub(crate) fn store_project(
        &self,
        key: &[&str],
        project_id: &str,
        now: SystemTime,
    ) -> std::io::Result<()> {
        let file = ProjectFile {
            project_id: project_id.to_string(),
            stored_at: now.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs()),
        };
        self.sweep(now);
        self.write(
            &self.path("project", key),
            &serde_json::to_vec(&file)?,
            true,
        )
    }

    /// Removes project and proven entries past their day, and tokens past two days (their
    /// names are hashes of endpoints that may never be asked again, e.g. a sandbox's port).
    /// Looks at a bounded number of entries.
    fn sweep(&self, now: SystemTime) {
        if self.trust != trust::Dir::Trusted {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten().take(2000) {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ttl = match name.split('-').next() {
                Some("project" | "proven") => PROJECT_TTL,
                Some("token") => 2 * PROJECT_TTL,
                _ => continue,
            };
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|at| now.duration_since(at).ok())
                .is_some_and(|age| age > ttl);
            if old && name.ends_with(".json") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Whether these credentials (`key`: their fingerprint, secrets included, hashed into the
    /// file's name; nothing of them is in the file) were accepted by a service less than a day
    /// ago: then a run need not try them with one request alone first.
    pub(crate) fn load_proven(&self, key: &[&str], now: SystemTime) -> bool {
        let Some(text) = self.read(&self.path("proven", key)) else {
            return false;
        };
        serde_json::from_str::<ProjectFile>(&text)
            .ok()
            .and_then(|f| f.stored_at)
            .and_then(|at| {
                now.duration_since(UNIX_EPOCH + Duration::from_secs(at))
                    .ok()
            })
            .is_some_and(|age| age < PROJECT_TTL)
    }

    pub(crate) fn store_proven(&self, key: &[&str], now: SystemTime) {
        let file = ProjectFile {
            project_id: String::new(),
            stored_at: now.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs()),
        };
        if let Ok(bytes) = serde_json::to_vec(&file) {
            let _ = self.write(&self.path("proven", key), &bytes, false);
        }
    }

    /// Keeps the images of the last listing, for completing ids and names on TAB (which must
    /// not send a request).
    pub(crate) fn store_listing(&self, mut images: Vec<RecentImage>, now: SystemTime) {
        images.truncate(MAX_LISTED);
        let file = ListingFile {
            stored_at: now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            images,
        };
        if let Ok(bytes) = serde_json::to_vec(&file) {
            // A cache that cannot be written costs a completion, nothing more: it is not
            // worth an fsync on every listing.
            let _ = self.write(&self.dir.join("listing.json"), &bytes, false);
        }
    }

    /// The last listing, if it is less than a day old.
    pub(crate) fn load_listing(&self, now: SystemTime) -> Vec<RecentImage> {
        let Some(text) = self.read(&self.dir.join("listing.json")) else {
            return Vec::new();
        };
        let Ok(file) = serde_json::from_str::<ListingFile>(&text) else {
            return Vec::new();
        };
        let stored = UNIX_EPOCH + Duration::from_secs(file.stored_at);
        match now.duration_since(stored) {
            Ok(age) if age < LISTING_TTL => file.images,
            _ => Vec::new(),
        }
    }

    /// Replaces `path` atomically; `durable` also waits for the disk (tokens, project ids).
    fn write(&self, path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
        if let trust::Dir::Refused(why) = &self.trust {
            return Err(std::io::Error::other(why.clone()));
        }
        create_private_dir(&self.dir)?;
        // tempfile creates the file 0600; rename makes the replacement atomic.
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(bytes)?;
        if durable {
            tmp.as_file().sync_all()?;
        }
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
