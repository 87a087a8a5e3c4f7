//! The signer against every published vector: the official SDKs' and the signing guide's.

use super::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const AK: &str = "AKTESTEXAMPLE0000001";
const SK: &str = "SKtestexample0000000000000000000000000001";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const DATE: &str = "20240102T030405Z";

#[test]
fn v1_batch_update_members() {
    let body = br#"{"images":["d164b5df-1bc3-4c3f-893e-3e471fd16e64","0b680482-acaa-4045-b14c-9a8c7dfe9c70"],"project_id":"0123456789abcdef0123456789abcdef","status":"accepted"}"#;
    assert_eq!(
        sha256_hex(body),
        "57271aa2985f7dfbb731cca76f6050cc6d3e1808bf4cb2e7b272678e1ca9b565"
    );
    let headers = pairs(&[
        ("Content-Type", "application/json;charset=UTF-8"),
        ("Host", "ims.cn-north-4.myhuaweicloud.com"),
        ("X-Project-Id", PROJECT),
        ("X-Sdk-Date", DATE),
    ]);
    let input = SignInput {
        method: "PUT",
        path: "/v1/cloudimages/members",
        query: &[],
        headers: &headers,
        body,
    };
    let canonical = canonical_request(&input);
    assert_eq!(
        canonical,
        "PUT\n/v1/cloudimages/members/\n\ncontent-type:application/json;charset=UTF-8\nhost:ims.cn-north-4.myhuaweicloud.com\nx-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240102T030405Z\n\ncontent-type;host;x-project-id;x-sdk-date\n57271aa2985f7dfbb731cca76f6050cc6d3e1808bf4cb2e7b272678e1ca9b565"
    );
    assert_eq!(
        string_to_sign(DATE, &canonical),
        "SDK-HMAC-SHA256\n20240102T030405Z\n5f902dda8bdf51606349356c4fd95ff1f24f7c081952eb6eff7d02cda9ea3327"
    );
    assert_eq!(
        authorization(AK, SK, DATE, &input),
        "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=d69ddfbd9922f39a8573c5436a1bc85fa05fea04d1f13a593363be5853780b6a"
    );
}

#[test]
fn v2_member_put_reject() {
    let body = br#"{"status":"rejected"}"#;
    assert_eq!(
        sha256_hex(body),
        "92bc75c5ab37611b13dcb8a41f8630db559c878e9a97c99e1353c4b02b0ea0c0"
    );
    let headers = pairs(&[
        ("Content-Type", "application/json"),
        ("Host", "ims.eu-de.otc.t-systems.com"),
        ("X-Project-Id", PROJECT),
        ("X-Sdk-Date", DATE),
    ]);
    let input = SignInput {
        method: "PUT",
        path: "/v2/images/d164b5df-1bc3-4c3f-893e-3e471fd16e64/members/0123456789abcdef0123456789abcdef",
        query: &[],
        headers: &headers,
        body,
    };
    let canonical = canonical_request(&input);
    assert_eq!(
        string_to_sign(DATE, &canonical),
        "SDK-HMAC-SHA256\n20240102T030405Z\n3de32e9a07e86ac34ba43bf51c797cc1d056f5309ec6eb268c81639a8b0dacd7"
    );
    assert_eq!(
        authorization(AK, SK, DATE, &input),
        "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=5cfb580ba8286164b19fc6648463362bc21e744b306d5e56d7e2d070863d312c"
    );
}

#[test]
fn v3_listing_with_encoding_sensitive_query() {
    let query = pairs(&[
        ("visibility", "shared"),
        ("member_status", "pending"),
        ("limit", "2"),
        ("__imagetype", "shared"),
        ("name", "my image+1/ü"),
    ]);
    assert_eq!(
        canonical_query(&query),
        "__imagetype=shared&limit=2&member_status=pending&name=my%20image%2B1%2F%C3%BC&visibility=shared"
    );
    let headers = pairs(&[
        ("Content-Type", "application/json"),
        ("Host", "ims.cn-north-4.myhuaweicloud.com"),
        ("X-Project-Id", PROJECT),
        ("X-Sdk-Date", DATE),
    ]);
    let input = SignInput {
        method: "GET",
        path: "/v2/images",
        query: &query,
        headers: &headers,
        body: b"",
    };
    let canonical = canonical_request(&input);
    assert_eq!(
        canonical,
        "GET\n/v2/images/\n__imagetype=shared&limit=2&member_status=pending&name=my%20image%2B1%2F%C3%BC&visibility=shared\ncontent-type:application/json\nhost:ims.cn-north-4.myhuaweicloud.com\nx-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240102T030405Z\n\ncontent-type;host;x-project-id;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        string_to_sign(DATE, &canonical),
        "SDK-HMAC-SHA256\n20240102T030405Z\nd1f7cc94207e0a7fffed1b9d6e711e23abafc6082754832245845a9d1624aa24"
    );
    assert_eq!(
        authorization(AK, SK, DATE, &input),
        "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=e813c5e94611c7a170e8574ecc1ba02bc8a8ce6f77bb7b5cb5bf5e42da6676e7"
    );
}

