//! The on-disk cache of upscaled images, keyed by content and every setting that
//! changes the output. Files are written atomically; a file's modification time is its
//! last use, which drives age and size cleanup.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Result, SrError};

const TEMP_DIR: &str = ".tmp";
const KEY_VERSION: &str = "srview-cache-v1";
/// Temp files older than this are leftovers of a crash and are removed on open.
const STALE_TEMP: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey(String);

impl CacheKey {
    /// `input_hash` is the BLAKE3 of the input bytes; `fields` hold everything else.
    pub fn new(input_hash: &blake3::Hash, fields: &str) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(KEY_VERSION.as_bytes());
        hasher.update(input_hash.as_bytes());
        hasher.update(fields.as_bytes());
        CacheKey(hasher.finalize().to_hex().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CacheStats {
    pub entries: u64,
    pub bytes: u64,
    /// Unix seconds of the least recently used entry.
    pub oldest: Option<u64>,
    pub newest: Option<u64>,
    pub root: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum CleanPolicy {
    /// Remove entries unused for more than this many days; 0 removes everything.
    MaxAge {
        days: u32,
    },
    /// Remove least recently used entries until the total is at most this many bytes.
    MaxBytes {
        bytes: u64,
    },
    All,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CleanReport {
    pub removed: u64,
    pub bytes_freed: u64,
}

struct Entry {
    path: PathBuf,
    bytes: u64,
    used: SystemTime,
}

#[derive(Debug, Clone)]
pub struct ResultCache {
    root: PathBuf,
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl ResultCache {
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let temp = root.join(TEMP_DIR);
        fs::create_dir_all(&temp).map_err(|e| SrError::io(&temp, e))?;
        let cache = ResultCache { root };
        cache.remove_stale_temp_files();
        Ok(cache)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an entry lives: `root/ab/abcdef….ext`.
    pub fn path_for(&self, key: &CacheKey, extension: &str) -> PathBuf {
        self.root.join(&key.0[..2]).join(format!("{}.{extension}", key.0))
    }

    /// A hit marks the entry as just used.
    pub fn lookup(&self, key: &CacheKey, extension: &str) -> Option<PathBuf> {
        let path = self.path_for(key, extension);
        let file = fs::File::options().append(true).open(&path).ok()?;
        if let Err(err) = file.set_modified(SystemTime::now()) {
            tracing::debug!(%err, path = %path.display(), "could not mark cache entry as used");
        }
        Some(path)
    }

    /// Writes an entry atomically: a temp file in the cache, then a rename.
    pub fn store(&self, key: &CacheKey, extension: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.path_for(key, extension);
        let dir = path.parent().expect("cache paths have a parent");
        fs::create_dir_all(dir).map_err(|e| SrError::io(dir, e))?;
        write_atomically(&self.root.join(TEMP_DIR), &path, bytes)?;
        Ok(path)
    }

    fn entries(&self) -> Vec<Entry> {
        let Ok(shards) = fs::read_dir(&self.root) else { return Vec::new() };
        let mut entries = Vec::new();
        for shard in shards.flatten() {
            if shard.file_name() == TEMP_DIR || !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let Ok(files) = fs::read_dir(shard.path()) else { continue };
            for file in files.flatten() {
                let Ok(meta) = file.metadata() else { continue };
                if meta.is_file() {
                    let used = meta.modified().unwrap_or(UNIX_EPOCH);
                    entries.push(Entry { path: file.path(), bytes: meta.len(), used });
                }
            }
        }
        entries
    }

    pub fn stats(&self) -> CacheStats {
        let entries = self.entries();
        CacheStats {
            entries: entries.len() as u64,
            bytes: entries.iter().map(|e| e.bytes).sum(),
            oldest: entries.iter().map(|e| e.used).min().map(unix_seconds),
            newest: entries.iter().map(|e| e.used).max().map(unix_seconds),
            root: self.root.display().to_string(),
        }
    }

    pub fn clean(&self, policy: CleanPolicy) -> CleanReport {
        let mut entries = self.entries();
        let doomed: Vec<Entry> = match policy {
            CleanPolicy::All | CleanPolicy::MaxAge { days: 0 } => entries,
            CleanPolicy::MaxAge { days } => {
                let cutoff = SystemTime::now() - Duration::from_secs(u64::from(days) * 86_400);
                entries.into_iter().filter(|e| e.used < cutoff).collect()
            }
            CleanPolicy::MaxBytes { bytes: cap } => {
                entries.sort_by_key(|e| std::cmp::Reverse(e.used));
                let mut total = 0u64;
                entries
                    .into_iter()
                    .filter(|e| {
                        total += e.bytes;
                        total > cap
                    })
                    .collect()
            }
        };
        let mut report = CleanReport::default();
        for entry in doomed {
            match fs::remove_file(&entry.path) {
                Ok(()) => {
                    report.removed += 1;
                    report.bytes_freed += entry.bytes;
                    if let Some(shard) = entry.path.parent() {
                        let _ = fs::remove_dir(shard); // only succeeds once empty
                    }
                }
                Err(err) => tracing::warn!(%err, path = %entry.path.display(), "could not remove cache entry"),
            }
        }
        tracing::info!(?policy, removed = report.removed, bytes = report.bytes_freed, "cache cleaned");
        report
    }

    fn remove_stale_temp_files(&self) {
        let Ok(files) = fs::read_dir(self.root.join(TEMP_DIR)) else { return };
        let cutoff = SystemTime::now() - STALE_TEMP;
        for file in files.flatten() {
            if file.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < cutoff) {
                let _ = fs::remove_file(file.path());
            }
        }
    }
}

/// Writes `bytes` to `target` through a temp file in `temp_dir` (same file system) and a rename,
/// so readers see either the old file, no file, or the whole new file.
pub fn write_atomically(temp_dir: &Path, target: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp =
        tempfile::Builder::new().prefix(".srview-").tempfile_in(temp_dir).map_err(|e| SrError::io(temp_dir, e))?;
    temp.write_all(bytes).map_err(|e| SrError::io(temp.path(), e))?;
    temp.as_file().sync_data().map_err(|e| SrError::io(temp.path(), e))?;
    temp.persist(target).map_err(|e| SrError::io(target, e.error))?;
    Ok(())
}
