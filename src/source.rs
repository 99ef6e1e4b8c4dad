//! Finding and reading inputs.
//!
//! Inputs are files or folders; folders are walked recursively. The list
//! is sorted so that a run sees documents in the same order whatever the
//! file system returns. Only regular files are ever read: a FIFO, socket
//! or device (named, or reached through a link) is listed so that it is
//! reported as failed, but never opened for reading, and a file's size is
//! checked before its first byte is read.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobMatcher};

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
    #[error("--glob {glob:?}: {reason}")]
    Glob { glob: String, reason: String },
    #[error("cannot read file: {0}")]
    Read(std::io::Error),
    #[error("not a regular file ({kind}): only regular files are read")]
    NotRegular { kind: &'static str },
    #[error("file is larger than the limit of {limit} bytes (--max-file-bytes); not read")]
    TooLarge { limit: u64 },
    #[error(
        "the file changed while the run read it (its bytes differ from those hashed a moment before); run again"
    )]
    Changed,
}

/// One input document: where it is and how to name it in the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path as written in the output (`documents.source_path`): relative to
    /// the input folder it was found in, prefixed by that folder as given.
    /// Exact where the path is UTF-8; otherwise see [`display_path`].
    pub display: String,
    /// Path to open.
    pub path: PathBuf,
    /// Whether `display` escapes bytes of a path that is not UTF-8.
    pub escaped: bool,
}

/// How folders are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Follow symbolic links met while walking (`--follow`); links named
    /// as inputs are always followed.
    pub follow: bool,
    /// Include and exclude patterns (`--glob`), ripgrep's syntax: `!`
    /// excludes; the last pattern that matches decides; with any include
    /// pattern, a file no pattern matches is left out.
    pub globs: Vec<String>,
}

/// Compiled `--glob` patterns.
struct Filter {
    /// (matcher, include?, matches the file name only)
    globs: Vec<(GlobMatcher, bool, bool)>,
    any_include: bool,
}

impl Filter {
    fn new(patterns: &[String]) -> Result<Filter, SourceError> {
        let mut globs = Vec::new();
        for p in patterns {
            let (include, pattern) = match p.strip_prefix('!') {
                Some(rest) => (false, rest),
                None => (true, p.as_str()),
            };
            // As in ripgrep (and .gitignore): a pattern without a slash
            // matches a name at any depth; one with a slash matches the
            // path from the input folder, where `*` stays within a folder.
            let pattern = pattern.strip_prefix('/').unwrap_or(pattern);
            let name_only = !pattern.contains('/');
            let glob: Result<Glob, _> = GlobBuilder::new(pattern)
                .literal_separator(!name_only)
                .backslash_escape(true)
                .build();
            let glob = glob.map_err(|e| SourceError::Glob {
                glob: p.clone(),
                reason: e.kind().to_string(),
            })?;
            globs.push((glob.compile_matcher(), include, name_only));
        }
        Ok(Filter {
            any_include: globs.iter().any(|g| g.1),
            globs,
        })
    }

    /// Whether a file or folder (`relative` to its input folder) is kept.
    fn keeps(&self, relative: &Path, is_dir: bool) -> bool {
        let name = relative.file_name().map(Path::new).unwrap_or(relative);
        let decided = self.globs.iter().rev().find(|(glob, include, name_only)| {
            // Include patterns pick files; a folder is walked unless
            // excluded, or `*.pdf` would leave out every folder.
            (!is_dir || !include) && glob.is_match(if *name_only { name } else { relative })
        });
        match decided {
            Some((_, include, _)) => *include,
            None => is_dir || !self.any_include,
        }
    }
}

