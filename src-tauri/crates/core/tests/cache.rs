//! Cache stats and each cleanup mode, on entries with controlled last-use times.

use std::time::{Duration, SystemTime};

use srview_core::store::cache::CacheKey;
use srview_core::{CleanPolicy, ResultCache};

fn filled(ages_in_days: &[u64], bytes_each: usize) -> (ResultCache, tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let cache = ResultCache::open(dir.path()).unwrap();
    let paths = ages_in_days
        .iter()
        .enumerate()
        .map(|(i, days)| {
            let key = CacheKey::new(&blake3::hash(&[i as u8]), "fields");
            let path = cache.store(&key, "webp", &vec![i as u8; bytes_each]).unwrap();
            let used = SystemTime::now() - Duration::from_secs(days * 86_400 + 60);
            std::fs::File::options().append(true).open(&path).unwrap().set_modified(used).unwrap();
            path
        })
        .collect();
    (cache, dir, paths)
}

#[test]
fn stats_count_entries_bytes_and_ages() {
    let (cache, _dir, _) = filled(&[0, 3, 40], 100);
    let stats = cache.stats();
    assert_eq!((stats.entries, stats.bytes), (3, 300));
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let oldest_age_days = (now - stats.oldest.unwrap()) / 86_400;
    assert_eq!(oldest_age_days, 40);
    assert!(now - stats.newest.unwrap() < 3600);
}

#[test]
fn max_age_removes_only_older_entries() {
    let (cache, _dir, paths) = filled(&[0, 10, 31, 90], 10);
    let report = cache.clean(CleanPolicy::MaxAge { days: 30 });
    assert_eq!((report.removed, report.bytes_freed), (2, 20));
    assert!(paths[0].exists() && paths[1].exists());
    assert!(!paths[2].exists() && !paths[3].exists());
    assert_eq!(cache.stats().entries, 2);
}

#[test]
fn max_age_zero_and_all_remove_everything() {
    let (cache, _dir, _) = filled(&[0, 1], 10);
    assert_eq!(cache.clean(CleanPolicy::MaxAge { days: 0 }).removed, 2);
    let (cache, _dir, _) = filled(&[0, 1, 2], 10);
    assert_eq!(cache.clean(CleanPolicy::All).removed, 3);
    assert_eq!(cache.stats().entries, 0);
}

#[test]
fn size_cap_removes_least_recently_used_first() {
    let (cache, _dir, paths) = filled(&[5, 1, 3, 0], 100);
    let report = cache.clean(CleanPolicy::MaxBytes { bytes: 250 });
    assert_eq!(report.removed, 2);
    assert!(paths[1].exists() && paths[3].exists(), "the two most recently used stay");
    assert!(!paths[0].exists() && !paths[2].exists());
    assert!(cache.stats().bytes <= 250);
}

#[test]
fn a_lookup_marks_the_entry_as_used() {
    let (cache, _dir, paths) = filled(&[60], 10);
    let key = CacheKey::new(&blake3::hash(&[0u8]), "fields");
    assert_eq!(cache.lookup(&key, "webp").as_ref(), Some(&paths[0]));
    assert_eq!(cache.clean(CleanPolicy::MaxAge { days: 30 }).removed, 0);
    assert!(cache.lookup(&key, "png").is_none());
}

#[test]
fn stale_temp_files_are_removed_and_never_served() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ResultCache::open(dir.path()).unwrap();
    let stale = dir.path().join(".tmp").join(".srview-crashed");
    std::fs::write(&stale, b"half a file").unwrap();
    std::fs::File::options()
        .append(true)
        .open(&stale)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(7200))
        .unwrap();
    assert_eq!(cache.stats().entries, 0, "temp files are not entries");
    ResultCache::open(dir.path()).unwrap();
    assert!(!stale.exists());
}
