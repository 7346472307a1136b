//! The on-disk cache of upscaled images, keyed by content and every setting that changes
//! the output.
//!
//! The cache only ever counts, touches or deletes files it can recognise as its own:
//! entries at `<2 hex>/<64 hex>.<webp|png|jpg>` and temp files `.tmp/.srview-*`. Its root
//! carries a `CACHEDIR.TAG` and a format marker. A folder that holds anything else and
//! carries no marker is refused as a root. A file's modification time is its last use,
//! which drives age and size cleanup.
//!
//! A lasting size cap (`set_cap`, kept in the marker, none by default) is kept after every
//! write: the least recently used entries go first, never the one just written nor one being
//! read. The sizes and the order of use are kept in memory (`usage`), built when the cache opens.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::usage::Usage;
use crate::error::{Result, SrError};
use crate::sync::lock;

const TEMP_DIR: &str = ".tmp";
/// Every temp file SRView creates starts with this.
pub const TEMP_PREFIX: &str = ".srview-";
const KEY_VERSION: &str = "srview-cache-v1";
/// Temp files older than this are leftovers of a crash.
const STALE_TEMP: Duration = Duration::from_secs(3600);
const EXTENSIONS: [&str; 3] = ["webp", "png", "jpg"];

const TAG_FILE: &str = "CACHEDIR.TAG";
const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by SRView.\n\
# For information about cache directory tags, see https://bford.info/cachedir/\n";
const MARKER_FILE: &str = "SRVIEW-CACHE";
/// The layout version this build writes and reads.
const FORMAT_VERSION: u32 = 1;

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
    /// The lasting size cap in bytes, if one is set.
    pub cap: Option<u64>,
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

/// A cache folder; clones share its usage index.
#[derive(Clone)]
pub struct ResultCache {
    root: PathBuf,
    usage: Arc<Mutex<Usage>>,
}

impl std::fmt::Debug for ResultCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultCache").field("root", &self.root).finish()
    }
}

fn marker_text(cap: Option<u64>) -> String {
    let cap = cap.map(|bytes| format!("max_bytes={bytes}\n")).unwrap_or_default();
    format!("srview-cache\nversion={FORMAT_VERSION}\n{cap}")
}

/// The marker's `key=value` for `key`, parsed.
fn marker_field<T: std::str::FromStr>(marker: &str, key: &str) -> Option<T> {
    marker.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix('=')?.trim().parse().ok())
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `shard/file` is an entry's place: `ab/ab…(64 hex).webp`.
fn is_entry_name(shard: &str, file: &str) -> bool {
    let Some((stem, extension)) = file.split_once('.') else { return false };
    is_lower_hex(shard, 2) && is_lower_hex(stem, 64) && stem.starts_with(shard) && EXTENSIONS.contains(&extension)
}

fn is_shard_name(name: &str) -> bool {
    is_lower_hex(name, 2)
}

/// The first thing under `root` that is not SRView's, if any. Symbolic links are never ours.
fn first_foreign_item(root: &Path) -> std::io::Result<Option<PathBuf>> {
    for item in fs::read_dir(root)? {
        let item = item?;
        let name = item.file_name();
        let name = name.to_string_lossy();
        let kind = item.file_type()?;
        let ours = if name == TEMP_DIR && kind.is_dir() {
            fs::read_dir(item.path())?.flatten().all(|t| {
                t.file_name().to_string_lossy().starts_with(TEMP_PREFIX) && t.file_type().is_ok_and(|k| k.is_file())
            })
        } else if is_shard_name(&name) && kind.is_dir() {
            fs::read_dir(item.path())?.flatten().all(|file| {
                file.file_type().is_ok_and(|k| k.is_file()) && is_entry_name(&name, &file.file_name().to_string_lossy())
            })
        } else {
            false
        };
        if !ours {
            return Ok(Some(item.path()));
        }
    }
    Ok(None)
}

