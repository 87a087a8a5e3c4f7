//! The policy of `ims-share sync`: ordered rules over the images shared with you, first match
//! wins, and a default for what no rule matches (PRODUCT.md "Policy sync").
//!
//! It lives in the config file's `[policy]` or in a file of its own (`--policy FILE`, which may
//! have its own `[owners]`). Everything is checked before any request: unknown keys, a rule
//! without an action or with nothing in it, an owner that is neither a project id nor a name of
//! `[owners]`, a glob or an age that does not read, and a rule that an earlier catch-all
//! shadows; each is exit 2 naming the file and the line.

use super::owners::Owners;
use crate::error::Error;
use serde::Deserialize;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// What a rule (or the default) does with an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PolicyAction {
    Accept,
    Reject,
    Ignore,
}

impl PolicyAction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PolicyAction::Accept => "accept",
            PolicyAction::Reject => "reject",
            PolicyAction::Ignore => "ignore",
        }
    }

    fn parse(s: &str) -> Option<PolicyAction> {
        match s {
            "accept" => Some(PolicyAction::Accept),
            "reject" => Some(PolicyAction::Reject),
            "ignore" => Some(PolicyAction::Ignore),
            _ => None,
        }
    }
}

/// `[policy]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyFile {
    default: Option<toml::Spanned<String>>,
    #[serde(default, rename = "rule")]
    rules: Vec<toml::Spanned<RuleFile>>,
}

/// One `[[policy.rule]]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    label: Option<String>,
    owner: Option<OneOrMany>,
    name: Option<String>,
    full_ecs: Option<bool>,
    older_than: Option<String>,
    newer_than: Option<String>,
    action: Option<String>,
    vault_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A policy file of its own (`--policy FILE`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicySource {
    #[serde(default)]
    pub(crate) owners: std::collections::BTreeMap<String, String>,
    pub(crate) policy: Option<PolicyFile>,
}

/// A rule, checked.
#[derive(Debug, Clone)]
struct Rule {
    label: Option<String>,
    /// Project ids; empty: any owner.
    owners: Vec<String>,
    name: Option<glob::Pattern>,
    full_ecs: Option<bool>,
    older_than: Option<Duration>,
    newer_than: Option<Duration>,
    action: PolicyAction,
    vault_id: Option<String>,
}

/// What the policy says of one image: the rule that decided (its 1-based position, or
/// `default`), the rule's label, the action, and the vault a full-ECS image goes into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) rule: String,
    pub(crate) label: Option<String>,
    pub(crate) action: PolicyAction,
    pub(crate) vault_id: Option<String>,
}

/// What an image is, for the rules.
pub(crate) struct Facts<'a> {
    pub(crate) owner: Option<&'a str>,
    pub(crate) name: Option<&'a str>,
    pub(crate) full_ecs: bool,
    pub(crate) created_at: Option<&'a str>,
}

/// The policy, checked.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    default: PolicyAction,
    rules: Vec<Rule>,
}

impl Rule {
    fn is_catch_all(&self) -> bool {
        self.owners.is_empty()
            && self.name.as_ref().is_none_or(|p| p.as_str() == "*")
            && self.full_ecs.is_none()
            && self.older_than.is_none()
            && self.newer_than.is_none()
    }

    fn matches(&self, f: &Facts<'_>, now: SystemTime) -> bool {
        let age = || {
            let created = humantime::parse_rfc3339_weak(f.created_at?).ok()?;
            now.duration_since(created).ok()
        };
        (self.owners.is_empty() || f.owner.is_some_and(|o| self.owners.iter().any(|w| w == o)))
            && self
                .name
                .as_ref()
                .is_none_or(|p| f.name.is_some_and(|n| p.matches(n)))
            && self.full_ecs.is_none_or(|want| want == f.full_ecs)
            && self.older_than.is_none_or(|d| age().is_some_and(|a| a > d))
            && self.newer_than.is_none_or(|d| age().is_some_and(|a| a < d))
    }
}

impl Policy {
    /// The decision for one image: the first rule that matches, else the default.
    pub(crate) fn decide(&self, facts: &Facts<'_>, now: SystemTime) -> Decision {
        match self
            .rules
            .iter()
            .enumerate()
            .find(|(_, r)| r.matches(facts, now))
        {
            Some((i, r)) => Decision {
                rule: (i + 1).to_string(),
                label: r.label.clone(),
                action: r.action,
                vault_id: r.vault_id.clone(),
            },
            None => Decision {
                rule: "default".into(),
                label: None,
                action: self.default,
                vault_id: None,
            },
        }
    }

