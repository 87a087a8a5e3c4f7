//! The Glance-style API that IMS and any OpenStack share: listing images (with Glance 33's
//! paging and filtering semantics) and reading and updating a member.

use super::gateway::Caller;
use super::http::{Ctx, HttpRequest, HttpResponse, glance_error, ims_error};
use super::state::{Image, State, iso_seconds};
use serde_json::{Value, json};

/// An image as Glance shows it. Serialised straight from a struct: listings of thousands of
/// images are the emulator's hot path.
#[derive(serde::Serialize)]
pub(super) struct ImageView<'a> {
    id: &'a str,
    name: &'a str,
    status: &'a str,
    visibility: &'a str,
    owner: &'a str,
    protected: bool,
    container_format: &'static str,
    disk_format: Option<&'a str>,
    min_disk: u64,
    min_ram: u64,
    size: Option<u64>,
    virtual_size: u64,
    tags: [&'static str; 0],
    created_at: &'a str,
    updated_at: &'a str,
    #[serde(rename = "self")]
    self_link: String,
    file: String,
    schema: &'static str,
    #[serde(rename = "__imagetype", skip_serializing_if = "Option::is_none")]
    image_type: Option<&'a str>,
    #[serde(rename = "__os_version", skip_serializing_if = "Option::is_none")]
    os_version: Option<&'a str>,
    #[serde(rename = "__whole_image", skip_serializing_if = "Option::is_none")]
    whole_image: Option<&'static str>,
    #[serde(rename = "__platform", skip_serializing_if = "Option::is_none")]
    platform: Option<&'a str>,
    /// IMS says the size again, as a string.
    #[serde(rename = "__image_size", skip_serializing_if = "Option::is_none")]
    image_size: Option<String>,
}

pub(super) fn image_view(image: &Image, mark_whole: bool) -> ImageView<'_> {
    ImageView {
        id: &image.id,
        name: &image.name,
        status: &image.status,
        visibility: &image.visibility,
        owner: &image.owner,
        protected: false,
        container_format: "bare",
        disk_format: image.disk_format.as_deref(),
        min_disk: image.min_disk,
        min_ram: image.min_ram,
        size: image.size,
        virtual_size: 0,
        tags: [],
        created_at: &image.created_at,
        updated_at: &image.updated_at,
        self_link: format!("/v2/images/{}", image.id),
        file: format!("/v2/images/{}/file", image.id),
        schema: "/v2/schemas/image",
        image_type: image.image_type.as_deref(),
        os_version: image.os_version.as_deref(),
        whole_image: (mark_whole && image.whole_image).then_some("true"),
        platform: image.platform.as_deref(),
        image_size: image.size.map(|n| n.to_string()),
    }
}

pub(super) fn member_json(m: &crate::emulator::state::Member) -> Value {
    json!({
        "member_id": m.member_id,
        "image_id": m.image_id,
        "status": m.status,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
        "schema": "/v2/schemas/member",
    })
}

/// Glance treats any query parameter it does not know as an image-property filter.
pub(super) fn property_matches(img: &Image, key: &str, value: &str) -> bool {
    match key {
        "owner" => img.owner == value,
        "name" => match value.strip_prefix("in:") {
            Some(list) => list.split(',').any(|n| n == img.name),
            None => img.name == value,
        },
        "status" => img.status == value,
        "id" => img.id == value,
        "__imagetype" => img.image_type.as_deref() == Some(value),
        "__os_version" => img.os_version.as_deref() == Some(value),
        "__whole_image" => {
            (img.whole_image && value == "true") || (!img.whole_image && value == "false")
        }
        _ => false,
    }
}

pub(super) fn list_images(state: &State, req: &HttpRequest, caller: &Caller) -> HttpResponse {
    let query = req.query_pairs();
    let get = |k: &str| query.iter().find(|(qk, _)| qk == k).map(|(_, v)| v.clone());
    let visibility = get("visibility");
    if let Some(v) = &visibility
        && !["shared", "private", "public", "community", "all"].contains(&v.as_str())
    {
        return glance_error(req, 400, &format!("Invalid visibility value: {v}"));
    }
    let member_status = get("member_status").unwrap_or_else(|| "accepted".into());
    if !["pending", "accepted", "rejected", "all"].contains(&member_status.as_str()) {
        return glance_error(req, 400, &format!("Invalid status: {member_status}"));
    }
    let limit = match get("limit") {
        None => 25,
        Some(l) => match l.parse::<i64>() {
            Err(_) => return glance_error(req, 400, "limit param must be an integer"),
            Ok(n) if n < 0 => return glance_error(req, 400, "limit param must be positive"),
            Ok(n) => n as usize,
        },
    };
    let limit = limit.min(state.settings.page_limit);
    let me = &caller.project_id;
    // One pass over the members instead of a search per image: listings of thousands of
    // images stay linear.
    let mut my_status: rustc_hash::FxHashMap<&str, &str> = rustc_hash::FxHashMap::default();
    my_status.reserve(state.members.len());
    my_status.extend(
        state
            .members
            .iter()
            .filter(|m| &m.member_id == me)
            .map(|m| (m.image_id.as_str(), m.status.as_str())),
    );
    // Paging parameters select nothing; every other parameter filters on a property.
    let filters: Vec<&(String, String)> = query
        .iter()
        .filter(|(k, _)| {
            ![
                "visibility",
                "member_status",
                "limit",
                "marker",
                "sort_key",
                "sort_dir",
            ]
            .contains(&k.as_str())
        })
        .collect();
    let status_matches = |image: &Image| {
        my_status
            .get(image.id.as_str())
            .is_some_and(|s| member_status == "all" || *s == member_status)
    };
    let visible: Vec<&Image> = state
        .images
        .iter()
        .filter(|img| {
            let own = &img.owner == me;
            match visibility.as_deref() {
                Some("shared") => status_matches(img) || (own && img.visibility == "shared"),
                Some("private") => own && img.visibility == "private",
                Some("public") => img.visibility == "public",
                Some("community") => img.visibility == "community",
                _ => own || img.visibility == "public" || status_matches(img),
            }
        })
        .filter(|img| filters.iter().all(|(k, v)| property_matches(img, k, v)))
        .collect();
    let start = match get("marker") {
        None => 0,
        Some(m) => match visible.iter().position(|i| i.id == m) {
            Some(p) => p + 1,
            None => return glance_error(req, 400, &format!("No image found with ID {m}")),
        },
    };
    let page: Vec<&Image> = visible.iter().skip(start).take(limit).copied().collect();
    let base_query: Vec<&str> = req
        .raw_query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("marker="))
        .collect();
    let first = if base_query.is_empty() {
        "/v2/images".to_string()
    } else {
        format!("/v2/images?{}", base_query.join("&"))
    };
    #[derive(serde::Serialize)]
    struct Page<'a> {
        images: Vec<ImageView<'a>>,
        first: String,
        schema: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    }
    let next = (limit > 0 && page.len() == limit).then(|| {
        let last = &page[page.len() - 1].id;
        let sep = if base_query.is_empty() { "?" } else { "&" };
        format!("{first}{sep}marker={last}")
    });
    let body = Page {
        images: page
            .iter()
            .map(|i| image_view(i, state.settings.mark_whole_images))
            .collect(),
        first,
        schema: "/v2/schemas/images",
        next,
    };
    HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: serde_json::to_vec(&body).expect("pages serialise"),
    }
}

