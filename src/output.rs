//! Output: the only file writer. Every file appears whole or not at all (a temporary file in the same
//! folder, then a rename); existing files are replaced only when asked.
//!
//! Temporary files are named `.foiredact-XXXXXX.tmp`, or `.foiredact-<tag>-XXXXXX.tmp` for a writer
//! with a tag (a shard's: `shard-2-of-8`), so that shards writing into one output folder at once
//! each clean up only what a killed run of their own left ([`remove_temp_files`]), never another
//! shard's file in the making.

use crate::error::{Error, ErrorKind, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically. Without `overwrite`, an existing file is an error. The file is
/// readable by its owner only (redacted outputs and logs are not yet for the public).
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    write_file(path, bytes, overwrite, false)
}

/// [`write_atomic`] for a release: the file is readable by everyone (mode 0644 on Unix), as a web
/// server that serves the folder needs.
pub fn write_public(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    write_file(path, bytes, overwrite, true)
}

/// [`write_atomic`] for a file written piece by piece (`fill` writes it; a large schedule never has to
/// be held in memory whole).
/// Its temporary file carries `tag` (see the module's doc).
pub fn write_atomic_with(
    path: &Path,
    overwrite: bool,
    tag: Option<&str>,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    write_file_with(path, overwrite, false, tag, fill)
}

/// [`write_atomic`] whose temporary file carries `tag` (see the module's doc).
pub fn write_atomic_tagged(
    path: &Path,
    bytes: &[u8],
    overwrite: bool,
    tag: Option<&str>,
) -> Result<()> {
    write_file_with(path, overwrite, false, tag, |w| {
        w.write_all(bytes)
            .map_err(|e| Error::from(e).with_path(path))
    })
}

fn write_file(path: &Path, bytes: &[u8], overwrite: bool, public: bool) -> Result<()> {
    write_file_with(path, overwrite, public, None, |w| {
        w.write_all(bytes)
            .map_err(|e| Error::from(e).with_path(path))
    })
}

/// The start of the name of a temporary file with `tag`.
fn temp_prefix(tag: Option<&str>) -> String {
    match tag {
        Some(t) => format!("{TEMP_PREFIX}{t}-"),
        None => TEMP_PREFIX.to_string(),
    }
}

const TEMP_PREFIX: &str = ".foiredact-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes the temporary files a killed run left under `out`: with a tag, only those with that
/// tag (another shard may be writing its own at this moment); without, every one.
pub fn remove_temp_files(out: &Path, tag: Option<&str>) {
    let prefix = temp_prefix(tag);
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let n = e.file_name().to_string_lossy();
        if e.file_type().is_file() && n.starts_with(&prefix) && n.ends_with(TEMP_SUFFIX) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn write_file_with(
    path: &Path,
    overwrite: bool,
    public: bool,
    tag: Option<&str>,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::from(e).with_path(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(tag))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| Error::from(e).with_path(dir))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w)?;
        w.flush().map_err(|e| Error::from(e).with_path(path))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::from(e).with_path(path))?;
    #[cfg(unix)]
    if public {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::from(e).with_path(path))?;
    }
    #[cfg(not(unix))]
    let _ = public;
    if overwrite {
        tmp.persist(path)
            .map_err(|e| Error::from(e.error).with_path(path))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::new(ErrorKind::Exists(path.to_path_buf()))
            } else {
                Error::from(e.error).with_path(path)
            }
        })?;
    }
    Ok(())
}

/// Removes outputs of an earlier run that this run does not produce (so a stale Part 2 is never left
/// beside a fresh Part 1).
pub fn remove_stale(paths: &[&PathBuf]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}

/// One input's files for the [`Writer`]: written in order (its log last: the mark that the group is
/// whole, which `--resume` reads), then `stale` outputs of an earlier run removed.
pub struct Group {
    /// The caller's number for the group, returned with its error.
    pub id: usize,
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub overwrite: bool,
    pub stale: Vec<PathBuf>,
}

/// Writes groups of files in a thread of its own, so that a worker goes on to its next input while the
/// disk catches up with the last one (each file is synced before it is renamed into place, and a
/// sync takes milliseconds during which a worker that wrote its own files did nothing). At most
/// `capacity` groups wait; `send` blocks beyond that, which keeps memory bounded.
pub struct Writer {
    tx: std::sync::mpsc::SyncSender<Group>,
    handle: std::thread::JoinHandle<Vec<(usize, Error)>>,
    tag: Option<String>,
}

