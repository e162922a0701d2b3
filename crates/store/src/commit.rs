//! The one write path: load facts, decide, append to the journal, apply — in one transaction.

use std::collections::{HashMap, HashSet};

use domain::command::UserFacts;
use domain::journal::{GENESIS_HASH, JournalEntry};
use domain::{Actor, Command, DomainError, Entity, Event, Facts, Grant, Region, RegionCode, RegionLevel, Scope};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, SqlErr,
    TransactionTrait,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::entity::{app_user, chain_head, journal, pemda, region, user_grant, web_session};
use crate::security::SecurityEvent;
use crate::{Result, Store, StoreError};

/// The journal's timestamps: UTC, microseconds, as text (see [`JournalEntry::at`]).
pub(crate) fn journal_time(now: OffsetDateTime) -> String {
    let now = now.to_offset(time::UtcOffset::UTC);
    let micros = now.replace_nanosecond(now.microsecond() * 1_000).unwrap_or(now);
    micros.format(&Rfc3339).unwrap_or_default()
}

impl Store {
    /// Decides `command` for `actor` at `now` and commits what it causes. Returns the events,
    /// which are empty when the command changed nothing. A refusal by the access policy is
    /// written to the security log.
    pub async fn execute(&self, actor: &Actor, command: &Command, now: OffsetDateTime) -> Result<Vec<Event>> {
        let result = self.decide_and_commit(actor, command, now).await;
        match result {
            Err(StoreError::Database(error))
                if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
            {
                // Two writers raced for the same unique value; the loser hears what a check
                // inside the transaction would have told it.
                Err(StoreError::Conflict)
            }
            Err(StoreError::Domain(DomainError::Denied(denied))) => {
                if let Actor::User(user) = actor {
                    let detail = format!("{} refused", command.name());
                    self.log_security(
                        SecurityEvent::AccessDenied,
                        &user.username,
                        Some(user.pemda.as_str()),
                        &detail,
                        now,
                    )
                    .await?;
                }
                Err(DomainError::Denied(denied).into())
            }
            other => other,
        }
    }

    async fn decide_and_commit(&self, actor: &Actor, command: &Command, now: OffsetDateTime) -> Result<Vec<Event>> {
        // The pemda of a user-addressed command is found before the transaction; the user is read
        // again under the lock, so the decision sees the state it changes.
        let pemda = match command.user_named() {
            Some(id) => {
                let user = load_user_facts(&self.read, id).await?;
                command.pemda(user.as_ref()).ok_or_else(|| DomainError::NotFound(Entity::User, id.to_string()))?
            }
            None => command.pemda(None).ok_or_else(|| DomainError::NotFound(Entity::Pemda, String::new()))?,
        };
        let txn = self.write.begin().await?;
        if matches!(command, Command::CreatePemda(_)) {
            chain_head::Entity::insert(chain_head::ActiveModel {
                pemda_code: Set(pemda.to_string()),
                seq: Set(0),
                hash: Set(GENESIS_HASH.to_string()),
            })
            .on_conflict_do_nothing()
            .exec(&txn)
            .await?;
        }
        // Every writer of this pemda queues here: a write to the head row takes PostgreSQL's row
        // lock and SQLite's write lock at the start, before anything is read, so the decision
        // below sees the state it changes and SQLite never has to upgrade a read to a write.
        chain_head::Entity::update_many()
            .col_expr(chain_head::Column::Seq, Expr::col(chain_head::Column::Seq))
            .filter(chain_head::Column::PemdaCode.eq(pemda.to_string()))
            .exec(&txn)
            .await?;
        let head = chain_head::Entity::find_by_id(pemda.to_string()).one(&txn).await?;
        let user = match command.user_named() {
            Some(id) => load_user_facts(&txn, id).await?,
            None => None,
        };
        let facts = load_facts(&txn, command, &pemda, user).await?;
        let events = domain::decide(&facts, command, actor)?;
        if events.is_empty() {
            txn.rollback().await?;
            return Ok(events);
        }
        let Some(head) = head else {
            return Err(DomainError::NotFound(Entity::Pemda, pemda.to_string()).into());
        };
        let (mut seq, mut prev_hash) = (head.seq, head.hash);
        let at = journal_time(now);
        let actor_name = actor.journal_name();
        let mut rows = Vec::with_capacity(events.len());
        for event in &events {
            seq += 1;
            let mut entry = JournalEntry {
                pemda: pemda.to_string(),
                seq,
                event_id: Uuid::now_v7().to_string(),
                kind: event.kind().to_string(),
                actor: actor_name.clone(),
                at: at.clone(),
                payload: event.payload(),
                prev_hash: prev_hash.clone(),
                hash: String::new(),
            };
            entry.hash = entry.recompute_hash();
            prev_hash = entry.hash.clone();
            rows.push(journal::ActiveModel {
                pemda_code: Set(entry.pemda),
                seq: Set(entry.seq),
                event_id: Set(entry.event_id),
                kind: Set(entry.kind),
                actor: Set(entry.actor),
                at: Set(entry.at),
                payload: Set(entry.payload),
                prev_hash: Set(entry.prev_hash),
                hash: Set(entry.hash),
            });
        }
        for chunk in rows.chunks(500) {
            journal::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        }
        chain_head::Entity::update(chain_head::ActiveModel {
            pemda_code: Set(pemda.to_string()),
            seq: Set(seq),
            hash: Set(prev_hash),
        })
        .exec(&txn)
        .await?;
        apply(&txn, &pemda, &events, now).await?;
        txn.commit().await?;
        Ok(events)
    }
}

