//! What the emulator answers: the IMS batch and job APIs, the Glance-style member and listing
//! APIs, and enough IAM for password logins and project lookups.
//!
//! Behaviour follows ../shared/api: the recorded Glance 33 answers (status codes, messages,
//! listing and paging semantics) and the API gateway's authentication checks, including the
//! lock-out after five bad signatures. A pure function of the state, the request and the clock.

use crate::auth::signer;
use crate::sandbox::state::{
    Image, Job, JobResult, Lockout, State, Token, iso_millis, iso_seconds,
};
use serde_json::{Value, json};

/// A request as the emulator sees it.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    /// The raw path, as sent.
    pub path: String,
    /// The raw query string, without `?`.
    pub raw_query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query_pairs(&self) -> Vec<(String, String)> {
        if self.raw_query.is_empty() {
            return Vec::new();
        }
        self.raw_query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect()
    }

    fn query(&self, key: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    fn wants_json(&self) -> bool {
        self.header("accept")
            .is_some_and(|a| a.contains("application/json"))
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn json(status: u16, body: &Value) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    fn html(status: u16, body: String) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "text/html; charset=UTF-8".into())],
            body: body.into_bytes(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> HttpResponse {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// Everything besides the state that an answer depends on.
#[derive(Debug, Clone)]
pub struct Ctx<'a> {
    pub now_ms: u64,
    /// The emulator's own URL, for the token catalog.
    pub base_url: &'a str,
    pub request_id: &'a str,
    /// Issued tokens stop working after this many uses.
    pub token_uses: Option<u64>,
    pub job_duration_ms: Option<u64>,
}

/// Who is calling, once authenticated.
#[derive(Debug, Clone)]
struct Caller {
    project_id: String,
    domain: String,
}

const MAX_SKEW_MS: u64 = 15 * 60 * 1000;
const LOCK_AFTER: u32 = 5;
const LOCK_FOR_MS: u64 = 5 * 60 * 1000;

pub fn apigw_error(status: u16, code: &str, message: &str, request_id: &str) -> HttpResponse {
    HttpResponse::json(
        status,
        &json!({"error_code": code, "error_msg": message, "request_id": request_id}),
    )
}

fn ims_error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::json(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        _ => "Error",
    }
}

/// Glance's error shape, with its `<br />` padding; HTML unless the client asked for JSON.
fn glance_error(req: &HttpRequest, status: u16, message: &str) -> HttpResponse {
    let title = reason(status);
    if req.wants_json() {
        HttpResponse::json(
            status,
            &json!({"message": format!("{message}<br /><br />\n\n\n"), "code": format!("{status} {title}"), "title": title}),
        )
    } else {
        HttpResponse::html(
            status,
            format!(
                "<html>\n <head>\n  <title>{status} {title}</title>\n </head>\n <body>\n  <h1>{status} {title}</h1>\n  {message}<br /><br />\n\n\n\n </body>\n</html>"
            ),
        )
    }
}

fn keystone_error(status: u16, message: &str) -> HttpResponse {
    HttpResponse::json(
        status,
        &json!({"error": {"code": status, "title": reason(status), "message": message}}),
    )
}

/// The HTML page a gateway sends when the service behind it is down (a fault knob).
pub fn gateway_html(status: u16) -> HttpResponse {
    let title = match status {
        502 => "502 Bad Gateway",
        503 => "503 Service Temporarily Unavailable",
        _ => "500 Internal Server Error",
    };
    HttpResponse::html(
        status,
        format!(
            "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>api-gateway</center>\r\n</body>\r\n</html>\r\n"
        ),
    )
}

