//! The errors a command can meet. Each names the field and the rule, never a sentence: the web
//! layer turns them into words in the user's language.

use serde::Serialize;

use crate::access::AccessDenied;
use crate::region::CodeError;

/// The longest name of a person, place or office, in characters.
pub const NAME_MAX: usize = 100;

/// A rule that an input broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    /// The text has characters or a shape the field does not take; `expected` says which.
    Format {
        expected: &'static str,
    },
    /// A part of a region code with the wrong number of digits (parts count from 1).
    RegionCodePart {
        position: usize,
        expected: &'static str,
    },
    /// A region code with more parts than a lingkungan code has.
    RegionCodeTooDeep,
    /// No such region in this pemda.
    UnknownRegion,
    /// A region of the wrong level for this use.
    WrongLevel {
        expected: &'static str,
    },
    /// Already used by another record.
    Taken,
    /// A password among the most common ones.
    CommonPassword,
    /// A password that repeats the username.
    PasswordContainsUsername,
    UnknownRole,
    /// A row of an upload repeats an earlier row.
    DuplicateInUpload,
    /// An administrator disabling themselves or dropping their own administration.
    OwnAdminAccount,
    /// A time that must come after the one in `field`.
    NotAfter {
        field: &'static str,
    },
    /// Zero or less where more is needed.
    TooSmall,
    /// Too large to be read at all (more digits than any figure has).
    TooLarge,
    /// Above the bound the field takes (a volume in units, an amount in rupiah).
    AboveMax {
        max: i64,
    },
    /// A volume × unit price above the largest amount one item may cost.
    CostAboveMax {
        max: i64,
    },
    /// A control character (NUL, a line feed where none may be, an escape …) in a text.
    ControlCharacter,
    UnknownOpd,
    UnknownKamus,
    /// No such code in the nomenclature of the tahun anggaran.
    UnknownNomenclature,
    /// No such RPJMD priority in this pemda.
    UnknownPriority,
    /// No such dapil in this pemda.
    UnknownDapil,
    /// A kecamatan another dapil already holds.
    InAnotherDapil,
    /// A place outside the member's dapil.
    OutsideDapil,
    /// No such reses of this member in this cycle.
    UnknownReses,
    /// No aspiration of that number in the reses.
    UnknownAspiration,
    /// A date after today.
    InTheFuture,
    /// An account that is not (or no longer) of the role the field needs.
    NotOfRole {
        role: &'static str,
    },
    /// A nomenclature row whose parent is neither stored nor earlier in the upload.
    NoParent,
    /// A map point outside Indonesia's bounding box.
    OutsideIndonesia,
    /// The cycle does not take residents' proposals online.
    OnlineProposalsClosed,
    /// The proposal has not reached this stage.
    NotAtStage,
    /// A ranking that is not exactly the forum's accepted proposals.
    RankingIncomplete,
    /// A resident supports a proposal once.
    AlreadySupported,
    /// A file that is not a JPEG or PNG image by its content.
    PhotoType,
    /// A file over the size limit, in megabytes.
    PhotoTooLarge {
        max_mb: u64,
    },
    /// A pokir window that would still be open when the musrenbang RKPD begins.
    PokirAfterRkpd,
    /// An image wider or taller than `max` pixels.
    PhotoDimensions {
        max: u32,
    },
    /// More photos than a proposal may carry.
    TooManyPhotos {
        max: usize,
    },
    /// No such Renja line of this OPD in this cycle.
    UnknownLine,
    /// A proposal redirected to the OPD that already holds it.
    SameOpd,
    /// A signature line that is no known witness's valid cosignature of the checkpoint.
    UnknownCosignature,
    /// An uploaded file over the size limit, in megabytes.
    FileTooLarge {
        max_mb: u64,
    },
    /// An upload with more data rows than one import takes.
    TooManyRows {
        max: usize,
    },
    /// A spreadsheet cell holding a formula where a value is expected.
    Formula,
    /// A column the template has and the upload lacks.
    MissingColumn,
    /// A column the upload has and the template does not.
    UnknownColumn,
    /// A place outside the forum the rows are imported into.
    OutsideForum,
    /// A scan that is not, by its content, a PDF, JPEG or PNG.
    ScanType,
    /// A signed berita acara for a forum whose minutes are not yet recorded.
    NoMinutes,
    /// A row naming another tahun anggaran than the list it is sent in.
    OtherYear,
}

