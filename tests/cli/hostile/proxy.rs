//! Issue 13, class 8: Proxies per destination: `HTTPS_PROXY` is honoured for a remote host even
//! when another endpoint of the same run is on loopback, and loopback is never proxied.
//!
//! The proxy is a second hostile server that records what it is asked (`CONNECT host:443`,
//! or an absolute-form `GET http://...`) and refuses it with a 403; the remote hosts are
//! `.invalid` names that only the proxy could reach.

use super::server::{HostileServer, Reply, Request};
use super::*;

const REMOTE_IAM: &str = "iam.hostile.invalid";
const REMOTE_IMS: &str = "ims.hostile.invalid";

fn refusing_proxy() -> HostileServer {
    HostileServer::start(|_r: &Request| Reply::new(403, "text/plain", "proxy says no"))
}

fn proxied(cmd: &mut Command, proxy: &HostileServer) {
    cmd.env("HTTPS_PROXY", proxy.url())
        .env("HTTP_PROXY", proxy.url());
}

fn asked(proxy: &HostileServer) -> Vec<String> {
    proxy
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[track_caller]
fn assert_connect(proxy: &HostileServer, host: &str, o: &Outcome) {
    let target = format!("{host}:443");
    assert!(
        proxy
            .requests()
            .iter()
            .any(|r| r.method == "CONNECT" && r.path == target),
        "CONNECT {target} expected at the proxy, it saw {:?}; {}",
        asked(proxy),
        o.describe()
    );
}

#[track_caller]
fn assert_loopback_not_proxied(proxy: &HostileServer, server: &HostileServer) {
    let port = server.port().to_string();
    let through: Vec<String> = asked(proxy)
        .into_iter()
        .filter(|a| a.contains("127.0.0.1") || a.contains("localhost") || a.contains(&port))
        .collect();
    assert!(
        through.is_empty(),
        "loopback went through the proxy: {through:?}"
    );
}

#[test]
fn the_proxy_is_used_when_every_endpoint_is_remote() {
    // The control case: the harness and reqwest's proxy support work.
    let proxy = refusing_proxy();
    let home = Home::new();
    let mut cmd = home.bare();
    proxied(&mut cmd, &proxy);
    cmd.env("IMS_SHARE_ENDPOINT", format!("https://{REMOTE_IMS}"))
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args(["--retries", "0", "status", "--member-status", "pending"]);
    let o = run(cmd, QUICK);
    o.code(5);
    assert_connect(&proxy, REMOTE_IMS, &o);
}

#[test]
fn https_proxy_is_used_for_a_remote_iam_when_ims_is_on_loopback() {
    let server = HostileServer::start(pending_listing(vec![]));
    let proxy = refusing_proxy();
    let home = Home::new();
    let mut cmd = home.bare();
    proxied(&mut cmd, &proxy);
    // No project id: it is looked up through the remote IAM, which only the proxy reaches.
    cmd.env("IMS_SHARE_ENDPOINT", server.url())
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env(
            "HUAWEICLOUD_SDK_IAM_ENDPOINT",
            format!("https://{REMOTE_IAM}/v3"),
        )
        .args([
            "--retries",
            "0",
            "--region",
            "eu-de",
            "status",
            "--member-status",
            "pending",
        ]);
    let o = run(cmd, QUICK);
    assert_connect(&proxy, REMOTE_IAM, &o);
    assert_loopback_not_proxied(&proxy, &server);
}

#[test]
fn https_proxy_is_used_for_a_remote_ims_when_iam_is_on_loopback_and_loopback_is_not_proxied() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("POST", "/v3/auth/tokens") {
            login_reply("MIIproxy-test-token", PROJECT)
        } else {
            not_found(r)
        }
    });
    let proxy = refusing_proxy();
    let home = Home::new();
    let mut cmd = home.password(&server.url(), &format!("https://{REMOTE_IMS}"));
    proxied(&mut cmd, &proxy);
    cmd.args(["--retries", "0", "status", "--member-status", "pending"]);
    let o = run(cmd, QUICK);
    assert_eq!(
        server.count(|r| r.is("POST", "/v3/auth/tokens")),
        1,
        "the login went straight to the loopback IAM; {}",
        o.describe()
    );
    assert_loopback_not_proxied(&proxy, &server);
    assert_connect(&proxy, REMOTE_IMS, &o);
    o.code(5);
}
