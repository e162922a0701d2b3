//! The Kemendagri nomenclature of regional programmes (Permendagri 90/2019 and its updates):
//! urusan → bidang urusan → program → kegiatan → sub kegiatan, each known by its code, and each
//! sub kegiatan by the output indicator and unit it is measured in. Kamus items and Renja lines
//! point at a sub kegiatan; a pemda keeps the list per tahun anggaran, as the ministry revises it.

use serde::{Deserialize, Serialize};

use crate::error::{Errors, Rule, check_text};

/// The five levels, from the widest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NomenclatureLevel {
    Urusan,
    BidangUrusan,
    Program,
    Kegiatan,
    SubKegiatan,
}

impl NomenclatureLevel {
    pub const ALL: [NomenclatureLevel; 5] = [
        NomenclatureLevel::Urusan,
        NomenclatureLevel::BidangUrusan,
        NomenclatureLevel::Program,
        NomenclatureLevel::Kegiatan,
        NomenclatureLevel::SubKegiatan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NomenclatureLevel::Urusan => "urusan",
            NomenclatureLevel::BidangUrusan => "bidang_urusan",
            NomenclatureLevel::Program => "program",
            NomenclatureLevel::Kegiatan => "kegiatan",
            NomenclatureLevel::SubKegiatan => "sub_kegiatan",
        }
    }

    pub fn parse(text: &str) -> Option<NomenclatureLevel> {
        NomenclatureLevel::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// The level a code has by its shape: `1`, `1.03`, `1.03.10`, `1.03.10.2.01`,
    /// `1.03.10.2.01.0001`. Each part is digits of its fixed width; `X`/`XX` stand for the
    /// programmes every urusan shares (`X.XX.01`, the supporting programme).
    pub fn of_code(code: &str) -> Option<NomenclatureLevel> {
        let parts: Vec<&str> = code.split('.').collect();
        let level = match parts.len() {
            1 => NomenclatureLevel::Urusan,
            2 => NomenclatureLevel::BidangUrusan,
            3 => NomenclatureLevel::Program,
            5 => NomenclatureLevel::Kegiatan,
            6 => NomenclatureLevel::SubKegiatan,
            _ => return None,
        };
        let shapes_fit = parts.iter().zip(PART_WIDTHS).enumerate().all(|(index, (part, width))| {
            part.len() == width
                && (part.bytes().all(|b| b.is_ascii_digit()) || (index < 2 && part.bytes().all(|b| b == b'X')))
        });
        shapes_fit.then_some(level)
    }
}

/// The width of each part of a code, from the urusan to the sub kegiatan.
const PART_WIDTHS: [usize; 6] = [1, 2, 2, 1, 2, 4];

/// The code of the level above: a kegiatan's parent is its program (its fourth part groups
/// kegiatan inside the programme and has no row of its own).
pub fn parent_code(code: &str) -> Option<String> {
    let level = NomenclatureLevel::of_code(code)?;
    let keep = match level {
        NomenclatureLevel::Urusan => return None,
        NomenclatureLevel::BidangUrusan => 1,
        NomenclatureLevel::Program => 2,
        NomenclatureLevel::Kegiatan => 3,
        NomenclatureLevel::SubKegiatan => 5,
    };
    Some(code.split('.').take(keep).collect::<Vec<_>>().join("."))
}

/// Every code above `code`, from the urusan down, `code` excluded.
pub fn ancestor_codes(code: &str) -> Vec<String> {
    let mut codes = Vec::new();
    let mut next = parent_code(code);
    while let Some(code) = next {
        next = parent_code(&code);
        codes.push(code);
    }
    codes.reverse();
    codes
}

/// One entry of the nomenclature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NomenclatureItem {
    pub code: String,
    pub name: String,
    /// The output indicator (required for a sub kegiatan).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub indicator: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
}

impl NomenclatureItem {
    pub fn level(&self) -> Option<NomenclatureLevel> {
        NomenclatureLevel::of_code(&self.code)
    }
}

/// An entry as typed in a CSV row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NomenclatureInput {
    pub code: String,
    pub name: String,
    pub indicator: String,
    pub unit: String,
}

/// The longest name (the ministry's longest sub kegiatan names run to about 250 characters).
pub const NAME_MAX: usize = 400;
/// The longest output indicator.
pub const INDICATOR_MAX: usize = 500;
/// The longest unit of an indicator (`Dokumen`, `Unit`, `Orang yang Mendapatkan Pelayanan`).
pub const UNIT_MAX: usize = 100;

/// Checks one entry; `prefix` names the row in an upload (`rows[3].`).
pub fn check_nomenclature(errors: &mut Errors, prefix: &str, input: &NomenclatureInput) -> NomenclatureItem {
    let field = |name: &str| format!("{prefix}{name}");
    let code = input.code.trim().to_uppercase();
    if code.is_empty() {
        errors.push(field("code"), Rule::Required);
    } else if NomenclatureLevel::of_code(&code).is_none() {
        errors.push(field("code"), Rule::Format { expected: "nomenclature_code" });
    }
    let name = check_text(errors, &field("name"), &input.name, NAME_MAX);
    let sub_kegiatan = NomenclatureLevel::of_code(&code) == Some(NomenclatureLevel::SubKegiatan);
    let optional = |errors: &mut Errors, name: &str, value: &str, max: usize| {
        if sub_kegiatan || !value.trim().is_empty() {
            check_text(errors, &field(name), value, max)
        } else {
            String::new()
        }
    };
    let indicator = optional(errors, "indicator", &input.indicator, INDICATOR_MAX);
    let unit = optional(errors, "unit", &input.unit, UNIT_MAX);
    NomenclatureItem { code, name, indicator, unit }
}

