//! Where settings come from, and which source wins.
//!
//! Each source (flags, the chosen profile, the environment, the default profile, ...) becomes a
//! [`Layer`]. Plain values (region, endpoints, project) are taken one by one from the highest
//! layer that has them. Credentials are different: a set (AK+SK+security token, or
//! user+password+domain, or a token) comes whole from the highest layer that has any, and a
//! layer with two kinds is refused, so keys from two accounts are never mixed.

pub(crate) use super::credentials::{CredSpec, resolve_credentials};
use crate::error::Error;
use crate::secret::Secret;
use crate::settings::config::{ModeKey, ProfileFile};
use crate::settings::endpoints::Cloud;
use crate::settings::env::Env;
use crate::settings::secrets::SecretSource;
use std::path::PathBuf;

/// A value and the place it was written, for messages ("--endpoint", "region in profile 'otc'").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sourced<T> {
    pub(crate) value: T,
    pub(crate) origin: String,
}

impl<T> Sourced<T> {
    pub(crate) fn new(value: T, origin: impl Into<String>) -> Sourced<T> {
        Sourced {
            value,
            origin: origin.into(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Layer {
    /// "command-line flags", "profile 'otc' in ~/.config/ims-share/config.toml", "the environment"...
    pub(crate) source: String,
    pub(crate) cloud: Option<Sourced<Cloud>>,
    /// The cloud this kind of source usually means (KooCLI and HW_* mean Huawei Cloud...).
    pub(crate) implied_cloud: Option<Cloud>,
    pub(crate) region: Option<Sourced<String>>,
    pub(crate) project_id: Option<Sourced<String>>,
    pub(crate) project_name: Option<Sourced<String>>,
    pub(crate) ims_endpoint: Option<Sourced<String>>,
    pub(crate) iam_endpoint: Option<Sourced<String>>,
    pub(crate) ca_bundle: Option<Sourced<PathBuf>>,
    pub(crate) mode: Option<Sourced<ModeKey>>,
    pub(crate) creds: Vec<CredSpec>,
}

fn value(v: &Option<String>, key: &str, source: &str) -> Option<Sourced<String>> {
    v.as_ref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Sourced::new(s.trim().to_string(), format!("{key} in {source}")))
}

fn secret_source(
    value: &Option<String>,
    command: &Option<String>,
    key: &str,
    source: &str,
) -> Result<Option<SecretSource>, Error> {
    match (value, command) {
        (Some(_), Some(_)) => Err(Error::usage(format!(
            "{source} sets both {key} and {key}_command: keep one"
        ))),
        (Some(v), None) => Ok(Some(SecretSource::Value {
            value: Secret::new(v.trim()),
            origin: format!("{key} in {source}"),
        })),
        (None, Some(c)) => Ok(Some(SecretSource::Command {
            command: c.clone(),
            origin: format!("{key}_command in {source}"),
        })),
        (None, None) => Ok(None),
    }
}

/// A profile of our config file.
pub(crate) fn profile_layer(p: &ProfileFile, source: &str) -> Result<Layer, Error> {
    let mut creds = Vec::new();
    let secret_key = secret_source(&p.secret_key, &p.secret_key_command, "secret_key", source)?;
    let security_token = secret_source(
        &p.security_token,
        &p.security_token_command,
        "security_token",
        source,
    )?;
    let access_key = value(&p.access_key, "access_key", source);
    if access_key.is_some() || secret_key.is_some() || security_token.is_some() {
        creds.push(CredSpec::AkSk {
            access_key,
            secret_key,
            security_token,
        });
    }
    if let Some(token) = secret_source(&p.token, &p.token_command, "token", source)? {
        creds.push(CredSpec::Token(token));
    }
    let username = value(&p.username, "username", source);
    let password = secret_source(&p.password, &p.password_command, "password", source)?;
    if username.is_some() || password.is_some() {
        creds.push(CredSpec::Password {
            username,
            password,
            domain: value(&p.domain, "domain", source),
        });
    }
    Ok(Layer {
        source: source.to_string(),
        cloud: p
            .cloud
            .map(|c| Sourced::new(c, format!("cloud in {source}"))),
        implied_cloud: None,
        region: value(&p.region, "region", source),
        project_id: value(&p.project_id, "project_id", source),
        project_name: value(&p.project_name, "project_name", source),
        ims_endpoint: value(&p.ims_endpoint, "ims_endpoint", source),
        iam_endpoint: value(&p.iam_endpoint, "iam_endpoint", source),
        ca_bundle: p
            .ca_bundle
            .as_ref()
            .map(|c| Sourced::new(c.clone(), format!("ca_bundle in {source}"))),
        mode: p.mode.map(|m| Sourced::new(m, format!("mode in {source}"))),
        creds,
    })
}

fn env_value(env: &Env, names: &[&str]) -> Option<Sourced<String>> {
    env.first(names)
        .map(|(name, v)| Sourced::new(v.trim().to_string(), name))
}

fn env_secret(env: &Env, name: &str) -> Option<SecretSource> {
    env.get(name).map(|v| SecretSource::Value {
        value: Secret::new(v.trim()),
        origin: name.to_string(),
    })
}

/// The environment: ours, the Huawei SDK's, Terraform's and OpenStack's variables.
pub(crate) fn env_layer(env: &Env) -> Layer {
    let mut creds = Vec::new();
    let mut implied_cloud = None;
    // The Huawei SDK's names first, then Terraform's; both are one kind (AK/SK).
    for (ak, sk, token) in [
        (
            "HUAWEICLOUD_SDK_AK",
            "HUAWEICLOUD_SDK_SK",
            "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        ),
        ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN"),
    ] {
        let access_key = env_value(env, &[ak]);
        let secret_key = env_secret(env, sk);
        let security_token = env_secret(env, token);
        if access_key.is_some() || secret_key.is_some() || security_token.is_some() {
            creds.push(CredSpec::AkSk {
                access_key,
                secret_key,
                security_token,
            });
            implied_cloud = Some(Cloud::Huaweicloud);
            break;
        }
    }
    if let Some(token) = env_secret(env, "OS_TOKEN") {
        creds.push(CredSpec::Token(token));
    }
    let username = env_value(env, &["OS_USERNAME"]);
    let password = env_secret(env, "OS_PASSWORD");
    if username.is_some() || password.is_some() {
        creds.push(CredSpec::Password {
            username,
            password,
            domain: env_value(env, &["OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"]),
        });
    }
    // OpenStack's variables with a Keystone URL mean a plain OpenStack (an OTC or Huawei auth
    // URL is recognised before this is consulted); a bare OS_TOKEN says nothing about the cloud.
    if implied_cloud.is_none() && !creds.is_empty() && env.get("OS_AUTH_URL").is_some() {
        implied_cloud = Some(Cloud::Openstack);
    }
    Layer {
        source: "the environment".to_string(),
        cloud: None,
        implied_cloud,
        region: env_value(env, &["HW_REGION_NAME", "OS_REGION_NAME"]),
        project_id: env_value(
            env,
            &[
                "HUAWEICLOUD_SDK_PROJECT_ID",
                "HW_PROJECT_ID",
                "OS_PROJECT_ID",
            ],
        ),
        project_name: env_value(env, &["OS_PROJECT_NAME"]),
        ims_endpoint: env_value(env, &["IMS_SHARE_ENDPOINT"]),
        iam_endpoint: env_value(env, &["HUAWEICLOUD_SDK_IAM_ENDPOINT", "OS_AUTH_URL"]),
        ca_bundle: env_value(env, &["OS_CACERT"])
            .map(|s| Sourced::new(PathBuf::from(s.value), s.origin)),
        mode: None,
        creds,
    }
}

/// The first layer that has a value.
pub(crate) fn first<T: Clone>(
    layers: &[&Layer],
    get: impl Fn(&Layer) -> &Option<Sourced<T>>,
) -> Option<Sourced<T>> {
    layers.iter().find_map(|l| get(l).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(toml_text: &str) -> ProfileFile {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn value_and_command_for_one_secret_is_refused() {
        let err = profile_layer(
            &profile("secret_key = \"a\"\nsecret_key_command = \"pass x\""),
            "profile 'p'",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("both secret_key and secret_key_command")
        );
    }

    #[test]
    fn env_names_in_order() {
        let env = env_layer(&Env::from_pairs([
            ("HW_PROJECT_ID", "hw"),
            ("OS_PROJECT_ID", "os"),
            ("OS_REGION_NAME", "eu-de"),
            ("OS_AUTH_URL", "https://iam.eu-de.otc.t-systems.com/v3"),
            ("OS_USERNAME", "u"),
            ("OS_PASSWORD", "p"),
            ("OS_USER_DOMAIN_NAME", "OTC-EU-DE-000"),
        ]));
        assert_eq!(env.project_id.unwrap().origin, "HW_PROJECT_ID");
        assert_eq!(env.region.unwrap().value, "eu-de");
        assert_eq!(env.implied_cloud, Some(Cloud::Openstack));
        assert!(matches!(env.creds[0], CredSpec::Password { .. }));
    }
}
