//! The parts of the `rencana` binary that tests reach: the log key file, the log as one file
//! (export and offline check), the witness, the export of printed documents, and the backup and its
//! restore.

pub mod backup;
pub mod export;
pub mod log_file;
pub mod log_key;
pub mod restore;
pub mod witness;
