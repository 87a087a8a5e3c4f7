//! OpenStack's clouds.yaml (and secure.yaml), chosen by `--os-cloud` or `OS_CLOUD`.
//!
//! Files are looked for where the OpenStack client looks: `OS_CLIENT_CONFIG_FILE`, then
//! `./clouds.yaml`, `<config dir>/openstack/clouds.yaml`, `/etc/openstack/clouds.yaml`;
//! secure.yaml (`OS_CLIENT_SECURE_FILE`, or beside them) is merged over the entry.

use crate::bounded;
use crate::error::Error;
use crate::secret::Secret;
use crate::settings::endpoints::Cloud;
use crate::settings::env::Env;
use crate::settings::secrets::SecretSource;
use crate::settings::sources::{CredSpec, Layer, Sourced};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub(super) fn candidates(env: &Env, override_var: &str, file: &str) -> Vec<PathBuf> {
    if let Some(p) = env.get(override_var) {
        return vec![PathBuf::from(p)];
    }
    let mut list = vec![PathBuf::from(file)];
    if let Some(d) = dirs::config_dir() {
        list.push(d.join("openstack").join(file));
    }
    list.push(Path::new("/etc/openstack").join(file));
    list
}

pub(super) fn read_yaml(path: &Path) -> Result<Option<Value>, Error> {
    let text = match bounded::read_text(path, bounded::MAX_CONFIG) {
        Ok(t) => t,
        Err(e) if e.not_found() => return Ok(None),
        Err(e) => return Err(Error::usage(format!("cannot read {}: {e}", path.display()))),
    };
    serde_yaml_ng::from_str::<Value>(&text)
        .map(Some)
        .map_err(|e| Error::usage(format!("invalid YAML in {}: {e}", path.display())))
}

/// Deep merge: values of `over` replace those of `base`, objects merge key by key.
fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// The layer for the clouds.yaml entry `name`.
pub(crate) fn layer(env: &Env, name: &str, how: &str) -> Result<Layer, Error> {
    let mut found = None;
    for path in candidates(env, "OS_CLIENT_CONFIG_FILE", "clouds.yaml") {
        if let Some(v) = read_yaml(&path)? {
            found = Some((path, v));
            break;
        }
    }
    let Some((path, clouds)) = found else {
        return Err(Error::usage_hint(
            format!("{how} names the cloud '{name}', but no clouds.yaml was found"),
            "put it in ~/.config/openstack/clouds.yaml (or point OS_CLIENT_CONFIG_FILE at it)",
        ));
    };
    let Some(mut entry) = clouds.get("clouds").and_then(|c| c.get(name)).cloned() else {
        let known: Vec<String> = clouds
            .get("clouds")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        return Err(Error::usage_hint(
            format!("no cloud '{name}' ({how}) in {}", path.display()),
            if known.is_empty() {
                "the file defines no clouds".to_string()
            } else {
                format!("clouds there: {}", known.join(", "))
            },
        ));
    };
    for secure in candidates(env, "OS_CLIENT_SECURE_FILE", "secure.yaml") {
        if let Some(v) = read_yaml(&secure)? {
            if let Some(extra) = v.get("clouds").and_then(|c| c.get(name)) {
                merge(&mut entry, extra);
            }
            break;
        }
    }
    Ok(entry_layer(
        &entry,
        &format!("clouds.yaml entry '{name}' in {}", path.display()),
    ))
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One clouds.yaml entry as a settings layer (pure: tested without files).
pub(crate) fn entry_layer(entry: &Value, source: &str) -> Layer {
    let auth = entry.get("auth").cloned().unwrap_or(Value::Null);
    let sourced =
        |v: Option<String>, key: &str| v.map(|s| Sourced::new(s, format!("{key} of {source}")));
    let secret = |v: Option<String>, key: &str| {
        v.map(|s| SecretSource::Value {
            value: Secret::new(s),
            origin: format!("{key} of {source}"),
        })
    };
    let mut creds = Vec::new();
    let auth_type = text(entry, "auth_type").unwrap_or_default();
    if let Some(token) = secret(text(&auth, "token"), "auth.token") {
        creds.push(CredSpec::Token(token));
    } else if !auth_type.contains("token") {
        let username = sourced(text(&auth, "username"), "auth.username");
        let password = secret(text(&auth, "password"), "auth.password");
        if username.is_some() || password.is_some() {
            creds.push(CredSpec::Password {
                username,
                password,
                domain: sourced(
                    text(&auth, "user_domain_name").or_else(|| text(&auth, "domain_name")),
                    "auth.user_domain_name",
                ),
            });
        }
    }
    let cloud = match text(entry, "profile").as_deref() {
        Some("otc") | Some("otc-de") | Some("opentelekomcloud") => Some(Cloud::Otc),
        Some("otc-swiss") => Some(Cloud::OtcSwiss),
        _ => None,
    };
    Layer {
        source: source.to_string(),
        cloud: cloud.map(|c| Sourced::new(c, format!("profile of {source}"))),
        implied_cloud: Some(Cloud::Openstack),
        region: sourced(text(entry, "region_name"), "region_name"),
        project_id: sourced(
            text(&auth, "project_id").or_else(|| text(&auth, "tenant_id")),
            "auth.project_id",
        ),
        project_name: sourced(
            text(&auth, "project_name").or_else(|| text(&auth, "tenant_name")),
            "auth.project_name",
        ),
        ims_endpoint: sourced(
            text(entry, "image_endpoint_override"),
            "image_endpoint_override",
        ),
        iam_endpoint: sourced(text(&auth, "auth_url"), "auth.auth_url"),
        ca_bundle: text(entry, "cacert")
            .map(|c| Sourced::new(PathBuf::from(c), format!("cacert of {source}"))),
        mode: None,
        creds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        serde_yaml_ng::from_str(s).unwrap()
    }

    #[test]
    fn an_otc_entry() {
        let v = yaml(
            "auth:\n  auth_url: https://iam.eu-de.otc.t-systems.com/v3\n  username: alice\n  password: pw\n  project_name: eu-de\n  user_domain_name: OTC-EU-DE-000000000010000000001\nregion_name: eu-de\n",
        );
        let l = entry_layer(&v, "clouds.yaml entry 'otc'");
        assert_eq!(l.region.unwrap().value, "eu-de");
        assert_eq!(l.project_name.unwrap().value, "eu-de");
        assert_eq!(
            l.iam_endpoint.unwrap().value,
            "https://iam.eu-de.otc.t-systems.com/v3"
        );
        match &l.creds[..] {
            [
                CredSpec::Password {
                    username, domain, ..
                },
            ] => {
                assert_eq!(username.as_ref().unwrap().value, "alice");
                assert_eq!(
                    domain.as_ref().unwrap().value,
                    "OTC-EU-DE-000000000010000000001"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_token_entry_and_a_vendor_profile() {
        let v = yaml(
            "profile: otc\nauth_type: token\nauth:\n  auth_url: https://iam.example\n  token: abc\n  project_id: p1\n",
        );
        let l = entry_layer(&v, "x");
        assert!(matches!(l.creds[..], [CredSpec::Token(_)]));
        assert_eq!(l.cloud.unwrap().value, Cloud::Otc);
        assert_eq!(l.project_id.unwrap().value, "p1");
    }

    #[test]
    fn secure_yaml_merges_over_the_entry() {
        let mut base = yaml("auth:\n  username: alice\n  auth_url: https://k\n");
        merge(&mut base, &yaml("auth:\n  password: s3cret\n"));
        assert_eq!(base["auth"]["username"], "alice");
        assert_eq!(base["auth"]["password"], "s3cret");
    }
}
