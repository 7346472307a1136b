//! The volumes of a split RAR book, found by name as unrar finds them.

use std::path::{Path, PathBuf};

/// The volume that starts the set `path` belongs to, when its name says it is a later part:
/// `Book.part2.rar` → `Book.part1.rar` (digits as wide as given), `Book.r00` → `Book.rar`.
pub(super) fn first_volume_by_name(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    if let Some((prefix, digits, ext)) = split_part_name(name) {
        let number: u64 = digits.parse().ok()?;
        return (number > 1).then(|| path.with_file_name(format!("{prefix}{:0width$}{ext}", 1, width = digits.len())));
    }
    let ext = path.extension()?.to_str()?.as_bytes();
    let old_style = ext.len() == 3
        && matches!(ext[0].to_ascii_lowercase(), b'r'..=b'z')
        && ext[1..].iter().all(|b| b.is_ascii_digit());
    old_style.then(|| path.with_extension(if ext[0].is_ascii_uppercase() { "RAR" } else { "rar" }))
}

/// `Book.part02.rar` as (`Book.part`, `02`, `.rar`).
pub(super) fn split_part_name(name: &str) -> Option<(&str, &str, &str)> {
    let body_len = name.len().checked_sub(4)?;
    let ext = name.get(body_len..)?;
    if !ext.eq_ignore_ascii_case(".rar") {
        return None;
    }
    let body = &name[..body_len];
    let prefix = body.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &body[prefix.len()..];
    let is_part = prefix.len() >= 5 && prefix.get(prefix.len() - 5..).is_some_and(|p| p.eq_ignore_ascii_case(".part"));
    (!digits.is_empty() && is_part).then_some((prefix, digits, ext))
}

/// The volume after `path` in its set, as UnRAR names it.
pub(super) fn next_volume(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    if let Some((prefix, digits, ext)) = split_part_name(name) {
        let number: u64 = digits.parse().ok()?;
        return Some(path.with_file_name(format!("{prefix}{:0width$}{ext}", number + 1, width = digits.len())));
    }
    let ext = path.extension()?.to_str()?;
    if ext.eq_ignore_ascii_case("rar") {
        return Some(path.with_extension(if ext.starts_with('R') { "R00" } else { "r00" }));
    }
    let (letter, digits) = ext.split_at_checked(1)?;
    let number: u8 = digits.parse().ok()?;
    Some(match number {
        99 => path.with_extension(format!("{}00", (letter.as_bytes()[0] + 1) as char)),
        n => path.with_extension(format!("{letter}{:02}", n + 1)),
    })
}

/// The first volume of the set, from `first` on, that is not on disk (the one UnRAR asked for).
pub(super) fn first_missing_volume(first: &Path) -> Option<PathBuf> {
    let mut volume = first.to_path_buf();
    for _ in 0..10_000 {
        if !volume.exists() {
            return Some(volume);
        }
        volume = next_volume(&volume)?;
    }
    None
}

/// Whether `path` is a later part of a split RAR book (`Book.part2.rar`, `Book.r00`): its name
/// says so and its header agrees. Folder listings show the first part only, which opens the set.
pub fn is_later_volume(path: &Path) -> bool {
    // UnRAR reported a second part, opened alone, as a first volume (a test book of
    // 200-byte volumes): the name, and being a volume at all, is what counts.
    first_volume_by_name(path).is_some()
        && unrar::Archive::new(path)
            .open_for_listing()
            .is_ok_and(|listing| listing.volume_info() != unrar::VolumeInfo::None)
}

/// The first part of the split book that `path` is a later part of.
pub fn first_volume_of(path: &Path) -> Option<PathBuf> {
    first_volume_by_name(path).filter(|_| is_later_volume(path))
}

/// Whether a listing leaves `path` out: a later part whose first part is beside it and stands
/// for the set. A later part without its first part stays, so opening it names what is missing.
pub fn listed_by_its_first_volume(path: &Path) -> bool {
    first_volume_of(path).is_some_and(|first| first.is_file())
}

pub(super) fn volume_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_names_follow_unrar() {
        let p = Path::new;
        assert_eq!(first_volume_by_name(p("/b/Vol.part03.rar")), Some(PathBuf::from("/b/Vol.part01.rar")));
        assert_eq!(first_volume_by_name(p("/b/Vol.PART2.RAR")), Some(PathBuf::from("/b/Vol.PART1.RAR")));
        assert_eq!(first_volume_by_name(p("/b/Vol.part1.rar")), None);
        assert_eq!(first_volume_by_name(p("/b/Vol.r00")), Some(PathBuf::from("/b/Vol.rar")));
        assert_eq!(first_volume_by_name(p("/b/Vol.rar")), None);
        assert_eq!(first_volume_by_name(p("/b/Vol 2.rar")), None);
        assert_eq!(next_volume(p("/b/Vol.part09.rar")), Some(PathBuf::from("/b/Vol.part10.rar")));
        assert_eq!(next_volume(p("/b/Vol.rar")), Some(PathBuf::from("/b/Vol.r00")));
        assert_eq!(next_volume(p("/b/Vol.r07")), Some(PathBuf::from("/b/Vol.r08")));
        assert_eq!(next_volume(p("/b/Vol.r99")), Some(PathBuf::from("/b/Vol.s00")));
    }
}
