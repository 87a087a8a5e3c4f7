//! The IMS batch API: `PUT /v1/cloudimages/members`, `GET /v1/{project_id}/jobs/{job_id}`, and
//! what a finished job says about each image.

use crate::api::request::Method;
use crate::api::session::{Request, Session};
use crate::api::wire::{Job, JobResult, Member, text};
use crate::domain::{ImageId, JobId, JobStatus, MemberStatus};
use crate::error::Error;
use crate::report::{ErrorInfo, code};
use serde_json::{Value, json};

pub(crate) const MEMBERS_PATH: &str = "/v1/cloudimages/members";

/// The body of a batch update (IMS-API.md §2): `project_id` is the member whose status
/// changes (your project, or `--member-id`); `vault_id` only when given.
pub(crate) fn batch_body(
    images: &[ImageId],
    project_id: &str,
    status: MemberStatus,
    vault_id: Option<&str>,
) -> Value {
    let mut body = json!({
        "images": images,
        "project_id": project_id,
        "status": status.as_str(),
    });
    if let Some(v) = vault_id {
        body["vault_id"] = json!(v);
    }
    body
}

pub(crate) fn job_path(project_id: &str, job: &JobId) -> String {
    format!("/v1/{project_id}/jobs/{job}")
}

/// Submits one chunk; the answer is the id of the job that will do it.
pub(crate) fn submit(
    session: &Session,
    images: &[ImageId],
    member_id: Option<&str>,
    status: MemberStatus,
    vault_id: Option<&str>,
) -> Result<JobId, Error> {
    let member = member_id.unwrap_or(session.project_id());
    let body =
        serde_json::to_vec(&batch_body(images, member, status, vault_id)).expect("JSON serialises");
    let reply = session.send(Request {
        method: Method::Put,
        path: MEMBERS_PATH,
        query: &[],
        body: Some(&body),
        deadline: None,
    })
    .map_err(|e| match e {
        // No batch API there: the endpoint is not IMS (a plain Glance has only the per-image
        // member API), or its path is wrong.
        Error::Service(mut se) if se.status == 404 => {
            se.hint = Some(
                "this endpoint has no IMS batch API: check --endpoint (or ims_endpoint), or use --mode per-image on a plain OpenStack Glance"
                    .into(),
            );
            Error::Service(se)
        }
        other => other,
    })?;
    text(&reply.json(), "job_id")
        .and_then(|id| JobId::parse(&id))
        .ok_or_else(|| {
            Error::unavailable(format!(
                "PUT {MEMBERS_PATH} answered HTTP {} without a usable job_id (request id {}): a job may have been created; `ims-share status` shows the images' state",
                reply.status,
                reply.request_id.as_deref().unwrap_or("unknown")
            ))
        })
}

/// The job's state; the request ends by `deadline` at the latest (the end of a wait).
pub(crate) fn job(
    session: &Session,
    job: &JobId,
    deadline: Option<std::time::Instant>,
) -> Result<Job, Error> {
    let path = job_path(session.project_id(), job);
    let reply = session.send(Request {
        method: Method::Get,
        path: &path,
        query: &[],
        body: None,
        deadline,
    })?;
    let body = reply.json();
    if !body.is_object() {
        return Err(Error::unavailable(format!(
            "GET {path} answered HTTP {} without a job object",
            reply.status
        )));
    }
    Ok(Job::from_value(&body))
}

/// What the job says about one image (IMS-API.md §3a, §14a).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    Done,
    Failed(ErrorInfo),
    /// The job finished without naming this image: look at the member itself.
    Unknown,
    /// The job has not finished.
    Pending,
}

pub(crate) fn verdict(job: &Job, image: &ImageId) -> Verdict {
    let status = JobStatus::from_service(job.status.as_deref());
    if !status.is_terminal() {
        return Verdict::Pending;
    }
    let result = job.results.as_ref().and_then(|results| {
        results.iter().find(|r| {
            r.image_id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(image.as_str()))
        })
    });
    match result {
        Some(r) if r.is_success() => Verdict::Done,
        Some(r) => Verdict::Failed(result_error(job, r)),
        None => Verdict::Unknown,
    }
}

