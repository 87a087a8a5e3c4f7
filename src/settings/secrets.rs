//! Secrets given as commands (`secret_key_command = "pass show otc/sk"`): split into words
//! like a shell would, without a shell or any expansion; the first line of standard output
//! is the secret. A command that fails or prints nothing is an error, never an empty secret.

use crate::bounded::{self, Stop};
use crate::error::Error;
use crate::secret::Secret;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// Where a secret comes from, named the way the user wrote it (for messages).
#[derive(Debug, Clone)]
pub(crate) enum SecretSource {
    Value { value: Secret, origin: String },
    Command { command: String, origin: String },
}

impl SecretSource {
    pub(crate) fn resolve(&self) -> Result<Secret, Error> {
        match self {
            SecretSource::Value { value, origin } => {
                if value.is_empty() {
                    return Err(Error::usage(format!("{origin} is empty")));
                }
                Ok(value.clone())
            }
            SecretSource::Command { command, origin } => run(command, origin),
        }
    }
}

/// How long a `*_command` may run: enough for a person to type a passphrase when ims-share runs
/// on a terminal, and short enough that an unattended run cannot hang on a prompt nobody sees.
static COMMAND_TIMEOUT: OnceLock<Duration> = OnceLock::new();
const UNATTENDED: Duration = Duration::from_secs(10);
const INTERACTIVE: Duration = Duration::from_secs(120);
/// A secret is one line: more output than this is not a secret command.
const MAX_OUTPUT: u64 = 64 * 1024;
/// The part of a failing command's error output kept for the message.
const MAX_ERROR_OUTPUT: u64 = 16 * 1024;

/// Set once, from whether standard input is a terminal.
pub(crate) fn set_interactive(interactive: bool) {
    let _ = COMMAND_TIMEOUT.set(if interactive { INTERACTIVE } else { UNATTENDED });
}

pub(crate) fn run(command: &str, origin: &str) -> Result<Secret, Error> {
    let words = shell_words::split(command).map_err(|e| {
        Error::usage(format!(
            "{origin} cannot be split into words ({e}): {command}"
        ))
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(Error::usage(format!("{origin} is empty")));
    };
    let mut cmd = Command::new(program);
    cmd.args(args);
    let timeout = *COMMAND_TIMEOUT.get().unwrap_or(&UNATTENDED);
    let output = bounded::run(cmd, timeout, MAX_OUTPUT, MAX_ERROR_OUTPUT)
        .map_err(|e| Error::usage(format!("{origin}: cannot run '{program}': {e}")))?;
    match output.stopped {
        Some(Stop::TooLong(d)) => {
            return Err(Error::usage_hint(
                format!(
                    "{origin}: '{program}' did not finish within {} and was stopped",
                    humantime::format_duration(d)
                ),
                "check that the command runs on its own, without asking anything (ims-share waits 2 minutes when run on a terminal, 10 seconds otherwise)",
            ));
        }
        Some(Stop::TooMuchOutput(max)) => {
            return Err(Error::usage(format!(
                "{origin}: '{program}' printed more than {} and was stopped: a secret is one line",
                bounded::size(max)
            )));
        }
        None => {}
    }
    let status = output.status.unwrap_or_default();
    if !status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = stderr.trim();
        let status = status
            .code()
            .map(|c| format!("exit status {c}"))
            .unwrap_or_else(|| "killed by a signal".to_string());
        return Err(Error::usage(if detail.is_empty() {
            format!("{origin} failed ({status}): '{program}' printed no error")
        } else {
            format!("{origin} failed ({status}): {detail}")
        }));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = stdout.lines().next().unwrap_or("").trim().to_string();
    if first.is_empty() {
        return Err(Error::usage(format!(
            "{origin}: '{program}' printed nothing on its first line"
        )));
    }
    Ok(Secret::new(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_trimmed() {
        let s = run("printf '  s3cret \\nsecond line\\n'", "secret_key_command").unwrap();
        assert_eq!(s.expose(), "s3cret");
    }

    #[test]
    fn no_shell_expansion() {
        let s = run("echo $HOME", "x").unwrap();
        assert_eq!(s.expose(), "$HOME");
    }

    #[test]
    fn failure_carries_stderr() {
        let e = run(
            "sh -c 'echo vault is sealed >&2; exit 3'",
            "secret_key_command in profile p",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "secret_key_command in profile p failed (exit status 3): vault is sealed"
        );
    }

    #[test]
    fn empty_output_is_an_error() {
        let e = run("true", "password_command").unwrap_err();
        assert!(e.to_string().contains("printed nothing"), "{e}");
        let e = run("/nonexistent/pass show x", "password_command").unwrap_err();
        assert!(e.to_string().contains("cannot run"), "{e}");
    }
}
