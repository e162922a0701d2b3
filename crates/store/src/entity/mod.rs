//! SeaORM entities of the current-state tables and the journal.

pub mod app_user;
pub mod chain_head;
pub mod journal;
pub mod pemda;
pub mod region;
pub mod security_log;
pub mod user_grant;
pub mod web_session;
