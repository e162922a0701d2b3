//! The security log: logins, failed logins, refusals. Append-only and kept apart from the
//! planning journal, so that a flood of failed logins cannot swell the journal.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use time::{Duration, OffsetDateTime};

use crate::entity::security_log;
use crate::{Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityEvent {
    Login,
    LoginFailed,
    LoginThrottled,
    Logout,
    AccessDenied,
}

impl SecurityEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityEvent::Login => "login",
            SecurityEvent::LoginFailed => "login_failed",
            SecurityEvent::LoginThrottled => "login_throttled",
            SecurityEvent::Logout => "logout",
            SecurityEvent::AccessDenied => "access_denied",
        }
    }
}

/// One line of the security log, as auditors read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRecord {
    pub at: OffsetDateTime,
    pub kind: String,
    pub username: String,
    pub detail: String,
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

impl Store {
    pub async fn log_security(
        &self,
        kind: SecurityEvent,
        username: &str,
        pemda: Option<&str>,
        detail: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        security_log::Entity::insert(security_log::ActiveModel {
            at: Set(now),
            kind: Set(kind.as_str().to_string()),
            username: Set(clip(username, 64)),
            pemda_code: Set(pemda.map(|p| clip(p, 16))),
            detail: Set(clip(detail, 500)),
            ..Default::default()
        })
        .exec(&self.write)
        .await?;
        Ok(())
    }

    /// Failed logins for `username` since `since`: how many, and when the oldest was.
    pub async fn failed_logins_since(
        &self,
        username: &str,
        since: OffsetDateTime,
    ) -> Result<(u64, Option<OffsetDateTime>)> {
        let query = security_log::Entity::find()
            .filter(security_log::Column::Username.eq(username))
            .filter(security_log::Column::Kind.eq(SecurityEvent::LoginFailed.as_str()))
            .filter(security_log::Column::At.gte(since));
        let count = query.clone().count(&self.read).await?;
        let oldest = query.order_by_asc(security_log::Column::At).one(&self.read).await?.map(|row| row.at);
        Ok((count, oldest))
    }

    /// The newest entries of the log of a pemda.
    pub async fn security_log(&self, pemda: &str, limit: u64) -> Result<Vec<SecurityRecord>> {
        let rows = security_log::Entity::find()
            .filter(security_log::Column::PemdaCode.eq(pemda))
            .order_by_desc(security_log::Column::Id)
            .limit(limit)
            .all(&self.read)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| SecurityRecord { at: row.at, kind: row.kind, username: row.username, detail: row.detail })
            .collect())
    }
}

/// How long failed logins count against a username, and how many are allowed in that time.
pub const LOGIN_WINDOW: Duration = Duration::minutes(15);
pub const LOGIN_ATTEMPTS: u64 = 5;
