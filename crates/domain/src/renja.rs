//! The forum OPD and the Renja. Each perangkat daerah receives what the kecamatan forwarded to
//! it and the pokir addressed to it, and decides each: accepted into one of its Renja lines (as
//! received, or with changes and a reason), rejected with a reason, or redirected with a reason
//! to the OPD that should decide it. Its Renja is a list of lines of sub kegiatan, each carrying
//! the items it answers or stated as the OPD's own initiative; it finalises the Renja (closing
//! its forum) once everything is decided, the berita acara recorded and the lines' pagu within
//! its pagu indikatif. Each of the stages `forum_opd`, `musrenbang_rkpd` and `rancangan_akhir`
//! keeps its own figures of each line; a stage that saved none shows those of the stage before.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Action, Actor, Resource, authorize};
use crate::cycle::{CycleFacts, Stage};
use crate::error::{CloseProblem, DomainError, Entity, Errors, Rule, check_text};
use crate::facts::{Facts, Needs, NomenclatureNeed, OpdForumNeed};
use crate::kamus::code_to_look_up;
use crate::money::{AMOUNT_MAX, Milli, check_rupiah, check_volume, cost_of, sum};
use crate::musrenbang::{MeetingInput, TEXT_MAX, check_meeting, check_priority_named, cost_rule};
use crate::nomenclature::NomenclatureLevel;
use crate::planning::{Meeting, StageRecord, Status};
use crate::region::{RegionCode, RegionLevel};

/// The stages at which a Renja line keeps figures of its own, in order.
pub const LINE_STAGES: [Stage; 3] = [Stage::ForumOpd, Stage::MusrenbangRkpd, Stage::RancanganAkhir];
/// The most places one line names.
pub const LOCATIONS_MAX: usize = 50;
pub const INDICATOR_MAX: usize = 500;
pub const INDICATOR_UNIT_MAX: usize = 100;

/// Where a line's money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    /// Pendapatan asli daerah.
    Pad,
    /// Dana alokasi umum.
    Dau,
    DakFisik,
    DakNonFisik,
    /// Dana bagi hasil.
    Dbh,
    /// Bantuan keuangan provinsi.
    BantuanProvinsi,
    Lainnya,
}

impl FundingSource {
    pub const ALL: [FundingSource; 7] = [
        FundingSource::Pad,
        FundingSource::Dau,
        FundingSource::DakFisik,
        FundingSource::DakNonFisik,
        FundingSource::Dbh,
        FundingSource::BantuanProvinsi,
        FundingSource::Lainnya,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FundingSource::Pad => "pad",
            FundingSource::Dau => "dau",
            FundingSource::DakFisik => "dak_fisik",
            FundingSource::DakNonFisik => "dak_non_fisik",
            FundingSource::Dbh => "dbh",
            FundingSource::BantuanProvinsi => "bantuan_provinsi",
            FundingSource::Lainnya => "lainnya",
        }
    }

    pub fn parse(text: &str) -> Option<FundingSource> {
        FundingSource::ALL.into_iter().find(|f| f.as_str() == text.trim())
    }
}

/// An output or outcome indicator: what is measured, the target, its unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub description: String,
    pub target: Milli,
    pub unit: String,
}

/// What a Renja line says at one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineContent {
    /// The sub kegiatan's code in the nomenclature of the cycle's tahun anggaran.
    pub sub_kegiatan: String,
    /// Kecamatan or kelurahan where the work is done; none for the whole pemda.
    pub locations: Vec<RegionCode>,
    pub output: Indicator,
    pub outcome: Indicator,
    /// Pagu indikatif of the line, in rupiah.
    pub pagu: i64,
    pub funding: FundingSource,
    /// Prakiraan maju: what the line is expected to need in the year after.
    pub prakiraan_maju: i64,
    pub priority: Option<String>,
}

/// A Renja line as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFacts {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub opd_code: String,
    pub stages: BTreeMap<Stage, LineContent>,
}

/// An OPD's forum and Renja in a cycle, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenjaFacts {
    pub cycle_id: Uuid,
    pub opd_code: String,
    /// Whether the OPD finalised its Renja (its forum is closed).
    pub finalised: bool,
    pub meeting: Option<Meeting>,
    /// The OPD's pagu indikatif for the cycle, once Bappeda set it.
    pub ceiling: Option<i64>,
    /// How many items wait for its decision (read for finalising only).
    pub pending: usize,
    /// The pagu of each of its lines at the forum OPD (read for finalising only).
    pub line_pagu: Vec<i64>,
}

/// A line as typed: created when `line_id` is new, else this stage's figures of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineInput {
    pub line_id: Uuid,
    pub cycle_id: Uuid,
    pub opd_code: String,
    pub stage: Option<Stage>,
    pub text: LineText,
}

/// What a line says, as typed (a form, a JSON body, a seed): every field a text the rules check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct LineText {
    pub sub_kegiatan: String,
    /// Region codes separated by commas, semicolons or spaces.
    pub locations: String,
    pub output_description: String,
    pub output_target: String,
    pub output_unit: String,
    pub outcome_description: String,
    pub outcome_target: String,
    pub outcome_unit: String,
    pub pagu: String,
    pub funding: String,
    pub prakiraan_maju: String,
    pub priority: String,
}

