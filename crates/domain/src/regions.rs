//! Regions as a part of the cycle: pemda created from the official list, and the lingkungan
//! Bappeda adds under a kelurahan or desa. (The codes and levels themselves are `region`.)

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::access::{Action, Actor, Resource, authorize};
use crate::error::{DomainError, Entity, Errors, NAME_MAX, Rule, check_text};
use crate::facts::{Facts, Needs};
use crate::region::{Region, RegionCode, RegionLevel};

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionCommand {
    CreatePemda(CreatePemda),
    AddLingkungan(AddLingkungan),
    /// Several lingkungan at once (a CSV upload): all of them or none.
    AddLingkunganBatch(Vec<AddLingkungan>),
}

impl RegionCommand {
    /// What the rules need read to decide it.
    pub fn needs(&self) -> Needs {
        let rows = match self {
            RegionCommand::CreatePemda(c) => return Needs { pemda: Some(c.code.clone()), ..Needs::default() },
            RegionCommand::AddLingkungan(row) => std::slice::from_ref(row),
            RegionCommand::AddLingkunganBatch(rows) => rows.as_slice(),
        };
        Needs { pemda: pemda_of_rows(rows), regions: lingkungan_regions(rows), ..Needs::default() }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            RegionCommand::CreatePemda(_) => "create_pemda",
            RegionCommand::AddLingkungan(_) => "add_lingkungan",
            RegionCommand::AddLingkunganBatch(_) => "add_lingkungan_batch",
        }
    }
}

