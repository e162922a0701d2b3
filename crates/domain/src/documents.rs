//! Printed documents in the record: each PDF Rencana prints (a berita acara, a priority list, a
//! Renja) is journaled by its SHA-256, so that anyone holding a print, or its file, can learn
//! whether it is unaltered and what it shows. The server builds these commands itself from what
//! it printed; nobody types them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Action, Actor, Resource, authorize};
use crate::error::{DomainError, Entity, Errors, Rule, check_text};
use crate::facts::{Facts, ForumNeed, Needs, OpdForumNeed};
use crate::kamus::code_to_look_up;
use crate::planning::ForumKey;
use crate::region::RegionCode;

/// The kinds of document Rencana prints.
pub const KINDS: [&str; 6] = ["berita_acara", "daftar_prioritas", "rekapitulasi", "pokir", "renja", "rkpd"];

/// The longest title a document is recorded with.
pub const TITLE_MAX: usize = 300;

/// The most a scan of a signed berita acara may weigh: a few pages scanned at 200 dpi, with
/// room to spare, inside what one request may carry.
pub const SCAN_MAX_BYTES: u64 = 6 * 1024 * 1024;

/// The types a scan may have, as the store judged them by the file's content.
pub const SCAN_TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentCommand {
    Record(RecordDocument),
    /// A scan already stored under its hash, to be recorded as the signed berita acara of a
    /// forum.
    AttachScan(AttachScan),
}

/// The forum a signed berita acara belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "forum", rename_all = "snake_case")]
pub enum ScanOf {
    /// A rembuk warga, a musrenbang kelurahan or kecamatan.
    Musrenbang {
        key: ForumKey,
    },
    ForumOpd {
        cycle_id: Uuid,
        opd_code: String,
    },
    MusrenbangRkpd {
        cycle_id: Uuid,
    },
}

impl ScanOf {
    /// The forum's name within its cycle, as the record files its scans under: `stage/region`
    /// for a musrenbang forum, `forum_opd/OPD` and `musrenbang_rkpd`.
    pub fn forum(&self) -> String {
        match self {
            ScanOf::Musrenbang { key } => format!("{}/{}", key.stage.as_str(), key.region),
            ScanOf::ForumOpd { opd_code, .. } => format!("forum_opd/{opd_code}"),
            ScanOf::MusrenbangRkpd { .. } => "musrenbang_rkpd".to_string(),
        }
    }

    /// The forum a stored name (`ScanOf::forum`) names in its cycle.
    pub fn parse(cycle_id: Uuid, forum: &str) -> Option<ScanOf> {
        match forum.split_once('/') {
            Some(("forum_opd", opd_code)) => Some(ScanOf::ForumOpd { cycle_id, opd_code: opd_code.to_string() }),
            Some((stage, region)) => {
                let stage = crate::cycle::Stage::parse(stage).filter(|s| s.forum_depth().is_some())?;
                let region = RegionCode::parse(region).ok()?;
                Some(ScanOf::Musrenbang { key: ForumKey { cycle_id, stage, region } })
            }
            None => (forum == "musrenbang_rkpd").then_some(ScanOf::MusrenbangRkpd { cycle_id }),
        }
    }

    pub fn cycle_id(&self) -> Uuid {
        match self {
            ScanOf::Musrenbang { key } => key.cycle_id,
            ScanOf::ForumOpd { cycle_id, .. } | ScanOf::MusrenbangRkpd { cycle_id } => *cycle_id,
        }
    }
}

/// A scan of a berita acara as signed on paper, kept byte for byte: its hash is what a reader
/// holding the same file compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachScan {
    pub of: ScanOf,
    pub sha256: String,
    pub content_type: String,
    pub bytes: u64,
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
    ScanAttached {
        of: ScanOf,
        sha256: String,
        content_type: String,
        bytes: u64,
    },
}