impl ResultCache {
    /// Opens `root` as SRView's cache. A missing or empty folder is adopted, and so is one
    /// that already is an SRView cache (tagged, or an untagged cache whose every file has an
    /// entry's name). Any other folder is refused: SRView never cleans what it did not write.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let refuse = |reason: String| SrError::CacheRootRefused { path: root.display().to_string(), reason };
        match fs::symlink_metadata(&root) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) if meta.file_type().is_symlink() && root.is_dir() => {}
            Ok(_) => return Err(refuse("it is not a folder".into())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir_all(&root).map_err(|e| SrError::io(&root, e))?;
            }
            Err(err) => return Err(SrError::io(&root, err)),
        }
        let mut cap = None;
        match fs::read_to_string(root.join(MARKER_FILE)) {
            Ok(marker) => {
                cap = marker_field::<u64>(&marker, "max_bytes");
                match marker_field::<u32>(&marker, "version") {
                    Some(FORMAT_VERSION) => {}
                    Some(other) => {
                        return Err(refuse(format!(
                            "it is an SRView cache of format {other}, which this SRView (format {FORMAT_VERSION}) does not know"
                        )))
                    }
                    None => return Err(refuse(format!("its {MARKER_FILE} marker is unreadable"))),
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                match first_foreign_item(&root).map_err(|e| SrError::io(&root, e))? {
                    None => tracing::info!(root = %root.display(), "adopting the folder as SRView's cache"),
                    Some(foreign) => {
                        return Err(refuse(format!(
                            "it is not empty and is not an SRView cache ({} is not SRView's); choose an empty folder or an existing SRView cache",
                            foreign.strip_prefix(&root).unwrap_or(&foreign).display()
                        )))
                    }
                }
            }
            Err(err) => return Err(SrError::io(&root.join(MARKER_FILE), err)),
        }
        let cache = ResultCache { root, usage: Arc::new(Mutex::new(Usage::new(Vec::new(), cap))) };
        cache.mark()?;
        cache.remove_stale_temp_files();
        cache.reconcile();
        if cap.is_some() {
            cache.evict();
        }
        Ok(cache)
    }

    /// Rebuilds the usage index from the folder.
    fn reconcile(&self) {
        let found = self.entries().into_iter().map(|e| (e.path, e.bytes, e.used)).collect();
        let mut usage = lock(&self.usage);
        *usage = Usage::new(found, usage.cap());
    }

    /// The lasting size cap, if any.
    pub fn cap(&self) -> Option<u64> {
        lock(&self.usage).cap()
    }

    /// Sets (or, with `None`, lifts) the lasting size cap, keeps it in the marker so it holds
    /// in later runs, and applies it now.
    pub fn set_cap(&self, cap: Option<u64>) -> Result<CleanReport> {
        let marker = self.root.join(MARKER_FILE);
        write_atomically(&self.root.join(TEMP_DIR), &marker, marker_text(cap).as_bytes())?;
        lock(&self.usage).set_cap(cap);
        tracing::info!(?cap, root = %self.root.display(), "cache size cap set");
        Ok(self.evict())
    }

    /// Removes the least recently used entries past the cap now.
    fn evict(&self) -> CleanReport {
        evict(&mut lock(&self.usage), None)
    }

    /// Writes the tag, the marker and the temp folder (each only if missing).
    fn mark(&self) -> Result<()> {
        let temp = self.root.join(TEMP_DIR);
        fs::create_dir_all(&temp).map_err(|e| SrError::io(&temp, e))?;
        for (name, content) in [(TAG_FILE, TAG.to_owned()), (MARKER_FILE, marker_text(None))] {
            let path = self.root.join(name);
            if !path.exists() {
                write_atomically(&temp, &path, content.as_bytes())?;
            }
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an entry lives: `root/ab/abcdef….ext`.
    pub fn path_for(&self, key: &CacheKey, extension: &str) -> PathBuf {
        self.root.join(&key.0[..2]).join(format!("{}.{extension}", key.0))
    }

    /// Whether `path` is one of this cache's entries (by place and name, not by content).
    pub fn is_entry(&self, path: &Path) -> bool {
        let Ok(relative) = path.strip_prefix(&self.root) else { return false };
        let parts: Vec<_> = relative.components().collect();
        match parts.as_slice() {
            [std::path::Component::Normal(shard), std::path::Component::Normal(file)] => {
                is_entry_name(&shard.to_string_lossy(), &file.to_string_lossy())
            }
            _ => false,
        }
    }

    /// A hit marks the entry as just used.
    pub fn lookup(&self, key: &CacheKey, extension: &str) -> Option<PathBuf> {
        let path = self.path_for(key, extension);
        self.mark_used(&path).then_some(path)
    }

    /// Marks an entry as just used, on disk and in the index; whether it exists.
    fn mark_used(&self, path: &Path) -> bool {
        let Ok(file) = fs::File::options().append(true).open(path) else { return false };
        if let Err(err) = file.set_modified(SystemTime::now()) {
            tracing::debug!(%err, path = %path.display(), "could not mark cache entry as used");
        }
        let mut usage = lock(&self.usage);
        if !usage.touched(path) {
            // Written by another process since the cache opened.
            usage.used(path, file.metadata().map_or(0, |m| m.len()));
        }
        true
    }

    /// A hit's path and bytes, read while the entry is kept from eviction; marks it as used.
    pub fn read(&self, key: &CacheKey, extension: &str) -> Option<(PathBuf, Vec<u8>)> {
        let path = self.path_for(key, extension);
        let bytes = self.read_entry(&path)?;
        Some((path, bytes))
    }

    /// An entry's bytes (for `srimg:`), read while it is kept from eviction; marks it as used.
    /// Anything but one of this cache's entries is `None`.
    pub fn read_entry(&self, path: &Path) -> Option<Vec<u8>> {
        if !self.is_entry(path) {
            return None;
        }
        lock(&self.usage).start_reading(path);
        let bytes = if self.mark_used(path) { fs::read(path).ok() } else { None };
        lock(&self.usage).stop_reading(path);
        bytes
    }

    /// Writes an entry atomically: a temp file in the cache, then a rename. Past the cap, the
    /// least recently used entries are removed, never this one.
    pub fn store(&self, key: &CacheKey, extension: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.path_for(key, extension);
        let dir = path.parent().expect("cache paths have a parent");
        fs::create_dir_all(dir).map_err(|e| SrError::io(dir, e))?;
        write_atomically(&self.root.join(TEMP_DIR), &path, bytes)?;
        let mut usage = lock(&self.usage);
        usage.used(&path, bytes.len() as u64);
        evict(&mut usage, Some(&path));
        Ok(path)
    }

    /// Every entry, found by its place and name; nothing else is listed.
    fn entries(&self) -> Vec<Entry> {
        let Ok(shards) = fs::read_dir(&self.root) else { return Vec::new() };
        let mut entries = Vec::new();
        for shard in shards.flatten() {
            let shard_name = shard.file_name().to_string_lossy().into_owned();
            if !is_shard_name(&shard_name) || !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let Ok(files) = fs::read_dir(shard.path()) else { continue };
            for file in files.flatten() {
                if !is_entry_name(&shard_name, &file.file_name().to_string_lossy()) {
                    continue;
                }
                // DirEntry::metadata does not follow symbolic links.
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
            cap: self.cap(),
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
        self.remove_stale_temp_files();
        self.reconcile();
        tracing::info!(?policy, removed = report.removed, bytes = report.bytes_freed, "cache cleaned");
        report
    }

    /// Removes SRView's own temp files left by a crash; nothing else in the temp folder.
    fn remove_stale_temp_files(&self) {
        let Ok(files) = fs::read_dir(self.root.join(TEMP_DIR)) else { return };
        let cutoff = SystemTime::now() - STALE_TEMP;
        for file in files.flatten() {
            let ours = file.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
            let stale = file.metadata().is_ok_and(|m| m.is_file() && m.modified().is_ok_and(|t| t < cutoff));
            if ours && stale {
                let _ = fs::remove_file(file.path());
            }
        }
    }
}

/// Removes the least recently used entries past the cap (never `keep`, nor one being read).
/// The caller holds the index's lock throughout, so no reader starts on an entry being removed.
fn evict(usage: &mut Usage, keep: Option<&Path>) -> CleanReport {
    let mut report = CleanReport::default();
    for (path, bytes) in usage.over_cap(keep) {
        match fs::remove_file(&path) {
            Ok(()) => {
                report.removed += 1;
                report.bytes_freed += bytes;
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => tracing::warn!(%err, path = %path.display(), "could not evict cache entry"),
        }
    }
    if report.removed > 0 {
        tracing::debug!(
            removed = report.removed,
            bytes = report.bytes_freed,
            total = usage.total(),
            "cache kept under its cap"
        );
    }
    report
}

/// Writes `bytes` to `target` through a temp file in `temp_dir` (same file system) and a rename,
/// so readers see either the old file, no file, or the whole new file. For the cache's own files.
pub fn write_atomically(temp_dir: &Path, target: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp =
        tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(temp_dir).map_err(|e| SrError::io(temp_dir, e))?;
    temp.write_all(bytes).map_err(|e| SrError::io(temp.path(), e))?;
    temp.as_file().sync_data().map_err(|e| SrError::io(temp.path(), e))?;
    temp.persist(target).map_err(|e| SrError::io(target, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_are_recognised_exactly() {
        let hex = "ab".to_owned() + &"0".repeat(62);
        assert!(is_entry_name("ab", &format!("{hex}.webp")));
        assert!(!is_entry_name("ac", &format!("{hex}.webp")), "shard must match the name");
        assert!(!is_entry_name("ab", &format!("{hex}.txt")));
        assert!(!is_entry_name("ab", &format!("{hex}.webp.bak")));
        assert!(!is_entry_name("AB", &format!("{}.webp", hex.to_uppercase())));
        assert!(!is_entry_name("ab", "ab12.webp"));
    }
}
