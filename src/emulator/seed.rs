//! The account a new sandbox starts with: a few images pending from two other projects, one
//! full-ECS image that needs a vault, one whose job fails, one accepted, one rejected, and an
//! image of your own that the listing must leave out. Two more projects of yours (a
//! sub-project, and a project in a second region) have images pending from the platform team
//! and from an outside vendor, for runs over several projects and for `sync`.

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

/// A sub-project of yours in the same region (`eu-de_payments`).
pub const PAYMENTS_PROJECT: &str = "7a3c9e1b5d2f4a6c8e0b2d4f6a8c0e2b";

/// Your project in a second region.
pub const NL_REGION: &str = "eu-nl";
pub const NL_PROJECT: &str = "c4e6a8b0d2f4e6a8c0b2d4f6e8a0c2e4";

/// An outside vendor that shares images nobody asked for.
pub const VENDOR_PROJECT: &str = "e8f0a2c4b6d8e0f2a4c6b8d0e2f4a6c8";

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
    pub const VENDOR_TURBO: &str = "a7c1e3f5-2b4d-4f6a-8c0e-1d3f5a7c9e0b";
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
        Project {
            id: PAYMENTS_PROJECT.into(),
            name: format!("{REGION}_payments"),
            domain: DOMAIN.into(),
        },
        Project {
            id: NL_PROJECT.into(),
            name: NL_REGION.into(),
            domain: DOMAIN.into(),
        },
        Project {
            id: VENDOR_PROJECT.into(),
            name: REGION.into(),
            domain: "vendor-x".into(),
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

    // The other projects: the platform team's images again, and a vendor's.
    let mut turbo = image(
        images::VENDOR_TURBO,
        "free-ubuntu-24.04-turbo",
        VENDOR_PROJECT,
        now_ms - day / 2,
    );
    turbo.os_version = Some("Ubuntu 24.04 server 64bit".into());
    turbo.platform = Some("Ubuntu".into());
    s.share(turbo, PAYMENTS_PROJECT, "pending");
    for (image_id, project) in [
        (images::UBUNTU, PAYMENTS_PROJECT),
        (images::RHEL, PAYMENTS_PROJECT),
        (images::UBUNTU, NL_PROJECT),
        (images::WINDOWS, NL_PROJECT),
        (images::VENDOR_TURBO, NL_PROJECT),
    ] {
        s.add_member(image_id, project, "pending");
    }
    s
}
