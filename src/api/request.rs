//! One request as ims-share describes it ([`Call`]), and the signed reqwest request it
//! becomes: URL, headers, the AK/SK signature or the token.

use crate::auth::signer;
use crate::error::Error;
use crate::redact::is_secret_header;
use crate::secret::Secret;
use reqwest::Url;
use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::{Duration, Instant, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Put,
    Post,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
}

/// How one request proves who sends it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Credential<'a> {
    None,
    AkSk {
        access_key: &'a str,
        secret_key: &'a Secret,
        security_token: Option<&'a Secret>,
    },
    Token(&'a Secret),
}

/// One request, before it is signed.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) base: &'a Url,
    /// Path below the base URL, starting with `/`.
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: Option<&'a [u8]>,
    pub(crate) project_id: Option<&'a str>,
    pub(crate) credential: Credential<'a>,
    /// A point in time the whole call (every attempt, body included) must end by, besides
    /// `--request-timeout` per attempt: the end of a `wait`.
    pub(crate) deadline: Option<Instant>,
}

impl Call<'_> {
    /// `PUT /v1/cloudimages/members`: how messages name the request.
    pub(crate) fn what(&self) -> String {
        format!(
            "{} {}",
            self.method.as_str(),
            join_path(self.base, self.path)
        )
    }
}

/// The authority as the `Host` header carries it: the port only when it is not the default.
pub(crate) fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Joins a base URL (which may carry a path prefix) and an API path.
pub(crate) fn join_path(base: &Url, path: &str) -> String {
    format!("{}{}", base.path().trim_end_matches('/'), path)
}

/// The signed request; `timeout` bounds all of it, from connecting to the body's last byte
/// (reqwest's per-request time-out is a total one, unlike the client's).
pub(super) fn build(
    client: &Client,
    call: &Call<'_>,
    timeout: Duration,
) -> Result<reqwest::blocking::Request, Error> {
    let path = join_path(call.base, call.path);
    let query = signer::canonical_query(call.query);
    let mut url = call.base.clone();
    url.set_path(&path);
    url.set_query(if query.is_empty() { None } else { Some(&query) });
    // The wire path must be exactly what was signed.
    let wire_path = url.path().to_string();

    let mut signed: Vec<(String, String)> = vec![("Host".into(), host_header(&url))];
    if call.body.is_some() {
        signed.push((
            "Content-Type".into(),
            "application/json;charset=UTF-8".into(),
        ));
    }
    if let Some(project) = call.project_id {
        signed.push(("X-Project-Id".into(), project.to_string()));
    }
    let mut unsigned: Vec<(&str, String)> = vec![("Accept", "application/json".into())];
    match call.credential {
        Credential::None => {}
        Credential::Token(token) => unsigned.push(("X-Auth-Token", token.expose().to_string())),
        Credential::AkSk {
            access_key,
            secret_key,
            security_token,
        } => {
            let date = signer::sdk_date(SystemTime::now());
            signed.push(("X-Sdk-Date".into(), date.clone()));
            if let Some(token) = security_token {
                signed.push(("X-Security-Token".into(), token.expose().to_string()));
            }
            let input = signer::SignInput {
                method: call.method.as_str(),
                path: &wire_path,
                query: call.query,
                headers: &signed,
                body: call.body.unwrap_or_default(),
            };
            let auth = signer::authorization(access_key, secret_key.expose(), &date, &input);
            unsigned.push(("Authorization", auth));
        }
    }
    let method = match call.method {
        Method::Get => reqwest::Method::GET,
        Method::Put => reqwest::Method::PUT,
        Method::Post => reqwest::Method::POST,
    };
    let mut headers = HeaderMap::new();
    for (name, value) in signed
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .chain(unsigned.iter().map(|(n, v)| (*n, v.as_str())))
    {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| Error::internal(anyhow::anyhow!("invalid header name {name}: {e}")))?;
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            Error::usage(format!(
                "the value for the {name} header holds characters HTTP cannot carry"
            ))
        })?;
        if is_secret_header(name.as_str()) {
            value.set_sensitive(true);
        }
        headers.insert(name, value);
    }
    let mut request = client
        .request(method, url)
        .headers(headers)
        .timeout(timeout);
    if let Some(body) = call.body {
        request = request.body(body.to_vec());
    }
    request
        .build()
        .map_err(|e| Error::internal(anyhow::Error::new(e).context("cannot build the request")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_path_joining() {
        let base = Url::parse("https://ims.eu-de.otc.t-systems.com").unwrap();
        assert_eq!(host_header(&base), "ims.eu-de.otc.t-systems.com");
        assert_eq!(join_path(&base, "/v2/images"), "/v2/images");
        let prefixed = Url::parse("http://127.0.0.1:9292/image/").unwrap();
        assert_eq!(host_header(&prefixed), "127.0.0.1:9292");
        assert_eq!(join_path(&prefixed, "/v2/images"), "/image/v2/images");
    }
}
