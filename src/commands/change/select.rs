//! Which images an accept or reject is about: the ids and names given, or every pending image
//! shared with you (narrowed by owner and name), with what the listing tells about each.

use crate::api::session::Session;
use crate::commands::lookup::{self, Listed};
use crate::domain::{Action, ImageId, MemberStatus};
use crate::error::Error;
use crate::output::Output;
use crate::settings::{ChangeTask, Owners, Selection};
use crate::text::{escape, human_size, s};
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
        Selection::Pick(owners) => pick(session, out, task, owners),
    }
}

/// Offers the pending images in a list (name, owner, size, date; typing filters) and returns
/// those chosen. Nothing pending, or nothing chosen, is said on stderr and changes nothing.
fn pick(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    owners: &Owners,
) -> Result<Vec<Candidate>, Error> {
    out.spin("listing the images pending for you…");
    let mut listed = lookup::list(session, &[MemberStatus::Pending])?;
    out.clear_spinner();
    if listed.is_empty() {
        out.note(&format!(
            "nothing to {}: no images are pending for you",
            task.action.verb()
        ));
        return Ok(Vec::new());
    }
    // Newest first: what was just shared is what one comes to decide.
    listed.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    let owner = |l: &Listed| match l.owner.as_deref() {
        Some(id) => owners
            .name_of(id)
            .map(str::to_string)
            .unwrap_or_else(|| id.chars().take(8).collect()),
        None => "-".into(),
    };
    let cells: Vec<[String; 4]> = listed
        .iter()
        .map(|l| {
            let name = l.name.as_deref().unwrap_or("-");
            [
                if l.whole_image {
                    format!("{name} (full-ECS)")
                } else {
                    name.to_string()
                },
                owner(l),
                l.size.map(human_size).unwrap_or_else(|| "-".into()),
                l.created_at
                    .as_deref()
                    .map(|d| d.chars().take(10).collect())
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let labels = aligned(&cells);
    let question = format!(
        "{} which images? (name, owner, size, created)",
        capitalised(task.action.verb())
    );
    let chosen = out.pick(&question, labels)?;
    if chosen.is_empty() {
        out.note(&format!(
            "nothing chosen: nothing to {}",
            task.action.verb()
        ));
    }
    Ok(chosen
        .into_iter()
        .map(|i| Candidate::of(&listed[i]))
        .collect())
}

/// The cells of each line padded into columns (the widest of each); a cell longer than 48
/// characters (a name another tenant chose) is cut with `…`.
fn aligned(cells: &[[String; 4]]) -> Vec<String> {
    let cells: Vec<[String; 4]> = cells
        .iter()
        .map(|r| {
            r.clone().map(|c| {
                let c = escape(&c).into_owned();
                if c.chars().count() > 48 {
                    c.chars().take(47).chain(['…']).collect()
                } else {
                    c
                }
            })
        })
        .collect();
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            cells
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
                .min(48)
        })
        .collect();
    cells
        .iter()
        .map(|r| {
            let name = format!("{:<w$}", r[0], w = widths[0]);
            let owner = format!("{:<w$}", r[1], w = widths[1]);
            let size = format!("{:>w$}", r[2], w = widths[2]);
            format!("{name}  {owner}  {size}  {}", r[3])
        })
        .collect()
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