impl LineText {
    /// A line's content as it would be typed again: to edit it, or to carry it to a later stage.
    pub fn of(content: &LineContent) -> LineText {
        LineText {
            sub_kegiatan: content.sub_kegiatan.clone(),
            locations: content.locations.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            output_description: content.output.description.clone(),
            output_target: crate::money::format_volume(content.output.target),
            output_unit: content.output.unit.clone(),
            outcome_description: content.outcome.description.clone(),
            outcome_target: crate::money::format_volume(content.outcome.target),
            outcome_unit: content.outcome.unit.clone(),
            pagu: content.pagu.to_string(),
            funding: content.funding.as_str().to_string(),
            prakiraan_maju: content.prakiraan_maju.to_string(),
            priority: content.priority.clone().unwrap_or_default(),
        }
    }
}

/// An OPD's verdict on what reached it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpdDecision {
    /// Accepted as received, carried by the line named.
    Accept {
        line_id: Uuid,
    },
    /// Accepted at another volume (empty: unchanged), carried by the line, with the reason.
    AcceptWithChanges {
        line_id: Uuid,
        volume: String,
        reason: String,
    },
    Reject {
        reason: String,
    },
    /// Sent to the OPD that should decide it, with the reason.
    Redirect {
        opd_code: String,
        reason: String,
    },
}

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenjaCommand {
    Decide { proposal_id: Uuid, decision: OpdDecision },
    SaveLine(LineInput),
    RecordMeeting { cycle_id: Uuid, opd_code: String, meeting: MeetingInput },
    Finalise { cycle_id: Uuid, opd_code: String },
}

impl RenjaCommand {
    /// What the rules need read to decide it.
    pub fn needs(&self) -> Needs {
        let named = |cycle_id: Uuid, opd_code: &str, lines: bool| Needs {
            cycle: Some(cycle_id),
            opd: code_to_look_up(opd_code).into_iter().collect(),
            opd_forum: code_to_look_up(opd_code).map(|opd_code| OpdForumNeed::Named { cycle_id, opd_code, lines }),
            ..Needs::default()
        };
        match self {
            RenjaCommand::Decide { proposal_id, decision } => {
                let (line, opd) = match decision {
                    OpdDecision::Accept { line_id } | OpdDecision::AcceptWithChanges { line_id, .. } => {
                        (Some(*line_id), Vec::new())
                    }
                    OpdDecision::Reject { .. } => (None, Vec::new()),
                    OpdDecision::Redirect { opd_code, .. } => (None, code_to_look_up(opd_code).into_iter().collect()),
                };
                Needs {
                    proposal: Some(*proposal_id),
                    opd_forum: Some(OpdForumNeed::OfProposal),
                    line,
                    opd,
                    ..Needs::default()
                }
            }
            RenjaCommand::SaveLine(input) => {
                let mut needs = named(input.cycle_id, &input.opd_code, false);
                needs.line = Some(input.line_id);
                needs.regions = location_codes(&input.text.locations).into_iter().filter_map(Result::ok).collect();
                needs.priorities = code_to_look_up(&input.text.priority).into_iter().collect();
                needs.nomenclature = code_to_look_up(&input.text.sub_kegiatan)
                    .map(|code| NomenclatureNeed { tahun_anggaran: None, codes: vec![code] });
                needs
            }
            RenjaCommand::RecordMeeting { cycle_id, opd_code, .. } => named(*cycle_id, opd_code, false),
            RenjaCommand::Finalise { cycle_id, opd_code } => named(*cycle_id, opd_code, true),
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            RenjaCommand::Decide { .. } => "decide_at_forum_opd",
            RenjaCommand::SaveLine(_) => "save_renja_line",
            RenjaCommand::RecordMeeting { .. } => "record_forum_opd_meeting",
            RenjaCommand::Finalise { .. } => "finalise_renja",
        }
    }
}

/// Decides a command of this part.
pub fn decide(facts: &Facts, command: &RenjaCommand, actor: &Actor) -> Result<Vec<RenjaEvent>, DomainError> {
    match command {
        RenjaCommand::Decide { proposal_id, decision } => decide_item(facts, *proposal_id, decision, actor),
        RenjaCommand::SaveLine(input) => save_line(facts, input, actor),
        RenjaCommand::RecordMeeting { cycle_id, opd_code, meeting } => {
            open_renja(facts, *cycle_id, opd_code, actor)?;
            let meeting = check_meeting(meeting)?;
            Ok(vec![RenjaEvent::ForumOpdMeetingRecorded { cycle_id: *cycle_id, opd_code: opd_code.clone(), meeting }])
        }
        RenjaCommand::Finalise { cycle_id, opd_code } => finalise(facts, *cycle_id, opd_code, actor),
    }
}

/// The region codes a typed list of locations names, each parsed (or why not).
pub fn location_codes(text: &str) -> Vec<Result<RegionCode, crate::region::CodeError>> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(RegionCode::parse)
        .collect()
}

