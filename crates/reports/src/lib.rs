//! Rencana's documents: the files people exchange with the system. Today the lingkungan, kamus and
//! nomenclature CSV (read and written); the berita acara and lists as PDF (typst) and XLSX come here too, so
//! that their weight stays out of the other crates.

pub mod chart;
pub mod csv_table;
pub mod kamus_csv;
pub mod lingkungan_csv;
pub mod nomenclature_csv;
pub mod print;
pub mod spreadsheet;
pub mod xlsx;
pub mod xlsx_in;
