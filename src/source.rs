//! Finding and reading inputs.
//!
//! Inputs are files or folders; folders are walked recursively and every
//! regular file found is a document. The list is sorted so that a run sees
//! documents in the same order whatever the file system returns.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Errors met while finding or reading inputs.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: input not found")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read folder: {source}")]
    Walk {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read file: {0}")]
    Read(std::io::Error),
    #[error("file is larger than the limit of {limit} bytes (max_file_bytes)")]
    TooLarge { limit: u64 },
}

/// One input document: where it is and how to name it in the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path as written in the output (`documents.source_path`): relative to
    /// the input folder it was found in, prefixed by that folder as given.
    pub display: String,
    /// Path to open.
    pub path: PathBuf,
}

/// Lists every file under `inputs`, sorted by display path, without
/// duplicates. Hidden files and folders (name starting with `.`) found
/// while walking are skipped; a hidden file named explicitly is kept.
/// Folders in `skip` (the output folder, when it lies inside an input
/// folder) are not walked, so that one run's tables are never the next
/// run's inputs.
pub fn discover(inputs: &[PathBuf], skip: &[&Path]) -> Result<Vec<SourceFile>, SourceError> {
    let mut out = Vec::new();
    let mut visited: HashSet<PathBuf> = skip
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    for input in inputs {
        let meta = fs::metadata(input).map_err(|_| SourceError::NotFound {
            path: input.clone(),
        })?;
        if meta.is_dir() {
            walk(input, &mut out, &mut visited)?;
        } else {
            out.push(SourceFile {
                display: display_path(input),
                path: input.clone(),
            });
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

/// Walks a folder once: `visited` holds the folders already walked, by
/// their real path, so that a symbolic link back up the tree (a loop) or a
/// second link to the same folder does not walk it again.
fn walk(
    dir: &Path,
    out: &mut Vec<SourceFile>,
    visited: &mut HashSet<PathBuf>,
) -> Result<(), SourceError> {
    let real = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(real) {
        return Ok(());
    }
    let entries = fs::read_dir(dir).map_err(|source| SourceError::Walk {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut children = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| SourceError::Walk {
            path: dir.to_path_buf(),
            source,
        })?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        children.push(entry.path());
    }
    children.sort();
    for child in children {
        // Follow symlinks to files and folders alike; a broken link is kept
        // as a file so the read error is reported for it.
        match fs::metadata(&child) {
            Ok(m) if m.is_dir() => walk(&child, out, visited)?,
            _ => out.push(SourceFile {
                display: display_path(&child),
                path: child,
            }),
        }
    }
    Ok(())
}

fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.replace('\\', "/")
}

/// Reads a whole file, refusing files larger than `max_bytes` before
/// reading them.
pub fn read(path: &Path, max_bytes: u64) -> Result<Vec<u8>, SourceError> {
    let file = fs::File::open(path).map_err(SourceError::Read)?;
    let len = file.metadata().map_err(SourceError::Read)?.len();
    if len > max_bytes {
        return Err(SourceError::TooLarge { limit: max_bytes });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows while it is read.
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(SourceError::Read)?;
    if bytes.len() as u64 > max_bytes {
        return Err(SourceError::TooLarge { limit: max_bytes });
    }
    Ok(bytes)
}

/// The document id: 16 lowercase hex characters of the BLAKE3 hash of the
/// file's bytes, so the same bytes get the same id on every machine.
pub fn doc_id(bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes);
    hash.to_hex()[..16].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_id_is_stable_and_short() {
        assert_eq!(doc_id(b"hyokasho"), doc_id(b"hyokasho"));
        assert_ne!(doc_id(b"a"), doc_id(b"b"));
        let id = doc_id(b"");
        assert_eq!(id.len(), 16);
        // BLAKE3 of the empty input starts af1349b9f5f9a1a6.
        assert_eq!(id, "af1349b9f5f9a1a6");
    }

    /// The files' paths below `dir`.
    fn relative_names(files: &[SourceFile], dir: &Path) -> Vec<String> {
        files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    #[test]
    fn discover_walks_folders_in_sorted_order() {
        let dir = std::env::temp_dir().join(format!("hyokasho-src-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("b")).unwrap();
        fs::write(dir.join("b/2.txt"), "x").unwrap();
        fs::write(dir.join("a.txt"), "x").unwrap();
        fs::write(dir.join(".hidden"), "x").unwrap();
        let files = discover(std::slice::from_ref(&dir), &[]).unwrap();
        let names = relative_names(&files, &dir);
        assert_eq!(names, ["a.txt", "b/2.txt"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_link_loops_are_walked_once() {
        let dir = std::env::temp_dir().join(format!("hyokasho-loop-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("a")).unwrap();
        fs::write(dir.join("a/doc.txt"), "x").unwrap();
        std::os::unix::fs::symlink("..", dir.join("a/up")).unwrap();
        std::os::unix::fs::symlink("../a", dir.join("a/again")).unwrap();
        let files = discover(std::slice::from_ref(&dir), &[]).unwrap();
        let names = relative_names(&files, &dir);
        assert_eq!(names, ["a/doc.txt"]);
        // A skipped folder (the output folder) is not walked.
        fs::create_dir_all(dir.join("out")).unwrap();
        fs::write(dir.join("out/rows.csv"), "x").unwrap();
        let files = discover(std::slice::from_ref(&dir), &[&dir.join("out")]).unwrap();
        assert_eq!(files.len(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn read_refuses_large_files() {
        let path = std::env::temp_dir().join(format!("hyokasho-big-{}", std::process::id()));
        fs::write(&path, [0u8; 100]).unwrap();
        assert!(matches!(read(&path, 10), Err(SourceError::TooLarge { .. })));
        assert_eq!(read(&path, 100).unwrap().len(), 100);
        fs::remove_file(&path).unwrap();
    }
}
