//! What the cache holds, kept in memory so that its size cap is kept after every write without
//! listing the folder: each entry's size and the order of their last use, and the total.
//! It is built from the folder when the cache opens (the files' modification times are their
//! last use), and every lookup, write and clean keeps it up to date. What another process
//! changes in the folder meanwhile is reconciled the next time the cache opens.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

struct Used {
    bytes: u64,
    /// When it was last used, in this index's own order.
    tick: u64,
}

pub(super) struct Usage {
    /// The most bytes the cache keeps; none means no cap.
    cap: Option<u64>,
    total: u64,
    next_tick: u64,
    entries: HashMap<PathBuf, Used>,
    /// The entries by last use, least recent first.
    by_use: BTreeMap<u64, PathBuf>,
    /// Entries being read now, with how many readers each: never evicted.
    reading: HashMap<PathBuf, usize>,
}

impl Usage {
    /// The index of `found` entries (path, bytes, last use).
    pub(super) fn new(mut found: Vec<(PathBuf, u64, SystemTime)>, cap: Option<u64>) -> Self {
        found.sort_by_key(|(_, _, used)| *used);
        let mut usage = Usage {
            cap,
            total: 0,
            next_tick: 0,
            entries: HashMap::new(),
            by_use: BTreeMap::new(),
            reading: HashMap::new(),
        };
        for (path, bytes, _) in found {
            usage.used(&path, bytes);
        }
        usage
    }

    pub(super) fn cap(&self) -> Option<u64> {
        self.cap
    }

    pub(super) fn set_cap(&mut self, cap: Option<u64>) {
        self.cap = cap;
    }

    pub(super) fn total(&self) -> u64 {
        self.total
    }

    /// `path`, of `bytes`, was just written or used: it becomes the most recent.
    pub(super) fn used(&mut self, path: &Path, bytes: u64) {
        self.forget(path);
        let tick = self.next_tick;
        self.next_tick += 1;
        self.total += bytes;
        self.entries.insert(path.to_path_buf(), Used { bytes, tick });
        self.by_use.insert(tick, path.to_path_buf());
    }

    /// `path` was used, if it is known; whether it is.
    pub(super) fn touched(&mut self, path: &Path) -> bool {
        match self.entries.get(path).map(|u| u.bytes) {
            Some(bytes) => {
                self.used(path, bytes);
                true
            }
            None => false,
        }
    }

    /// `path` is no longer in the cache.
    pub(super) fn forget(&mut self, path: &Path) {
        if let Some(old) = self.entries.remove(path) {
            self.by_use.remove(&old.tick);
            self.total -= old.bytes;
        }
    }

    pub(super) fn start_reading(&mut self, path: &Path) {
        *self.reading.entry(path.to_path_buf()).or_default() += 1;
    }

    pub(super) fn stop_reading(&mut self, path: &Path) {
        if let Some(readers) = self.reading.get_mut(path) {
            *readers -= 1;
            if *readers == 0 {
                self.reading.remove(path);
            }
        }
    }

    /// The least recently used entries to remove so that the total fits the cap, never `keep`
    /// nor an entry being read; they are forgotten here, and the caller removes their files.
    pub(super) fn over_cap(&mut self, keep: Option<&Path>) -> Vec<(PathBuf, u64)> {
        let Some(cap) = self.cap else { return Vec::new() };
        let mut excess = self.total.saturating_sub(cap);
        let mut doomed = Vec::new();
        for path in self.by_use.values() {
            if excess == 0 {
                break;
            }
            if Some(path.as_path()) == keep || self.reading.contains_key(path) {
                continue;
            }
            let bytes = self.entries[path].bytes;
            excess = excess.saturating_sub(bytes);
            doomed.push((path.clone(), bytes));
        }
        for (path, _) in &doomed {
            self.forget(path);
        }
        doomed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(sizes: &[u64], cap: u64) -> Usage {
        let start = SystemTime::UNIX_EPOCH;
        let found = sizes
            .iter()
            .enumerate()
            .map(|(i, bytes)| {
                (PathBuf::from(format!("e{i}")), *bytes, start + std::time::Duration::from_secs(i as u64))
            })
            .collect();
        Usage::new(found, Some(cap))
    }

    fn names(doomed: &[(PathBuf, u64)]) -> Vec<String> {
        doomed.iter().map(|(p, _)| p.display().to_string()).collect()
    }

    #[test]
    fn the_least_recently_used_go_first_until_the_total_fits() {
        let mut usage = usage(&[10, 10, 10, 10], 25);
        assert_eq!(names(&usage.over_cap(None)), ["e0", "e1"]);
        assert_eq!(usage.total(), 20);
        assert!(usage.over_cap(None).is_empty(), "nothing more once it fits");
    }

    #[test]
    fn a_use_makes_an_entry_the_most_recent() {
        let mut usage = usage(&[10, 10, 10], 20);
        assert!(usage.touched(Path::new("e0")));
        assert!(!usage.touched(Path::new("unknown")));
        assert_eq!(names(&usage.over_cap(None)), ["e1"]);
    }

    #[test]
    fn the_entry_kept_and_entries_being_read_are_never_evicted() {
        let mut usage = usage(&[10, 10, 10, 10], 15);
        usage.start_reading(Path::new("e0"));
        usage.start_reading(Path::new("e0"));
        usage.stop_reading(Path::new("e0"));
        assert_eq!(names(&usage.over_cap(Some(Path::new("e1")))), ["e2", "e3"], "e0 is still read once; e1 is kept");
        usage.stop_reading(Path::new("e0"));
        assert_eq!(names(&usage.over_cap(Some(Path::new("e1")))), ["e0"]);
        assert_eq!(usage.total(), 10);
    }
}
