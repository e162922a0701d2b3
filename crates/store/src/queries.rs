//! Reads of the current state. Every query is scoped by pemda or by a code that belongs to one.

use domain::journal::{ChainReport, ChainVerifier, JournalEntry};
use domain::{Grant, Region, RegionCode, RegionLevel, Role, Scope, UserActor};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{app_user, chain_head, journal, pemda, region, user_grant};
use crate::facts::to_region;
use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemdaSummary {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionCounts {
    pub kecamatan: u64,
    pub kelurahan: u64,
    pub desa: u64,
    pub lingkungan: u64,
}

/// An account as administrators see it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: Uuid,
    pub pemda: RegionCode,
    pub username: String,
    pub name: String,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
    pub grants: Vec<Grant>,
}

impl UserRecord {
    pub fn actor(&self) -> UserActor {
        UserActor {
            id: self.id,
            username: self.username.clone(),
            pemda: self.pemda.clone(),
            grants: self.grants.clone(),
        }
    }
}

/// The most rows a list returns at once.
pub const PAGE_MAX: u64 = 500;

/// The most lingkungan one export carries: far above any city's count.
const LINGKUNGAN_EXPORT_MAX: u64 = 100_000;

pub(crate) fn to_grant(row: &user_grant::Model) -> Option<Grant> {
    let role = Role::parse(&row.role)?;
    let scope = match row.scope_kind.as_str() {
        "pemda" => Scope::Pemda,
        "region" => Scope::Region(RegionCode::parse(&row.scope_code).ok()?),
        "opd" => Scope::Opd(row.scope_code.clone()),
        _ => return None,
    };
    Some(Grant { role, scope })
}

impl Store {
    pub async fn pemda(&self, code: &RegionCode) -> Result<Option<PemdaSummary>> {
        let row = pemda::Entity::find_by_id(code.to_string()).one(&self.read).await?;
        Ok(row.and_then(|row| {
            Some(PemdaSummary {
                code: RegionCode::parse(&row.code).ok()?,
                name: row.name,
                level: RegionLevel::parse(&row.level)?,
            })
        }))
    }

