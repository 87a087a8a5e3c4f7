//! The TOML config file with profiles.
//!
//! Found at `--config`, else `IMS_SHARE_CONFIG`, else `<config dir>/ims-share/config.toml`.
//! A file that was named but does not exist is an error; the default file is optional.
//! Unknown keys are refused, with the key and its line.

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
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
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
        .map_err(|msg| Error::usage(format!("invalid config file {}:\n{msg}", path.display())))?;
    Ok(Some(LoadedConfig {
        path: path.to_path_buf(),
        file,
    }))
}

pub(crate) fn parse(text: &str) -> Result<ConfigFile, String> {
    toml::from_str::<ConfigFile>(text).map_err(|e| e.to_string().trim_end().to_string())
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
            "warning: {} holds a secret and is readable by group or others (mode {:o}); run: chmod 600 {}",
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
