//! Master data a pemda keeps for its cycles: perangkat daerah (OPD), the kamus usulan per tahun
//! anggaran, and amounts in whole rupiah.

use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor, Resource, authorize};
use crate::command::{Facts, NAME_MAX, Needs};
use crate::cycle::YEARS;
use crate::error::{DomainError, Errors, Rule, check_text};
pub use crate::money::{PRICE_MAX, check_rupiah, parse_rupiah};
use crate::region::RegionCode;

/// The three bidang a musrenbang sorts proposals into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Bidang {
    InfrastrukturKewilayahan,
    EkonomiSda,
    SosialBudayaPemerintahan,
}

impl Bidang {
    pub const ALL: [Bidang; 3] =
        [Bidang::InfrastrukturKewilayahan, Bidang::EkonomiSda, Bidang::SosialBudayaPemerintahan];

    pub fn as_str(self) -> &'static str {
        match self {
            Bidang::InfrastrukturKewilayahan => "infrastruktur_kewilayahan",
            Bidang::EkonomiSda => "ekonomi_sda",
            Bidang::SosialBudayaPemerintahan => "sosial_budaya_pemerintahan",
        }
    }

    pub fn parse(s: &str) -> Option<Bidang> {
        Bidang::ALL.into_iter().find(|b| b.as_str() == s.trim())
    }
}

/// A perangkat daerah.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opd {
    pub code: String,
    pub name: String,
}

/// One entry of the kamus usulan: what a pemda will fund, at what unit price, through which OPD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KamusItem {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// Whole rupiah per unit.
    pub unit_price: i64,
    pub opd_code: String,
    pub bidang: Bidang,
    pub fisik: bool,
}

/// A kamus entry as typed in a form or a CSV row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KamusInput {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub unit_price: String,
    pub opd_code: String,
    pub bidang: String,
    pub fisik: String,
}

pub const CODE_MAX: usize = 40;
/// The longest name a kamus entry may have.
pub const KAMUS_NAME_MAX: usize = 200;
/// The words read as physical work, and as not, in any case.
pub const FISIK_WORDS: [&str; 5] = ["ya", "yes", "true", "1", "fisik"];
pub const NON_FISIK_WORDS: [&str; 7] = ["tidak", "no", "false", "0", "non_fisik", "non-fisik", "nonfisik"];
pub const UNIT_MAX: usize = 30;

/// Checks a code of master data: letters, digits, dots and hyphens.
pub fn check_code(errors: &mut Errors, field: &str, code: &str) -> String {
    let code = code.trim();
    if code.is_empty() {
        errors.push(field, Rule::Required);
    } else if code.len() > CODE_MAX {
        errors.push(field, Rule::TooLong { max: CODE_MAX });
    } else if !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
        errors.push(field, Rule::Format { expected: "code" });
    }
    code.to_string()
}

