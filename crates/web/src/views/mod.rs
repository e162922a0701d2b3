//! What pages and the JSON API share: the reading of typed input (filters, forum addresses,
//! decisions, years) and the answers both give alike (a photo, a CSV, who acted). Pages and API
//! import this layer and never each other.

pub mod accounts;
pub mod dprd;
pub mod import;
pub mod nomenclature;
pub mod open_data;
pub mod print;
pub mod proposals;
pub mod red_flags;
pub mod regions;
pub mod renja;
pub mod scans;
pub mod schedule;
pub mod statistics;
pub mod transparency;
pub mod xlsx;
