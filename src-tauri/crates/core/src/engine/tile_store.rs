//! Finished tiles of pages that are not finished yet, kept in memory (least recently used go
//! first past a byte cap), so a page the reader leaves and comes back to resumes where it was.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::sync::lock;

/// 96 MiB of encoded tiles: the work of 5 to 30 pages of 2 MP at 2× (a tile's PNG is 0.2 to
/// 1.5 MB), more than a reader comes back to; measured by `cargo bench -p srview-cli --bench
/// reader_memory`.
pub const DEFAULT_CAPACITY: usize = 96 * 1024 * 1024;

#[derive(Default)]
struct Inner {
    tiles: HashMap<String, (Arc<Vec<u8>>, u64)>,
    bytes: usize,
    clock: u64,
}

pub struct TileStore {
    inner: Mutex<Inner>,
    capacity: usize,
}

impl TileStore {
    pub fn new(capacity: usize) -> Self {
        TileStore { inner: Mutex::new(Inner::default()), capacity }
    }

    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        let mut inner = lock(&self.inner);
        inner.clock += 1;
        let now = inner.clock;
        let entry = inner.tiles.get_mut(key)?;
        entry.1 = now;
        Some(entry.0.clone())
    }

    pub fn put(&self, key: String, bytes: Arc<Vec<u8>>) {
        let mut inner = lock(&self.inner);
        inner.clock += 1;
        let now = inner.clock;
        inner.bytes += bytes.len();
        if let Some((old, _)) = inner.tiles.insert(key, (bytes, now)) {
            inner.bytes -= old.len();
        }
        while inner.bytes > self.capacity {
            let Some(oldest) = inner.tiles.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone()) else {
                break;
            };
            if let Some((gone, _)) = inner.tiles.remove(&oldest) {
                inner.bytes -= gone.len();
            }
        }
    }

    pub fn remove(&self, key: &str) {
        let mut inner = lock(&self.inner);
        if let Some((gone, _)) = inner.tiles.remove(key) {
            inner.bytes -= gone.len();
        }
    }

    pub fn len(&self) -> usize {
        lock(&self.inner).tiles.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_recently_used_tiles_go_first() {
        let store = TileStore::new(10);
        store.put("a".into(), Arc::new(vec![0; 4]));
        store.put("b".into(), Arc::new(vec![0; 4]));
        assert!(store.get("a").is_some());
        store.put("c".into(), Arc::new(vec![0; 4]));
        assert!(store.get("b").is_none(), "b was least recently used");
        assert!(store.get("a").is_some() && store.get("c").is_some());
        store.remove("a");
        assert_eq!(store.len(), 1);
    }
}
