//! The one error type, its exit codes (PRODUCT.md "Exit codes") and its hints.
//!
//! Every failure is classified where it happens, not guessed later from a message: a usage
//! problem, an authentication failure, a service that kept failing, a refusal, an interrupt.

use crate::report::{ErrorInfo, code};
use std::fmt;

/// Process exit codes of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Ok = 0,
    Failed = 1,
    Usage = 2,
    Auth = 3,
    TimedOut = 4,
    Unavailable = 5,
    /// `sync --check`: changes would be made.
    Changes = 6,
    Interrupted = 130,
}

impl Exit {
    /// When several apply, the first in this order wins: 130, 3, 5, 4, 1, 6, 0 (2, decided
    /// before any request, ranks just below 130 when targets mix).
    fn rank(self) -> u8 {
        match self {
            Exit::Interrupted => 7,
            Exit::Usage => 6,
            Exit::Auth => 5,
            Exit::Unavailable => 4,
            Exit::TimedOut => 3,
            Exit::Failed => 2,
            Exit::Changes => 1,
            Exit::Ok => 0,
        }
    }

    pub(crate) fn worst(self, other: Exit) -> Exit {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    pub(crate) fn code(self) -> i32 {
        self as i32
    }
}

/// A non-2xx answer from a service, with everything the user needs to look it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceError {
    /// What we were doing, e.g. `PUT /v1/cloudimages/members`.
    pub(crate) request: String,
    pub(crate) status: u16,
    /// `IMG.0027`, `APIGW.0301`... or `HTTP 404` when the body had none.
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    /// A hint line computed from the response (clock skew, lock-out risk...).
    pub(crate) hint: Option<String>,
}

impl ServiceError {
    /// What the service said: its message and request id, without the request and status.
    pub(crate) fn said(&self) -> String {
        match &self.request_id {
            Some(id) => format!("{} (request id {id})", self.message),
            None => self.message.clone(),
        }
    }

    pub(crate) fn is_auth(&self) -> bool {
        matches!(self.status, 401 | 403)
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: HTTP {}", self.request, self.status)?;
        // Without a service code, `code` only repeats the status.
        if self.code != format!("HTTP {}", self.status) {
            write!(f, " {}", self.code)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// Bad flags, ids or configuration, found before any request was sent.
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// A configuration problem that showed only once the services were read (the login, the
    /// project lookup, the token's catalog): exit 2 as well, and nothing was changed.
    #[error("{message}")]
    Config {
        message: String,
        hint: Option<String>,
    },
    /// 401 or 403: never retried.
    #[error("{0}")]
    Auth(Box<ServiceError>),
    /// The service refused the request (4xx other than 401/403).
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// The service could not be reached, or kept failing after every retry.
    #[error("{message}")]
    Unavailable {
        message: String,
        hint: Option<String>,
    },
    /// Another worker hit an authentication failure, so this request was not sent.
    #[error("not sent: stopped after an authentication failure")]
    Stopped,
    /// The time given for the whole command (`--timeout` of a wait) ran out during a request.
    #[error("{0}")]
    TimedOut(String),
    /// Ctrl-C.
    #[error("interrupted")]
    Interrupted,
    /// A failure of ims-share itself (a bug, or the machine refusing what a run needs); shown
    /// with its chain of causes on one line.
    #[error("{0:#}")]
    Internal(anyhow::Error),
}

impl Error {
    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error::Usage {
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub(crate) fn config(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub(crate) fn internal(error: anyhow::Error) -> Error {
        Error::Internal(error)
    }

    pub(crate) fn unavailable(message: impl Into<String>) -> Error {
        Error::Unavailable {
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn exit(&self) -> Exit {
        match self {
            Error::Usage { .. } | Error::Config { .. } => Exit::Usage,
            Error::Internal(_) => Exit::Failed,
            Error::Auth(_) | Error::Stopped => Exit::Auth,
            Error::Service(_) => Exit::Failed,
            Error::Unavailable { .. } => Exit::Unavailable,
            Error::Interrupted => Exit::Interrupted,
            Error::TimedOut(_) => Exit::TimedOut,
        }
    }

    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. }
            | Error::Config { hint, .. }
            | Error::Unavailable { hint, .. } => hint.clone(),
            Error::Auth(e) => e.hint.clone().or_else(|| Some(auth_hint(e))),
            Error::Service(e) => e.hint.clone(),
            Error::Stopped | Error::Interrupted | Error::TimedOut(_) | Error::Internal(_) => None,
        }
    }

    /// The `{code, message}` pair shown next to one image or job that this error stopped.
    pub(crate) fn info(&self) -> ErrorInfo {
        match self {
            Error::Auth(e) | Error::Service(e) => ErrorInfo::new(&e.code, &e.message),
            Error::Unavailable { message, .. } => ErrorInfo::new(code::UNAVAILABLE, message),
            Error::Usage { message, .. } | Error::Config { message, .. } => {
                ErrorInfo::new(code::USAGE, message)
            }
            Error::Stopped => ErrorInfo::new(
                code::NOT_SENT,
                "not sent: stopped after an authentication failure",
            ),
            Error::Interrupted => {
                ErrorInfo::new(code::INTERRUPTED, "interrupted before it finished")
            }
            Error::Internal(e) => ErrorInfo::new(code::INTERNAL, format!("{e:#}")),
            Error::TimedOut(message) => ErrorInfo::new(code::TIMED_OUT, message),
        }
    }
}

fn auth_hint(e: &ServiceError) -> String {
    if e.status == 403 {
        "the credentials are valid but lack permission: accepting needs the IAM action \
         ims:images:share (and ims:images:get for the listing) in this project"
            .to_string()
    } else {
        "check the credentials in use (`-v` says where they were read from); ims-share never \
         retries a 401: five bad AK/SK signatures lock the key for five minutes"
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_130_3_5_4_1_0() {
        let order = [
            Exit::Interrupted,
            Exit::Auth,
            Exit::Unavailable,
            Exit::TimedOut,
            Exit::Failed,
            Exit::Changes,
            Exit::Ok,
        ];
        for (i, a) in order.iter().enumerate() {
            for b in &order[i..] {
                assert_eq!(a.worst(*b), *a, "{a:?} vs {b:?}");
                assert_eq!(b.worst(*a), *a, "{b:?} vs {a:?}");
            }
        }
    }

    #[test]
    fn service_errors_read_as_one_line() {
        let e = ServiceError {
            request: "PUT /v1/cloudimages/members".into(),
            status: 400,
            code: "IMG.0027".into(),
            message: "The image does not exist.".into(),
            request_id: Some("req-1".into()),
            hint: None,
        };
        assert_eq!(
            e.to_string(),
            "PUT /v1/cloudimages/members failed: HTTP 400 IMG.0027: The image does not exist. (request id req-1)"
        );
        assert_eq!(Error::Service(Box::new(e.clone())).exit(), Exit::Failed);
        assert_eq!(Error::Auth(Box::new(e)).exit(), Exit::Auth);
    }
}
