//! The account a new sandbox starts with: a few images pending from two other projects, one
//! full-ECS image that needs a vault, one whose job fails, one accepted, one rejected, and an
//! image of your own that the listing must leave out.

use crate::emulator::state::{
    AccessKey, FailWith, Project, State, StaticToken, User, image, iso_seconds,
};

pub const REGION: &str = "eu-de";

pub const DOMAIN: &str = "sandbox-domain";

/// Your project in the sandbox.
pub const PROJECT_ID: &str = "5f2c8a1e9b3d4c7a8e6f1a2b3c4d5e6f";

pub const ACCESS_KEY: &str = "SANDBOX0ACCESS0KEY01";

/// Not a secret: it only opens the emulator.
pub const SECRET_KEY: &str = "sandbox-secret-key-not-a-real-secret-0001";

pub const USERNAME: &str = "sandbox-user";

pub const PASSWORD: &str = "sandbox-password";

pub const TOKEN: &str = "MIIsandbox-static-token-0001";

/// The CBR vault that full-ECS images can be accepted into.
pub const VAULT_ID: &str = "3a8e6c1f-5b2d-4e7a-9c0b-1d2e3f4a5b6c";

pub const PLATFORM_PROJECT: &str = "9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f";

pub const SECURITY_PROJECT: &str = "2b7e4d9a1c3f5e8b0a6d2c4e6f8a0b1c";

/// Ids of the seeded images, for the README and the tests.
pub mod images {
    pub const UBUNTU: &str = "6596628c-42d4-4ff1-8660-8ea5ae61f243";
    pub const RHEL: &str = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
    pub const WINDOWS: &str = "0b680482-acaa-4045-b14c-9a8c7dfe9c70";
    pub const DEBIAN: &str = "1e9087f0-4c9d-42f7-bf44-cab5897a7802";
    pub const POSTGRES_FULL_ECS: &str = "8f14e45f-ceea-467f-a0e6-d5b7c9e3a1f2";
    pub const CENTOS_FAILS: &str = "20f60f75-de9e-43e7-bd56-da1276f699df";
    pub const NGINX_ACCEPTED: &str = "f3e03a11-c503-41e7-b0d0-4f605dd640dd";
    pub const TEST_REJECTED: &str = "bac69201-a784-415c-b8c4-baa567242be6";
    pub const OWN_APP: &str = "4d9ce269-329c-4654-9162-7798ed344c95";
}

/// The seeded account, with times relative to `now_ms`.
pub fn account(now_ms: u64) -> State {
    let day = 24 * 3600 * 1000;
    let mut s = State::empty(REGION);
    s.projects = vec![
        Project {
            id: PROJECT_ID.into(),
            name: REGION.into(),
            domain: DOMAIN.into(),
        },
        Project {
            id: PLATFORM_PROJECT.into(),
            name: REGION.into(),
            domain: "platform-team".into(),
        },
        Project {
            id: SECURITY_PROJECT.into(),
            name: REGION.into(),
            domain: "security-team".into(),
        },
    ];
    s.users = vec![User {
        name: USERNAME.into(),
        password: PASSWORD.into(),
        domain: DOMAIN.into(),
    }];
    s.access_keys = vec![AccessKey {
        access_key: ACCESS_KEY.into(),
        secret_key: SECRET_KEY.into(),
        project_id: PROJECT_ID.into(),
        security_token: None,
    }];
    s.static_tokens = vec![StaticToken {
        token: TOKEN.into(),
        project_id: PROJECT_ID.into(),
    }];
    s.vaults = vec![VAULT_ID.into()];

    const GIB: u64 = 1 << 30;
    // (id, name, owner, os, platform, size, min disk GB, min RAM MB, age in days). The Debian
    // image is one of Glance's: no size yet, no platform, no minimum RAM.
    let pending = [
        (
            images::UBUNTU,
            "ubuntu-24.04-server-hardened-2026.11",
            PLATFORM_PROJECT,
            "Ubuntu 24.04 server 64bit",
            Some("Ubuntu"),
            Some(2 * GIB + 310 * (1 << 20)),
            40,
            1024,
            2,
        ),
        (
            images::RHEL,
            "rhel-9.5-golden-2026.11",
            PLATFORM_PROJECT,
            "Red Hat Enterprise Linux 9.5 64bit",
            Some("RedHat"),
            Some(4 * GIB + 820 * (1 << 20)),
            40,
            2048,
            3,
        ),
        (
            images::WINDOWS,
            "windows-server-2022-std-2026.11",
            PLATFORM_PROJECT,
            "Windows Server 2022 Standard 64bit",
            Some("Windows"),
            Some(14 * GIB + 205 * (1 << 20)),
            60,
            4096,
            4,
        ),
        (
            images::DEBIAN,
            "debian-12-cis-level1-2026.11",
            SECURITY_PROJECT,
            "Debian GNU/Linux 12 64bit",
            None,
            None,
            20,
            0,
            5,
        ),
    ];
    for (id, name, owner, os, platform, size, min_disk, min_ram, age_days) in pending {
        let mut img = image(id, name, owner, now_ms - age_days * day);
        img.os_version = Some(os.into());
        img.platform = platform.map(str::to_string);
        img.size = size;
        img.min_disk = min_disk;
        img.min_ram = min_ram;
        if size.is_none() {
            img.disk_format = None;
        }
        s.share(img, PROJECT_ID, "pending");
    }

    let mut full = image(
        images::POSTGRES_FULL_ECS,
        "postgres-16-full-ecs-backup-2026.11",
        PLATFORM_PROJECT,
        now_ms - day,
    );
    full.whole_image = true;
    full.os_version = Some("CentOS Stream 9 64bit".into());
    full.min_disk = 100;
    full.size = Some(38 * GIB);
    full.min_ram = 4096;
    full.platform = Some("CentOS".into());
    s.share(full, PROJECT_ID, "pending");

    let mut failing = image(
        images::CENTOS_FAILS,
        "centos-7.9-legacy-eol",
        PLATFORM_PROJECT,
        now_ms - 40 * day,
    );
    failing.os_version = Some("CentOS 7.9 64bit".into());
    failing.image_type = None;
    failing.fail_with = Some(FailWith {
        code: "IMG.0046".into(),
        message: "The image is unavailable: its source snapshot is being deleted.".into(),
    });
    s.share(failing, PROJECT_ID, "pending");

    let mut accepted = image(
        images::NGINX_ACCEPTED,
        "nginx-1.27-base-2026.10",
        PLATFORM_PROJECT,
        now_ms - 30 * day,
    );
    accepted.os_version = Some("Ubuntu 22.04 server 64bit".into());
    s.share(accepted, PROJECT_ID, "accepted");
    if let Some(m) = s.member_mut(images::NGINX_ACCEPTED, PROJECT_ID) {
        m.updated_at = iso_seconds(now_ms - 29 * day);
    }

    let rejected = image(
        images::TEST_REJECTED,
        "test-image-do-not-use",
        SECURITY_PROJECT,
        now_ms - 20 * day,
    );
    s.share(rejected, PROJECT_ID, "rejected");
    if let Some(m) = s.member_mut(images::TEST_REJECTED, PROJECT_ID) {
        m.updated_at = iso_seconds(now_ms - 19 * day);
    }

    // An image of your own, shared with someone else: the listing shows it, ims-share hides it.
    let own = image(
        images::OWN_APP,
        "my-app-release-3.2",
        PROJECT_ID,
        now_ms - 6 * day,
    );
    s.share(own, PLATFORM_PROJECT, "pending");
    s
}
