//! Publishing a run's files: one run at a time per output folder, and a
//! switch from the previous set of files to the new one that no observer
//! can catch half done.
//!
//! - **Lock.** A run holds an exclusive `flock` on a lock file beside the
//!   output folder (`.NAME.hyokasho-lock` in its parent; the folder itself
//!   is swapped, so a lock inside it would not stay put). A second run
//!   refuses, naming the holder. The kernel drops the lock when its holder
//!   dies, so a killed run never blocks the next one; the holder removes
//!   the file when it ends.
//! - **Staging.** Every file is written into a staging folder beside the
//!   output folder (`.NAME.hyokasho-staging-PID`), removed if the run fails
//!   or is interrupted, and by the next run if it is killed.
//! - **Exchange.** When every file is written and synced, the staging
//!   folder and the output folder are exchanged in one atomic step
//!   (Linux `renameat2(RENAME_EXCHANGE)`): at every instant the output
//!   folder holds one run's complete set of files, and only that set (the
//!   tables of a format not asked for this time go with the old set). The
//!   old set, now under the staging name, is then removed.
//! - **Fallback.** Where the exchange is not available (another system, a
//!   file system without it, an output folder that is a mount point), the
//!   files are staged inside the output folder and renamed into place one
//!   by one after a synced `COMMIT` marker listing them is written; a run
//!   killed during those renames leaves a mix of old and new files until
//!   the next run into the folder, which finishes the renames first. Each
//!   file is always whole.

use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::EmitError;

/// The cache folder, carried from one set to the next.
const CACHE_DIR: &str = crate::cache::DIR_NAME;
/// The name of the commit marker in a fallback staging folder.
const COMMIT: &str = "COMMIT";

/// Why a run cannot use its output folder.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(
        "output folder {path} is in use by another hyokasho run ({holder}); wait for it to finish, or choose another folder"
    )]
    Locked { path: PathBuf, holder: String },
    #[error(
        "output folder {path} holds files hyokasho did not write ({names}); each run replaces the whole folder, so choose an empty or new folder"
    )]
    Foreign { path: PathBuf, names: String },
    #[error("output folder {path}: {reason}")]
    Unusable { path: PathBuf, reason: String },
}

/// A test-only hook: a process whose `HYOKASHO_TEST_KILL_AT` names a step
/// of publication kills itself (SIGKILL) there, so that tests can check
/// what every step leaves behind.
fn checkpoint(step: &str) {
    #[cfg(unix)]
    if std::env::var("HYOKASHO_TEST_KILL_AT").is_ok_and(|s| s == step) {
        // SAFETY: sends a signal to this process; no memory is involved.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
    let _ = step;
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> EmitError + '_ {
    move |source| EmitError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The output folder's real path, its parent and its name.
fn locate(output: &Path) -> Result<(PathBuf, PathBuf, String), EmitError> {
    let real = fs::canonicalize(output).map_err(io_err(output))?;
    let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
        return Err(EmitError::Publish(PublishError::Unusable {
            path: output.to_path_buf(),
            reason: "the root folder cannot be an output folder".into(),
        }));
    };
    let name = name.to_string_lossy().into_owned();
    Ok((parent.to_path_buf(), real.clone(), name))
}

/// The exclusive right to write one output folder, held until dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock of an output folder (which must exist), or fails
    /// naming the run that holds it.
    pub fn take(output: &Path) -> Result<OutputLock, EmitError> {
        let (parent, _, name) = locate(output)?;
        let path = parent.join(format!(".{name}.hyokasho-lock"));
        loop {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err(&path))?;
            if !try_lock(&file).map_err(io_err(&path))? {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim() {
                    "" => "a run that is starting".to_string(),
                    h => h.to_string(),
                };
                return Err(EmitError::Publish(PublishError::Locked {
                    path: output.to_path_buf(),
                    holder,
                }));
            }
            // The holder before us may have removed the file between our
            // open and our lock: a lock on a removed file locks nothing.
            if !same_file(&file, &path) {
                continue;
            }
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = write!(
                file,
                "pid {}, started {}",
                std::process::id(),
                crate::run::rfc3339(std::time::SystemTime::now())
            );
            let _ = file.flush();
            return Ok(OutputLock { file, path });
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked: a run waiting on this file sees it
        // is gone and opens a new one.
        let _ = fs::remove_file(&self.path);
        let _ = &self.file;
    }
}