/// Whether `actor` runs the forum OPD of `opd_code` (for pages deciding what to show).
pub fn runs_forum_opd(actor: &Actor, pemda: &RegionCode, opd_code: &str) -> bool {
    authorize(actor, Action::RunForumOpd, &Resource::opd(pemda.clone(), opd_code)).is_ok()
}

/// The OPD's Renja, checked writable at the forum OPD: the actor runs that OPD's forum, the
/// stage is open, the OPD exists and has not finalised.
fn open_renja<'f>(
    facts: &'f Facts,
    cycle_id: Uuid,
    opd_code: &str,
    actor: &Actor,
) -> Result<(&'f CycleFacts, &'f RenjaFacts), DomainError> {
    let cycle = facts.cycle_named(cycle_id)?;
    authorize(actor, Action::RunForumOpd, &Resource::opd(cycle.pemda.clone(), opd_code))?;
    cycle.check_open(Stage::ForumOpd, facts.now)?;
    let renja = facts
        .renja
        .as_ref()
        .filter(|r| r.cycle_id == cycle_id && r.opd_code == opd_code && facts.opd_codes.contains(opd_code))
        .ok_or_else(|| DomainError::NotFound(Entity::Forum, opd_code.to_string()))?;
    if renja.finalised {
        return Err(DomainError::ForumClosed);
    }
    Ok((cycle, renja))
}

fn decide_item(
    facts: &Facts,
    proposal_id: Uuid,
    decision: &OpdDecision,
    actor: &Actor,
) -> Result<Vec<RenjaEvent>, DomainError> {
    let proposal = facts
        .proposal
        .as_ref()
        .filter(|p| p.id == proposal_id)
        .ok_or_else(|| DomainError::NotFound(Entity::Proposal, proposal_id.to_string()))?;
    let current = proposal.record(Stage::ForumOpd).ok_or_else(|| DomainError::field("stage", Rule::NotAtStage))?;
    let opd_code = current.figures.opd_code.clone();
    let cycle = facts.cycle_named(proposal.cycle_id)?;
    authorize(actor, Action::RunForumOpd, &Resource::opd(cycle.pemda.clone(), &opd_code))?;
    cycle.check_open(Stage::ForumOpd, facts.now)?;
    if facts.renja.as_ref().is_some_and(|r| r.finalised) {
        return Err(DomainError::ForumClosed);
    }
    let received = proposal.received(Stage::ForumOpd).ok_or_else(|| DomainError::field("stage", Rule::NotAtStage))?;
    let mut record = StageRecord {
        stage: Stage::ForumOpd,
        status: Status::Pending,
        rank: None,
        figures: received.clone(),
        reason: None,
        decided_by: Some(actor.journal_name()),
        decided_at: Some(crate::journal_time(facts.now)),
    };
    // The OPD deciding keeps it: a redirected item is decided by the OPD it was sent to.
    record.figures.opd_code = opd_code.clone();
    let mut errors = Errors::default();
    let line_of = |errors: &mut Errors, line_id: Uuid| {
        let known =
            facts.line.as_ref().is_some_and(|l| l.id == line_id && l.cycle_id == cycle.id && l.opd_code == opd_code);
        if !known {
            errors.push("line_id", Rule::UnknownLine);
        }
        line_id
    };
    let line = match decision {
        OpdDecision::Accept { line_id } => {
            record.status = Status::Accepted;
            Some(line_of(&mut errors, *line_id))
        }
        OpdDecision::AcceptWithChanges { line_id, volume, reason } => {
            record.status = Status::AcceptedWithChanges;
            record.reason = Some(check_text(&mut errors, "reason", reason, TEXT_MAX));
            if !volume.trim().is_empty() {
                record.figures.volume = check_volume(&mut errors, "volume", volume);
                match cost_of(record.figures.volume, record.figures.unit_price) {
                    Ok(cost) => record.figures.cost = cost,
                    Err(e) => errors.push("volume", cost_rule(e)),
                }
            }
            Some(line_of(&mut errors, *line_id))
        }
        OpdDecision::Reject { reason } => {
            record.status = Status::Rejected;
            record.reason = Some(check_text(&mut errors, "reason", reason, TEXT_MAX));
            None
        }
        OpdDecision::Redirect { opd_code: to, reason } => {
            let reason = check_text(&mut errors, "reason", reason, TEXT_MAX);
            let to = to.trim();
            if to == opd_code {
                errors.push("opd_code", Rule::SameOpd);
            } else if !facts.opd_codes.contains(to) {
                errors.push("opd_code", if to.is_empty() { Rule::Required } else { Rule::UnknownOpd });
            }
            errors.into_result()?;
            record.figures.opd_code = to.to_string();
            record.reason = Some(reason);
            return Ok(vec![RenjaEvent::ProposalRedirected { proposal_id, from_opd: opd_code, record }]);
        }
    };
    errors.into_result()?;
    Ok(vec![RenjaEvent::ForumOpdDecided { proposal_id, record, line_id: line }])
}

