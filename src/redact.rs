//! Keeps secrets out of traces and messages: known secret values are replaced wherever they
//! appear, and JSON bodies lose the values of keys that name a secret.

use crate::secret::REDACTED;
use serde_json::Value;
use std::sync::RwLock;

/// Header names whose values are credentials (compared without case).
pub(crate) const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "x-auth-token",
    "x-security-token",
    "x-subject-token",
];

pub(crate) fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// JSON keys whose values are never shown.
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "secret",
        "token",
        "credential",
        "access",
        "signature",
    ]
    .iter()
    .any(|word| k.contains(word))
        && !k.ends_with("_at")
}

/// The secrets of a run: those configured, and those issued while it runs (IAM tokens). Shared
/// by the writer and the HTTP client, so one `add` covers every line printed afterwards.
#[derive(Debug, Default)]
pub(crate) struct Redactor {
    secrets: RwLock<Vec<String>>,
}

impl Redactor {
    pub(crate) fn new(secrets: impl IntoIterator<Item = String>) -> Redactor {
        let redactor = Redactor::default();
        for s in secrets {
            redactor.add(&s);
        }
        redactor
    }

    /// Secrets shorter than 4 characters are not worth the false positives.
    pub(crate) fn add(&self, secret: &str) {
        let mut secrets = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        if secret.len() >= 4 && !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_string());
            // Longest first, so a secret that contains another is replaced whole.
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    pub(crate) fn text(&self, s: &str) -> String {
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        let mut out = s.to_string();
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// A body for a `-vv` trace: JSON with secret keys blanked, or text with secrets replaced.
    pub(crate) fn body(&self, body: &[u8]) -> String {
        match serde_json::from_slice::<Value>(body) {
            Ok(mut v) => {
                blank_secret_keys(&mut v);
                self.text(&v.to_string())
            }
            Err(_) => self.text(&String::from_utf8_lossy(body)),
        }
    }
}

fn blank_secret_keys(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if is_secret_key(k) && (val.is_string() || val.is_number()) {
                    *val = Value::String(REDACTED.to_string());
                } else {
                    blank_secret_keys(val);
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(blank_secret_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_are_replaced_anywhere() {
        let r = Redactor::new(["s3cr3t-value".to_string(), "abc".to_string()]);
        assert_eq!(
            r.text("x=s3cr3t-value; y=abc"),
            "x=(redacted); y=abc",
            "secrets shorter than 4 characters are not worth a false positive"
        );
    }

    #[test]
    fn json_secret_keys_are_blanked() {
        let r = Redactor::default();
        let out = r.body(br#"{"auth":{"identity":{"password":{"user":{"name":"u","password":"p4ss"}}}},"expires_at":"2026","securitytoken":"t0k"}"#);
        assert!(!out.contains("p4ss"), "{out}");
        assert!(!out.contains("t0k"), "{out}");
        assert!(out.contains("\"expires_at\":\"2026\""), "{out}");
        assert!(out.contains("\"name\":\"u\""), "{out}");
    }

    #[test]
    fn secret_headers() {
        assert!(is_secret_header("X-Auth-Token"));
        assert!(is_secret_header("authorization"));
        assert!(!is_secret_header("X-Project-Id"));
    }
}