#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a file descriptor we own.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EWOULDBLOCK) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(unix))]
fn try_lock(file: &File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// How a staged set reaches the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Staged beside the output folder, exchanged with it.
    Exchange,
    /// Staged inside the output folder, renamed file by file.
    Rename,
}

/// A run's staging folder: removed when dropped unless published.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    mode: Mode,
    published: bool,
}

impl Staging {
    /// Prepares an output folder (which must exist, and be locked by this
    /// run) for a new set: deals with what killed runs left, checks that
    /// it holds nothing but hyokasho's files, and creates the staging
    /// folder.
    pub fn create(output: &Path, _lock: &OutputLock) -> Result<Staging, EmitError> {
        let (parent, real, name) = locate(output)?;
        recover(&parent, &real, &name)?;
        check_only_ours(&real)?;
        let pid = std::process::id();
        let beside = parent.join(format!(".{name}.hyokasho-staging-{pid}"));
        let (dir, mode) = if exchange_possible(&parent, &real) && fs::create_dir(&beside).is_ok() {
            (beside, Mode::Exchange)
        } else {
            let inside = real.join(format!(".hyokasho-staging-{pid}"));
            let _ = fs::remove_dir_all(&inside);
            fs::create_dir(&inside).map_err(io_err(&inside))?;
            (inside, Mode::Rename)
        };
        Ok(Staging {
            dir,
            output: real,
            mode,
            published: false,
        })
    }

    /// Where the files are written.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Makes the staged files (`names`, all written and synced) the output
    /// folder's set.
    pub fn publish(mut self, names: &[String]) -> Result<(), EmitError> {
        // A file the next run would take for the user's (and refuse).
        debug_assert!(
            names.iter().all(|n| known_names().contains(n)),
            "add every output file to publish::known_names: {names:?}"
        );
        // Working files (parts of the manifest or report) are not part of
        // the set.
        for entry in fs::read_dir(&self.dir)
            .map_err(io_err(&self.dir))?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !names.contains(&name) && !name.starts_with(".hyokasho") {
                let _ = fs::remove_file(entry.path());
            }
        }
        sync_dir(&self.dir);
        checkpoint("staged");
        if self.mode == Mode::Exchange {
            let cache = self.output.join(CACHE_DIR);
            if cache.is_dir() {
                let to = self.dir.join(CACHE_DIR);
                fs::rename(&cache, &to).map_err(io_err(&to))?;
            }
            checkpoint("cache-moved");
            match exchange(&self.dir, &self.output) {
                Ok(()) => {
                    checkpoint("exchanged");
                    self.published = true;
                    if let Some(parent) = self.output.parent() {
                        sync_dir(parent);
                    }
                    // The staging name now holds the old set.
                    let _ = fs::remove_dir_all(&self.dir);
                    return Ok(());
                }
                Err(e) if exchange_unsupported(&e) => {
                    // Put the cache back; go the fallback way.
                    let _ = fs::rename(self.dir.join(CACHE_DIR), &cache);
                }
                Err(e) => return Err(io_err(&self.output)(e)),
            }
        }
        write_list(&self.dir, COMMIT, names)?;
        sync_dir(&self.dir);
        checkpoint("committed");
        self.published = true;
        commit(&self.dir, &self.output, names)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether the output folder can be exchanged with a folder beside it: on
/// the same file system (not a mount point of its own).
fn exchange_possible(parent: &Path, output: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(parent), fs::metadata(output)) {
            (Ok(p), Ok(o)) => p.dev() == o.dev(),
            _ => false,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (parent, output);
        false
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: two valid NUL-terminated paths; the call only renames.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Errors that mean "this file system cannot exchange", not "it failed".
fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if let Some(code) = e.raw_os_error() {
        return [
            libc::EINVAL,
            libc::ENOSYS,
            libc::EOPNOTSUPP,
            libc::EXDEV,
            libc::EBUSY,
        ]
        .contains(&code);
    }
    e.kind() == std::io::ErrorKind::Unsupported
}

/// Deals with what killed runs left (the lock is held, so none is live):
/// a fallback staging folder with a commit marker is committed; any other
/// staging folder is removed.
fn recover(parent: &Path, output: &Path, name: &str) -> Result<(), EmitError> {
    let beside = format!(".{name}.hyokasho-staging-");
    if let Ok(entries) = fs::read_dir(parent) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&beside) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
    let Ok(entries) = fs::read_dir(output) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(".hyokasho-staging-")
        {
            continue;
        }
        let staging = entry.path();
        match fs::read_to_string(staging.join(COMMIT)) {
            Ok(list) => commit(&staging, output, &plain_names(&list))?,
            Err(_) => {
                let _ = fs::remove_dir_all(&staging);
            }
        }
    }
    Ok(())
}

