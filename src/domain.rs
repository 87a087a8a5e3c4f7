//! The words of the domain: image ids, job ids, member statuses, outcomes.
//!
//! Values are validated when they are made, so code that holds an `ImageId` never has to ask
//! whether it is one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An image id: a UUID in its usual 8-4-4-4-12 hex form, kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub(crate) struct ImageId(String);

impl ImageId {
    pub(crate) fn parse(raw: &str) -> Option<ImageId> {
        let s = raw.trim();
        let groups: Vec<&str> = s.split('-').collect();
        let lens = [8, 4, 4, 4, 12];
        let ok = groups.len() == 5
            && groups
                .iter()
                .zip(lens)
                .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
        ok.then(|| ImageId(s.to_ascii_lowercase()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An image as the user names it: by id, or by name (looked up among the images shared with
/// you). Something shaped like an id is always an id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ImageRef {
    Id(ImageId),
    Name(String),
}

impl ImageRef {
    /// An id, or a name; `None` for what is neither: a broken id (only hex digits and dashes,
    /// at least 8 of them), text with control characters, or more than 255 characters.
    pub(crate) fn parse(raw: &str) -> Option<ImageRef> {
        if let Some(id) = ImageId::parse(raw) {
            return Some(ImageRef::Id(id));
        }
        let s = raw.trim();
        let broken_id = s.len() >= 8
            && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            && s.contains('-');
        let plausible =
            !s.is_empty() && s.chars().count() <= 255 && !s.chars().any(crate::text::is_control);
        (plausible && !broken_id).then(|| ImageRef::Name(s.to_string()))
    }
}

/// An IMS job id (32 hex characters on the real service). Only characters that are safe in a
/// URL path are allowed, so an id can never change the request it goes into.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub(crate) struct JobId(String);

impl JobId {
    pub(crate) fn parse(raw: &str) -> Option<JobId> {
        let s = raw.trim();
        let ok = !s.is_empty()
            && s.len() <= 128
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
        ok.then(|| JobId(s.to_string()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A project id or a member id. Checked only for being safe in a URL path and a header.
pub(crate) fn valid_project_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Your status as a member of an image shared with you.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MemberStatus {
    Pending,
    Accepted,
    Rejected,
}

impl MemberStatus {
    pub(crate) const ALL: [MemberStatus; 3] = [
        MemberStatus::Pending,
        MemberStatus::Accepted,
        MemberStatus::Rejected,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Pending => "pending",
            MemberStatus::Accepted => "accepted",
            MemberStatus::Rejected => "rejected",
        }
    }

    /// Case-insensitive, since IMS is not consistent about case.
    pub(crate) fn parse(s: &str) -> Option<MemberStatus> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pending" => Some(MemberStatus::Pending),
            "accepted" => Some(MemberStatus::Accepted),
            "rejected" => Some(MemberStatus::Rejected),
            _ => None,
        }
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Accept,
    Reject,
}

impl Action {
    pub(crate) fn target(self) -> MemberStatus {
        match self {
            Action::Accept => MemberStatus::Accepted,
            Action::Reject => MemberStatus::Rejected,
        }
    }

    pub(crate) fn done_outcome(self) -> Outcome {
        match self {
            Action::Accept => Outcome::Accepted,
            Action::Reject => Outcome::Rejected,
        }
    }

    pub(crate) fn verb(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reject => "reject",
        }
    }
}

/// How an accept or reject ended for one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Outcome {
    Accepted,
    Rejected,
    Failed,
    /// Sent, but the result was not known when ims-share exited (--no-wait, timeout, Ctrl-C).
    Submitted,
}

impl Outcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
            Outcome::Submitted => "submitted",
        }
    }
}

/// The state of an asynchronous IMS job, normalised from `INIT|RUNNING|SUCCESS|FAIL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JobStatus {
    Init,
    Running,
    Success,
    Failed,
    /// The service knows no such job (a typo, or a job of another project or region).
    NotFound,
    /// A status this version does not know; treated as still running.
    Other(String),
}

impl JobStatus {
    pub(crate) fn from_service(raw: Option<&str>) -> JobStatus {
        let Some(raw) = raw else {
            return JobStatus::Other(String::new());
        };
        match raw.trim().to_ascii_uppercase().as_str() {
            "INIT" => JobStatus::Init,
            "RUNNING" => JobStatus::Running,
            "SUCCESS" => JobStatus::Success,
            "FAIL" | "FAILED" => JobStatus::Failed,
            _ => JobStatus::Other(raw.trim().to_ascii_lowercase()),
        }
    }

    pub(crate) fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobStatus::Success | JobStatus::Failed | JobStatus::NotFound
        )
    }

    /// Ended without doing its work.
    pub(crate) fn is_failure(&self) -> bool {
        matches!(self, JobStatus::Failed | JobStatus::NotFound)
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            JobStatus::Init => "init",
            JobStatus::Running => "running",
            JobStatus::Success => "success",
            JobStatus::Failed => "failed",
            JobStatus::NotFound => "not_found",
            JobStatus::Other(s) if s.is_empty() => "unknown",
            JobStatus::Other(s) => s,
        }
    }
}

impl Serialize for JobStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The kind of cloud: it decides the endpoints, the default mode and what IAM offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Cloud {
    Huaweicloud,
    Otc,
    OtcSwiss,
    Openstack,
}

impl Cloud {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Cloud::Huaweicloud => "huaweicloud",
            Cloud::Otc => "otc",
            Cloud::OtcSwiss => "otc-swiss",
            Cloud::Openstack => "openstack",
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_ids_are_uuids_in_lower_case() {
        assert_eq!(
            ImageId::parse(" D164B5DF-1bc3-4c3f-893e-3e471fd16e64 ")
                .unwrap()
                .as_str(),
            "d164b5df-1bc3-4c3f-893e-3e471fd16e64"
        );
        for bad in [
            "",
            "d164b5df1bc34c3f893e3e471fd16e64",
            "d164b5df-1bc3-4c3f-893e-3e471fd16e6",
            "g164b5df-1bc3-4c3f-893e-3e471fd16e64",
            "d164b5df-1bc3-4c3f-893e-3e471fd16e64-0000",
            "../../etc/passwd",
        ] {
            assert!(ImageId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn job_ids_cannot_change_the_path() {
        assert!(JobId::parse("ff8080814dbd65d7014dbe0d84db0013").is_some());
        assert!(JobId::parse("a/b").is_none());
        assert!(JobId::parse("a?b").is_none());
        assert!(JobId::parse("").is_none());
    }

    #[test]
    fn job_status_is_normalised() {
        assert_eq!(JobStatus::from_service(Some("SUCCESS")), JobStatus::Success);
        assert_eq!(JobStatus::from_service(Some("fail")), JobStatus::Failed);
        assert_eq!(JobStatus::from_service(Some("Running")), JobStatus::Running);
        assert_eq!(JobStatus::from_service(Some("INIT")).as_str(), "init");
        assert_eq!(JobStatus::from_service(Some("QUEUED")).as_str(), "queued");
        assert!(!JobStatus::from_service(None).is_terminal());
    }
}
