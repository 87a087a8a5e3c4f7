//! KooCLI's `~/.hcloud/config.json`, chosen by `--hcloud-profile`.
//!
//! Only unencrypted AK/SK profiles can be read: KooCLI encrypts credentials by default
//! (`authEncrypt`), and ims-share says so rather than failing obscurely.

use crate::bounded;
use crate::error::Error;
use crate::secret::Secret;
use crate::settings::endpoints::Cloud;
use crate::settings::secrets::SecretSource;
use crate::settings::sources::{CredSpec, Layer, Sourced};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub(crate) fn default_path() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join(".hcloud").join("config.json"))
}

pub(crate) fn layer(path: &Path, name: &str) -> Result<Layer, Error> {
    let text = bounded::read_text(path, bounded::MAX_CONFIG).map_err(|e| {
        Error::usage_hint(
            format!(
                "--hcloud-profile {name}: cannot read KooCLI's {}: {e}",
                path.display()
            ),
            "configure KooCLI (hcloud configure init), or give credentials another way",
        )
    })?;
    let config: Value = serde_json::from_str(&text)
        .map_err(|e| Error::usage(format!("{} is not valid JSON: {e}", path.display())))?;
    profile_layer(&config, name, &path.display().to_string())
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The layer for one profile of a parsed KooCLI config (pure: tested without files).
pub(crate) fn profile_layer(config: &Value, name: &str, path: &str) -> Result<Layer, Error> {
    let encrypted = matches!(config.get("authEncrypt"), Some(Value::Bool(true)))
        || config.get("authEncrypt").and_then(Value::as_str) == Some("true");
    let profiles = config
        .get("profiles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(profile) = profiles
        .iter()
        .find(|p| text(p, "name").as_deref() == Some(name))
    else {
        let known: Vec<String> = profiles.iter().filter_map(|p| text(p, "name")).collect();
        return Err(Error::usage_hint(
            format!("no KooCLI profile '{name}' in {path}"),
            if known.is_empty() {
                "the file defines no profiles".to_string()
            } else {
                format!("profiles there: {}", known.join(", "))
            },
        ));
    };
    if encrypted {
        return Err(Error::usage_hint(
            format!(
                "KooCLI profile '{name}' in {path} is encrypted, so ims-share cannot read its keys"
            ),
            "store it unencrypted with `hcloud configure set --cli-auth-encrypt=false`, or give the keys another way (a profile with secret_key_command, or HUAWEICLOUD_SDK_AK/SK)",
        ));
    }
    if let Some(mode) = text(profile, "mode")
        && !mode.eq_ignore_ascii_case("AKSK")
    {
        return Err(Error::usage(format!(
            "KooCLI profile '{name}' in {path} uses mode {mode}; ims-share reads AKSK profiles only"
        )));
    }
    let source = format!("KooCLI profile '{name}' in {path}");
    let sourced =
        |key: &str| text(profile, key).map(|v| Sourced::new(v, format!("{key} of {source}")));
    let secret = |key: &str| {
        text(profile, key).map(|v| SecretSource::Value {
            value: Secret::new(v),
            origin: format!("{key} of {source}"),
        })
    };
    let mut creds = Vec::new();
    let (access_key, secret_key, security_token) = (
        sourced("accessKeyId"),
        secret("secretAccessKey"),
        secret("securityToken"),
    );
    if access_key.is_some() || secret_key.is_some() {
        creds.push(CredSpec::AkSk {
            access_key,
            secret_key,
            security_token,
        });
    }
    Ok(Layer {
        source: source.clone(),
        implied_cloud: Some(Cloud::Huaweicloud),
        region: sourced("region"),
        project_id: sourced("projectId"),
        creds,
        ..Layer::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_aksk_profile() {
        let config = json!({"current": "default", "profiles": [
            {"name": "default", "mode": "AKSK", "accessKeyId": "AK1", "secretAccessKey": "SK1", "region": "ap-southeast-1", "projectId": "p1"},
            {"name": "other", "mode": "AKSK", "accessKeyId": "AK2", "secretAccessKey": "SK2"}]});
        let l = profile_layer(&config, "default", "cfg").unwrap();
        assert_eq!(l.region.unwrap().value, "ap-southeast-1");
        assert_eq!(l.project_id.unwrap().value, "p1");
        assert_eq!(l.implied_cloud, Some(Cloud::Huaweicloud));
        assert!(matches!(l.creds[..], [CredSpec::AkSk { .. }]));
    }

    #[test]
    fn encrypted_profiles_get_a_clear_message() {
        let config = json!({"authEncrypt": "true", "profiles": [{"name": "default", "accessKeyId": "x", "secretAccessKey": "y"}]});
        let e = profile_layer(&config, "default", "cfg").unwrap_err();
        assert!(e.to_string().contains("is encrypted"));
        assert!(e.hint().unwrap().contains("--cli-auth-encrypt=false"));
    }

    #[test]
    fn unknown_profiles_and_modes() {
        let config = json!({"profiles": [{"name": "sso", "mode": "SSO"}]});
        assert!(
            profile_layer(&config, "nope", "cfg")
                .unwrap_err()
                .hint()
                .unwrap()
                .contains("sso")
        );
        assert!(
            profile_layer(&config, "sso", "cfg")
                .unwrap_err()
                .to_string()
                .contains("AKSK profiles only")
        );
    }
}