/// Answers one request. The boolean says whether the state changed.
pub fn handle(state: &mut State, req: &HttpRequest, ctx: &Ctx<'_>) -> (HttpResponse, bool) {
    let mut changed = state.settle(ctx.now_ms);
    let segments: Vec<&str> = req.path.trim_end_matches('/').split('/').skip(1).collect();
    let method = req.method.as_str();
    let response = match (method, segments.as_slice()) {
        ("POST", ["v3", "auth", "tokens"]) => login(state, req, ctx, &mut changed),
        (_, ["v3", "auth", "tokens"]) => method_not_allowed(req),
        (m, rest) => match authenticate(state, req, ctx, &mut changed) {
            Err(resp) => resp,
            Ok(caller) => match (m, rest) {
                ("PUT", ["v1", "cloudimages", "members"]) => {
                    batch_update(state, req, ctx, &caller, &mut changed)
                }
                ("GET", ["v1", project, "jobs", job]) => {
                    show_job(state, ctx, &caller, project, job)
                }
                ("GET", ["v2", "images"]) => {
                    // Glance's default order, newest first. Kept in the state itself, so the
                    // next page finds it already sorted (a linear check instead of a sort).
                    state
                        .images
                        .sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
                    list_images(state, req, &caller)
                }
                ("GET", ["v2", "images", image, "members"]) => {
                    list_members(state, req, &caller, image)
                }
                ("GET", ["v2", "images", image, "members", member]) => {
                    show_member(state, req, &caller, image, member)
                }
                ("PUT", ["v2", "images", image, "members", member]) => {
                    update_member(state, req, ctx, &caller, image, member, &mut changed)
                }
                ("GET", ["v3", "projects"]) => list_projects(state, req, &caller),
                (_, ["v2", "images", _, "members", _]) | (_, ["v2", "images", _, "members"]) => {
                    method_not_allowed(req)
                }
                _ => apigw_error(
                    404,
                    "APIGW.0101",
                    "The API does not exist or has not been published in the environment",
                    ctx.request_id,
                ),
            },
        },
    };
    (response, changed)
}

fn method_not_allowed(req: &HttpRequest) -> HttpResponse {
    glance_error(
        req,
        405,
        &format!(
            "The method {} is not allowed for this resource. ",
            req.method
        ),
    )
}

fn unauthorized(ctx: &Ctx<'_>, why: &str) -> HttpResponse {
    apigw_error(
        401,
        "APIGW.0301",
        &format!("Incorrect IAM authentication information: {why}"),
        ctx.request_id,
    )
}

fn authenticate(
    state: &mut State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    changed: &mut bool,
) -> Result<Caller, HttpResponse> {
    if let Some(auth) = req.header("authorization") {
        return authenticate_signature(state, req, ctx, auth, changed);
    }
    if let Some(token) = req.header("x-auth-token") {
        return authenticate_token(state, req, ctx, token, changed);
    }
    Err(unauthorized(ctx, "no credentials in the request"))
}

fn authenticate_signature(
    state: &mut State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    auth: &str,
    changed: &mut bool,
) -> Result<Caller, HttpResponse> {
    let Some(parsed) = signer::parse_authorization(auth) else {
        return Err(unauthorized(ctx, "unsupported Authorization header"));
    };
    let Some(key) = state
        .access_keys
        .iter()
        .find(|k| k.access_key == parsed.access_key)
        .cloned()
    else {
        return Err(unauthorized(ctx, "AK/SK is invalid"));
    };
    if let Some(lock) = state
        .lockouts
        .iter()
        .find(|l| l.access_key == key.access_key)
        && lock.locked_until_ms > ctx.now_ms
    {
        return Err(unauthorized(
            ctx,
            "the access key is locked for 5 minutes after 5 consecutive signature failures",
        ));
    }
    let date_ok = parsed.signed_headers.iter().any(|h| h == "x-sdk-date")
        && req
            .header("x-sdk-date")
            .and_then(signer::parse_sdk_date)
            .map(|d| signer::unix_seconds(d) * 1000)
            .is_some_and(|d| d.abs_diff(ctx.now_ms) <= MAX_SKEW_MS);
    if !date_ok {
        record_failure(state, &key.access_key, ctx.now_ms, changed);
        return Err(unauthorized(
            ctx,
            "X-Sdk-Date is missing, unsigned or more than 15 minutes from the server time",
        ));
    }
    let mut headers = Vec::new();
    for name in &parsed.signed_headers {
        match req.header(name) {
            Some(v) => headers.push((name.clone(), v.to_string())),
            None => {
                record_failure(state, &key.access_key, ctx.now_ms, changed);
                return Err(unauthorized(ctx, "verify aksk signature fail"));
            }
        }
    }
    let query = req.query_pairs();
    let input = signer::SignInput {
        method: &req.method,
        path: &req.path,
        query: &query,
        headers: &headers,
        body: &req.body,
    };
    let date = req.header("x-sdk-date").unwrap_or_default();
    let expected = signer::signature(
        &key.secret_key,
        &signer::string_to_sign(date, &signer::canonical_request(&input)),
    );
    if expected != parsed.signature {
        record_failure(state, &key.access_key, ctx.now_ms, changed);
        return Err(unauthorized(ctx, "verify aksk signature fail"));
    }
    let token_ok = match (&key.security_token, req.header("x-security-token")) {
        (None, None) => true,
        (Some(expected), Some(sent)) => {
            expected == sent
                && parsed
                    .signed_headers
                    .iter()
                    .any(|h| h == "x-security-token")
        }
        _ => false,
    };
    if !token_ok {
        return Err(unauthorized(
            ctx,
            "the security token is missing, unsigned or invalid",
        ));
    }
    if let Some(pos) = state
        .lockouts
        .iter()
        .position(|l| l.access_key == key.access_key)
    {
        state.lockouts.remove(pos);
        *changed = true;
    }
    let home = state.project(&key.project_id).cloned();
    let domain = home.map(|p| p.domain).unwrap_or_default();
    caller_for(state, req, ctx, &key.project_id, &domain)
}

