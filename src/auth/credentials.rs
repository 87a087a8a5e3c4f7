//! Credentials ready to use, their secrets resolved: AK/SK (with a security token for
//! temporary keys), a ready-made token, or a user name and password for an IAM login.

use crate::secret::Secret;

/// Credentials ready to use, secrets resolved.
#[derive(Debug, Clone)]
pub(crate) enum Credentials {
    AkSk {
        access_key: String,
        secret_key: Secret,
        security_token: Option<Secret>,
    },
    Token(Secret),
    Password {
        username: String,
        password: Secret,
        domain: Option<String>,
    },
}

impl Credentials {
    pub(crate) fn secrets(&self) -> Vec<String> {
        match self {
            Credentials::AkSk {
                secret_key,
                security_token,
                ..
            } => {
                let mut v = vec![secret_key.expose().to_string()];
                if let Some(t) = security_token {
                    v.push(t.expose().to_string());
                }
                v
            }
            Credentials::Token(t) => vec![t.expose().to_string()],
            Credentials::Password { password, .. } => vec![password.expose().to_string()],
        }
    }
}
