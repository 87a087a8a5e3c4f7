//! status: the images shared with you (one paged listing per member status, run at once), or
//! your membership of given images.

use crate::api::glance;
use crate::api::session::Session;
use crate::api::wire::SharedImage;
use crate::auth::cache::RecentImage;
use crate::commands::lookup;
use crate::commands::{Ledger, Report};
use crate::domain::{ImageId, ImageRef, MemberStatus};
use crate::error::{Error, Exit};
use crate::output::Output;
use crate::report::{Document, ErrorInfo, ImagesDoc, MemberRow, MembersDoc, SharedRow, code};
use crate::settings::{Filter, Owners, StatusTask};
use crate::sync::lock;
use std::sync::Mutex;

const MEMBER_CONCURRENCY: usize = 8;

/// What a status run has found so far, for Ctrl-C (130 still writes the document).
#[derive(Default)]
pub(crate) struct StatusLedger {
    found: Mutex<Found>,
    long: Mutex<bool>,
}

#[derive(Default)]
enum Found {
    #[default]
    Nothing,
    /// The rows of each listing, in the order of the member statuses asked for.
    Images(Vec<Vec<SharedRow>>),
    Members(Vec<MemberRow>),
}

impl StatusLedger {
    fn doc(&self) -> Option<Document> {
        match &*lock(&self.found) {
            Found::Nothing => None,
            Found::Images(lists) => Some(Document::Images(ImagesDoc {
                images: lists.iter().flatten().cloned().collect(),
                long: *lock(&self.long),
            })),
            Found::Members(rows) => Some(Document::Members(MembersDoc {
                members: rows.clone(),
            })),
        }
    }
}

impl StatusLedger {
    /// The listing's rows, moved out (not copied: a listing may hold 50,000 images).
    fn take_images(&self, long: bool) -> ImagesDoc {
        let found = std::mem::take(&mut *lock(&self.found));
        ImagesDoc {
            images: match found {
                Found::Images(lists) => lists.into_iter().flatten().collect(),
                _ => Vec::new(),
            },
            long,
        }
    }
}

impl Ledger for StatusLedger {
    fn so_far(&self) -> Report {
        let mut report = Report::exit_only(Exit::Interrupted);
        report.doc = self.doc();
        report.notes.push("interrupted".into());
        report
    }
}

fn shared_row(img: SharedImage, id: String, status: MemberStatus, owners: &Owners) -> SharedRow {
    let owner_name = img
        .owner
        .as_deref()
        .and_then(|o| owners.name_of(o))
        .map(str::to_string);
    SharedRow {
        image_id: id,
        name: img.name,
        owner: img.owner,
        member_status: status.as_str().to_string(),
        updated_at: img.updated_at,
        size_bytes: img.size,
        disk_format: img.disk_format,
        os: img.os_version.clone().or(img.platform).or(img.os_distro),
        min_disk_gb: img.min_disk,
        min_ram_mb: img.min_ram,
        created_at: img.created_at,
        full_ecs: img.whole_image,
        owner_name,
        image_status: img.status,
        visibility: img.visibility,
        whole_image: img.whole_image,
        os_version: img.os_version,
        image_type: img.image_type,
        min_disk: img.min_disk,
    }
}

/// `status`: one paged listing per member status, each row tagged with it. `member_status=all`
/// is never sent: IMS does not document it and image objects do not carry the member status.
/// The listings run at once; the rows keep the order of `statuses`, then of each listing.
pub(crate) fn list(
    session: &Session,
    out: &Output,
    task: &StatusTask,
    ledger: &StatusLedger,
) -> Report {
    let (statuses, filter) = (&task.statuses[..], &task.filter);
    *lock(&ledger.found) = Found::Images(vec![Vec::new(); statuses.len()]);
    *lock(&ledger.long) = task.long;
    out.spin("listing the images shared with you…");
    let indexed: Vec<(usize, MemberStatus)> = statuses.iter().copied().enumerate().collect();
    // All at once, even before the credentials are proven: three refused signatures stay
    // under the five that lock a key, and nothing more is sent after the first refusal.
    let results = crate::pool::run(
        &indexed,
        indexed.len(),
        false,
        &|| session.stopped() || crate::interrupt::is_set(),
        &|&(i, status)| {
            glance::list_all(session, status, |page| {
                let mut found = lock(&ledger.found);
                let Found::Images(lists) = &mut *found else {
                    return;
                };
                for img in page.images {
                    let Some(id) = img.id.clone() else { continue };
                    // The listing may hold images you own (shared by you): not shared with you.
                    if img.owner.as_deref() == Some(session.project_id())
                        || !filter.keeps(img.owner.as_deref(), img.name.as_deref())
                    {
                        continue;
                    }
                    lists[i].push(shared_row(img, id, status, &task.owners));
                }
            })
        },
    );
    out.clear_spinner();
    let mut doc = Document::Images(ledger.take_images(task.long));
    // The error that says why: a listing stopped because another was refused says less than
    // the refusal itself.
    let failures: Vec<Error> = results
        .into_iter()
        .filter_map(|r| match r {
            Some(Err(e)) => Some(e),
            None => Some(Error::Stopped),
            Some(Ok(())) => None,
        })
        .collect();
    let failure = crate::commands::telling(failures);
    match failure {
        None => {
            let mut notes = Vec::new();
            let mut exit = Exit::Ok;
            if let Document::Images(d) = &mut doc {
                if !task.only.is_empty() {
                    match only(&task.only, std::mem::take(&mut d.images)) {
                        Ok((rows, missing)) => {
                            d.images = rows;
                            if !missing.is_empty() {
                                exit = Exit::Failed;
                                notes.extend(missing);
                            }
                        }
                        Err(e) => return Report::failed(e),
                    }
                } else if d.images.is_empty() {
                    out.note(&nothing_listed(statuses, filter));
                }
                lookup::remember(
                    session,
                    d.images.iter().map(|r| RecentImage {
                        id: r.image_id.clone(),
                        name: r.name.clone(),
                        owner: r.owner.clone(),
                        member_status: r.member_status.clone(),
                    }),
                );
            }
            let mut report = Report::ok(doc, exit);
            report.notes = notes;
            report
        }
        Some(e) => Report {
            doc: Some(doc),
            exit: e.exit(),
            error: Some(e),
            notes: Vec::new(),
            summary: None,
        },
    }
}

