//! The names a batch writes: output files from the name pattern, and the entries of a `.cbz`.
//! Names are raw bytes throughout, so names that are not UTF-8 survive.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::books::book::Book;
use crate::error::{Result, SrError};
use crate::models::options::{size_label, UpscaleOptions};
use crate::models::rules::is_auto;

pub(super) fn render(pattern: &str, stem: &[u8], options: &UpscaleOptions) -> Result<OsString> {
    let ext = options.format.extension();
    let model = options.model.trim_start_matches("MODEL_");
    // With the model `auto` each page's rule chooses its scale, after the names are made.
    let scale = if is_auto(&options.model) { "auto".to_owned() } else { size_label(options.size) };
    let scale = scale.trim_start_matches('x');
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.extend_from_slice(&rest.as_bytes()[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| SrError::InvalidOption(format!("the name pattern `{pattern}` has a `{{` without `}}`")))?;
        match &rest[start + 1..end] {
            "name" => out.extend_from_slice(stem),
            "scale" => out.extend_from_slice(scale.as_bytes()),
            "model" => out.extend_from_slice(model.as_bytes()),
            "ext" => out.extend_from_slice(ext.as_bytes()),
            other => {
                return Err(SrError::InvalidOption(format!(
                    "the name pattern `{pattern}` has `{{{other}}}`; use {{name}}, {{scale}}, {{model}} and {{ext}}"
                )))
            }
        }
        rest = &rest[end + 1..];
    }
    out.extend_from_slice(rest.as_bytes());
    if out.is_empty() || out.contains(&b'/') {
        return Err(SrError::InvalidOption(format!("the name pattern `{pattern}` must give a file name")));
    }
    Ok(OsString::from_vec(out))
}

/// A file name's stem: up to its last dot (a leading dot is part of the name, as in `.hidden`).
pub(super) fn stem_of(file: &[u8]) -> &[u8] {
    match file.iter().rposition(|&b| b == b'.') {
        Some(0) | None => file,
        Some(dot) => &file[..dot],
    }
}

/// `dir/file` of a path inside a container or tree, as (folder, file name bytes).
pub(super) fn split_page_path(relative: &Path) -> (PathBuf, Vec<u8>) {
    let folder = relative.parent().map(Path::to_path_buf).unwrap_or_default();
    let file = relative.file_name().map(|s| s.as_bytes().to_vec()).unwrap_or_else(|| b"page".to_vec());
    (folder, file)
}

/// Only the normal parts of a path inside an archive, byte for byte: never `..`, `.` or a root.
pub(super) fn safe_relative(name: &[u8]) -> Vec<u8> {
    name.split(|&b| b == b'/').filter(|part| !matches!(*part, b"" | b"." | b"..")).collect::<Vec<_>>().join(&b'/')
}

/// `name` with ` (n)` before its extension.
fn numbered(name: &[u8], n: usize) -> Vec<u8> {
    let file_start = name.iter().rposition(|&b| b == b'/').map_or(0, |slash| slash + 1);
    let stem_end = file_start + stem_of(&name[file_start..]).len();
    [&name[..stem_end], format!(" ({n})").as_bytes(), &name[stem_end..]].concat()
}

/// `name`, or the first free `name (n)`; taken from then on.
fn claim(name: Vec<u8>, taken: &mut HashSet<Vec<u8>>) -> Vec<u8> {
    let free = if taken.contains(&name) {
        (2..).map(|n| numbered(&name, n)).find(|candidate| !taken.contains(candidate)).expect("a free name")
    } else {
        name
    };
    taken.insert(free.clone());
    free
}

/// The entry names of a book exported to a `.cbz`: the extras keep theirs, and each page gets
/// its own name with the new extension. Pages whose names would meet (`01.png` and `01.jpg`,
/// or a page and an extra `01.webp`) keep their old extension too (`01.png.webp`), in page order.
pub(super) fn cbz_entry_names(book: &Book, extension: &str) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut taken = HashSet::new();
    let extras = book
        .extras
        .iter()
        .map(|extra| safe_relative(&extra.raw_name))
        .filter(|name| !name.is_empty())
        .map(|name| claim(name, &mut taken))
        .collect();
    let with_extension = |kept: &[u8]| [kept, b".", extension.as_bytes()].concat();
    let pages: Vec<(Vec<u8>, Vec<u8>)> = book
        .pages
        .iter()
        .map(|page| {
            let safe = safe_relative(&page.raw_name);
            let file_start = safe.iter().rposition(|&b| b == b'/').map_or(0, |slash| slash + 1);
            let stem_end = file_start + stem_of(&safe[file_start..]).len();
            (with_extension(&safe[..stem_end]), with_extension(&safe))
        })
        .collect();
    let mut uses: HashMap<&[u8], usize> = HashMap::new();
    for (short, _) in &pages {
        *uses.entry(short).or_default() += 1;
    }
    let pages = pages
        .iter()
        .map(|(short, long)| {
            let name = if uses[short.as_slice()] > 1 || taken.contains(short) { long } else { short };
            claim(name.clone(), &mut taken)
        })
        .collect();
    (pages, extras)
}

/// A file's target, and the one used when it would meet another: with the whole source name
/// (`01.png_x2.webp` beside `01.jpg_x2.webp`).
pub(super) struct Named {
    short: PathBuf,
    long: PathBuf,
}

impl Named {
    pub(super) fn new(folder: &Path, file: &[u8], name: impl Fn(&[u8]) -> Result<OsString>) -> Result<Named> {
        Ok(Named { short: folder.join(name(stem_of(file))?), long: folder.join(name(file)?) })
    }
}

/// Gives each file target its short name unless another target has it too; two that still meet
/// are refused, naming both.
pub(super) fn settle_names(named: &[(Named, String)], numbering: bool) -> Result<Vec<PathBuf>> {
    let mut uses: HashMap<&Path, usize> = HashMap::new();
    for (name, _) in named {
        *uses.entry(&name.short).or_default() += 1;
    }
    let chosen: Vec<PathBuf> = named
        .iter()
        .map(|(name, _)| if uses[name.short.as_path()] > 1 { name.long.clone() } else { name.short.clone() })
        .collect();
    let mut taken: HashSet<Vec<u8>> = HashSet::new();
    let mut first_label: HashMap<Vec<u8>, &str> = HashMap::new();
    let mut settled = Vec::with_capacity(chosen.len());
    for (path, (_, label)) in chosen.into_iter().zip(named) {
        let bytes = path.into_os_string().into_vec();
        if taken.contains(&bytes) && !numbering {
            return Err(SrError::InvalidOption(format!(
                "{} and {label} would both be written to {}; put {{name}} in the name pattern",
                first_label[&bytes],
                String::from_utf8_lossy(&bytes)
            )));
        }
        first_label.entry(bytes.clone()).or_insert(label);
        // Names that still meet (a folder `vol1/` beside a book `vol1.cbz`) are numbered.
        settled.push(PathBuf::from(OsString::from_vec(claim(bytes, &mut taken))));
    }
    Ok(settled)
}
