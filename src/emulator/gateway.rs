//! The API gateway in front of every service: AK/SK signatures (with the clock-skew window and
//! the lock-out after five bad signatures), tokens (static, and issued with a use limit), and
//! the project a request may act in.

use super::http::{Ctx, HttpRequest, HttpResponse, apigw_error};
use super::state::{Lockout, State};
use crate::auth::signer;
use std::time::SystemTime;

/// Who is calling, once authenticated.
#[derive(Debug, Clone)]
pub(super) struct Caller {
    pub(super) project_id: String,
    pub(super) domain: String,
}

pub(super) const MAX_SKEW_MS: u64 = 15 * 60 * 1000;

pub(super) const LOCK_AFTER: u32 = 5;

pub(super) const LOCK_FOR_MS: u64 = 5 * 60 * 1000;

pub(super) fn unauthorized(ctx: &Ctx<'_>, why: &str) -> HttpResponse {
    apigw_error(
        401,
        "APIGW.0301",
        &format!("Incorrect IAM authentication information: {why}"),
        ctx.request_id,
    )
}

pub(super) fn authenticate(
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

pub(super) fn authenticate_signature(
    state: &mut State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    auth: &str,
    changed: &mut bool,
) -> Result<Caller, HttpResponse> {
    let Some(parsed) = parse_authorization(auth) else {
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
            .and_then(parse_sdk_date)
            .map(|d| unix_seconds(d) * 1000)
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

pub(super) fn record_failure(state: &mut State, access_key: &str, now: u64, changed: &mut bool) {
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
pub(super) fn caller_for(
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

pub(super) fn authenticate_token(
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

// How the gateway reads what the client signed (the client side lives in auth::signer).

/// Parses an `X-Sdk-Date` value back into a point in time (the emulator checks clock skew with it).
pub(super) fn parse_sdk_date(value: &str) -> Option<SystemTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &value[0..4],
        &value[4..6],
        &value[6..8],
        &value[9..11],
        &value[11..13],
        &value[13..15]
    );
    humantime::parse_rfc3339(&rfc3339).ok()
}

/// The parsed `Authorization` header, as the gateway reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ParsedAuthorization {
    pub(super) access_key: String,
    pub(super) signed_headers: Vec<String>,
    pub(super) signature: String,
}

pub(super) fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.strip_prefix(signer::ALGORITHM)?.trim_start();
    let mut access_key = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key {
            "Access" => access_key = Some(val.to_string()),
            "SignedHeaders" => {
                signed_headers = Some(val.split(';').map(str::to_string).collect::<Vec<_>>())
            }
            "Signature" => signature = Some(val.to_string()),
            _ => {}
        }
    }
    Some(ParsedAuthorization {
        access_key: access_key?,
        signed_headers: signed_headers?,
        signature: signature?,
    })
}

/// Unix seconds, for places that only need a coarse clock reading.
pub(super) fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn sdk_date_round_trips() {
        let at = std::time::UNIX_EPOCH + Duration::from_secs(1_704_164_645); // 2024-01-02T03:04:05Z
        assert_eq!(signer::sdk_date(at), "20240102T030405Z");
        assert_eq!(parse_sdk_date("20240102T030405Z"), Some(at));
        assert_eq!(parse_sdk_date("2024-01-02"), None);
    }

    #[test]
    fn authorization_header_parses_back() {
        let parsed = parse_authorization(
            "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(parsed.access_key, "AK1");
        assert_eq!(parsed.signed_headers, vec!["host", "x-sdk-date"]);
        assert_eq!(parsed.signature, "abc");
        assert!(parse_authorization("Bearer x").is_none());
    }
}
