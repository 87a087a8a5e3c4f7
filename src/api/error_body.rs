//! Turns every error body shape of IMS-API.md §8a into a code and a clean one-line message.
//!
//! Shapes: API gateway and IAM `{"error_code","error_msg","request_id"}`, `{"errorCode","errorMsg"}`,
//! IMS `{"error":{"code","message"}}`, Glance `{"code":"404 Not Found","title","message"}`,
//! Keystone `{"error":{"code":401,"title","message"}}`, and HTML or plain text from gateways
//! that ignore `Accept`. The order of the checks follows the official SDK's parser.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ParsedError {
    /// A service error code such as `IMG.0027` or `APIGW.0301`; `None` when the body has none.
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    /// `request_id` from the body (the header wins when both exist).
    pub(crate) request_id: Option<String>,
}

const MAX_MESSAGE: usize = 300;

pub(crate) fn parse(body: &[u8]) -> ParsedError {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => {
            let mut parsed = from_json(&value, 0).unwrap_or_default();
            if parsed.message.is_empty() && parsed.code.is_none() {
                parsed.message = clean(&String::from_utf8_lossy(body));
            }
            parsed.request_id = value
                .get("request_id")
                .and_then(Value::as_str)
                .map(str::to_string);
            parsed
        }
        Err(_) => ParsedError {
            code: None,
            message: from_text(&String::from_utf8_lossy(body)),
            request_id: None,
        },
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn from_json(value: &Value, depth: usize) -> Option<ParsedError> {
    let obj = value.as_object()?;
    if depth > 4 {
        return None;
    }
    if let Some(msg) = text(obj.get("encoded_authorization_message")) {
        return Some(ParsedError {
            code: text(obj.get("error_code")),
            message: clean(&msg),
            request_id: None,
        });
    }
    for (code_key, msg_key) in [
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
    ] {
        let code = text(obj.get(code_key));
        let message = text(obj.get(msg_key));
        if code.is_some() || message.is_some() {
            return Some(ParsedError {
                code: code.filter(|c| is_service_code(c)),
                message: clean(
                    &message
                        .or_else(|| text(obj.get("title")))
                        .unwrap_or_default(),
                ),
                request_id: None,
            });
        }
    }
    obj.values()
        .filter(|v| v.is_object())
        .find_map(|v| from_json(v, depth + 1))
}

/// `IMG.0027` and `APIGW.0301` are codes; Glance's `404 Not Found` and Keystone's `401` only
/// repeat the HTTP status, which the error already shows.
fn is_service_code(code: &str) -> bool {
    !code.is_empty() && !code.as_bytes()[0].is_ascii_digit()
}

/// Collapses whitespace, drops Glance's `<br />` padding and caps the length.
pub(crate) fn clean(message: &str) -> String {
    let without_breaks = message.replace("<br />", " ").replace("<br/>", " ");
    let collapsed = without_breaks
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    truncate(collapsed.trim())
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_MESSAGE).collect();
    out.push('…');
    out
}

/// An HTML page becomes its `<title>` (or its text); plain text is cleaned.
fn from_text(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>"))
        && start + 7 <= end
    {
        let title = clean(&body[start + 7..end]);
        if !title.is_empty() {
            return format!("{title} (an HTML error page)");
        }
    }
    let mut plain = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let cleaned = clean(&plain);
    if cleaned.is_empty() {
        "(empty body)".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_gateway_shape() {
        let p = parse(br#"{"error_msg":"Incorrect IAM authentication information: verify aksk signature fail","error_code":"APIGW.0301","request_id":"7d22"}"#);
        assert_eq!(p.code.as_deref(), Some("APIGW.0301"));
        assert_eq!(
            p.message,
            "Incorrect IAM authentication information: verify aksk signature fail"
        );
        assert_eq!(p.request_id.as_deref(), Some("7d22"));
    }

    #[test]
    fn ims_nested_shape() {
        let p = parse(br#"{"error":{"message":"The imagetype is invalid.","code":"IMG.0024"}}"#);
        assert_eq!(p.code.as_deref(), Some("IMG.0024"));
        assert_eq!(p.message, "The imagetype is invalid.");
    }

    #[test]
    fn camel_case_shape() {
        let p = parse(br#"{"errorCode":"IAM.0001","errorMsg":"bad"}"#);
        assert_eq!(p.code.as_deref(), Some("IAM.0001"));
        assert_eq!(p.message, "bad");
    }

    #[test]
    fn glance_shape_loses_its_br_noise() {
        let p = parse(b"{\"message\": \"Image 00000000-0000-4000-8000-000000000000 not found.<br /><br />\\n\\n\\n\", \"code\": \"404 Not Found\", \"title\": \"Not Found\"}");
        assert_eq!(p.code, None);
        assert_eq!(
            p.message,
            "Image 00000000-0000-4000-8000-000000000000 not found."
        );
    }

    #[test]
    fn keystone_shape_with_numeric_code() {
        let p = parse(br#"{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}"#);
        assert_eq!(p.code, None);
        assert_eq!(
            p.message,
            "The request you have made requires authentication."
        );
    }

    #[test]
    fn html_gateway_page() {
        let p = parse(b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>");
        assert_eq!(p.code, None);
        assert_eq!(p.message, "502 Bad Gateway (an HTML error page)");
    }

    #[test]
    fn plain_text_and_empty_bodies() {
        assert_eq!(
            parse(b"upstream connect error\n").message,
            "upstream connect error"
        );
        assert_eq!(parse(b"").message, "(empty body)");
        assert_eq!(parse(b"<p></p>").message, "(empty body)");
    }

    #[test]
    fn long_messages_are_capped() {
        let long = format!(
            "{{\"error_code\":\"X.1\",\"error_msg\":\"{}\"}}",
            "a".repeat(1000)
        );
        assert!(parse(long.as_bytes()).message.chars().count() <= MAX_MESSAGE + 1);
    }
}
