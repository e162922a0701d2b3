//! The parts of the `rencana` binary that tests reach: the log key file, the log as one file
//! (export and offline check), and the witness.

pub mod log_file;
pub mod log_key;
pub mod witness;
