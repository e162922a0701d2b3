//! Master data as a part of the cycle: the OPD and the kamus usulan of each tahun anggaran, as
//! Bappeda keeps them. The part owns its commands, what they need read, their rules and their
//! events; the values themselves are `kamus`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor, Resource, authorize};
use crate::cycle::YEARS;
use crate::error::{DomainError, Errors, NAME_MAX, Rule, check_text};
use crate::facts::{Facts, Needs, NomenclatureNeed};
use crate::kamus::{KamusInput, KamusItem, check_code, check_kamus, code_to_look_up};
use crate::nomenclature::{self, NomenclatureInput, NomenclatureItem, check_nomenclature};
use crate::region::RegionCode;
use crate::rpjmd::{Priority, PriorityInput, check_priority};

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
    /// A priority of the RPJMD, added or replaced by its code.
    SavePriority {
        pemda: RegionCode,
        input: PriorityInput,
    },
    /// Rows of the Kemendagri nomenclature of one tahun anggaran (a CSV): added or replaced by
    /// code, all or none; a row's parent must be stored or come earlier in the rows.
    ImportNomenclature {
        pemda: RegionCode,
        tahun_anggaran: i32,
        rows: Vec<NomenclatureInput>,
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
            MasterDataCommand::UpsertKamus { pemda, items, tahun_anggaran, .. } => Needs {
                pemda: Some(pemda.clone()),
                opd: items.iter().filter_map(|item| code_to_look_up(&item.opd_code)).collect(),
                nomenclature: Some(NomenclatureNeed {
                    tahun_anggaran: Some(*tahun_anggaran),
                    codes: items.iter().filter_map(|item| nomenclature::code_to_look_up(&item.sub_kegiatan)).collect(),
                })
                .filter(|need| !need.codes.is_empty()),
                ..Needs::default()
            },
            MasterDataCommand::SavePriority { pemda, .. } => Needs { pemda: Some(pemda.clone()), ..Needs::default() },
            MasterDataCommand::ImportNomenclature { pemda, tahun_anggaran, rows } => {
                // Only the parents the rows themselves do not bring are looked up.
                let brought: HashSet<String> =
                    rows.iter().filter_map(|row| nomenclature::code_to_look_up(&row.code)).collect();
                let mut codes: Vec<String> = rows
                    .iter()
                    .filter_map(|row| nomenclature::code_to_look_up(&row.code))
                    .filter_map(|code| nomenclature::parent_code(&code))
                    .filter(|parent| !brought.contains(parent))
                    .collect();
                codes.sort();
                codes.dedup();
                Needs {
                    pemda: Some(pemda.clone()),
                    nomenclature: Some(NomenclatureNeed { tahun_anggaran: Some(*tahun_anggaran), codes }),
                    ..Needs::default()
                }
            }
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            MasterDataCommand::CreateOpd { .. } => "create_opd",
            MasterDataCommand::UpsertKamus { .. } => "upsert_kamus",
            MasterDataCommand::ImportNomenclature { .. } => "import_nomenclature",
            MasterDataCommand::SavePriority { .. } => "save_priority",
        }
    }
}

