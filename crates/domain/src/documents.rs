//! Printed documents in the record: each PDF Rencana prints (a berita acara, a priority list, a
//! Renja) is journaled by its SHA-256, so that anyone holding a print, or its file, can learn
//! whether it is unaltered and what it shows. The server builds these commands itself from what
//! it printed; nobody types them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Actor;
use crate::error::{DomainError, Entity, Errors, Rule, check_text};
use crate::facts::{Facts, Needs};
use crate::region::RegionCode;

/// The kinds of document Rencana prints.
pub const KINDS: [&str; 6] = ["berita_acara", "daftar_prioritas", "rekapitulasi", "pokir", "renja", "rkpd"];

/// The longest title a document is recorded with.
pub const TITLE_MAX: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentCommand {
    Record(RecordDocument),
}

/// A print to record: what the server printed, and of what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordDocument {
    pub pemda: RegionCode,
    pub cycle_id: Option<Uuid>,
    pub kind: String,
    /// The document's code, printed on it and in its address (`/d/CODE`).
    pub code: String,
    /// The SHA-256 of the PDF's bytes, lowercase hex.
    pub sha256: String,
    pub title: String,
    /// The page whose content it prints.
    pub href: String,
    pub pages: u32,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DocumentEvent {
    DocumentRecorded {
        cycle_id: Option<Uuid>,
        kind: String,
        code: String,
        sha256: String,
        title: String,
        href: String,
        pages: u32,
        bytes: u64,
    },
}

impl DocumentEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            DocumentEvent::DocumentRecorded { .. } => "document_recorded",
        }
    }
}

impl DocumentCommand {
    pub fn needs(&self) -> Needs {
        match self {
            DocumentCommand::Record(r) => Needs { pemda: Some(r.pemda.clone()), cycle: r.cycle_id, ..Needs::default() },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            DocumentCommand::Record(_) => "record_document",
        }
    }
}

/// Whether `code` has the shape of a document's code: ten letters of Crockford's base 32.
pub fn is_code(code: &str) -> bool {
    code.len() == 10 && code.bytes().all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)))
}

/// Whether `hash` is a SHA-256 in lowercase hex.
pub fn is_sha256(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Anyone may have a print recorded: what is printed is what the pages already show everyone,
/// and the server, not the reader, says what was printed.
pub fn decide(facts: &Facts, command: &DocumentCommand, _actor: &Actor) -> Result<Vec<DocumentEvent>, DomainError> {
    let DocumentCommand::Record(r) = command;
    if !facts.pemda_exists {
        return Err(DomainError::NotFound(Entity::Pemda, r.pemda.to_string()));
    }
    if let Some(cycle_id) = r.cycle_id {
        let cycle = facts.cycle_named(cycle_id)?;
        if cycle.pemda != r.pemda {
            return Err(DomainError::NotFound(Entity::Cycle, cycle_id.to_string()));
        }
    }
    let mut errors = Errors::default();
    if !KINDS.contains(&r.kind.as_str()) {
        errors.push("kind", Rule::Format { expected: "document_kind" });
    }
    if !is_code(&r.code) {
        errors.push("code", Rule::Format { expected: "document_code" });
    }
    if !is_sha256(&r.sha256) {
        errors.push("sha256", Rule::Format { expected: "sha256" });
    }
    let title = check_text(&mut errors, "title", &r.title, TITLE_MAX);
    if !r.href.starts_with('/') || r.href.len() > TITLE_MAX {
        errors.push("href", Rule::Format { expected: "path" });
    }
    if r.pages == 0 || r.bytes == 0 {
        errors.push("pages", Rule::TooSmall);
    }
    errors.into_result()?;
    Ok(vec![DocumentEvent::DocumentRecorded {
        cycle_id: r.cycle_id,
        kind: r.kind.clone(),
        code: r.code.clone(),
        sha256: r.sha256.clone(),
        title,
        href: r.href.clone(),
        pages: r.pages,
        bytes: r.bytes,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    fn record() -> RecordDocument {
        RecordDocument {
            pemda: RegionCode::parse("12.71").unwrap(),
            cycle_id: None,
            kind: "berita_acara".into(),
            code: "7K2M9QXR4D".into(),
            sha256: "ab".repeat(32),
            title: "Berita acara musrenbang kecamatan".into(),
            href: "/forums/x".into(),
            pages: 2,
            bytes: 4096,
        }
    }

    fn facts() -> Facts {
        Facts { pemda_exists: true, ..Facts::default() }
    }

    #[test]
    fn a_print_is_recorded_by_its_hash() {
        let events = decide(&facts(), &DocumentCommand::Record(record()), &Actor::Public).unwrap();
        assert!(matches!(&events[..], [DocumentEvent::DocumentRecorded { code, .. }] if code == "7K2M9QXR4D"));
    }

    #[test]
    fn a_malformed_record_names_each_field() {
        let bad = RecordDocument {
            kind: "surat".into(),
            code: "ILOU123456".into(),
            sha256: "AB".repeat(32),
            title: " ".into(),
            href: "http://elsewhere".into(),
            pages: 0,
            ..record()
        };
        let Err(DomainError::Invalid(errors)) = decide(&facts(), &DocumentCommand::Record(bad), &Actor::Public) else {
            panic!("accepted");
        };
        let fields: Vec<&str> = errors.iter().map(|FieldError { field, .. }| field.as_str()).collect();
        assert_eq!(fields, ["kind", "code", "sha256", "title", "href", "pages"]);
    }

    #[test]
    fn no_record_for_a_pemda_that_is_not_there() {
        let missing = Facts { pemda_exists: false, ..facts() };
        assert!(matches!(
            decide(&missing, &DocumentCommand::Record(record()), &Actor::Public),
            Err(DomainError::NotFound(Entity::Pemda, _))
        ));
    }
}