    pub async fn all_pemda(&self) -> Result<Vec<PemdaSummary>> {
        let rows = pemda::Entity::find().order_by_asc(pemda::Column::Code).all(&self.read).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(PemdaSummary {
                    code: RegionCode::parse(&row.code).ok()?,
                    name: row.name,
                    level: RegionLevel::parse(&row.level)?,
                })
            })
            .collect())
    }

    /// A region of any level, pemda included.
    pub async fn region(&self, code: &RegionCode) -> Result<Option<Region>> {
        if code.level().is_pemda() {
            return Ok(self.pemda(code).await?.map(|p| Region { code: p.code, name: p.name, level: p.level }));
        }
        let row = region::Entity::find_by_id(code.to_string()).one(&self.read).await?;
        Ok(row.as_ref().and_then(to_region))
    }

    /// The regions directly below `code`, in code order, at most [`PAGE_MAX`] after `after`.
    pub async fn children(&self, code: &RegionCode, after: Option<&str>) -> Result<Vec<Region>> {
        let mut query = region::Entity::find().filter(region::Column::ParentCode.eq(code.to_string()));
        if let Some(after) = after {
            query = query.filter(region::Column::Code.gt(after.to_string()));
        }
        let rows = query.order_by_asc(region::Column::Code).limit(PAGE_MAX).all(&self.read).await?;
        Ok(rows.iter().filter_map(to_region).collect())
    }

    /// Every lingkungan at or below `code`, in code order (a city has a few thousand).
    pub async fn lingkungan_within(&self, code: &RegionCode) -> Result<Vec<Region>> {
        let mut query = region::Entity::find().filter(region::Column::Level.eq(RegionLevel::Lingkungan.as_str()));
        query = match code.pemda() {
            Some(pemda) if &pemda == code => query.filter(region::Column::PemdaCode.eq(code.to_string())),
            _ => query.filter(region::Column::Code.starts_with(format!("{code}."))),
        };
        let rows = query.order_by_asc(region::Column::Code).limit(LINGKUNGAN_EXPORT_MAX).all(&self.read).await?;
        Ok(rows.iter().filter_map(to_region).collect())
    }

    pub async fn region_counts(&self, pemda: &RegionCode) -> Result<RegionCounts> {
        let count = |level: RegionLevel| {
            region::Entity::find()
                .filter(region::Column::PemdaCode.eq(pemda.to_string()))
                .filter(region::Column::Level.eq(level.as_str()))
                .count(&self.read)
        };
        Ok(RegionCounts {
            kecamatan: count(RegionLevel::Kecamatan).await?,
            kelurahan: count(RegionLevel::Kelurahan).await?,
            desa: count(RegionLevel::Desa).await?,
            lingkungan: count(RegionLevel::Lingkungan).await?,
        })
    }

    async fn grants_of(&self, ids: &[Uuid]) -> Result<Vec<user_grant::Model>> {
        Ok(user_grant::Entity::find()
            .filter(user_grant::Column::UserId.is_in(ids.to_vec()))
            .order_by_asc(user_grant::Column::Id)
            .all(&self.read)
            .await?)
    }

    async fn with_grants(&self, users: Vec<app_user::Model>) -> Result<Vec<UserRecord>> {
        let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
        let grants = self.grants_of(&ids).await?;
        Ok(users
            .into_iter()
            .filter_map(|user| {
                Some(UserRecord {
                    id: user.id,
                    pemda: RegionCode::parse(&user.pemda_code).ok()?,
                    grants: grants.iter().filter(|g| g.user_id == user.id).filter_map(to_grant).collect(),
                    username: user.username,
                    name: user.name,
                    disabled: user.disabled,
                    created_at: user.created_at,
                })
            })
            .collect())
    }

    pub async fn user(&self, id: Uuid) -> Result<Option<UserRecord>> {
        let users = app_user::Entity::find_by_id(id).all(&self.read).await?;
        Ok(self.with_grants(users).await?.pop())
    }

    /// The user and their password hash, for logging in.
    pub async fn credentials(&self, username: &str) -> Result<Option<(UserRecord, String)>> {
        let Some(user) =
            app_user::Entity::find().filter(app_user::Column::Username.eq(username)).one(&self.read).await?
        else {
            return Ok(None);
        };
        let hash = user.password_hash.clone();
        Ok(self.with_grants(vec![user]).await?.pop().map(|u| (u, hash)))
    }

    /// The users of a pemda in username order, at most [`PAGE_MAX`] after `after`.
    pub async fn users(&self, pemda: &RegionCode, after: Option<&str>) -> Result<Vec<UserRecord>> {
        let mut query = app_user::Entity::find().filter(app_user::Column::PemdaCode.eq(pemda.to_string()));
        if let Some(after) = after {
            query = query.filter(app_user::Column::Username.gt(after.to_string()));
        }
        let users = query.order_by_asc(app_user::Column::Username).limit(PAGE_MAX).all(&self.read).await?;
        self.with_grants(users).await
    }

    /// Recomputes the pemda's hash chain, a page of entries at a time. The head is read first
    /// and the chain checked up to it, so that events written meanwhile do not look like damage.
    pub async fn verify_chain(&self, pemda: &RegionCode) -> Result<ChainReport> {
        let head = chain_head::Entity::find_by_id(pemda.to_string()).one(&self.read).await?;
        // A pemda without a head has lost its anchor: every stored event is then unaccounted for.
        let (head_seq, head_hash) = match &head {
            Some(h) => (h.seq, h.hash.clone()),
            None => (0, domain::journal::GENESIS_HASH.to_string()),
        };
        let mut verifier = ChainVerifier::default();
        let mut after = 0i64;
        loop {
            let mut query = journal::Entity::find()
                .filter(journal::Column::PemdaCode.eq(pemda.to_string()))
                .filter(journal::Column::Seq.gt(after));
            if head.is_some() {
                query = query.filter(journal::Column::Seq.lte(head_seq));
            }
            let rows = query.order_by_asc(journal::Column::Seq).limit(2_000).all(&self.read).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in rows {
                verifier.push(&to_entry(row));
            }
        }
        Ok(verifier.finish(Some((head_seq, head_hash.as_str()))))
    }

    /// The journal of a pemda, newest first, at most `limit` entries before `before`.
    pub async fn journal(&self, pemda: &RegionCode, before: Option<i64>, limit: u64) -> Result<Vec<JournalEntry>> {
        let mut query = journal::Entity::find().filter(journal::Column::PemdaCode.eq(pemda.to_string()));
        if let Some(before) = before {
            query = query.filter(journal::Column::Seq.lt(before));
        }
        let rows = query.order_by_desc(journal::Column::Seq).limit(limit.min(PAGE_MAX)).all(&self.read).await?;
        Ok(rows.into_iter().map(to_entry).collect())
    }
}

pub(crate) fn to_entry(row: journal::Model) -> JournalEntry {
    JournalEntry {
        pemda: row.pemda_code,
        seq: row.seq,
        event_id: row.event_id,
        kind: row.kind,
        actor: row.actor,
        at: row.at,
        payload: row.payload,
        prev_hash: row.prev_hash,
        hash: row.hash,
    }
}
