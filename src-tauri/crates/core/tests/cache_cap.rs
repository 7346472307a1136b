//! The cache's lasting size cap: kept after every write, least recently used first, never the
//! entry just written, kept across restarts (in the cache's marker), and never touching a
//! file of the user's that sits in the cache folder.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use srview_core::store::cache::CacheKey;
use srview_core::ResultCache;
use srview_test_support::snapshot;

fn key(i: u32) -> CacheKey {
    CacheKey::new(&blake3::hash(&i.to_le_bytes()), "fields")
}

/// Bytes of the cache's entries, counted on disk.
fn bytes_on_disk(cache: &ResultCache) -> u64 {
    cache.stats().bytes
}

/// A user's files in the cache folder: beside the marker, in a shard folder, and one named
/// almost like an entry. They are not SRView's and must outlive every eviction.
fn users_files(root: &Path) -> Vec<PathBuf> {
    let shard = root.join("ab");
    std::fs::create_dir_all(&shard).unwrap();
    let files =
        [root.join("my notes.txt"), shard.join("holiday.png"), shard.join(format!("ab{}.webp.bak", "0".repeat(62)))];
    for (i, file) in files.iter().enumerate() {
        std::fs::write(file, vec![b'u'; 5_000 * (i + 1)]).unwrap();
    }
    files.to_vec()
}

#[test]
fn a_lasting_cap_evicts_the_least_recently_used_after_each_write() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ResultCache::open(dir.path()).unwrap();
    let theirs = users_files(dir.path());
    let before: Vec<(PathBuf, Vec<u8>)> = theirs.iter().map(|f| (f.clone(), std::fs::read(f).unwrap())).collect();
    assert_eq!(cache.cap(), None, "no cap by default");
    cache.set_cap(Some(10_000)).unwrap();

    // Five entries of 2 000 bytes fill the cap exactly.
    let paths: Vec<PathBuf> = (0..5).map(|i| cache.store(&key(i), "webp", &[i as u8; 2_000]).unwrap()).collect();
    assert_eq!(bytes_on_disk(&cache), 10_000);
    // Entry 0 is read again: entry 1 is now the least recently used, and goes first.
    assert_eq!(cache.read(&key(0), "webp").map(|(_, b)| b.len()), Some(2_000));
    let sixth = cache.store(&key(5), "webp", &[5; 2_000]).unwrap();
    assert!(sixth.exists(), "the entry just written stays");
    assert!(paths[0].exists(), "the entry read again stays");
    assert!(!paths[1].exists(), "the least recently used went first");
    assert!(paths[2].exists() && paths[3].exists() && paths[4].exists());

    // Many more writes: after each, the total is within the cap and the new entry is there.
    for i in 6..40u32 {
        let size = 1_000 + (i as usize * 97) % 2_000;
        let path = cache.store(&key(i), "webp", &vec![i as u8; size]).unwrap();
        assert!(path.exists(), "entry {i} was evicted as it was written");
        let total = bytes_on_disk(&cache);
        assert!(total <= 10_000, "after entry {i}: {total} bytes on disk, above the cap");
    }
    // An entry larger than the cap is kept (it was just written); everything older goes.
    let huge = cache.store(&key(99), "webp", &[9; 12_000]).unwrap();
    assert!(huge.exists());
    assert_eq!(cache.stats().entries, 1);

    for (file, bytes) in &before {
        assert_eq!(&std::fs::read(file).unwrap(), bytes, "{} was touched", file.display());
    }
}

#[test]
fn the_cap_is_kept_across_restarts_and_reconciled_from_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let theirs_root = dir.path();
    let cache = ResultCache::open(theirs_root).unwrap();
    // Written without a cap, with last uses spread over days (oldest first).
    let paths: Vec<PathBuf> = (0..6u32)
        .map(|i| {
            let path = cache.store(&key(i), "png", &[i as u8; 1_000]).unwrap();
            let used = SystemTime::now() - Duration::from_secs(u64::from(6 - i) * 86_400);
            std::fs::File::options().append(true).open(&path).unwrap().set_modified(used).unwrap();
            path
        })
        .collect();
    users_files(theirs_root);
    let theirs = snapshot(&theirs_root.join("ab"));
    drop(cache);

    // A new run finds the entries, and setting a cap applies it at once, oldest first.
    let cache = ResultCache::open(theirs_root).unwrap();
    let report = cache.set_cap(Some(3_500)).unwrap();
    assert_eq!((report.removed, report.bytes_freed), (3, 3_000));
    assert!(paths[..3].iter().all(|p| !p.exists()) && paths[3..].iter().all(|p| p.exists()));
    assert_eq!(cache.stats().cap, Some(3_500));
    drop(cache);

    // The next run keeps the cap, and keeps the cache under it from its first write.
    let cache = ResultCache::open(theirs_root).unwrap();
    assert_eq!(cache.cap(), Some(3_500), "the cap survived the restart");
    let newest = cache.store(&key(50), "png", &[1; 1_000]).unwrap();
    assert!(newest.exists() && !paths[3].exists(), "the oldest left went for the new entry");
    assert!(bytes_on_disk(&cache) <= 3_500);

    // Lifting the cap keeps everything from then on.
    cache.set_cap(None).unwrap();
    for i in 60..70 {
        cache.store(&key(i), "png", &[1; 1_000]).unwrap();
    }
    assert_eq!(ResultCache::open(theirs_root).unwrap().cap(), None);
    assert_eq!(cache.stats().entries, 13);
    // What was not SRView's in the shard folder it evicted from is as it was (the shard may
    // also hold entries, which come and go).
    let after = snapshot(&theirs_root.join("ab"));
    for (name, content) in &theirs {
        assert_eq!(after.get(name), Some(content), "{name:?} changed");
    }
}
