//! Rencana's storage. One write path: [`Store::execute`] decides a command with the pure domain
//! inside a write transaction and commits its events to the journal and the current-state
//! tables together. Reads go straight to the current-state tables.

mod apply;
pub mod attachments;
mod commit;
mod document_queries;
mod dprd_queries;
pub mod entity;
mod facts;
pub mod idempotency;
mod journal_append;
mod masterdata_queries;
mod migration;
pub mod official;
pub mod passwords;
mod planning_queries;
mod queries;
mod renja_queries;
mod rows;
pub mod security;
pub mod seed;
pub mod sessions;
mod statistics_queries;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod transparency_log;

use std::path::Path;
use std::time::Duration;

/// The most keys one `IN (…)` list carries: reads and writes by many keys go in chunks of it, so
/// that a statement stays far below SQLite's and PostgreSQL's bounds on bound parameters and its
/// plan stays the same whatever the number of keys.
pub(crate) const IN_LIST_MAX: usize = 500;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseExecutor, DatabaseTransaction, DbBackend,
    DbErr, Statement, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use commit::BatchOutcome;
pub use document_queries::{StoredDocument, StoredScan};
pub use domain::views::{ForumTotals, ForumView, ProposalDetail, ProposalFilter, ProposalSummary};
pub use planning_queries::FLAG_CANDIDATES_OF_ONE;
pub use queries::{PAGE_MAX, PemdaSummary, RegionCounts, UserRecord};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] domain::DomainError),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error("unsupported database URL (use sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error("{0}")]
    Backup(String),
    #[error("session store: {0}")]
    Session(String),
    /// A concurrent writer took a unique value (a username, a code) first; `field` names the
    /// input it concerns when the constraint is one a rule also checks.
    #[error("conflict: the value was taken meanwhile")]
    Conflict { field: Option<&'static str> },
    /// Stored data that cannot be what Rencana wrote.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error("attachment storage: {0}")]
    Attachment(String),
    /// Too many writes already wait for the writer, or the wait for it ran out: nothing was
    /// written, and the caller may try again after this many seconds.
    #[error("the writer is busy; nothing was written")]
    Busy { retry_after: u64 },
    /// The database refused to commit (a full disk, a lost connection): nothing of this write
    /// was written.
    #[error("nothing was written: {0}")]
    NotWritten(String),
    #[error(transparent)]
    Log(#[from] domain::transparency::LogError),
    /// The journal does not verify from the last checkpoint on: no checkpoint is signed over it.
    #[error("the journal's chain is broken at entry {first_broken}; no checkpoint was signed")]
    BrokenChain { first_broken: i64 },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Whether the database could not be reached: it is down or restarting, or the connection
    /// was lost before the statement ran. The same request may succeed in a moment; the pool
    /// connects again by itself.
    pub fn is_unreachable(&self) -> bool {
        match self {
            StoreError::Database(error) => database_unreachable(error),
            _ => false,
        }
    }
}

fn database_unreachable(error: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            match error.as_ref() {
                Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
                // PostgreSQL's classes 08 (connection exception) and 57P (shut down, starting up).
                Sqlx::Database(error) => {
                    error.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P"))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database handle shared by every request; as `Store<DatabaseTransaction>`, the same reads
/// on one connection held for a whole request ([`Store::reading`]).
#[derive(Debug, Clone)]
pub struct Store<R = DatabaseConnection> {
    /// Reads: a pool of connections, or one connection of it (see [`Reads`]).
    read: R,
    /// The pool a page's session ([`Store::reading`]) takes its connection from, apart from the
    /// statements' pool: a session holds its connection for a whole page, and past the
    /// machine's capacity pages in sessions would otherwise hold every connection that the
    /// lists, the logins and the submissions' own reads wait for (seen in the city surge on
    /// PostgreSQL: submissions waited 21 s at the median).
    page_reads: DatabaseConnection,
    /// Writes: on SQLite a single connection, so writers queue in the pool instead of
    /// contending for SQLite's lock (measured here: multi-second worst-case waits when several
    /// connections fought for it); on PostgreSQL a small pool of its own, so that no read waits
    /// ahead of the writer for a connection, serialised per pemda by the lock on its chain head.
    write: DatabaseConnection,
    backend: Backend,
    /// Where photos and documents are kept; none until the binary or a test sets it.
    attachments: Option<attachments::Attachments>,
    /// Writes admitted and not yet finished (see [`commit::WRITE_QUEUE_MAX`]).
    writers: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The queue of the writer that commits single commands in groups ([`commit::write_loop`]).
    jobs: tokio::sync::mpsc::UnboundedSender<commit::WriteJob>,
    /// Groups the writer committed.
    groups: std::sync::Arc<std::sync::atomic::AtomicU64>,
    cycle_years: planning_queries::CycleYears,
    known_regions: queries::KnownRegions,
    record_version: queries::RecordVersion,
    known_counts: planning_queries::KnownCounts,
}

/// What a store reads through: its pool, where each statement takes a connection and gives it
/// back, or one connection for a request's reads in one read-only transaction, begun by
/// [`Store::reading`].
///
/// A connection given back to the pool is pinged by sqlx (`PoolConnection::return_to_pool`): a
/// round trip to PostgreSQL, or to SQLite's thread, for every statement read through the pool. A
/// page that reads a dozen times reads in one session instead, for the cost of its `BEGIN`.
pub trait Reads: ConnectionTrait + Send + Sync {
    /// Several reads on one connection: a transaction begun on the pool, ended when dropped; the
    /// session's own connection as it is.
    fn together(&self) -> impl std::future::Future<Output = Result<DatabaseExecutor<'_>>> + Send;
}

impl Reads for DatabaseConnection {
    async fn together(&self) -> Result<DatabaseExecutor<'_>> {
        Ok(DatabaseExecutor::OwnedTransaction(self.begin().await?))
    }
}

impl Reads for DatabaseTransaction {
    async fn together(&self) -> Result<DatabaseExecutor<'_>> {
        Ok(DatabaseExecutor::Transaction(self))
    }
}

impl Store {
    /// The store's reads on one connection, in one transaction, until the session is dropped: for
    /// a page that reads many times. The connection comes from a pool kept for pages
    /// ([`PAGE_CONNECTIONS`]), so however many pages wait, the statements read one at a time and
    /// the writes find connections of their own. Every read of the page goes through the session:
    /// one read through the store's pool besides takes a second connection for it. It writes
    /// nothing, and ends by rolling back, which costs no round trip of its own: sqlx sends the
    /// `ROLLBACK` with the ping that takes the connection back.
    pub async fn reading(&self) -> Result<Store<DatabaseTransaction>> {
        Ok(Store {
            read: self.page_reads.begin().await?,
            page_reads: self.page_reads.clone(),
            write: self.write.clone(),
            backend: self.backend,
            attachments: self.attachments.clone(),
            writers: std::sync::Arc::clone(&self.writers),
            jobs: self.jobs.clone(),
            groups: std::sync::Arc::clone(&self.groups),
            cycle_years: self.cycle_years.clone(),
            known_regions: self.known_regions.clone(),
            record_version: self.record_version.clone(),
            known_counts: self.known_counts.clone(),
        })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        let (read, page_reads, write, backend) = if url.starts_with("sqlite:") {
            let read = Database::connect(sqlite_options(url, STATEMENT_CONNECTIONS)).await?;
            let page_reads = Database::connect(sqlite_options(url, PAGE_CONNECTIONS)).await?;
            let mut write = sqlite_options(url, 1);
            // Only the writer's connection can be left inside a transaction by a refused commit;
            // the check costs a round trip to the connection's thread, so the readers skip it.
            write.map_sqlx_sqlite_before_acquire(|conn, _| Box::pin(outside_any_transaction(conn)));
            let write = Database::connect(write).await?;
            (read, page_reads, write, Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let read = Database::connect(postgres_options(url, STATEMENT_CONNECTIONS)).await?;
            let page_reads = Database::connect(postgres_options(url, PAGE_CONNECTIONS)).await?;
            let write = Database::connect(postgres_options(url, POSTGRES_WRITE_CONNECTIONS)).await?;
            (read, page_reads, write, Backend::Postgres)
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        migration::Migrator::up(&write, None).await?;
        let (jobs, queue) = tokio::sync::mpsc::unbounded_channel();
        let groups = std::sync::Arc::default();
        let record_version = queries::RecordVersion::default();
        tokio::spawn(commit::write_loop(write.clone(), queue, std::sync::Arc::clone(&groups), record_version.clone()));
        Ok(Store {
            read,
            page_reads,
            write,
            backend,
            attachments: None,
            writers: Default::default(),
            jobs,
            groups,
            cycle_years: Default::default(),
            known_regions: Default::default(),
            record_version,
            known_counts: Default::default(),
        })
    }

    /// The default SQLite database in a data directory, created when missing.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!("sqlite://{}?mode=rwc", data_dir.join("rencana.db").display())
    }

    /// Keeps attachments in `attachments` (local disk, or memory in tests).
    pub fn with_attachments(mut self, attachments: attachments::Attachments) -> Store {
        self.attachments = Some(attachments);
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<()> {
        self.read.ping().await?;
        Ok(())
    }

    /// Has PostgreSQL sample every table anew for its planner, and mark the pages it has seen
    /// whole: after a bulk load, which writes in minutes what the planner's figures (kept up by
    /// autovacuum a minute or more later) still count as empty or small; until then it chooses
    /// plans for the tables it thinks it has, and its index-only scans (a forum's counts) still
    /// visit each row's page. On SQLite there is nothing to refresh: Rencana keeps no statistics
    /// there, and its queries are written for SQLite's planner without them.
    pub async fn refresh_statistics(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            self.write.execute_unprepared("VACUUM (ANALYZE)").await?;
        }
        Ok(())
    }

    /// Closes every connection and waits until they are closed, so that the database's files
    /// may be moved or removed afterwards. Dropping a store closes its connections only later,
    /// on their own threads: a file renamed meanwhile can be written by one of them still.
    pub async fn close(self) -> Result<()> {
        self.read.close_by_ref().await?;
        self.page_reads.close_by_ref().await?;
        self.write.close_by_ref().await?;
        Ok(())
    }

    /// An online copy of the SQLite database into `target` (which must not exist yet).
    pub async fn backup_to(&self, target: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Backup(
                "this store runs on PostgreSQL: back it up with pg_dump (for example `pg_dump -Fc -f rencana.dump \"$RENCANA_DATABASE_URL\"`)".into(),
            ));
        }
        if target.exists() {
            return Err(StoreError::Backup(format!("{} already exists; choose a new file", target.display())));
        }
        let path = target.to_string_lossy().to_string();
        // VACUUM INTO writes a consistent snapshot while the server keeps serving.
        self.write
            .execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [path.into()]))
            .await?;
        Ok(())
    }
}

