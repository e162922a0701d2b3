//! `rencana restore --from FILE`: puts a backup written by `rencana backup` back as the data
//! directory's database, only once the copy opens, migrates to this release's schema and every
//! pemda's journal verifies; the database it replaces is kept beside it, never deleted. The
//! photos and scans in the backup's `FILE.attachments` folder come back too, each checked first
//! against its name (its SHA-256), and every photo and scan the record names must be there (in
//! that folder or already in the data directory) unless the operator accepts their loss.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use store::Store;
use store::attachments::{MissingAttachments, Shelf};

/// How to restore.
#[derive(Debug, Default, Clone, Copy)]
pub struct Options {
    /// Restore over a database that is there (it is kept, not deleted).
    pub replace: bool,
    /// Restore even when photos or scans the record names are in neither the backup's folder
    /// nor the data directory (they were lost with the disk): their pages then show them missing.
    pub accept_missing_attachments: bool,
}

/// How many missing attachments a refusal names.
const MISSING_NAMED: usize = 5;

/// What a restore put in place.
#[derive(Debug)]
pub struct Restored {
    pub database: PathBuf,
    /// Where the database it replaced was moved, if there was one.
    pub kept: Option<PathBuf>,
    /// Each pemda's code and its journal's length.
    pub pemda: Vec<(String, i64)>,
    /// How many attachments the backup's folder held (all now in the data directory), or
    /// `None` when the backup has no folder (written before backups carried attachments).
    pub attachments: Option<usize>,
    /// How many of the photos and scans the record names are missing (accepted).
    pub missing_attachments: u64,
}

/// SQLite's files beside a database: its write-ahead log and its shared memory.
fn companions(database: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [with("-wal"), with("-shm")]
}

/// Restores `from` as `data_dir/rencana.db`. With a database already there, only when
/// `options.replace`; that one is moved to `rencana.db.before-restore-<unix time>` with its
/// companions. The server must be stopped meanwhile.
pub async fn restore(
    from: &Path,
    data_dir: &Path,
    options: Options,
    now: time::OffsetDateTime,
) -> anyhow::Result<Restored> {
    let header = std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    if !header.starts_with(b"SQLite format 3\0") {
        bail!(
            "{} is not a Rencana backup (not an SQLite database); a PostgreSQL dump is restored with pg_restore",
            from.display()
        );
    }
    drop(header);
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    let database = data_dir.join("rencana.db");
    if database.exists() && !options.replace {
        bail!(
            "{} already holds a database; pass --replace to restore over it (it is kept as rencana.db.before-restore-…)",
            database.display()
        );
    }
    // The copy is checked where it will live, under another name, before anything is replaced.
    let staged = data_dir.join(format!("rencana.db.restoring-{}", now.unix_timestamp()));
    std::fs::copy(from, &staged).with_context(|| format!("cannot copy {} to {}", from.display(), staged.display()))?;
    let beside = crate::backup::attachments_beside(from);
    let shelves = [beside.clone(), data_dir.join("attachments")];
    let present = |shelf: Shelf, sha256: &str| shelves.iter().any(|root| root.join(shelf.place(sha256)).is_file());
    let checked = check(&staged, present).await.and_then(|(pemda, missing)| {
        if missing.missing > 0 && !options.accept_missing_attachments {
            bail!(
                "the backup's record names {} of its {} photos and scans that are in neither {} nor {} (the first: {}): \
                 not restored; put them in place, or pass --accept-missing-attachments to restore without them",
                missing.missing,
                missing.named,
                shelves[0].display(),
                shelves[1].display(),
                missing.first.join(", ")
            );
        }
        Ok((pemda, missing.missing))
    });
    let (pemda, missing_attachments) = match checked {
        Ok(checked) => checked,
        Err(error) => {
            for file in [staged.clone()].into_iter().chain(companions(&staged)) {
                let _ = std::fs::remove_file(file);
            }
            return Err(error);
        }
    };
    for file in companions(&staged) {
        let _ = std::fs::remove_file(file);
    }
    // The attachments are checked before anything is replaced, and copied in before the
    // database that names them: a file without its row is harmless, a row without its file not.
    let attachments = if beside.is_dir() {
        let checked = crate::backup::checked_files(&beside).and_then(|files| {
            crate::backup::copy_files(&beside, &files, &data_dir.join("attachments")).map(|()| files.len())
        });
        match checked {
            Ok(count) => Some(count),
            Err(error) => {
                let _ = std::fs::remove_file(&staged);
                return Err(error);
            }
        }
    } else {
        None
    };
    let kept = if database.exists() {
        let kept = data_dir.join(format!("rencana.db.before-restore-{}", now.unix_timestamp()));
        std::fs::rename(&database, &kept).with_context(|| format!("cannot move {} aside", database.display()))?;
        for (from, to) in companions(&database).into_iter().zip(companions(&kept)) {
            if from.exists() {
                std::fs::rename(&from, &to).with_context(|| format!("cannot move {} aside", from.display()))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&staged, &database).with_context(|| format!("cannot put {} in place", database.display()))?;
    Ok(Restored { database, kept, pemda, attachments, missing_attachments })
}

/// Opens the copy (which brings its schema up to this release's), verifies every pemda's
/// journal from its first entry, and looks for each photo and scan it names with `present`.
async fn check(
    staged: &Path,
    present: impl Fn(Shelf, &str) -> bool,
) -> anyhow::Result<(Vec<(String, i64)>, MissingAttachments)> {
    let store = Store::open(&format!("sqlite://{}", staged.display()))
        .await
        .with_context(|| format!("{} does not open as a Rencana database", staged.display()))?;
    let verified = async {
        let pemda = verify_every_journal(&store).await?;
        Ok((pemda, store.missing_attachments(present, MISSING_NAMED).await?))
    }
    .await;
    // Closed before the copy is moved into place or removed, whatever the verdict.
    store.close().await?;
    verified
}

async fn verify_every_journal(store: &Store) -> anyhow::Result<Vec<(String, i64)>> {
    let mut pemda = Vec::new();
    for summary in store.all_pemda().await? {
        let report = store.verify_chain(&summary.code).await?;
        if !report.valid {
            bail!(
                "the backup's journal of {} is broken at entry {}: not restored",
                summary.code,
                report.first_broken.unwrap_or_default()
            );
        }
        pemda.push((summary.code.to_string(), report.events));
    }
    Ok(pemda)
}
