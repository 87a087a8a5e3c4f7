//! Which images an accept or reject is about: the ids given, or every pending image shared
//! with you (narrowed by owner and name), with what the listing tells about each.

use crate::api::glance;
use crate::api::session::Session;
use crate::domain::{Action, ImageId, MemberStatus};
use crate::error::Error;
use crate::output::Output;
use crate::settings::{ChangeTask, Selection};
use crate::text::s;
use std::collections::HashMap;

/// An image to change, with what the listing told about it.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub(crate) id: ImageId,
    pub(crate) name: Option<String>,
    pub(crate) whole_image: bool,
}

/// The pending images shared with you, with their owners (images you own are left out).
fn pending_images(
    session: &Session,
    out: &Output,
) -> Result<Vec<(Candidate, Option<String>)>, Error> {
    out.spin("listing the images pending for you…");
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    glance::list_all(session, MemberStatus::Pending, |page| {
        for img in page.images {
            let Some(id) = img.id.as_deref().and_then(ImageId::parse) else {
                continue;
            };
            if img.owner.as_deref() == Some(session.project_id()) || !seen.insert(id.clone()) {
                continue;
            }
            let candidate = Candidate {
                id,
                name: img.name.clone(),
                whole_image: img.whole_image,
            };
            found.push((candidate, img.owner));
        }
    })?;
    Ok(found)
}

pub(super) fn select(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
) -> Result<Vec<Candidate>, Error> {
    match &task.selection {
        Selection::Ids(ids) => {
            // Knowing which images are full-ECS matters only when a vault is given: only
            // those images may carry it. One listing tells, instead of a request per image.
            let known: HashMap<ImageId, Candidate> =
                if task.vault_id.is_some() && task.action == Action::Accept && !ids.is_empty() {
                    pending_images(session, out)?
                        .into_iter()
                        .map(|(c, _)| (c.id.clone(), c))
                        .collect()
                } else {
                    HashMap::new()
                };
            Ok(ids
                .iter()
                .map(|id| {
                    known.get(id).cloned().unwrap_or(Candidate {
                        id: id.clone(),
                        name: None,
                        whole_image: false,
                    })
                })
                .collect())
        }
        Selection::AllPending { owner, name } => {
            let picked: Vec<Candidate> = pending_images(session, out)?
                .into_iter()
                .filter(|(_, o)| {
                    owner
                        .as_ref()
                        .is_none_or(|want| o.as_deref() == Some(want.as_str()))
                })
                .filter(|(c, _)| {
                    name.as_ref()
                        .is_none_or(|p| c.name.as_deref().is_some_and(|n| p.matches(n)))
                })
                .map(|(c, _)| c)
                .collect();
            if !picked.is_empty() {
                out.note(&format!(
                    "{} pending image{} shared with you{}:",
                    picked.len(),
                    s(picked.len()),
                    if owner.is_some() || name.is_some() {
                        " (filtered)"
                    } else {
                        ""
                    }
                ));
                for c in &picked {
                    out.note(&format!(
                        "  {}  {}{}",
                        c.id,
                        c.name.as_deref().unwrap_or("-"),
                        if c.whole_image { "  (full-ECS)" } else { "" }
                    ));
                }
            }
            Ok(picked)
        }
    }
}