fn save_line(facts: &Facts, input: &LineInput, actor: &Actor) -> Result<Vec<RenjaEvent>, DomainError> {
    let cycle = facts.cycle_named(input.cycle_id)?;
    let stage = input
        .stage
        .filter(|s| LINE_STAGES.contains(s))
        .ok_or_else(|| DomainError::field("stage", Rule::Format { expected: "line_stage" }))?;
    let opd_code = input.opd_code.trim();
    if stage == Stage::ForumOpd {
        open_renja(facts, cycle.id, opd_code, actor)?;
    } else {
        // Later stages are Bappeda's: the musrenbang RKPD and the rancangan akhir.
        authorize(actor, Action::CompileRkpd, &Resource::pemda(cycle.pemda.clone()))?;
        cycle.check_open(stage, facts.now)?;
        if !facts.opd_codes.contains(opd_code) {
            return Err(DomainError::field("opd_code", Rule::UnknownOpd));
        }
    }
    let existing = facts.line.as_ref().filter(|l| l.id == input.line_id);
    if existing.is_some_and(|l| l.cycle_id != cycle.id || l.opd_code != opd_code) {
        return Err(DomainError::field("line_id", Rule::UnknownLine));
    }
    let content = check_line(facts, cycle, input)?;
    Ok(vec![RenjaEvent::LineSaved {
        line_id: input.line_id,
        cycle_id: cycle.id,
        opd_code: opd_code.to_string(),
        stage,
        first: existing.is_none(),
        content,
    }])
}

/// Checks a line's fields, every broken one named.
fn check_line(facts: &Facts, cycle: &CycleFacts, input: &LineInput) -> Result<LineContent, DomainError> {
    let mut errors = Errors::default();
    let sub_kegiatan = input.text.sub_kegiatan.trim().to_string();
    match NomenclatureLevel::of_code(&sub_kegiatan) {
        _ if sub_kegiatan.is_empty() => errors.push("sub_kegiatan", Rule::Required),
        Some(NomenclatureLevel::SubKegiatan) if facts.nomenclature.contains(&sub_kegiatan) => {}
        Some(NomenclatureLevel::SubKegiatan) | None => errors.push("sub_kegiatan", Rule::UnknownNomenclature),
        Some(_) => errors.push("sub_kegiatan", Rule::WrongLevel { expected: "sub_kegiatan" }),
    }
    let mut locations = Vec::new();
    let parsed = location_codes(&input.text.locations);
    if parsed.len() > LOCATIONS_MAX {
        errors.push("locations", Rule::TooLong { max: LOCATIONS_MAX });
    }
    for code in parsed.into_iter().take(LOCATIONS_MAX) {
        match code {
            Err(e) => errors.push("locations", e.into()),
            Ok(code) => match facts.regions.get(&code) {
                Some(_) if !code.is_within(&cycle.pemda) => errors.push("locations", Rule::UnknownRegion),
                Some(r) if !matches!(r.level, RegionLevel::Kecamatan) && !r.level.is_village() => {
                    errors.push("locations", Rule::WrongLevel { expected: "kecamatan_or_kelurahan" })
                }
                Some(_) if locations.contains(&code) => {}
                Some(_) => locations.push(code),
                None => errors.push("locations", Rule::UnknownRegion),
            },
        }
    }
    let mut indicator = |prefix: &str, description: &str, target: &str, unit: &str| Indicator {
        description: check_text(&mut errors, &format!("{prefix}_description"), description, INDICATOR_MAX),
        target: check_volume(&mut errors, &format!("{prefix}_target"), target),
        unit: check_text(&mut errors, &format!("{prefix}_unit"), unit, INDICATOR_UNIT_MAX),
    };
    let output =
        indicator("output", &input.text.output_description, &input.text.output_target, &input.text.output_unit);
    let outcome =
        indicator("outcome", &input.text.outcome_description, &input.text.outcome_target, &input.text.outcome_unit);
    let pagu = check_rupiah(&mut errors, "pagu", &input.text.pagu, AMOUNT_MAX);
    if pagu == 0 && errors.is_empty() {
        errors.push("pagu", Rule::TooSmall);
    }
    let prakiraan_maju = check_rupiah(&mut errors, "prakiraan_maju", &input.text.prakiraan_maju, AMOUNT_MAX);
    let funding = FundingSource::parse(&input.text.funding).unwrap_or_else(|| {
        let rule =
            if input.text.funding.trim().is_empty() { Rule::Required } else { Rule::Format { expected: "funding" } };
        errors.push("funding", rule);
        FundingSource::Lainnya
    });
    let priority = check_priority_named(&mut errors, facts, "priority", &input.text.priority);
    errors.into_result()?;
    Ok(LineContent { sub_kegiatan, locations, output, outcome, pagu, funding, prakiraan_maju, priority })
}

/// Finalising: a pagu indikatif set and the lines' pagu within it (refused with both amounts),
/// nothing left undecided, the berita acara recorded.
fn finalise(facts: &Facts, cycle_id: Uuid, opd_code: &str, actor: &Actor) -> Result<Vec<RenjaEvent>, DomainError> {
    let (_, renja) = open_renja(facts, cycle_id, opd_code, actor)?;
    // The pagu first: it is what an OPD most needs to hear about, and it does not wait for the
    // last decision.
    let total =
        sum(renja.line_pagu.iter().copied()).map_err(|_| DomainError::CannotClose(CloseProblem::TotalTooLarge))?;
    let ceiling = renja.ceiling.ok_or(DomainError::CannotClose(CloseProblem::NoPagu))?;
    if total > ceiling {
        return Err(DomainError::CannotClose(CloseProblem::OverPagu { total, ceiling }));
    }
    if renja.pending > 0 {
        return Err(DomainError::CannotClose(CloseProblem::Undecided { count: renja.pending }));
    }
    if renja.meeting.is_none() {
        return Err(DomainError::CannotClose(CloseProblem::NoMinutes));
    }
    Ok(vec![RenjaEvent::RenjaFinalised { cycle_id, opd_code: opd_code.to_string(), total, ceiling }])
}

