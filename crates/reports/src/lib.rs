//! Rencana's documents: the files people exchange with the system. Today the lingkungan CSV (read
//! and written); the berita acara and lists as PDF (typst) and XLSX come here too, so that their
//! weight stays out of the other crates.

pub mod lingkungan_csv;
