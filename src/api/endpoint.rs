//! Endpoint URLs, checked wherever they come from (flags, files, the environment, a token's
//! catalog): https, or plain http to a loopback address only, no query, no fragment.

use crate::error::Error;
use reqwest::Url;

/// An endpoint URL, checked: https, or http on a loopback address only.
pub(crate) fn endpoint_url(raw_given: &str, origin: &str) -> Result<Url, Error> {
    // Messages show the endpoint without what a user name or password in it would reveal.
    let raw = &*without_userinfo(raw_given);
    let url = Url::parse(raw_given.trim()).map_err(|e| {
        Error::usage_hint(
            format!("invalid endpoint '{raw}' ({origin}): {e}"),
            "write it as a full URL, e.g. https://ims.eu-de.otc.t-systems.com",
        )
    })?;
    if url.host_str().is_none() || url.cannot_be_a_base() {
        return Err(Error::usage(format!(
            "invalid endpoint '{raw}' ({origin}): no host"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::usage_hint(
            format!("invalid endpoint '{raw}' ({origin}): it carries a user name or password"),
            "credentials do not belong in the URL (it is printed in resume lines and kept in the journal): set them in the profile or the environment",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::usage(format!(
            "invalid endpoint '{raw}' ({origin}): an endpoint has no query or fragment"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::usage_hint(
            format!(
                "refusing the plain-http endpoint '{raw}' ({origin}): credentials would cross the network unencrypted"
            ),
            "use https:// (plain http is accepted only for loopback addresses such as 127.0.0.1)",
        )),
        other => Err(Error::usage(format!(
            "invalid endpoint '{raw}' ({origin}): scheme '{other}' is not http or https"
        ))),
    }
}

/// `https://user:secret@host/x` as `https://***@host/x`: the part of the authority before
/// its last `@` hidden.
fn without_userinfo(raw: &str) -> std::borrow::Cow<'_, str> {
    let start = raw.find("://").map(|i| i + 3).unwrap_or(0);
    let end = raw[start..]
        .find(['/', '?', '#'])
        .map(|i| start + i)
        .unwrap_or(raw.len());
    match raw[start..end].rfind('@') {
        Some(at) => format!("{}***{}", &raw[..start], &raw[start + at..]).into(),
        None => raw.into(),
    }
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// An IAM URL may be given with or without its `/v3`; requests add it back.
pub(crate) fn iam_base(raw: &str, origin: &str) -> Result<Url, Error> {
    let mut url = endpoint_url(raw, origin)?;
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix("/v3").unwrap_or(path).to_string();
    url.set_path(&path);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_https_unless_loopback() {
        assert!(endpoint_url("https://ims.eu-de.otc.t-systems.com", "x").is_ok());
        assert!(endpoint_url("http://127.0.0.1:8787", "x").is_ok());
        assert!(endpoint_url("http://[::1]:8787", "x").is_ok());
        assert!(endpoint_url("http://localhost:8787/", "x").is_ok());
        let e = endpoint_url("http://ims.example.com", "--endpoint").unwrap_err();
        assert!(e.to_string().contains("plain-http"), "{e}");
        assert!(endpoint_url("ims.eu-de.otc.t-systems.com", "x").is_err());
        assert!(endpoint_url("ftp://x", "x").is_err());
        assert!(endpoint_url("https://x/?a=b", "x").is_err());
    }

    #[test]
    fn a_user_name_or_password_in_an_endpoint_is_refused_without_showing_it() {
        for raw in [
            "http://alice:s3cret@127.0.0.1:8787",
            "https://alice:s3cret@ims.example.com/v2",
            "https://s3cret@ims.example.com",
            "https://alice:s3cret@ims .example.com",
        ] {
            let e = endpoint_url(raw, "--endpoint").unwrap_err();
            let text = format!("{e} {}", e.info().message);
            assert!(!text.contains("s3cret"), "{raw}: {text}");
            assert_eq!(e.exit(), crate::error::Exit::Usage);
        }
        assert_eq!(
            without_userinfo("https://a:b@h:1/p@x"),
            "https://***@h:1/p@x"
        );
    }

    #[test]
    fn iam_urls_with_or_without_v3() {
        for raw in [
            "https://iam.eu-de.otc.t-systems.com/v3",
            "https://iam.eu-de.otc.t-systems.com/v3/",
            "https://iam.eu-de.otc.t-systems.com",
        ] {
            assert_eq!(
                iam_base(raw, "x").unwrap().as_str(),
                "https://iam.eu-de.otc.t-systems.com/",
                "{raw}"
            );
        }
        assert_eq!(
            iam_base("http://127.0.0.1:5000/identity/v3", "x")
                .unwrap()
                .path(),
            "/identity"
        );
    }
}
