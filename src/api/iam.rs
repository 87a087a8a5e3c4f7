//! IAM (Keystone v3): password login and project lookup (IMS-API.md §11).

use crate::api::client::Http;
use crate::api::request::{Call, Credential, Method};
use crate::api::wire::text;
use crate::auth::token::{CatalogEndpoint, IssuedToken};
use crate::error::Error;
use crate::secret::Secret;
use reqwest::Url;
use serde_json::{Value, json};

/// How a token is scoped: IMS needs a project-scoped token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    ProjectId(String),
    /// On Huawei Cloud and OTC the project name is the region name (or `region_suffix`).
    ProjectName(String),
}

/// The image endpoint to use from a catalog: the public one of the region when there are several.
pub(crate) fn pick_image_endpoint<'a>(
    endpoints: &'a [CatalogEndpoint],
    region: Option<&str>,
) -> Option<&'a CatalogEndpoint> {
    let public = |e: &&CatalogEndpoint| e.interface.as_deref().is_none_or(|i| i == "public");
    let in_region =
        |e: &&CatalogEndpoint| region.is_none_or(|r| e.region.as_deref().is_none_or(|er| er == r));
    endpoints
        .iter()
        .filter(public)
        .find(in_region)
        .or_else(|| endpoints.iter().find(public))
}

pub(crate) fn login_body(
    username: &str,
    password: &Secret,
    domain: Option<&str>,
    scope: &Scope,
) -> Vec<u8> {
    let mut user = json!({"name": username, "password": password.expose()});
    if let Some(d) = domain {
        user["domain"] = json!({"name": d});
    }
    let mut project = match scope {
        Scope::ProjectId(id) => json!({"id": id}),
        Scope::ProjectName(name) => json!({"name": name}),
    };
    if let (Scope::ProjectName(_), Some(d)) = (scope, domain) {
        project["domain"] = json!({"name": d});
    }
    serde_json::to_vec(&json!({
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": {"project": project}
        }
    }))
    .expect("JSON serialises")
}

pub(crate) fn login(
    http: &Http,
    iam: &Url,
    username: &str,
    password: &Secret,
    domain: Option<&str>,
    scope: &Scope,
) -> Result<IssuedToken, Error> {
    let body = login_body(username, password, domain, scope);
    let reply = http
        .send(&Call {
            method: Method::Post,
            base: iam,
            path: "/v3/auth/tokens",
            query: &[],
            body: Some(&body),
            project_id: None,
            credential: Credential::None,
            deadline: None,
        })
        .map_err(|e| match e {
            Error::Auth(mut se) => {
                se.hint = Some(format!(
                    "IAM refused the login of user '{username}'{}: check username, password and domain",
                    domain.map(|d| format!(" in domain '{d}'")).unwrap_or_default()
                ));
                Error::Auth(se)
            }
            other => other,
        })?;
    let Some(token) = reply.subject_token.clone() else {
        return Err(Error::unavailable(format!(
            "IAM at {iam} answered the login without an X-Subject-Token header"
        )));
    };
    Ok(parse_token_body(token, &reply.json()))
}