    /// Checks `file` (the `[policy]` of `path`, whose text is `text`).
    pub(crate) fn check(
        file: &PolicyFile,
        path: &Path,
        text: &str,
        owners: &Owners,
    ) -> Result<Policy, Error> {
        let at = |offset: usize| {
            let line = text[..offset.min(text.len())].matches('\n').count() + 1;
            format!("{}, line {line}", path.display())
        };
        let default = match &file.default {
            None => PolicyAction::Ignore,
            Some(d) => PolicyAction::parse(d.get_ref()).ok_or_else(|| {
                Error::usage(format!(
                    "policy in {}: default = '{}' is not accept, reject or ignore",
                    at(d.span().start),
                    d.get_ref().escape_debug()
                ))
            })?,
        };
        let mut rules: Vec<Rule> = Vec::new();
        let mut catch_all: Option<usize> = None;
        for (i, spanned) in file.rules.iter().enumerate() {
            let where_ = at(spanned.span().start);
            let bad =
                |what: String| Error::usage(format!("policy rule {} in {where_}: {what}", i + 1));
            let r = spanned.get_ref();
            let Some(action) = &r.action else {
                let empty = r.label.is_none()
                    && r.owner.is_none()
                    && r.name.is_none()
                    && r.full_ecs.is_none()
                    && r.older_than.is_none()
                    && r.newer_than.is_none()
                    && r.vault_id.is_none();
                return Err(bad(if empty {
                    "the rule is empty (give it an action, and what it matches)".into()
                } else {
                    "no action (action = \"accept\", \"reject\" or \"ignore\")".into()
                }));
            };
            let action = PolicyAction::parse(action).ok_or_else(|| {
                bad(format!(
                    "action = '{}' is not accept, reject or ignore",
                    action.escape_debug()
                ))
            })?;
            let owners_of = match &r.owner {
                None => Vec::new(),
                Some(OneOrMany::One(o)) => vec![o.clone()],
                Some(OneOrMany::Many(list)) if list.is_empty() => {
                    return Err(bad("owner = [] matches nothing".into()));
                }
                Some(OneOrMany::Many(list)) => list.clone(),
            };
            let owners_ids = owners_of
                .iter()
                .map(|o| {
                    owners.resolve(o, "owner").map_err(|e| {
                        Error::usage_hint(
                            format!("policy rule {} in {where_}: {e}", i + 1),
                            e.hint().unwrap_or_default(),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let name = r
                .name
                .as_deref()
                .map(|g| {
                    glob::Pattern::new(g)
                        .map_err(|e| bad(format!("name = '{}': {e}", g.escape_debug())))
                })
                .transpose()?;
            let age = |v: &Option<String>, key: &str| {
                v.as_deref()
                    .map(|d| crate::cli::parse_duration(d).map_err(|e| bad(format!("{key}: {e}"))))
                    .transpose()
            };
            let rule = Rule {
                label: r.label.clone(),
                owners: owners_ids,
                name,
                full_ecs: r.full_ecs,
                older_than: age(&r.older_than, "older_than")?,
                newer_than: age(&r.newer_than, "newer_than")?,
                action,
                vault_id: r.vault_id.clone(),
            };
            if let Some(v) = &rule.vault_id
                && (rule.action != PolicyAction::Accept || !crate::domain::valid_project_id(v))
            {
                return Err(bad(if rule.action == PolicyAction::Accept {
                    format!("vault_id = '{}' is not a vault id", v.escape_debug())
                } else {
                    "vault_id belongs on a rule that accepts (it names where full-ECS images go)"
                        .to_string()
                }));
            }
            if let Some(earlier) = catch_all {
                return Err(bad(format!(
                    "it can never match: rule {earlier} before it matches every image"
                )));
            }
            if rule.is_catch_all() {
                catch_all = Some(i + 1);
            }
            rules.push(rule);
        }
        Ok(Policy { default, rules })
    }
}

/// The policy of `sync`: `--policy FILE` (with its own `[owners]`, added to the config's), else
/// the config file's `[policy]`.
pub(super) fn load(
    file: Option<&std::path::Path>,
    config: &super::layers::ConfigRead,
    owners: &Owners,
) -> Result<(Policy, Owners), Error> {
    if let Some(path) = file {
        let text = crate::bounded::read_text(path, crate::bounded::MAX_CONFIG).map_err(|e| {
            Error::usage(format!(
                "cannot read the policy file {}: {e}",
                path.display()
            ))
        })?;
        let source: PolicySource = toml::from_str(&text).map_err(|e| {
            Error::usage(format!(
                "invalid policy file {}, {}",
                path.display(),
                super::config::describe(&text, &e)
            ))
        })?;
        let owners = owners.with(source.owners, path)?;
        let Some(p) = source.policy else {
            return Err(Error::usage_hint(
                format!("{} has no [policy]", path.display()),
                "add [policy] with default = \"ignore\" and [[policy.rule]] tables (see the README)",
            ));
        };
        return Ok((Policy::check(&p, path, &text, &owners)?, owners));
    }
    match config.loaded.as_ref() {
        Some(l) if l.file.policy.is_some() => {
            let p = l.file.policy.as_ref().expect("checked");
            Ok((Policy::check(p, &l.path, &l.text, owners)?, owners.clone()))
        }
        _ => Err(Error::usage_hint(
            format!(
                "sync needs a policy: {} has no [policy]",
                config.path.display()
            ),
            "add [policy] to the config file, or give --policy FILE (see `ims-share sync --help`)",
        )),
    }
}
