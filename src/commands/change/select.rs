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
                    "{} pending image{} shared with you{}{}",
                    picked.len(),
                    s(picked.len()),
                    if filter.is_empty() { "" } else { " (filtered)" },
                    if out.is_target() { "" } else { ":" }
                ));
                // With many targets the lists would bury the rest: the count is enough there.
                for c in picked.iter().filter(|_| !out.is_target()) {
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
        Selection::Known(images) | Selection::Resolved(images) => Ok(images
            .iter()
            .map(|k| Candidate {
                id: k.id.clone(),
                name: k.name.clone(),
                whole_image: k.whole_image,
            })
            .collect()),
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
                    format!("{name}{FULL_ECS}")
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
    let width = out.config().terminal.width.unwrap_or(80) as usize;
    let labels = aligned(&cells, width);
    let question = format!("{} which images?", capitalised(task.action.verb()));
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

/// The cells of each line padded into columns (the widest of each) for a terminal `width`
/// columns wide: a name longer than its room (another tenant chose it) is cut with `…`; on a
/// narrow terminal the date goes first, then the owner, then the size, before a name is cut
/// below 16 characters.
fn aligned(cells: &[[String; 4]], width: usize) -> Vec<String> {
    let cells: Vec<[String; 4]> = cells
        .iter()
        .map(|r| r.clone().map(|c| escape(&c).into_owned()))
        .collect();
    let natural = |c: usize| {
        cells
            .iter()
            .map(|r| r[c].chars().count())
            .max()
            .unwrap_or(0)
            .min(48)
    };
    // The cursor and check box take 6 columns, and the last column is left free (a full line
    // would wrap on some terminals); 2 between two columns.
    let mut kept = vec![1, 2, 3];
    let room = |kept: &[usize]| {
        width.saturating_sub(7 + kept.iter().map(|&c| natural(c) + 2).sum::<usize>())
    };
    while room(&kept) < 16.min(natural(0)) && !kept.is_empty() {
        // Drop the date, then the owner, then the size.
        let drop = [3, 1, 2]
            .into_iter()
            .find(|c| kept.contains(c))
            .unwrap_or(2);
        kept.retain(|&c| c != drop);
    }
    let name_room = room(&kept).clamp(10, 48);
    let name_width = natural(0).min(name_room);
    cells
        .iter()
        .map(|r| {
            let name = cut(&r[0], name_room);
            let mut line = format!("{name:<name_width$}");
            for &c in &kept {
                let w = natural(c);
                // Sizes align right, like numbers.
                if c == 2 {
                    line.push_str(&format!("  {:>w$}", r[c]));
                } else {
                    line.push_str(&format!("  {:<w$}", r[c]));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// A name in at most `room` characters, cut with `…`; the full-ECS mark stays whole.
fn cut(name: &str, room: usize) -> String {
    if name.chars().count() <= room {
        return name.to_string();
    }
    let (base, mark) = match name.strip_suffix(FULL_ECS) {
        Some(base) if room > FULL_ECS.len() + 4 => (base, FULL_ECS),
        _ => (name, ""),
    };
    let keep = room - 1 - mark.len();
    base.chars()
        .take(keep)
        .chain(['…'])
        .chain(mark.chars())
        .collect()
}

const FULL_ECS: &str = " (full-ECS)";

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str) -> [String; 4] {
        [
            name.to_string(),
            "platform-team".into(),
            "38.0 GiB".into(),
            "2026-12-02".into(),
        ]
    }

    #[test]
    fn the_picker_lines_fit_the_terminal_and_keep_the_full_ecs_mark() {
        let rows = [
            row(&format!("postgres-16-full-ecs-backup-2026.11{FULL_ECS}")),
            row("rhel-9"),
            row("\u{1b}[2Jevil-name"),
        ];
        for width in [50, 80, 100] {
            let lines = aligned(&rows, width);
            for l in &lines {
                assert!(l.chars().count() <= width - 7, "{width}: {l:?}");
                assert!(!l.contains('\u{1b}'), "{l:?}");
            }
            assert!(lines[0].contains("(full-ECS)"), "{width}: {lines:?}");
            assert!(lines[0].contains("38.0 GiB"), "{width}: {lines:?}");
        }
        assert!(aligned(&rows, 100)[0].contains("2026-12-02"));
        assert!(
            !aligned(&rows, 50)[0].contains("2026"),
            "the date goes first"
        );
    }
}