impl DocumentEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            DocumentEvent::DocumentRecorded { .. } => "document_recorded",
            DocumentEvent::ScanAttached { .. } => "scan_attached",
        }
    }
}

impl DocumentCommand {
    pub fn needs(&self) -> Needs {
        match self {
            DocumentCommand::Record(r) => Needs { pemda: Some(r.pemda.clone()), cycle: r.cycle_id, ..Needs::default() },
            DocumentCommand::AttachScan(scan) => match &scan.of {
                ScanOf::Musrenbang { key } => Needs {
                    cycle: Some(key.cycle_id),
                    forum: Some(ForumNeed::Named { key: key.clone(), entries: false }),
                    ..Needs::default()
                },
                ScanOf::ForumOpd { cycle_id, opd_code } => Needs {
                    cycle: Some(*cycle_id),
                    opd_forum: code_to_look_up(opd_code).map(|opd_code| OpdForumNeed::Named {
                        cycle_id: *cycle_id,
                        opd_code,
                        lines: false,
                    }),
                    ..Needs::default()
                },
                ScanOf::MusrenbangRkpd { cycle_id } => Needs { cycle: Some(*cycle_id), rkpd: true, ..Needs::default() },
            },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            DocumentCommand::Record(_) => "record_document",
            DocumentCommand::AttachScan(_) => "attach_scan",
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
pub fn decide(facts: &Facts, command: &DocumentCommand, actor: &Actor) -> Result<Vec<DocumentEvent>, DomainError> {
    let r = match command {
        DocumentCommand::Record(r) => r,
        DocumentCommand::AttachScan(scan) => return attach_scan(facts, scan, actor),
    };
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

/// Whether `actor` may attach a signed berita acara to the forum of a cycle of `pemda`: whoever
/// runs that forum (for pages deciding what to show, and for the rule itself).
pub fn may_attach_scan(actor: &Actor, of: &ScanOf, pemda: &RegionCode) -> Result<(), DomainError> {
    let (action, resource) = match of {
        ScanOf::Musrenbang { key } => {
            let action = crate::musrenbang::forum_action(key.stage)
                .ok_or_else(|| DomainError::NotFound(Entity::Forum, key.region.to_string()))?;
            let depth = key.stage.forum_depth().unwrap_or(0);
            if key.region.depth() != depth || !key.region.is_within(pemda) {
                return Err(DomainError::NotFound(Entity::Forum, key.region.to_string()));
            }
            let resource = Resource::region(key.region.clone())
                .ok_or_else(|| DomainError::NotFound(Entity::Region, key.region.to_string()))?;
            (action, resource)
        }
        ScanOf::ForumOpd { opd_code, .. } => (Action::RunForumOpd, Resource::opd(pemda.clone(), opd_code)),
        ScanOf::MusrenbangRkpd { .. } => (Action::CompileRkpd, Resource::pemda(pemda.clone())),
    };
    Ok(authorize(actor, action, &resource)?)
}

/// Whoever may record a forum's minutes may attach its signed berita acara, once the minutes
/// are recorded (the paper signed is their print), and also after the forum closed: the
/// signatures come after the meeting. What the file is, the store judged from its content.
fn attach_scan(facts: &Facts, scan: &AttachScan, actor: &Actor) -> Result<Vec<DocumentEvent>, DomainError> {
    let cycle = facts.cycle_named(scan.of.cycle_id())?;
    may_attach_scan(actor, &scan.of, &cycle.pemda)?;
    let minutes = match &scan.of {
        ScanOf::Musrenbang { key } => {
            let forum = facts
                .forum
                .as_ref()
                .filter(|f| &f.key == key)
                .ok_or_else(|| DomainError::NotFound(Entity::Forum, key.region.to_string()))?;
            forum.meeting.is_some()
        }
        ScanOf::ForumOpd { opd_code, .. } => {
            let renja = facts
                .renja
                .as_ref()
                .filter(|r| &r.opd_code == opd_code && r.cycle_id == cycle.id)
                .ok_or_else(|| DomainError::NotFound(Entity::Forum, opd_code.clone()))?;
            renja.meeting.is_some()
        }
        ScanOf::MusrenbangRkpd { .. } => facts.rkpd.as_ref().is_some_and(|r| r.musrenbang),
    };
    let mut errors = Errors::default();
    if !SCAN_TYPES.contains(&scan.content_type.as_str()) {
        errors.push("scan", Rule::ScanType);
    } else if scan.bytes == 0 {
        errors.push("scan", Rule::Required);
    } else if scan.bytes > SCAN_MAX_BYTES {
        errors.push("scan", Rule::FileTooLarge { max_mb: SCAN_MAX_BYTES / (1024 * 1024) });
    } else if !is_sha256(&scan.sha256) {
        errors.push("sha256", Rule::Format { expected: "sha256" });
    } else if !minutes {
        errors.push("scan", Rule::NoMinutes);
    }
    errors.into_result()?;
    Ok(vec![DocumentEvent::ScanAttached {
        of: scan.of.clone(),
        sha256: scan.sha256.clone(),
        content_type: scan.content_type.clone(),
        bytes: scan.bytes,
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

    mod scans {
        use super::*;
        use crate::access::{Grant, Role, Scope, UserActor};
        use crate::cycle::{CycleFacts, Stage};
        use crate::planning::{ForumFacts, Meeting};
        use crate::renja::RenjaFacts;
        use crate::rkpd::RkpdFacts;

        const CYCLE: Uuid = Uuid::from_u128(1);

        fn code(s: &str) -> RegionCode {
            RegionCode::parse(s).unwrap()
        }

        fn user(role: Role, scope: Scope) -> Actor {
            Actor::User(UserActor {
                id: Uuid::from_u128(9),
                username: "operator".into(),
                pemda: code("12.71"),
                grants: vec![Grant { role, scope }],
            })
        }

        fn key() -> ForumKey {
            ForumKey { cycle_id: CYCLE, stage: Stage::MusrenbangKelurahan, region: code("12.71.01.1001") }
        }

        fn meeting() -> Meeting {
            Meeting {
                date: "2027-01-20".into(),
                place: "Aula".into(),
                chair: "Lurah".into(),
                attendees: Vec::new(),
                delegates: Vec::new(),
            }
        }

        /// A closed forum whose window is over: signatures come after the meeting.
        fn facts(minutes: bool) -> Facts {
            let cycle = CycleFacts {
                id: CYCLE,
                pemda: code("12.71"),
                tahun_anggaran: 2027,
                windows: Default::default(),
                caps: Default::default(),
                online_proposals: false,
                adopted: false,
            };
            Facts {
                cycle: Some(cycle),
                forum: Some(ForumFacts {
                    key: key(),
                    closed: true,
                    meeting: minutes.then(meeting),
                    entries: Vec::new(),
                    ceiling: None,
                    upper_closed: false,
                }),
                renja: Some(RenjaFacts {
                    cycle_id: CYCLE,
                    opd_code: "1.03.01".into(),
                    meeting: minutes.then(meeting),
                    ..RenjaFacts::default()
                }),
                rkpd: Some(RkpdFacts { musrenbang: minutes, ..RkpdFacts::default() }),
                ..Facts::default()
            }
        }

        fn scan(of: ScanOf) -> DocumentCommand {
            DocumentCommand::AttachScan(AttachScan {
                of,
                sha256: "cd".repeat(32),
                content_type: "application/pdf".into(),
                bytes: 200_000,
            })
        }

        fn lurah() -> Actor {
            user(Role::OperatorKelurahan, Scope::Region(code("12.71.01.1001")))
        }

        fn rule_of(result: Result<Vec<DocumentEvent>, DomainError>) -> Rule {
            match result {
                Err(DomainError::Invalid(errors)) => errors[0].rule.clone(),
                other => panic!("not refused by a rule: {other:?}"),
            }
        }

        #[test]
        fn the_forum_s_own_operator_attaches_it_after_the_forum_closed() {
            let events = decide(&facts(true), &scan(ScanOf::Musrenbang { key: key() }), &lurah()).unwrap();
            assert!(matches!(&events[..], [DocumentEvent::ScanAttached { bytes: 200_000, .. }]));
            let other = user(Role::OperatorKelurahan, Scope::Region(code("12.71.01.1002")));
            assert!(matches!(
                decide(&facts(true), &scan(ScanOf::Musrenbang { key: key() }), &other),
                Err(DomainError::Denied(_))
            ));
            assert!(matches!(
                decide(&facts(true), &scan(ScanOf::Musrenbang { key: key() }), &Actor::Public),
                Err(DomainError::Denied(_))
            ));
        }

        #[test]
        fn no_signed_copy_before_the_minutes() {
            assert_eq!(
                rule_of(decide(&facts(false), &scan(ScanOf::Musrenbang { key: key() }), &lurah())),
                Rule::NoMinutes
            );
            let opd = user(Role::OperatorOpd, Scope::Opd("1.03.01".into()));
            let forum_opd = ScanOf::ForumOpd { cycle_id: CYCLE, opd_code: "1.03.01".into() };
            assert_eq!(rule_of(decide(&facts(false), &scan(forum_opd.clone()), &opd)), Rule::NoMinutes);
            assert!(decide(&facts(true), &scan(forum_opd.clone()), &opd).is_ok());
            assert!(matches!(decide(&facts(true), &scan(forum_opd), &lurah()), Err(DomainError::Denied(_))));
            let bappeda = user(Role::BappedaAdmin, Scope::Pemda);
            let rkpd = ScanOf::MusrenbangRkpd { cycle_id: CYCLE };
            assert_eq!(rule_of(decide(&facts(false), &scan(rkpd.clone()), &bappeda)), Rule::NoMinutes);
            assert!(decide(&facts(true), &scan(rkpd), &bappeda).is_ok());
        }

        #[test]
        fn only_a_pdf_or_an_image_within_the_limit() {
            let with = |content_type: &str, bytes: u64| {
                DocumentCommand::AttachScan(AttachScan {
                    of: ScanOf::Musrenbang { key: key() },
                    sha256: "cd".repeat(32),
                    content_type: content_type.into(),
                    bytes,
                })
            };
            assert_eq!(rule_of(decide(&facts(true), &with("text/html", 10), &lurah())), Rule::ScanType);
            assert_eq!(
                rule_of(decide(&facts(true), &with("image/png", SCAN_MAX_BYTES + 1), &lurah())),
                Rule::FileTooLarge { max_mb: 6 }
            );
            assert!(decide(&facts(true), &with("image/png", SCAN_MAX_BYTES), &lurah()).is_ok());
        }

        #[test]
        fn a_forum_s_name_reads_back() {
            for of in [
                ScanOf::Musrenbang { key: key() },
                ScanOf::ForumOpd { cycle_id: CYCLE, opd_code: "1.03.01".into() },
                ScanOf::MusrenbangRkpd { cycle_id: CYCLE },
            ] {
                assert_eq!(ScanOf::parse(CYCLE, &of.forum()), Some(of));
            }
            assert_eq!(ScanOf::parse(CYCLE, "pokir/12.71"), None);
            assert_eq!(ScanOf::parse(CYCLE, "rkpd"), None);
        }

        #[test]
        fn a_forum_of_another_pemda_is_not_found() {
            let elsewhere =
                ForumKey { cycle_id: CYCLE, stage: Stage::MusrenbangKelurahan, region: code("12.72.01.1001") };
            assert!(matches!(
                decide(&facts(true), &scan(ScanOf::Musrenbang { key: elsewhere }), &lurah()),
                Err(DomainError::NotFound(Entity::Forum, _))
            ));
        }
    }
}
