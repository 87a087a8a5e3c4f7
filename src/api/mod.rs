//! Talking to the services: one module per API (IMS batch jobs, Glance members and listings,
//! IAM), the session that authenticates them, and below it the HTTP client with its request
//! building, retry policy and answer classification.
pub(crate) mod account;
pub(crate) mod client;
mod discover;
pub(crate) mod endpoint;
pub(crate) mod error_body;
pub(crate) mod glance;
pub(crate) mod guard;
pub(crate) mod iam;
pub(crate) mod ims;
mod login;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod session;
pub(crate) mod wire;

/// Whatever a server sends, reading it never panics.
#[cfg(test)]
mod never_panic {
    use super::{error_body, wire};
    use proptest::prelude::*;
    use serde_json::Value;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            ".{0,12}".prop_map(Value::String),
            prop_oneof![Just("SUCCESS"), Just("FAIL"), Just("success"), Just("")]
                .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("status".to_string()),
                        Just("entities".to_string()),
                        Just("results".to_string()),
                        Just("image_id".to_string()),
                        Just("error".to_string()),
                        Just("error_code".to_string()),
                        Just("message".to_string()),
                        Just("images".to_string()),
                        Just("next".to_string()),
                        Just("id".to_string()),
                        Just("name".to_string()),
                        Just("min_disk".to_string()),
                        Just("__whole_image".to_string()),
                        Just("process_percent".to_string()),
                        "[a-z_]{1,8}",
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn read_everything(v: &Value) {
        let job = wire::Job::from_value(v);
        for r in job.results.unwrap_or_default() {
            let _ = r.is_success();
        }
        let _ = wire::Member::from_value(v);
        let page = wire::ImagePage::from_value(v);
        if let Some(next) = page.next {
            let _ = wire::marker_of(&next);
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = error_body::parse(&bytes);
            let _ = wire::ImagePage::from_slice(&bytes);
            if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
                read_everything(&v);
            }
        }

        #[test]
        fn arbitrary_json(v in json_value()) {
            read_everything(&v);
            let _ = error_body::parse(v.to_string().as_bytes());
        }

        /// The fast typed reader of listing pages agrees with the value-based one.
        #[test]
        fn typed_page_reader_agrees(v in json_value()) {
            let page = serde_json::json!({"images": [v.clone(), v.clone()], "next": v.clone(), "first": v.clone()});
            for doc in [&v, &page] {
                let bytes = doc.to_string();
                // Compare on what the text parses to: a float may not survive the round trip.
                let reparsed: Value = serde_json::from_str(&bytes).unwrap();
                prop_assert_eq!(wire::ImagePage::from_slice(bytes.as_bytes()).unwrap(), wire::ImagePage::from_value(&reparsed));
            }
        }

        #[test]
        fn arbitrary_text(s in ".{0,300}") {
            let _ = error_body::parse(s.as_bytes());
            let _ = wire::marker_of(&s);
            let _ = super::retry::parse_retry_after(&s, std::time::SystemTime::now());
        }
    }
}
