//! Names: image extensions and natural page order. File names are kept as raw
//! bytes (`OsStr`) throughout, so names that are not UTF-8 (Shift-JIS from old archives)
//! survive; they are shown lossily.

use std::cmp::Ordering;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Image file extensions SRView lists and opens.
pub const IMAGE_EXTENSIONS: [&str; 10] = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff", "tga", "qoi"];

/// Whether a path has an image extension (any case).
pub fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    /// Numbers sort before text, by value, then by length (`02` after `2`).
    Number(u128, usize),
    Text(Vec<u8>),
}

/// The natural sort key of one name: `page2` before `page10`, case-insensitive.
pub fn natural_key(name: &[u8]) -> Vec<impl Ord> {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < name.len() {
        let start = i;
        if name[i].is_ascii_digit() {
            while i < name.len() && name[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &name[start..i];
            let value = std::str::from_utf8(digits).ok().and_then(|d| d.parse().ok()).unwrap_or(u128::MAX);
            parts.push(Part::Number(value, digits.len()));
        } else {
            while i < name.len() && !name[i].is_ascii_digit() {
                i += 1;
            }
            parts.push(Part::Text(name[start..i].to_ascii_lowercase()));
        }
    }
    parts
}

/// Compares two names in natural order.
pub fn natural_cmp(a: &OsStr, b: &OsStr) -> Ordering {
    natural_key(a.as_bytes()).cmp(&natural_key(b.as_bytes())).then_with(|| a.cmp(b))
}

/// Compares two relative paths in natural order, folder by folder (`ch2/p10` after `ch2/p2`,
/// and `ch2/…` before `ch10/…`).
pub fn natural_path_cmp(a: &Path, b: &Path) -> Ordering {
    let mut left = a.components();
    let mut right = b.components();
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match natural_cmp(x.as_os_str(), y.as_os_str()) {
                Ordering::Equal => continue,
                other => return other,
            },
        }
    }
}

/// The raw bytes of a name that is not UTF-8, as hex; `None` for a UTF-8 name.
pub fn raw_hex_if_not_utf8(name: &OsStr) -> Option<String> {
    if name.to_str().is_some() {
        return None;
    }
    Some(name.as_bytes().iter().map(|b| format!("{b:02x}")).collect())
}

/// Serialises a path as text (lossily for names that are not UTF-8).
pub fn serialize_lossy_path<S: serde::Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

pub fn serialize_lossy_path_opt<S: serde::Serializer>(
    path: &Option<std::path::PathBuf>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match path {
        Some(path) => serialize_lossy_path(path, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_for_names_and_paths() {
        let mut names: Vec<&OsStr> = ["p10.png", "p2.png", "P1.png", "p02.png"].iter().map(OsStr::new).collect();
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, ["P1.png", "p2.png", "p02.png", "p10.png"]);
        let mut paths: Vec<&Path> =
            ["ch10/p1.png", "ch2/p10.png", "ch2/p2.png", "ch1.png"].iter().map(Path::new).collect();
        paths.sort_by(|a, b| natural_path_cmp(a, b));
        assert_eq!(
            paths,
            [Path::new("ch1.png"), Path::new("ch2/p2.png"), Path::new("ch2/p10.png"), Path::new("ch10/p1.png")]
        );
    }
}
