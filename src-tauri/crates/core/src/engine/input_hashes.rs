//! The blake3 of inputs already read, by their identity (path, size, modification time, and
//! entry for a page of a book), so asking whether a page is cached does not read it again.
//! Bounded: past `CAPACITY` the oldest are forgotten.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::sync::lock;

/// About 3 MB at most: identities are paths of a few hundred bytes.
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub(crate) struct InputHashes {
    inner: Mutex<Remembered>,
}

#[derive(Default)]
struct Remembered {
    by_identity: HashMap<String, blake3::Hash>,
    oldest_first: VecDeque<String>,
}

impl InputHashes {
    pub(crate) fn get(&self, identity: &str) -> Option<blake3::Hash> {
        lock(&self.inner).by_identity.get(identity).copied()
    }

    pub(crate) fn remember(&self, identity: String, hash: blake3::Hash) {
        let mut inner = lock(&self.inner);
        if inner.by_identity.insert(identity.clone(), hash).is_some() {
            return;
        }
        inner.oldest_first.push_back(identity);
        while inner.oldest_first.len() > CAPACITY {
            if let Some(oldest) = inner.oldest_first.pop_front() {
                inner.by_identity.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_up_to_its_capacity_and_forgets_the_oldest() {
        let hashes = InputHashes::default();
        for i in 0..=CAPACITY {
            hashes.remember(format!("page {i}"), blake3::hash(&i.to_le_bytes()));
        }
        assert_eq!(hashes.get("page 0"), None, "the oldest is forgotten");
        assert_eq!(hashes.get("page 1"), Some(blake3::hash(&1usize.to_le_bytes())));
        assert_eq!(hashes.get(&format!("page {CAPACITY}")), Some(blake3::hash(&CAPACITY.to_le_bytes())));
        assert_eq!(lock(&hashes.inner).oldest_first.len(), CAPACITY);
    }
}