/// By how much (in percent) a line's pagu may grow from one stage to the next before it is
/// flagged: after the forum OPD no new item can come to justify it.
pub const PAGU_GROWTH_FLAG_PERCENT: i64 = 10;

/// Why a Renja line deserves a second look (shown, never blocking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum LineFlag {
    /// First appears at `stage`, after the forum OPD, carrying no item from below.
    AppearedLate { stage: Stage },
    /// Its pagu grew by more than [`PAGU_GROWTH_FLAG_PERCENT`] from one stage to the next.
    PaguGrew { from: Stage, to: Stage, before: i64, after: i64 },
}

/// A line's flags from the stage that created it, how many items it carries, and its pagu at
/// each stage that saved figures (in stage order).
pub fn line_flags(first_stage: Stage, sources: u64, pagu: &[(Stage, i64)]) -> Vec<LineFlag> {
    let mut flags = Vec::new();
    if first_stage > Stage::ForumOpd && sources == 0 {
        flags.push(LineFlag::AppearedLate { stage: first_stage });
    }
    for pair in pagu.windows(2) {
        let ((from, before), (to, after)) = (pair[0], pair[1]);
        // In i128: a pagu near the bound times a hundred does not fit an i64.
        if i128::from(after) * 100 > i128::from(before) * i128::from(100 + PAGU_GROWTH_FLAG_PERCENT) {
            flags.push(LineFlag::PaguGrew { from, to, before, after });
        }
    }
    flags
}

/// What this part records in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RenjaEvent {
    /// The OPD's decision; an accepted item is carried by `line_id` (and by no other line).
    ForumOpdDecided {
        proposal_id: Uuid,
        record: StageRecord,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line_id: Option<Uuid>,
    },
    /// Sent to another OPD, pending there; `record` names the new OPD and the reason.
    ProposalRedirected {
        proposal_id: Uuid,
        from_opd: String,
        record: StageRecord,
    },
    LineSaved {
        line_id: Uuid,
        cycle_id: Uuid,
        opd_code: String,
        stage: Stage,
        /// Whether this created the line.
        first: bool,
        content: LineContent,
    },
    ForumOpdMeetingRecorded {
        cycle_id: Uuid,
        opd_code: String,
        meeting: Meeting,
    },
    RenjaFinalised {
        cycle_id: Uuid,
        opd_code: String,
        total: i64,
        ceiling: i64,
    },
}

