//! SeaORM entities of the current-state tables and the journal.

pub mod app_user;
pub mod ceiling;
pub mod chain_checkpoint;
pub mod chain_head;
pub mod cycle;
pub mod cycle_stage;
pub mod dapil;
pub mod dprd_member;
pub mod forum;
pub mod journal;
pub mod journal_subject;
pub mod kamus_item;
pub mod nomenclature;
pub mod opd;
pub mod pemda;
pub mod photo;
pub mod pokir;
pub mod proposal;
pub mod proposal_stage;
pub mod region;
pub mod reses;
pub mod rpjmd_priority;
pub mod security_log;
pub mod support;
pub mod user_grant;
pub mod web_session;
