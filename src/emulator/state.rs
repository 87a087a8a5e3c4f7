//! The emulated account: projects, users, keys, images, memberships, jobs and tokens.
//!
//! Plain data, serialised as the sandbox state file and as a `--seed` file. Jobs carry the
//! wall-clock time they were submitted and how long they run, so their progress is a function
//! of the clock and survives across processes.

use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

pub const STATE_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub version: u32,
    /// The region name the account lives in (also the name of its main project).
    pub region: String,
    #[serde(default)]
    pub settings: StateSettings,
    pub projects: Vec<Project>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    /// Ready-made tokens (as `OS_TOKEN` users bring), never expiring.
    #[serde(default)]
    pub static_tokens: Vec<StaticToken>,
    /// CBR vaults that full-ECS images may be accepted into.
    #[serde(default)]
    pub vaults: Vec<String>,
    pub images: Vec<Image>,
    #[serde(default)]
    pub members: Vec<Member>,
    #[serde(default)]
    pub jobs: Vec<Job>,
    #[serde(default)]
    pub tokens: Vec<Token>,
    /// Consecutive bad signatures per access key, and until when it is locked (ms).
    #[serde(default)]
    pub lockouts: Vec<Lockout>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StateSettings {
    /// How long a batch job runs before it succeeds or fails.
    pub job_duration_ms: u64,
    /// Full-ECS image accepted without `vault_id`: `"request"` refuses the whole batch PUT
    /// with a 400; `"job"` lets the job fail for that image (IMS-API.md §14a has both).
    pub vault_check: VaultCheck,
    /// The largest page `GET /v2/images` returns (Glance's default cap is 1000).
    pub page_limit: usize,
    /// How long issued tokens live.
    pub token_ttl_ms: u64,
    /// Whether the listing marks full-ECS images (`__whole_image`); IMS documents never
    /// mention the mark, so a client must cope without it.
    pub mark_whole_images: bool,
    /// Whether the batch refusal for a missing vault names the image.
    pub vault_error_names_image: bool,
}

