//! status: the images shared with you (one paged listing per member status), or your
//! membership of given images.

use crate::api::glance;
use crate::api::session::Session;
use crate::commands::Report;
use crate::domain::{ImageId, MemberStatus};
use crate::error::{Error, Exit};
use crate::output::Output;
use crate::report::{Document, ErrorInfo, ImagesDoc, MemberRow, MembersDoc, SharedRow, code};

const MEMBER_CONCURRENCY: usize = 8;

/// `status`: one paged listing per member status, each row tagged with it. `member_status=all`
/// is never sent: IMS does not document it and image objects do not carry the member status.
pub(crate) fn list(session: &Session, out: &Output, statuses: &[MemberStatus]) -> Report {
    let mut rows = Vec::new();
    for &status in statuses {
        out.spin(&format!(
            "listing {status} images shared with you… {} so far",
            rows.len()
        ));
        let listed = glance::list_all(session, status, |page| {
            for img in page.images {
                let Some(id) = img.id.clone() else { continue };
                // The listing may hold images you own (shared by you): they are not shared with you.
                if img.owner.as_deref() == Some(session.project_id()) {
                    continue;
                }
                rows.push(SharedRow {
                    image_id: id,
                    name: img.name,
                    owner: img.owner,
                    member_status: status.as_str().to_string(),
                    updated_at: img.updated_at,
                    created_at: img.created_at,
                    image_status: img.status,
                    visibility: img.visibility,
                    whole_image: img.whole_image,
                    os_version: img.os_version,
                    image_type: img.image_type,
                    min_disk: img.min_disk,
                });
            }
        });
        if let Err(e) = listed {
            out.clear_spinner();
            return Report::failed(e);
        }
    }
    out.clear_spinner();
    Report::ok(Document::Images(ImagesDoc { images: rows }), Exit::Ok)
}

/// `status IMAGE...`: your member entry of each image, one GET each.
pub(crate) fn members(session: &Session, ids: &[ImageId]) -> Report {
    let member_id = session.project_id().to_string();
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
    for (id, answer) in ids.iter().zip(answers) {
        let mut row = MemberRow {
            image_id: id.to_string(),
            member_id: member_id.clone(),
            status: None,
            created_at: None,
            updated_at: None,
            error: None,
        };
        match answer {
            Some(Ok(m)) => {
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
            Some(Err(Error::Stopped)) | None => {
                if crate::interrupt::is_set() {
                    return Report::failed(Error::Interrupted);
                }
                row.error = Some(ErrorInfo::new(
                    code::NOT_SENT,
                    "not sent: stopped by an earlier error",
                ));
            }
            Some(Err(e)) => return Report::failed(e),
        }
        rows.push(row);
    }
    let mut report = Report::ok(Document::Members(MembersDoc { members: rows }), exit);
    report.notes = notes;
    report
}
