//! The cache counts and deletes only what it can recognise as its own, and refuses to live
//! in a folder that holds anything else.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use srview_core::store::cache::CacheKey;
use srview_core::{CleanPolicy, ResultCache};
use srview_test_support::{home_like, snapshot};

#[test]
fn a_folder_of_someone_elses_files_is_refused_and_left_untouched() {
    let home = tempfile::tempdir().unwrap();
    home_like(home.path());
    let before = snapshot(home.path());
    let err = ResultCache::open(home.path()).unwrap_err();
    assert_eq!(err.kind(), "cache_root_refused");
    assert!(err.to_string().contains("not an SRView cache"), "{err}");
    assert_eq!(snapshot(home.path()), before, "refusing wrote or removed something");
    assert!(!home.path().join("CACHEDIR.TAG").exists());
}

#[test]
fn a_new_or_empty_folder_is_adopted_and_tagged() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("new-cache");
    let cache = ResultCache::open(&fresh).unwrap();
    let tag = std::fs::read_to_string(fresh.join("CACHEDIR.TAG")).unwrap();
    assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    assert!(fresh.join("SRVIEW-CACHE").is_file());
    assert_eq!(cache.stats().entries, 0);
    // Opening again, now that it is tagged, works; so does an empty folder.
    ResultCache::open(&fresh).unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    ResultCache::open(&empty).unwrap();
    assert!(empty.join("CACHEDIR.TAG").exists());
    // A file is not a folder.
    std::fs::write(dir.path().join("file"), b"x").unwrap();
    assert_eq!(ResultCache::open(dir.path().join("file")).unwrap_err().kind(), "cache_root_refused");
}

#[test]
fn an_untagged_cache_of_an_earlier_srview_is_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::new(&blake3::hash(b"page"), "fields");
    let entry = dir.path().join(&key.as_str()[..2]).join(format!("{}.webp", key.as_str()));
    std::fs::create_dir_all(entry.parent().unwrap()).unwrap();
    std::fs::write(&entry, b"upscaled").unwrap();
    std::fs::create_dir(dir.path().join(".tmp")).unwrap();
    let cache = ResultCache::open(dir.path()).unwrap();
    assert!(dir.path().join("CACHEDIR.TAG").exists());
    assert_eq!(cache.stats().entries, 1);
    assert_eq!(cache.lookup(&key, "webp"), Some(entry));
}

#[test]
fn a_newer_cache_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("SRVIEW-CACHE"), "srview-cache\nversion=99\n").unwrap();
    let err = ResultCache::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("format 99"), "{err}");
}

fn aged(path: &Path, days: u64) {
    let when = SystemTime::now() - Duration::from_secs(days * 86_400 + 60);
    std::fs::File::options().append(true).open(path).unwrap().set_modified(when).unwrap();
}

#[test]
fn inside_a_real_cache_only_entries_are_counted_and_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ResultCache::open(dir.path()).unwrap();
    let fill = || -> Vec<PathBuf> {
        (0..3u8)
            .map(|i| {
                let path = cache.store(&CacheKey::new(&blake3::hash(&[i]), "f"), "png", &[i; 100]).unwrap();
                aged(&path, 90);
                path
            })
            .collect()
    };
    let entries = fill();
    // Things a user (or another program) put into the cache folder, all old and large.
    let shard = entries[0].parent().unwrap().to_path_buf();
    let name = entries[0].file_name().unwrap().to_str().unwrap().to_owned();
    let foreign: Vec<PathBuf> = vec![
        dir.path().join("notes.txt"),
        dir.path().join("zz").join(&name),
        shard.join("readme.webp"),
        shard.join(name.replace(".png", ".txt")),
        shard.join(name.to_uppercase()),
        dir.path().join(".tmp").join("not-ours.bin"),
    ];
    for path in &foreign {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, vec![7u8; 5000]).unwrap();
        aged(path, 400);
    }
    // A symbolic link with an entry's name, pointing at a user's file, is not an entry.
    let outside = tempfile::tempdir().unwrap();
    let precious = outside.path().join("precious.png");
    std::fs::write(&precious, b"the user's picture").unwrap();
    let linked_name = format!("{}{}.png", &name[..2], "d".repeat(62));
    std::os::unix::fs::symlink(&precious, shard.join(&linked_name)).unwrap();
    let users_before: Vec<Vec<u8>> = foreign.iter().map(|p| std::fs::read(p).unwrap()).collect();

    let stats = cache.stats();
    assert_eq!((stats.entries, stats.bytes), (3, 300), "only the three entries count");
    for (policy, removed) in [
        (CleanPolicy::MaxAge { days: 30 }, 3),
        (CleanPolicy::MaxBytes { bytes: 150 }, 2),
        (CleanPolicy::MaxAge { days: 0 }, 3),
        (CleanPolicy::All, 3),
    ] {
        fill();
        assert_eq!(cache.clean(policy).removed, removed, "{policy:?}");
        let after: Vec<Vec<u8>> = foreign.iter().map(|p| std::fs::read(p).unwrap()).collect();
        assert_eq!(after, users_before, "{policy:?} touched a file that is not SRView's");
        assert_eq!(std::fs::read(&precious).unwrap(), b"the user's picture");
        assert!(shard.join(&linked_name).symlink_metadata().is_ok(), "{policy:?} removed the link");
    }
    assert!(entries.iter().all(|e| !e.exists()), "the entries themselves were cleaned");
    assert_eq!(cache.stats().entries, 0);
}