/// Decides a master-data command.
pub fn decide(facts: &Facts, command: &MasterDataCommand, actor: &Actor) -> Result<Vec<MasterDataEvent>, DomainError> {
    match command {
        MasterDataCommand::CreateOpd { pemda, code, name } => create_opd(facts, pemda, code, name, actor),
        MasterDataCommand::UpsertKamus { pemda, tahun_anggaran, items, batch } => {
            upsert_kamus(facts, pemda, *tahun_anggaran, items, *batch, actor)
        }
        MasterDataCommand::ImportNomenclature { pemda, tahun_anggaran, rows } => {
            import_nomenclature(facts, pemda, *tahun_anggaran, rows, actor)
        }
        MasterDataCommand::SavePriority { pemda, input } => {
            authorize(actor, Action::ManageMasterData, &Resource::pemda(pemda.clone()))?;
            let mut errors = Errors::default();
            let priority = check_priority(&mut errors, input);
            errors.into_result()?;
            Ok(vec![MasterDataEvent::PrioritySaved { priority }])
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
    check_year(tahun_anggaran)?;
    if inputs.is_empty() {
        return Err(DomainError::field("rows", Rule::Required));
    }
    let mut errors = Errors::default();
    let mut items = Vec::with_capacity(inputs.len());
    let mut seen = std::collections::HashSet::new();
    for (i, input) in inputs.iter().enumerate() {
        let prefix = if batch { format!("rows[{i}].") } else { String::new() };
        let item = check_kamus(
            &mut errors,
            &prefix,
            input,
            |code| facts.opd_codes.contains(code),
            |code| facts.nomenclature.contains(code),
        );
        if !item.code.is_empty() && !seen.insert(item.code.clone()) {
            errors.push(format!("{prefix}code"), Rule::DuplicateInUpload);
        }
        items.push(item);
    }
    errors.into_result()?;
    Ok(vec![MasterDataEvent::KamusUpserted { tahun_anggaran, items }])
}

fn check_year(tahun_anggaran: i32) -> Result<(), DomainError> {
    if (YEARS.0..=YEARS.1).contains(&tahun_anggaran) {
        Ok(())
    } else {
        Err(DomainError::field("tahun_anggaran", Rule::Format { expected: "year" }))
    }
}

/// The most rows one import may carry: the whole list for a kabupaten/kota (about 8,000 rows)
/// with room for a province's.
pub const NOMENCLATURE_ROWS_MAX: usize = 20_000;

/// Adds or replaces nomenclature rows of one tahun anggaran, all or none, naming every broken row.
fn import_nomenclature(
    facts: &Facts,
    pemda: &RegionCode,
    tahun_anggaran: i32,
    rows: &[NomenclatureInput],
    actor: &Actor,
) -> Result<Vec<MasterDataEvent>, DomainError> {
    authorize(actor, Action::ManageMasterData, &Resource::pemda(pemda.clone()))?;
    check_year(tahun_anggaran)?;
    if rows.is_empty() {
        return Err(DomainError::field("rows", Rule::Required));
    }
    if rows.len() > NOMENCLATURE_ROWS_MAX {
        return Err(DomainError::field("rows", Rule::TooLong { max: NOMENCLATURE_ROWS_MAX }));
    }
    let mut errors = Errors::default();
    let mut items = Vec::with_capacity(rows.len());
    let mut seen = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let prefix = format!("rows[{i}].");
        let item = check_nomenclature(&mut errors, &prefix, row);
        if let Some(parent) = nomenclature::parent_code(&item.code)
            && !seen.contains(&parent)
            && !facts.nomenclature.contains(&parent)
        {
            errors.push(format!("{prefix}code"), Rule::NoParent);
        }
        if !item.code.is_empty() && !seen.insert(item.code.clone()) {
            errors.push(format!("{prefix}code"), Rule::DuplicateInUpload);
        }
        items.push(item);
    }
    errors.into_result()?;
    Ok(vec![MasterDataEvent::NomenclatureImported { tahun_anggaran, items }])
}

/// What this part records in the journal (tagged by `type`, as every event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MasterDataEvent {
    OpdCreated { code: String, name: String },
    KamusUpserted { tahun_anggaran: i32, items: Vec<KamusItem> },
    NomenclatureImported { tahun_anggaran: i32, items: Vec<NomenclatureItem> },
    PrioritySaved { priority: Priority },
}

impl MasterDataEvent {
    /// The kind as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            MasterDataEvent::OpdCreated { .. } => "opd_created",
            MasterDataEvent::KamusUpserted { .. } => "kamus_upserted",
            MasterDataEvent::NomenclatureImported { .. } => "nomenclature_imported",
            MasterDataEvent::PrioritySaved { .. } => "priority_saved",
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::access::{Grant, Role, Scope, UserActor};
    use crate::error::FieldError;

    const MEDAN: &str = "12.71";

    fn actor(role: Role) -> Actor {
        Actor::User(UserActor {
            id: Uuid::nil(),
            username: "admin".into(),
            pemda: RegionCode::parse(MEDAN).unwrap(),
            grants: vec![Grant { role, scope: Scope::Pemda }],
        })
    }

    fn row(code: &str, name: &str, indicator: &str, unit: &str) -> NomenclatureInput {
        NomenclatureInput { code: code.into(), name: name.into(), indicator: indicator.into(), unit: unit.into() }
    }

    fn import(facts: &Facts, rows: Vec<NomenclatureInput>, role: Role) -> Result<Vec<MasterDataEvent>, DomainError> {
        let command = MasterDataCommand::ImportNomenclature {
            pemda: RegionCode::parse(MEDAN).unwrap(),
            tahun_anggaran: 2027,
            rows,
        };
        decide(facts, &command, &actor(role))
    }

