//! The TOML config file with profiles.
//!
//! Found at `--config`, else `IMS_SHARE_CONFIG`, else `<config dir>/ims-share/config.toml`.
//! A file that was named but does not exist is an error; the default file is optional.
//! Unknown keys are refused, with the key and its line.

use crate::bounded;
use crate::error::Error;
use crate::settings::endpoints::Cloud;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ModeKey {
    Batch,
    PerImage,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    pub(crate) default_profile: Option<String>,
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, ProfileFile>,
    /// Names for project ids: `"9c1d...e1f" = "image-factory"`.
    #[serde(default)]
    pub(crate) owners: BTreeMap<String, String>,
    /// `false`: submitted jobs are not recorded in the journal.
    pub(crate) journal: Option<bool>,
    /// The rules of `sync`.
    pub(crate) policy: Option<super::policy::PolicyFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileFile {
    pub(crate) cloud: Option<Cloud>,
    pub(crate) region: Option<String>,
    pub(crate) project_id: Option<String>,
    pub(crate) project_name: Option<String>,
    pub(crate) access_key: Option<String>,
    pub(crate) secret_key: Option<String>,
    pub(crate) secret_key_command: Option<String>,
    pub(crate) security_token: Option<String>,
    pub(crate) security_token_command: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) token_command: Option<String>,
    pub(crate) username: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) password_command: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) mode: Option<ModeKey>,
    pub(crate) ims_endpoint: Option<String>,
    pub(crate) iam_endpoint: Option<String>,
    pub(crate) ca_bundle: Option<PathBuf>,
}

impl ProfileFile {
    /// Whether the file itself holds a secret value (not a command that fetches one).
    pub(crate) fn holds_secret(&self) -> bool {
        self.secret_key.is_some()
            || self.security_token.is_some()
            || self.token.is_some()
            || self.password.is_some()
    }
}

/// A config file that was read, with where it came from.
#[derive(Debug, Clone)]
pub(crate) struct LoadedConfig {
    pub(crate) path: PathBuf,
    pub(crate) file: ConfigFile,
    /// The file's text, only to give the lines of `[policy]` in messages (never printed).
    pub(crate) text: String,
}

/// Where the config file is, and whether the user named it (then it must exist).
pub(crate) fn locate(flag: Option<&Path>, env_value: Option<&str>) -> Option<(PathBuf, bool)> {
    if let Some(p) = flag {
        return Some((p.to_path_buf(), true));
    }
    if let Some(p) = env_value {
        return Some((PathBuf::from(p), true));
    }
    dirs::config_dir().map(|d| (d.join("ims-share").join("config.toml"), false))
}

pub(crate) fn load(path: &Path, named: bool) -> Result<Option<LoadedConfig>, Error> {
    let text = match bounded::read_text(path, bounded::MAX_CONFIG) {
        Ok(t) => t,
        Err(e) if e.not_found() => {
            if named {
                return Err(Error::usage_hint(
                    format!("config file {} does not exist", path.display()),
                    "create it (see config.example.toml in the ims-share repository), or drop --config / IMS_SHARE_CONFIG to use the default location",
                ));
            }
            return Ok(None);
        }
        Err(e) => {
            return Err(Error::usage(format!(
                "cannot read config file {}: {e}",
                path.display()
            )));
        }
    };
    let file = parse(&text)
        .map_err(|msg| Error::usage(format!("invalid config file {}, {msg}", path.display())))?;
    Ok(Some(LoadedConfig {
        path: path.to_path_buf(),
        file,
        text,
    }))
}

/// The file parsed, or where and why it is not valid: `line 4, column 14 (key secret_kye):
/// unknown field ...`. The file's own text is never quoted, since the line at fault may hold a
/// secret: the value of that line is taken out of the parser's message too.
pub(crate) fn parse(text: &str) -> Result<ConfigFile, String> {
    toml::from_str::<ConfigFile>(text).map_err(|e| describe(text, &e))
}

