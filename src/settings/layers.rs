//! The layers of settings, highest first: the flags, the explicitly chosen source (a profile,
//! a clouds.yaml entry or a KooCLI profile), the environment, and the default profile.

use super::env::Env;
use super::sources::{self, Layer, Sourced};
use super::target::{CloudTarget, resolve};
use super::{clouds, config, hcloud};
use crate::cli;
use crate::error::Error;
use std::path::PathBuf;

/// The config file, read once: where it is (for messages) and what it holds, if it exists.
pub(crate) struct ConfigRead {
    pub(crate) path: PathBuf,
    pub(crate) loaded: Option<config::LoadedConfig>,
}

impl ConfigRead {
    /// `--config`, else `IMS_SHARE_CONFIG`, else the default file (which may be absent).
    pub(crate) fn read(
        g: &cli::GlobalArgs,
        env: &Env,
        warnings: &mut Vec<String>,
    ) -> Result<ConfigRead, Error> {
        let (path, named) = match config::locate(g.config.as_deref(), env.get("IMS_SHARE_CONFIG")) {
            Some(found) => found,
            None => (PathBuf::new(), false),
        };
        let loaded = if path.as_os_str().is_empty() {
            None
        } else {
            config::load(&path, named)?
        };
        if let Some(l) = &loaded
            && let Some(w) = config::permission_warning(l)
        {
            warnings.push(w);
        }
        Ok(ConfigRead { path, loaded })
    }

    /// The `[owners]` table: project id -> name.
    pub(crate) fn owners(&self) -> std::collections::BTreeMap<String, String> {
        self.loaded
            .as_ref()
            .map(|l| l.file.owners.clone())
            .unwrap_or_default()
    }
}

/// Everything about the cloud side: layers, credentials, endpoints.
pub(crate) fn cloud_target(
    g: &cli::GlobalArgs,
    env: &Env,
    config: &ConfigRead,
    warnings: &mut Vec<String>,
    per_region: bool,
) -> Result<CloudTarget, Error> {
    let flags = flag_layer(g);
    let (explicit, default) = profile_layers(g, env, config, warnings)?;
    let env_layer = sources::env_layer(env);
    let mut layers: Vec<&Layer> = vec![&flags];
    if let Some(l) = &explicit {
        layers.push(l);
    }
    layers.push(&env_layer);
    if let Some(l) = &default {
        layers.push(l);
    }
    let mut resolved = resolve(&layers)?;
    if per_region {
        // A project id or name belongs to one region: with several regions, or every project,
        // each target finds its own.
        resolved.project_id = None;
        resolved.project_name = None;
    }
    resolved.into_target()
}

fn flag_layer(g: &cli::GlobalArgs) -> Layer {
    let flag = |v: &Option<String>, name: &str| {
        v.as_ref().map(|s| Sourced::new(s.trim().to_string(), name))
    };
    Layer {
        source: "command-line flags".into(),
        region: flag(&g.region, "--region"),
        project_id: flag(&g.project_id, "--project-id"),
        ims_endpoint: flag(&g.endpoint, "--endpoint"),
        iam_endpoint: flag(&g.iam_endpoint, "--iam-endpoint"),
        ca_bundle: g
            .ca_bundle
            .as_ref()
            .map(|p| Sourced::new(p.clone(), "--ca-bundle")),
        ..Layer::default()
    }
}

/// The explicitly chosen source (a profile, a clouds.yaml entry or a KooCLI profile) and the
/// default profile of the config file.
fn profile_layers(
    g: &cli::GlobalArgs,
    env: &Env,
    config: &ConfigRead,
    warnings: &mut Vec<String>,
) -> Result<(Option<Layer>, Option<Layer>), Error> {
    let chosen_flags = [
        g.profile.as_ref().map(|_| "--profile"),
        g.os_cloud.as_ref().map(|_| "--os-cloud"),
        g.hcloud_profile.as_ref().map(|_| "--hcloud-profile"),
    ];
    let chosen: Vec<&str> = chosen_flags.iter().flatten().copied().collect();
    if chosen.len() > 1 {
        return Err(Error::usage(format!(
            "choose one source of credentials: {} were all given",
            chosen.join(" and ")
        )));
    }
    let (path, loaded) = (&config.path, config.loaded.as_ref());
    let profile_name = g.profile.clone().map(|p| (p, "--profile")).or_else(|| {
        (g.os_cloud.is_none() && g.hcloud_profile.is_none())
            .then(|| {
                env.get("IMS_SHARE_PROFILE")
                    .map(|p| (p.to_string(), "IMS_SHARE_PROFILE"))
            })
            .flatten()
    });
    let explicit = if let Some((name, how)) = &profile_name {
        Some(named_profile(loaded, path, name, how)?)
    } else if let Some(name) = &g.os_cloud {
        Some(clouds::layer(env, name, "--os-cloud")?)
    } else if let Some(name) = &g.hcloud_profile {
        let path = hcloud::default_path()
            .ok_or_else(|| Error::usage("--hcloud-profile: cannot find the home directory"))?;
        Some(hcloud::layer(&path, name)?)
    } else if let Some(name) = env.get("OS_CLOUD") {
        Some(clouds::layer(env, name, "OS_CLOUD")?)
    } else {
        None
    };
    let default = match loaded {
        Some(l) => {
            let default_name = l.file.default_profile.clone().or_else(|| {
                l.file
                    .profiles
                    .contains_key("default")
                    .then(|| "default".to_string())
            });
            match default_name {
                Some(name) if profile_name.as_ref().map(|(n, _)| n) != Some(&name) => {
                    match named_profile(Some(l), path, &name, "default_profile") {
                        Ok(layer) => Some(layer),
                        // The chosen source ranks above the default: a stale default is
                        // worth a warning, not a refusal.
                        Err(e) if explicit.is_some() => {
                            warnings.push(format!(
                                "{e} (default_profile); it is not used, since another source was chosen"
                            ));
                            None
                        }
                        Err(e) => return Err(e),
                    }
                }
                _ => None,
            }
        }
        None => None,
    };
    Ok((explicit, default))
}

fn named_profile(
    loaded: Option<&config::LoadedConfig>,
    path: &std::path::Path,
    name: &str,
    how: &str,
) -> Result<Layer, Error> {
    let Some(l) = loaded else {
        return Err(Error::usage_hint(
            format!(
                "profile '{name}' ({how}) not found: there is no config file at {}",
                path.display()
            ),
            "create the file with a [profiles.NAME] table (see config.example.toml), or give --config FILE",
        ));
    };
    let Some(profile) = l.file.profiles.get(name) else {
        let known: Vec<&str> = l.file.profiles.keys().map(String::as_str).collect();
        return Err(Error::usage_hint(
            format!("no profile '{name}' ({how}) in {}", l.path.display()),
            if known.is_empty() {
                "the file defines no profiles: add a [profiles.NAME] table".to_string()
            } else {
                format!("profiles there: {}", known.join(", "))
            },
        ));
    };
    sources::profile_layer(
        profile,
        &format!("profile '{name}' in {}", l.path.display()),
    )
}
