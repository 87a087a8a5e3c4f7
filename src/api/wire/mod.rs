//! What the services send back, read leniently.
//!
//! Every field is optional and read from a `serde_json::Value`, so a field of an unexpected
//! type (a number where a string was documented, `null`, `""`) never makes a whole response
//! unreadable. Empty strings become `None`: IMS sends `""` for an `end_time` not reached yet.

use serde::Deserialize;
use serde_json::Value;

/// A string field; numbers and booleans are shown as text, `null` and `""` are absent.
pub(crate) fn text(value: &Value, key: &str) -> Option<String> {
    as_text(value.get(key)?)
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(value: &Value, key: &str) -> Option<f64> {
    match value.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => finite(s),
        _ => None,
    }
}

/// A number from its text; `NaN` and `inf` (which Rust would parse) are not numbers here.
fn finite(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

fn truthy(value: &Value, key: &str) -> bool {
    match value.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// `GET /v1/{project_id}/jobs/{job_id}` (IMS-API.md §3a).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Job {
    pub(crate) job_id: Option<String>,
    pub(crate) job_type: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) begin_time: Option<String>,
    pub(crate) end_time: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) fail_reason: Option<String>,
    pub(crate) process_percent: Option<f64>,
    /// `entities.results`: `None` when the job carries no results array at all.
    pub(crate) results: Option<Vec<JobResult>>,
}

/// One entry of `entities.results[]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct JobResult {
    pub(crate) image_id: Option<String>,
    pub(crate) project_id: Option<String>,
    pub(crate) status: Option<String>,
    /// Not documented, but kept when a service sends them.
    pub(crate) error_code: Option<String>,
    pub(crate) error_msg: Option<String>,
}

impl JobResult {
    /// Results say `success` in examples and `SUCCESS` in the field table: compare without case.
    pub(crate) fn is_success(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("success"))
    }
}

impl Job {
    pub(crate) fn from_value(v: &Value) -> Job {
        let entities = v.get("entities").filter(|e| e.is_object());
        let results = entities
            .and_then(|e| e.get("results"))
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter(|r| r.is_object())
                    .map(|r| JobResult {
                        image_id: text(r, "image_id"),
                        project_id: text(r, "project_id"),
                        status: text(r, "status"),
                        error_code: text(r, "error_code"),
                        error_msg: text(r, "error_msg").or_else(|| text(r, "fail_reason")),
                    })
                    .collect()
            });
        Job {
            job_id: text(v, "job_id"),
            job_type: text(v, "job_type"),
            status: text(v, "status"),
            begin_time: text(v, "begin_time"),
            end_time: text(v, "end_time"),
            error_code: text(v, "error_code"),
            fail_reason: text(v, "fail_reason"),
            process_percent: entities.and_then(|e| number(e, "process_percent")),
            results,
        }
    }
}

/// A member object of the Glance-style API (IMS-API.md §4, §5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Member {
    pub(crate) image_id: Option<String>,
    pub(crate) member_id: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) created_at: Option<String>,
    pub(crate) updated_at: Option<String>,
}

impl Member {
    pub(crate) fn from_value(v: &Value) -> Member {
        Member {
            image_id: text(v, "image_id"),
            member_id: text(v, "member_id"),
            status: text(v, "status"),
            created_at: text(v, "created_at"),
            updated_at: text(v, "updated_at"),
        }
    }
}

/// One image of `GET /v2/images` (IMS-API.md §6), keeping the fields ims-share shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SharedImage {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) owner: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) visibility: Option<String>,
    pub(crate) created_at: Option<String>,
    pub(crate) updated_at: Option<String>,
    /// `__whole_image` = "true": a full-ECS image that needs a `vault_id` to be accepted.
    pub(crate) whole_image: bool,
    pub(crate) image_type: Option<String>,
    pub(crate) os_version: Option<String>,
    pub(crate) min_disk: Option<f64>,
    /// Bytes: Glance's `size` (a number), or IMS's `__image_size` (a string).
    pub(crate) size: Option<u64>,
    pub(crate) disk_format: Option<String>,
    pub(crate) min_ram: Option<f64>,
    /// IMS's `__platform` (`Ubuntu`, `Windows`...).
    pub(crate) platform: Option<String>,
    /// Glance's `os_distro` property, where the image has one.
    pub(crate) os_distro: Option<String>,
}

/// A size in bytes from its text (a number, or IMS's string form).
fn bytes(text: Option<String>) -> Option<u64> {
    let t = text?;
    t.trim()
        .parse::<u64>()
        .ok()
        .or_else(|| finite(&t).filter(|f| *f >= 0.0).map(|f| f as u64))
}

impl SharedImage {
    pub(crate) fn from_value(v: &Value) -> SharedImage {
        SharedImage {
            id: text(v, "id"),
            name: text(v, "name"),
            owner: text(v, "owner"),
            status: text(v, "status"),
            visibility: text(v, "visibility"),
            created_at: text(v, "created_at"),
            updated_at: text(v, "updated_at"),
            whole_image: truthy(v, "__whole_image"),
            image_type: text(v, "__imagetype"),
            os_version: text(v, "__os_version"),
            min_disk: number(v, "min_disk"),
            size: bytes(text(v, "size")).or_else(|| bytes(text(v, "__image_size"))),
            disk_format: text(v, "disk_format"),
            min_ram: number(v, "min_ram"),
            platform: text(v, "__platform"),
            os_distro: text(v, "os_distro"),
        }
    }
}

