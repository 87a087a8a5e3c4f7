//! The result documents: what each command returns, and what `-o json` prints (PRODUCT.md
//! "Output" fixes the keys). Commands build these; only the renderers turn them into text.
//!
//! Naming: a `...Doc` is one whole document, a `...Row` one entry of it.

use crate::domain::{JobId, JobStatus, Outcome};
use serde::Serialize;

/// The per-image and per-job error codes of ims-share itself (the service's own codes, such as
/// `IMG.0027`, pass through unchanged). They are part of the JSON contract.
pub mod code {
    /// Not sent: stopped by an earlier error, an interrupt, or a dry run.
    pub const NOT_SENT: &str = "not_sent";
    /// A full-ECS image to accept without `--vault-id`.
    pub const VAULT_REQUIRED: &str = "vault_required";
    /// Interrupted before it finished.
    pub const INTERRUPTED: &str = "interrupted";
    /// The service could not be reached or kept failing.
    pub const UNAVAILABLE: &str = "unavailable";
    /// A problem with the request itself, found by ims-share.
    pub const USAGE: &str = "usage";
    /// The job failed without saying why for this image.
    pub const JOB_FAILED: &str = "job_failed";
    /// The job did not name the image, and its member status is not the one asked for.
    pub const NOT_IN_RESULTS: &str = "not_in_results";
    /// The member update answered another status than the one asked for.
    pub const UNEXPECTED_STATUS: &str = "unexpected_status";
    /// A failure of ims-share itself.
    pub const INTERNAL: &str = "internal";
}

/// A service error attached to one image or one job: `{code, message}` in the JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
}

impl ErrorInfo {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorInfo {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// The outcome of one image of an accept or reject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeRow {
    pub image_id: String,
    pub status: Outcome,
    pub job_id: Option<JobId>,
    pub error: Option<ErrorInfo>,
    /// Known when the image came from the listing (--all-pending).
    pub name: Option<String>,
    /// Per-image mode: the member object the service returned.
    pub member_id: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRefRow {
    pub job_id: JobId,
    pub status: JobStatus,
}

/// accept / reject: `{"images":[...], "jobs":[...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeDoc {
    pub images: Vec<ChangeRow>,
    pub jobs: Vec<JobRefRow>,
    #[serde(skip)]
    pub per_image: bool,
    /// `--no-wait`: plain output is only the job ids.
    #[serde(skip)]
    pub no_wait: bool,
}

/// One image shared with you (status without ids).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedRow {
    pub image_id: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub member_status: String,
    pub updated_at: Option<String>,
    pub created_at: Option<String>,
    pub image_status: Option<String>,
    pub visibility: Option<String>,
    pub whole_image: bool,
    pub os_version: Option<String>,
    pub image_type: Option<String>,
    pub min_disk: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImagesDoc {
    pub images: Vec<SharedRow>,
}

/// Your membership of one image (status IMAGE...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRow {
    pub image_id: String,
    pub member_id: String,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MembersDoc {
    pub members: Vec<MemberRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobImageRow {
    pub image_id: String,
    pub status: String,
}

/// One job (wait, status --job).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRow {
    pub job_id: JobId,
    pub job_type: Option<String>,
    pub status: JobStatus,
    pub begin_time: Option<String>,
    pub end_time: Option<String>,
    pub fail_reason: Option<String>,
    pub error_code: Option<String>,
    pub images: Vec<JobImageRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobsDoc {
    pub jobs: Vec<JobRow>,
}

/// A request `--dry-run` would have sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRequest {
    pub method: String,
    pub url: String,
    pub body: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRow {
    pub image_id: String,
    pub name: Option<String>,
    /// What would happen: `accept`, `reject`, or `skip` (with the reason in `error`).
    pub plan: String,
    pub error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DryRunDoc {
    pub dry_run: bool,
    pub images: Vec<PlanRow>,
    pub requests: Vec<PlannedRequest>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    Change(ChangeDoc),
    Images(ImagesDoc),
    Members(MembersDoc),
    Jobs(JobsDoc),
    DryRun(DryRunDoc),
}

/// How a command ended: the document for stdout, the exit code, and what to say on stderr.
#[derive(Debug)]
pub(crate) struct Report {
    /// The result document for stdout (not printed when `error` is set: exits 2, 3 and 5
    /// leave stdout empty).
    pub(crate) doc: Option<Document>,
    pub(crate) exit: crate::error::Exit,
    /// The failure that ended the run early, if any.
    pub(crate) error: Option<crate::error::Error>,
    /// Lines for stderr after the result that must not be missed (resume commands): shown
    /// even with `-q`.
    pub(crate) notes: Vec<String>,
    /// A one-line summary for stderr after the result (silenced by `-q`).
    pub(crate) summary: Option<String>,
}

impl Report {
    /// Ended by an error before there was anything to show (stdout stays empty).
    pub(crate) fn failed(e: crate::error::Error) -> Report {
        Report {
            doc: None,
            exit: e.exit(),
            error: Some(e),
            notes: Vec::new(),
            summary: None,
        }
    }

    pub(crate) fn ok(doc: Document, exit: crate::error::Exit) -> Report {
        Report {
            doc: Some(doc),
            exit,
            error: None,
            notes: Vec::new(),
            summary: None,
        }
    }
}

impl Report {
    /// Nothing for stdout, nothing to add: only the exit code.
    pub(crate) fn exit_only(exit: crate::error::Exit) -> Report {
        Report {
            doc: None,
            exit,
            error: None,
            notes: Vec::new(),
            summary: None,
        }
    }
}
