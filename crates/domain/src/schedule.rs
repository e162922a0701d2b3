//! The schedule: a planning cycle per tahun anggaran, the window of each stage, the forward caps
//! and online proposals, and the ceilings: pagu indikatif kewilayahan per kecamatan, and the pagu
//! indikatif of each OPD.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Action, Actor, Resource, authorize};
use crate::cycle::{ForwardCaps, Stage, Window, YEARS};
use crate::error::{DomainError, Entity, Errors, Rule};
use crate::facts::{Facts, Needs};
use crate::money::{AMOUNT_MAX, check_rupiah};
use crate::region::{RegionCode, RegionLevel};

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleCommand {
    CreateCycle(CreateCycle),
    SetStageWindow {
        cycle_id: Uuid,
        stage: Stage,
        window: Window,
    },
    SetCycleSettings {
        cycle_id: Uuid,
        caps: ForwardCaps,
        online_proposals: bool,
    },
    SetCeiling {
        cycle_id: Uuid,
        kecamatan: String,
        amount: String,
    },
    /// The pagu indikatif of one OPD for the cycle, which its Renja must fit.
    SetOpdCeiling {
        cycle_id: Uuid,
        opd_code: String,
        amount: String,
    },
}

impl ScheduleCommand {
    /// What the rules need read to decide it.
    pub fn needs(&self) -> Needs {
        match self {
            ScheduleCommand::CreateCycle(c) => {
                Needs { pemda: Some(c.pemda.clone()), cycle_year: Some(c.tahun_anggaran), ..Needs::default() }
            }
            ScheduleCommand::SetStageWindow { cycle_id, .. } | ScheduleCommand::SetCycleSettings { cycle_id, .. } => {
                Needs { cycle: Some(*cycle_id), ..Needs::default() }
            }
            ScheduleCommand::SetCeiling { cycle_id, kecamatan, .. } => Needs {
                cycle: Some(*cycle_id),
                regions: RegionCode::parse(kecamatan).into_iter().collect(),
                ..Needs::default()
            },
            ScheduleCommand::SetOpdCeiling { cycle_id, opd_code, .. } => Needs {
                cycle: Some(*cycle_id),
                opd: crate::kamus::code_to_look_up(opd_code).into_iter().collect(),
                ..Needs::default()
            },
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            ScheduleCommand::CreateCycle(_) => "create_cycle",
            ScheduleCommand::SetStageWindow { .. } => "set_stage_window",
            ScheduleCommand::SetCycleSettings { .. } => "set_cycle_settings",
            ScheduleCommand::SetCeiling { .. } => "set_ceiling",
            ScheduleCommand::SetOpdCeiling { .. } => "set_opd_ceiling",
        }
    }
}

