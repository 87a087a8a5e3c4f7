//! The values shell completion offers, found on disk when TAB is pressed: profile names,
//! clouds.yaml entries, KooCLI profiles, owner names. Anything missing or unreadable offers
//! nothing; nothing here reports an error or sends a request.

use super::env::Env;
use super::{clouds, config, hcloud};
use crate::bounded;
use serde_json::Value;

/// (value, help) pairs.
pub(crate) type Values = Vec<(String, Option<String>)>;

fn config_file(env: &Env) -> Option<config::ConfigFile> {
    let (path, _) = config::locate(None, env.get("IMS_SHARE_CONFIG"))?;
    let text = bounded::read_text(&path, bounded::MAX_CONFIG).ok()?;
    config::parse(&text).ok()
}

/// The profiles of the config file, each with its cloud and region.
pub(crate) fn profile_names(env: &Env) -> Values {
    let Some(file) = config_file(env) else {
        return Vec::new();
    };
    file.profiles
        .iter()
        .map(|(name, p)| {
            let about = [p.cloud.map(|c| c.to_string()), p.region.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            (name.clone(), (!about.is_empty()).then_some(about))
        })
        .collect()
}

/// The `[owners]` names of the config file: (project id, name).
pub(crate) fn owner_names(env: &Env) -> Vec<(String, String)> {
    config_file(env)
        .map(|f| f.owners.into_iter().collect())
        .unwrap_or_default()
}

/// The clouds of the first clouds.yaml found.
pub(crate) fn cloud_names(env: &Env) -> Values {
    for path in clouds::candidates(env, "OS_CLIENT_CONFIG_FILE", "clouds.yaml") {
        if let Ok(Some(v)) = clouds::read_yaml(&path) {
            return v
                .get("clouds")
                .and_then(Value::as_object)
                .map(|m| m.keys().map(|k| (k.clone(), None)).collect())
                .unwrap_or_default();
        }
    }
    Vec::new()
}

/// The profiles of KooCLI's config.
pub(crate) fn hcloud_names() -> Values {
    let Some(path) = hcloud::default_path() else {
        return Vec::new();
    };
    let Ok(text) = bounded::read_text(&path, bounded::MAX_CONFIG) else {
        return Vec::new();
    };
    let Ok(v) = serde_json::from_str::<Value>(&text) else {
        return Vec::new();
    };
    v.get("profiles")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| p.get("name").and_then(Value::as_str))
                .map(|n| (n.to_string(), None))
                .collect()
        })
        .unwrap_or_default()
}
