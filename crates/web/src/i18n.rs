//! The translation catalogue (Bahasa Indonesia first, English second) and Indonesian formats for
//! dates, numbers and rupiah.

use std::collections::HashMap;
use std::sync::LazyLock;

use domain::{FieldError, Rule};
use time::{OffsetDateTime, UtcOffset};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// For API clients: English only when asked for first; Indonesian otherwise.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        match header.map(|h| h.trim_start().to_ascii_lowercase()) {
            Some(h) if h.starts_with("en") => Lang::En,
            _ => Lang::Id,
        }
    }
}

type Catalogue = HashMap<&'static str, &'static str>;

fn parse_catalogue(text: &'static str) -> Catalogue {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once(" = "))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect()
}

/// Each language's catalogue is a few files, one per part of the application, so that work on
/// one part does not collide with another's.
static ID: LazyLock<Catalogue> = LazyLock::new(|| {
    [
        include_str!("../i18n/id/core.txt"),
        include_str!("../i18n/id/forum.txt"),
        include_str!("../i18n/id/admin.txt"),
        include_str!("../i18n/id/renja.txt"),
        include_str!("../i18n/id/data.txt"),
        include_str!("../i18n/id/portal.txt"),
        include_str!("../i18n/id/log.txt"),
        include_str!("../i18n/id/documents.txt"),
    ]
    .into_iter()
    .flat_map(parse_catalogue)
    .collect()
});
static EN: LazyLock<Catalogue> = LazyLock::new(|| {
    [
        include_str!("../i18n/en/core.txt"),
        include_str!("../i18n/en/forum.txt"),
        include_str!("../i18n/en/admin.txt"),
        include_str!("../i18n/en/renja.txt"),
        include_str!("../i18n/en/data.txt"),
        include_str!("../i18n/en/portal.txt"),
        include_str!("../i18n/en/log.txt"),
        include_str!("../i18n/en/documents.txt"),
    ]
    .into_iter()
    .flat_map(parse_catalogue)
    .collect()
});

