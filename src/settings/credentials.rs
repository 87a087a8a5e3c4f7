//! Credentials come whole from one source: the set (AK+SK+security token, or user+password+
//! domain, or a token) of the highest layer that has any, and a layer with two kinds is refused,
//! so keys from two accounts are never mixed.

use super::endpoints::Cloud;
use super::secrets::SecretSource;
use super::sources::{Layer, Sourced};
use crate::auth::Credentials;
use crate::error::Error;

/// One kind of credential as a source wrote it, possibly incomplete.
#[derive(Debug, Clone)]
pub(crate) enum CredSpec {
    AkSk {
        access_key: Option<Sourced<String>>,
        secret_key: Option<SecretSource>,
        security_token: Option<SecretSource>,
    },
    Token(SecretSource),
    Password {
        username: Option<Sourced<String>>,
        password: Option<SecretSource>,
        domain: Option<Sourced<String>>,
    },
}

impl CredSpec {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            CredSpec::AkSk { .. } => "AK/SK",
            CredSpec::Token(_) => "token",
            CredSpec::Password { .. } => "user name and password",
        }
    }
}

/// Picks the credential set: the whole set from the highest layer that has one.
pub(crate) fn resolve_credentials(
    layers: &[&Layer],
) -> Result<(Credentials, String, Option<Cloud>), Error> {
    let Some(layer) = layers.iter().find(|l| !l.creds.is_empty()) else {
        return Err(no_credentials(layers));
    };
    if layer.creds.len() > 1 {
        let kinds: Vec<&str> = layer.creds.iter().map(CredSpec::kind).collect();
        return Err(Error::usage_hint(
            format!(
                "{} holds more than one kind of credentials ({}); ims-share will not guess which to use",
                layer.source,
                kinds.join(" and ")
            ),
            "keep one kind there, or choose another source with --profile, --os-cloud or --hcloud-profile",
        ));
    }
    let creds = match &layer.creds[0] {
        CredSpec::AkSk {
            access_key,
            secret_key,
            security_token,
        } => {
            let (Some(access_key), Some(secret_key)) = (access_key, secret_key) else {
                let missing = if access_key.is_none() {
                    "an access key"
                } else {
                    "a secret key"
                };
                return Err(Error::usage_hint(
                    format!(
                        "{} has incomplete AK/SK credentials: {missing} is missing",
                        layer.source
                    ),
                    "AK/SK needs access_key and secret_key (or secret_key_command); HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK in the environment",
                ));
            };
            Credentials::AkSk {
                access_key: access_key.value.clone(),
                secret_key: secret_key.resolve()?,
                security_token: security_token
                    .as_ref()
                    .map(SecretSource::resolve)
                    .transpose()?,
            }
        }
        CredSpec::Token(token) => Credentials::Token(token.resolve()?),
        CredSpec::Password {
            username,
            password,
            domain,
        } => {
            let (Some(username), Some(password)) = (username, password) else {
                let missing = if username.is_none() {
                    "the user name"
                } else {
                    "the password"
                };
                return Err(Error::usage_hint(
                    format!(
                        "{} has incomplete password credentials: {missing} is missing",
                        layer.source
                    ),
                    "a password login needs username and password (or password_command), and usually domain",
                ));
            };
            Credentials::Password {
                username: username.value.clone(),
                password: password.resolve()?,
                domain: domain.as_ref().map(|d| d.value.clone()),
            }
        }
    };
    Ok((creds, layer.source.clone(), layer.implied_cloud))
}

fn no_credentials(layers: &[&Layer]) -> Error {
    let looked: Vec<&str> = layers.iter().map(|l| l.source.as_str()).collect();
    Error::usage_hint(
        format!("no credentials found (looked in {})", looked.join(", ")),
        "add access_key and secret_key_command (or username, password_command and domain) to a profile in the config file, \
or export HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK; or try everything offline with --sandbox",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::config::ProfileFile;
    use crate::settings::env::Env;
    use crate::settings::sources::{env_layer, profile_layer};

    fn profile(toml_text: &str) -> ProfileFile {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn credentials_come_whole_from_the_highest_source() {
        let env = env_layer(&Env::from_pairs([
            ("HUAWEICLOUD_SDK_AK", "ENVAK"),
            ("HUAWEICLOUD_SDK_SK", "envsk"),
        ]));
        let p = profile_layer(
            &profile("access_key = \"PROFAK\"\nsecret_key = \"profsk\"\nregion = \"eu-de\""),
            "profile 'p'",
        )
        .unwrap();
        let (creds, from, implied) = resolve_credentials(&[&p, &env]).unwrap();
        match creds {
            Credentials::AkSk {
                access_key,
                secret_key,
                ..
            } => {
                assert_eq!(access_key, "PROFAK");
                assert_eq!(secret_key.expose(), "profsk");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(from, "profile 'p'");
        assert_eq!(implied, None);
        let (_, from, implied) = resolve_credentials(&[&env, &p]).unwrap();
        assert_eq!(from, "the environment");
        assert_eq!(implied, Some(Cloud::Huaweicloud));
    }

    #[test]
    fn an_incomplete_set_is_not_completed_from_elsewhere() {
        let env = env_layer(&Env::from_pairs([("HUAWEICLOUD_SDK_SK", "envsk")]));
        let p = profile_layer(&profile("access_key = \"PROFAK\""), "profile 'p'").unwrap();
        let err = resolve_credentials(&[&p, &env]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile 'p' has incomplete AK/SK credentials: a secret key is missing"
        );
    }

    #[test]
    fn two_kinds_in_one_source_is_refused() {
        let env = env_layer(&Env::from_pairs([
            ("HW_ACCESS_KEY", "AK"),
            ("HW_SECRET_KEY", "SK"),
            ("OS_TOKEN", "tok"),
        ]));
        let err = resolve_credentials(&[&env]).unwrap_err();
        assert!(err.to_string().contains("more than one kind"), "{err}");
        let p = profile_layer(
            &profile("token = \"t\"\nusername = \"u\"\npassword = \"p\""),
            "profile 'x'",
        )
        .unwrap();
        assert!(resolve_credentials(&[&p]).is_err());
    }

    #[test]
    fn no_credentials_says_what_to_add() {
        let empty = Layer {
            source: "the environment".into(),
            ..Layer::default()
        };
        let err = resolve_credentials(&[&empty]).unwrap_err();
        assert!(err.to_string().contains("no credentials found"));
        assert!(err.hint().unwrap().contains("HUAWEICLOUD_SDK_AK"));
    }
}
