//! Solid blocks: decoded up to an entry, what follows kept within a budget.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::*;
use crate::error::{Result, SrError};
use crate::sync::lock;

// ---- solid blocks: decode up to an entry, keep what follows within a budget ----

/// What a pass gives: the wanted entry's bytes, and the entries to hold (by index).
pub(super) type Passed = (Vec<u8>, Vec<(usize, Vec<u8>)>);

/// What a pass over a solid block does with the entry it meets.
pub(super) enum Step {
    /// Decode through it (it comes before the wanted entry, or it is a folder).
    Pass,
    /// Keep its bytes.
    Keep,
    /// Stop decoding: nothing more fits.
    Stop,
}

/// One pass over a solid block, in archive order: decodes through the entries before the wanted
/// one, keeps it, then keeps the entries after it while they fit in `budget`.
pub(super) struct Pass<'a> {
    path: &'a Path,
    entries: &'a [EntryInfo],
    wanted: usize,
    pub(super) max_bytes: u64,
    budget: u64,
    found: Option<Vec<u8>>,
    /// Entries to hold: the wanted one when it fits, and those after it.
    held: Vec<(usize, Vec<u8>)>,
    held_bytes: u64,
    failure: Option<SrError>,
    /// The last entry met, to tell an error in the wanted entry from one after it.
    last_met: Option<usize>,
}

impl<'a> Pass<'a> {
    pub(super) fn new(path: &'a Path, entries: &'a [EntryInfo], wanted: usize, max_bytes: u64, budget: u64) -> Self {
        Pass {
            path,
            entries,
            wanted,
            max_bytes,
            budget,
            found: None,
            held: Vec::new(),
            held_bytes: 0,
            failure: None,
            last_met: None,
        }
    }

    pub(super) fn step(&mut self, index: usize) -> Step {
        self.last_met = Some(index);
        let entry = &self.entries[index];
        if self.found.is_none() {
            return if index == self.wanted { Step::Keep } else { Step::Pass };
        }
        if self.budget == 0 {
            Step::Stop
        } else if entry.is_dir {
            Step::Pass
        } else if !entry.encrypted && entry.size <= self.max_bytes && self.held_bytes + entry.size <= self.budget {
            Step::Keep
        } else {
            Step::Stop
        }
    }

    /// Takes a kept entry's bytes, read bounded; false when the pass should stop.
    pub(super) fn take(&mut self, index: usize, read: Result<Vec<u8>>) -> bool {
        match read {
            Ok(bytes) => {
                self.keep(index, bytes);
                true
            }
            Err(err) => {
                if index == self.wanted {
                    self.failure = Some(err);
                }
                false
            }
        }
    }

    pub(super) fn keep(&mut self, index: usize, bytes: Vec<u8>) {
        let size = bytes.len() as u64;
        if index == self.wanted {
            if size <= self.budget {
                self.held.push((index, bytes.clone()));
                self.held_bytes += size;
            }
            self.found = Some(bytes);
        } else if self.held_bytes + size <= self.budget {
            self.held.push((index, bytes));
            self.held_bytes += size;
        }
    }

    /// The wanted entry's bytes and the entries to hold. A decoding error after the wanted
    /// entry only ends what is kept ahead.
    pub(super) fn finish(self, decoded: Result<()>) -> Result<Passed> {
        if let Some(err) = self.failure {
            return Err(err);
        }
        match (self.found, decoded) {
            (Some(bytes), Ok(())) => Ok((bytes, self.held)),
            (Some(bytes), Err(err)) if self.last_met > Some(self.wanted) => {
                tracing::debug!(path = %self.path.display(), error = %err, "decoding ahead stopped");
                Ok((bytes, self.held))
            }
            (_, Err(err)) => Err(err),
            (None, Ok(())) => Err(corrupt(self.path, format!("{} could not be read", self.entries[self.wanted].name))),
        }
    }
}

/// Entries of a solid archive decoded ahead of the reader, held within a byte budget.
pub(super) struct Window {
    budget: u64,
    /// One pass at a time; `held` is locked only briefly, so `release` never waits for a pass.
    decoding: Mutex<()>,
    held: Mutex<HashMap<usize, Vec<u8>>>,
    held_bytes: AtomicU64,
}

impl Window {
    pub(super) fn new(budget: u64) -> Self {
        Window { budget, decoding: Mutex::new(()), held: Mutex::new(HashMap::new()), held_bytes: AtomicU64::new(0) }
    }

    pub(super) fn get(&self, index: usize) -> Option<Vec<u8>> {
        lock(&self.held).get(&index).cloned()
    }

    /// Entry `index`, from what is held or from a new pass, which replaces what is held.
    pub(super) fn read(&self, new_pass: impl FnOnce(u64) -> Result<Passed>, index: usize) -> Result<Vec<u8>> {
        if let Some(bytes) = self.get(index) {
            return Ok(bytes);
        }
        let _decoding = lock(&self.decoding);
        if let Some(bytes) = self.get(index) {
            return Ok(bytes);
        }
        self.release();
        let (bytes, held) = new_pass(self.budget)?;
        let mut map = lock(&self.held);
        for (index, bytes) in held {
            self.held_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            map.insert(index, bytes);
        }
        Ok(bytes)
    }

    pub(super) fn held_bytes(&self) -> u64 {
        self.held_bytes.load(Ordering::Relaxed)
    }

    pub(super) fn release(&self) {
        let mut map = lock(&self.held);
        map.clear();
        self.held_bytes.store(0, Ordering::Relaxed);
    }
}

// ---- zip ----