async fn load_user_facts(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<UserFacts>> {
    let Some(user) = app_user::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let pemda = RegionCode::parse(&user.pemda_code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let grants = user_grant::Entity::find()
        .filter(user_grant::Column::UserId.eq(id))
        .order_by_asc(user_grant::Column::Id)
        .all(db)
        .await?
        .iter()
        .filter_map(crate::queries::to_grant)
        .collect();
    Ok(Some(UserFacts { id: user.id, pemda, username: user.username, disabled: user.disabled, grants }))
}

async fn load_facts(
    txn: &DatabaseTransaction,
    command: &Command,
    pemda: &RegionCode,
    user: Option<UserFacts>,
) -> Result<Facts> {
    let pemda_exists = pemda::Entity::find_by_id(pemda.to_string()).one(txn).await?.is_some();
    let named: Vec<String> = command.regions_named().iter().map(|c| c.to_string()).collect();
    let mut regions = HashMap::new();
    for chunk in named.chunks(500) {
        for row in region::Entity::find().filter(region::Column::Code.is_in(chunk.to_vec())).all(txn).await? {
            if let Some(region) = to_region(&row) {
                regions.insert(region.code.clone(), region);
            }
        }
    }
    let villages: Vec<String> = regions.values().filter(|r| r.level.is_village()).map(|r| r.code.to_string()).collect();
    let mut lingkungan_names: HashMap<RegionCode, HashSet<String>> = HashMap::new();
    for chunk in villages.chunks(500) {
        for row in region::Entity::find().filter(region::Column::ParentCode.is_in(chunk.to_vec())).all(txn).await? {
            if let Ok(parent) = RegionCode::parse(&row.parent_code) {
                lingkungan_names.entry(parent).or_default().insert(row.name.to_lowercase());
            }
        }
    }
    let username_taken = match command.username_named() {
        Some(username) => {
            app_user::Entity::find().filter(app_user::Column::Username.eq(username)).one(txn).await?.is_some()
        }
        None => false,
    };
    Ok(Facts { pemda_exists, regions, lingkungan_names, username_taken, user })
}

pub(crate) fn to_region(row: &region::Model) -> Option<Region> {
    Some(Region {
        code: RegionCode::parse(&row.code).ok()?,
        name: row.name.clone(),
        level: RegionLevel::parse(&row.level)?,
    })
}

fn region_row(pemda: &RegionCode, region: &Region) -> region::ActiveModel {
    region::ActiveModel {
        code: Set(region.code.to_string()),
        pemda_code: Set(pemda.to_string()),
        parent_code: Set(region.code.parent().map(|p| p.to_string()).unwrap_or_default()),
        name: Set(region.name.clone()),
        level: Set(region.level.as_str().to_string()),
    }
}

fn grant_rows(user_id: Uuid, grants: &[Grant]) -> Vec<user_grant::ActiveModel> {
    grants
        .iter()
        .map(|grant| {
            let kind = match grant.scope {
                Scope::Pemda => "pemda",
                Scope::Region(_) => "region",
                Scope::Opd(_) => "opd",
            };
            user_grant::ActiveModel {
                user_id: Set(user_id),
                role: Set(grant.role.as_str().to_string()),
                scope_kind: Set(kind.to_string()),
                scope_code: Set(grant.scope.code().to_string()),
                ..Default::default()
            }
        })
        .collect()
}

/// Brings the current-state tables up to date with `events`.
async fn apply(txn: &DatabaseTransaction, pemda: &RegionCode, events: &[Event], now: OffsetDateTime) -> Result<()> {
    for event in events {
        match event {
            Event::PemdaCreated { code, name, level, regions, .. } => {
                pemda::Entity::insert(pemda::ActiveModel {
                    code: Set(code.to_string()),
                    name: Set(name.clone()),
                    level: Set(level.as_str().to_string()),
                    created_at: Set(now),
                })
                .exec(txn)
                .await?;
                let rows: Vec<_> = regions.iter().map(|r| region_row(code, r)).collect();
                for chunk in rows.chunks(500) {
                    region::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
                }
            }
            Event::LingkunganAdded { code, name } => {
                let region = Region { code: code.clone(), name: name.clone(), level: RegionLevel::Lingkungan };
                region::Entity::insert(region_row(pemda, &region)).exec(txn).await?;
            }
            Event::UserCreated { user_id, username, name, grants, password_hash } => {
                app_user::Entity::insert(app_user::ActiveModel {
                    id: Set(*user_id),
                    pemda_code: Set(pemda.to_string()),
                    username: Set(username.clone()),
                    name: Set(name.clone()),
                    password_hash: Set(password_hash.clone()),
                    disabled: Set(false),
                    created_at: Set(now),
                })
                .exec(txn)
                .await?;
                let rows = grant_rows(*user_id, grants);
                if !rows.is_empty() {
                    user_grant::Entity::insert_many(rows).exec(txn).await?;
                }
            }
            Event::PasswordChanged { user_id, password_hash } => {
                app_user::Entity::update_many()
                    .col_expr(app_user::Column::PasswordHash, password_hash.clone().into())
                    .filter(app_user::Column::Id.eq(*user_id))
                    .exec(txn)
                    .await?;
                end_sessions(txn, *user_id).await?;
            }
            Event::UserGrantsChanged { user_id, grants } => {
                user_grant::Entity::delete_many().filter(user_grant::Column::UserId.eq(*user_id)).exec(txn).await?;
                let rows = grant_rows(*user_id, grants);
                if !rows.is_empty() {
                    user_grant::Entity::insert_many(rows).exec(txn).await?;
                }
            }
            Event::UserDisabled { user_id } | Event::UserEnabled { user_id } => {
                let disabled = matches!(event, Event::UserDisabled { .. });
                app_user::Entity::update_many()
                    .col_expr(app_user::Column::Disabled, disabled.into())
                    .filter(app_user::Column::Id.eq(*user_id))
                    .exec(txn)
                    .await?;
                if disabled {
                    // In the same transaction: a disabled account has no session left to use.
                    end_sessions(txn, *user_id).await?;
                }
            }
        }
    }
    Ok(())
}

async fn end_sessions(txn: &DatabaseTransaction, user_id: Uuid) -> Result<()> {
    web_session::Entity::delete_many().filter(web_session::Column::UserId.eq(user_id)).exec(txn).await?;
    Ok(())
}