fn record_failure(state: &mut State, access_key: &str, now: u64, changed: &mut bool) {
    *changed = true;
    let lock = match state
        .lockouts
        .iter_mut()
        .find(|l| l.access_key == access_key)
    {
        Some(l) => l,
        None => {
            state.lockouts.push(Lockout {
                access_key: access_key.to_string(),
                failures: 0,
                locked_until_ms: 0,
            });
            state.lockouts.last_mut().expect("just pushed")
        }
    };
    lock.failures += 1;
    if lock.failures >= LOCK_AFTER {
        lock.locked_until_ms = now + LOCK_FOR_MS;
        lock.failures = 0;
    }
}

/// The project of the request: X-Project-Id when given (it must be in the caller's domain).
fn caller_for(
    state: &State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    default_project: &str,
    domain: &str,
) -> Result<Caller, HttpResponse> {
    let Some(wanted) = req.header("x-project-id") else {
        return Ok(Caller {
            project_id: default_project.to_string(),
            domain: domain.to_string(),
        });
    };
    match state.project(wanted) {
        Some(p) if p.domain == domain => Ok(Caller {
            project_id: p.id.clone(),
            domain: domain.to_string(),
        }),
        _ => Err(apigw_error(
            403,
            "APIGW.0302",
            &format!("The X-Project-Id {wanted} is not a project of this account"),
            ctx.request_id,
        )),
    }
}

fn authenticate_token(
    state: &mut State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    token: &str,
    changed: &mut bool,
) -> Result<Caller, HttpResponse> {
    if let Some(t) = state.static_tokens.iter().find(|t| t.token == token) {
        let domain = state
            .project(&t.project_id)
            .map(|p| p.domain.clone())
            .unwrap_or_default();
        let project = t.project_id.clone();
        return caller_for(state, req, ctx, &project, &domain);
    }
    let uses_allowed = ctx.token_uses;
    let Some(t) = state.tokens.iter_mut().find(|t| t.token == token) else {
        return Err(unauthorized(ctx, "the token is invalid"));
    };
    if t.expires_ms <= ctx.now_ms || uses_allowed.is_some_and(|n| t.uses >= n) {
        return Err(unauthorized(ctx, "the token has expired"));
    }
    t.uses += 1;
    *changed = true;
    let (project, domain) = (t.project_id.clone(), t.domain.clone());
    // A token is scoped to one project: X-Project-Id may only repeat it.
    match req.header("x-project-id") {
        Some(p) if p != project => Err(apigw_error(
            403,
            "APIGW.0302",
            &format!("The X-Project-Id {p} does not match the project of the token"),
            ctx.request_id,
        )),
        _ => Ok(Caller {
            project_id: project,
            domain,
        }),
    }
}

fn random_hex(n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(fastrand::u32(0..16), 16).expect("hex digit"))
        .collect()
}

// ---------------------------------------------------------------- IMS batch API and jobs

fn is_uuid(s: &str) -> bool {
    crate::model::ImageId::parse(s).is_some_and(|id| id.as_str() == s)
}

