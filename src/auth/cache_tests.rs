//! The cache's entries: round trips, expiry, privacy, sweeping.

use super::*;

fn quiet() -> Say {
    Arc::new(|_: &str| {})
}

fn token(expires_in: Duration) -> IssuedToken {
    IssuedToken {
        token: Secret::new("tok-123"),
        expires_at: Some(SystemTime::now() + expires_in),
        project_id: Some("p1".into()),
        image_endpoints: vec![],
    }
}

#[test]
fn entries_past_their_day_are_swept_when_a_project_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::at(dir.path().join("c"), quiet());
    let now = SystemTime::now();
    cache
        .store_project(&["http://127.0.0.1:1"], "p1", now)
        .unwrap();
    cache.store_listing(Vec::new(), now);
    let count = || std::fs::read_dir(dir.path().join("c")).unwrap().count();
    assert_eq!(count(), 2);
    // Two days on, another sandbox port: the first entry goes, the listing stays.
    let later = now + 2 * PROJECT_TTL;
    cache
        .store_project(&["http://127.0.0.1:2"], "p2", later)
        .unwrap();
    assert_eq!(count(), 2);
    assert!(cache.load_project(&["http://127.0.0.1:1"], now).is_none());
    assert_eq!(
        cache
            .load_project(&["http://127.0.0.1:2"], later)
            .as_deref(),
        Some("p2")
    );
}

#[test]
fn tokens_round_trip_until_near_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::at(dir.path().join("c"), quiet());
    let key = ["https://iam", "dom", "user", "eu-de"];
    cache
        .store_token(&key, &token(Duration::from_secs(3600)))
        .unwrap();
    let back = cache.load_token(&key, SystemTime::now()).unwrap();
    assert_eq!(back.token.expose(), "tok-123");
    assert_eq!(back.project_id.as_deref(), Some("p1"));
    assert!(cache.load_token(&["other"], SystemTime::now()).is_none());
    let later = SystemTime::now() + Duration::from_secs(3600 - 60);
    assert!(
        cache.load_token(&key, later).is_none(),
        "too close to expiry"
    );
    cache.forget_token(&key);
    assert!(cache.load_token(&key, SystemTime::now()).is_none());
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::at(dir.path().join("c"), quiet());
    let key = ["k"];
    cache
        .store_token(&key, &token(Duration::from_secs(3600)))
        .unwrap();
    let mode = std::fs::metadata(cache.token_path(&key))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let dmode = std::fs::metadata(dir.path().join("c"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dmode & 0o777, 0o700);
}

#[test]
fn projects_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::at(dir.path().join("c"), quiet());
    let now = SystemTime::now();
    cache
        .store_project(&["iam", "AK", "eu-de"], "p9", now)
        .unwrap();
    assert_eq!(
        cache.load_project(&["iam", "AK", "eu-de"], now).as_deref(),
        Some("p9")
    );
    assert_eq!(cache.load_project(&["iam", "AK", "eu-nl"], now), None);
    let tomorrow = now + PROJECT_TTL + Duration::from_secs(1);
    assert_eq!(
        cache.load_project(&["iam", "AK", "eu-de"], tomorrow),
        None,
        "a cached project id expires"
    );
}
