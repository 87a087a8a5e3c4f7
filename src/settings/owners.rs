//! Names for project ids: the `[owners]` table of the config file. A 32-hex project id says
//! nothing to a person; `image-factory` does. Wherever an owner is expected (`--owner`, the
//! rules of `sync`), a name of the table is as good as its id.

use super::layers::ConfigRead;
use crate::error::Error;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub(crate) struct Owners {
    /// Project id -> name.
    names: BTreeMap<String, String>,
}

impl Owners {
    /// The table, checked: every key a project id, every name given once and not shaped like
    /// an id (it would be ambiguous).
    pub(crate) fn from_config(config: &ConfigRead) -> Result<Owners, Error> {
        Owners::checked(config.owners(), &config.path)
    }

    /// `more` (the `[owners]` of a policy file at `path`) added to these.
    pub(crate) fn with(
        &self,
        more: BTreeMap<String, String>,
        path: &std::path::Path,
    ) -> Result<Owners, Error> {
        let mut names = self.names.clone();
        names.extend(more);
        Owners::checked(names, path)
    }

    fn checked(names: BTreeMap<String, String>, path: &std::path::Path) -> Result<Owners, Error> {
        // Services write project ids in lower case; `--owner` is compared the same way.
        let names: BTreeMap<String, String> = names
            .into_iter()
            .map(|(id, name)| (id.to_ascii_lowercase(), name))
            .collect();
        let file = path.display();
        let mut seen = BTreeMap::new();
        for (id, name) in &names {
            if !looks_like_an_id(id) {
                let swapped = if looks_like_an_id(name) {
                    " (the project id goes on the left: \"<project id>\" = \"<name>\")"
                } else {
                    " (32 hex digits)"
                };
                return Err(Error::usage(format!(
                    "[owners] in {file}: '{}' is not a project id{swapped}",
                    id.escape_debug()
                )));
            }
            if name.trim().is_empty() {
                return Err(Error::usage(format!(
                    "[owners] in {file}: the name of {id} is empty"
                )));
            }
            if looks_like_an_id(name) {
                return Err(Error::usage(format!(
                    "[owners] in {file}: the name of {id} ('{}') must be a word, not an id",
                    name.escape_debug()
                )));
            }
            if let Some(other) = seen.insert(name.clone(), id.clone()) {
                return Err(Error::usage(format!(
                    "[owners] in {file}: '{name}' names both {other} and {id}"
                )));
            }
        }
        Ok(Owners { names })
    }

    pub(crate) fn name_of(&self, id: &str) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    /// The project id an `--owner` value means: an id as it is, a name of the table as its id.
    /// Anything else is exit 2 with the known names.
    pub(crate) fn resolve(&self, value: &str, what: &str) -> Result<String, Error> {
        if looks_like_an_id(value) {
            return Ok(value.to_ascii_lowercase());
        }
        if let Some((id, _)) = self.names.iter().find(|(_, n)| n.as_str() == value) {
            return Ok(id.clone());
        }
        let mut known: Vec<String> = self
            .names
            .iter()
            .map(|(id, n)| format!("{n} ({id})"))
            .collect();
        known.sort();
        Err(Error::usage_hint(
            format!(
                "{what} '{}' is neither a project id nor a name of [owners]",
                value.escape_debug()
            ),
            if known.is_empty() {
                "name owners in the config file: [owners] \"<project id>\" = \"<name>\"".to_string()
            } else {
                format!("known owners: {}", known.join(", "))
            },
        ))
    }
}

/// A project id as IMS and Keystone make them: 32 hex digits (or a UUID's 36 characters).
fn looks_like_an_id(s: &str) -> bool {
    let hex = s.bytes().filter(|b| b.is_ascii_hexdigit()).count();
    (s.len() == 32 && hex == 32) || (s.len() == 36 && hex == 32 && s.matches('-').count() == 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(pairs: &[(&str, &str)]) -> Owners {
        Owners {
            names: pairs
                .iter()
                .map(|(i, n)| (i.to_string(), n.to_string()))
                .collect(),
        }
    }

    #[test]
    fn names_and_ids_resolve_and_strangers_are_refused() {
        let o = owners(&[("9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f", "image-factory")]);
        assert_eq!(
            o.resolve("image-factory", "--owner").unwrap(),
            "9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f"
        );
        assert_eq!(
            o.resolve("2B7E4D9A1C3F5E8B0A6D2C4E6F8A0B1C", "--owner")
                .unwrap(),
            "2b7e4d9a1c3f5e8b0a6d2c4e6f8a0b1c"
        );
        let e = o.resolve("factory", "--owner").unwrap_err();
        assert_eq!(e.exit(), crate::error::Exit::Usage);
        assert!(
            e.hint().unwrap().contains("image-factory (9c1d"),
            "{:?}",
            e.hint()
        );
        assert_eq!(
            o.name_of("9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f"),
            Some("image-factory")
        );
    }
}
