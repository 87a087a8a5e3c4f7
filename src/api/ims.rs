//! The IMS batch API: `PUT /v1/cloudimages/members` and `GET /v1/{project_id}/jobs/{job_id}`.

use crate::api::client::Method;
use crate::api::model::{Job, text};
use crate::api::session::{Request, Session};
use crate::error::Error;
use crate::model::{ImageId, JobId, MemberStatus};
use serde_json::{Value, json};

pub const MEMBERS_PATH: &str = "/v1/cloudimages/members";

/// The body of a batch update (IMS-API.md §2): `vault_id` only when given.
pub fn batch_body(
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

pub fn job_path(project_id: &str, job: &JobId) -> String {
    format!("/v1/{project_id}/jobs/{job}")
}

/// Submits one chunk; the answer is the id of the job that will do it.
pub fn submit(
    session: &Session,
    images: &[ImageId],
    status: MemberStatus,
    vault_id: Option<&str>,
) -> Result<JobId, Error> {
    let body = serde_json::to_vec(&batch_body(images, session.project_id(), status, vault_id))
        .expect("JSON serialises");
    let reply = session.send(Request {
        method: Method::Put,
        path: MEMBERS_PATH,
        query: &[],
        body: Some(&body),
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

pub fn job(session: &Session, job: &JobId) -> Result<Job, Error> {
    let path = job_path(session.project_id(), job);
    let reply = session.send(Request {
        method: Method::Get,
        path: &path,
        query: &[],
        body: None,
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
}
