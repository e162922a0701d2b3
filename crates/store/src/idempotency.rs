//! The answers to writes sent with an `Idempotency-Key`: a client that retries after a timeout
//! or a dropped connection is given the first answer again instead of writing twice. Kept for a
//! day; not part of the record (the journal holds what the write changed).
//!
//! The key is written twice. First in the write's own transaction ([`Receipt`]), so that the
//! write and the mark that it was made under this key commit together or not at all: no crash
//! can leave a write without its key, and a retry never writes again. Then, once the answer is
//! known, the answer itself ([`Store::keep_idempotent_answer`]); a retry that finds the key
//! without its answer (a crash came between, or the answer was too large to keep) is told the
//! request was carried out.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::entity::idempotent_answer;
use crate::{Result, Store, StoreError};

/// How long an answer is replayed.
pub const KEPT_SECONDS: i64 = 24 * 60 * 60;

/// What a key holds: the request it was sent with and, once kept, the answer it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptKey {
    /// The SHA-256 of the request the key was first sent with.
    pub fingerprint: String,
    /// `None` while only the write's receipt is there: the write committed and its answer was
    /// not kept.
    pub answer: Option<IdempotentAnswer>,
}

/// An answer as it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentAnswer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// A row's status while only the receipt is there (no HTTP status is 0).
const RECEIPT_ONLY: u16 = 0;

/// A key's row as it is written: an answer, or with status 0 the receipt alone.
fn row(
    scope: &str,
    key: &str,
    fingerprint: &str,
    answer: &IdempotentAnswer,
    at: i64,
) -> idempotent_answer::ActiveModel {
    idempotent_answer::ActiveModel {
        scope: Set(scope.to_string()),
        key: Set(key.to_string()),
        fingerprint: Set(fingerprint.to_string()),
        status: Set(i32::from(answer.status)),
        content_type: Set(answer.content_type.clone()),
        body: Set(answer.body.clone()),
        created_at: Set(at),
    }
}

/// The key a request's writes are made under: written by the first write of the request that
/// commits, in that write's transaction.
#[derive(Debug, Clone)]
pub struct Receipt {
    scope: String,
    key: String,
    fingerprint: String,
    /// Set once a write of the request committed with the receipt; later writes of the same
    /// request do not write it again.
    written: Arc<AtomicBool>,
}

tokio::task_local! {
    static RECEIPT: Receipt;
}

impl Receipt {
    pub fn new(scope: &str, key: &str, fingerprint: &str) -> Self {
        Receipt {
            scope: scope.to_string(),
            key: key.to_string(),
            fingerprint: fingerprint.to_string(),
            written: Arc::default(),
        }
    }

    /// Runs `request` with every write it makes through [`Store::execute`] and its siblings
    /// carrying this receipt: the request's handler need not know of it.
    pub async fn around<F: Future>(self, request: F) -> F::Output {
        RECEIPT.scope(self, request).await
    }

    /// The receipt of the request this task serves, unless one of its writes already wrote it.
    pub(crate) fn pending() -> Option<Receipt> {
        RECEIPT.try_with(Receipt::clone).ok().filter(|receipt| !receipt.written.load(Ordering::Acquire))
    }

    pub(crate) fn mark_written(&self) {
        self.written.store(true, Ordering::Release);
    }

    /// Writes the receipt in the write's transaction. A key already held by an unexpired row
    /// (another process of the same deployment ran the same request at the same moment) refuses
    /// the write as a conflict on `idempotency_key`, so that at most one of them lands.
    pub(crate) async fn write(&self, txn: &impl ConnectionTrait, now: OffsetDateTime) -> Result<()> {
        let at = now.unix_timestamp();
        let receipt = IdempotentAnswer { status: RECEIPT_ONLY, content_type: String::new(), body: Vec::new() };
        let written = idempotent_answer::Entity::insert(row(&self.scope, &self.key, &self.fingerprint, &receipt, at))
            .on_conflict(
                OnConflict::columns([idempotent_answer::Column::Scope, idempotent_answer::Column::Key])
                    .update_columns([
                        idempotent_answer::Column::Fingerprint,
                        idempotent_answer::Column::Status,
                        idempotent_answer::Column::ContentType,
                        idempotent_answer::Column::Body,
                        idempotent_answer::Column::CreatedAt,
                    ])
                    // Only an expired row under the same key is replaced.
                    .action_and_where(
                        Expr::col((idempotent_answer::Entity, idempotent_answer::Column::CreatedAt))
                            .lte(at - KEPT_SECONDS),
                    )
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
        if written == 1 { Ok(()) } else { Err(StoreError::Conflict { field: Some("idempotency_key") }) }
    }
}

impl Store {
    /// What `key` in `scope` holds within the last day, if anything.
    pub async fn idempotent_answer(&self, scope: &str, key: &str, now: OffsetDateTime) -> Result<Option<KeptKey>> {
        let found = idempotent_answer::Entity::find_by_id((scope.to_string(), key.to_string()))
            .filter(idempotent_answer::Column::CreatedAt.gt(now.unix_timestamp() - KEPT_SECONDS))
            .one(&self.read)
            .await?;
        Ok(found.map(|row| KeptKey {
            fingerprint: row.fingerprint,
            answer: (row.status != i32::from(RECEIPT_ONLY)).then(|| IdempotentAnswer {
                status: u16::try_from(row.status).unwrap_or(500),
                content_type: row.content_type,
                body: row.body,
            }),
        }))
    }

    /// Keeps the answer given under `key` beside the receipt its write left (or alone, for a
    /// request that wrote nothing through the writer), and forgets keys older than a day.
    pub async fn keep_idempotent_answer(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        answer: &IdempotentAnswer,
        now: OffsetDateTime,
    ) -> Result<()> {
        let at = now.unix_timestamp();
        idempotent_answer::Entity::delete_many()
            .filter(idempotent_answer::Column::CreatedAt.lte(at - KEPT_SECONDS))
            .exec(&self.write)
            .await?;
        idempotent_answer::Entity::insert(row(scope, key, fingerprint, answer, at))
            .on_conflict(
                OnConflict::columns([idempotent_answer::Column::Scope, idempotent_answer::Column::Key])
                    .update_columns([
                        idempotent_answer::Column::Status,
                        idempotent_answer::Column::ContentType,
                        idempotent_answer::Column::Body,
                    ])
                    // The receipt of this very request, never another request's key.
                    .action_and_where(
                        Expr::col((idempotent_answer::Entity, idempotent_answer::Column::Fingerprint)).eq(fingerprint),
                    )
                    .to_owned(),
            )
            .exec_without_returning(&self.write)
            .await?;
        Ok(())
    }
}
