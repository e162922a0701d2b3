//! Master data as a part of the cycle: the OPD and the kamus usulan of each tahun anggaran, as
//! Bappeda keeps them. The part owns its commands, what they need read, their rules and their
//! events; the values themselves are `kamus`.

use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor, Resource, authorize};
use crate::cycle::YEARS;
use crate::error::{DomainError, Errors, NAME_MAX, Rule, check_text};
use crate::facts::{Facts, Needs};
use crate::kamus::{KamusInput, KamusItem, check_code, check_kamus, code_to_look_up};
use crate::region::RegionCode;

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