/// `status --long IMAGE...`: the rows of the given images, in their order. Names resolve as
/// everywhere; an id that no listing holds is said on stderr (exit 1).
fn only(refs: &[ImageRef], rows: Vec<SharedRow>) -> Result<(Vec<SharedRow>, Vec<String>), Error> {
    let listed: Vec<lookup::Listed> = rows
        .iter()
        .filter_map(|r| {
            Some(lookup::Listed {
                id: ImageId::parse(&r.image_id)?,
                name: r.name.clone(),
                owner: r.owner.clone(),
                created_at: r.created_at.clone(),
                whole_image: r.full_ecs,
                member_status: MemberStatus::parse(&r.member_status)?,
                size: r.size_bytes,
            })
        })
        .collect();
    let ids = lookup::resolve(refs, &listed)?;
    let mut kept = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        let before = kept.len();
        kept.extend(
            rows.iter()
                .filter(|r| ImageId::parse(&r.image_id).as_ref() == Some(&id))
                .cloned(),
        );
        if kept.len() == before {
            missing.push(format!(
                "image {id}: not shared with you (no listing holds it)"
            ));
        }
    }
    Ok((kept, missing))
}

/// What an empty listing means, said on stderr (an empty table shows nothing at all).
fn nothing_listed(statuses: &[MemberStatus], filter: &Filter) -> String {
    let which = match statuses {
        [one] => format!("{one} "),
        _ => String::new(),
    };
    let matching = match (&filter.owner, &filter.name) {
        (Some(o), Some(n)) => format!(" from owner {o} named like '{}'", n.as_str()),
        (Some(o), None) => format!(" from owner {o}"),
        (None, Some(n)) => format!(" named like '{}'", n.as_str()),
        (None, None) => String::new(),
    };
    format!("no {which}images shared with you{matching}")
}

/// `status IMAGE...`: your member entry of each image, one GET each (names looked up first).
pub(crate) fn members(
    session: &Session,
    out: &Output,
    images: &[ImageRef],
    ledger: &StatusLedger,
) -> Report {
    let listed = if lookup::has_names(images) {
        out.spin("looking up image names…");
        let listed = lookup::list(session, &MemberStatus::ALL);
        out.clear_spinner();
        match listed {
            Ok(l) => l,
            Err(e) => return Report::failed(e),
        }
    } else {
        Vec::new()
    };
    let ids = match lookup::resolve(images, &listed) {
        Ok(ids) => ids,
        Err(e) => return Report::failed(e),
    };
    let ids = &ids[..];
    let member_id = session.project_id().to_string();
    let blank = |id: &ImageId| MemberRow {
        image_id: id.to_string(),
        member_id: member_id.clone(),
        status: None,
        created_at: None,
        updated_at: None,
        error: Some(ErrorInfo::new(
            code::NOT_SENT,
            "not sent: stopped by an earlier error",
        )),
    };
    *lock(&ledger.found) = Found::Members(ids.iter().map(blank).collect());
    let answers = crate::pool::run(
        ids,
        MEMBER_CONCURRENCY,
        !session.proven(),
        &|| session.stopped() || crate::interrupt::is_set(),
        &|id| glance::member(session, id, &member_id),
    );
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut exit = Exit::Ok;
    let mut fatal = None;
    for (id, answer) in ids.iter().zip(answers) {
        let mut row = blank(id);
        match answer {
            Some(Ok(m)) => {
                row.error = None;
                row.member_id = m.member_id.unwrap_or(member_id.clone());
                row.status = m.status.map(|s| {
                    MemberStatus::parse(&s)
                        .map(|st| st.as_str().to_string())
                        .unwrap_or(s)
                });
                row.created_at = m.created_at;
                row.updated_at = m.updated_at;
            }
            Some(Err(Error::Service(e))) => {
                exit = Exit::Failed;
                // Plain output has no error column here: say it on stderr too.
                notes.push(format!("image {id}: {e}"));
                row.error = Some(ErrorInfo::new(&e.code, &e.message));
            }
            Some(Err(Error::Stopped)) | None => {}
            Some(Err(e)) => {
                row.error = Some(e.info());
                fatal.get_or_insert(e);
            }
        }
        rows.push(row);
    }
    if crate::interrupt::is_set() {
        *lock(&ledger.found) = Found::Members(rows);
        return ledger.so_far();
    }
    let doc = Document::Members(MembersDoc { members: rows });
    let mut report = match fatal {
        Some(e) => Report {
            doc: Some(doc),
            exit: e.exit(),
            error: Some(e),
            notes: Vec::new(),
            summary: None,
        },
        None => Report::ok(doc, exit),
    };
    report.notes.extend(notes);
    report
}
