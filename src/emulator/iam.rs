//! Enough of IAM (Keystone v3) for ims-share: password logins that issue project-scoped tokens
//! with a catalog, and the project listing by name.

use super::gateway::Caller;
use super::http::{Ctx, HttpRequest, HttpResponse, keystone_error};
use super::ims::random_hex;
use super::state::{State, Token, iso_millis};
use serde_json::{Value, json};

// ---------------------------------------------------------------- IAM

pub(super) fn login(
    state: &mut State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    changed: &mut bool,
) -> HttpResponse {
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

pub(super) fn list_projects(state: &State, req: &HttpRequest, caller: &Caller) -> HttpResponse {
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

/// `GET /v3/auth/projects`: every project the caller may use (those of its domain), by name,
/// in pages of the state's `page_limit` that follow `links.next` (`?marker=<last id>`).
pub(super) fn auth_projects(
    state: &State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    caller: &Caller,
) -> HttpResponse {
    let mut mine: Vec<&super::state::Project> = state
        .projects
        .iter()
        .filter(|p| p.domain == caller.domain)
        .collect();
    mine.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let start = match req.query("marker") {
        Some(m) => match mine.iter().position(|p| p.id == m) {
            Some(i) => i + 1,
            None => return keystone_error(400, "The marker is not a project of this user."),
        },
        None => 0,
    };
    let limit = state.settings.page_limit.max(1);
    let page: Vec<Value> = mine
        .iter()
        .skip(start)
        .take(limit)
        .map(|p| json!({"id": p.id, "name": p.name, "domain_id": p.domain, "enabled": true, "is_domain": false, "parent_id": p.domain, "description": ""}))
        .collect();
    let next = (start + page.len() < mine.len())
        .then(|| mine.get(start + page.len() - 1))
        .flatten()
        .map(|last| {
            format!(
                "{}/v3/auth/projects?marker={}",
                ctx.base_url.trim_end_matches('/'),
                last.id
            )
        });
    HttpResponse::json(
        200,
        &json!({"projects": page, "links": {"self": format!("{}/v3/auth/projects", ctx.base_url.trim_end_matches('/')), "previous": null, "next": next}}),
    )
}
