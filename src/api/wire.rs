//! What the services send back, read leniently.
//!
//! Every field is optional and read from a `serde_json::Value`, so a field of an unexpected
//! type (a number where a string was documented, `null`, `""`) never makes a whole response
//! unreadable. Empty strings become `None`: IMS sends `""` for an `end_time` not reached yet.

use serde::Deserialize;
use serde_json::Value;

/// A string field; numbers and booleans are shown as text, `null` and `""` are absent.
pub fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(value: &Value, key: &str) -> Option<f64> {
    match value.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
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
pub struct Job {
    pub job_id: Option<String>,
    pub job_type: Option<String>,
    pub status: Option<String>,
    pub begin_time: Option<String>,
    pub end_time: Option<String>,
    pub error_code: Option<String>,
    pub fail_reason: Option<String>,
    pub process_percent: Option<f64>,
    /// `entities.results`: `None` when the job carries no results array at all.
    pub results: Option<Vec<JobResult>>,
}

/// One entry of `entities.results[]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobResult {
    pub image_id: Option<String>,
    pub project_id: Option<String>,
    pub status: Option<String>,
    /// Not documented, but kept when a service sends them.
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
}

impl JobResult {
    /// Results say `success` in examples and `SUCCESS` in the field table: compare without case.
    pub fn is_success(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("success"))
    }
}