/// The plain file names of a list: the list is ours, but the folder may
/// have been tampered with, and a name must never lead out of it.
fn plain_names(list: &str) -> Vec<String> {
    list.lines()
        .filter(|n| !n.is_empty() && !n.contains(['/', '\\']) && *n != ".." && *n != ".")
        .map(str::to_string)
        .collect()
}

/// The names a set may hold: the tables of the registry in every format,
/// and the run's other files. A new kind of output file is added here.
pub fn known_names() -> Vec<String> {
    let mut names: Vec<String> = crate::schema::TABLES
        .iter()
        .flat_map(|t| [format!("{}.csv", t.name), format!("{}.jsonl", t.name)])
        .collect();
    names.extend(
        [
            "manifest.json",
            super::report::FILE_NAME,
            super::sqlite::FILE_NAME,
            "datapackage.json",
        ]
        .map(String::from),
    );
    names
}

/// Refuses an output folder that holds files hyokasho did not write:
/// publishing replaces the whole folder, and they would be lost with it.
fn check_only_ours(output: &Path) -> Result<(), EmitError> {
    let ours = known_names();
    let mut foreign: Vec<String> = fs::read_dir(output)
        .map_err(io_err(output))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".hyokasho") && !ours.contains(n))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let more = foreign.len().saturating_sub(3);
    foreign.truncate(3);
    let mut names = foreign.join(", ");
    if more > 0 {
        names.push_str(&format!(" and {more} more"));
    }
    Err(EmitError::Publish(PublishError::Foreign {
        path: output.to_path_buf(),
        names,
    }))
}

/// Writes a list of names, one a line, durably.
fn write_list(dir: &Path, file: &str, names: &[String]) -> Result<(), EmitError> {
    let path = dir.join(file);
    let mut text = String::new();
    for n in names {
        text.push_str(n);
        text.push('\n');
    }
    let io = io_err(&path);
    let mut f = File::create(&path).map_err(&io)?;
    f.write_all(text.as_bytes()).map_err(&io)?;
    f.sync_all().map_err(&io)
}

/// Moves the staged files named by a commit into the output folder,
/// removes the files of the previous set that this one does not have, and
/// removes the staging folder. Files already moved (by an interrupted
/// commit) are skipped.
fn commit(staging: &Path, dir: &Path, names: &[String]) -> Result<(), EmitError> {
    let previous = known_names();
    for name in names {
        let from = staging.join(name);
        if !from.exists() {
            continue;
        }
        let to = dir.join(name);
        fs::rename(&from, &to).map_err(io_err(&to))?;
    }
    for old in previous.iter().filter(|n| !names.contains(n)) {
        let _ = fs::remove_file(dir.join(old));
    }
    sync_dir(dir);
    let _ = fs::remove_dir_all(staging);
    Ok(())
}

