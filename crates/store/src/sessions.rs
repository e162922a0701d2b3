//! Sessions in the database, so that any number of app servers can stand behind a load balancer.
//! Rows are keyed by the SHA-256 of the session id: someone who reads the table cannot use what
//! they read. A bearer token for the API is a session too, and ends the same way.

use std::collections::HashMap;

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use uuid::Uuid;

use crate::entity::{app_user, user_grant, web_session};
use crate::{Result, Store};

/// The key under which a logged-in session keeps its user's id.
pub const USER_ID_KEY: &str = "user_id";
/// The key that marks a session as an API token. A token is never accepted as a session cookie
/// and a cookie's id never as a token: one leaked from a script's configuration cannot drive
/// the pages (whose forms a cookie authorises), and a cookie lifted from a browser cannot be
/// replayed from a script.
const TOKEN_KEY: &str = "api_token";

fn is_token(record: &Record) -> bool {
    record.data.get(TOKEN_KEY).and_then(|v| v.as_bool()).unwrap_or(false)
}

fn id_hash(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

/// What the session store's error text begins with when the database cannot be reached:
/// tower-sessions carries a backend's error as text only, and the web layer answers such a
/// session like any other read while the database is away (503), not as a fault (500).
const UNREACHABLE: &str = "database out of reach: ";

fn backend_error(error: impl Into<crate::StoreError>) -> session_store::Error {
    let error = error.into();
    let said = if error.is_unreachable() { format!("{UNREACHABLE}{error}") } else { error.to_string() };
    session_store::Error::Backend(said)
}

/// Whether a session could not be read or written because the database was out of reach.
pub fn is_unreachable(error: &tower_sessions::session::Error) -> bool {
    matches!(error, tower_sessions::session::Error::Store(session_store::Error::Backend(said))
        if said.starts_with(UNREACHABLE))
}

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    store: Store,
}

impl DbSessionStore {
    pub fn new(store: Store) -> Self {
        DbSessionStore { store }
    }
}

impl Store {
    /// Writes a session: a new row on `create`, otherwise an update of the row that exists. A
    /// session deleted meanwhile (its user disabled, logged out) stays deleted even when a
    /// request that loaded it earlier saves it afterwards.
    /// Database errors stay `StoreError::Database`, so that a lost database is told apart
    /// (`is_unreachable`) from a session that cannot be read.
    async fn save_record(&self, record: &Record, create: bool) -> Result<()> {
        let data = rmp_serde::to_vec(&record.data).map_err(|e| crate::StoreError::Session(e.to_string()))?;
        let user_id = record.data.get(USER_ID_KEY).and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
        let row = web_session::ActiveModel {
            id_hash: Set(id_hash(&record.id)),
            user_id: Set(user_id),
            data: Set(data),
            expires_at: Set(record.expiry_date),
        };
        if create {
            web_session::Entity::insert(row).exec(&self.write).await?;
        } else {
            web_session::Entity::update_many()
                .set(row)
                .filter(web_session::Column::IdHash.eq(id_hash(&record.id)))
                .exec(&self.write)
                .await?;
        }
        Ok(())
    }

    async fn load_record(&self, id: &Id) -> Result<Option<Record>> {
        let row = live(id).one(&self.read).await?;
        row.map(|row| to_record(id, &row)).transpose()
    }

    /// Starts a session for `user_id` outside the cookie layer (an API token), returning the token.
    pub async fn create_token(&self, user_id: Uuid, now: OffsetDateTime, expires_at: OffsetDateTime) -> Result<String> {
        let mut data = HashMap::new();
        data.insert(USER_ID_KEY.to_string(), serde_json::Value::String(user_id.to_string()));
        data.insert(LOGIN_AT_KEY.to_string(), serde_json::Value::from(now.unix_timestamp()));
        data.insert(TOKEN_KEY.to_string(), serde_json::Value::Bool(true));
        let record = Record { id: Id::default(), data, expiry_date: expires_at };
        self.save_record(&record, true).await?;
        Ok(record.id.to_string())
    }

    /// The session behind a token, if it is live.
    pub async fn token_session(&self, token: &str) -> Result<Option<Record>> {
        let Ok(id) = token.parse::<Id>() else {
            return Ok(None);
        };
        let record = self.load_record(&id).await?;
        Ok(record.filter(is_token))
    }

    /// The session behind a token, if it is live, with the account it names and its grants (the
    /// account `None` when it is gone): one statement, as every API request with a token asks it.
    pub async fn token_session_and_user(&self, token: &str) -> Result<Option<(Record, Option<crate::UserRecord>)>> {
        let Ok(id) = token.parse::<Id>() else {
            return Ok(None);
        };
        let rows = live(&id)
            .find_also_related(app_user::Entity)
            .and_also_related(user_grant::Entity)
            .order_by_asc(user_grant::Column::Id)
            .all(&self.read)
            .await?;
        let Some((session, user, _)) = rows.first() else { return Ok(None) };
        let record = to_record(&id, session)?;
        if !is_token(&record) {
            return Ok(None);
        }
        let grants: Vec<&user_grant::Model> = rows.iter().filter_map(|(_, _, grant)| grant.as_ref()).collect();
        let user = user.clone().and_then(|user| crate::queries::to_user_record(user, grants));
        Ok(Some((record, user)))
    }

    pub async fn end_token(&self, token: &str) -> Result<()> {
        if let Ok(id) = token.parse::<Id>()
            && self.token_session(token).await?.is_some()
        {
            web_session::Entity::delete_by_id(id_hash(&id)).exec(&self.write).await?;
        }
        Ok(())
    }

    /// Removes sessions past their expiry; run now and then.
    pub async fn delete_expired_sessions(&self, now: OffsetDateTime) -> Result<u64> {
        let result = web_session::Entity::delete_many()
            .filter(web_session::Column::ExpiresAt.lte(now))
            .exec(&self.write)
            .await?;
        Ok(result.rows_affected)
    }
}

/// The row of session `id` if it has not expired: one past its expiry is no session, whichever
/// way it is read.
fn live(id: &Id) -> sea_orm::Select<web_session::Entity> {
    web_session::Entity::find_by_id(id_hash(id)).filter(web_session::Column::ExpiresAt.gt(OffsetDateTime::now_utc()))
}

fn to_record(id: &Id, row: &web_session::Model) -> Result<Record> {
    let data: HashMap<String, serde_json::Value> =
        rmp_serde::from_slice(&row.data).map_err(|e| crate::StoreError::Session(e.to_string()))?;
    Ok(Record { id: *id, data, expiry_date: row.expires_at })
}

/// The key under which a session keeps the time its user logged in, for the absolute timeout.
pub const LOGIN_AT_KEY: &str = "login_at";

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // 128 random bits make a collision practically impossible; check anyway, as the
        // trait asks, since a collision would hand one user another's session.
        while self.store.load_record(&record.id).await.map_err(backend_error)?.is_some() {
            record.id = Id::default();
        }
        self.store.save_record(record, true).await.map_err(backend_error)
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store.save_record(record, false).await.map_err(backend_error)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self.store.load_record(id).await.map_err(backend_error)?.filter(|record| !is_token(record)))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        web_session::Entity::delete_by_id(id_hash(id)).exec(&self.store.write).await.map_err(backend_error)?;
        Ok(())
    }
}