/// Decides a schedule command.
pub fn decide(facts: &Facts, command: &ScheduleCommand, actor: &Actor) -> Result<Vec<ScheduleEvent>, DomainError> {
    match command {
        ScheduleCommand::CreateCycle(c) => create_cycle(facts, c, actor),
        ScheduleCommand::SetStageWindow { cycle_id, stage, window } => {
            set_window(facts, *cycle_id, *stage, *window, actor)
        }
        ScheduleCommand::SetCycleSettings { cycle_id, caps, online_proposals } => {
            set_settings(facts, *cycle_id, *caps, *online_proposals, actor)
        }
        ScheduleCommand::SetCeiling { cycle_id, kecamatan, amount } => {
            set_ceiling(facts, *cycle_id, kecamatan, amount, actor)
        }
        ScheduleCommand::SetOpdCeiling { cycle_id, opd_code, amount } => {
            let cycle = facts.cycle_named(*cycle_id)?;
            authorize(actor, Action::ManageCycle, &Resource::pemda(cycle.pemda.clone()))?;
            cycle.check_writable()?;
            let mut errors = Errors::default();
            let amount = check_rupiah(&mut errors, "amount", amount, AMOUNT_MAX);
            let opd_code = opd_code.trim();
            if !facts.opd_codes.contains(opd_code) {
                errors.push("opd_code", if opd_code.is_empty() { Rule::Required } else { Rule::UnknownOpd });
            }
            errors.into_result()?;
            Ok(vec![ScheduleEvent::OpdCeilingSet { cycle_id: *cycle_id, opd_code: opd_code.to_string(), amount }])
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCycle {
    pub pemda: RegionCode,
    pub cycle_id: Uuid,
    pub tahun_anggaran: i32,
}

fn create_cycle(facts: &Facts, c: &CreateCycle, actor: &Actor) -> Result<Vec<ScheduleEvent>, DomainError> {
    authorize(actor, Action::ManageCycle, &Resource::pemda(c.pemda.clone()))?;
    if !facts.pemda_exists {
        return Err(DomainError::NotFound(Entity::Pemda, c.pemda.to_string()));
    }
    if !(YEARS.0..=YEARS.1).contains(&c.tahun_anggaran) {
        return Err(DomainError::field("tahun_anggaran", Rule::Format { expected: "year" }));
    }
    if facts.cycle_year_taken {
        return Err(DomainError::field("tahun_anggaran", Rule::Taken));
    }
    Ok(vec![ScheduleEvent::CycleCreated { cycle_id: c.cycle_id, tahun_anggaran: c.tahun_anggaran }])
}

fn set_window(
    facts: &Facts,
    cycle_id: Uuid,
    stage: Stage,
    window: Window,
    actor: &Actor,
) -> Result<Vec<ScheduleEvent>, DomainError> {
    let cycle = facts.cycle_named(cycle_id)?;
    authorize(actor, Action::ManageCycle, &Resource::pemda(cycle.pemda.clone()))?;
    cycle.check_writable()?;
    if window.opens >= window.closes {
        return Err(DomainError::field("closes", Rule::NotAfter { field: "opens" }));
    }
    // Pokir close before the musrenbang RKPD opens, so no pokir appears once the city's forum
    // has begun (domain.md: late pokir are refused).
    let pokir_late = match stage {
        Stage::Pokir => cycle.windows.get(&Stage::MusrenbangRkpd).is_some_and(|rkpd| window.closes > rkpd.opens),
        Stage::MusrenbangRkpd => cycle.windows.get(&Stage::Pokir).is_some_and(|pokir| pokir.closes > window.opens),
        _ => false,
    };
    if pokir_late {
        let field = if stage == Stage::Pokir { "closes" } else { "opens" };
        return Err(DomainError::field(field, Rule::PokirAfterRkpd));
    }
    Ok(vec![ScheduleEvent::StageWindowSet { cycle_id, stage, window }])
}

fn set_settings(
    facts: &Facts,
    cycle_id: Uuid,
    caps: ForwardCaps,
    online_proposals: bool,
    actor: &Actor,
) -> Result<Vec<ScheduleEvent>, DomainError> {
    let cycle = facts.cycle_named(cycle_id)?;
    authorize(actor, Action::ManageCycle, &Resource::pemda(cycle.pemda.clone()))?;
    cycle.check_writable()?;
    let mut errors = Errors::default();
    for (field, cap) in [
        ("caps.rembuk_warga", caps.rembuk_warga),
        ("caps.musrenbang_kelurahan", caps.musrenbang_kelurahan),
        ("caps.musrenbang_kecamatan", caps.musrenbang_kecamatan),
    ] {
        if cap == Some(0) {
            errors.push(field, Rule::TooSmall);
        }
    }
    errors.into_result()?;
    Ok(vec![ScheduleEvent::CycleSettingsSet { cycle_id, caps, online_proposals }])
}

fn set_ceiling(
    facts: &Facts,
    cycle_id: Uuid,
    kecamatan: &str,
    amount: &str,
    actor: &Actor,
) -> Result<Vec<ScheduleEvent>, DomainError> {
    let cycle = facts.cycle_named(cycle_id)?;
    authorize(actor, Action::ManageCycle, &Resource::pemda(cycle.pemda.clone()))?;
    cycle.check_writable()?;
    let mut errors = Errors::default();
    let amount = check_rupiah(&mut errors, "amount", amount, AMOUNT_MAX);
    match RegionCode::parse(kecamatan) {
        Err(e) => errors.push("kecamatan", e.into()),
        Ok(code) => match facts.regions.get(&code) {
            Some(region) if region.level == RegionLevel::Kecamatan && code.is_within(&cycle.pemda) => {
                errors.into_result()?;
                return Ok(vec![ScheduleEvent::CeilingSet { cycle_id, kecamatan: code, amount }]);
            }
            Some(_) => errors.push("kecamatan", Rule::WrongLevel { expected: "kecamatan" }),
            None => errors.push("kecamatan", Rule::UnknownRegion),
        },
    }
    // Every broken field is named together; a valid kecamatan returned above.
    Err(errors.into_result().err().unwrap_or(DomainError::field("kecamatan", Rule::UnknownRegion)))
}

/// What this part records in the journal (tagged by `type`, as every event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ScheduleEvent {
    CycleCreated { cycle_id: Uuid, tahun_anggaran: i32 },
    StageWindowSet { cycle_id: Uuid, stage: Stage, window: Window },
    CycleSettingsSet { cycle_id: Uuid, caps: ForwardCaps, online_proposals: bool },
    CeilingSet { cycle_id: Uuid, kecamatan: RegionCode, amount: i64 },
    OpdCeilingSet { cycle_id: Uuid, opd_code: String, amount: i64 },
}

impl ScheduleEvent {
    /// The kind as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            ScheduleEvent::CycleCreated { .. } => "cycle_created",
            ScheduleEvent::StageWindowSet { .. } => "stage_window_set",
            ScheduleEvent::CycleSettingsSet { .. } => "cycle_settings_set",
            ScheduleEvent::CeilingSet { .. } => "ceiling_set",
            ScheduleEvent::OpdCeilingSet { .. } => "opd_ceiling_set",
        }
    }
}
