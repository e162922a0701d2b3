//! `rencana restore --from FILE`: puts a backup written by `rencana backup` back as the data
//! directory's database, only once the copy opens, migrates to this release's schema and every
//! pemda's journal verifies; the database it replaces is kept beside it, never deleted. The
//! photos and scans in the backup's `FILE.attachments` folder come back too, each checked first
//! against its name (its SHA-256).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use store::Store;

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
/// `replace`; that one is moved to `rencana.db.before-restore-<unix time>` with its companions.
/// The server must be stopped meanwhile.
pub async fn restore(
    from: &Path,
    data_dir: &Path,
    replace: bool,
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
    if database.exists() && !replace {
        bail!(
            "{} already holds a database; pass --replace to restore over it (it is kept as rencana.db.before-restore-…)",
            database.display()
        );
    }
    // The copy is checked where it will live, under another name, before anything is replaced.
    let staged = data_dir.join(format!("rencana.db.restoring-{}", now.unix_timestamp()));
    std::fs::copy(from, &staged).with_context(|| format!("cannot copy {} to {}", from.display(), staged.display()))?;
    let checked = check(&staged).await;
    let pemda = match checked {
        Ok(pemda) => pemda,
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
    let beside = crate::backup::attachments_beside(from);
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
    Ok(Restored { database, kept, pemda, attachments })
}

/// Opens the copy (which brings its schema up to this release's) and verifies every pemda's
/// journal from its first entry.
async fn check(staged: &Path) -> anyhow::Result<Vec<(String, i64)>> {
    let store = Store::open(&format!("sqlite://{}", staged.display()))
        .await
        .with_context(|| format!("{} does not open as a Rencana database", staged.display()))?;
    let verified = verify_every_journal(&store).await;
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
