//! The document of `sync`: every image the policy looked at, what it decided and, unless this
//! was only the plan, what came of it.

use super::{ErrorInfo, JobRefRow};
use serde::Serialize;

/// `{"dry_run", "images":[...], "jobs":[...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SyncDoc {
    /// `--dry-run` or `--check`: the plan; nothing was sent.
    pub(crate) dry_run: bool,
    pub(crate) images: Vec<SyncRow>,
    pub(crate) jobs: Vec<JobRefRow>,
}

/// One image: the accept/reject row, and the policy's decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SyncRow {
    pub(crate) image_id: String,
    /// What came of it (`accepted`, `rejected`, `failed`, `submitted`); for an image the sync
    /// leaves as it is, and in a plan, its member status.
    pub(crate) status: String,
    pub(crate) job_id: Option<String>,
    pub(crate) error: Option<ErrorInfo>,
    pub(crate) name: Option<String>,
    pub(crate) owner: Option<String>,
    /// The owner's name from `[owners]`.
    pub(crate) owner_name: Option<String>,
    /// Before the sync.
    pub(crate) member_status: String,
    /// The rule that decided: its 1-based position, or `default`.
    pub(crate) rule: String,
    pub(crate) label: Option<String>,
    /// `accept`, `reject` or `ignore`.
    pub(crate) action: String,
    /// Whether the sync changes the image (or would, in a plan).
    pub(crate) change: bool,
}
