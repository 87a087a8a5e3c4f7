//! The SDK-HMAC-SHA256 request signer of Huawei Cloud and Open Telekom Cloud (IMS-API.md §9).
//!
//! Pure functions: the caller passes the date, so the signer never reads the clock and every
//! published vector can be replayed exactly. The emulator uses the same functions to verify
//! signatures, so both sides agree on one definition of "canonical".

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime};

/// The algorithm name that opens both the string to sign and the Authorization header.
pub(crate) const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// RFC 3986 unreserved characters stay as they are; everything else is %XX with upper-case hex.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The parts of an HTTP request that the signature covers.
#[derive(Debug, Clone)]
pub(crate) struct SignInput<'a> {
    pub(crate) method: &'a str,
    /// The path as it goes on the wire, without the query.
    pub(crate) path: &'a str,
    /// Query parameters in any order; the canonical form sorts them.
    pub(crate) query: &'a [(String, String)],
    /// The headers to sign (name, value). Names may use any case.
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

/// Percent-encodes one query key, query value or path segment the way the gateway expects.
pub(crate) fn encode(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// The canonical query string; the client sends exactly this string on the wire too.
pub(crate) fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<&(String, String)> = query.iter().collect();
    pairs.sort_by(|a, b| {
        a.0.as_bytes()
            .cmp(b.0.as_bytes())
            .then(a.1.as_bytes().cmp(b.1.as_bytes()))
    });
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical URI: each segment decoded then re-encoded, always ending in `/` (§9 step 7).
pub(crate) fn canonical_uri(path: &str) -> String {
    let mut uri = path
        .split('/')
        .map(|segment| encode(&percent_decode_str(segment).decode_utf8_lossy()))
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn sorted_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    let mut lowered: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    lowered.sort_by(|a, b| a.0.cmp(&b.0));
    lowered
}

/// The `SignedHeaders` list: lower-case names, sorted, joined with `;`.
pub(crate) fn signed_headers(headers: &[(String, String)]) -> String {
    sorted_headers(headers)
        .into_iter()
        .map(|(name, _)| name)
        .collect::<Vec<_>>()
        .join(";")
}

pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The canonical request of §9 step 10.
pub(crate) fn canonical_request(input: &SignInput<'_>) -> String {
    let headers = sorted_headers(input.headers);
    let mut canonical_headers = String::new();
    for (name, value) in &headers {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method.to_ascii_uppercase(),
        canonical_uri(input.path),
        canonical_query(input.query),
        canonical_headers,
        signed_headers(input.headers),
        sha256_hex(input.body)
    )
}

pub(crate) fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the secret key as-is (no derivation).
pub(crate) fn signature(secret_key: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The whole `Authorization` header value for a request whose headers include `X-Sdk-Date`.
pub(crate) fn authorization(
    access_key: &str,
    secret_key: &str,
    sdk_date: &str,
    input: &SignInput<'_>,
) -> String {
    let canonical = canonical_request(input);
    let to_sign = string_to_sign(sdk_date, &canonical);
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={}, Signature={}",
        signed_headers(input.headers),
        signature(secret_key, &to_sign)
    )
}

/// `X-Sdk-Date` for a point in time: `YYYYMMDDTHHMMSSZ` in UTC.
pub(crate) fn sdk_date(at: SystemTime) -> String {
    let rfc3339 = humantime::format_rfc3339_seconds(at).to_string();
    rfc3339.replace(['-', ':'], "")
}

/// Seconds between two instants, whichever comes first.
pub(crate) fn skew(a: SystemTime, b: SystemTime) -> Duration {
    a.duration_since(b)
        .or_else(|_| b.duration_since(a))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
