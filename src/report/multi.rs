//! The documents of a run over several targets, and of the job journal.

use super::{ChangeDoc, Document, DryRunDoc, ErrorInfo, ImagesDoc, JobsDoc, MembersDoc, SyncDoc};
use serde::{Deserialize, Serialize};

/// `{"targets":[{"target", "exit", "error", ...the target's document}], "exit"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TargetsDoc {
    pub(crate) targets: Vec<TargetDoc>,
    pub(crate) exit: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TargetDoc {
    pub(crate) target: TargetInfo,
    pub(crate) exit: i32,
    /// Why the target could not run (or stopped), when it could not.
    pub(crate) error: Option<ErrorInfo>,
    /// The target's own document, its keys beside `target`, `exit` and `error`.
    #[serde(flatten)]
    pub(crate) doc: Single,
}

/// The document of one target, as its single-target run would write it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Single {
    Change(ChangeDoc),
    Images(ImagesDoc),
    Members(MembersDoc),
    Jobs(JobsDoc),
    DryRun(DryRunDoc),
    Sync(SyncDoc),
}

impl Single {
    pub(crate) fn of(doc: Document) -> Option<Single> {
        Some(match doc {
            Document::Change(d) => Single::Change(d),
            Document::Images(d) => Single::Images(d),
            Document::Members(d) => Single::Members(d),
            Document::Jobs(d) => Single::Jobs(d),
            Document::DryRun(d) => Single::DryRun(d),
            Document::Sync(d) => Single::Sync(d),
            Document::Targets(_) | Document::Journal(_) => return None,
        })
    }

    pub(crate) fn document(&self) -> Document {
        match self.clone() {
            Single::Change(d) => Document::Change(d),
            Single::Images(d) => Document::Images(d),
            Single::Members(d) => Document::Members(d),
            Single::Jobs(d) => Document::Jobs(d),
            Single::DryRun(d) => Document::DryRun(d),
            Single::Sync(d) => Document::Sync(d),
        }
    }
}

/// Which account a part of a run was about (PRODUCT.md "Many targets in one run").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct TargetInfo {
    /// The name that chose the account: a profile of the config file, or `via` says which.
    pub(crate) profile: Option<String>,
    pub(crate) cloud: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) project_id: Option<String>,
    pub(crate) project_name: Option<String>,
    #[serde(skip)]
    pub(crate) via: Via,
    /// The config file named by `--config` or `IMS_SHARE_CONFIG` (absolute), if any.
    #[serde(skip)]
    pub(crate) config: Option<String>,
}

/// Where the name in `profile` comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Via {
    /// `--profile` (or `IMS_SHARE_PROFILE`): the config file.
    #[default]
    Profile,
    /// `--os-cloud`: clouds.yaml.
    OsCloud,
    /// `--hcloud-profile`: KooCLI's config.
    Hcloud,
}

impl TargetInfo {
    /// `PROFILE/REGION/PROJECT` (the project's name when known, else its id; `-` for what is
    /// not known), for the TARGET column and stderr lines.
    pub(crate) fn label(&self) -> String {
        let part = |v: Option<&String>| v.map(String::as_str).unwrap_or("-").to_string();
        format!(
            "{}/{}/{}",
            part(self.profile.as_ref()),
            part(self.region.as_ref()),
            part(self.project_name.as_ref().or(self.project_id.as_ref()))
        )
    }
}

/// The account a job was submitted on: enough to reach it again, never a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JournalTarget {
    pub(crate) profile: Option<String>,
    pub(crate) cloud: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) project_id: Option<String>,
    pub(crate) project_name: Option<String>,
    /// The IMS endpoint the job was submitted to.
    pub(crate) endpoint: Option<String>,
    /// `--sandbox`: the state file of the sandbox account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sandbox_state: Option<String>,
    /// `--os-cloud`: the clouds.yaml entry (`profile` holds the same name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) os_cloud: Option<String>,
    /// `--hcloud-profile`: the KooCLI profile (`profile` holds the same name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hcloud_profile: Option<String>,
    /// The config file that named the profile, when not the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) config: Option<String>,
}

/// One job, as the journal knows it (`ims-share jobs`: `{"jobs":[...]}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JournalEntry {
    pub(crate) job_id: String,
    pub(crate) action: String,
    pub(crate) image_ids: Vec<String>,
    pub(crate) target: JournalTarget,
    pub(crate) submitted_at: String,
    pub(crate) last_status: String,
    pub(crate) last_seen_at: String,
}

impl JournalEntry {
    /// Known to be over: nothing left to wait for.
    pub(crate) fn finished(&self) -> bool {
        matches!(
            self.last_status.as_str(),
            "success" | "failed" | "not_found"
        )
    }
}

/// `ims-share jobs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct JournalDoc {
    pub(crate) jobs: Vec<JournalEntry>,
}
