//! The parts of the `rencana` binary that tests reach: the log key file, the log as one file
//! (export and offline check), the witness, and the export of printed documents.

pub mod export;
pub mod log_file;
pub mod log_key;
pub mod witness;
