//! How the layers settle the cloud side (PRODUCT.md "Sources, highest first").

use super::clouds;
use super::config::ProfileFile;
use super::endpoints::Cloud;
use super::env::Env;
use super::hcloud;
use super::sources::{Layer, Sourced, env_layer, profile_layer};
use super::target::resolve;
use super::task::Mode;
use crate::auth::Credentials;
use std::path::PathBuf;

fn profile(text: &str, name: &str) -> Layer {
    profile_layer(&toml::from_str::<ProfileFile>(text).unwrap(), name).unwrap()
}

fn flags(pairs: &[(&str, &str)]) -> Layer {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(n, v)| Sourced::new(v.to_string(), *n))
    };
    Layer {
        source: "command-line flags".into(),
        region: get("--region"),
        project_id: get("--project-id"),
        ims_endpoint: get("--endpoint"),
        ..Layer::default()
    }
}

const AKSK: &str = "access_key = \"AK\"\nsecret_key = \"SK\"\n";

/// PRODUCT.md: flags; an explicitly chosen source; environment; the default profile;
/// built-in defaults. Each value on its own, highest first.
#[test]
fn precedence_of_plain_values() {
    let f = flags(&[("--region", "eu-nl")]);
    let explicit = profile(
        &format!("{AKSK}region = \"eu-de\"\nproject_id = \"explicit\"\n"),
        "profile 'chosen'",
    );
    let env = env_layer(&Env::from_pairs([
        ("HUAWEICLOUD_SDK_PROJECT_ID", "from-env"),
        ("IMS_SHARE_ENDPOINT", "https://ims.env.example"),
    ]));
    let default = profile(
        &format!("{AKSK}ims_endpoint = \"https://ims.default.example\"\nca_bundle = \"/ca.pem\"\n"),
        "profile 'default'",
    );
    let t = resolve(&[&f, &explicit, &env, &default]).unwrap();
    assert_eq!(t.region.as_deref(), Some("eu-nl"), "flag");
    assert_eq!(
        t.project_id.as_deref(),
        Some("explicit"),
        "explicit profile over env"
    );
    assert_eq!(
        t.ims_endpoint.unwrap().value.as_str(),
        "https://ims.env.example/",
        "env over default profile"
    );
    assert_eq!(
        t.ca_bundle.unwrap(),
        PathBuf::from("/ca.pem"),
        "default profile"
    );
    assert_eq!(t.cloud, Some(Cloud::Otc), "built-in: eu-nl is OTC");
    assert_eq!(
        t.iam_endpoint.unwrap().value.as_str(),
        "https://iam.eu-nl.otc.t-systems.com/"
    );
    assert_eq!(t.credentials_from, "profile 'chosen'");
}

#[test]
fn credentials_come_from_the_highest_source_that_has_any() {
    let explicit = profile("region = \"eu-de\"\n", "profile 'chosen'");
    let env = env_layer(&Env::from_pairs([
        ("HW_ACCESS_KEY", "ENVAK"),
        ("HW_SECRET_KEY", "ENVSK"),
    ]));
    let default = profile(AKSK, "profile 'default'");
    let t = resolve(&[&explicit, &env, &default]).unwrap();
    assert_eq!(t.credentials_from, "the environment");
    assert!(
        matches!(t.credentials, Credentials::AkSk { ref access_key, .. } if access_key == "ENVAK")
    );
}

#[test]
fn clouds_and_modes_when_no_profile_says() {
    // HW_* credentials mean Huawei Cloud, batch, endpoints from the region.
    let env = env_layer(&Env::from_pairs([
        ("HW_ACCESS_KEY", "AK"),
        ("HW_SECRET_KEY", "SK"),
        ("HW_REGION_NAME", "ap-southeast-1"),
        ("HW_PROJECT_ID", "p"),
    ]));
    let t = resolve(&[&env]).unwrap();
    assert_eq!(t.cloud, Some(Cloud::Huaweicloud));
    assert_eq!(t.default_mode, Mode::Batch);
    assert_eq!(
        t.ims_endpoint.unwrap().value.as_str(),
        "https://ims.ap-southeast-1.myhuaweicloud.com/"
    );
    // eu-ch2 means OTC Swiss.
    let swiss = profile(&format!("{AKSK}region = \"eu-ch2\"\n"), "p");
    assert_eq!(resolve(&[&swiss]).unwrap().cloud, Some(Cloud::OtcSwiss));
    // A profile's cloud and mode win.
    let os = profile(
        &format!("{AKSK}cloud = \"openstack\"\nims_endpoint = \"https://glance.example\"\n"),
        "p",
    );
    assert_eq!(resolve(&[&os]).unwrap().default_mode, Mode::PerImage);
    let forced = profile(
        &format!("{AKSK}region = \"eu-de\"\nmode = \"per-image\"\n"),
        "p",
    );
    assert_eq!(resolve(&[&forced]).unwrap().default_mode, Mode::PerImage);
}

#[test]
fn an_otc_clouds_yaml_needs_no_endpoint_of_ours() {
    let entry: serde_json::Value = serde_yaml_ng::from_str(
        "auth:\n  auth_url: https://iam.eu-de.otc.t-systems.com/v3\n  username: alice\n  password: pw\n  project_name: eu-de\n  user_domain_name: OTC-EU-DE-00000000001000000001\nregion_name: eu-de\n",
    )
    .unwrap();
    let l = clouds::entry_layer(&entry, "clouds.yaml entry 'otc'");
    let t = resolve(&[&l]).unwrap();
    assert_eq!(t.cloud, Some(Cloud::Otc));
    assert_eq!(t.default_mode, Mode::Batch);
    assert_eq!(
        t.ims_endpoint.unwrap().value.as_str(),
        "https://ims.eu-de.otc.t-systems.com/"
    );
    assert_eq!(
        t.iam_endpoint.unwrap().value.as_str(),
        "https://iam.eu-de.otc.t-systems.com/"
    );
    // A plain OpenStack entry: per-image, the Glance endpoint from the token's catalog.
    let plain: serde_json::Value = serde_yaml_ng::from_str(
        "auth:\n  auth_url: https://keystone.example.org:5000/v3\n  username: demo\n  password: pw\n  project_name: demo\n  user_domain_name: Default\nregion_name: RegionOne\n",
    )
    .unwrap();
    let t = resolve(&[&clouds::entry_layer(&plain, "x")]).unwrap();
    assert_eq!(t.cloud, Some(Cloud::Openstack));
    assert_eq!(t.default_mode, Mode::PerImage);
    assert!(
        t.ims_endpoint.is_none(),
        "taken from the catalog after login"
    );
}

#[test]
fn a_koocli_profile_is_huawei_cloud() {
    let config = serde_json::json!({"profiles": [{"name": "default", "mode": "AKSK", "accessKeyId": "AK", "secretAccessKey": "SK", "region": "cn-north-4"}]});
    let l = hcloud::profile_layer(&config, "default", "cfg").unwrap();
    let t = resolve(&[&l]).unwrap();
    assert_eq!(t.cloud, Some(Cloud::Huaweicloud));
    assert_eq!(
        t.ims_endpoint.unwrap().value.as_str(),
        "https://ims.cn-north-4.myhuaweicloud.com/"
    );
}
