//! A typed reader for listing pages: derived, with one lenient field reader, so that a field
//! of an unexpected type reads as absent, as the value reader's `text` does. Anything the
//! derive cannot read (a duplicate key, an image that is not an object) falls back to the
//! value-based reader.

use super::{ImagePage, SharedImage};
use serde::de::{MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::marker::PhantomData;

/// A string, number or boolean as text; anything else (and `""`) is absent.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(super::as_text(&Value::deserialize(d)?))
}

/// `T` read from a JSON object only: derived structs also accept an array (by position),
/// which the value-based reader reads as an empty image.
pub(super) struct Object<T>(pub(super) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Object)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

#[derive(Deserialize)]
pub(super) struct Page {
    #[serde(default)]
    images: Vec<Object<Image>>,
    #[serde(default, deserialize_with = "text")]
    next: Option<String>,
}

#[derive(Deserialize)]
struct Image {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    owner: Option<String>,
    #[serde(default, deserialize_with = "text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "text")]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    updated_at: Option<String>,
    #[serde(default, deserialize_with = "text", rename = "__whole_image")]
    whole_image: Option<String>,
    #[serde(default, deserialize_with = "text", rename = "__imagetype")]
    image_type: Option<String>,
    #[serde(default, deserialize_with = "text", rename = "__os_version")]
    os_version: Option<String>,
    #[serde(default, deserialize_with = "text")]
    min_disk: Option<String>,
    #[serde(default, deserialize_with = "text")]
    size: Option<String>,
    #[serde(default, deserialize_with = "text", rename = "__image_size")]
    image_size: Option<String>,
    #[serde(default, deserialize_with = "text")]
    disk_format: Option<String>,
    #[serde(default, deserialize_with = "text")]
    min_ram: Option<String>,
    #[serde(default, deserialize_with = "text", rename = "__platform")]
    platform: Option<String>,
    #[serde(default, deserialize_with = "text")]
    os_distro: Option<String>,
}

impl From<Page> for ImagePage {
    fn from(p: Page) -> ImagePage {
        ImagePage {
            images: p.images.into_iter().map(|i| i.0.into()).collect(),
            next: p.next,
        }
    }
}

impl From<Image> for SharedImage {
    fn from(i: Image) -> SharedImage {
        SharedImage {
            id: i.id,
            name: i.name,
            owner: i.owner,
            status: i.status,
            visibility: i.visibility,
            created_at: i.created_at,
            updated_at: i.updated_at,
            whole_image: i
                .whole_image
                .is_some_and(|s| s.eq_ignore_ascii_case("true")),
            image_type: i.image_type,
            os_version: i.os_version,
            min_disk: i.min_disk.as_deref().and_then(super::finite),
            size: super::bytes(i.size).or_else(|| super::bytes(i.image_size)),
            disk_format: i.disk_format,
            min_ram: i.min_ram.as_deref().and_then(super::finite),
            platform: i.platform,
            os_distro: i.os_distro,
        }
    }
}