/// Decides a region command.
pub fn decide(facts: &Facts, command: &RegionCommand, actor: &Actor) -> Result<Vec<RegionEvent>, DomainError> {
    match command {
        RegionCommand::CreatePemda(c) => create_pemda(facts, c, actor),
        RegionCommand::AddLingkungan(row) => add_lingkungan(facts, std::slice::from_ref(row), actor, ""),
        RegionCommand::AddLingkunganBatch(rows) => add_lingkungan(facts, rows, actor, "rows"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatePemda {
    pub code: RegionCode,
    pub name: String,
    pub source: String,
    /// Every kecamatan and kelurahan/desa of the pemda in the official list.
    pub regions: Vec<Region>,
}

/// A lingkungan as typed by a person: the kelurahan's code, a local number, a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddLingkungan {
    pub kelurahan: String,
    pub number: String,
    pub name: String,
}

/// The pemda of the first lingkungan row whose kelurahan code parses.
fn pemda_of_rows(rows: &[AddLingkungan]) -> Option<RegionCode> {
    rows.iter().find_map(|r| RegionCode::parse(&r.kelurahan).ok()?.pemda())
}

/// The kelurahan of each lingkungan row and the code the new lingkungan would have.
fn lingkungan_regions(rows: &[AddLingkungan]) -> Vec<RegionCode> {
    let mut codes = Vec::new();
    for row in rows {
        if let Ok(kelurahan) = RegionCode::parse(&row.kelurahan) {
            if let Ok(code) = kelurahan.child_lingkungan(&row.number) {
                codes.push(code);
            }
            codes.push(kelurahan);
        }
    }
    codes
}

fn create_pemda(facts: &Facts, c: &CreatePemda, actor: &Actor) -> Result<Vec<RegionEvent>, DomainError> {
    authorize(actor, Action::CreatePemda, &Resource::pemda(c.code.clone()))?;
    let level = c.code.level();
    if !level.is_pemda() {
        return Err(DomainError::field("code", Rule::WrongLevel { expected: "kabupaten_kota" }));
    }
    if facts.pemda_exists {
        return Err(DomainError::AlreadyExists(Entity::Pemda, c.code.to_string()));
    }
    let mut errors = Errors::default();
    let name = check_text(&mut errors, "name", &c.name, NAME_MAX);
    for (i, region) in c.regions.iter().enumerate() {
        let fits = region.code.pemda().as_ref() == Some(&c.code)
            && matches!(region.level, RegionLevel::Kecamatan | RegionLevel::Kelurahan | RegionLevel::Desa)
            && region.code.level() == region.level;
        if !fits {
            errors.push(format!("regions[{i}].code"), Rule::WrongLevel { expected: "kecamatan_kelurahan_desa" });
        }
    }
    errors.into_result()?;
    Ok(vec![RegionEvent::PemdaCreated {
        code: c.code.clone(),
        name,
        level,
        source: c.source.clone(),
        regions: c.regions.clone(),
    }])
}

fn add_lingkungan(
    facts: &Facts,
    rows: &[AddLingkungan],
    actor: &Actor,
    prefix: &str,
) -> Result<Vec<RegionEvent>, DomainError> {
    let field = |i: usize, name: &str| {
        if prefix.is_empty() { name.to_string() } else { format!("{prefix}[{i}].{name}") }
    };
    if rows.is_empty() {
        return Err(DomainError::field(prefix, Rule::Required));
    }
    let mut errors = Errors::default();
    let mut events = Vec::with_capacity(rows.len());
    let mut seen_codes = HashSet::new();
    let mut seen_names = HashSet::new();
    // One command, one pemda's journal: a batch cannot reach into a second pemda.
    let batch_pemda = rows.iter().find_map(|r| RegionCode::parse(&r.kelurahan).ok()?.pemda());
    for (i, row) in rows.iter().enumerate() {
        let name = check_text(&mut errors, &field(i, "name"), &row.name, NAME_MAX);
        let kelurahan = match RegionCode::parse(&row.kelurahan) {
            Ok(code) => code,
            Err(e) => {
                errors.push(field(i, "kelurahan"), e.into());
                continue;
            }
        };
        if kelurahan.pemda() != batch_pemda {
            errors.push(field(i, "kelurahan"), Rule::UnknownRegion);
            continue;
        }
        let resource = Resource::region(kelurahan.clone()).ok_or_else(|| {
            DomainError::field(field(i, "kelurahan"), Rule::WrongLevel { expected: "kelurahan_desa" })
        })?;
        authorize(actor, Action::AddLingkungan, &resource)?;
        match facts.regions.get(&kelurahan) {
            None => {
                errors.push(field(i, "kelurahan"), Rule::UnknownRegion);
                continue;
            }
            Some(region) if !region.level.is_village() => {
                errors.push(field(i, "kelurahan"), Rule::WrongLevel { expected: "kelurahan_desa" });
                continue;
            }
            Some(_) => {}
        }
        let number = row.number.trim();
        let valid_number = (1..=3).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
        if !valid_number {
            errors.push(field(i, "number"), Rule::Format { expected: "digits_1_3" });
            continue;
        }
        let code = match kelurahan.child_lingkungan(number) {
            Ok(code) => code,
            Err(e) => {
                errors.push(field(i, "number"), e.into());
                continue;
            }
        };
        if facts.regions.contains_key(&code) {
            errors.push(field(i, "number"), Rule::Taken);
        } else if !seen_codes.insert(code.clone()) {
            errors.push(field(i, "number"), Rule::DuplicateInUpload);
        }
        let folded = name.to_lowercase();
        let name_used = facts.lingkungan_names.get(&kelurahan).is_some_and(|names| names.contains(&folded));
        if !name.is_empty() && name_used {
            errors.push(field(i, "name"), Rule::Taken);
        } else if !name.is_empty() && !seen_names.insert((kelurahan.clone(), folded)) {
            errors.push(field(i, "name"), Rule::DuplicateInUpload);
        }
        events.push(RegionEvent::LingkunganAdded { code, name });
    }
    errors.into_result()?;
    Ok(events)
}

/// What this part records in the journal (tagged by `type`, as every event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RegionEvent {
    /// A pemda created from the official list, with every kecamatan and kelurahan/desa it had
    /// there, so the journal alone tells which tree the pemda started from.
    PemdaCreated {
        code: RegionCode,
        name: String,
        level: RegionLevel,
        source: String,
        regions: Vec<Region>,
    },
    LingkunganAdded {
        code: RegionCode,
        name: String,
    },
}

impl RegionEvent {
    /// The kind as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            RegionEvent::PemdaCreated { .. } => "pemda_created",
            RegionEvent::LingkunganAdded { .. } => "lingkungan_added",
        }
    }
}