fn parse_bool(text: &str) -> Option<bool> {
    let word = text.trim().to_lowercase();
    if FISIK_WORDS.contains(&word.as_str()) {
        Some(true)
    } else if NON_FISIK_WORDS.contains(&word.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// Checks one kamus entry; `prefix` names the row in an upload (`rows[3].`), or is empty.
pub fn check_kamus(
    errors: &mut Errors,
    prefix: &str,
    input: &KamusInput,
    opd_exists: impl Fn(&str) -> bool,
) -> KamusItem {
    let field = |name: &str| format!("{prefix}{name}");
    let code = check_code(errors, &field("code"), &input.code);
    let name = check_text(errors, &field("name"), &input.name, KAMUS_NAME_MAX);
    let unit = check_text(errors, &field("unit"), &input.unit, UNIT_MAX);
    let unit_price = check_rupiah(errors, &field("unit_price"), &input.unit_price, PRICE_MAX);
    if unit_price == 0 && parse_rupiah(&input.unit_price) == Some(0) {
        errors.push(field("unit_price"), Rule::TooSmall);
    }
    let opd_code = input.opd_code.trim().to_string();
    if opd_code.is_empty() {
        errors.push(field("opd_code"), Rule::Required);
    } else if !opd_exists(&opd_code) {
        errors.push(field("opd_code"), Rule::UnknownOpd);
    }
    let bidang = Bidang::parse(&input.bidang).unwrap_or_else(|| {
        errors.push(field("bidang"), Rule::Format { expected: "bidang" });
        Bidang::InfrastrukturKewilayahan
    });
    let fisik = parse_bool(&input.fisik).unwrap_or_else(|| {
        errors.push(field("fisik"), Rule::Format { expected: "fisik" });
        true
    });
    KamusItem { code, name, unit, unit_price, opd_code, bidang, fisik }
}

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MasterDataCommand {
    CreateOpd {
        pemda: RegionCode,
        code: String,
        name: String,
    },
    /// Kamus entries of one tahun anggaran; `batch` (a CSV) names fields by row.
    UpsertKamus {
        pemda: RegionCode,
        tahun_anggaran: i32,
        items: Vec<KamusInput>,
        batch: bool,
    },
}

impl MasterDataCommand {
    /// What the rules need read to decide it: the OPD codes it names.
    pub fn needs(&self) -> Needs {
        match self {
            MasterDataCommand::CreateOpd { pemda, code, .. } => Needs {
                pemda: Some(pemda.clone()),
                opd: code_to_look_up(code).into_iter().collect(),
                ..Needs::default()
            },
            MasterDataCommand::UpsertKamus { pemda, items, .. } => Needs {
                pemda: Some(pemda.clone()),
                opd: items.iter().filter_map(|item| code_to_look_up(&item.opd_code)).collect(),
                ..Needs::default()
            },
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            MasterDataCommand::CreateOpd { .. } => "create_opd",
            MasterDataCommand::UpsertKamus { .. } => "upsert_kamus",
        }
    }
}

/// `code` when it has a code's shape (trimmed), for a lookup.
pub fn code_to_look_up(code: &str) -> Option<String> {
    let mut errors = Errors::default();
    let code = check_code(&mut errors, "code", code);
    errors.is_empty().then_some(code)
}

/// Decides a master-data command.
pub fn decide(facts: &Facts, command: &MasterDataCommand, actor: &Actor) -> Result<Vec<MasterDataEvent>, DomainError> {
    match command {
        MasterDataCommand::CreateOpd { pemda, code, name } => create_opd(facts, pemda, code, name, actor),
        MasterDataCommand::UpsertKamus { pemda, tahun_anggaran, items, batch } => {
            upsert_kamus(facts, pemda, *tahun_anggaran, items, *batch, actor)
        }
    }
}

fn create_opd(
    facts: &Facts,
    pemda: &RegionCode,
    code: &str,
    name: &str,
    actor: &Actor,
) -> Result<Vec<MasterDataEvent>, DomainError> {
    authorize(actor, Action::ManageMasterData, &Resource::pemda(pemda.clone()))?;
    let mut errors = Errors::default();
    let code = check_code(&mut errors, "code", code);
    let name = check_text(&mut errors, "name", name, NAME_MAX * 2);
    if errors.is_empty() && facts.opd_codes.contains(&code) {
        errors.push("code", Rule::Taken);
    }
    errors.into_result()?;
    Ok(vec![MasterDataEvent::OpdCreated { code, name }])
}

/// Adds or replaces kamus entries of one tahun anggaran; several at once (a CSV) are all or none.
fn upsert_kamus(
    facts: &Facts,
    pemda: &RegionCode,
    tahun_anggaran: i32,
    inputs: &[KamusInput],
    batch: bool,
    actor: &Actor,
) -> Result<Vec<MasterDataEvent>, DomainError> {
    authorize(actor, Action::ManageMasterData, &Resource::pemda(pemda.clone()))?;
    if !(YEARS.0..=YEARS.1).contains(&tahun_anggaran) {
        return Err(DomainError::field("tahun_anggaran", Rule::Format { expected: "year" }));
    }
    if inputs.is_empty() {
        return Err(DomainError::field("rows", Rule::Required));
    }
    let mut errors = Errors::default();
    let mut items = Vec::with_capacity(inputs.len());
    let mut seen = std::collections::HashSet::new();
    for (i, input) in inputs.iter().enumerate() {
        let prefix = if batch { format!("rows[{i}].") } else { String::new() };
        let item = check_kamus(&mut errors, &prefix, input, |code| facts.opd_codes.contains(code));
        if !item.code.is_empty() && !seen.insert(item.code.clone()) {
            errors.push(format!("{prefix}code"), Rule::DuplicateInUpload);
        }
        items.push(item);
    }
    errors.into_result()?;
    Ok(vec![MasterDataEvent::KamusUpserted { tahun_anggaran, items }])
}

/// What this part records in the journal (tagged by `type`, as every event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MasterDataEvent {
    OpdCreated { code: String, name: String },
    KamusUpserted { tahun_anggaran: i32, items: Vec<KamusItem> },
}

impl MasterDataEvent {
    /// The kind as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            MasterDataEvent::OpdCreated { .. } => "opd_created",
            MasterDataEvent::KamusUpserted { .. } => "kamus_upserted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kamus_row_names_each_broken_field() {
        let input = KamusInput {
            code: "JLN 01".into(),
            name: "Pengaspalan jalan".into(),
            unit: "meter".into(),
            unit_price: "1.5".into(),
            opd_code: "9.99".into(),
            bidang: "jalan".into(),
            fisik: "mungkin".into(),
        };
        let mut errors = Errors::default();
        check_kamus(&mut errors, "rows[0].", &input, |code| code == "1.03");
        let crate::DomainError::Invalid(list) = errors.into_result().unwrap_err() else { panic!() };
        let fields: Vec<&str> = list.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["rows[0].code", "rows[0].unit_price", "rows[0].opd_code", "rows[0].bidang", "rows[0].fisik"]
        );
    }
}