    fn refused_fields(result: Result<Vec<MasterDataEvent>, DomainError>) -> Vec<FieldError> {
        match result {
            Err(DomainError::Invalid(list)) => list,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_nomenclature_goes_in_whole_with_each_parent_before_its_children() {
        let rows = vec![
            row("1", "URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR", "", ""),
            row("1.03", "URUSAN PEMERINTAHAN BIDANG PEKERJAAN UMUM DAN PENATAAN RUANG", "", ""),
            row("1.03.10", "PROGRAM PENYELENGGARAAN JALAN", "", ""),
            row("1.03.10.2.01", "Penyelenggaraan Jalan Kabupaten/Kota", "", ""),
            row("1.03.10.2.01.0001", "Pembangunan Jalan", "Panjang Jalan yang Dibangun", "Km"),
        ];
        let events = import(&Facts::default(), rows.clone(), Role::BappedaAdmin).unwrap();
        let [MasterDataEvent::NomenclatureImported { tahun_anggaran: 2027, items }] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(items.len(), 5);
        assert_eq!(items[4].unit, "Km");

        // Children alone are taken once their parents are stored; not otherwise.
        let children = rows[3..].to_vec();
        let refused = refused_fields(import(&Facts::default(), children.clone(), Role::BappedaAdmin));
        assert_eq!(refused, [FieldError::new("rows[0].code", Rule::NoParent)]);
        let stored = Facts { nomenclature: HashSet::from(["1.03.10".to_string()]), ..Facts::default() };
        assert!(import(&stored, children.clone(), Role::BappedaAdmin).is_ok());
        // A child above its parent in the file is refused: the rows are read in order.
        let reversed = vec![children[1].clone(), children[0].clone()];
        let refused = refused_fields(import(&stored, reversed, Role::BappedaAdmin));
        assert_eq!(refused, [FieldError::new("rows[0].code", Rule::NoParent)]);
    }

    #[test]
    fn a_broken_import_names_every_row_and_only_bappeda_imports() {
        let rows = vec![
            row("1", "URUSAN WAJIB", "", ""),
            row("1.3", "Bidang", "", ""),
            row("1", "URUSAN WAJIB", "", ""),
            row("1.03", "", "", ""),
            row("1.03.10.2.01.0001", "Pembangunan Jalan", "", "Km"),
        ];
        let refused = refused_fields(import(&Facts::default(), rows.clone(), Role::BappedaAdmin));
        let fields: Vec<(&str, &Rule)> = refused.iter().map(|e| (e.field.as_str(), &e.rule)).collect();
        assert_eq!(
            fields,
            [
                ("rows[1].code", &Rule::Format { expected: "nomenclature_code" }),
                ("rows[2].code", &Rule::DuplicateInUpload),
                ("rows[3].name", &Rule::Required),
                ("rows[4].indicator", &Rule::Required),
                ("rows[4].code", &Rule::NoParent),
            ]
        );
        assert!(matches!(import(&Facts::default(), rows, Role::OperatorOpd), Err(DomainError::Denied(_))));
        assert!(refused_fields(import(&Facts::default(), Vec::new(), Role::BappedaAdmin))[0].field == "rows");
    }

    #[test]
    fn only_bappeda_keeps_the_priorities() {
        let save = |role: Role, code: &str| {
            let input =
                PriorityInput { code: code.into(), name: "Infrastruktur".into(), sasaran: "Jalan mantap".into() };
            let command = MasterDataCommand::SavePriority { pemda: RegionCode::parse(MEDAN).unwrap(), input };
            decide(&Facts::default(), &command, &actor(role))
        };
        let Ok(events) = save(Role::BappedaAdmin, "P1") else { panic!() };
        assert!(
            matches!(&events[..], [MasterDataEvent::PrioritySaved { priority }] if priority.sasaran == ["Jalan mantap"])
        );
        for role in [Role::OperatorOpd, Role::AnggotaDprd, Role::Auditor, Role::Warga] {
            assert!(matches!(save(role, "P1"), Err(DomainError::Denied(_))), "{role:?}");
        }
        assert_eq!(refused_fields(save(Role::BappedaAdmin, "P 1"))[0].field, "code");
    }

    #[test]
    fn a_kamus_item_links_to_a_stored_sub_kegiatan_only() {
        let upsert = |sub_kegiatan: &str, facts: &Facts| {
            let command = MasterDataCommand::UpsertKamus {
                pemda: RegionCode::parse(MEDAN).unwrap(),
                tahun_anggaran: 2027,
                items: vec![KamusInput {
                    code: "PU-001".into(),
                    name: "Pengaspalan jalan".into(),
                    unit: "meter".into(),
                    unit_price: "1.250.000".into(),
                    opd_code: "1.03.01".into(),
                    bidang: "infrastruktur_kewilayahan".into(),
                    fisik: "ya".into(),
                    sub_kegiatan: sub_kegiatan.into(),
                }],
                batch: false,
            };
            (command.needs(), decide(facts, &command, &actor(Role::BappedaAdmin)))
        };
        let facts = Facts {
            opd_codes: HashSet::from(["1.03.01".to_string()]),
            nomenclature: HashSet::from(["1.03.10.2.01.0001".to_string()]),
            ..Facts::default()
        };
        let (needs, result) = upsert(" 1.03.10.2.01.0001 ", &facts);
        assert_eq!(needs.nomenclature.map(|n| n.codes), Some(vec!["1.03.10.2.01.0001".to_string()]));
        let Ok(events) = result else { panic!("{result:?}") };
        let [MasterDataEvent::KamusUpserted { items, .. }] = events.as_slice() else { panic!() };
        assert_eq!(items[0].sub_kegiatan.as_deref(), Some("1.03.10.2.01.0001"));
        let (needs, result) = upsert("", &facts);
        assert_eq!(needs.nomenclature, None);
        assert!(result.is_ok());
        let rule = |text: &str| refused_fields(upsert(text, &facts).1)[0].rule.clone();
        assert_eq!(rule("1.03.10.2.01.0002"), Rule::UnknownNomenclature);
        assert_eq!(rule("1.03.10"), Rule::WrongLevel { expected: "sub_kegiatan" });
        assert_eq!(rule("jalan"), Rule::Format { expected: "nomenclature_code" });
    }
}
