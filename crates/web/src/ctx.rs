//! Who is asking and in which language: the extractors every handler starts from, the login
//! rules shared by pages and API, CSRF tokens and flash messages.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use base64::Engine;
use domain::{Action, Actor, Resource};
use rand::RngCore;
use sha2::Digest;
use store::UserRecord;
use store::security::{LOGIN_ATTEMPTS, LOGIN_WINDOW, SecurityEvent};
use store::sessions::{LOGIN_AT_KEY, USER_ID_KEY};
use time::{Duration, OffsetDateTime};
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Tr};
use crate::state::AppState;

/// A login lasts at most this long, however active (the absolute timeout).
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// A login ends after this long without a request (the idle timeout).
pub const SESSION_IDLE: Duration = Duration::minutes(30);
/// An API token lasts this long.
pub const TOKEN_LIFETIME: Duration = Duration::hours(12);

pub const LANG_COOKIE: &str = "rencana_lang";
const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";
/// When the session last showed activity, in unix seconds. Refreshed at most every few minutes,
/// so the idle timeout slides without a database write on every page view.
const SEEN_AT_KEY: &str = "seen_at";
const SEEN_REFRESH: i64 = 5 * 60;

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// True when a session that began at `login_at` (unix seconds) has outlived the absolute timeout.
pub fn login_expired(login_at: Option<i64>, now: OffsetDateTime) -> bool {
    match login_at.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok()) {
        Some(at) => now - at > SESSION_ABSOLUTE,
        None => true,
    }
}

/// What every page handler knows: the language, the logged-in user, the session.
pub struct PageCtx {
    pub tr: Tr,
    pub user: Option<UserRecord>,
    pub session: Session,
    pub csrf: String,
    pub flash: Option<String>,
    pub path: String,
    pub demo: bool,
    pub state: AppState,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())).unwrap_or_default();
        let session =
            Session::from_request_parts(parts, state).await.map_err(|(_, message)| AppError::broken(message))?;
        let now = OffsetDateTime::now_utc();
        let mut user = None;
        let user_id: Option<String> = session.get(USER_ID_KEY).await?;
        if let Some(id) = user_id.and_then(|id| Uuid::parse_str(&id).ok()) {
            let login_at: Option<i64> = session.get(LOGIN_AT_KEY).await?;
            match state.store.user(id).await? {
                Some(record) if !record.disabled && !login_expired(login_at, now) => {
                    let seen_at: Option<i64> = session.get(SEEN_AT_KEY).await?;
                    if seen_at.is_none_or(|seen| now.unix_timestamp() - seen > SEEN_REFRESH) {
                        session.insert(SEEN_AT_KEY, now.unix_timestamp()).await?;
                    }
                    user = Some(record);
                }
                _ => session.flush().await?,
            }
        }
        let csrf: Option<String> = session.get(CSRF_KEY).await?;
        // Removing marks the session changed and costs a write: only when there is a message.
        let mut flash: Option<String> = session.get(FLASH_KEY).await?;
        if flash.is_some() {
            flash = session.remove(FLASH_KEY).await?;
        }
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        Ok(PageCtx {
            tr: Tr::new(lang),
            user,
            session,
            csrf: csrf.unwrap_or_default(),
            flash,
            path,
            demo: state.config.demo,
            state: state.clone(),
        })
    }
}

impl PageCtx {
    pub fn actor(&self) -> Actor {
        actor_of(self.user.as_ref())
    }

    /// The user, or a redirect to the login page.
    pub fn require_user(&self) -> AppResult<&UserRecord> {
        self.user.as_ref().ok_or(AppError::LoginRequired)
    }

    /// Asks the access policy; a refusal is written to the security log.
    pub async fn authorize(&self, action: Action, resource: &Resource) -> AppResult<()> {
        authorize_logged(&self.state, &self.actor(), action, resource).await
    }

    /// Makes sure the session holds a CSRF token (a form is about to be shown) and returns it.
    pub async fn ensure_csrf(&mut self) -> AppResult<String> {
        if self.csrf.is_empty() {
            self.csrf = random_token();
            self.session.insert(CSRF_KEY, &self.csrf).await?;
        }
        Ok(self.csrf.clone())
    }

