//! The answers to writes sent with an `Idempotency-Key`: a client that retries after a timeout
//! or a dropped connection is given the first answer again instead of writing twice. Kept for a
//! day; not part of the record (the journal holds what the write changed).

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use crate::entity::idempotent_answer;
use crate::{Result, Store};

/// How long an answer is replayed.
pub const KEPT_SECONDS: i64 = 24 * 60 * 60;

/// An answer as it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentAnswer {
    pub fingerprint: String,
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Store {
    /// The answer given under `key` in `scope` within the last day, if any.
    pub async fn idempotent_answer(
        &self,
        scope: &str,
        key: &str,
        now: OffsetDateTime,
    ) -> Result<Option<IdempotentAnswer>> {
        let found = idempotent_answer::Entity::find_by_id((scope.to_string(), key.to_string()))
            .filter(idempotent_answer::Column::CreatedAt.gt(now.unix_timestamp() - KEPT_SECONDS))
            .one(&self.read)
            .await?;
        Ok(found.map(|row| IdempotentAnswer {
            fingerprint: row.fingerprint,
            status: u16::try_from(row.status).unwrap_or(500),
            content_type: row.content_type,
            body: row.body,
        }))
    }

    /// Keeps the answer given under `key` (an expired one under the same key is replaced), and
    /// forgets those older than a day.
    pub async fn keep_idempotent_answer(
        &self,
        scope: &str,
        key: &str,
        answer: &IdempotentAnswer,
        now: OffsetDateTime,
    ) -> Result<()> {
        let at = now.unix_timestamp();
        idempotent_answer::Entity::delete_many()
            .filter(idempotent_answer::Column::CreatedAt.lte(at - KEPT_SECONDS))
            .exec(&self.write)
            .await?;
        idempotent_answer::Entity::insert(idempotent_answer::ActiveModel {
            scope: Set(scope.to_string()),
            key: Set(key.to_string()),
            fingerprint: Set(answer.fingerprint.clone()),
            status: Set(i32::from(answer.status)),
            content_type: Set(answer.content_type.clone()),
            body: Set(answer.body.clone()),
            created_at: Set(at),
        })
        .on_conflict_do_nothing_on([idempotent_answer::Column::Scope, idempotent_answer::Column::Key])
        .exec(&self.write)
        .await?;
        Ok(())
    }
}