pub(crate) fn parse_token_body(token: Secret, body: &Value) -> IssuedToken {
    let t = body.get("token").unwrap_or(&Value::Null);
    let expires_at = text(t, "expires_at").and_then(|s| humantime::parse_rfc3339_weak(&s).ok());
    let project_id = t.get("project").and_then(|p| text(p, "id"));
    let image_endpoints = t
        .get("catalog")
        .and_then(Value::as_array)
        .map(|services| {
            services
                .iter()
                .filter(|s| text(s, "type").as_deref() == Some("image"))
                .flat_map(|s| {
                    s.get("endpoints")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                })
                .filter_map(|e| {
                    Some(CatalogEndpoint {
                        region: text(&e, "region_id").or_else(|| text(&e, "region")),
                        interface: text(&e, "interface"),
                        url: text(&e, "url")?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    IssuedToken {
        token,
        expires_at,
        project_id,
        image_endpoints,
    }
}

/// A project IAM knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Project {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// `GET /v3/projects?name=...`, signed like any request (no X-Project-Id).
pub(crate) fn projects_named(
    http: &Http,
    iam: &Url,
    credential: Credential<'_>,
    name: &str,
) -> Result<Vec<Project>, Error> {
    let reply = http.send(&Call {
        method: Method::Get,
        base: iam,
        path: "/v3/projects",
        query: &[("name".to_string(), name.to_string())],
        body: None,
        project_id: None,
        credential,
        deadline: None,
    })?;
    Ok(reply
        .json()
        .get("projects")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| {
                    Some(Project {
                        id: text(p, "id")?,
                        name: text(p, "name").unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The most pages of `GET /v3/auth/projects` read, and projects kept.
const MAX_PROJECT_PAGES: usize = 100;
const MAX_PROJECTS: usize = 10_000;

/// `GET /v3/auth/projects`: every project the credentials may use, following `links.next`.
/// The next page is asked of the same IAM endpoint with the paging parameters of the link
/// (never of another host: the request carries credentials); a page seen before ends it.
pub(crate) fn auth_projects(
    http: &Http,
    iam: &Url,
    credential: Credential<'_>,
) -> Result<Vec<Project>, Error> {
    let mut projects = Vec::new();
    let mut query: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PROJECT_PAGES {
        let reply = http.send(&Call {
            method: Method::Get,
            base: iam,
            path: "/v3/auth/projects",
            query: &query,
            body: None,
            project_id: None,
            credential,
            deadline: None,
        })?;
        let page = reply.json();
        let Some(list) = page.get("projects").and_then(Value::as_array) else {
            return Err(Error::unavailable(format!(
                "IAM at {iam} answered /v3/auth/projects without a list of projects"
            )));
        };
        for p in list {
            if let Some(id) = text(p, "id") {
                projects.push(Project {
                    id,
                    name: text(p, "name").unwrap_or_default(),
                });
            }
        }
        if projects.len() > MAX_PROJECTS {
            return Err(Error::unavailable(format!(
                "IAM at {iam} lists more than {MAX_PROJECTS} projects: not read further"
            )));
        }
        let next = page
            .get("links")
            .and_then(|l| text(l, "next"))
            .map(|n| paging_of(&n));
        match next {
            Some(q) if !q.is_empty() && !list.is_empty() && seen.insert(q.clone()) => query = q,
            _ => return Ok(projects),
        }
    }
    Err(Error::unavailable(format!(
        "IAM at {iam} kept sending more pages of projects ({MAX_PROJECT_PAGES} read)"
    )))
}

/// The paging parameters of a `next` link (absolute or relative): `marker`, `limit`, `page`,
/// `per_page`; anything else in it is not sent.
fn paging_of(next: &str) -> Vec<(String, String)> {
    let query = next.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| matches!(*k, "marker" | "limit" | "page" | "per_page"))
        .map(|(k, v)| {
            (
                k.to_string(),
                percent_encoding::percent_decode_str(v)
                    .decode_utf8_lossy()
                    .into_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_body_by_project_name() {
        let body = login_body(
            "alice",
            &Secret::new("pw"),
            Some("acme"),
            &Scope::ProjectName("eu-de".into()),
        );
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["auth"]["identity"]["methods"][0], "password");
        assert_eq!(v["auth"]["identity"]["password"]["user"]["name"], "alice");
        assert_eq!(
            v["auth"]["identity"]["password"]["user"]["domain"]["name"],
            "acme"
        );
        assert_eq!(v["auth"]["scope"]["project"]["name"], "eu-de");
    }

    #[test]
    fn token_body_gives_project_expiry_and_catalog() {
        let body = json!({"token": {
            "expires_at": "2026-11-24T10:00:00.527363Z",
            "project": {"id": "p1", "name": "eu-de"},
            "catalog": [
                {"type": "compute", "endpoints": [{"url": "https://ecs", "interface": "public"}]},
                {"type": "image", "endpoints": [
                    {"url": "https://internal-ims", "interface": "internal", "region_id": "eu-de"},
                    {"url": "https://ims.eu-de.example", "interface": "public", "region_id": "eu-de"},
                    {"url": "https://ims.eu-nl.example", "interface": "public", "region": "eu-nl"}]}]}});
        let t = parse_token_body(Secret::new("tok"), &body);
        assert_eq!(t.project_id.as_deref(), Some("p1"));
        assert!(t.expires_at.is_some());
        assert_eq!(t.image_endpoints.len(), 3);
        assert_eq!(
            pick_image_endpoint(&t.image_endpoints, Some("eu-nl"))
                .unwrap()
                .url,
            "https://ims.eu-nl.example"
        );
        assert_eq!(
            pick_image_endpoint(&t.image_endpoints, Some("eu-de"))
                .unwrap()
                .url,
            "https://ims.eu-de.example"
        );
        assert_eq!(
            pick_image_endpoint(&t.image_endpoints, None).unwrap().url,
            "https://ims.eu-de.example"
        );
    }
}