/// The translator handed to every template.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    fn catalogue(&self) -> &'static Catalogue {
        match self.lang {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    /// The text for `key`; a missing key shows itself, and a test keeps that from shipping.
    pub fn t(&self, key: &str) -> &'static str {
        self.catalogue().get(key).copied().or_else(|| ID.get(key).copied()).unwrap_or("??")
    }

    /// The text for `key` with `{name}` placeholders filled.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The label of a field path such as `grants[0].scope`, with the row it came from.
    pub fn field_label(&self, field: &str) -> String {
        let last = field.rsplit('.').next().unwrap_or(field);
        let name = last.split('[').next().unwrap_or(last);
        let label = self.catalogue().get(format!("field.{name}").as_str()).copied().unwrap_or(name);
        let row = field
            .split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .and_then(|(index, _)| index.parse::<usize>().ok());
        match row {
            Some(index) => format!("{} ({})", label, self.f("region.row", &[("row", &(index + 1).to_string())])),
            None => label.to_string(),
        }
    }

    /// A sentence naming the field and the rule it broke.
    pub fn rule_message(&self, error: &FieldError) -> String {
        let field = self.field_label(&error.field);
        let field = field.as_str();
        match &error.rule {
            Rule::Required => self.f("rule.required", &[("field", field)]),
            Rule::TooLong { max } => self.f("rule.too_long", &[("field", field), ("max", &max.to_string())]),
            Rule::TooShort { min } => self.f("rule.too_short", &[("field", field), ("min", &min.to_string())]),
            Rule::Format { expected } => {
                let key = format!("rule.format.{expected}");
                let key = if self.catalogue().contains_key(key.as_str()) { key } else { "rule.format.other".into() };
                self.f(&key, &[("field", field)])
            }
            Rule::RegionCodePart { position, expected } => self.f(
                "rule.region_code_part",
                &[("field", field), ("position", &position.to_string()), ("expected", expected)],
            ),
            Rule::RegionCodeTooDeep => self.f("rule.region_code_too_deep", &[("field", field)]),
            Rule::UnknownRegion => self.f("rule.unknown_region", &[("field", field)]),
            Rule::WrongLevel { expected } => self.f(&format!("rule.wrong_level.{expected}"), &[("field", field)]),
            Rule::Taken => self.f("rule.taken", &[("field", field)]),
            Rule::CommonPassword => self.f("rule.common_password", &[("field", field)]),
            Rule::PasswordContainsUsername => self.f("rule.password_contains_username", &[("field", field)]),
            Rule::UnknownRole => self.f("rule.unknown_role", &[("field", field)]),
            Rule::DuplicateInUpload => self.f("rule.duplicate_in_upload", &[("field", field)]),
            Rule::OwnAdminAccount => self.t("rule.own_admin_account").to_string(),
            Rule::NotAfter { field: other } => {
                self.f("rule.not_after", &[("field", field), ("other", &self.field_label(other))])
            }
            Rule::TooSmall => self.f("rule.too_small", &[("field", field)]),
            Rule::TooLarge => self.f("rule.too_large", &[("field", field)]),
            Rule::AboveMax { max } => self.f("rule.above_max", &[("field", field), ("max", &self.number(*max))]),
            Rule::CostAboveMax { max } => {
                self.f("rule.cost_above_max", &[("field", field), ("max", &self.rupiah(*max))])
            }
            Rule::ControlCharacter => self.f("rule.control_character", &[("field", field)]),
            Rule::UnknownOpd => self.f("rule.unknown_opd", &[("field", field)]),
            Rule::UnknownKamus => self.f("rule.unknown_kamus", &[("field", field)]),
            Rule::UnknownNomenclature => self.f("rule.unknown_nomenclature", &[("field", field)]),
            Rule::NoParent => self.f("rule.no_parent", &[("field", field)]),
            Rule::UnknownPriority => self.f("rule.unknown_priority", &[("field", field)]),
            Rule::UnknownDapil => self.f("rule.unknown_dapil", &[("field", field)]),
            Rule::OutsideDapil => self.f("rule.outside_dapil", &[("field", field)]),
            Rule::UnknownReses => self.f("rule.unknown_reses", &[("field", field)]),
            Rule::UnknownAspiration => self.f("rule.unknown_aspiration", &[("field", field)]),
            Rule::InTheFuture => self.f("rule.in_the_future", &[("field", field)]),
            Rule::InAnotherDapil => self.f("rule.in_another_dapil", &[("field", field)]),
            Rule::NotOfRole { role } => {
                self.f("rule.not_of_role", &[("field", field), ("role", self.t(&format!("role.{role}")))])
            }
            Rule::OutsideIndonesia => self.f("rule.outside_indonesia", &[("field", field)]),
            Rule::OnlineProposalsClosed => self.t("rule.online_proposals_closed").to_string(),
            Rule::NotAtStage => self.f("rule.not_at_stage", &[("field", field)]),
            Rule::RankingIncomplete => self.f("rule.ranking_incomplete", &[("field", field)]),
            Rule::AlreadySupported => self.t("rule.already_supported").to_string(),
            Rule::PhotoType => self.f("rule.photo_type", &[("field", field)]),
            Rule::PokirAfterRkpd => self.t("rule.pokir_after_rkpd").to_string(),
            Rule::PhotoTooLarge { max_mb } => {
                self.f("rule.photo_too_large", &[("field", field), ("max_mb", &max_mb.to_string())])
            }
            Rule::PhotoDimensions { max } => {
                self.f("rule.photo_dimensions", &[("field", field), ("max", &self.number(i64::from(*max)))])
            }
            Rule::TooManyPhotos { max } => self.f("rule.too_many_photos", &[("max", &max.to_string())]),
            Rule::UnknownLine => self.f("rule.unknown_line", &[("field", field)]),
            Rule::SameOpd => self.f("rule.same_opd", &[("field", field)]),
            Rule::UnknownCosignature => self.f("rule.unknown_cosignature", &[("field", field)]),
            Rule::FileTooLarge { max_mb } => {
                self.f("rule.file_too_large", &[("field", field), ("max", &max_mb.to_string())])
            }
            Rule::TooManyRows { max } => {
                self.f("rule.too_many_rows", &[("field", field), ("max", &self.number(*max as i64))])
            }
            Rule::Formula => self.f("rule.formula", &[("field", field)]),
            Rule::MissingColumn => self.f("rule.missing_column", &[("field", field)]),
            Rule::UnknownColumn => self.f("rule.unknown_column", &[("field", field)]),
            Rule::OutsideForum => self.f("rule.outside_forum", &[("field", field)]),
            Rule::ScanType => self.f("rule.scan_type", &[("field", field)]),
            Rule::NoMinutes => self.t("rule.no_minutes").to_string(),
            Rule::OtherYear => self.f("rule.other_year", &[("field", field)]),
        }
    }

    pub fn level(&self, level: domain::RegionLevel) -> &'static str {
        self.t(&format!("level.{}", level.as_str()))
    }

    pub fn role(&self, role: domain::Role) -> &'static str {
        self.t(&format!("role.{}", role.as_str()))
    }

    pub fn stage(&self, stage: domain::cycle::Stage) -> &'static str {
        self.t(&format!("stage.{}", stage.as_str()))
    }

    pub fn status(&self, status: domain::planning::Status) -> &'static str {
        self.t(&format!("status.{}", status.as_str()))
    }

    pub fn origin(&self, origin: domain::planning::Origin) -> &'static str {
        self.t(&format!("origin.{}", origin.as_str()))
    }

    pub fn track(&self, track: domain::planning::Track) -> &'static str {
        self.t(&format!("track.{}", track.as_str()))
    }

    pub fn bidang(&self, bidang: domain::kamus::Bidang) -> &'static str {
        self.t(&format!("bidang.{}", bidang.as_str()))
    }

    pub fn rupiah(&self, amount: i64) -> String {
        format_rupiah(amount, self.lang)
    }

    /// What could not be done: a forum closed, a Renja finalised, an RKPD adopted.
    pub fn cannot_close_title(&self, problem: &domain::error::CloseProblem) -> &'static str {
        use domain::error::CloseProblem::*;
        match problem {
            OverPagu { .. } | NoPagu => self.t("error.cannot_finalise"),
            RenjaOpen { .. } | NoMusrenbangRkpd | NoLines => self.t("error.cannot_adopt"),
            _ => self.t("error.cannot_close"),
        }
    }

    /// Why a forum cannot close, with the numbers.
    pub fn close_problem(&self, problem: &domain::error::CloseProblem) -> String {
        use domain::error::CloseProblem::*;
        match problem {
            Undecided { count } => self.f("close.undecided", &[("count", &self.number(*count as i64))]),
            Unranked => self.t("close.unranked").to_string(),
            OverCap { accepted, cap } => self.f(
                "close.over_cap",
                &[("accepted", &self.number(*accepted as i64)), ("cap", &self.number(i64::from(*cap)))],
            ),
            OverCeiling { total, ceiling } => self.f(
                "close.over_ceiling",
                &[
                    ("total", &self.rupiah(*total)),
                    ("ceiling", &self.rupiah(*ceiling)),
                    ("excess", &self.rupiah(total - ceiling)),
                ],
            ),
            NoCeiling => self.t("close.no_ceiling").to_string(),
            NoMinutes => self.t("close.no_minutes").to_string(),
            Empty => self.t("close.empty").to_string(),
            TotalTooLarge => self.t("close.total_too_large").to_string(),
            UpperClosed { stage } => self.f("close.upper_closed", &[("stage", self.stage(*stage))]),
            RenjaOpen { opd } => self.f("close.renja_open", &[("opd", &opd.join(", "))]),
            NoMusrenbangRkpd => self.t("close.no_musrenbang_rkpd").to_string(),
            NoLines => self.t("close.no_lines").to_string(),
            OverPagu { total, ceiling } => self.f(
                "close.over_pagu",
                &[
                    ("total", &self.rupiah(*total)),
                    ("ceiling", &self.rupiah(*ceiling)),
                    ("excess", &self.rupiah(total - ceiling)),
                ],
            ),
            NoPagu => self.t("close.no_pagu").to_string(),
        }
    }

    /// "Tahap … ditutup …" with the window's dates in WIB.
    pub fn stage_closed(&self, stage: domain::cycle::Stage, window: Option<&domain::cycle::Window>) -> String {
        match window {
            Some(w) => self.f(
                "error.stage_closed",
                &[
                    ("stage", self.stage(stage)),
                    ("opens", &self.datetime(w.opens)),
                    ("closes", &self.datetime(w.closes)),
                ],
            ),
            None => self.f("error.stage_unscheduled", &[("stage", self.stage(stage))]),
        }
    }

    pub fn number(&self, n: i64) -> String {
        format_number(n, self.lang)
    }

    pub fn count(&self, n: u64) -> String {
        grouped(n, self.lang)
    }

    /// An amount rounded for a chart's axis ("Rp1,5 M" for one and a half miliar); exact
    /// amounts are written with `rupiah`.
    pub fn rupiah_short(&self, amount: f64) -> String {
        let scales = [(1e12, "amount.trillions"), (1e9, "amount.billions"), (1e6, "amount.millions")];
        let Some((scale, key)) = scales.into_iter().find(|(scale, _)| amount.abs() >= *scale) else {
            return format_rupiah(amount.round() as i64, self.lang);
        };
        let mut figure = format!("{:.1}", amount / scale);
        if let Some(whole) = figure.strip_suffix(".0") {
            figure = whole.to_string();
        }
        if self.lang == Lang::Id {
            figure = figure.replace('.', ",");
        }
        self.f(key, &[("n", &figure)])
    }

    pub fn datetime(&self, at: OffsetDateTime) -> String {
        format_datetime(at, self.lang)
    }

    /// A day kept as `YYYY-MM-DD`, as people write it ("3 Desember 2026"); other text unchanged.
    pub fn date_text(&self, iso: &str) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(iso, format) {
            Ok(date) => {
                let month = date.month() as usize - 1;
                let name = match self.lang {
                    Lang::Id => MONTHS_ID[month],
                    Lang::En => MONTHS_EN[month],
                };
                format!("{} {} {}", date.day(), name, date.year())
            }
            Err(_) => iso.to_string(),
        }
    }
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Western Indonesia Time, where Medan and Semarang both are. Regions in WITA and WIT are a
/// setting for later; times are stored in UTC either way.
pub const WIB: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// "29 November 2026 21.34 WIB" (Indonesian uses a dot between hours and minutes).
pub fn format_datetime(at: OffsetDateTime, lang: Lang) -> String {
    let local = at.to_offset(WIB);
    let month = local.month() as usize - 1;
    let (name, separator) = match lang {
        Lang::Id => (MONTHS_ID[month], '.'),
        Lang::En => (MONTHS_EN[month], ':'),
    };
    format!("{} {} {} {:02}{}{:02} WIB", local.day(), name, local.year(), local.hour(), separator, local.minute())
}

