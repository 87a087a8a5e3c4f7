//! The IMS batch API: `PUT /v1/cloudimages/members` makes a job whose outcome is decided at
//! once and revealed as the clock passes its duration; `GET /v1/{project}/jobs/{id}` shows it.

use super::gateway::Caller;
use super::http::{Ctx, HttpRequest, HttpResponse, ims_error};
use super::state::{Job, JobResult, State, iso_millis};
use serde_json::{Value, json};

pub(super) fn random_hex(n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(fastrand::u32(0..16), 16).expect("hex digit"))
        .collect()
}

// ---------------------------------------------------------------- IMS batch API and jobs

pub(super) fn is_uuid(s: &str) -> bool {
    crate::domain::ImageId::parse(s).is_some_and(|id| id.as_str() == s)
}

pub(super) fn batch_update(
    state: &mut State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    caller: &Caller,
    changed: &mut bool,
) -> HttpResponse {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return ims_error(400, "IMG.0001", "The request message format is invalid.");
    };
    let images: Option<Vec<String>> =
        body.get("images")
            .and_then(Value::as_array)
            .and_then(|list| {
                list.iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect()
            });
    let Some(images) = images.filter(|l| !l.is_empty()) else {
        return ims_error(
            400,
            "IMG.0001",
            "The request message format is invalid: images is required.",
        );
    };
    match body.get("project_id").and_then(Value::as_str) {
        None => {
            return ims_error(
                400,
                "IMG.0001",
                "The request message format is invalid: project_id is required.",
            );
        }
        Some(p) if p != caller.project_id => {
            return ims_error(
                400,
                "IMG.0067",
                &format!("The project ID {p} is incorrect."),
            );
        }
        Some(_) => {}
    }
    let status = match body.get("status").and_then(Value::as_str) {
        Some(s @ ("accepted" | "rejected")) => s.to_string(),
        _ => {
            return ims_error(
                400,
                "IMG.0001",
                "The request message format is invalid: status must be accepted or rejected.",
            );
        }
    };
    if let Some(bad) = images.iter().find(|i| !is_uuid(i)) {
        return ims_error(
            400,
            "IMG.0066",
            &format!("The image ID {bad} is incorrect."),
        );
    }
    let vault_id = body.get("vault_id").and_then(Value::as_str);
    if status == "accepted"
        && vault_id.is_none()
        && state.settings.vault_check == crate::emulator::state::VaultCheck::Request
        && let Some(whole) = images
            .iter()
            .filter_map(|i| state.image(i))
            .find(|img| img.whole_image && state.member(&img.id, &caller.project_id).is_some())
    {
        let which = if state.settings.vault_error_names_image {
            format!(" {}", whole.id)
        } else {
            String::new()
        };
        return ims_error(
            400,
            "IMG.0001",
            &format!(
                "The request message format is invalid: vault_id is required to accept the full-ECS image{which}."
            ),
        );
    }
    let mut seen = std::collections::HashSet::new();
    let results: Vec<JobResult> = images
        .iter()
        .filter(|i| seen.insert((*i).clone()))
        .map(|i| evaluate(state, caller, i, &status, vault_id))
        .collect();
    let job = Job {
        id: random_hex(32),
        project_id: caller.project_id.clone(),
        status,
        submitted_ms: ctx.now_ms,
        duration_ms: ctx
            .job_duration_ms
            .unwrap_or(state.settings.job_duration_ms),
        results,
        applied: false,
    };
    let id = job.id.clone();
    state.jobs.push(job);
    *changed = true;
    HttpResponse::json(200, &json!({"job_id": id}))
}

pub(super) fn evaluate(
    state: &State,
    caller: &Caller,
    image_id: &str,
    status: &str,
    vault_id: Option<&str>,
) -> JobResult {
    let fail = |code: &str, message: String| JobResult {
        image_id: image_id.to_string(),
        ok: false,
        code: Some(code.to_string()),
        message: Some(message),
    };
    let Some(image) = state.image(image_id) else {
        return fail("IMG.0027", format!("The image {image_id} does not exist."));
    };
    if state.member(image_id, &caller.project_id).is_none() {
        return fail(
            "IMG.0114",
            format!(
                "The image {image_id} is not shared with project {}.",
                caller.project_id
            ),
        );
    }
    if let Some(f) = &image.fail_with {
        return fail(&f.code, f.message.clone());
    }
    if image.whole_image && status == "accepted" {
        match vault_id {
            None => {
                return fail(
                    "IMG.0184",
                    format!("A vault_id is required to accept the full-ECS image {image_id}."),
                );
            }
            Some(v) if !state.vaults.iter().any(|k| k == v) => {
                return fail("IMG.0184", format!("The vault {v} does not exist."));
            }
            Some(_) => {}
        }
    }
    JobResult {
        image_id: image_id.to_string(),
        ok: true,
        code: None,
        message: None,
    }
}

pub(super) fn show_job(
    state: &State,
    ctx: &Ctx<'_>,
    caller: &Caller,
    project: &str,
    job_id: &str,
) -> HttpResponse {
    let job = state
        .jobs
        .iter()
        .find(|j| j.id == job_id && j.project_id == project && project == caller.project_id);
    let Some(job) = job else {
        return ims_error(
            404,
            "IMG.0003",
            &format!("The job {job_id} does not exist."),
        );
    };
    HttpResponse::json(200, &job_json(job, ctx.now_ms))
}

pub(crate) fn job_json(job: &Job, now: u64) -> Value {
    let elapsed = now.saturating_sub(job.submitted_ms);
    let done = elapsed >= job.duration_ms;
    let failures: Vec<&JobResult> = job.results.iter().filter(|r| !r.ok).collect();
    let status = if done {
        if failures.is_empty() {
            "SUCCESS"
        } else {
            "FAIL"
        }
    } else if elapsed * 10 < job.duration_ms {
        "INIT"
    } else {
        "RUNNING"
    };
    let mut entities = json!({"image_id": "", "process_percent": if done { 1.0 } else { elapsed as f64 / job.duration_ms.max(1) as f64 }});
    let (mut error_code, mut fail_reason) = (Value::Null, Value::Null);
    if done {
        entities["results"] = job
            .results
            .iter()
            .map(|r| json!({"image_id": r.image_id, "project_id": job.project_id, "status": if r.ok { "success" } else { "failed" }}))
            .collect();
        if let Some(first) = failures.first() {
            error_code = json!(first.code);
            let first_message = first.message.as_deref().unwrap_or("failed");
            fail_reason = json!(if failures.len() == 1 {
                first_message.to_string()
            } else {
                format!(
                    "{} of {} images could not be updated; the first: {first_message}",
                    failures.len(),
                    job.results.len()
                )
            });
        }
    }
    json!({
        "status": status,
        "job_id": job.id,
        "job_type": "imsUpdateImageMembersJob",
        "begin_time": iso_millis(job.submitted_ms),
        "end_time": if done { iso_millis(job.submitted_ms + job.duration_ms) } else { String::new() },
        "error_code": error_code,
        "fail_reason": fail_reason,
        "entities": entities,
    })
}
