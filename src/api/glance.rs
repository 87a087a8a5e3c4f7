//! The Glance-style API that IMS and any OpenStack share: member update and query, and the
//! listing of images shared with you (IMS-API.md §4-§6; ../shared/api/README.md).

use crate::api::request::Method;
use crate::api::session::{Request, Session};
use crate::api::wire::{ImagePage, Member, marker_of};
use crate::domain::{ImageId, MemberStatus};
use crate::error::Error;
use serde_json::{Value, json};

/// Page size asked for; servers may cap it lower (Glance's default maximum is 1000).
pub(crate) const PAGE_LIMIT: usize = 1000;

pub(crate) fn member_path(image: &ImageId, member: &str) -> String {
    format!(
        "/v2/images/{image}/members/{}",
        crate::auth::signer::encode(member)
    )
}

pub(crate) fn member_body(status: MemberStatus, vault_id: Option<&str>) -> Value {
    let mut body = json!({"status": status.as_str()});
    if let Some(v) = vault_id {
        body["vault_id"] = json!(v);
    }
    body
}

pub(crate) fn update_member(
    session: &Session,
    image: &ImageId,
    member: &str,
    status: MemberStatus,
    vault_id: Option<&str>,
) -> Result<Member, Error> {
    let path = member_path(image, member);
    let body = serde_json::to_vec(&member_body(status, vault_id)).expect("JSON serialises");
    let reply = session.send(Request {
        method: Method::Put,
        path: &path,
        query: &[],
        body: Some(&body),
        deadline: None,
    })?;
    Ok(Member::from_value(&reply.json()))
}

pub(crate) fn member(session: &Session, image: &ImageId, member: &str) -> Result<Member, Error> {
    let path = member_path(image, member);
    let reply = session.send(Request {
        method: Method::Get,
        path: &path,
        query: &[],
        body: None,
        deadline: None,
    })?;
    Ok(Member::from_value(&reply.json()))
}

/// The query of one listing page. Only standard Glance parameters: a plain Glance treats
/// unknown ones (such as IMS's `__imagetype`) as property filters and returns nothing.
pub(crate) fn list_query(status: MemberStatus, marker: Option<&str>) -> Vec<(String, String)> {
    let mut q = vec![
        ("visibility".to_string(), "shared".to_string()),
        ("member_status".to_string(), status.as_str().to_string()),
        ("limit".to_string(), PAGE_LIMIT.to_string()),
    ];
    if let Some(m) = marker {
        q.push(("marker".to_string(), m.to_string()));
    }
    q
}

pub(crate) fn list_page(
    session: &Session,
    status: MemberStatus,
    marker: Option<&str>,
) -> Result<ImagePage, Error> {
    let query = list_query(status, marker);
    let reply = session.send(Request {
        method: Method::Get,
        path: "/v2/images",
        query: &query,
        body: None,
        deadline: None,
    })?;
    ImagePage::from_slice(&reply.body).map_err(|e| {
        Error::unavailable(format!(
            "GET /v2/images answered HTTP {} with a page that does not read ({e})",
            reply.status
        ))
    })
}

/// The most images one listing reads: a service that keeps sending `next` links (a broken or
/// hostile one) is stopped there. Far beyond any account: images are shared one project at a
/// time.
pub(crate) const MAX_LISTED: usize = 50_000;
/// The most pages one listing reads, whatever their size.
pub(crate) const MAX_PAGES: usize = 500;

/// Every page of one member status, handed to `on_page` as it arrives. Stops on an empty
/// page, a page without `next`, or a marker seen before (a full page carries `next` even when
/// nothing follows, and a broken server must not keep us looping); past [`MAX_PAGES`] pages
/// or [`MAX_LISTED`] images it is an error.
pub(crate) fn list_all(
    session: &Session,
    status: MemberStatus,
    mut on_page: impl FnMut(ImagePage),
) -> Result<(), Error> {
    let mut seen = std::collections::HashSet::new();
    let mut marker: Option<String> = None;
    let (mut pages, mut images) = (0usize, 0usize);
    loop {
        if pages >= MAX_PAGES || images >= MAX_LISTED {
            return Err(Error::unavailable(format!(
                "the listing of {status} images did not end after {pages} pages and {images} images: the service keeps sending more; stopped"
            )));
        }
        let page = list_page(session, status, marker.as_deref())?;
        pages += 1;
        images += page.images.len();
        let next = page.next.as_deref().and_then(marker_of);
        let empty = page.images.is_empty();
        on_page(page);
        match next {
            Some(m) if !empty && seen.insert(m.clone()) => marker = Some(m),
            _ => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_query_has_only_glance_parameters() {
        let q = list_query(MemberStatus::Pending, Some("m1"));
        let keys: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec!["visibility", "member_status", "limit", "marker"]);
        assert!(q.iter().all(|(_, v)| v != "all"));
    }

    #[test]
    fn member_paths_encode_the_member() {
        let id = ImageId::parse("d164b5df-1bc3-4c3f-893e-3e471fd16e64").unwrap();
        assert_eq!(
            member_path(&id, "abc"),
            "/v2/images/d164b5df-1bc3-4c3f-893e-3e471fd16e64/members/abc"
        );
    }
}