/// Keys whose values are never secret, so a message may quote them. A misspelt key could be
/// anything, so its value is not shown.
const PLAIN_KEYS: &[&str] = &[
    "default_profile",
    "cloud",
    "region",
    "project_id",
    "project_name",
    "access_key",
    "username",
    "domain",
    "mode",
    "ims_endpoint",
    "iam_endpoint",
    "ca_bundle",
];

pub(crate) fn describe(text: &str, e: &toml::de::Error) -> String {
    let mut message = e.message().replace('\n', "; ");
    let Some(span) = e.span() else {
        return message;
    };
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line_no = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    let line = text[line_start..].lines().next().unwrap_or("");
    let mut key = String::new();
    if let Some((k, value)) = line.split_once('=') {
        key = k.trim().trim_matches('"').to_string();
        let value = value.trim();
        if !PLAIN_KEYS.contains(&key.as_str()) {
            // Through a marker, so that the placeholder's own words are not replaced in turn.
            for shown in [value, value.trim_matches(|c| c == '"' || c == '\'')] {
                if shown.len() >= 2 {
                    message = message.replace(shown, "\u{1}");
                }
            }
            message = message.replace('\u{1}', "(value not shown)");
        }
    }
    let key = if key.is_empty() || key.starts_with('[') {
        String::new()
    } else {
        format!(" (key {key})")
    };
    format!("line {line_no}, column {column}{key}: {message}")
}

/// ssh-style: a file holding a secret should be readable by its owner only.
#[cfg(unix)]
pub(crate) fn permission_warning(config: &LoadedConfig) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    if !config.file.profiles.values().any(ProfileFile::holds_secret) {
        return None;
    }
    let mode = std::fs::metadata(&config.path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} holds a secret and is readable by group or others (mode {:o}); run: chmod 600 {}",
            config.path.display(),
            mode & 0o777,
            config.path.display()
        )
    })
}

#[cfg(not(unix))]
pub(crate) fn permission_warning(_config: &LoadedConfig) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_parses() {
        let file = parse(include_str!("../../config.example.toml")).unwrap();
        assert!(!file.profiles.is_empty());
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let err = parse("[profiles.a]\nregion = \"eu-de\"\nsecret_kye = \"x\"\n").unwrap_err();
        assert!(err.contains("secret_kye"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn a_broken_line_never_shows_its_value() {
        for line in [
            "secret_kye = \"Zq8-leaky-value\"",
            "secret_key = Zq8-leaky-value",
            "password = Zq8-leaky-value",
            "secret_key = 918273645546372819",
        ] {
            let err = parse(&format!("[profiles.a]\n{line}\n")).unwrap_err();
            assert!(!err.contains("Zq8-leaky-value"), "{err}");
            assert!(!err.contains("918273645546372819"), "{err}");
            assert!(err.starts_with("line 2, column"), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
        let err = parse("[profiles.a]\nsecret_key = \"one-value\"\nsecret_key = \"two-value\"\n")
            .unwrap_err();
        assert!(
            !err.contains("two-value") && !err.contains("one-value"),
            "{err}"
        );
        assert!(
            err.contains("line 3") && err.contains("secret_key"),
            "{err}"
        );
    }

    #[test]
    fn malformed_toml_names_line_and_column() {
        let err = parse("[profiles.a]\nregion = eu-de\n").unwrap_err();
        assert!(err.contains("line 2, column"), "{err}");
    }

    #[test]
    fn unknown_cloud_is_refused() {
        let err = parse("[profiles.a]\ncloud = \"aws\"\n").unwrap_err();
        assert!(err.contains("aws"), "{err}");
    }

    #[test]
    fn named_file_must_exist_default_may_not() {
        let missing = Path::new("/nonexistent/ims-share.toml");
        assert!(load(missing, true).is_err());
        assert!(load(missing, false).unwrap().is_none());
    }
}