/// "1.234.567" in Indonesian, "1,234,567" in English.
pub fn format_number(n: i64, lang: Lang) -> String {
    let digits = grouped(n.unsigned_abs(), lang);
    if n < 0 { format!("-{digits}") } else { digits }
}

/// A count, grouped as `format_number` groups.
pub fn grouped(n: u64, lang: Lang) -> String {
    let separator = match lang {
        Lang::Id => '.',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// "Rp1.234.567": whole rupiah, as amounts are kept.
pub fn format_rupiah(amount: i64, lang: Lang) -> String {
    let number = format_number(amount.abs(), lang);
    if amount < 0 { format!("-Rp{number}") } else { format!("Rp{number}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn both_catalogues_hold_the_same_keys() {
        let mut id: Vec<_> = ID.keys().collect();
        let mut en: Vec<_> = EN.keys().collect();
        id.sort();
        en.sort();
        assert_eq!(id, en);
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut sources = Vec::new();
        for sub in ["templates", "src", "src/pages", "src/api"] {
            let Ok(entries) = std::fs::read_dir(format!("{dir}{sub}")) else { continue };
            for entry in entries.flatten() {
                if entry.path().is_file() {
                    sources.push(std::fs::read_to_string(entry.path()).unwrap());
                }
            }
        }
        let mut missing = Vec::new();
        for source in &sources {
            for piece in source.split("t(\"").skip(1).chain(source.split("f(\"").skip(1)) {
                let key = piece.split('"').next().unwrap_or("");
                if key.contains('.') && !key.contains('{') && !ID.contains_key(key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from the catalogue: {missing:?}");
    }

    #[test]
    fn every_rule_has_words_in_both_languages() {
        use domain::Rule::*;
        let rules = [
            Required,
            TooLong { max: 5 },
            TooShort { min: 5 },
            Format { expected: "digits_1_3" },
            Format { expected: "username" },
            Format { expected: "opd_code" },
            Format { expected: "csv" },
            RegionCodePart { position: 2, expected: "2" },
            RegionCodeTooDeep,
            UnknownRegion,
            WrongLevel { expected: "kelurahan_desa" },
            WrongLevel { expected: "kecamatan" },
            WrongLevel { expected: "lingkungan" },
            WrongLevel { expected: "pemda" },
            WrongLevel { expected: "kabupaten_kota" },
            WrongLevel { expected: "kecamatan_kelurahan_desa" },
            Taken,
            CommonPassword,
            PasswordContainsUsername,
            UnknownRole,
            DuplicateInUpload,
            OwnAdminAccount,
            NotAfter { field: "opens" },
            TooSmall,
            TooLarge,
            UnknownOpd,
            UnknownKamus,
            UnknownNomenclature,
            NoParent,
            UnknownPriority,
            UnknownDapil,
            OutsideDapil,
            UnknownReses,
            UnknownAspiration,
            InTheFuture,
            Format { expected: "whole_number" },
            InAnotherDapil,
            NotOfRole { role: "anggota_dprd" },
            NotOfRole { role: "sekretariat_dprd" },
            OutsideIndonesia,
            OnlineProposalsClosed,
            NotAtStage,
            RankingIncomplete,
            AlreadySupported,
            PhotoType,
            PokirAfterRkpd,
            PhotoTooLarge { max_mb: 5 },
            TooManyPhotos { max: 10 },
            Format { expected: "sha256" },
            Format { expected: "rupiah" },
            Format { expected: "code" },
            Format { expected: "bidang" },
            Format { expected: "fisik" },
            Format { expected: "year" },
            Format { expected: "volume" },
            Format { expected: "track" },
            Format { expected: "coordinates" },
            Format { expected: "date" },
            Format { expected: "forum_stage" },
            Format { expected: "decision_stage" },
            Format { expected: "nomenclature_code" },
            WrongLevel { expected: "sub_kegiatan" },
            AboveMax { max: 1_000_000 },
            CostAboveMax { max: 100_000_000_000_000 },
            ControlCharacter,
            PhotoDimensions { max: 8_000 },
            UnknownLine,
            SameOpd,
            UnknownCosignature,
            FileTooLarge { max_mb: 2 },
            TooManyRows { max: 5_000 },
            Formula,
            MissingColumn,
            UnknownColumn,
            OutsideForum,
            ScanType,
            NoMinutes,
            OtherYear,
            Format { expected: "xlsx" },
            Format { expected: "xlsx_unpacked" },
            Format { expected: "xlsx_columns" },
            Format { expected: "whole_number" },
            Format { expected: "line_stage" },
            Format { expected: "funding" },
            WrongLevel { expected: "kecamatan_or_kelurahan" },
        ];
        // Every variant is listed above: a new one does not compile here until it is added.
        let listed = |rule: &domain::Rule| match rule {
            Required
            | TooLong { .. }
            | TooShort { .. }
            | Format { .. }
            | RegionCodePart { .. }
            | RegionCodeTooDeep
            | UnknownRegion
            | WrongLevel { .. }
            | Taken
            | CommonPassword
            | PasswordContainsUsername
            | UnknownRole
            | DuplicateInUpload
            | OwnAdminAccount
            | NotAfter { .. }
            | TooSmall
            | TooLarge
            | AboveMax { .. }
            | CostAboveMax { .. }
            | ControlCharacter
            | UnknownOpd
            | UnknownKamus
            | UnknownNomenclature
            | NoParent
            | UnknownPriority
            | UnknownDapil
            | OutsideDapil
            | UnknownReses
            | UnknownAspiration
            | InTheFuture
            | InAnotherDapil
            | NotOfRole { .. }
            | OutsideIndonesia
            | OnlineProposalsClosed
            | NotAtStage
            | RankingIncomplete
            | AlreadySupported
            | PhotoType
            | PhotoTooLarge { .. }
            | PokirAfterRkpd
            | PhotoDimensions { .. }
            | TooManyPhotos { .. }
            | UnknownLine
            | SameOpd
            | UnknownCosignature
            | FileTooLarge { .. }
            | TooManyRows { .. }
            | Formula
            | MissingColumn
            | UnknownColumn
            | OutsideForum
            | ScanType
            | NoMinutes
            | OtherYear => std::mem::discriminant(rule),
        };
        let variants: std::collections::HashSet<_> = rules.iter().map(listed).collect();
        assert_eq!(variants.len(), 54, "one of each variant of Rule");
        for lang in [Lang::Id, Lang::En] {
            for rule in &rules {
                let message = Tr::new(lang).rule_message(&FieldError::new("rows[2].number", rule.clone()));
                assert!(!message.contains("??") && !message.contains('{'), "{lang:?} {rule:?}: {message}");
            }
        }
        let message = Tr::new(Lang::Id).rule_message(&FieldError::new("number", Format { expected: "digits_1_3" }));
        assert_eq!(message, "Nomor harus berupa 1–3 angka.");
        let message = Tr::new(Lang::Id).rule_message(&FieldError::new("rows[2].name", Required));
        assert_eq!(message, "Nama (Baris 3) wajib diisi.");
    }

    /// Every `Format { expected }` and `WrongLevel { expected }` the code writes, read from the
    /// sources of every crate, has its own sentence in both languages (a missing one would fall
    /// back to a vague "invalid form", or show `??`).
    #[test]
    fn every_expected_form_the_code_names_has_words() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut sources = vec![crates.clone()];
        let mut named = std::collections::BTreeSet::new();
        while let Some(path) = sources.pop() {
            let Ok(entries) = std::fs::read_dir(&path) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() && !path.ends_with("target") && !path.ends_with("node_modules") {
                    sources.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    for (rule, key) in
                        [("Format { expected: \"", "rule.format."), ("WrongLevel { expected: \"", "rule.wrong_level.")]
                    {
                        for part in text.split(rule).skip(1) {
                            named.insert(format!("{key}{}", part.split('"').next().unwrap_or_default()));
                        }
                    }
                }
            }
        }
        assert!(named.len() > 25, "{named:?}");
        for lang in [Lang::Id, Lang::En] {
            for key in &named {
                assert!(Tr::new(lang).catalogue().contains_key(key.as_str()), "{lang:?} has no {key}");
            }
        }
    }

    #[test]
    fn indonesian_formats() {
        assert_eq!(format_number(1_234_567, Lang::Id), "1.234.567");
        assert_eq!(format_number(-1_000, Lang::Id), "-1.000");
        assert_eq!(format_number(999, Lang::En), "999");
        assert_eq!(format_number(1_000_000, Lang::En), "1,000,000");
        assert_eq!(format_rupiah(2_500_000, Lang::Id), "Rp2.500.000");
        let at = datetime!(2026-11-29 14:34 UTC);
        assert_eq!(format_datetime(at, Lang::Id), "29 November 2026 21.34 WIB");
        assert_eq!(format_datetime(datetime!(2026-12-31 20:05 UTC), Lang::Id), "1 Januari 2027 03.05 WIB");
        assert_eq!(format_datetime(at, Lang::En), "29 November 2026 21:34 WIB");
    }
}
