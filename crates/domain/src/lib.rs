//! Rencana's domain: the rules of regional development planning, pure. Commands go in, events or
//! a clear error come out; time, storage and HTTP belong to the shells around it.

pub mod access;
pub mod command;
pub mod cycle;
pub mod error;
pub mod event;
pub mod journal;
pub mod masterdata;
pub mod money;
pub mod musrenbang;
pub mod password;
pub mod planning;
pub mod region;

pub use access::{Action, Actor, Grant, Resource, Role, Scope, UserActor, authorize};
pub use command::{Command, Facts, decide};
pub use error::{DomainError, Entity, FieldError, Rule};
pub use event::Event;
pub use journal::journal_time;
pub use region::{Region, RegionCode, RegionLevel};