fn batch_update(
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
        && state.settings.vault_check == crate::sandbox::state::VaultCheck::Request
        && let Some(whole) = images
            .iter()
            .filter_map(|i| state.image(i))
            .find(|img| img.whole_image && state.member(&img.id, &caller.project_id).is_some())
    {
        return ims_error(
            400,
            "IMG.0001",
            &format!(
                "The request message format is invalid: vault_id is required to accept the full-ECS image {}.",
                whole.id
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

fn evaluate(
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

fn show_job(
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

pub fn job_json(job: &Job, now: u64) -> Value {
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

// ---------------------------------------------------------------- Glance-style images and members

/// An image as Glance shows it. Serialised straight from a struct: listings of thousands of
/// images are the emulator's hot path.
#[derive(serde::Serialize)]
struct ImageView<'a> {
    id: &'a str,
    name: &'a str,
    status: &'a str,
    visibility: &'a str,
    owner: &'a str,
    protected: bool,
    container_format: &'static str,
    disk_format: &'static str,
    min_disk: u64,
    min_ram: u64,
    size: u64,
    virtual_size: u64,
    tags: [&'static str; 0],
    created_at: &'a str,
    updated_at: &'a str,
    #[serde(rename = "self")]
    self_link: String,
    file: String,
    schema: &'static str,
    #[serde(rename = "__imagetype", skip_serializing_if = "Option::is_none")]
    image_type: Option<&'a str>,
    #[serde(rename = "__os_version", skip_serializing_if = "Option::is_none")]
    os_version: Option<&'a str>,
    #[serde(rename = "__whole_image", skip_serializing_if = "Option::is_none")]
    whole_image: Option<&'static str>,
}

fn image_view(image: &Image) -> ImageView<'_> {
    ImageView {
        id: &image.id,
        name: &image.name,
        status: &image.status,
        visibility: &image.visibility,
        owner: &image.owner,
        protected: false,
        container_format: "bare",
        disk_format: "zvhd2",
        min_disk: image.min_disk,
        min_ram: 0,
        size: image.size,
        virtual_size: 0,
        tags: [],
        created_at: &image.created_at,
        updated_at: &image.updated_at,
        self_link: format!("/v2/images/{}", image.id),
        file: format!("/v2/images/{}/file", image.id),
        schema: "/v2/schemas/image",
        image_type: image.image_type.as_deref(),
        os_version: image.os_version.as_deref(),
        whole_image: image.whole_image.then_some("true"),
    }
}

pub fn image_json(image: &Image) -> Value {
    serde_json::to_value(image_view(image)).expect("images serialise")
}

fn member_json(m: &crate::sandbox::state::Member) -> Value {
    json!({
        "member_id": m.member_id,
        "image_id": m.image_id,
        "status": m.status,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
        "schema": "/v2/schemas/member",
    })
}

/// Glance treats any query parameter it does not know as an image-property filter.
fn property_matches(img: &Image, key: &str, value: &str) -> bool {
    match key {
        "owner" => img.owner == value,
        "name" => match value.strip_prefix("in:") {
            Some(list) => list.split(',').any(|n| n == img.name),
            None => img.name == value,
        },
        "status" => img.status == value,
        "id" => img.id == value,
        "__imagetype" => img.image_type.as_deref() == Some(value),
        "__os_version" => img.os_version.as_deref() == Some(value),
        "__whole_image" => {
            (img.whole_image && value == "true") || (!img.whole_image && value == "false")
        }
        _ => false,
    }
}

fn list_images(state: &State, req: &HttpRequest, caller: &Caller) -> HttpResponse {
    let query = req.query_pairs();
    let get = |k: &str| query.iter().find(|(qk, _)| qk == k).map(|(_, v)| v.clone());
    let visibility = get("visibility");
    if let Some(v) = &visibility
        && !["shared", "private", "public", "community", "all"].contains(&v.as_str())
    {
        return glance_error(req, 400, &format!("Invalid visibility value: {v}"));
    }
    let member_status = get("member_status").unwrap_or_else(|| "accepted".into());
    if !["pending", "accepted", "rejected", "all"].contains(&member_status.as_str()) {
        return glance_error(req, 400, &format!("Invalid status: {member_status}"));
    }
    let limit = match get("limit") {
        None => 25,
        Some(l) => match l.parse::<i64>() {
            Err(_) => return glance_error(req, 400, "limit param must be an integer"),
            Ok(n) if n < 0 => return glance_error(req, 400, "limit param must be positive"),
            Ok(n) => n as usize,
        },
    };
    let limit = limit.min(state.settings.page_limit);
    let me = &caller.project_id;
    // One pass over the members instead of a search per image: listings of thousands of
    // images stay linear.
    let mut my_status: rustc_hash::FxHashMap<&str, &str> = rustc_hash::FxHashMap::default();
    my_status.reserve(state.members.len());
    my_status.extend(
        state
            .members
            .iter()
            .filter(|m| &m.member_id == me)
            .map(|m| (m.image_id.as_str(), m.status.as_str())),
    );
    // Paging parameters select nothing; every other parameter filters on a property.
    let filters: Vec<&(String, String)> = query
        .iter()
        .filter(|(k, _)| {
            ![
                "visibility",
                "member_status",
                "limit",
                "marker",
                "sort_key",
                "sort_dir",
            ]
            .contains(&k.as_str())
        })
        .collect();
    let status_matches = |image: &Image| {
        my_status
            .get(image.id.as_str())
            .is_some_and(|s| member_status == "all" || *s == member_status)
    };
    let visible: Vec<&Image> = state
        .images
        .iter()
        .filter(|img| {
            let own = &img.owner == me;
            match visibility.as_deref() {
                Some("shared") => status_matches(img) || (own && img.visibility == "shared"),
                Some("private") => own && img.visibility == "private",
                Some("public") => img.visibility == "public",
                Some("community") => img.visibility == "community",
                _ => own || img.visibility == "public" || status_matches(img),
            }
        })
        .filter(|img| filters.iter().all(|(k, v)| property_matches(img, k, v)))
        .collect();
    let start = match get("marker") {
        None => 0,
        Some(m) => match visible.iter().position(|i| i.id == m) {
            Some(p) => p + 1,
            None => return glance_error(req, 400, &format!("No image found with ID {m}")),
        },
    };
    let page: Vec<&Image> = visible.iter().skip(start).take(limit).copied().collect();
    let base_query: Vec<&str> = req
        .raw_query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("marker="))
        .collect();
    let first = if base_query.is_empty() {
        "/v2/images".to_string()
    } else {
        format!("/v2/images?{}", base_query.join("&"))
    };
    #[derive(serde::Serialize)]
    struct Page<'a> {
        images: Vec<ImageView<'a>>,
        first: String,
        schema: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    }
    let next = (limit > 0 && page.len() == limit).then(|| {
        let last = &page[page.len() - 1].id;
        let sep = if base_query.is_empty() { "?" } else { "&" };
        format!("{first}{sep}marker={last}")
    });
    let body = Page {
        images: page.iter().map(|i| image_view(i)).collect(),
        first,
        schema: "/v2/schemas/images",
        next,
    };
    HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: serde_json::to_vec(&body).expect("pages serialise"),
    }
}

/// The image as the caller may see it: owner, or a member. Otherwise Glance says "not found".
fn visible_image<'a>(state: &'a State, caller: &Caller, image_id: &str) -> Option<&'a Image> {
    state.image(image_id).filter(|img| {
        img.owner == caller.project_id
            || state.member(image_id, &caller.project_id).is_some()
            || img.visibility == "public"
    })
}

fn list_members(state: &State, req: &HttpRequest, caller: &Caller, image_id: &str) -> HttpResponse {
    let Some(image) = visible_image(state, caller, image_id) else {
        return glance_error(req, 404, &format!("Image {image_id} not found."));
    };
    let members: Vec<Value> = state
        .members
        .iter()
        .filter(|m| {
            m.image_id == image_id
                && (image.owner == caller.project_id || m.member_id == caller.project_id)
        })
        .map(member_json)
        .collect();
    HttpResponse::json(
        200,
        &json!({"members": members, "schema": "/v2/schemas/members"}),
    )
}

fn show_member(
    state: &State,
    req: &HttpRequest,
    caller: &Caller,
    image_id: &str,
    member_id: &str,
) -> HttpResponse {
    let Some(image) = visible_image(state, caller, image_id) else {
        return glance_error(req, 404, &format!("Image {image_id} not found."));
    };
    let allowed = image.owner == caller.project_id || member_id == caller.project_id;
    match state.member(image_id, member_id) {
        Some(m) if allowed => HttpResponse::json(200, &member_json(m)),
        _ => glance_error(
            req,
            404,
            &format!("{member_id} not found in the member list of the image {image_id}."),
        ),
    }
}

fn update_member(
    state: &mut State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    caller: &Caller,
    image_id: &str,
    member_id: &str,
    changed: &mut bool,
) -> HttpResponse {
    let Some(image) = visible_image(state, caller, image_id).cloned() else {
        return glance_error(req, 404, &format!("Image {image_id} not found."));
    };
    if image.owner == caller.project_id {
        return glance_error(
            req,
            403,
            "You are not authorized to complete modify_member action.",
        );
    }
    if member_id != caller.project_id || state.member(image_id, member_id).is_none() {
        return glance_error(
            req,
            404,
            &format!("{member_id} not found in the member list of the image {image_id}."),
        );
    }
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return glance_error(req, 400, "Body expected in request.");
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return glance_error(req, 400, "Malformed JSON in request body.");
    };
    let Some(status) = body.get("status") else {
        return glance_error(req, 400, "Status not specified");
    };
    let status = match status.as_str() {
        Some(s @ ("pending" | "accepted" | "rejected")) => s.to_string(),
        _ => {
            return glance_error(
                req,
                400,
                "Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".",
            );
        }
    };
    if let Some(f) = &image.fail_with {
        return ims_error(400, &f.code, &f.message);
    }
    if image.whole_image && status == "accepted" {
        match body.get("vault_id").and_then(Value::as_str) {
            None => {
                return ims_error(
                    400,
                    "IMG.0001",
                    &format!("vault_id is required to accept the full-ECS image {image_id}."),
                );
            }
            Some(v) if !state.vaults.iter().any(|k| k == v) => {
                return ims_error(400, "IMG.0184", &format!("The vault {v} does not exist."));
            }
            Some(_) => {}
        }
    }
    let member = state
        .member_mut(image_id, member_id)
        .expect("checked above");
    member.status = status;
    member.updated_at = iso_seconds(ctx.now_ms);
    let answer = member_json(member);
    *changed = true;
    HttpResponse::json(200, &answer)
}

