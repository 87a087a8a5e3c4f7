//! The account a session connects to, as the configuration settled it: which cloud and
//! region, which project, which endpoint, and how requests prove who sends them.

use crate::domain::Cloud;
use crate::secret::Secret;
use reqwest::Url;

/// The account to connect to, as the configuration settled it.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) cloud: Option<Cloud>,
    pub(crate) region: Option<String>,
    pub(crate) project: ProjectRef,
    /// `None`: from the token's catalog (password logins only).
    pub(crate) ims_endpoint: Option<Url>,
    /// The IMS endpoint is the built-in table's guess (IMS-API.md §12): a token catalog's image
    /// endpoint wins over it.
    pub(crate) ims_endpoint_is_a_guess: bool,
    pub(crate) access: Access,
}

/// Which project requests go to.
#[derive(Debug, Clone)]
pub(crate) enum ProjectRef {
    Id(String),
    /// Found by name at this IAM endpoint: a password login scopes its token to it, AK/SK and
    /// tokens ask IAM for the project of that name (cached).
    Named {
        name: String,
        iam: Url,
    },
}

/// How requests prove who sends them.
#[derive(Debug, Clone)]
pub(crate) enum Access {
    AkSk {
        access_key: String,
        secret_key: Secret,
        security_token: Option<Secret>,
    },
    Token(Secret),
    Password {
        iam: Url,
        username: String,
        password: Secret,
        domain: Option<String>,
    },
}
