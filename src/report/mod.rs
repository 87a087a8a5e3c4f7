//! The result documents: what each command returns, and what `-o json` prints (PRODUCT.md
//! "Output" fixes the keys). Commands build these; only the renderers turn them into text.
//!
//! Naming: a `...Doc` is one whole document, a `...Row` one entry of it.

use crate::domain::{JobId, JobStatus, Outcome};
use serde::Serialize;

/// The per-image and per-job error codes of ims-share itself (the service's own codes, such as
/// `IMG.0027`, pass through unchanged). They are part of the JSON contract.
pub(crate) mod code {
    /// Not sent: stopped by an earlier error, an interrupt, or a dry run.
    pub(crate) const NOT_SENT: &str = "not_sent";
    /// A full-ECS image to accept without `--vault-id`.
    pub(crate) const VAULT_REQUIRED: &str = "vault_required";
    /// Interrupted before it finished.
    pub(crate) const INTERRUPTED: &str = "interrupted";
    /// The service could not be reached or kept failing.
    pub(crate) const UNAVAILABLE: &str = "unavailable";
    /// A problem with the request itself, found by ims-share.
    pub(crate) const USAGE: &str = "usage";
    /// The job failed without saying why for this image.
    pub(crate) const JOB_FAILED: &str = "job_failed";
    /// The job did not name the image, and its member status is not the one asked for.
    pub(crate) const NOT_IN_RESULTS: &str = "not_in_results";
    /// The member update answered another status than the one asked for.
    pub(crate) const UNEXPECTED_STATUS: &str = "unexpected_status";
    /// The time given for the command ran out before the answer came.
    pub const TIMED_OUT: &str = "timed_out";
    /// A failure of ims-share itself.
    pub(crate) const INTERNAL: &str = "internal";
}

/// A service error attached to one image or one job: `{code, message}` in the JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorInfo {
    pub(crate) code: String,
    pub(crate) message: String,
}

impl ErrorInfo {
    pub(crate) fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorInfo {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// The outcome of one image of an accept or reject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ChangeRow {
    pub(crate) image_id: String,
    pub(crate) status: Outcome,
    pub(crate) job_id: Option<JobId>,
    pub(crate) error: Option<ErrorInfo>,
    /// Known when the image came from the listing (--all-pending).
    pub(crate) name: Option<String>,
    /// Per-image mode: the member object the service returned.
    pub(crate) member_id: Option<String>,
    pub(crate) created_at: Option<String>,
    pub(crate) updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct JobRefRow {
    pub(crate) job_id: JobId,
    pub(crate) status: JobStatus,
    pub(crate) error_code: Option<String>,
    pub(crate) fail_reason: Option<String>,
    pub(crate) begin_time: Option<String>,
    pub(crate) end_time: Option<String>,
}

/// accept / reject: `{"images":[...], "jobs":[...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ChangeDoc {
    pub(crate) images: Vec<ChangeRow>,
    pub(crate) jobs: Vec<JobRefRow>,
    #[serde(skip)]
    pub(crate) per_image: bool,
    /// `--no-wait`: plain output is only the job ids.
    #[serde(skip)]
    pub(crate) no_wait: bool,
}

/// One image shared with you (status without ids).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SharedRow {
    pub(crate) image_id: String,
    pub(crate) name: Option<String>,
    pub(crate) owner: Option<String>,
    pub(crate) member_status: String,
    pub(crate) updated_at: Option<String>,
    // What `status --long` shows, always in the JSON; null when the service did not say.
    pub(crate) size_bytes: Option<u64>,
    pub(crate) disk_format: Option<String>,
    /// IMS's `__os_version`, else `__platform`, else Glance's `os_distro`.
    pub(crate) os: Option<String>,
    #[serde(serialize_with = "whole_number")]
    pub(crate) min_disk_gb: Option<f64>,
    #[serde(serialize_with = "whole_number")]
    pub(crate) min_ram_mb: Option<f64>,
    pub(crate) created_at: Option<String>,
    pub(crate) full_ecs: bool,
    /// The owner's name from the config's `[owners]`.
    pub(crate) owner_name: Option<String>,
    pub(crate) image_status: Option<String>,
    pub(crate) visibility: Option<String>,
    pub(crate) whole_image: bool,
    pub(crate) os_version: Option<String>,
    pub(crate) image_type: Option<String>,
    #[serde(serialize_with = "whole_number")]
    pub(crate) min_disk: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ImagesDoc {
    pub(crate) images: Vec<SharedRow>,
    /// `--long`: the table and plain rows show the facts to decide by.
    #[serde(skip)]
    pub(crate) long: bool,
}

/// Your membership of one image (status IMAGE...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MemberRow {
    pub(crate) image_id: String,
    pub(crate) member_id: String,
    pub(crate) status: Option<String>,
    pub(crate) created_at: Option<String>,
    pub(crate) updated_at: Option<String>,
    pub(crate) error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MembersDoc {
    pub(crate) members: Vec<MemberRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct JobImageRow {
    pub(crate) image_id: String,
    /// `success` or `failed`, as the job said.
    pub(crate) status: String,
    pub(crate) error: Option<ErrorInfo>,
    /// What it means for the image (`accepted`, `rejected`, `failed`), for the per-image rows
    /// of `wait`; the JSON keeps the job's word.
    #[serde(skip)]
    pub(crate) outcome: Outcome,
}

/// One job (wait, status --job).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct JobRow {
    pub(crate) job_id: JobId,
    pub(crate) job_type: Option<String>,
    pub(crate) status: JobStatus,
    pub(crate) begin_time: Option<String>,
    pub(crate) end_time: Option<String>,
    pub(crate) fail_reason: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) images: Vec<JobImageRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct JobsDoc {
    pub(crate) jobs: Vec<JobRow>,
    /// `wait` shows the images of the jobs (as accept does); `status --job` the jobs only.
    #[serde(skip)]
    pub(crate) per_image: bool,
}

/// A request `--dry-run` would have sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PlannedRequest {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) body: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PlanRow {
    pub(crate) image_id: String,
    pub(crate) name: Option<String>,
    /// What would happen: `accept`, `reject`, or `skip` (with the reason in `error`).
    pub(crate) plan: String,
    pub(crate) error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DryRunDoc {
    pub(crate) dry_run: bool,
    pub(crate) images: Vec<PlanRow>,
    pub(crate) requests: Vec<PlannedRequest>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Document {
    Change(ChangeDoc),
    Images(ImagesDoc),
    Members(MembersDoc),
    Jobs(JobsDoc),
    DryRun(DryRunDoc),
    /// A run over several targets: each target's own document.
    Targets(TargetsDoc),
    /// `ims-share jobs`: the journal.
    Journal(JournalDoc),
    /// `sync`: the plan, or what was applied.
    Sync(SyncDoc),
}

/// `40`, not `40.0`: a whole number of GB or MB is written as one; a fraction as it is.
fn whole_number<S: serde::Serializer>(n: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match n {
        Some(v) if v.fract() == 0.0 && *v >= 0.0 && *v < 1e15 => s.serialize_u64(*v as u64),
        Some(v) => s.serialize_f64(*v),
        None => s.serialize_none(),
    }
}

mod multi;
mod sync;

pub(crate) use multi::{
    JournalDoc, JournalEntry, JournalTarget, Single, TargetDoc, TargetInfo, TargetsDoc, Via,
};
pub(crate) use sync::{SyncDoc, SyncRow};
