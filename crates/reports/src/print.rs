//! Printed documents as data: what a berita acara, a priority list or a Renja says, shaped into
//! blocks a template lays out, with the stamp that lets anyone check a print against the record.
//! Typesetting lives in the `documents` crate (typst); the web layer and the CLI build these
//! values and hand them to a [`Printer`], so that typst's weight stays out of every other crate.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// A document to print.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Document {
    /// What it is, for the record (`berita_acara`, `daftar_prioritas`, `renja`, …).
    pub kind: String,
    /// Wide tables (a Renja, the RKPD) are printed across the page.
    pub landscape: bool,
    /// The letterhead's lines, the government first.
    pub letterhead: Vec<String>,
    pub title: String,
    pub subtitle: Vec<String>,
    pub blocks: Vec<Block>,
    /// Who signs it, side by side at its end.
    pub signatures: Vec<Signature>,
    /// The words the template prints around the content, in the reader's language.
    pub labels: Labels,
    /// The code and address a reader checks the print at; set by [`Document::stamped`].
    pub stamp: Stamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Heading {
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// Labelled values, one a line ("Tempat : Aula kecamatan").
    Facts {
        rows: Vec<(String, String)>,
    },
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
        total: Option<Vec<String>>,
        empty: String,
    },
    /// People present, each with a line to sign on.
    Attendance {
        columns: [String; 3],
        rows: Vec<(String, String)>,
        empty: String,
    },
    List {
        items: Vec<String>,
        empty: String,
    },
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Column {
    pub label: String,
    /// Its share of the width, as a fraction of the others'.
    pub width: u8,
    pub numeric: bool,
}

impl Column {
    pub fn text(label: impl Into<String>, width: u8) -> Column {
        Column { label: label.into(), width, numeric: false }
    }