#[test]
fn v4_job_query_without_content_type() {
    let headers = pairs(&[
        ("Host", "ims.eu-de.otc.t-systems.com"),
        ("X-Project-Id", PROJECT),
        ("X-Sdk-Date", DATE),
    ]);
    let input = SignInput {
        method: "GET",
        path: "/v1/0123456789abcdef0123456789abcdef/jobs/ff8080814dbd65d7014dbe0d84db0013",
        query: &[],
        headers: &headers,
        body: b"",
    };
    let canonical = canonical_request(&input);
    assert_eq!(
        string_to_sign(DATE, &canonical),
        "SDK-HMAC-SHA256\n20240102T030405Z\nb7686e8a7ecb7cd19f60a7fdffb8ef9eac8bc21d66e1cdd210544304a30a2671"
    );
    assert_eq!(
        authorization(AK, SK, DATE, &input),
        "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000001, SignedHeaders=host;x-project-id;x-sdk-date, Signature=86bfd6d8b9a40ed2267136edd2adb4e8c16534ff0b19b114294d2eca12362669"
    );
}

#[test]
fn v5_temporary_credentials_sign_the_security_token() {
    let body = br#"{"status":"accepted"}"#;
    assert_eq!(
        sha256_hex(body),
        "0ba7c0356149946bf0642fab4ef85b95e7090f6f785d0fb84323d0c442e5190a"
    );
    let headers = pairs(&[
        ("Content-Type", "application/json"),
        ("Host", "ims.eu-de.otc.t-systems.com"),
        ("X-Project-Id", PROJECT),
        ("X-Sdk-Date", DATE),
        ("X-Security-Token", "gQpzZWN1cml0eXRva2VuLWV4YW1wbGU"),
    ]);
    let input = SignInput {
        method: "PUT",
        path: "/v2/images/d164b5df-1bc3-4c3f-893e-3e471fd16e64/members/0123456789abcdef0123456789abcdef",
        query: &[],
        headers: &headers,
        body,
    };
    let canonical = canonical_request(&input);
    assert_eq!(
        string_to_sign(DATE, &canonical),
        "SDK-HMAC-SHA256\n20240102T030405Z\n94adc09178705ac078fc14775e0c55c329fd52f4d8dfaea88720eab6e1d82df0"
    );
    assert_eq!(
        authorization(AK, SK, DATE, &input),
        "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, Signature=cc18b6aade6ebcfe5639d360f54216ccddaaf846ca1d20acb3a95642b9a61473"
    );
}

#[test]
fn huawei_signing_guide_vector() {
    let query = pairs(&[
        ("limit", "2"),
        ("marker", "13551d6b-755d-4757-b956-536f674975c0"),
    ]);
    let headers = pairs(&[
        ("Content-Type", "application/json"),
        ("Host", "service.region.example.com"),
        ("X-Sdk-Date", "20191115T033655Z"),
    ]);
    let input = SignInput {
        method: "GET",
        path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        query: &query,
        headers: &headers,
        body: b"",
    };
    let canonical = canonical_request(&input);
    assert_eq!(
        sha256_hex(canonical.as_bytes()),
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    );
    let to_sign = string_to_sign("20191115T033655Z", &canonical);
    assert_eq!(
        signature("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", &to_sign),
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    assert_eq!(signed_headers(&headers), "content-type;host;x-sdk-date");
}

#[test]
fn go_sdk_vectors_sign_only_the_date() {
    let headers = pairs(&[("X-Sdk-Date", "20060102T150405Z")]);
    let get = SignInput {
        method: "GET",
        path: "/path",
        query: &pairs(&[("limit", "1")]),
        headers: &headers,
        body: b"",
    };
    let to_sign = string_to_sign("20060102T150405Z", &canonical_request(&get));
    assert_eq!(
        signature("SecretKey", &to_sign),
        "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
    );
    let post = SignInput {
        method: "POST",
        path: "/path",
        query: &pairs(&[("key", "value")]),
        headers: &headers,
        body: b"{\"Name\":\"test\",\"Id\":1}\n",
    };
    let to_sign = string_to_sign("20060102T150405Z", &canonical_request(&post));
    assert_eq!(
        signature("SecretKey", &to_sign),
        "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
    );
}

#[test]
fn go_sdk_query_encoding_vector() {
    let query = pairs(&[
        ("limit", "1"),
        ("enable", "true"),
        ("test", "一 (&=?!#%.*)"),
        ("path", "/tmp/123"),
        ("multi", "3"),
        ("multi", "1"),
        ("multi", "2"),
    ]);
    assert_eq!(
        canonical_query(&query),
        "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
    );
}

/// Every request the official Python SDK signed in ../shared/api/signing-vectors.json.
#[test]
fn official_sdk_vectors_file() {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("testdata/signing-vectors.json")).unwrap();
    let ak = file["ak"].as_str().unwrap();
    let sk = file["sk"].as_str().unwrap();
    let date = file["x_sdk_date"].as_str().unwrap();
    let host = file["host"].as_str().unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 6);
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        let mut headers: Vec<(String, String)> = v["headers_in"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, val)| (k.clone(), val.as_str().unwrap().to_string()))
            .collect();
        headers.push(("Host".into(), host.into()));
        let query: Vec<(String, String)> = v["query"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_string(),
                    p[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let input = SignInput {
            method: v["method"].as_str().unwrap(),
            path: v["path"].as_str().unwrap(),
            query: &query,
            headers: &headers,
            body: v["body"].as_str().unwrap().as_bytes(),
        };
        let canonical = canonical_request(&input);
        assert_eq!(
            canonical,
            v["canonical_request"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            string_to_sign(date, &canonical),
            v["string_to_sign"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            authorization(ak, sk, date, &input),
            v["authorization"].as_str().unwrap(),
            "{name}"
        );
        let uri_sent = v["uri_sent"].as_str().unwrap();
        let expected_query = uri_sent.split_once('?').map(|(_, q)| q).unwrap_or("");
        assert_eq!(canonical_query(&query), expected_query, "{name}");
    }
}