/// Lists every file under `inputs`, sorted by display path, without
/// duplicates. Hidden files and folders (name starting with `.`) found
/// while walking are skipped, as are symbolic links unless
/// `options.follow`; a file named explicitly is kept. Folders in `skip`
/// (the output folder, when it lies inside an input folder) are not
/// walked, so that one run's tables are never the next run's inputs.
pub fn discover(
    inputs: &[PathBuf],
    skip: &[&Path],
    options: &WalkOptions,
) -> Result<Vec<SourceFile>, SourceError> {
    let filter = Filter::new(&options.globs)?;
    let mut out = Vec::new();
    let mut visited: HashSet<PathBuf> = skip
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    for input in inputs {
        // A broken link named as input is a file (reported unreadable).
        let meta = fs::metadata(input)
            .or_else(|_| fs::symlink_metadata(input))
            .map_err(|_| SourceError::NotFound {
                path: input.clone(),
            })?;
        if meta.is_dir() {
            let walk = Walker {
                root: input,
                filter: &filter,
                follow: options.follow,
            };
            walk.walk(input, &mut out, &mut visited)?;
        } else {
            out.push(source_file(input.clone()));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    unshare_displays(&mut out);
    Ok(out)
}

/// Makes every display path unique. Only a UTF-8 name that reads like an
/// escape (`bad\xFF.txt`, with a real backslash) can meet the escaped
/// form of another file's name; such a name is escaped too (its `\` as
/// `\x5C`), and escaped forms are unique, since each maps back to its
/// bytes.
fn unshare_displays(files: &mut [SourceFile]) {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut shared: HashSet<String> = HashSet::new();
    for f in files.iter() {
        if !seen.insert(&f.display) {
            shared.insert(f.display.clone());
        }
    }
    if shared.is_empty() {
        return;
    }
    for f in files.iter_mut() {
        if !f.escaped && shared.contains(&f.display) {
            let bytes = f.path.as_os_str().as_encoded_bytes();
            let bytes = bytes.strip_prefix(b"./").unwrap_or(bytes);
            f.display = escape_bytes(bytes);
            f.escaped = true;
        }
    }
    files.sort();
}

struct Walker<'a> {
    root: &'a Path,
    filter: &'a Filter,
    follow: bool,
}

impl Walker<'_> {
    /// Walks a folder once: `visited` holds the folders already walked, by
    /// their real path, so that a symbolic link back up the tree (a loop)
    /// or a second link to the same folder does not walk it again.
    fn walk(
        &self,
        dir: &Path,
        out: &mut Vec<SourceFile>,
        visited: &mut HashSet<PathBuf>,
    ) -> Result<(), SourceError> {
        let real = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !visited.insert(real) {
            return Ok(());
        }
        let walk_err = |source| SourceError::Walk {
            path: dir.to_path_buf(),
            source,
        };
        let mut children = Vec::new();
        for entry in fs::read_dir(dir).map_err(walk_err)? {
            let entry = entry.map_err(walk_err)?;
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() && !self.follow {
                continue;
            }
            children.push((entry.path(), kind.is_symlink()));
        }
        children.sort();
        for (child, link) in children {
            let is_dir = if link {
                // A broken link is kept as a file so its error is reported.
                fs::metadata(&child).is_ok_and(|m| m.is_dir())
            } else {
                child.is_dir() && !child.is_symlink()
            };
            let relative = child.strip_prefix(self.root).unwrap_or(&child);
            if !self.filter.keeps(relative, is_dir) {
                continue;
            }
            if is_dir {
                self.walk(&child, out, visited)?;
            } else {
                out.push(source_file(child));
            }
        }
        Ok(())
    }
}

fn source_file(path: PathBuf) -> SourceFile {
    let (display, escaped) = display_path(&path);
    SourceFile {
        display,
        path,
        escaped,
    }
}

/// A path as the output writes it, and whether it had to be escaped. A
/// UTF-8 path is kept exactly (a `\` in a name stays a `\`). In a path
/// that is not UTF-8, each byte that is not part of valid UTF-8 is written
/// `\xHH`, and each `\` as `\x5C`, so the exact bytes can be recovered and
/// two such paths never read the same.
pub fn display_path(path: &Path) -> (String, bool) {
    let bytes = path.as_os_str().as_encoded_bytes();
    let bytes = bytes.strip_prefix(b"./").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (escape_bytes(bytes), true),
    }
}

fn escape_bytes(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                push_escaping_backslash(&mut out, s);
                return out;
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                // `good` is valid UTF-8 by construction.
                push_escaping_backslash(&mut out, &String::from_utf8_lossy(good));
                let bad = e.error_len().unwrap_or(rest.len());
                for b in &rest[..bad] {
                    out.push_str(&format!("\\x{b:02X}"));
                }
                bytes = &rest[bad..];
            }
        }
    }
}

fn push_escaping_backslash(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\x5C"),
            c => out.push(c),
        }
    }
}