impl RenjaEvent {
    /// The kind as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            RenjaEvent::ForumOpdDecided { .. } => "forum_opd_decided",
            RenjaEvent::ProposalRedirected { .. } => "proposal_redirected",
            RenjaEvent::LineSaved { .. } => "renja_line_saved",
            RenjaEvent::ForumOpdMeetingRecorded { .. } => "forum_opd_meeting_recorded",
            RenjaEvent::RenjaFinalised { .. } => "renja_finalised",
        }
    }

    /// The proposals this event is about, for their timelines.
    pub fn proposals(&self) -> Vec<Uuid> {
        match self {
            RenjaEvent::ForumOpdDecided { proposal_id, .. } | RenjaEvent::ProposalRedirected { proposal_id, .. } => {
                vec![*proposal_id]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::OffsetDateTime;
    use time::macros::datetime;

    use super::*;
    use crate::access::{Grant, Role, Scope, UserActor};
    use crate::cycle::Window;
    use crate::planning::{Figures, Location, Origin, ProposalFacts};
    use crate::region::Region;

    const NOW: OffsetDateTime = datetime!(2027-04-10 0:00 UTC);
    const CYCLE: Uuid = Uuid::from_u128(1);
    const LINE: Uuid = Uuid::from_u128(50);
    const PU: &str = "1.03.01";
    const DINKES: &str = "1.02.01";

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn operator(opd: &str) -> Actor {
        Actor::User(UserActor {
            id: Uuid::from_u128(9),
            username: "opd".into(),
            pemda: code("12.71"),
            grants: vec![Grant { role: Role::OperatorOpd, scope: Scope::Opd(opd.into()) }],
        })
    }

    fn bappeda() -> Actor {
        Actor::User(UserActor {
            id: Uuid::from_u128(8),
            username: "bappeda".into(),
            pemda: code("12.71"),
            grants: vec![Grant { role: Role::BappedaAdmin, scope: Scope::Pemda }],
        })
    }

    fn cycle(forum_opd: (i64, i64)) -> CycleFacts {
        let day = |d: i64| NOW + time::Duration::days(d);
        let mut windows = BTreeMap::new();
        windows.insert(Stage::ForumOpd, Window { opens: day(forum_opd.0), closes: day(forum_opd.1) });
        windows.insert(Stage::MusrenbangRkpd, Window { opens: day(forum_opd.1), closes: day(forum_opd.1 + 10) });
        CycleFacts {
            id: CYCLE,
            pemda: code("12.71"),
            tahun_anggaran: 2027,
            windows,
            caps: Default::default(),
            online_proposals: false,
            adopted: false,
        }
    }

    fn figures(opd: &str, cost: i64) -> Figures {
        Figures {
            kamus_code: "JLN".into(),
            unit: "meter".into(),
            unit_price: 1_000,
            volume: cost,
            cost,
            opd_code: opd.into(),
            location: Location { lingkungan: code("12.71.01.1001.001"), address: "Jl. Mawar".into(), point: None },
        }
    }

    fn record(stage: Stage, status: Status, opd: &str) -> StageRecord {
        StageRecord::entering(stage, status, figures(opd, 1_000_000))
    }

    fn proposal(origin: Origin, opd: &str) -> ProposalFacts {
        let below = if origin == Origin::Pokir { Stage::Pokir } else { Stage::MusrenbangKecamatan };
        ProposalFacts {
            id: Uuid::from_u128(7),
            cycle_id: CYCLE,
            origin,
            records: vec![record(below, Status::Accepted, opd), record(Stage::ForumOpd, Status::Pending, opd)],
            submitted: None,
        }
    }

    fn line(opd: &str) -> LineFacts {
        LineFacts { id: LINE, cycle_id: CYCLE, opd_code: opd.into(), stages: BTreeMap::new() }
    }

    fn facts(origin: Origin) -> Facts {
        let kecamatan =
            Region { code: code("12.71.01"), name: "Medan Tuntungan".into(), level: RegionLevel::Kecamatan };
        Facts {
            now: NOW,
            cycle: Some(cycle((-5, 5))),
            proposal: Some(proposal(origin, PU)),
            line: Some(line(PU)),
            opd_codes: [PU.to_string(), DINKES.to_string()].into(),
            nomenclature: ["1.03.10.2.01.0001".to_string()].into(),
            regions: [(kecamatan.code.clone(), kecamatan)].into(),
            renja: Some(RenjaFacts { cycle_id: CYCLE, opd_code: PU.into(), ..RenjaFacts::default() }),
            ..Facts::default()
        }
    }

    fn decide_with(facts: &Facts, decision: OpdDecision, actor: &Actor) -> Result<Vec<RenjaEvent>, DomainError> {
        decide(facts, &RenjaCommand::Decide { proposal_id: Uuid::from_u128(7), decision }, actor)
    }

    fn rules(result: Result<Vec<RenjaEvent>, DomainError>) -> Vec<(String, Rule)> {
        match result {
            Err(DomainError::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.rule)).collect(),
            other => panic!("expected a refusal of the input, got {other:?}"),
        }
    }

    #[test]
    fn an_accepted_item_goes_into_one_line_of_the_deciding_opd() {
        for origin in [Origin::Kecamatan, Origin::Pokir] {
            let events = decide_with(&facts(origin), OpdDecision::Accept { line_id: LINE }, &operator(PU)).unwrap();
            match &events[0] {
                RenjaEvent::ForumOpdDecided { record, line_id, .. } => {
                    assert_eq!(*line_id, Some(LINE));
                    assert_eq!(record.status, Status::Accepted);
                    assert_eq!(record.figures.opd_code, PU);
                }
                other => panic!("{other:?}"),
            }
        }
        // Another OPD's line is no line of this OPD.
        let facts = Facts { line: Some(line(DINKES)), ..facts(Origin::Kecamatan) };
        assert_eq!(
            rules(decide_with(&facts, OpdDecision::Accept { line_id: LINE }, &operator(PU))),
            [("line_id".to_string(), Rule::UnknownLine)]
        );
    }

    #[test]
    fn only_the_holding_opd_decides_and_only_in_its_window() {
        let facts = facts(Origin::Kecamatan);
        for stranger in [operator(DINKES), bappeda(), Actor::Public] {
            assert!(matches!(
                decide_with(&facts, OpdDecision::Reject { reason: "x".into() }, &stranger),
                Err(DomainError::Denied(_))
            ));
        }
        let late = Facts { cycle: Some(cycle((-10, -1))), ..facts.clone() };
        assert!(matches!(
            decide_with(&late, OpdDecision::Reject { reason: "x".into() }, &operator(PU)),
            Err(DomainError::StageClosed { stage: Stage::ForumOpd, .. })
        ));
        let finalised = Facts {
            renja: Some(RenjaFacts { finalised: true, cycle_id: CYCLE, opd_code: PU.into(), ..RenjaFacts::default() }),
            ..facts
        };
        assert_eq!(
            decide_with(&finalised, OpdDecision::Reject { reason: "x".into() }, &operator(PU)),
            Err(DomainError::ForumClosed)
        );
    }

    #[test]
    fn rejections_and_redirections_carry_a_reason() {
        let facts = facts(Origin::Kecamatan);
        assert_eq!(
            rules(decide_with(&facts, OpdDecision::Reject { reason: " \u{200B}".into() }, &operator(PU))),
            [("reason".to_string(), Rule::Required)]
        );
        assert_eq!(
            rules(decide_with(
                &facts,
                OpdDecision::Redirect { opd_code: DINKES.into(), reason: String::new() },
                &operator(PU)
            )),
            [("reason".to_string(), Rule::Required)]
        );
        assert_eq!(
            rules(decide_with(
                &facts,
                OpdDecision::Redirect { opd_code: PU.into(), reason: "x".into() },
                &operator(PU)
            )),
            [("opd_code".to_string(), Rule::SameOpd)]
        );
        assert_eq!(
            rules(decide_with(
                &facts,
                OpdDecision::Redirect { opd_code: "9.99".into(), reason: "x".into() },
                &operator(PU)
            )),
            [("opd_code".to_string(), Rule::UnknownOpd)]
        );
        let events = decide_with(
            &facts,
            OpdDecision::Redirect { opd_code: DINKES.into(), reason: "Bukan urusan PU".into() },
            &operator(PU),
        )
        .unwrap();
        match &events[0] {
            RenjaEvent::ProposalRedirected { record, from_opd, .. } => {
                assert_eq!(from_opd, PU);
                assert_eq!(record.figures.opd_code, DINKES);
                assert_eq!(record.status, Status::Pending);
                assert_eq!(record.reason.as_deref(), Some("Bukan urusan PU"));
            }
            other => panic!("{other:?}"),
        }
    }

    fn line_input(stage: Stage) -> LineInput {
        LineInput { line_id: LINE, cycle_id: CYCLE, opd_code: PU.into(), stage: Some(stage), text: line_text() }
    }

    fn line_text() -> LineText {
        LineText {
            sub_kegiatan: "1.03.10.2.01.0001".into(),
            locations: "12.71.01".into(),
            output_description: "Panjang jalan yang dibangun".into(),
            output_target: "1200".into(),
            output_unit: "meter".into(),
            outcome_description: "Jalan dalam kondisi baik".into(),
            outcome_target: "85".into(),
            outcome_unit: "persen".into(),
            pagu: "2.500.000.000".into(),
            funding: "dau".into(),
            prakiraan_maju: "0".into(),
            priority: String::new(),
        }
    }

    #[test]
    fn a_line_is_checked_field_by_field() {
        let facts = Facts { line: None, ..facts(Origin::Kecamatan) };
        let events = decide(&facts, &RenjaCommand::SaveLine(line_input(Stage::ForumOpd)), &operator(PU)).unwrap();
        assert!(
            matches!(&events[0], RenjaEvent::LineSaved { first: true, content, .. } if content.pagu == 2_500_000_000)
        );
        let broken = LineInput {
            text: LineText {
                sub_kegiatan: "1.03.10".into(),
                locations: "12.71.01, 12.71.99".into(),
                output_target: "0".into(),
                pagu: "0".into(),
                funding: "apbn".into(),
                ..line_text()
            },
            ..line_input(Stage::ForumOpd)
        };
        assert_eq!(
            rules(decide(&facts, &RenjaCommand::SaveLine(broken), &operator(PU))),
            [
                ("sub_kegiatan".to_string(), Rule::WrongLevel { expected: "sub_kegiatan" }),
                ("locations".to_string(), Rule::UnknownRegion),
                ("output_target".to_string(), Rule::TooSmall),
                ("funding".to_string(), Rule::Format { expected: "funding" }),
            ]
        );
        // Later stages are Bappeda's, not the OPD's.
        let rkpd = Facts { now: NOW + time::Duration::days(6), ..facts.clone() };
        assert!(matches!(
            decide(&rkpd, &RenjaCommand::SaveLine(line_input(Stage::MusrenbangRkpd)), &operator(PU)),
            Err(DomainError::Denied(_))
        ));
        assert!(decide(&rkpd, &RenjaCommand::SaveLine(line_input(Stage::MusrenbangRkpd)), &bappeda()).is_ok());
    }

    fn finalising(pending: usize, pagu: Vec<i64>, ceiling: Option<i64>, minutes: bool) -> Facts {
        let meeting = minutes.then(|| Meeting {
            date: "2027-04-09".into(),
            place: "Aula".into(),
            chair: "Kadis".into(),
            attendees: Vec::new(),
            delegates: Vec::new(),
        });
        Facts {
            renja: Some(RenjaFacts {
                cycle_id: CYCLE,
                opd_code: PU.into(),
                finalised: false,
                meeting,
                ceiling,
                pending,
                line_pagu: pagu,
            }),
            ..facts(Origin::Kecamatan)
        }
    }

    fn finalise_of(facts: &Facts) -> Result<Vec<RenjaEvent>, DomainError> {
        decide(facts, &RenjaCommand::Finalise { cycle_id: CYCLE, opd_code: PU.into() }, &operator(PU))
    }

    #[test]
    fn a_renja_over_its_pagu_is_not_finalised() {
        assert_eq!(
            finalise_of(&finalising(0, vec![600, 500], Some(1_000), true)),
            Err(DomainError::CannotClose(CloseProblem::OverPagu { total: 1_100, ceiling: 1_000 }))
        );
        assert_eq!(
            finalise_of(&finalising(2, vec![600], Some(1_000), true)),
            Err(DomainError::CannotClose(CloseProblem::Undecided { count: 2 }))
        );
        assert_eq!(
            finalise_of(&finalising(0, vec![600], None, true)),
            Err(DomainError::CannotClose(CloseProblem::NoPagu))
        );
        assert_eq!(
            finalise_of(&finalising(0, vec![600], Some(1_000), false)),
            Err(DomainError::CannotClose(CloseProblem::NoMinutes))
        );
        assert_eq!(
            finalise_of(&finalising(0, vec![i64::MAX, i64::MAX], Some(1_000), true)),
            Err(DomainError::CannotClose(CloseProblem::TotalTooLarge))
        );
        assert!(finalise_of(&finalising(0, vec![600, 400], Some(1_000), true)).is_ok());
    }

    #[test]
    fn nothing_changes_after_adoption() {
        let mut adopted = facts(Origin::Kecamatan);
        if let Some(cycle) = adopted.cycle.as_mut() {
            cycle.adopted = true;
        }
        assert_eq!(
            decide_with(&adopted, OpdDecision::Accept { line_id: LINE }, &operator(PU)),
            Err(DomainError::Adopted)
        );
        assert_eq!(
            decide(&adopted, &RenjaCommand::SaveLine(line_input(Stage::ForumOpd)), &operator(PU)),
            Err(DomainError::Adopted)
        );
    }

    #[test]
    fn lines_that_appear_late_or_grow_are_flagged() {
        assert_eq!(line_flags(Stage::ForumOpd, 0, &[(Stage::ForumOpd, 100)]), []);
        assert_eq!(
            line_flags(Stage::MusrenbangRkpd, 0, &[(Stage::MusrenbangRkpd, 100)]),
            [LineFlag::AppearedLate { stage: Stage::MusrenbangRkpd }]
        );
        assert_eq!(line_flags(Stage::ForumOpd, 3, &[(Stage::ForumOpd, 100), (Stage::MusrenbangRkpd, 110)]), []);
        assert_eq!(
            line_flags(Stage::ForumOpd, 3, &[(Stage::ForumOpd, 100), (Stage::RancanganAkhir, 111)]),
            [LineFlag::PaguGrew { from: Stage::ForumOpd, to: Stage::RancanganAkhir, before: 100, after: 111 }]
        );
        // Near the bound the comparison neither wraps nor saturates.
        let big = crate::money::AMOUNT_MAX;
        assert_eq!(line_flags(Stage::ForumOpd, 1, &[(Stage::ForumOpd, big), (Stage::MusrenbangRkpd, big)]), []);
    }

    proptest::proptest! {
        /// Lineage is total: whatever an OPD decides on an item that reached it, the outcome either
        /// places it in exactly one line of the deciding OPD or carries the reason that stopped or
        /// moved it; and a Renja over its pagu never finalises.
        #[test]
        fn every_decision_places_or_explains(
            kind in 0u8..4, reason in "[ a-zA-Z]{0,12}", pokir in proptest::bool::ANY,
            pagu in proptest::collection::vec(1i64..2_000_000_000_000, 0..20), ceiling in 1i64..20_000_000_000_000,
        ) {
            let origin = if pokir { Origin::Pokir } else { Origin::Kecamatan };
            let facts = facts(origin);
            let decision = match kind {
                0 => OpdDecision::Accept { line_id: LINE },
                1 => OpdDecision::AcceptWithChanges { line_id: LINE, volume: String::new(), reason: reason.clone() },
                2 => OpdDecision::Reject { reason: reason.clone() },
                _ => OpdDecision::Redirect { opd_code: DINKES.into(), reason: reason.clone() },
            };
            match decide_with(&facts, decision, &operator(PU)) {
                Ok(events) => {
                    proptest::prop_assert_eq!(events.len(), 1);
                    match &events[0] {
                        RenjaEvent::ForumOpdDecided { record, line_id, .. } => {
                            proptest::prop_assert_eq!(record.status.is_accepted(), line_id.is_some());
                            if !record.status.is_accepted() || record.status == Status::AcceptedWithChanges {
                                proptest::prop_assert!(record.reason.as_deref().is_some_and(|r| !r.trim().is_empty()));
                            }
                        }
                        RenjaEvent::ProposalRedirected { record, .. } => {
                            proptest::prop_assert!(record.reason.as_deref().is_some_and(|r| !r.trim().is_empty()));
                        }
                        other => proptest::prop_assert!(false, "{:?}", other),
                    }
                }
                Err(DomainError::Invalid(errors)) => {
                    proptest::prop_assert!(kind != 0 && reason.trim().is_empty(), "{:?}", errors);
                }
                Err(other) => proptest::prop_assert!(false, "{:?}", other),
            }
            let total = crate::money::sum(pagu.iter().copied());
            let outcome = finalise_of(&finalising(0, pagu, Some(ceiling), true));
            match total {
                Ok(total) if total <= ceiling => proptest::prop_assert!(outcome.is_ok()),
                _ => proptest::prop_assert!(outcome.is_err()),
            }
        }
    }
}