impl From<CodeError> for Rule {
    fn from(error: CodeError) -> Self {
        match error {
            CodeError::Empty => Rule::Required,
            CodeError::TooDeep => Rule::RegionCodeTooDeep,
            CodeError::BadPart { position, expected } => Rule::RegionCodePart { position, expected },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub rule: Rule,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: Rule) -> Self {
        FieldError { field: field.into(), rule }
    }
}

/// What kind of thing was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Pemda,
    Region,
    User,
    Cycle,
    Proposal,
    Forum,
    Member,
    Dapil,
    Line,
    Reses,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("access denied: {0}")]
    Denied(#[from] AccessDenied),
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("{0:?} not found: {1}")]
    NotFound(Entity, String),
    #[error("{0:?} already exists: {1}")]
    AlreadyExists(Entity, String),
    /// Outside the stage's window (or no window set): nobody writes, admins included.
    #[error("stage {stage:?} is not open")]
    StageClosed { stage: crate::cycle::Stage, window: Option<crate::cycle::Window> },
    /// The forum has closed and is read-only.
    #[error("the forum is closed")]
    ForumClosed,
    #[error("the forum cannot close: {0:?}")]
    CannotClose(CloseProblem),
    /// The cycle's RKPD is adopted: its plan is read-only for everyone.
    #[error("the cycle's RKPD is adopted")]
    Adopted,
}

impl DomainError {
    pub fn field(field: impl Into<String>, rule: Rule) -> Self {
        DomainError::Invalid(vec![FieldError::new(field, rule)])
    }
}

/// Collects every field error of one input, so the user can fix them all in one go.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, field: impl Into<String>, rule: Rule) {
        self.0.push(FieldError::new(field, rule));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), DomainError> {
        if self.0.is_empty() { Ok(()) } else { Err(DomainError::Invalid(self.0)) }
    }
}

/// Checks a required free-text field: trimmed, with visible text, no control characters other
/// than line breaks and tabs, at most `max` characters. One rule for both databases: PostgreSQL
/// refuses a NUL byte in text, SQLite would store it.
pub fn check_text(errors: &mut Errors, field: &str, value: &str, max: usize) -> String {
    // Controls are judged before trimming: a form feed is whitespace to `trim`, yet refused.
    let forbidden = value.chars().any(is_forbidden_control);
    let value = value.trim();
    if forbidden {
        errors.push(field, Rule::ControlCharacter);
    } else if !value.chars().any(is_visible) {
        errors.push(field, Rule::Required);
    } else if value.chars().count() > max {
        errors.push(field, Rule::TooLong { max });
    }
    value.to_string()
}

/// A control character no text field takes: every one but the line break and the tab.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Whether any character of `text` is a control character no field takes; for inputs that are
/// looked up rather than stored (a username at login, a filter), which are refused before any
/// query.
pub fn has_forbidden_control(text: &str) -> bool {
    text.chars().any(is_forbidden_control)
}

/// A character that shows ink: not a space, not a control, not one of the zero-width or blank
/// characters that render as nothing (so a reason of only U+200B is no reason).
pub fn is_visible(c: char) -> bool {
    let blank = matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
    );
    !c.is_whitespace() && !c.is_control() && !blank
}

/// Why a forum cannot close yet; the page and the API show the numbers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum CloseProblem {
    Undecided {
        count: usize,
    },
    Unranked,
    OverCap {
        accepted: usize,
        cap: u32,
    },
    OverCeiling {
        total: i64,
        ceiling: i64,
    },
    NoCeiling,
    NoMinutes,
    Empty,
    /// The accepted costs add up past what any sum of valid costs can reach.
    TotalTooLarge,
    /// The forum above (at `stage`) has closed, or its stage's window is over.
    UpperClosed {
        stage: crate::cycle::Stage,
    },
    /// The RKPD cannot be adopted while these OPD have not finalised their Renja.
    RenjaOpen {
        opd: Vec<String>,
    },
    /// The RKPD cannot be adopted before the musrenbang RKPD is recorded.
    NoMusrenbangRkpd,
    /// Nothing to adopt: no OPD has a Renja line.
    NoLines,
    /// A Renja whose lines' pagu passes the OPD's pagu indikatif.
    OverPagu {
        total: i64,
        ceiling: i64,
    },
    /// A Renja whose OPD has no pagu indikatif yet.
    NoPagu,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_of(value: &str) -> Option<Rule> {
        let mut errors = Errors::default();
        check_text(&mut errors, "reason", value, 12);
        errors.0.first().map(|e| e.rule.clone())
    }

    #[test]
    fn text_needs_visible_characters_and_no_controls() {
        assert_eq!(rule_of("Jalan rusak"), None);
        assert_eq!(rule_of("baris satu\nbaris dua"), Some(Rule::TooLong { max: 12 }));
        assert_eq!(rule_of("a\nb\tc"), None);
        assert_eq!(rule_of("   "), Some(Rule::Required));
        assert_eq!(rule_of("\u{200B}\u{200B}"), Some(Rule::Required));
        assert_eq!(rule_of("\u{FEFF} \u{2060}"), Some(Rule::Required));
        assert_eq!(rule_of("a\u{0}b"), Some(Rule::ControlCharacter));
        assert_eq!(rule_of("a\u{1b}[31m"), Some(Rule::ControlCharacter));
        assert_eq!(rule_of("\u{0B}"), Some(Rule::ControlCharacter));
        assert_eq!(rule_of("a\u{85}"), Some(Rule::ControlCharacter));
        assert!(has_forbidden_control("admin\u{0}"));
        assert!(!has_forbidden_control("admin"));
    }
}