/// Whether each SQL statement is logged (target `sqlx::query`, level info): set
/// `RENCANA_LOG_SQL=1` to count and read what a request asks of the database. Off by default, as
/// the logging costs time on every statement even when its level is filtered out.
fn statements_logged() -> bool {
    std::env::var_os("RENCANA_LOG_SQL").is_some()
}

/// Connections for the statements read one at a time (lists, logins, the reads before a write).
/// Two cores keep no more than a few statements running at once; the others wait in line.
const STATEMENT_CONNECTIONS: u32 = 8;
/// Connections for the pages that read in one session ([`Store::reading`]), each held for a page.
const PAGE_CONNECTIONS: u32 = 8;
/// Connections for the writes on PostgreSQL: the writer's group commits, one at a time, and the
/// few writes beside it (a login's session, the security log, a checkpoint).
const POSTGRES_WRITE_CONNECTIONS: u32 = 4;

fn postgres_options(url: &str, connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_string());
    // While PostgreSQL is down, a request waits this long for a connection before it is told
    // 503 (the pool keeps trying to connect meanwhile): a few seconds, not a timeout.
    options.max_connections(connections).acquire_timeout(Duration::from_secs(3)).sqlx_logging(statements_logged());
    // sqlx pings a connection before handing it out and again when it is given back: two round
    // trips to PostgreSQL for every statement. The ping on its return stays (sqlx has no switch
    // for it), and drops a connection the server has closed. The one before is kept for
    // connections idle long enough for the server to have restarted meanwhile; a busy connection
    // found dead all the same fails its statement as unreachable (503, and the pool connects
    // again).
    options.test_before_acquire_if_idle_for(PING_IDLE_AFTER);
    options
}