/// Makes renames in a folder durable. Best effort: not every platform or
/// file system can sync a folder, and the data itself is already synced.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hyokasho-pub-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("out")).unwrap();
        dir
    }

    #[test]
    fn a_second_lock_is_refused_naming_the_holder_and_freed_on_drop() {
        let root = scratch("lock");
        let out = root.join("out");
        let lock = OutputLock::take(&out).unwrap();
        let err = OutputLock::take(&out).unwrap_err().to_string();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(lock);
        assert!(!root.join(".out.hyokasho-lock").exists());
        OutputLock::take(&out).unwrap();
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn publishing_replaces_the_whole_set_and_keeps_the_cache() {
        let root = scratch("set");
        let out = root.join("out");
        fs::write(out.join("rows.jsonl"), "old").unwrap();
        fs::write(out.join("rows.csv"), "old").unwrap();
        fs::create_dir(out.join(CACHE_DIR)).unwrap();
        fs::write(out.join(CACHE_DIR).join("x"), "cached").unwrap();
        let lock = OutputLock::take(&out).unwrap();
        let staging = Staging::create(&out, &lock).unwrap();
        fs::write(staging.path().join("rows.csv"), "new").unwrap();
        staging.publish(&["rows.csv".into()]).unwrap();
        assert_eq!(fs::read_to_string(out.join("rows.csv")).unwrap(), "new");
        assert!(
            !out.join("rows.jsonl").exists(),
            "a format not asked for stays behind"
        );
        assert_eq!(
            fs::read_to_string(out.join(CACHE_DIR).join("x")).unwrap(),
            "cached"
        );
        let left: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 2, "only the folder and the lock: {left:?}");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_dropped_staging_folder_is_removed() {
        let root = scratch("drop");
        let out = root.join("out");
        let lock = OutputLock::take(&out).unwrap();
        let staging = Staging::create(&out, &lock).unwrap();
        let path = staging.path().to_path_buf();
        fs::write(path.join("rows.csv"), "half").unwrap();
        drop(staging);
        assert!(!path.exists());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn foreign_files_are_never_replaced() {
        let root = scratch("foreign");
        let out = root.join("out");
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let lock = OutputLock::take(&out).unwrap();
        let err = Staging::create(&out, &lock).unwrap_err().to_string();
        assert!(err.contains("notes.txt"), "{err}");
        fs::remove_dir_all(&root).unwrap();
    }

    /// A fallback staging folder left by a dead process.
    fn dead_staging(dir: &Path) -> PathBuf {
        let staging = dir.join(".hyokasho-staging-4294967295");
        fs::create_dir_all(&staging).unwrap();
        staging
    }

    #[test]
    fn a_commit_cut_short_is_finished_by_the_next_run() {
        let root = scratch("rollforward");
        let dir = root.join("out");
        fs::write(dir.join("rows.csv"), "old a").unwrap();
        fs::write(dir.join("systems.csv"), "old b").unwrap();
        let staging = dead_staging(&dir);
        // Killed after rows.csv was moved, before systems.csv was.
        fs::write(dir.join("rows.csv"), "new a").unwrap();
        fs::write(staging.join("systems.csv"), "new b").unwrap();
        fs::write(staging.join(COMMIT), "rows.csv\nsystems.csv\n").unwrap();
        recover(&root, &dir, "out").unwrap();
        assert_eq!(fs::read_to_string(dir.join("rows.csv")).unwrap(), "new a");
        assert_eq!(
            fs::read_to_string(dir.join("systems.csv")).unwrap(),
            "new b"
        );
        assert!(!staging.exists());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_uncommitted_staging_folder_is_discarded() {
        let root = scratch("discard");
        let dir = root.join("out");
        fs::write(dir.join("rows.csv"), "old a").unwrap();
        let staging = dead_staging(&dir);
        fs::write(staging.join("rows.csv"), "half written").unwrap();
        let beside = root.join(".out.hyokasho-staging-4294967295");
        fs::create_dir(&beside).unwrap();
        recover(&root, &dir, "out").unwrap();
        assert_eq!(fs::read_to_string(dir.join("rows.csv")).unwrap(), "old a");
        assert!(!staging.exists() && !beside.exists());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_marker_cannot_move_files_out_of_the_staging_folder() {
        let root = scratch("tamper");
        let dir = root.join("out");
        let staging = dead_staging(&dir);
        fs::write(staging.join("x.csv"), "x").unwrap();
        // Followed, "../escape.csv" would move the output folder's own
        // escape.csv up into its parent.
        fs::write(dir.join("escape.csv"), "stays").unwrap();
        fs::write(staging.join(COMMIT), "../escape.csv\nx.csv\n").unwrap();
        recover(&root, &dir, "out").unwrap();
        assert!(dir.join("x.csv").exists());
        assert!(dir.join("escape.csv").exists());
        assert!(!root.join("escape.csv").exists());
        fs::remove_dir_all(&root).unwrap();
    }
}