impl Job {
    pub fn from_value(v: &Value) -> Job {
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
pub struct Member {
    pub image_id: Option<String>,
    pub member_id: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl Member {
    pub fn from_value(v: &Value) -> Member {
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
pub struct SharedImage {
    pub id: Option<String>,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub status: Option<String>,
    pub visibility: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// `__whole_image` = "true": a full-ECS image that needs a `vault_id` to be accepted.
    pub whole_image: bool,
    pub image_type: Option<String>,
    pub os_version: Option<String>,
    pub min_disk: Option<f64>,
}

impl SharedImage {
    pub fn from_value(v: &Value) -> SharedImage {
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
        }
    }
}

/// One page of `GET /v2/images`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImagePage {
    pub images: Vec<SharedImage>,
    /// The `next` link, when the service sent one.
    pub next: Option<String>,
}

impl ImagePage {
    /// Reads a listing page straight from its bytes: the hot path of `status` (a page is a
    /// hundred images or more), without building a JSON value first. As lenient as
    /// [`ImagePage::from_value`]: fields of unexpected types are absent, never an error.
    pub fn from_slice(body: &[u8]) -> ImagePage {
        let mut de = serde_json::Deserializer::from_slice(body);
        match lenient::Page::deserialize(&mut de) {
            Ok(page) => page.0,
            Err(_) => serde_json::from_slice::<Value>(body)
                .map(|v| ImagePage::from_value(&v))
                .unwrap_or_default(),
        }
    }

    pub fn from_value(v: &Value) -> ImagePage {
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

/// Typed, lenient readers for listing pages: a field of an unexpected type reads as absent.
mod lenient {
    use super::{ImagePage, SharedImage};
    use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    /// Visitor methods that read any scalar as `$empty` (a value of the wrong kind is absent).
    macro_rules! scalars_are {
        ($value:ty, $empty:expr) => {
            fn visit_str<E>(self, _: &str) -> Result<$value, E> {
                Ok($empty)
            }
            fn visit_bool<E>(self, _: bool) -> Result<$value, E> {
                Ok($empty)
            }
            fn visit_i64<E>(self, _: i64) -> Result<$value, E> {
                Ok($empty)
            }
            fn visit_u64<E>(self, _: u64) -> Result<$value, E> {
                Ok($empty)
            }
            fn visit_f64<E>(self, _: f64) -> Result<$value, E> {
                Ok($empty)
            }
            fn visit_unit<E>(self) -> Result<$value, E> {
                Ok($empty)
            }
        };
    }

    /// A string, number or boolean as text; anything else (and `""`) is absent.
    pub struct Text(pub Option<String>);

    impl<'de> Deserialize<'de> for Text {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Text;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                    Ok(Text((!v.is_empty()).then(|| v.to_string())))
                }
                fn visit_string<E>(self, v: String) -> Result<Text, E> {
                    Ok(Text((!v.is_empty()).then_some(v)))
                }
                fn visit_bool<E>(self, v: bool) -> Result<Text, E> {
                    Ok(Text(Some(v.to_string())))
                }
                fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                    Ok(Text(Some(v.to_string())))
                }
                fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                    Ok(Text(Some(v.to_string())))
                }
                fn visit_f64<E>(self, v: f64) -> Result<Text, E> {
                    Ok(Text(Some(
                        serde_json::Number::from_f64(v)
                            .map(|n| n.to_string())
                            .unwrap_or_default(),
                    )))
                }
                fn visit_unit<E>(self) -> Result<Text, E> {
                    Ok(Text(None))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(Text(None))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    Ok(Text(None))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// One image; anything but an object reads as an empty image.
    pub struct Image(pub SharedImage);

    impl<'de> Deserialize<'de> for Image {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Image;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an image object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Image, A::Error> {
                    let mut img = SharedImage::default();
                    while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                        let field = match key.as_ref() {
                            "id" => &mut img.id,
                            "name" => &mut img.name,
                            "owner" => &mut img.owner,
                            "status" => &mut img.status,
                            "visibility" => &mut img.visibility,
                            "created_at" => &mut img.created_at,
                            "updated_at" => &mut img.updated_at,
                            "__imagetype" => &mut img.image_type,
                            "__os_version" => &mut img.os_version,
                            "__whole_image" => {
                                let v = map.next_value::<Text>()?.0;
                                img.whole_image = v.is_some_and(|s| s.eq_ignore_ascii_case("true"));
                                continue;
                            }
                            "min_disk" => {
                                let v = map.next_value::<Text>()?.0;
                                img.min_disk = v.and_then(|s| s.trim().parse().ok());
                                continue;
                            }
                            _ => {
                                map.next_value::<IgnoredAny>()?;
                                continue;
                            }
                        };
                        *field = map.next_value::<Text>()?.0;
                    }
                    Ok(Image(img))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Image, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(Image(SharedImage::default()))
                }
                scalars_are!(Image, Image(SharedImage::default()));
            }
            d.deserialize_any(V)
        }
    }

    /// A page: `images` (a list of anything) and `next`; everything else skipped.
    pub struct Page(pub ImagePage);

    impl<'de> Deserialize<'de> for Page {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Images(Vec<SharedImage>);
            impl<'de> Deserialize<'de> for Images {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    struct V;
                    impl<'de> Visitor<'de> for V {
                        type Value = Images;
                        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                            f.write_str("a list of images")
                        }
                        fn visit_seq<A: SeqAccess<'de>>(
                            self,
                            mut seq: A,
                        ) -> Result<Images, A::Error> {
                            let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                            while let Some(Image(img)) = seq.next_element::<Image>()? {
                                list.push(img);
                            }
                            Ok(Images(list))
                        }
                        fn visit_map<A: MapAccess<'de>>(
                            self,
                            mut map: A,
                        ) -> Result<Images, A::Error> {
                            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                            Ok(Images(Vec::new()))
                        }
                        scalars_are!(Images, Images(Vec::new()));
                    }
                    d.deserialize_any(V)
                }
            }
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Page;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a page of images")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page, A::Error> {
                    let mut page = ImagePage::default();
                    while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                        match key.as_ref() {
                            // The last of duplicate keys wins, as serde_json::Value does.
                            "images" => page.images = map.next_value::<Images>()?.0,
                            "next" => page.next = map.next_value::<Text>()?.0,
                            _ => {
                                map.next_value::<IgnoredAny>()?;
                            }
                        }
                    }
                    Ok(Page(page))
                }
            }
            d.deserialize_map(V)
        }
    }
}

/// The `marker` query parameter of a `next` link such as `/v2/images?...&marker=ID`.
pub fn marker_of(next: &str) -> Option<String> {
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
}