/// How long a PostgreSQL connection may have lain idle in the pool before it is pinged on its way
/// out: a restart of the server takes seconds, and a connection under load is idle for far less.
const PING_IDLE_AFTER: Duration = Duration::from_secs(1);

/// The rows a SQLite connection's thread hands over before it waits for the request to take them.
const ROWS_IN_FLIGHT: usize = 1_024;

fn sqlite_options(url: &str, connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(statements_logged())
        // A file on this machine does not go stale like a socket: no ping before each use (one
        // trip to the connection's thread saved), only the transaction check below.
        .test_before_acquire(false)
        .map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
            // FULL: a commit is on the disk before it is acknowledged, through a power cut too;
            // group commit (`commit::write_loop`) shares each sync among the writes waiting.
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
                // A statement's rows cross from the connection's thread through a channel; at the
                // default 50 the thread stops at each fiftieth row until the request drains them,
                // and a forum page's few hundred rows cost a dozen more wake-ups.
                .row_buffer_size(ROWS_IN_FLIGHT)
        })
        .map_sqlx_sqlite_pool_opts(|pool| pool.after_connect(|conn, _| Box::pin(plan_once(conn))));
    options
}

/// Lets SQLite plan each statement once, whatever its parameters (the query planner stability
/// guarantee). Without it, SQLite (3.47 and later) reads the bound value of a `LIMIT ?`, as every
/// `.one()` of the ORM writes, and must prepare the statement anew each time it runs: a tenth of
/// the server's CPU under a crowd of submissions went into those prepares.
async fn plan_once(conn: &mut sea_orm::sqlx::SqliteConnection) -> std::result::Result<(), sea_orm::sqlx::Error> {
    match query_planner_stability(conn, 1).await? {
        1 => Ok(()),
        _ => Err(sea_orm::sqlx::Error::Configuration("SQLite left ENABLE_QPSG off".into())),
    }
}