// ---------------------------------------------------------------- IAM

fn login(state: &mut State, req: &HttpRequest, ctx: &Ctx<'_>, changed: &mut bool) -> HttpResponse {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return keystone_error(400, "Malformed JSON in request body.");
    };
    let identity = &body["auth"]["identity"];
    let uses_password = identity["methods"]
        .as_array()
        .is_some_and(|m| m.iter().any(|x| x == "password"));
    let user = &identity["password"]["user"];
    let (Some(name), Some(password)) = (user["name"].as_str(), user["password"].as_str()) else {
        return keystone_error(
            400,
            "Expecting to find user name and password in the request.",
        );
    };
    let domain = user["domain"]["name"].as_str().unwrap_or_default();
    let known = state
        .users
        .iter()
        .find(|u| {
            u.name == name && u.password == password && (domain.is_empty() || u.domain == domain)
        })
        .cloned();
    let Some(user) = known.filter(|_| uses_password) else {
        return keystone_error(401, "The request you have made requires authentication.");
    };
    let scope = &body["auth"]["scope"]["project"];
    let project = if let Some(id) = scope["id"].as_str() {
        state
            .projects
            .iter()
            .find(|p| p.id == id && p.domain == user.domain)
    } else if let Some(pname) = scope["name"].as_str() {
        state
            .projects
            .iter()
            .find(|p| p.name == pname && p.domain == user.domain)
    } else {
        None
    };
    let Some(project) = project.cloned() else {
        return keystone_error(
            401,
            "The request you have made requires authentication: no project of that name or id for this user.",
        );
    };
    let token = format!("MII{}", random_hex(60));
    let expires = ctx.now_ms + state.settings.token_ttl_ms;
    state.tokens.push(Token {
        token: token.clone(),
        user: user.name.clone(),
        domain: user.domain.clone(),
        project_id: project.id.clone(),
        expires_ms: expires,
        uses: 0,
    });
    *changed = true;
    let body = json!({"token": {
        "expires_at": iso_millis(expires),
        "issued_at": iso_millis(ctx.now_ms),
        "methods": ["password"],
        "user": {"id": random_hex(32), "name": user.name, "domain": {"id": random_hex(32), "name": user.domain}},
        "project": {"id": project.id, "name": project.name, "domain": {"name": project.domain}},
        "roles": [{"id": random_hex(32), "name": "te_admin"}],
        "catalog": [{
            "type": "image", "id": random_hex(32), "name": "ims",
            "endpoints": [{"url": ctx.base_url, "region": state.region, "region_id": state.region, "interface": "public", "id": random_hex(32)}]
        }]
    }});
    HttpResponse::json(201, &body).with_header("X-Subject-Token", &token)
}

fn list_projects(state: &State, req: &HttpRequest, caller: &Caller) -> HttpResponse {
    let name = req.query("name");
    let projects: Vec<Value> = state
        .projects
        .iter()
        .filter(|p| p.domain == caller.domain && name.as_ref().is_none_or(|n| &p.name == n))
        .map(|p| json!({"id": p.id, "name": p.name, "domain_id": p.domain, "enabled": true, "is_domain": false, "parent_id": p.domain, "description": ""}))
        .collect();
    HttpResponse::json(
        200,
        &json!({"projects": projects, "links": {"self": "/v3/projects", "previous": null, "next": null}}),
    )
}