    /// Refuses a form whose token does not match the session's.
    pub fn check_csrf(&self, submitted: &str) -> AppResult<()> {
        let expected = self.csrf.as_bytes();
        let same = !expected.is_empty()
            && expected.len() == submitted.len()
            && expected.iter().zip(submitted.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if same { Ok(()) } else { Err(AppError::Csrf) }
    }

    pub async fn set_flash(&self, message: String) -> AppResult<()> {
        self.session.insert(FLASH_KEY, message).await.map_err(AppError::from)
    }

    /// Starts a logged-in session: a new session id (so an id planted before login is useless),
    /// a new CSRF token, the login time for the absolute timeout.
    pub async fn start_login(&mut self, user: &UserRecord, now: OffsetDateTime) -> AppResult<()> {
        self.session.cycle_id().await?;
        self.session.insert(USER_ID_KEY, user.id.to_string()).await?;
        self.session.insert(LOGIN_AT_KEY, now.unix_timestamp()).await?;
        self.csrf = random_token();
        self.session.insert(CSRF_KEY, &self.csrf).await?;
        self.user = Some(user.clone());
        Ok(())
    }
}

pub fn actor_of(user: Option<&UserRecord>) -> Actor {
    match user {
        Some(user) => Actor::User(user.actor()),
        None => Actor::Public,
    }
}

pub async fn authorize_logged(state: &AppState, actor: &Actor, action: Action, resource: &Resource) -> AppResult<()> {
    match domain::authorize(actor, action, resource) {
        Ok(()) => Ok(()),
        Err(denied) => {
            if let Actor::User(user) = actor {
                let detail = format!("{action:?} on {}", resource.region.as_ref().unwrap_or(&resource.pemda));
                state
                    .store
                    .log_security(
                        SecurityEvent::AccessDenied,
                        &user.username,
                        Some(user.pemda.as_str()),
                        &detail,
                        OffsetDateTime::now_utc(),
                    )
                    .await?;
            }
            Err(domain::DomainError::Denied(denied).into())
        }
    }
}

/// The user `id` of the caller's own pemda, once the caller is allowed `action` on its users.
/// Another pemda's users do not exist, as far as this pemda's staff can tell.
pub async fn user_of_my_pemda(
    state: &AppState,
    me: Option<&UserRecord>,
    id: &str,
    action: Action,
) -> AppResult<UserRecord> {
    let me = me.ok_or(AppError::LoginRequired)?;
    authorize_logged(state, &actor_of(Some(me)), action, &Resource::pemda(me.pemda.clone())).await?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let user = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    if user.pemda != me.pemda {
        return Err(AppError::NotFound);
    }
    Ok(user)
}

/// What every API handler knows: the language of its messages and the bearer token's user.
pub struct ApiCtx {
    pub tr: Tr,
    pub user: Option<UserRecord>,
    pub token: Option<String>,
    pub state: AppState,
}

impl FromRequestParts<AppState> for ApiCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let lang = Lang::from_accept_language(parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|t| t.trim().to_string());
        let mut user = None;
        if let Some(token) = &token {
            let Some((record, account)) = state.store.token_session_and_user(token).await? else {
                return Err(AppError::LoginRequired);
            };
            let user_id = record.data.get(USER_ID_KEY).and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
            let login_at = record.data.get(LOGIN_AT_KEY).and_then(|v| v.as_i64());
            match account {
                Some(found)
                    if user_id == Some(found.id)
                        && !found.disabled
                        && !login_expired(login_at, OffsetDateTime::now_utc()) =>
                {
                    user = Some(found)
                }
                _ => return Err(AppError::LoginRequired),
            }
        }
        Ok(ApiCtx { tr: Tr::new(lang), user, token, state: state.clone() })
    }
}

impl ApiCtx {
    pub fn actor(&self) -> Actor {
        actor_of(self.user.as_ref())
    }

    pub fn require_user(&self) -> AppResult<&UserRecord> {
        self.user.as_ref().ok_or(AppError::LoginRequired)
    }

    pub async fn authorize(&self, action: Action, resource: &Resource) -> AppResult<()> {
        authorize_logged(&self.state, &self.actor(), action, resource).await
    }
}

/// The login rule, for pages and API alike: at most five failures per username in fifteen
/// minutes, the same answer for a wrong username, a wrong password and a disabled account, and
/// every outcome in the security log.
pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    now: OffsetDateTime,
) -> AppResult<UserRecord> {
    let store = &state.store;
    let username = username.trim();
    // No username has control characters, and one with a NUL must not reach the query.
    let impossible = username.is_empty() || username.len() > 64 || domain::error::has_forbidden_control(username);
    if impossible || password.len() > domain::password::MAX_LENGTH * 4 {
        return Err(AppError::BadCredentials);
    }
    let found = store.credentials(username).await?;
    // An unknown username may be a password typed in the wrong box: the log keeps only a digest.
    let logged_name = match &found {
        Some(_) => username.to_string(),
        None => format!("unknown:{}", &hex::encode(sha2::Sha256::digest(username.as_bytes()))[..16]),
    };
    let pemda = found.as_ref().map(|(user, _)| user.pemda.to_string());
    let (failures, oldest) = store.failed_logins_since(&logged_name, now - LOGIN_WINDOW).await?;
    if failures >= LOGIN_ATTEMPTS {
        let reopens = oldest.unwrap_or(now) + LOGIN_WINDOW;
        let retry_after = (reopens - now).whole_seconds().max(1) as u64;
        store.log_security(SecurityEvent::LoginThrottled, &logged_name, pemda.as_deref(), "", now).await?;
        return Err(AppError::Throttled { retry_after });
    }
    let Some((user, hash)) = found else {
        store::passwords::dummy_verify(password).await;
        store.log_security(SecurityEvent::LoginFailed, &logged_name, None, "unknown username", now).await?;
        return Err(AppError::BadCredentials);
    };
    let password_ok = store::passwords::verify(password, &hash).await;
    if !password_ok || user.disabled {
        let detail = if password_ok { "account disabled" } else { "wrong password" };
        store.log_security(SecurityEvent::LoginFailed, username, Some(user.pemda.as_str()), detail, now).await?;
        return Err(AppError::BadCredentials);
    }
    store.log_security(SecurityEvent::Login, username, Some(user.pemda.as_str()), "", now).await?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_expire_after_twelve_hours_whatever_the_activity() {
        let now = OffsetDateTime::now_utc();
        assert!(!login_expired(Some((now - Duration::hours(11)).unix_timestamp()), now));
        assert!(login_expired(Some((now - Duration::hours(13)).unix_timestamp()), now));
        assert!(login_expired(None, now));
    }
}
