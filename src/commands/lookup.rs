//! The images shared with you, listed once: to resolve image names into ids, and to know which
//! images are full-ECS before a request is sent for them.

use crate::api::glance;
use crate::api::session::Session;
use crate::auth::cache::RecentImage;
use crate::domain::{ImageId, ImageRef, MemberStatus};
use crate::error::Error;
use std::collections::HashSet;
use std::sync::Mutex;

/// One image of a listing, with what ims-share needs of it.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub(crate) id: ImageId,
    pub(crate) name: Option<String>,
    pub(crate) owner: Option<String>,
    pub(crate) created_at: Option<String>,
    pub(crate) whole_image: bool,
    pub(crate) member_status: MemberStatus,
    /// Bytes, when the service said.
    pub(crate) size: Option<u64>,
}

/// The images shared with you in `statuses` (listed at once), leaving out your own.
pub(crate) fn list(session: &Session, statuses: &[MemberStatus]) -> Result<Vec<Listed>, Error> {
    let found: Vec<Mutex<Vec<Listed>>> = statuses.iter().map(|_| Mutex::default()).collect();
    let indexed: Vec<(usize, MemberStatus)> = statuses.iter().copied().enumerate().collect();
    // At once, as `status` does: three listings at most.
    let results = crate::pool::run(
        &indexed,
        indexed.len(),
        false,
        &|| session.stopped() || crate::interrupt::is_set(),
        &|&(i, status)| {
            glance::list_all(session, status, |page| {
                let mut rows = crate::sync::lock(&found[i]);
                for img in page.images {
                    let Some(id) = img.id.as_deref().and_then(ImageId::parse) else {
                        continue;
                    };
                    if img.owner.as_deref() == Some(session.project_id()) {
                        continue;
                    }
                    rows.push(Listed {
                        id,
                        name: img.name,
                        owner: img.owner,
                        created_at: img.created_at,
                        whole_image: img.whole_image,
                        member_status: status,
                        size: img.size,
                    });
                }
            })
        },
    );
    let failures: Vec<Error> = results
        .into_iter()
        .filter_map(|r| match r {
            Some(Ok(())) => None,
            Some(Err(e)) => Some(e),
            None => Some(Error::Interrupted),
        })
        .collect();
    if let Some(e) = crate::commands::telling(failures) {
        return Err(e);
    }
    let mut seen = HashSet::new();
    let listed: Vec<Listed> = found
        .into_iter()
        .flat_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .filter(|l| seen.insert(l.id.clone()))
        .collect();
    remember(
        session,
        listed.iter().map(|l| RecentImage {
            id: l.id.to_string(),
            name: l.name.clone(),
            owner: l.owner.clone(),
            member_status: l.member_status.to_string(),
        }),
    );
    Ok(listed)
}

/// Keeps a listing in the cache, for completing image ids and names on TAB.
pub(crate) fn remember(session: &Session, images: impl Iterator<Item = RecentImage>) {
    if let Some(cache) = session.cache() {
        cache.store_listing(
            images.take(crate::auth::cache::MAX_LISTED).collect(),
            std::time::SystemTime::now(),
        );
    }
}

fn describe(l: &Listed) -> String {
    format!(
        "{} ({}, owner {}, created {})",
        l.id,
        l.member_status,
        l.owner.as_deref().unwrap_or("unknown"),
        l.created_at.as_deref().unwrap_or("unknown")
    )
}

/// The ids of `refs` in their order, duplicates removed: ids as given, names looked up in
/// `listed`. Every name that fits no image or several is named in one error (exit 2), with
/// the images it could mean.
pub(crate) fn resolve(refs: &[ImageRef], listed: &[Listed]) -> Result<Vec<ImageId>, Error> {
    let mut ids = Vec::new();
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for r in refs {
        let id = match r {
            ImageRef::Id(id) => id.clone(),
            ImageRef::Name(name) => {
                let fits: Vec<&Listed> = listed
                    .iter()
                    .filter(|l| l.name.as_deref() == Some(name.as_str()))
                    .collect();
                match fits.as_slice() {
                    [one] => one.id.clone(),
                    [] => {
                        let lower = name.to_lowercase();
                        let near: Vec<String> = listed
                            .iter()
                            .filter(|l| {
                                l.name
                                    .as_deref()
                                    .is_some_and(|n| n.to_lowercase().contains(&lower))
                            })
                            .take(5)
                            .map(|l| {
                                format!("'{}' {}", l.name.as_deref().unwrap_or(""), describe(l))
                            })
                            .collect();
                        problems.push(if near.is_empty() {
                            format!("no image shared with you is named '{name}'")
                        } else {
                            format!(
                                "no image shared with you is named '{name}' (close: {})",
                                near.join("; ")
                            )
                        });
                        continue;
                    }
                    several => {
                        problems.push(format!(
                            "'{name}' names {} images: {}",
                            several.len(),
                            several
                                .iter()
                                .map(|l| describe(l))
                                .collect::<Vec<_>>()
                                .join("; ")
                        ));
                        continue;
                    }
                }
            }
        };
        if seen.insert(id.clone()) {
            ids.push(id);
        }
    }
    if problems.is_empty() {
        Ok(ids)
    } else {
        Err(Error::usage_hint(
            problems.join("; "),
            "give the image id instead (`ims-share status` lists the images shared with you); nothing was changed",
        ))
    }
}

/// Whether resolving `refs` needs a listing at all.
pub(crate) fn has_names(refs: &[ImageRef]) -> bool {
    refs.iter().any(|r| matches!(r, ImageRef::Name(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: &str, name: &str, owner: &str) -> Listed {
        Listed {
            id: ImageId::parse(id).unwrap(),
            name: Some(name.into()),
            owner: Some(owner.into()),
            created_at: Some("2026-11-01T10:00:00Z".into()),
            whole_image: false,
            member_status: MemberStatus::Pending,
            size: None,
        }
    }

    const A: &str = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
    const B: &str = "0b680482-acaa-4045-b14c-9a8c7dfe9c70";

    #[test]
    fn names_become_ids_and_ids_stay() {
        let l = [listed(A, "rhel-9", "o1"), listed(B, "win-2022", "o1")];
        let refs = [
            ImageRef::Name("win-2022".into()),
            ImageRef::parse(A).unwrap(),
            ImageRef::Name("rhel-9".into()),
        ];
        assert_eq!(
            resolve(&refs, &l).unwrap(),
            vec![ImageId::parse(B).unwrap(), ImageId::parse(A).unwrap()]
        );
    }

    #[test]
    fn unknown_and_ambiguous_names_list_the_candidates() {
        let l = [listed(A, "golden", "o1"), listed(B, "golden", "o2")];
        let e = resolve(
            &[
                ImageRef::Name("golden".into()),
                ImageRef::Name("gold".into()),
            ],
            &l,
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("'golden' names 2 images"), "{text}");
        assert!(text.contains(A) && text.contains("owner o2"), "{text}");
        assert!(
            text.contains("no image shared with you is named 'gold'"),
            "{text}"
        );
        assert_eq!(e.exit(), crate::error::Exit::Usage);
    }
}