/// One page of `GET /v2/images`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ImagePage {
    pub(crate) images: Vec<SharedImage>,
    /// The `next` link, when the service sent one.
    pub(crate) next: Option<String>,
}

impl ImagePage {
    /// Reads a listing page straight from its bytes: the hot path of `status` (a page is a
    /// hundred images or more), without building a JSON value first. As lenient as
    /// [`ImagePage::from_value`]: fields of unexpected types are absent, never an error.
    /// A body that is not JSON at all is an error, never an empty page.
    pub(crate) fn from_slice(body: &[u8]) -> Result<ImagePage, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(body);
        match lenient::Object::<lenient::Page>::deserialize(&mut de).map(|p| p.0) {
            Ok(page) => Ok(page.into()),
            Err(_) => serde_json::from_slice::<Value>(body).map(|v| ImagePage::from_value(&v)),
        }
    }

    pub(crate) fn from_value(v: &Value) -> ImagePage {
        ImagePage {
            images: v
                .get("images")
                .and_then(Value::as_array)
                .map(|list| list.iter().map(SharedImage::from_value).collect())
                .unwrap_or_default(),
            next: text(v, "next"),
        }
    }
}

mod lenient;

/// The `marker` query parameter of a `next` link such as `/v2/images?...&marker=ID`.
pub(crate) fn marker_of(next: &str) -> Option<String> {
    let query = next.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "marker").then(|| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn job_with_results_in_either_case() {
        let job = Job::from_value(&json!({
            "job_id":"9a17","job_type":"imsUpdateImageMembersJob",
            "begin_time":"2024-11-06T07:24:22.925Z","end_time":"","status":"SUCCESS",
            "error_code":null,"fail_reason":null,
            "entities":{"results":[
                {"image_id":"a","status":"success"},
                {"image_id":"b","status":"SUCCESS"},
                {"image_id":"c","status":"FAIL"}]}}));
        assert_eq!(job.end_time, None);
        assert_eq!(job.begin_time.as_deref(), Some("2024-11-06T07:24:22.925Z"));
        let results = job.results.unwrap();
        assert!(results[0].is_success() && results[1].is_success());
        assert!(!results[2].is_success());
    }

    #[test]
    fn job_fields_of_odd_types_do_not_break_the_read() {
        let job = Job::from_value(&json!({
            "status": "RUNNING", "error_code": 17, "entities": "n/a", "begin_time": "04-Jun-2015 18:11:06:586"}));
        assert_eq!(job.error_code.as_deref(), Some("17"));
        assert_eq!(job.results, None);
        assert_eq!(job.begin_time.as_deref(), Some("04-Jun-2015 18:11:06:586"));
        let percent = Job::from_value(&json!({"entities": {"process_percent": "0.5"}}));
        assert_eq!(percent.process_percent, Some(0.5));
    }

    #[test]
    fn whole_image_flag_from_string_or_bool() {
        assert!(SharedImage::from_value(&json!({"__whole_image": "true"})).whole_image);
        assert!(SharedImage::from_value(&json!({"__whole_image": true})).whole_image);
        assert!(!SharedImage::from_value(&json!({"__whole_image": "false"})).whole_image);
        assert!(!SharedImage::from_value(&json!({})).whole_image);
    }

    #[test]
    fn marker_comes_from_the_next_link() {
        assert_eq!(
            marker_of("/v2/images?visibility=shared&member_status=all&limit=3&marker=f3e03a11-c503-41e7-b0d0-4f605dd640dd").as_deref(),
            Some("f3e03a11-c503-41e7-b0d0-4f605dd640dd")
        );
        assert_eq!(marker_of("/v2/images?limit=3"), None);
        assert_eq!(marker_of("/v2/images"), None);
    }

    #[test]
    fn the_facts_to_decide_by_in_either_dialect() {
        let ims = json!({"images":[{"id":"a","size":null,"__image_size":"2147483648",
            "__os_version":"Ubuntu 24.04 server 64bit","__platform":"Ubuntu",
            "min_disk":"40","min_ram":"NaN","disk_format":"zvhd2"}]});
        let glance = json!({"images":[{"id":"b","size":1024,"os_distro":"debian",
            "min_disk":0,"min_ram":512,"disk_format":null}]});
        for page in [ims, glance] {
            let text = serde_json::to_vec(&page).unwrap();
            assert_eq!(
                ImagePage::from_slice(&text).unwrap(),
                ImagePage::from_value(&page),
                "both readers agree"
            );
        }
        let i = &ImagePage::from_value(&json!({"images":[{"size":null,"__image_size":"2147483648",
            "min_disk":"40","min_ram":"NaN"}]}))
        .images[0];
        assert_eq!(
            (i.size, i.min_disk, i.min_ram),
            (Some(2147483648), Some(40.0), None)
        );
        let g = &ImagePage::from_value(&json!({"images":[{"size":1024,"os_distro":"debian",
            "disk_format":null}]}))
        .images[0];
        assert_eq!(g.size, Some(1024));
        assert_eq!(g.os_distro.as_deref(), Some("debian"));
        assert_eq!(g.disk_format, None);
    }
}