/// What a search by words compares: code, name and indicator, folded as [`crate::search::fold`].
pub fn search_text(item: &NomenclatureItem) -> String {
    crate::search::fold(&format!("{} {} {}", item.code, item.name, item.indicator))
}

/// `code` upper-cased when it has a nomenclature code's shape, for a lookup.
pub fn code_to_look_up(code: &str) -> Option<String> {
    let code = code.trim().to_uppercase();
    NomenclatureLevel::of_code(&code).map(|_| code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DomainError, FieldError};
    use proptest::prelude::*;

    fn refused(errors: Errors) -> Vec<FieldError> {
        match errors.into_result() {
            Err(DomainError::Invalid(list)) => list,
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_code_has_its_level_by_shape() {
        use NomenclatureLevel::*;
        let cases = [
            ("1", Some(Urusan)),
            ("1.03", Some(BidangUrusan)),
            ("1.03.10", Some(Program)),
            ("X.XX.01", Some(Program)),
            ("1.03.10.2.01", Some(Kegiatan)),
            ("1.03.10.2.01.0001", Some(SubKegiatan)),
            ("X.XX.01.2.01.0001", Some(SubKegiatan)),
            ("1.03.10.2", None),
            ("1.3", None),
            ("01.03", None),
            ("1.03.10.2.01.001", None),
            ("1.03.10.2.01.0001.1", None),
            ("1.03.1a", None),
            ("1.03.10.X.01", None),
            ("", None),
            ("1..03", None),
        ];
        for (code, level) in cases {
            assert_eq!(NomenclatureLevel::of_code(code), level, "{code}");
        }
    }

    #[test]
    fn parents_skip_the_kegiatan_group_part() {
        assert_eq!(parent_code("1"), None);
        assert_eq!(parent_code("1.03").as_deref(), Some("1"));
        assert_eq!(parent_code("1.03.10").as_deref(), Some("1.03"));
        assert_eq!(parent_code("1.03.10.2.01").as_deref(), Some("1.03.10"));
        assert_eq!(parent_code("1.03.10.2.01.0001").as_deref(), Some("1.03.10.2.01"));
        assert_eq!(ancestor_codes("1.03.10.2.01.0001"), ["1", "1.03", "1.03.10", "1.03.10.2.01"]);
        assert!(ancestor_codes("1").is_empty());
    }

    #[test]
    fn a_sub_kegiatan_needs_its_indicator_and_unit() {
        let mut errors = Errors::default();
        let input = NomenclatureInput {
            code: "1.03.10.2.01.0001".into(),
            name: "Pembangunan Jalan".into(),
            ..Default::default()
        };
        check_nomenclature(&mut errors, "rows[4].", &input);
        let fields: Vec<String> = refused(errors).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["rows[4].indicator", "rows[4].unit"]);

        let mut errors = Errors::default();
        let input = NomenclatureInput {
            code: "1.03.10".into(),
            name: "PROGRAM PENYELENGGARAAN JALAN".into(),
            ..Default::default()
        };
        check_nomenclature(&mut errors, "", &input);
        assert!(errors.is_empty());

        let mut errors = Errors::default();
        let input = NomenclatureInput { code: "1.3".into(), name: "\u{0}".into(), ..Default::default() };
        check_nomenclature(&mut errors, "", &input);
        let rules: Vec<Rule> = refused(errors).into_iter().map(|e| e.rule).collect();
        assert_eq!(rules, [Rule::Format { expected: "nomenclature_code" }, Rule::ControlCharacter]);
    }

    #[test]
    fn search_words_carry_no_wildcard() {
        assert_eq!(crate::search::words("  Jalan  KABUPATEN/Kota "), ["jalan", "kabupaten/kota"]);
        assert_eq!(crate::search::words("100%_\\ 1.03\u{0}"), ["100", "1.03"]);
        assert!(crate::search::words("%%% ___").is_empty());
        assert_eq!(crate::search::words("a b c d e f g h i j").len(), 8);
    }

    proptest! {
        /// Every code that has a level has a parent one level up (but the urusan), itself a code.
        #[test]
        fn a_parent_is_one_level_up(parts in proptest::collection::vec(0u16..10_000, 1..7)) {
            let code = parts.iter().zip(PART_WIDTHS).map(|(n, w)| format!("{:0w$}", n % 10u16.pow(w as u32), w = w)).collect::<Vec<_>>().join(".");
            if let Some(level) = NomenclatureLevel::of_code(&code) {
                match parent_code(&code) {
                    None => prop_assert_eq!(level, NomenclatureLevel::Urusan),
                    Some(parent) => {
                        let above = NomenclatureLevel::of_code(&parent).expect("a parent is a code");
                        prop_assert!(above < level);
                        let prefix = format!("{}.", parent);
                        prop_assert!(code.starts_with(&prefix));
                    }
                }
            }
        }
    }
}
