//! The values of master data: perangkat daerah (OPD), kamus usulan entries and their checks,
//! and amounts in whole rupiah. (Keeping them is the `masterdata` part.)

use serde::{Deserialize, Serialize};

use crate::error::{Errors, Rule, check_text};
pub use crate::money::{PRICE_MAX, check_rupiah, parse_rupiah};
use crate::nomenclature::{self, NomenclatureLevel};

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
    /// The sub kegiatan of the nomenclature that funds it (kamus saved before the link have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_kegiatan: Option<String>,
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
    /// A sub kegiatan code, or empty.
    pub sub_kegiatan: String,
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
/// `sub_kegiatan_exists` says whether a sub kegiatan is in the nomenclature of the kamus's year.
pub fn check_kamus(
    errors: &mut Errors,
    prefix: &str,
    input: &KamusInput,
    opd_exists: impl Fn(&str) -> bool,
    sub_kegiatan_exists: impl Fn(&str) -> bool,
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
    let sub_kegiatan = match input.sub_kegiatan.trim() {
        "" => None,
        text => {
            let code = nomenclature::code_to_look_up(text);
            match code {
                Some(code) if NomenclatureLevel::of_code(&code) != Some(NomenclatureLevel::SubKegiatan) => {
                    errors.push(field("sub_kegiatan"), Rule::WrongLevel { expected: "sub_kegiatan" });
                }
                Some(code) if !sub_kegiatan_exists(&code) => {
                    errors.push(field("sub_kegiatan"), Rule::UnknownNomenclature);
                }
                Some(_) => {}
                None => errors.push(field("sub_kegiatan"), Rule::Format { expected: "nomenclature_code" }),
            }
            Some(text.to_uppercase())
        }
    };
    KamusItem { code, name, unit, unit_price, opd_code, bidang, fisik, sub_kegiatan }
}

/// `code` when it has a code's shape (trimmed), for a lookup.
pub fn code_to_look_up(code: &str) -> Option<String> {
    let mut errors = Errors::default();
    let code = check_code(&mut errors, "code", code);
    errors.is_empty().then_some(code)
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
            sub_kegiatan: "1.03.10.2.01".into(),
        };
        let mut errors = Errors::default();
        check_kamus(&mut errors, "rows[0].", &input, |code| code == "1.03", |_| true);
        let crate::DomainError::Invalid(list) = errors.into_result().unwrap_err() else { panic!() };
        let fields: Vec<&str> = list.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rows[0].code",
                "rows[0].unit_price",
                "rows[0].opd_code",
                "rows[0].bidang",
                "rows[0].fisik",
                "rows[0].sub_kegiatan"
            ]
        );
    }
}
