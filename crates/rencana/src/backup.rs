//! `rencana backup --to FILE`: the database as one consistent SQLite file, and beside it, in the
//! folder `FILE.attachments`, the photos and signed scans of the data directory. Attachments are
//! kept under their SHA-256 and never change, and each is stored before the row naming it is
//! committed, so a copy taken after the database's snapshot holds every file the snapshot names.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use store::Store;

/// What a backup wrote.
#[derive(Debug)]
pub struct BackedUp {
    pub database: PathBuf,
    pub attachments: PathBuf,
    /// How many files the attachments folder holds.
    pub files: usize,
}

/// The folder beside a backup file that holds its attachments.
pub fn attachments_beside(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".attachments");
    PathBuf::from(name)
}

/// Writes the backup of `store`, whose data directory is `data_dir`, to `to` and its folder.
pub async fn backup(store: &Store, data_dir: &Path, to: &Path) -> anyhow::Result<BackedUp> {
    let attachments = attachments_beside(to);
    if attachments.exists() {
        bail!("{} already exists; choose a new file", attachments.display());
    }
    store.backup_to(to).await?;
    let source = data_dir.join("attachments");
    let files = if source.exists() { files_under(&source, Path::new(""))? } else { Vec::new() };
    copy_files(&source, &files, &attachments)?;
    std::fs::create_dir_all(&attachments).with_context(|| format!("cannot create {}", attachments.display()))?;
    Ok(BackedUp { database: to.to_path_buf(), attachments, files: files.len() })
}

/// Every file under `root` (`photos|scans/ab/abcd…`), each checked to be what its name says: the
/// SHA-256 of its bytes. Anything else there is refused, naming it.
pub fn checked_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for relative in files_under(root, Path::new(""))? {
        let parts: Vec<&str> = relative.iter().filter_map(|p| p.to_str()).collect();
        let well_placed = matches!(parts.as_slice(), [shelf, prefix, name]
            if ["photos", "scans"].contains(shelf)
                && name.len() == 64
                && name.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                && name.starts_with(prefix));
        if !well_placed {
            bail!("{} is not a Rencana attachment: nothing restored", root.join(&relative).display());
        }
        let bytes =
            std::fs::read(root.join(&relative)).with_context(|| format!("cannot read {}", relative.display()))?;
        if hex::encode(Sha256::digest(&bytes)) != parts[2] {
            bail!(
                "{} does not hold the file its name promises (its SHA-256 differs): nothing restored",
                root.join(&relative).display()
            );
        }
        files.push(relative);
    }
    Ok(files)
}

/// Copies `files` (paths relative to `from`) into the same places under `to`, leaving files
/// already there (the same name is the same content).
pub fn copy_files(from: &Path, files: &[PathBuf], to: &Path) -> anyhow::Result<()> {
    for relative in files {
        let target = to.join(relative);
        if target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        // Written under a temporary name and renamed, so that a copy cut short leaves no file
        // under a name its bytes do not match.
        let partial = target.with_extension("partial");
        std::fs::copy(from.join(relative), &partial)
            .with_context(|| format!("cannot copy to {}", partial.display()))?;
        std::fs::rename(&partial, &target).with_context(|| format!("cannot put {} in place", target.display()))?;
    }
    Ok(())
}

/// The files under `root/relative`, as paths relative to `root`.
fn files_under(root: &Path, relative: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let dir = root.join(relative);
    for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let path = relative.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            files.extend(files_under(root, &path)?);
        } else {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
