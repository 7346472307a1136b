//! RAR books (one file or split volumes), through unrar.

use std::path::{Path, PathBuf};

use super::solid::{Pass, Passed, Step, Window};
use super::volumes::{first_missing_volume, first_volume_by_name, volume_name};
use super::*;
use crate::error::{Result, SrError};

pub(super) struct RarBook {
    /// The first volume: UnRAR reads a split book from its start.
    path: PathBuf,
    entries: Vec<EntryInfo>,
    solid: bool,
    split: bool,
    window: Window,
}

/// A RAR error in words; UnRAR failing to open the next volume of a split book names it.
pub(super) fn rar_error(path: &Path, split: bool, err: unrar::error::UnrarError) -> SrError {
    use unrar::error::Code;
    match err.code {
        Code::MissingPassword | Code::BadPassword => SrError::Encrypted(path.display().to_string()),
        Code::EOpen if split => match first_missing_volume(path) {
            Some(volume) => SrError::MissingVolume { path: path.display().to_string(), volume: volume_name(&volume) },
            None => corrupt(path, err),
        },
        _ => corrupt(path, err),
    }
}

impl RarBook {
    pub(super) fn open(path: &Path, budget: u64) -> Result<Self> {
        let first = match first_volume_by_name(path) {
            Some(first) if is_later_volume(path) => first,
            _ => path.to_path_buf(),
        };
        if !first.exists() {
            return Err(SrError::MissingVolume { path: path.display().to_string(), volume: volume_name(&first) });
        }
        let listing = unrar::Archive::new(&first).open_for_listing().map_err(|e| rar_error(&first, false, e))?;
        if listing.has_encrypted_headers() {
            return Err(SrError::Encrypted(path.display().to_string()));
        }
        let solid = listing.is_solid();
        let split = listing.volume_info() != unrar::VolumeInfo::None;
        let mut entries = Vec::new();
        for header in listing {
            let header = header.map_err(|e| rar_error(&first, split, e))?;
            if entries.len() >= MAX_ENTRIES {
                return Err(corrupt(path, format!("it has more than {MAX_ENTRIES} entries")));
            }
            entries.push(EntryInfo {
                name: header.filename.to_string_lossy().replace('\\', "/"),
                size: header.unpacked_size,
                is_dir: header.is_directory(),
                encrypted: header.is_encrypted(),
            });
        }
        Ok(RarBook { path: first, entries, solid, split, window: Window::new(budget) })
    }

    pub(super) fn error(&self, err: unrar::error::UnrarError) -> SrError {
        rar_error(&self.path, self.split, err)
    }

    /// One pass from the archive's start, for entry `index`. Entries before it are skipped, or
    /// tested (decompressed) in a solid archive. UnRAR stops at each entry's declared size.
    pub(super) fn pass(&self, index: usize, max_bytes: u64, budget: u64) -> Result<Passed> {
        let mut pass = Pass::new(&self.path, &self.entries, index, max_bytes, budget);
        let decoded = self.decode(&mut pass);
        pass.finish(decoded)
    }

    pub(super) fn decode(&self, pass: &mut Pass) -> Result<()> {
        let mut archive = unrar::Archive::new(&self.path).open_for_processing().map_err(|e| self.error(e))?;
        let mut index = 0;
        while index < self.entries.len() {
            let Some(header) = archive.read_header().map_err(|e| self.error(e))? else {
                break;
            };
            if header.entry().is_split_before() {
                // The rest of a file split across volumes, met again after skipping its start.
                archive = header.skip().map_err(|e| self.error(e))?;
                continue;
            }
            archive = match pass.step(index) {
                Step::Stop => break,
                Step::Keep => {
                    // Bounded: UnRAR stops at the declared size, checked against `max_bytes`.
                    let (bytes, rest) = header.read().map_err(|e| self.error(e))?;
                    pass.take(index, Ok(bytes));
                    rest
                }
                Step::Pass if self.solid => header.test().map_err(|e| self.error(e))?,
                Step::Pass => header.skip().map_err(|e| self.error(e))?,
            };
            index += 1;
        }
        Ok(())
    }
}

impl Archive for RarBook {
    fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    fn read(&self, index: usize, max_bytes: u64) -> Result<Vec<u8>> {
        check_declared(&self.path, &self.entries[index], max_bytes)?;
        if self.solid {
            self.window.read(|budget| self.pass(index, max_bytes, budget), index)
        } else {
            self.pass(index, max_bytes, 0).map(|(bytes, _)| bytes)
        }
    }

    fn held_bytes(&self) -> u64 {
        self.window.held_bytes()
    }

    fn release(&self) {
        self.window.release();
    }
}
