//! RAR 5 books written by the tests (Debian ships no RAR writer): files stored uncompressed, as
//! one archive or split into volumes, laid out as in RARLAB's "RAR 5.0 archive format".

use std::path::{Path, PathBuf};

const SIGNATURE: &[u8] = b"Rar!\x1A\x07\x01\x00";
const MAIN: u64 = 1;
const FILE: u64 = 2;
const END: u64 = 5;
/// Header flags.
const HAS_DATA: u64 = 0x0002;
const DATA_FROM_PREVIOUS: u64 = 0x0008;
const DATA_IN_NEXT: u64 = 0x0010;
/// Archive flags.
const VOLUME: u64 = 0x0001;
const VOLUME_NUMBER: u64 = 0x0002;
/// File flags.
const HAS_CRC: u64 = 0x0004;
const UNIX: u64 = 1;

fn vint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A header: CRC32, size, then `kind`, `flags` and `fields`.
fn header(out: &mut Vec<u8>, kind: u64, flags: u64, fields: &[u8]) {
    let mut body = Vec::new();
    vint(&mut body, kind);
    vint(&mut body, flags);
    body.extend_from_slice(fields);
    let mut sized = Vec::new();
    vint(&mut sized, body.len() as u64);
    sized.extend_from_slice(&body);
    out.extend_from_slice(&crc32fast::hash(&sized).to_le_bytes());
    out.extend_from_slice(&sized);
}

/// One volume's start: the signature and the main header.
fn start(number: usize, split: bool) -> Vec<u8> {
    let mut out = SIGNATURE.to_vec();
    let mut fields = Vec::new();
    match (split, number) {
        (false, _) => vint(&mut fields, 0),
        (true, 0) => vint(&mut fields, VOLUME),
        (true, n) => {
            vint(&mut fields, VOLUME | VOLUME_NUMBER);
            vint(&mut fields, n as u64);
        }
    }
    header(&mut out, MAIN, 0, &fields);
    out
}

fn end(out: &mut Vec<u8>, last: bool) {
    let mut fields = Vec::new();
    vint(&mut fields, if last { 0 } else { 1 });
    header(out, END, 0, &fields);
}

/// A piece of a stored file: the whole file, or the part of it in one volume. A part that is not
/// the last carries the CRC32 of its own data; the last carries the whole file's.
fn piece(out: &mut Vec<u8>, name: &str, file: &[u8], range: std::ops::Range<usize>) {
    let data = &file[range.clone()];
    let mut flags = HAS_DATA;
    if range.start > 0 {
        flags |= DATA_FROM_PREVIOUS;
    }
    let continues = range.end < file.len();
    if continues {
        flags |= DATA_IN_NEXT;
    }
    let crc = if continues { crc32fast::hash(data) } else { crc32fast::hash(file) };
    let mut fields = Vec::new();
    vint(&mut fields, data.len() as u64);
    vint(&mut fields, HAS_CRC);
    vint(&mut fields, file.len() as u64);
    vint(&mut fields, 0o100644);
    fields.extend_from_slice(&crc.to_le_bytes());
    vint(&mut fields, 0); // compression: version 0, stored
    vint(&mut fields, UNIX);
    vint(&mut fields, name.len() as u64);
    fields.extend_from_slice(name.as_bytes());
    header(out, FILE, flags, &fields);
    out.extend_from_slice(data);
}

/// Writes `files` into `dir` as `{stem}.cbr` or, with `volume_data`, as volumes
/// `{stem}.part1.rar`, `{stem}.part2.rar`, … holding at most that many data bytes each (files
/// are split across them). Returns the paths written, first volume first.
pub fn write_rar5(dir: &Path, stem: &str, files: &[(&str, Vec<u8>)], volume_data: Option<usize>) -> Vec<PathBuf> {
    let split = volume_data.is_some();
    let capacity = volume_data.unwrap_or(usize::MAX);
    let mut volumes = vec![start(0, split)];
    let mut room = capacity;
    for (name, bytes) in files {
        let mut offset = 0;
        loop {
            if room == 0 {
                end(volumes.last_mut().unwrap(), false);
                volumes.push(start(volumes.len(), split));
                room = capacity;
            }
            let take = room.min(bytes.len() - offset);
            piece(volumes.last_mut().unwrap(), name, bytes, offset..offset + take);
            offset += take;
            room -= take;
            if offset == bytes.len() {
                break;
            }
        }
    }
    end(volumes.last_mut().unwrap(), true);
    let paths: Vec<PathBuf> = (1..=volumes.len())
        .map(|n| dir.join(if split { format!("{stem}.part{n}.rar") } else { format!("{stem}.cbr") }))
        .collect();
    for (path, volume) in paths.iter().zip(&volumes) {
        std::fs::write(path, volume).unwrap();
    }
    paths
}