impl Default for StateSettings {
    fn default() -> Self {
        StateSettings {
            job_duration_ms: 2_000,
            vault_check: VaultCheck::Request,
            page_limit: 1000,
            token_ttl_ms: 24 * 3600 * 1000,
            mark_whole_images: true,
            vault_error_names_image: true,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum VaultCheck {
    Request,
    Job,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub domain: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub password: String,
    pub domain: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    pub access_key: String,
    pub secret_key: String,
    /// The project requests go to when they carry no X-Project-Id.
    pub project_id: String,
    /// Temporary credentials: requests must carry and sign this X-Security-Token.
    #[serde(default)]
    pub security_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StaticToken {
    pub token: String,
    pub project_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FailWith {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub id: String,
    pub name: String,
    pub owner: String,
    #[serde(default = "default_visibility")]
    pub visibility: String,
    #[serde(default = "default_image_status")]
    pub status: String,
    #[serde(default)]
    pub whole_image: bool,
    #[serde(default)]
    pub os_version: Option<String>,
    /// `__imagetype`; absent on some shared images (see glance-33-listing.md).
    #[serde(default)]
    pub image_type: Option<String>,
    #[serde(default)]
    pub min_disk: u64,
    /// Bytes; none for an image without data yet (Glance answers `null`).
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub disk_format: Option<String>,
    #[serde(default)]
    pub min_ram: u64,
    /// IMS's `__platform`.
    #[serde(default)]
    pub platform: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Accepting or rejecting this image fails (its job fails; its member PUT answers 400).
    #[serde(default)]
    pub fail_with: Option<FailWith>,
}

fn default_visibility() -> String {
    "shared".into()
}

fn default_image_status() -> String {
    "active".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub image_id: String,
    pub member_id: String,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JobResult {
    pub image_id: String,
    pub ok: bool,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Job {
    pub id: String,
    pub project_id: String,
    /// `accepted` or `rejected`.
    pub status: String,
    pub submitted_ms: u64,
    pub duration_ms: u64,
    pub results: Vec<JobResult>,
    /// Whether the member statuses were already updated.
    #[serde(default)]
    pub applied: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Token {
    pub token: String,
    pub user: String,
    pub domain: String,
    pub project_id: String,
    pub expires_ms: u64,
    #[serde(default)]
    pub uses: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lockout {
    pub access_key: String,
    pub failures: u32,
    pub locked_until_ms: u64,
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64
}

/// `2026-11-23T14:27:39Z`, the form Glance uses for member and image times.
pub fn iso_seconds(ms: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + std::time::Duration::from_millis(ms)).to_string()
}

/// `2024-11-06T07:24:22.925Z`, the form of IMS job times.
pub fn iso_millis(ms: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + std::time::Duration::from_millis(ms)).to_string()
}

impl State {
    pub fn empty(region: &str) -> State {
        State {
            version: STATE_VERSION,
            region: region.to_string(),
            settings: StateSettings::default(),
            projects: Vec::new(),
            users: Vec::new(),
            access_keys: Vec::new(),
            static_tokens: Vec::new(),
            vaults: Vec::new(),
            images: Vec::new(),
            members: Vec::new(),
            jobs: Vec::new(),
            tokens: Vec::new(),
            lockouts: Vec::new(),
        }
    }

    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
    }

    pub fn member(&self, image_id: &str, member_id: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.image_id == image_id && m.member_id == member_id)
    }

    pub fn member_mut(&mut self, image_id: &str, member_id: &str) -> Option<&mut Member> {
        self.members
            .iter_mut()
            .find(|m| m.image_id == image_id && m.member_id == member_id)
    }

    /// Adds an image shared by `owner` with `member` in `status` (a helper for seeds and tests).
    pub fn share(&mut self, image: Image, member: &str, status: &str) {
        self.members.push(Member {
            image_id: image.id.clone(),
            member_id: member.to_string(),
            status: status.to_string(),
            created_at: image.created_at.clone(),
            updated_at: image.updated_at.clone(),
        });
        self.images.push(image);
    }

    /// Shares an image already in the state with one more project.
    pub fn add_member(&mut self, image_id: &str, member: &str, status: &str) {
        let Some(image) = self.images.iter().find(|i| i.id == image_id) else {
            return;
        };
        let (created, updated) = (image.created_at.clone(), image.updated_at.clone());
        self.members.push(Member {
            image_id: image_id.to_string(),
            member_id: member.to_string(),
            status: status.to_string(),
            created_at: created,
            updated_at: updated,
        });
    }

    /// Applies every job that has finished by `now`: successful images take their new status.
    pub fn settle(&mut self, now: u64) -> bool {
        let mut changed = false;
        let mut updates = Vec::new();
        for job in self.jobs.iter_mut() {
            if !job.applied && now >= job.submitted_ms + job.duration_ms {
                job.applied = true;
                changed = true;
                let done_at = job.submitted_ms + job.duration_ms;
                for r in job.results.iter().filter(|r| r.ok) {
                    updates.push((
                        r.image_id.clone(),
                        job.project_id.clone(),
                        job.status.clone(),
                        done_at,
                    ));
                }
            }
        }
        for (image, project, status, at) in updates {
            if let Some(m) = self.member_mut(&image, &project) {
                m.status = status;
                m.updated_at = iso_seconds(at);
            }
        }
        changed
    }
}

/// An image with sensible defaults (a helper for seeds and tests).
pub fn image(id: &str, name: &str, owner: &str, created_ms: u64) -> Image {
    Image {
        id: id.to_string(),
        name: name.to_string(),
        owner: owner.to_string(),
        visibility: "shared".into(),
        status: "active".into(),
        whole_image: false,
        os_version: None,
        image_type: Some("shared".into()),
        min_disk: 40,
        size: Some(2 << 30),
        disk_format: Some("zvhd2".into()),
        min_ram: 0,
        platform: None,
        created_at: iso_seconds(created_ms),
        updated_at: iso_seconds(created_ms),
        fail_with: None,
    }
}
