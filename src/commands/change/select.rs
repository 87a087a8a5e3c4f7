//! Which images an accept or reject is about: the ids and names given, or every pending image
//! shared with you (narrowed by owner and name), with what the listing tells about each.

use crate::api::session::Session;
use crate::commands::lookup::{self, Listed};
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
    /// A full-ECS image (the listing's `__whole_image`): accepting it needs a vault.
    pub(crate) whole_image: bool,
}

impl Candidate {
    fn of(l: &Listed) -> Candidate {
        Candidate {
            id: l.id.clone(),
            name: l.name.clone(),
            whole_image: l.whole_image,
        }
    }
}

pub(super) fn select(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
) -> Result<Vec<Candidate>, Error> {
    match &task.selection {
        Selection::Images(refs) => {
            // A listing is needed to look names up (in every member status: a name may be of
            // an image already accepted or rejected), and, for an accept without a vault, to
            // know which images are full-ECS (the pending listing says so) before sending them.
            let names = lookup::has_names(refs);
            let listed = if names {
                out.spin("looking up image names…");
                lookup::list(session, &MemberStatus::ALL)?
            } else if task.action == Action::Accept && task.vault_id.is_none() {
                out.spin("listing the images pending for you…");
                match lookup::list(session, &[MemberStatus::Pending]) {
                    Ok(listed) => listed,
                    // Only a help: without it every image is sent, and a full-ECS one fails
                    // as the service says. Refused credentials and a service that cannot be
                    // reached still stop the run.
                    Err(e @ (Error::Service(_) | Error::Auth(_))) if !matches!(&e, Error::Auth(se) if se.status == 401) =>
                    {
                        out.trace(&format!(
                            "cannot list the pending images to find full-ECS ones ({e}); every image is sent"
                        ));
                        Vec::new()
                    }
                    Err(e) => return Err(e),
                }
            } else {
                Vec::new()
            };
            let ids = lookup::resolve(refs, &listed)?;
            let known: HashMap<&ImageId, &Listed> = listed.iter().map(|l| (&l.id, l)).collect();
            Ok(ids
                .into_iter()
                .map(|id| match known.get(&id) {
                    Some(l) => Candidate::of(l),
                    None => Candidate {
                        id,
                        name: None,
                        whole_image: false,
                    },
                })
                .collect())
        }
        Selection::AllPending(filter) => {
            out.spin("listing the images pending for you…");
            let picked: Vec<Candidate> = lookup::list(session, &[MemberStatus::Pending])?
                .iter()
                .filter(|l| filter.keeps(l.owner.as_deref(), l.name.as_deref()))
                .map(Candidate::of)
                .collect();
            if !picked.is_empty() {
                out.note(&format!(
                    "{} pending image{} shared with you{}:",
                    picked.len(),
                    s(picked.len()),
                    if filter.is_empty() { "" } else { " (filtered)" }
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