/// Why a job failed one image: the result's own code and message, else the job's.
pub(crate) fn result_error(job: &Job, r: &JobResult) -> ErrorInfo {
    ErrorInfo::new(
        r.error_code
            .clone()
            .or_else(|| job.error_code.clone())
            .unwrap_or_else(|| code::JOB_FAILED.into()),
        r.error_msg
            .clone()
            .or_else(|| job.fail_reason.clone())
            .unwrap_or_else(|| {
                format!(
                    "the job reported '{}' for this image",
                    r.status.as_deref().unwrap_or("no status")
                )
            }),
    )
}

/// Settles an image the job did not name, from its member status.
pub(crate) fn verdict_from_member(
    job: &Job,
    member: &Result<Member, Error>,
    target: MemberStatus,
) -> Verdict {
    match member {
        Ok(m) if m.status.as_deref().and_then(MemberStatus::parse) == Some(target) => Verdict::Done,
        Ok(m) => Verdict::Failed(match (&job.error_code, &job.fail_reason) {
            (None, None) => ErrorInfo::new(
                code::NOT_IN_RESULTS,
                format!(
                    "the job did not report this image and its member status is {}",
                    m.status.as_deref().unwrap_or("unknown")
                ),
            ),
            (code, reason) => ErrorInfo::new(
                code.clone().unwrap_or_else(|| code::JOB_FAILED.into()),
                reason.clone().unwrap_or_else(|| "the job failed".into()),
            ),
        }),
        Err(e) => Verdict::Failed(e.info()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_id_only_when_given() {
        let ids = vec![ImageId::parse("d164b5df-1bc3-4c3f-893e-3e471fd16e64").unwrap()];
        let plain = batch_body(&ids, "p1", MemberStatus::Accepted, None);
        assert_eq!(
            plain,
            json!({"images":["d164b5df-1bc3-4c3f-893e-3e471fd16e64"],"project_id":"p1","status":"accepted"})
        );
        let vaulted = batch_body(&ids, "p1", MemberStatus::Accepted, Some("v1"));
        assert_eq!(vaulted["vault_id"], "v1");
    }

    const A: &str = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
    const B: &str = "0b680482-acaa-4045-b14c-9a8c7dfe9c70";

    fn id(s: &str) -> ImageId {
        ImageId::parse(s).unwrap()
    }

    fn job(status: &str, results: Option<Vec<(&str, &str)>>) -> Job {
        Job {
            status: Some(status.into()),
            error_code: Some("IMG.0046".into()),
            fail_reason: Some("image unavailable".into()),
            results: results.map(|r| {
                r.into_iter()
                    .map(|(i, s)| JobResult {
                        image_id: Some(i.into()),
                        status: Some(s.into()),
                        ..JobResult::default()
                    })
                    .collect()
            }),
            ..Job::default()
        }
    }

    #[test]
    fn results_decide_each_image_in_any_case() {
        let j = job("FAIL", Some(vec![(A, "SUCCESS"), (B, "fail")]));
        assert_eq!(verdict(&j, &id(A)), Verdict::Done);
        assert_eq!(
            verdict(&j, &id(B)),
            Verdict::Failed(ErrorInfo::new("IMG.0046", "image unavailable"))
        );
    }

    #[test]
    fn running_jobs_and_missing_results() {
        assert_eq!(verdict(&job("RUNNING", None), &id(A)), Verdict::Pending);
        assert_eq!(verdict(&job("SUCCESS", None), &id(A)), Verdict::Unknown);
        assert_eq!(
            verdict(&job("SUCCESS", Some(vec![(B, "success")])), &id(A)),
            Verdict::Unknown
        );
    }

    #[test]
    fn a_missing_image_is_settled_by_its_member_status() {
        let ok = Job {
            status: Some("SUCCESS".into()),
            ..Job::default()
        };
        let accepted = Member {
            status: Some("accepted".into()),
            ..Member::default()
        };
        let pending = Member {
            status: Some("pending".into()),
            ..Member::default()
        };
        assert_eq!(
            verdict_from_member(&ok, &Ok(accepted), MemberStatus::Accepted),
            Verdict::Done
        );
        match verdict_from_member(&ok, &Ok(pending), MemberStatus::Accepted) {
            Verdict::Failed(e) => assert_eq!(e.code, "not_in_results"),
            other => panic!("{other:?}"),
        }
    }
}
