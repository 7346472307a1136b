//! Zip books, read one entry at a time from the file or from memory.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::*;
use crate::error::Result;
use crate::sync::lock;

pub(super) struct ZipBook {
    path: PathBuf,
    archive: Mutex<zip::ZipArchive<Box<dyn ReadSeek>>>,
    entries: Vec<EntryInfo>,
    methods: Vec<zip::CompressionMethod>,
    raw_names: Vec<Vec<u8>>,
}

/// Whether SRView's zip reader decompresses `method`.
pub(super) fn zip_reads(method: zip::CompressionMethod) -> bool {
    use zip::CompressionMethod as M;
    matches!(method, M::Stored | M::Deflated | M::Deflate64 | M::Bzip2 | M::Lzma | M::Xz | M::Ppmd)
}

/// A zip method's name as people know it.
pub(super) fn zip_method_name(method: zip::CompressionMethod) -> String {
    match method.to_string().as_str() {
        "Zstd" => "Zstandard".into(),
        "Unknown" => "an unknown".into(),
        name => name.into(),
    }
}

impl ZipBook {
    /// Lists the entries from the central directory alone: no entry's local header is read
    /// until that entry is.
    pub(super) fn open(path: &Path, archive: zip::ZipArchive<Box<dyn ReadSeek>>) -> Result<Self> {
        if archive.len() > MAX_ENTRIES {
            return Err(corrupt(path, format!("it has {} entries, more than {MAX_ENTRIES}", archive.len())));
        }
        let mut entries = Vec::with_capacity(archive.len());
        let mut methods = Vec::with_capacity(archive.len());
        let mut raw_names = Vec::with_capacity(archive.len());
        for i in 0..archive.len() {
            let entry = archive.by_index_data(i).map_err(|e| corrupt(path, e))?;
            raw_names.push(entry.name_raw().iter().map(|&b| if b == b'\\' { b'/' } else { b }).collect());
            entries.push(EntryInfo {
                name: String::from_utf8_lossy(entry.name_raw()).replace('\\', "/"),
                size: entry.size(),
                is_dir: entry.is_dir(),
                encrypted: entry.encrypted(),
            });
            methods.push(entry.compression());
        }
        Ok(ZipBook { path: path.to_path_buf(), archive: Mutex::new(archive), entries, methods, raw_names })
    }
}

impl Archive for ZipBook {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        let entry = &self.entries[index];
        check_declared(&self.path, entry, max_bytes)?;
        if !zip_reads(self.methods[index]) {
            return Err(unsupported(&self.path, &zip_method_name(self.methods[index])));
        }
        let mut archive = lock(&self.archive);
        let mut file = archive.by_index(index).map_err(|e| corrupt(&self.path, e))?;
        read_bounded(&self.path, entry, &mut file, max_bytes)
    }

    fn raw_name(&self, index: usize) -> Vec<u8> {
        self.raw_names[index].clone()
    }
}

// ---- 7z ----
