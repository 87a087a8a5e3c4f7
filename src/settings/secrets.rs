//! Secrets given as commands (`secret_key_command = "pass show otc/sk"`): split into words
//! like a shell would, without a shell or any expansion; the first line of standard output
//! is the secret. A command that fails or prints nothing is an error, never an empty secret.

use crate::error::Error;
use crate::secret::Secret;
use std::process::{Command, Stdio};

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

pub(crate) fn run(command: &str, origin: &str) -> Result<Secret, Error> {
    let words = shell_words::split(command).map_err(|e| {
        Error::usage(format!(
            "{origin} cannot be split into words ({e}): {command}"
        ))
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(Error::usage(format!("{origin} is empty")));
    };
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::usage(format!("{origin}: cannot run '{program}': {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = stderr.trim();
        let status = output
            .status
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