/// Sets the connection's query planner stability guarantee (1 on, 0 off, -1 unchanged) and
/// answers whether it is on afterwards.
async fn query_planner_stability(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    setting: std::ffi::c_int,
) -> std::result::Result<std::ffi::c_int, sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let mut enabled: std::ffi::c_int = 0;
    // SAFETY: the handle is locked for this call and stays valid while it is held; the variadic
    // arguments are the two this option takes (an int and a pointer to an int).
    let code = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            handle.as_raw_handle().as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            setting,
            &mut enabled as *mut std::ffi::c_int,
        )
    };
    if code != libsqlite3_sys::SQLITE_OK {
        return Err(sea_orm::sqlx::Error::Configuration(format!("SQLite refused ENABLE_QPSG ({code})").into()));
    }
    Ok(enabled)
}

/// Whether the writer's pooled SQLite connection may be handed out: only outside any
/// transaction. A write refused by a full disk can leave SQLite inside the transaction while sqlx
/// believes it ended; a connection in that state would answer later commits as done while they
/// only nest in a transaction that never commits (seen in `bench/full-disk.sh`). Such a
/// connection is closed and a new one opened. The check is a round trip to the connection's
/// thread (`lock_handle` asks it to let go of the database for the call).
async fn outside_any_transaction(
    conn: &mut sea_orm::sqlx::SqliteConnection,
) -> std::result::Result<bool, sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    // SAFETY: the handle is locked for this call and stays valid while it is held.
    Ok(unsafe { libsqlite3_sys::sqlite3_get_autocommit(handle.as_raw_handle().as_ptr()) } != 0)
}

#[cfg(test)]
mod unreachable_tests {
    use super::*;

    #[test]
    fn a_lost_connection_is_unreachable_and_a_refused_statement_is_not() {
        use sea_orm::ConnAcquireErr;
        let timed_out = StoreError::Database(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert!(timed_out.is_unreachable());
        let io = sea_orm::sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        let lost = StoreError::Database(DbErr::Query(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(io))));
        assert!(lost.is_unreachable());
        let row = sea_orm::sqlx::Error::RowNotFound;
        let refused = StoreError::Database(DbErr::Exec(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(row))));
        assert!(!refused.is_unreachable());
        assert!(!StoreError::Database(DbErr::Custom("a bug".into())).is_unreachable());
        assert!(!StoreError::UnsupportedUrl.is_unreachable());
    }

    /// Every SQLite connection, read or write, plans a statement once (see `plan_once`).
    #[tokio::test]
    async fn every_sqlite_connection_plans_its_statements_once() {
        let db = crate::testing::database().await.unwrap();
        if db.store.backend() != Backend::Sqlite {
            return;
        }
        for pool in [&db.store.read, &db.store.write] {
            let mut conn = pool.get_sqlite_connection_pool().acquire().await.unwrap();
            assert_eq!(query_planner_stability(&mut conn, -1).await.unwrap(), 1);
        }
    }
}