/// What a file system entry is, for an error naming it.
fn kind_of(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// Opens a regular file for reading and returns it with its size, after
/// checking, before any byte is read, that it is a regular file (so that a
/// FIFO cannot block the run and a device cannot feed it forever) and no
/// larger than `max_bytes`.
pub fn open(path: &Path, max_bytes: u64) -> Result<(fs::File, u64), SourceError> {
    let check = |meta: &fs::Metadata| {
        if !meta.is_file() {
            return Err(SourceError::NotRegular {
                kind: kind_of(meta),
            });
        }
        if meta.len() > max_bytes {
            return Err(SourceError::TooLarge { limit: max_bytes });
        }
        Ok(meta.len())
    };
    check(&fs::metadata(path).map_err(SourceError::Read)?)?;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // The file may be swapped for a FIFO after the check: opening a
        // FIFO without a writer would block, but not with O_NONBLOCK,
        // which a regular file ignores.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(SourceError::Read)?;
    let len = check(&file.metadata().map_err(SourceError::Read)?)?;
    Ok((file, len))
}

/// Reads a whole regular file, refusing files larger than `max_bytes`
/// before reading them.
pub fn read(path: &Path, max_bytes: u64) -> Result<Vec<u8>, SourceError> {
    let (file, len) = open(path, max_bytes)?;
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

/// Reads a whole file whose bytes must hash to `doc_id` (as they did when
/// the run hashed them to order its work), so that the id and the content
/// always come from the same bytes.
pub fn read_as(path: &Path, max_bytes: u64, doc_id: &str) -> Result<Vec<u8>, SourceError> {
    let bytes = read(path, max_bytes)?;
    if self::doc_id(&bytes) != doc_id {
        return Err(SourceError::Changed);
    }
    Ok(bytes)
}

/// The id of a file's bytes, read as [`read`] would (same checks), without
/// holding them in memory.
pub fn hash(path: &Path, max_bytes: u64) -> Result<String, SourceError> {
    let (file, _) = open(path, max_bytes)?;
    let mut hasher = blake3::Hasher::new();
    let read = hasher
        .update_reader(file.take(max_bytes + 1))
        .map_err(SourceError::Read)?;
    if read.count() > max_bytes {
        return Err(SourceError::TooLarge { limit: max_bytes });
    }
    Ok(hasher.finalize().to_hex()[..16].to_string())
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
        let files = discover(std::slice::from_ref(&dir), &[], &WalkOptions::default()).unwrap();
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
        std::os::unix::fs::symlink("doc.txt", dir.join("a/link.txt")).unwrap();
        // Links are skipped unless followed.
        let files = discover(std::slice::from_ref(&dir), &[], &WalkOptions::default()).unwrap();
        assert_eq!(relative_names(&files, &dir), ["a/doc.txt"]);
        let follow = WalkOptions {
            follow: true,
            ..WalkOptions::default()
        };
        let files = discover(std::slice::from_ref(&dir), &[], &follow).unwrap();
        let names = relative_names(&files, &dir);
        assert_eq!(names, ["a/doc.txt", "a/link.txt"]);
        // A skipped folder (the output folder) is not walked.
        fs::create_dir_all(dir.join("out")).unwrap();
        fs::write(dir.join("out/rows.csv"), "x").unwrap();
        let files = discover(std::slice::from_ref(&dir), &[&dir.join("out")], &follow).unwrap();
        assert_eq!(files.len(), 2);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn globs_include_and_exclude_as_ripgrep_does() {
        let dir = std::env::temp_dir().join(format!("hyokasho-glob-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("drafts")).unwrap();
        fs::create_dir_all(dir.join("final/sub")).unwrap();
        for f in [
            "a.pdf",
            "a.txt",
            "drafts/b.pdf",
            "final/c.pdf",
            "final/sub/d.pdf",
        ] {
            fs::write(dir.join(f), "x").unwrap();
        }
        let names = |globs: &[&str]| {
            let options = WalkOptions {
                follow: false,
                globs: globs.iter().map(|g| g.to_string()).collect(),
            };
            let files = discover(std::slice::from_ref(&dir), &[], &options).unwrap();
            relative_names(&files, &dir)
        };
        assert_eq!(
            names(&["*.pdf", "!drafts"]),
            ["a.pdf", "final/c.pdf", "final/sub/d.pdf"]
        );
        assert_eq!(names(&["!*.pdf"]), ["a.txt"]);
        // With a slash, `*` stays within one folder.
        assert_eq!(names(&["final/*.pdf"]), ["final/c.pdf"]);
        // The last match decides; with an include pattern, a file no
        // pattern matches is left out.
        assert_eq!(names(&["!*.pdf", "a.pdf"]), ["a.pdf"]);
        assert_eq!(
            names(&["!a.pdf", "*.pdf"]),
            ["a.pdf", "drafts/b.pdf", "final/c.pdf", "final/sub/d.pdf"]
        );
        assert!(matches!(
            discover(
                std::slice::from_ref(&dir),
                &[],
                &WalkOptions {
                    follow: false,
                    globs: vec!["a[".into()]
                }
            ),
            Err(SourceError::Glob { .. })
        ));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn paths_that_are_not_utf8_are_escaped_reversibly() {
        use std::os::unix::ffi::OsStrExt;
        let p = |b: &[u8]| display_path(Path::new(std::ffi::OsStr::from_bytes(b)));
        assert_eq!(p(b"back\\slash.txt"), ("back\\slash.txt".into(), false));
        assert_eq!(p(b"./bad\xff.txt"), ("bad\\xFF.txt".into(), true));
        assert_ne!(p(b"bad\xfe.txt"), p(b"bad\xff.txt"));
        // In an escaped path a backslash is escaped too, so every `\\` starts an escape.
        assert_eq!(p(b"a\\b\xff"), ("a\\x5Cb\\xFF".into(), true));
        assert_eq!(
            p(&[b"\xe6\x97\xa5".as_slice(), b"\xe8"].concat()).0,
            "日\\xE8"
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_opened() {
        let dir = std::env::temp_dir().join(format!("hyokasho-fifo-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.txt");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read(&fifo, 100).unwrap_err();
        assert!(err.to_string().contains("a FIFO"), "{err}");
        assert!(matches!(
            hash(Path::new("/dev/zero"), 1 << 40),
            Err(SourceError::NotRegular { .. })
        ));
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