impl Writer {
    /// A writer whose temporary files carry `tag` (see the module's doc).
    pub fn new(capacity: usize, tag: Option<String>) -> Writer {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Group>(capacity.max(1));
        let t = tag.clone();
        let handle = std::thread::spawn(move || {
            let mut failed = Vec::new();
            for g in rx {
                if let Err(e) = write_group(&g, t.as_deref()) {
                    failed.push((g.id, e));
                }
            }
            failed
        });
        Writer { tx, handle, tag }
    }

    /// Queues a group. If the writer thread is gone (it cannot be, short of a panic), the group is
    /// written here instead.
    pub fn send(&self, g: Group) -> Result<()> {
        match self.tx.send(g) {
            Ok(()) => Ok(()),
            Err(std::sync::mpsc::SendError(g)) => write_group(&g, self.tag.as_deref()),
        }
    }

    /// Waits for every queued group to be written; returns the groups that failed, with why. Nothing
    /// of a failed group is left. If the writer thread itself stopped, one entry with id `usize::MAX`
    /// says so: which groups it wrote is then unknown.
    pub fn finish(self) -> Vec<(usize, Error)> {
        let Writer { tx, handle, .. } = self;
        drop(tx);
        handle.join().unwrap_or_else(|_| {
            vec![(
                usize::MAX,
                Error::new(ErrorKind::Internal("the writer thread stopped".into())),
            )]
        })
    }
}

fn write_group(g: &Group, tag: Option<&str>) -> Result<()> {
    let mut written: Vec<&PathBuf> = Vec::new();
    for (p, b) in &g.files {
        if let Err(e) = write_atomic_tagged(p, b, g.overwrite, tag) {
            remove_stale(&written);
            return Err(e);
        }
        written.push(p);
    }
    remove_stale(&g.stale.iter().collect::<Vec<_>>());
    Ok(())
}

/// A path as it will be once created: its longest existing prefix resolved (links, `..`), the rest
/// appended (a `..` in the rest taken lexically).
pub fn resolved(path: &Path) -> std::io::Result<PathBuf> {
    use std::path::Component;
    let comps: Vec<Component<'_>> = path.components().collect();
    let mut k = comps.len();
    let prefix = |k: usize| -> PathBuf {
        let p: PathBuf = comps[..k].iter().collect();
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p
        }
    };
    while k > 0 && !prefix(k).exists() {
        k -= 1;
    }
    let mut full = prefix(k).canonicalize()?;
    for c in &comps[k..] {
        match c {
            Component::ParentDir => {
                full.pop();
            }
            Component::CurDir => {}
            c => full.push(c.as_os_str()),
        }
    }
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_refuses_to_clobber() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("a/b.pdf");
        write_atomic(&p, b"one", false).expect("first write");
        let e = write_atomic(&p, b"two", false).expect_err("second write must fail");
        assert!(matches!(e.kind, ErrorKind::Exists(_)));
        assert_eq!(std::fs::read(&p).expect("read"), b"one");
        write_atomic(&p, b"two", true).expect("overwrite");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(d.path().join("a"))
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    /// A shard removes only its own temporary files: another shard's, in the making in the same
    /// folder, stay (their rename would fail); an unsharded run removes every one.
    #[test]
    fn a_shard_removes_only_its_own_temporary_files() {
        let d = tempfile::tempdir().expect("tempdir");
        let sub = d.path().join("sub");
        std::fs::create_dir_all(&sub).expect("mkdir");
        let names = [
            ".foiredact-shard-1-of-3-abc.tmp",
            ".foiredact-shard-2-of-3-abc.tmp",
            ".foiredact-shard-1-of-30-abc.tmp",
            ".foiredact-abc.tmp",
            "keep.tmp",
        ];
        for n in names {
            std::fs::write(sub.join(n), b"x").expect("write");
        }
        let left = || -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(&sub)
                .expect("dir")
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        remove_temp_files(d.path(), Some("shard-1-of-3"));
        assert_eq!(
            left(),
            [
                ".foiredact-abc.tmp",
                ".foiredact-shard-1-of-30-abc.tmp",
                ".foiredact-shard-2-of-3-abc.tmp",
                "keep.tmp"
            ]
        );
        remove_temp_files(d.path(), None);
        assert_eq!(left(), ["keep.tmp"]);
        // A tagged writer's temporary file carries its tag (and is gone once the file is written).
        let p = sub.join("out.pdf");
        write_atomic_with(&p, false, Some("shard-2-of-3"), |w| {
            let in_the_making = left();
            assert!(
                in_the_making
                    .iter()
                    .any(|n| n.starts_with(".foiredact-shard-2-of-3-") && n.ends_with(".tmp")),
                "{in_the_making:?}"
            );
            w.write_all(b"pdf").map_err(Error::from)
        })
        .expect("write");
        assert_eq!(left(), ["keep.tmp", "out.pdf"]);
    }
}