    pub fn number(label: impl Into<String>, width: u8) -> Column {
        Column { label: label.into(), width, numeric: true }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Signature {
    /// "Pimpinan Sidang", "Kepala Bappeda", …
    pub role: String,
    /// Empty leaves a line to write the name on.
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Labels {
    /// "Halaman"
    pub page: String,
    /// "dari"
    pub of: String,
    /// The sentence beside the QR code: where to check this print.
    pub check: String,
    /// "Kode dokumen"
    pub code: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Stamp {
    pub code: String,
    pub url: String,
}

impl Document {
    /// The document's code: the same content always gets the same code (and, printed, the same
    /// bytes), so printing a list twice records it once. Ten base-32 letters, read aloud or typed
    /// from paper without confusion.
    pub fn code(&self) -> String {
        let unstamped = Document { stamp: Stamp::default(), ..self.clone() };
        let json = serde_json::to_vec(&unstamped).unwrap_or_default();
        let digest = Sha256::digest(&json);
        base32(&digest[..7]).chars().take(10).collect()
    }

    /// The document with its code and the address of its public page (`base` + `/d/` + code).
    pub fn stamped(mut self, base: &str) -> Document {
        let code = self.code();
        self.stamp = Stamp { url: format!("{}/d/{code}", base.trim_end_matches('/')), code };
        self
    }
}

/// Crockford's base 32 (no I, L, O, U): what people copy from paper.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A document typeset.
#[derive(Debug, Clone)]
pub struct Printed {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// The text laid out, in reading order: what tests and the record read back.
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the template failed: {0}")]
    Template(String),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// What typesets documents; the binary plugs in typst (`documents::Typst`).
pub trait Printer: Send + Sync + std::fmt::Debug {
    fn print(&self, document: &Document) -> Result<Printed, PrintError>;
}

/// An amount in Indonesian words, as official forms write it beside the figure: 1,250,000 is
/// "satu juta dua ratus lima puluh ribu". Negative amounts start with "minus".
pub fn terbilang(amount: i64) -> String {
    if amount == 0 {
        return "nol".into();
    }
    let mut words = Vec::new();
    if amount < 0 {
        words.push("minus".to_string());
    }
    let mut n = amount.unsigned_abs();
    const SCALES: [(u64, &str); 6] = [
        (1_000_000_000_000_000_000, "kuintiliun"),
        (1_000_000_000_000_000, "kuadriliun"),
        (1_000_000_000_000, "triliun"),
        (1_000_000_000, "miliar"),
        (1_000_000, "juta"),
        (1_000, "ribu"),
    ];
    for (scale, name) in SCALES {
        let count = n / scale;
        if count > 0 {
            if scale == 1_000 && count == 1 {
                words.push("seribu".into());
            } else {
                words.push(below_thousand(count));
                words.push(name.into());
            }
            n %= scale;
        }
    }
    if n > 0 {
        words.push(below_thousand(n));
    }
    words.join(" ")
}

fn below_thousand(n: u64) -> String {
    const UNITS: [&str; 10] = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];
    let mut words: Vec<String> = Vec::new();
    let (hundreds, rest) = (n / 100, n % 100);
    match hundreds {
        0 => {}
        1 => words.push("seratus".into()),
        h => words.push(format!("{} ratus", UNITS[h as usize])),
    }
    match rest {
        0 => {}
        10 => words.push("sepuluh".into()),
        11 => words.push("sebelas".into()),
        12..=19 => words.push(format!("{} belas", UNITS[(rest - 10) as usize])),
        1..=9 => words.push(UNITS[rest as usize].into()),
        _ => {
            words.push(format!("{} puluh", UNITS[(rest / 10) as usize]));
            if rest % 10 > 0 {
                words.push(UNITS[(rest % 10) as usize].into());
            }
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_words_as_forms_write_them() {
        assert_eq!(terbilang(0), "nol");
        assert_eq!(terbilang(1), "satu");
        assert_eq!(terbilang(11), "sebelas");
        assert_eq!(terbilang(19), "sembilan belas");
        assert_eq!(terbilang(100), "seratus");
        assert_eq!(terbilang(115), "seratus lima belas");
        assert_eq!(terbilang(1_000), "seribu");
        assert_eq!(terbilang(1_250_000), "satu juta dua ratus lima puluh ribu");
        assert_eq!(terbilang(21_001), "dua puluh satu ribu satu");
        assert_eq!(terbilang(1_000_000_000_000), "satu triliun");
        assert_eq!(terbilang(-2_500), "minus dua ribu lima ratus");
        assert_eq!(
            terbilang(i64::MAX),
            "sembilan kuintiliun dua ratus dua puluh tiga kuadriliun tiga ratus tujuh puluh dua triliun tiga puluh enam miliar delapan ratus lima puluh empat juta tujuh ratus tujuh puluh lima ribu delapan ratus tujuh"
        );
        assert!(terbilang(i64::MIN).starts_with("minus sembilan kuintiliun"));
    }

    fn document() -> Document {
        Document {
            kind: "daftar_prioritas".into(),
            landscape: false,
            letterhead: vec!["PEMERINTAH KOTA MEDAN".into()],
            title: "DAFTAR USULAN PRIORITAS".into(),
            subtitle: vec![],
            blocks: vec![Block::Paragraph { text: "Isi".into() }],
            signatures: vec![],
            labels: Labels::default(),
            stamp: Stamp::default(),
        }
    }

    #[test]
    fn the_same_content_keeps_its_code_and_other_content_gets_another() {
        let a = document();
        assert_eq!(a.code(), document().code());
        assert_eq!(a.code().len(), 10);
        assert!(a.code().chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
        let mut b = document();
        b.blocks = vec![Block::Paragraph { text: "Isi lain".into() }];
        assert_ne!(a.code(), b.code());
        let stamped = a.clone().stamped("https://rencana.example/");
        assert_eq!(stamped.stamp.url, format!("https://rencana.example/d/{}", a.code()));
        assert_eq!(stamped.code(), a.code(), "the stamp is not part of what the code names");
    }
}
