//! Finding and reading rule files: a clone of a vendor's public repository,
//! or any folder of rule files (a team's private rules, flat or nested).
//!
//! A folder that has the upstream repository's rule folders is read the
//! upstream way (only those folders, without their deprecated parts); any
//! other folder is walked whole. Either way, files whose extension is not the
//! vendor's are listed as skipped, with the reason, for the build report.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use atlas_catalog::Vendor;
use walkdir::WalkDir;

use atlas_frontend::Repository;
use atlas_frontend::limits::MAX_FILE_BYTES;

/// The files of one source folder.
#[derive(Debug, Default)]
pub struct Listing {
    /// Files to read as rules, sorted.
    pub files: Vec<PathBuf>,
    /// Files that are not rule files, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Whether the folder has the upstream repository's layout.
    pub upstream: bool,
}

/// Lists the rule files under `root`. Hidden files and folders (`.git`,
/// `.github`) are passed over without a word; they are never rules.
pub fn list(root: &Path, layout: &Repository) -> Listing {
    let tops: Vec<PathBuf> =
        layout.rule_folders.iter().map(|folder| root.join(folder)).filter(|dir| dir.is_dir()).collect();
    let upstream = !tops.is_empty();
    let tops = if upstream { tops } else { vec![root.to_path_buf()] };
    let excluded: Vec<PathBuf> = layout.excluded.iter().map(|folder| root.join(folder)).collect();
    let mut listing = Listing { upstream, ..Listing::default() };
    for top in tops {
        let walker = WalkDir::new(&top)
            .follow_links(false)
            .into_iter()
            .filter_entry(|entry| !(is_hidden(entry) || excluded.iter().any(|dir| entry.path() == dir)));
        for entry in walker.filter_map(Result::ok).filter(|entry| entry.file_type().is_file()) {
            let path = entry.into_path();
            match path.extension().and_then(|e| e.to_str()) {
                Some(ext) if layout.extensions.contains(&ext) => listing.files.push(path),
                other => {
                    let reason = match other {
                        Some(ext) => format!("not a rule file (.{ext})"),
                        None => "not a rule file (no extension)".to_owned(),
                    };
                    listing.skipped.push((path, reason));
                }
            }
        }
    }
    listing.files.sort();
    listing.skipped.sort();
    listing
}

/// The rule files of a vendor's folder (see [`list`]).
pub fn rule_files(root: &Path, vendor: Vendor) -> Vec<PathBuf> {
    list(root, atlas_frontend::repository(vendor)).files
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_str().is_some_and(|name| name.starts_with('.'))
}

/// The commit a source folder is checked out at, and that commit's date,
/// when the folder is the top of a git work tree (a clone of the public
/// repository). Nothing for a plain folder, or one inside another
/// repository, or when `git` is not installed.
pub fn git_revision(folder: &Path) -> Option<(String, String)> {
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git").arg("-C").arg(folder).args(args).output().ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
    if top.canonicalize().ok()? != folder.canonicalize().ok()? {
        return None;
    }
    let line = git(&["log", "-1", "--format=%H %cI"])?;
    let (commit, date) = line.split_once(' ')?;
    Some((commit.to_owned(), date.to_owned()))
}

/// Why a rule file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
    /// A file larger than any rule (a data dump, an attack on the build).
    #[error("the file is larger than the limit of {MAX_FILE_BYTES} bytes")]
    TooLarge,
}

/// Reads a rule file as text (invalid UTF-8 replaced), refusing files over
/// [`MAX_FILE_BYTES`] without reading them whole.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_files_are_refused_without_reading_them_whole() {
        let dir = std::env::temp_dir().join(format!("atlas-sources-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.yml");
        std::fs::write(&big, vec![b'a'; MAX_FILE_BYTES + 1]).unwrap();
        assert!(matches!(read_text(&big), Err(ReadError::TooLarge)));
        let small = dir.join("small.yml");
        std::fs::write(&small, b"title: x\xff").unwrap();
        assert_eq!(read_text(&small).unwrap(), "title: x\u{fffd}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