/// The image as the caller may see it: owner, or a member. Otherwise Glance says "not found".
pub(super) fn visible_image<'a>(
    state: &'a State,
    caller: &Caller,
    image_id: &str,
) -> Option<&'a Image> {
    state.image(image_id).filter(|img| {
        img.owner == caller.project_id
            || state.member(image_id, &caller.project_id).is_some()
            || img.visibility == "public"
    })
}

pub(super) fn list_members(
    state: &State,
    req: &HttpRequest,
    caller: &Caller,
    image_id: &str,
) -> HttpResponse {
    let Some(image) = visible_image(state, caller, image_id) else {
        return glance_error(req, 404, &format!("Image {image_id} not found."));
    };
    let members: Vec<Value> = state
        .members
        .iter()
        .filter(|m| {
            m.image_id == image_id
                && (image.owner == caller.project_id || m.member_id == caller.project_id)
        })
        .map(member_json)
        .collect();
    HttpResponse::json(
        200,
        &json!({"members": members, "schema": "/v2/schemas/members"}),
    )
}

pub(super) fn show_member(
    state: &State,
    req: &HttpRequest,
    caller: &Caller,
    image_id: &str,
    member_id: &str,
) -> HttpResponse {
    let Some(image) = visible_image(state, caller, image_id) else {
        return glance_error(req, 404, &format!("Image {image_id} not found."));
    };
    let allowed = image.owner == caller.project_id || member_id == caller.project_id;
    match state.member(image_id, member_id) {
        Some(m) if allowed => HttpResponse::json(200, &member_json(m)),
        _ => glance_error(
            req,
            404,
            &format!("{member_id} not found in the member list of the image {image_id}."),
        ),
    }
}

pub(super) fn update_member(
    state: &mut State,
    req: &HttpRequest,
    ctx: &Ctx<'_>,
    caller: &Caller,
    image_id: &str,
    member_id: &str,
    changed: &mut bool,
) -> HttpResponse {
    let Some(image) = visible_image(state, caller, image_id).cloned() else {
        return glance_error(req, 404, &format!("Image {image_id} not found."));
    };
    if image.owner == caller.project_id {
        return glance_error(
            req,
            403,
            "You are not authorized to complete modify_member action.",
        );
    }
    if member_id != caller.project_id || state.member(image_id, member_id).is_none() {
        return glance_error(
            req,
            404,
            &format!("{member_id} not found in the member list of the image {image_id}."),
        );
    }
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return glance_error(req, 400, "Body expected in request.");
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return glance_error(req, 400, "Malformed JSON in request body.");
    };
    let Some(status) = body.get("status") else {
        return glance_error(req, 400, "Status not specified");
    };
    let status = match status.as_str() {
        Some(s @ ("pending" | "accepted" | "rejected")) => s.to_string(),
        _ => {
            return glance_error(
                req,
                400,
                "Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".",
            );
        }
    };
    if let Some(f) = &image.fail_with {
        return ims_error(400, &f.code, &f.message);
    }
    if image.whole_image && status == "accepted" {
        match body.get("vault_id").and_then(Value::as_str) {
            None => {
                return ims_error(
                    400,
                    "IMG.0001",
                    &format!("vault_id is required to accept the full-ECS image {image_id}."),
                );
            }
            Some(v) if !state.vaults.iter().any(|k| k == v) => {
                return ims_error(400, "IMG.0184", &format!("The vault {v} does not exist."));
            }
            Some(_) => {}
        }
    }
    let member = state
        .member_mut(image_id, member_id)
        .expect("checked above");
    member.status = status;
    member.updated_at = iso_seconds(ctx.now_ms);
    let answer = member_json(member);
    *changed = true;
    HttpResponse::json(200, &answer)
}
