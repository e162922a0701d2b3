//! The musrenbang: proposals raised and carried through the rembuk warga, the musrenbang
//! kelurahan and kecamatan: submitting, deciding, ranking, minutes, closing, support, photos.
//! The part owns its commands, what they need read, their rules and their events.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::{Action, Actor, Resource, authorize};
use crate::cycle::{CycleFacts, Stage};
use crate::error::{CloseProblem, DomainError, Entity, Errors, NAME_MAX, Rule, check_text};
use crate::facts::{Facts, ForumNeed, Needs};
use crate::kamus::{Bidang, code_to_look_up};
use crate::money::{AMOUNT_MAX, MoneyError, check_volume, cost_of};
use crate::planning::{
    Attendee, Figures, ForumKey, Location, Meeting, Origin, Point, StageRecord, Status, Track, forum_region_of,
};
use crate::privacy::check_public_text;
use crate::region::{RegionCode, RegionLevel};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 2_000;
pub const ADDRESS_MAX: usize = 200;
pub const ATTENDEES_MAX: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalInput {
    pub proposal_id: Uuid,
    pub cycle_id: Uuid,
    /// Where it enters: rembuk warga (a lingkungan's own), or a kelurahan's or kecamatan's own.
    pub stage: Stage,
    pub title: String,
    pub problem: String,
    pub kamus_code: String,
    pub volume: String,
    pub lingkungan: String,
    pub address: String,
    /// Decimal degrees as typed or picked on the map; both empty when not given.
    pub latitude: String,
    pub longitude: String,
    pub track: String,
    /// The code of the RPJMD priority it serves, or empty.
    pub priority: String,
}

/// A forum's verdict as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionInput {
    Accept,
    /// Any of the changes (empty = unchanged), and the reason, which is required.
    AcceptWithChanges {
        volume: String,
        kamus_code: String,
        lingkungan: String,
        address: String,
        opd_code: String,
        reason: String,
    },
    Reject {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeetingInput {
    pub date: String,
    pub place: String,
    pub chair: String,
    pub attendees: Vec<(String, String)>,
    pub delegates: Vec<String>,
}

/// The action that runs the forums of a stage.
pub fn forum_action(stage: Stage) -> Option<Action> {
    match stage {
        Stage::RembukWarga => Some(Action::RunRembukWarga),
        Stage::MusrenbangKelurahan => Some(Action::RunMusrenbangKelurahan),
        Stage::MusrenbangKecamatan => Some(Action::RunMusrenbangKecamatan),
        _ => None,
    }
}

/// Whether `actor` runs the forum that `stage` holds over `region` (for pages deciding what to
/// show; commands ask the policy themselves).
pub fn runs_forum(actor: &Actor, stage: Stage, region: &RegionCode) -> bool {
    Resource::region(region.clone())
        .zip(forum_action(stage))
        .is_some_and(|(resource, action)| authorize(actor, action, &resource).is_ok())
}

/// Who may add a photo to a proposal raised at `stage` in `region`: whoever runs that forum, or
/// a resident of it.
pub fn may_add_photo(actor: &Actor, stage: Stage, region: &RegionCode) -> Result<(), DomainError> {
    if runs_forum(actor, stage, region) {
        return Ok(());
    }
    let resource = Resource::region(region.clone()).ok_or(DomainError::NotFound(Entity::Region, region.to_string()))?;
    Ok(authorize(actor, Action::ProposeOnline, &resource)?)
}

fn parse_point(errors: &mut Errors, latitude: &str, longitude: &str) -> Option<Point> {
    let (lat, lon) = (latitude.trim(), longitude.trim());
    if lat.is_empty() && lon.is_empty() {
        return None;
    }
    match (lat.replace(',', ".").parse::<f64>(), lon.replace(',', ".").parse::<f64>()) {
        (Ok(lat), Ok(lon)) if lat.is_finite() && lon.is_finite() => {
            let point = Point::from_degrees(lat, lon);
            if point.is_none() {
                errors.push("latitude", Rule::OutsideIndonesia);
            }
            point
        }
        _ => {
            errors.push("latitude", Rule::Format { expected: "coordinates" });
            None
        }
    }
}

/// The lingkungan a location names, checked to exist and to lie within `forum_region`.
fn check_lingkungan(
    errors: &mut Errors,
    facts: &Facts,
    field: &str,
    text: &str,
    forum_region: &RegionCode,
) -> Option<RegionCode> {
    let code = match RegionCode::parse(text) {
        Ok(code) => code,
        Err(e) => {
            errors.push(field, e.into());
            return None;
        }
    };
    match facts.regions.get(&code) {
        Some(region) if region.level == RegionLevel::Lingkungan && code.is_within(forum_region) => Some(code),
        Some(region) if region.level != RegionLevel::Lingkungan => {
            errors.push(field, Rule::WrongLevel { expected: "lingkungan" });
            None
        }
        _ => {
            errors.push(field, Rule::UnknownRegion);
            None
        }
    }
}

pub fn submit(facts: &Facts, input: &ProposalInput, actor: &Actor) -> Result<Vec<MusrenbangEvent>, DomainError> {
    let cycle = facts.cycle_named(input.cycle_id)?;
    let Some(origin) = Origin::for_stage(input.stage) else {
        return Err(DomainError::field("stage", Rule::Format { expected: "forum_stage" }));
    };
    // The lingkungan decides the forum; it must parse before anything can be authorized.
    let lingkungan = RegionCode::parse(&input.lingkungan).map_err(|e| DomainError::field("lingkungan", e.into()))?;
    let forum_region = forum_region_of(&lingkungan, input.stage)
        .filter(|r| r.is_within(&cycle.pemda))
        .ok_or_else(|| DomainError::field("lingkungan", Rule::WrongLevel { expected: "lingkungan" }))?;
    let resource = Resource::region(forum_region.clone())
        .ok_or(DomainError::NotFound(Entity::Region, forum_region.to_string()))?;
    let as_resident = matches!(actor, Actor::User(u) if u.grants.iter().all(|g| g.role == crate::Role::Warga));
    if input.stage == Stage::RembukWarga && as_resident {
        authorize(actor, Action::ProposeOnline, &resource)?;
        if !cycle.online_proposals {
            return Err(DomainError::field("stage", Rule::OnlineProposalsClosed));
        }
    } else {
        let action = forum_action(input.stage).ok_or(DomainError::NotFound(Entity::Forum, String::new()))?;
        authorize(actor, action, &resource)?;
    }
    cycle.check_open(input.stage, facts.now)?;
    if facts.forum.as_ref().is_some_and(|f| f.closed) {
        return Err(DomainError::ForumClosed);
    }
    let mut errors = Errors::default();
    let work = WorkInput {
        title: &input.title,
        problem: &input.problem,
        kamus_code: &input.kamus_code,
        volume: &input.volume,
        lingkungan: &input.lingkungan,
        address: &input.address,
        latitude: &input.latitude,
        longitude: &input.longitude,
        track: &input.track,
        priority: &input.priority,
    };
    let work = check_work(&mut errors, facts, &work, &forum_region);
    errors.into_result()?;
    let Work { title, problem, bidang, fisik, track, figures, priority } = finish_work(work)?;
    // Residents' proposals enter the long list as raised; a forum's own still need its decision.
    let status = if input.stage == Stage::RembukWarga { Status::Accepted } else { Status::Pending };
    Ok(vec![MusrenbangEvent::ProposalSubmitted {
        proposal_id: input.proposal_id,
        cycle_id: cycle.id,
        origin,
        title,
        problem,
        bidang,
        fisik,
        track,
        stage: input.stage,
        status,
        figures,
        priority,
    }])
}

/// The work once every field passed: its cost may still pass the bound.
pub fn finish_work(work: Option<Result<Work, MoneyError>>) -> Result<Work, DomainError> {
    // `None` only comes with a field error, which the caller has already returned.
    work.ok_or_else(|| DomainError::field("kamus_code", Rule::UnknownKamus))?
        .map_err(|e| DomainError::field("volume", cost_rule(e)))
}

/// What a proposal or a pokir asks for, as typed: the work, where it is, what it serves.
pub struct WorkInput<'a> {
    pub title: &'a str,
    pub problem: &'a str,
    pub kamus_code: &'a str,
    pub volume: &'a str,
    pub lingkungan: &'a str,
    pub address: &'a str,
    pub latitude: &'a str,
    pub longitude: &'a str,
    pub track: &'a str,
    pub priority: &'a str,
}

/// The work checked: its figures from the kamus.
pub struct Work {
    pub title: String,
    pub problem: String,
    pub bidang: crate::kamus::Bidang,
    pub fisik: bool,
    pub track: Track,
    pub figures: Figures,
    pub priority: Option<String>,
}

/// Checks the work a proposal or pokir asks for, its lingkungan inside `within`, pushing every
/// broken field; `None` when a field is broken, else the work or the cost's own error (a volume
/// whose cost passes the bound).
pub fn check_work(
    errors: &mut Errors,
    facts: &Facts,
    input: &WorkInput<'_>,
    within: &RegionCode,
) -> Option<Result<Work, MoneyError>> {
    let title = check_public_text(errors, "title", input.title, TITLE_MAX);
    let problem = check_public_text(errors, "problem", input.problem, TEXT_MAX);
    let address = check_public_text(errors, "address", input.address, ADDRESS_MAX);
    let lingkungan = check_lingkungan(errors, facts, "lingkungan", input.lingkungan, within);
    let volume = check_volume(errors, "volume", input.volume);
    let point = parse_point(errors, input.latitude, input.longitude);
    let track = Track::parse(input.track).unwrap_or_else(|| {
        errors.push("track", Rule::Format { expected: "track" });
        Track::Apbd
    });
    let kamus = facts.kamus.get(input.kamus_code.trim());
    if kamus.is_none() {
        errors.push("kamus_code", if input.kamus_code.trim().is_empty() { Rule::Required } else { Rule::UnknownKamus });
    }
    let priority = check_priority_named(errors, facts, "priority", input.priority);
    let (kamus, lingkungan) = (kamus?, lingkungan?);
    if !errors.is_empty() {
        return None;
    }
    Some(Figures::from_kamus(kamus, volume, Location { lingkungan, address, point }).map(|figures| Work {
        title,
        problem,
        bidang: kamus.bidang,
        fisik: kamus.fisik,
        track,
        figures,
        priority,
    }))
}

/// The RPJMD priority a proposal names: none when left empty, else one Bappeda keeps.
pub fn check_priority_named(errors: &mut Errors, facts: &Facts, field: &str, text: &str) -> Option<String> {
    let code = text.trim();
    if code.is_empty() {
        return None;
    }
    if !facts.priorities.contains(code) {
        errors.push(field, Rule::UnknownPriority);
    }
    Some(code.to_string())
}

/// The forum a command about `proposal` at `stage` addresses, checked: the proposal is there,
/// the actor runs that forum, the stage is open and the forum is not closed.
fn open_forum_of<'f>(
    facts: &'f Facts,
    proposal_id: Uuid,
    stage: Stage,
    actor: &Actor,
) -> Result<(&'f CycleFacts, ForumKey), DomainError> {
    let proposal = facts
        .proposal
        .as_ref()
        .filter(|p| p.id == proposal_id)
        .ok_or_else(|| DomainError::NotFound(Entity::Proposal, proposal_id.to_string()))?;
    let cycle = facts.cycle_named(proposal.cycle_id)?;
    let region = proposal.forum_region(stage).ok_or_else(|| DomainError::field("stage", Rule::NotAtStage))?;
    let action =
        forum_action(stage).ok_or_else(|| DomainError::field("stage", Rule::Format { expected: "forum_stage" }))?;
    let resource = Resource::region(region.clone()).ok_or(DomainError::NotFound(Entity::Region, region.to_string()))?;
    authorize(actor, action, &resource)?;
    cycle.check_open(stage, facts.now)?;
    if facts.forum.as_ref().is_some_and(|f| f.closed) {
        return Err(DomainError::ForumClosed);
    }
    Ok((cycle, ForumKey { cycle_id: cycle.id, stage, region }))
}

pub fn decide_proposal(
    facts: &Facts,
    proposal_id: Uuid,
    stage: Stage,
    decision: &DecisionInput,
    actor: &Actor,
) -> Result<Vec<MusrenbangEvent>, DomainError> {
    if stage == Stage::RembukWarga {
        // The long list is the residents' own: the kepala lingkungan records and ranks it.
        return Err(DomainError::field("stage", Rule::Format { expected: "decision_stage" }));
    }
    let (_, forum) = open_forum_of(facts, proposal_id, stage, actor)?;
    let proposal = facts.proposal.as_ref().ok_or(DomainError::NotFound(Entity::Proposal, proposal_id.to_string()))?;
    let current = proposal.record(stage).ok_or_else(|| DomainError::field("stage", Rule::NotAtStage))?;
    // What came from below (or was raised here): a record's figures differ from these only
    // with a decision that gives its reason, so a plain accept or a rejection restores them.
    let received = proposal.received(stage).ok_or_else(|| DomainError::field("stage", Rule::NotAtStage))?;
    let mut record = current.clone();
    record.decided_by = Some(actor.journal_name());
    record.decided_at = Some(crate::journal_time(facts.now));
    let mut errors = Errors::default();
    match decision {
        DecisionInput::Accept => {
            record.status = Status::Accepted;
            record.reason = None;
            record.figures = received.clone();
        }
        DecisionInput::Reject { reason } => {
            record.status = Status::Rejected;
            record.rank = None;
            record.reason = Some(check_text(&mut errors, "reason", reason, TEXT_MAX));
            record.figures = received.clone();
        }
        DecisionInput::AcceptWithChanges { volume, kamus_code, lingkungan, address, opd_code, reason } => {
            record.status = Status::AcceptedWithChanges;
            record.reason = Some(check_text(&mut errors, "reason", reason, TEXT_MAX));
            // Empty fields keep the figures this stage agreed before; the reason covers them all.
            let mut figures = current.figures.clone();
            if !kamus_code.trim().is_empty() && kamus_code.trim() != figures.kamus_code {
                match facts.kamus.get(kamus_code.trim()) {
                    Some(item) => {
                        figures.kamus_code = item.code.clone();
                        figures.unit = item.unit.clone();
                        figures.unit_price = item.unit_price;
                        figures.opd_code = item.opd_code.clone();
                    }
                    None => errors.push("kamus_code", Rule::UnknownKamus),
                }
            }
            if !volume.trim().is_empty() {
                figures.volume = check_volume(&mut errors, "volume", volume);
            }
            if !lingkungan.trim().is_empty()
                && lingkungan.trim() != figures.location.lingkungan.as_str()
                && let Some(code) = check_lingkungan(&mut errors, facts, "lingkungan", lingkungan, &forum.region)
            {
                figures.location.lingkungan = code;
            }
            if !address.trim().is_empty() && address.trim() != figures.location.address {
                figures.location.address = check_public_text(&mut errors, "address", address, ADDRESS_MAX);
            }
            if !opd_code.trim().is_empty() && opd_code.trim() != figures.opd_code {
                if facts.opd_codes.contains(opd_code.trim()) {
                    figures.opd_code = opd_code.trim().to_string();
                } else {
                    errors.push("opd_code", Rule::UnknownOpd);
                }
            }
            // The cost always follows the unit price the stage used and the volume it agreed.
            match cost_of(figures.volume, figures.unit_price) {
                Ok(cost) => figures.cost = cost,
                Err(e) => errors.push("volume", cost_rule(e)),
            }
            if errors.is_empty() && figures == *received {
                errors.push("changes", Rule::Required);
            }
            record.figures = figures;
        }
    }
    errors.into_result()?;
    Ok(vec![MusrenbangEvent::ProposalDecided { proposal_id, record }])
}

fn forum_checked<'f>(
    facts: &'f Facts,
    key: &ForumKey,
    actor: &Actor,
) -> Result<&'f crate::planning::ForumFacts, DomainError> {
    let cycle = facts.cycle_named(key.cycle_id)?;
    let action =
        forum_action(key.stage).ok_or_else(|| DomainError::field("stage", Rule::Format { expected: "forum_stage" }))?;
    let expected_depth = key.stage.forum_depth().unwrap_or(0);
    if key.region.depth() != expected_depth || !key.region.is_within(&cycle.pemda) {
        return Err(DomainError::NotFound(Entity::Forum, key.region.to_string()));
    }
    let resource =
        Resource::region(key.region.clone()).ok_or(DomainError::NotFound(Entity::Region, key.region.to_string()))?;
    authorize(actor, action, &resource)?;
    cycle.check_open(key.stage, facts.now)?;
    let forum = facts
        .forum
        .as_ref()
        .filter(|f| &f.key == key)
        .ok_or_else(|| DomainError::NotFound(Entity::Forum, key.region.to_string()))?;
    if forum.closed {
        return Err(DomainError::ForumClosed);
    }
    Ok(forum)
}

pub fn rank(facts: &Facts, key: &ForumKey, order: &[Uuid], actor: &Actor) -> Result<Vec<MusrenbangEvent>, DomainError> {
    let forum = forum_checked(facts, key, actor)?;
    let accepted: std::collections::HashSet<Uuid> = forum.accepted().iter().map(|e| e.proposal_id).collect();
    let given: std::collections::HashSet<Uuid> = order.iter().copied().collect();
    if given.len() != order.len() {
        return Err(DomainError::field("order", Rule::DuplicateInUpload));
    }
    if given != accepted {
        return Err(DomainError::field("order", Rule::RankingIncomplete));
    }
    Ok(vec![MusrenbangEvent::ForumRanked { forum: key.clone(), order: order.to_vec() }])
}

pub fn record_meeting(
    facts: &Facts,
    key: &ForumKey,
    input: &MeetingInput,
    actor: &Actor,
) -> Result<Vec<MusrenbangEvent>, DomainError> {
    forum_checked(facts, key, actor)?;
    Ok(vec![MusrenbangEvent::MeetingRecorded { forum: key.clone(), meeting: check_meeting(input)? }])
}

/// The minutes of any forum as typed, checked: date, place, chair, at least one attendee.
pub fn check_meeting(input: &MeetingInput) -> Result<Meeting, DomainError> {
    let mut errors = Errors::default();
    let date = input.date.trim().to_string();
    let valid_date = time::Date::parse(&date, DATE_FORMAT).is_ok();
    if date.is_empty() {
        errors.push("date", Rule::Required);
    } else if !valid_date {
        errors.push("date", Rule::Format { expected: "date" });
    }
    let place = check_text(&mut errors, "place", &input.place, ADDRESS_MAX);
    let chair = check_text(&mut errors, "chair", &input.chair, NAME_MAX);
    let attendees: Vec<(String, String)> =
        input.attendees.iter().filter(|(n, r)| !n.trim().is_empty() || !r.trim().is_empty()).cloned().collect();
    if attendees.is_empty() {
        errors.push("attendees", Rule::Required);
    } else if attendees.len() > ATTENDEES_MAX {
        errors.push("attendees", Rule::TooLong { max: ATTENDEES_MAX });
    }
    let attendees: Vec<Attendee> = attendees
        .iter()
        .enumerate()
        .map(|(i, (name, role))| Attendee {
            name: check_text(&mut errors, &format!("attendees[{i}].name"), name, NAME_MAX),
            role: check_text(&mut errors, &format!("attendees[{i}].role"), role, NAME_MAX),
        })
        .collect();
    let delegates: Vec<String> = input
        .delegates
        .iter()
        .filter(|d| !d.trim().is_empty())
        .enumerate()
        .map(|(i, d)| check_text(&mut errors, &format!("delegates[{i}]"), d, NAME_MAX))
        .collect();
    errors.into_result()?;
    Ok(Meeting { date, place, chair, attendees, delegates })
}

/// How dates are typed and kept: `YYYY-MM-DD`.
pub const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A typed date of something that already happened: well formed, not after `now`'s day.
pub fn check_date(errors: &mut Errors, field: &str, text: &str, now: OffsetDateTime) -> String {
    match time::Date::parse(text.trim(), DATE_FORMAT) {
        Ok(date) if date <= now.date() => {}
        Ok(_) => errors.push(field, Rule::InTheFuture),
        Err(_) if text.trim().is_empty() => errors.push(field, Rule::Required),
        Err(_) => errors.push(field, Rule::Format { expected: "date" }),
    }
    text.trim().to_string()
}

/// Closing: every proposal decided, the accepted list ranked, under the forward cap and (for a
/// kecamatan) the ceiling, the minutes recorded, and a place above that can still act on what
/// goes up. What was accepted goes up, in rank order, with this stage's figures as the next
/// stage's starting figures.
///
/// A rembuk warga decides nothing one by one (the long list is the residents' own), so its
/// ranking decides what goes up: over the cap, the first `cap` are forwarded and the rest are
/// recorded as not forwarded, the cap being their reason. The other forums decide each proposal
/// with a reason, and must bring their list under the cap themselves.
pub fn close(facts: &Facts, key: &ForumKey, actor: &Actor) -> Result<Vec<MusrenbangEvent>, DomainError> {
    let forum = forum_checked(facts, key, actor)?;
    let cycle = facts.cycle_named(key.cycle_id)?;
    let undecided = forum.entries.iter().filter(|e| e.status == Status::Pending).count();
    if undecided > 0 {
        return Err(DomainError::CannotClose(CloseProblem::Undecided { count: undecided }));
    }
    let mut accepted = forum.accepted();
    if accepted.is_empty() && forum.entries.is_empty() && key.stage == Stage::RembukWarga {
        return Err(DomainError::CannotClose(CloseProblem::Empty));
    }
    if accepted.iter().any(|e| e.rank.is_none()) {
        return Err(DomainError::CannotClose(CloseProblem::Unranked));
    }
    let mut not_forwarded = Vec::new();
    if let Some(cap) = cycle.caps.for_stage(key.stage)
        && accepted.len() > cap as usize
    {
        if key.stage != Stage::RembukWarga {
            return Err(DomainError::CannotClose(CloseProblem::OverCap { accepted: accepted.len(), cap }));
        }
        not_forwarded = accepted.split_off(cap as usize).iter().map(|e| e.proposal_id).collect();
    }
    if key.stage == Stage::MusrenbangKecamatan {
        let total = crate::money::sum(accepted.iter().map(|e| e.figures.cost))
            .map_err(|_| DomainError::CannotClose(CloseProblem::TotalTooLarge))?;
        match forum.ceiling {
            None => return Err(DomainError::CannotClose(CloseProblem::NoCeiling)),
            Some(ceiling) if total > ceiling => {
                return Err(DomainError::CannotClose(CloseProblem::OverCeiling { total, ceiling }));
            }
            Some(_) => {}
        }
    }
    if forum.meeting.is_none() {
        return Err(DomainError::CannotClose(CloseProblem::NoMinutes));
    }
    let forwarded: Vec<Uuid> = accepted.iter().map(|e| e.proposal_id).collect();
    let next = key.stage.next_forum();
    // What goes up must reach a forum that can still decide it; otherwise it would wait there,
    // pending, for ever. The lower forum stays open until Bappeda sorts the schedule out.
    if let Some(next) = next
        && !forwarded.is_empty()
    {
        let window_over = cycle.windows.get(&next).is_some_and(|w| facts.now >= w.closes);
        if window_over || forum.upper_closed {
            return Err(DomainError::CannotClose(CloseProblem::UpperClosed { stage: next }));
        }
    }
    let figures = accepted.iter().map(|e| e.figures.clone()).collect();
    let mut events =
        vec![MusrenbangEvent::ForumClosed { forum: key.clone(), forwarded: forwarded.clone(), not_forwarded }];
    if let Some(next) = next {
        let cycle_id = key.cycle_id;
        events.push(MusrenbangEvent::ProposalsForwarded {
            from: key.stage,
            to: next,
            proposals: forwarded,
            cycle_id,
            figures,
        });
    }
    Ok(events)
}

/// The rule an amount broke when a volume times a unit price could not be a cost.
pub fn cost_rule(error: MoneyError) -> Rule {
    match error {
        MoneyError::TooLarge => Rule::CostAboveMax { max: AMOUNT_MAX },
        MoneyError::Negative => Rule::TooSmall,
    }
}

pub fn support(facts: &Facts, proposal_id: Uuid, actor: &Actor) -> Result<Vec<MusrenbangEvent>, DomainError> {
    let proposal = facts
        .proposal
        .as_ref()
        .filter(|p| p.id == proposal_id)
        .ok_or_else(|| DomainError::NotFound(Entity::Proposal, proposal_id.to_string()))?;
    let cycle = facts.cycle_named(proposal.cycle_id)?;
    let Actor::User(user) = actor else {
        return Err(DomainError::Denied(crate::access::AccessDenied::NotAuthenticated));
    };
    authorize(actor, Action::SupportProposal, &Resource::pemda(cycle.pemda.clone()))?;
    cycle.check_open(Stage::RembukWarga, facts.now)?;
    if facts.already_supported {
        return Err(DomainError::field("proposal", Rule::AlreadySupported));
    }
    Ok(vec![MusrenbangEvent::ProposalSupported { proposal_id, user_id: user.id }])
}

/// A photo joins a proposal while the forum where it was raised is open, by whoever may raise
/// proposals there (or the resident who raised it).
pub fn attach_photo(
    facts: &Facts,
    proposal_id: Uuid,
    photo: &crate::planning::PhotoRef,
    actor: &Actor,
) -> Result<Vec<MusrenbangEvent>, DomainError> {
    let proposal = facts
        .proposal
        .as_ref()
        .filter(|p| p.id == proposal_id)
        .ok_or_else(|| DomainError::NotFound(Entity::Proposal, proposal_id.to_string()))?;
    let cycle = facts.cycle_named(proposal.cycle_id)?;
    let stage = proposal.origin.entry_stage();
    if proposal.origin == Origin::Pokir {
        // A pokir's photos are its member's: added by them or their assistants while pokir are
        // taken.
        let member = facts.member.as_ref().ok_or(DomainError::NotFound(Entity::Member, proposal_id.to_string()))?;
        if !crate::dprd::may_act_for(actor, member) {
            let denied = match actor {
                Actor::Public => crate::access::AccessDenied::NotAuthenticated,
                _ => crate::access::AccessDenied::Forbidden,
            };
            return Err(DomainError::Denied(denied));
        }
        cycle.check_open(stage, facts.now)?;
    } else {
        let region = proposal.forum_region(stage).ok_or_else(|| DomainError::field("stage", Rule::NotAtStage))?;
        may_add_photo(actor, stage, &region)?;
        cycle.check_open(stage, facts.now)?;
        if facts.forum.as_ref().is_some_and(|f| f.closed) {
            return Err(DomainError::ForumClosed);
        }
    }
    check_photo(photo, facts.photo_count)?;
    Ok(vec![MusrenbangEvent::PhotoAttached { proposal_id, photo: photo.clone() }])
}

/// A photo stored for a record that already holds `count`: a JPEG or PNG within the size, its
/// hash well formed, and room for one more.
pub fn check_photo(photo: &crate::planning::PhotoRef, count: usize) -> Result<(), DomainError> {
    let mut errors = Errors::default();
    if crate::planning::photo_kind_of(&photo.content_type).is_none() {
        errors.push("photo", Rule::PhotoType);
    }
    if photo.size > crate::planning::PHOTO_MAX_BYTES {
        errors.push("photo", Rule::PhotoTooLarge { max_mb: crate::planning::PHOTO_MAX_BYTES / (1024 * 1024) });
    }
    if count >= crate::planning::PHOTOS_PER_PROPOSAL {
        errors.push("photo", Rule::TooManyPhotos { max: crate::planning::PHOTOS_PER_PROPOSAL });
    }
    let valid_hash = photo.sha256.len() == 64 && photo.sha256.bytes().all(|b| b.is_ascii_hexdigit());
    if !valid_hash {
        errors.push("photo", Rule::Format { expected: "sha256" });
    }
    errors.into_result()
}

/// The window a stage needs, for checks made outside a command (pages showing buttons).
pub fn stage_open(cycle: &CycleFacts, stage: Stage, now: OffsetDateTime) -> bool {
    cycle.windows.get(&stage).is_some_and(|w| w.contains(now))
}

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MusrenbangCommand {
    SubmitProposal(ProposalInput),
    DecideProposal {
        proposal_id: Uuid,
        stage: Stage,
        decision: DecisionInput,
    },
    RankForum {
        forum: ForumKey,
        order: Vec<Uuid>,
    },
    RecordMeeting {
        forum: ForumKey,
        meeting: MeetingInput,
    },
    CloseForum {
        forum: ForumKey,
    },
    SupportProposal {
        proposal_id: Uuid,
    },
    /// A photo already stored under its hash, to be recorded with the proposal.
    AttachPhoto {
        proposal_id: Uuid,
        photo: crate::planning::PhotoRef,
    },
}

impl MusrenbangCommand {
    /// What the rules need read to decide it.
    pub fn needs(&self) -> Needs {
        let forum = |key: &ForumKey, entries: bool| Some(ForumNeed::Named { key: key.clone(), entries });
        match self {
            MusrenbangCommand::SubmitProposal(p) => {
                let lingkungan = RegionCode::parse(&p.lingkungan).ok();
                let key = lingkungan.as_ref().and_then(|l| {
                    Some(ForumKey { cycle_id: p.cycle_id, stage: p.stage, region: forum_region_of(l, p.stage)? })
                });
                Needs {
                    cycle: Some(p.cycle_id),
                    regions: lingkungan.into_iter().collect(),
                    kamus: code_to_look_up(&p.kamus_code).into_iter().collect(),
                    priorities: code_to_look_up(&p.priority).into_iter().collect(),
                    forum: key.and_then(|key| forum(&key, false)),
                    ..Needs::default()
                }
            }
            MusrenbangCommand::DecideProposal { proposal_id, stage, decision } => {
                let mut needs = Needs {
                    proposal: Some(*proposal_id),
                    forum: Some(ForumNeed::OfProposalAt(*stage)),
                    submitted_figures_at: Some(*stage),
                    ..Needs::default()
                };
                if let DecisionInput::AcceptWithChanges { kamus_code, lingkungan, opd_code, .. } = decision {
                    needs.kamus.extend(code_to_look_up(kamus_code));
                    needs.regions.extend(RegionCode::parse(lingkungan).ok());
                    needs.opd.extend(code_to_look_up(opd_code));
                }
                needs
            }
            MusrenbangCommand::RankForum { forum: key, .. }
            | MusrenbangCommand::RecordMeeting { forum: key, .. }
            | MusrenbangCommand::CloseForum { forum: key } => {
                Needs { cycle: Some(key.cycle_id), forum: forum(key, true), ..Needs::default() }
            }
            MusrenbangCommand::SupportProposal { proposal_id } => {
                Needs { proposal: Some(*proposal_id), support_of_actor: true, ..Needs::default() }
            }
            MusrenbangCommand::AttachPhoto { proposal_id, .. } => Needs {
                proposal: Some(*proposal_id),
                forum: Some(ForumNeed::OfProposalEntry),
                photo_count: true,
                member_of_subject: true,
                ..Needs::default()
            },
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            MusrenbangCommand::SubmitProposal(_) => "submit_proposal",
            MusrenbangCommand::DecideProposal { .. } => "decide_proposal",
            MusrenbangCommand::RankForum { .. } => "rank_forum",
            MusrenbangCommand::RecordMeeting { .. } => "record_meeting",
            MusrenbangCommand::CloseForum { .. } => "close_forum",
            MusrenbangCommand::SupportProposal { .. } => "support_proposal",
            MusrenbangCommand::AttachPhoto { .. } => "attach_photo",
        }
    }
}

/// Decides a musrenbang command.
pub fn decide(facts: &Facts, command: &MusrenbangCommand, actor: &Actor) -> Result<Vec<MusrenbangEvent>, DomainError> {
    match command {
        MusrenbangCommand::SubmitProposal(input) => submit(facts, input, actor),
        MusrenbangCommand::DecideProposal { proposal_id, stage, decision } => {
            decide_proposal(facts, *proposal_id, *stage, decision, actor)
        }
        MusrenbangCommand::RankForum { forum, order } => rank(facts, forum, order, actor),
        MusrenbangCommand::RecordMeeting { forum, meeting } => record_meeting(facts, forum, meeting, actor),
        MusrenbangCommand::CloseForum { forum } => close(facts, forum, actor),
        MusrenbangCommand::SupportProposal { proposal_id } => support(facts, *proposal_id, actor),
        MusrenbangCommand::AttachPhoto { proposal_id, photo } => attach_photo(facts, *proposal_id, photo, actor),
    }
}

/// What this part records in the journal (tagged by `type`, as every event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MusrenbangEvent {
    ProposalSubmitted {
        proposal_id: Uuid,
        cycle_id: Uuid,
        origin: Origin,
        title: String,
        problem: String,
        bidang: Bidang,
        fisik: bool,
        track: Track,
        /// The stage it entered at, its status there, and its figures.
        stage: Stage,
        status: Status,
        figures: Figures,
        /// The RPJMD priority it serves, if named (entries before priorities have none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
    },
    /// A forum's decision: that stage's whole record after it.
    ProposalDecided {
        proposal_id: Uuid,
        record: StageRecord,
    },
    ForumRanked {
        forum: ForumKey,
        order: Vec<Uuid>,
    },
    MeetingRecorded {
        forum: ForumKey,
        meeting: Meeting,
    },
    ForumClosed {
        forum: ForumKey,
        forwarded: Vec<Uuid>,
        /// Accepted at a rembuk warga but ranked below its cap: recorded as not forwarded.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        not_forwarded: Vec<Uuid>,
    },
    /// The accepted proposals enter the next stage, pending, with `from`'s figures: `figures[i]`
    /// are those of `proposals[i]`, so the entry holds all it changes. (Entries written before
    /// the figures were carried have none, and a cycle id of zeros.)
    ProposalsForwarded {
        from: Stage,
        to: Stage,
        proposals: Vec<Uuid>,
        #[serde(default)]
        cycle_id: Uuid,
        #[serde(default)]
        figures: Vec<Figures>,
    },
    ProposalSupported {
        proposal_id: Uuid,
        user_id: Uuid,
    },
    PhotoAttached {
        proposal_id: Uuid,
        photo: crate::planning::PhotoRef,
    },
}

impl MusrenbangEvent {
    /// The proposals this event is about, for their timelines.
    pub fn proposals(&self) -> Vec<Uuid> {
        match self {
            MusrenbangEvent::ProposalSubmitted { proposal_id, .. }
            | MusrenbangEvent::ProposalDecided { proposal_id, .. }
            | MusrenbangEvent::ProposalSupported { proposal_id, .. }
            | MusrenbangEvent::PhotoAttached { proposal_id, .. } => vec![*proposal_id],
            MusrenbangEvent::ForumRanked { order, .. } => order.clone(),
            MusrenbangEvent::ForumClosed { forwarded, not_forwarded, .. } => {
                forwarded.iter().chain(not_forwarded).copied().collect()
            }
            MusrenbangEvent::ProposalsForwarded { proposals, .. } => proposals.clone(),
            MusrenbangEvent::MeetingRecorded { .. } => Vec::new(),
        }
    }

    /// The kind as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            MusrenbangEvent::ProposalSubmitted { .. } => "proposal_submitted",
            MusrenbangEvent::ProposalDecided { .. } => "proposal_decided",
            MusrenbangEvent::ForumRanked { .. } => "forum_ranked",
            MusrenbangEvent::MeetingRecorded { .. } => "meeting_recorded",
            MusrenbangEvent::ForumClosed { .. } => "forum_closed",
            MusrenbangEvent::ProposalsForwarded { .. } => "proposals_forwarded",
            MusrenbangEvent::ProposalSupported { .. } => "proposal_supported",
            MusrenbangEvent::PhotoAttached { .. } => "photo_attached",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::macros::datetime;

    use super::*;
    use crate::cycle::{ForwardCaps, Window};
    use crate::kamus::KamusItem;
    use crate::money::{PRICE_MAX, VOLUME_MAX_UNITS};
    use crate::planning::{ForumEntry, ForumFacts, ProposalFacts, StageRecord};
    use crate::region::Region;

    const NOW: OffsetDateTime = datetime!(2027-02-10 0:00 UTC);
    const LINGKUNGAN: &str = "12.71.01.1001.001";

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn system() -> Actor {
        Actor::System { label: "test".into() }
    }

    fn cycle(caps: ForwardCaps) -> CycleFacts {
        let open = Window { opens: datetime!(2027-02-01 0:00 UTC), closes: datetime!(2027-03-01 0:00 UTC) };
        CycleFacts {
            id: Uuid::from_u128(1),
            pemda: code("12.71"),
            tahun_anggaran: 2027,
            windows: Stage::FORUMS.iter().map(|s| (*s, open)).collect::<BTreeMap<_, _>>(),
            caps,
            online_proposals: false,
            adopted: false,
        }
    }

    fn kamus(price: i64) -> KamusItem {
        KamusItem {
            code: "JLN".into(),
            name: "Jalan".into(),
            unit: "meter".into(),
            unit_price: price,
            opd_code: "1.03".into(),
            bidang: Bidang::InfrastrukturKewilayahan,
            fisik: true,
            sub_kegiatan: None,
        }
    }

    fn facts(caps: ForwardCaps) -> Facts {
        let lingkungan = Region { code: code(LINGKUNGAN), name: "L I".into(), level: RegionLevel::Lingkungan };
        Facts {
            now: NOW,
            cycle: Some(cycle(caps)),
            kamus: [("JLN".to_string(), kamus(100_000))].into(),
            opd_codes: ["1.03".to_string()].into(),
            regions: [(lingkungan.code.clone(), lingkungan)].into(),
            ..Facts::default()
        }
    }

    fn key(stage: Stage, region: &str) -> ForumKey {
        ForumKey { cycle_id: Uuid::from_u128(1), stage, region: code(region) }
    }

    fn forum(key: ForumKey, entries: Vec<ForumEntry>) -> ForumFacts {
        let meeting = Meeting {
            date: "2027-02-09".into(),
            place: "Balai".into(),
            chair: "Ketua".into(),
            attendees: vec![Attendee { name: "Ani".into(), role: "warga".into() }],
            delegates: Vec::new(),
        };
        ForumFacts { key, closed: false, meeting: Some(meeting), entries, ceiling: None, upper_closed: false }
    }

    fn accepted(n: u128, rank: u32) -> ForumEntry {
        let figures = Figures { cost: 100, ..record(Stage::RembukWarga, Status::Accepted, 1, None).figures };
        ForumEntry { proposal_id: Uuid::from_u128(n), status: Status::Accepted, rank: Some(rank), figures }
    }

    #[test]
    fn a_rembuk_warga_over_its_cap_forwards_its_ranking_and_records_the_rest() {
        let caps = ForwardCaps { rembuk_warga: Some(3), ..ForwardCaps::default() };
        let key = key(Stage::RembukWarga, LINGKUNGAN);
        let entries = vec![accepted(10, 4), accepted(11, 1), accepted(12, 3), accepted(13, 2)];
        let facts = Facts { forum: Some(forum(key.clone(), entries)), ..facts(caps) };
        let events = close(&facts, &key, &system()).unwrap();
        let ids = |ns: &[u128]| ns.iter().map(|n| Uuid::from_u128(*n)).collect::<Vec<_>>();
        assert_eq!(
            events[0],
            MusrenbangEvent::ForumClosed {
                forum: key.clone(),
                forwarded: ids(&[11, 13, 12]),
                not_forwarded: ids(&[10])
            }
        );
        assert!(
            matches!(&events[1], MusrenbangEvent::ProposalsForwarded { proposals, .. } if *proposals == ids(&[11, 13, 12]))
        );
    }

    #[test]
    fn a_kelurahan_over_its_cap_decides_down_itself() {
        let caps = ForwardCaps { musrenbang_kelurahan: Some(1), ..ForwardCaps::default() };
        let key = key(Stage::MusrenbangKelurahan, "12.71.01.1001");
        let facts = Facts { forum: Some(forum(key.clone(), vec![accepted(1, 1), accepted(2, 2)])), ..facts(caps) };
        assert_eq!(
            close(&facts, &key, &system()),
            Err(DomainError::CannotClose(CloseProblem::OverCap { accepted: 2, cap: 1 }))
        );
    }

    #[test]
    fn nothing_is_forwarded_into_a_closed_forum_or_an_ended_stage() {
        let key = key(Stage::MusrenbangKelurahan, "12.71.01.1001");
        let upper_closed = ForumFacts { upper_closed: true, ..forum(key.clone(), vec![accepted(1, 1)]) };
        let facts_closed = Facts { forum: Some(upper_closed), ..facts(ForwardCaps::default()) };
        let refused = Err(DomainError::CannotClose(CloseProblem::UpperClosed { stage: Stage::MusrenbangKecamatan }));
        assert_eq!(close(&facts_closed, &key, &system()), refused);

        // Bappeda kept the kelurahan open after the kecamatan's window ended.
        let mut ended = facts(ForwardCaps::default());
        if let Some(cycle) = ended.cycle.as_mut() {
            cycle.windows.insert(
                Stage::MusrenbangKecamatan,
                Window { opens: datetime!(2027-01-01 0:00 UTC), closes: datetime!(2027-02-05 0:00 UTC) },
            );
        }
        ended.forum = Some(forum(key.clone(), vec![accepted(1, 1)]));
        assert_eq!(close(&ended, &key, &system()), refused);

        // With nothing to forward, the forum closes.
        ended.forum =
            Some(forum(key.clone(), vec![ForumEntry { status: Status::Rejected, rank: None, ..accepted(1, 1) }]));
        assert!(close(&ended, &key, &system()).is_ok());
    }

    fn record(stage: Stage, status: Status, volume: i64, reason: Option<&str>) -> StageRecord {
        let location = Location { lingkungan: code(LINGKUNGAN), address: "Jl. A".into(), point: None };
        let figures = Figures::from_kamus(&kamus(100_000), volume, location).unwrap();
        StageRecord { reason: reason.map(str::to_string), ..StageRecord::entering(stage, status, figures) }
    }

    fn decided(facts: &Facts, decision: DecisionInput) -> Result<StageRecord, DomainError> {
        let events = decide_proposal(facts, Uuid::from_u128(7), Stage::MusrenbangKelurahan, &decision, &system())?;
        match events.into_iter().next() {
            Some(MusrenbangEvent::ProposalDecided { record, .. }) => Ok(record),
            other => panic!("{other:?}"),
        }
    }

    fn changes(volume: &str, reason: &str) -> DecisionInput {
        DecisionInput::AcceptWithChanges {
            volume: volume.into(),
            kamus_code: String::new(),
            lingkungan: String::new(),
            address: String::new(),
            opd_code: String::new(),
            reason: reason.into(),
        }
    }

    #[test]
    fn a_plain_decision_restores_the_figures_the_stage_received() {
        // Forwarded from rembuk warga at 10 m; the kelurahan changed it to 4 m with a reason.
        let proposal = ProposalFacts {
            id: Uuid::from_u128(7),
            cycle_id: Uuid::from_u128(1),
            origin: Origin::Lingkungan,
            records: vec![
                record(Stage::RembukWarga, Status::Accepted, 10_000, None),
                record(Stage::MusrenbangKelurahan, Status::AcceptedWithChanges, 4_000, Some("Anggaran")),
            ],
            submitted: None,
        };
        let facts = Facts { proposal: Some(proposal), ..facts(ForwardCaps::default()) };
        let accepted = decided(&facts, DecisionInput::Accept).unwrap();
        assert_eq!((accepted.figures.volume, accepted.figures.cost, accepted.reason), (10_000, 1_000_000, None));
        let rejected = decided(&facts, DecisionInput::Reject { reason: "Tidak perlu".into() }).unwrap();
        assert_eq!(rejected.figures.volume, 10_000);
        // Keeping the changes is a decision with changes, and takes a reason again.
        let kept = decided(&facts, changes("", "Anggaran terbatas")).unwrap();
        assert_eq!((kept.status, kept.figures.volume), (Status::AcceptedWithChanges, 4_000));
        // Changing back to what was received is no change at all.
        let back = decided(&facts, changes("10", "Kembali"));
        assert!(matches!(back, Err(DomainError::Invalid(e)) if e[0].field == "changes"));
        // A reason of invisible characters is no reason.
        let blank = decided(&facts, DecisionInput::Reject { reason: "\u{200B}\u{FEFF}".into() });
        assert!(matches!(blank, Err(DomainError::Invalid(e)) if e[0].rule == Rule::Required));
    }

    #[test]
    fn a_proposal_names_a_priority_the_pemda_keeps_or_none() {
        let mut facts = facts(ForwardCaps::default());
        facts.priorities.insert("P1".into());
        let input = |priority: &str| ProposalInput {
            proposal_id: Uuid::from_u128(9),
            cycle_id: Uuid::from_u128(1),
            stage: Stage::MusrenbangKelurahan,
            title: "Jalan".into(),
            problem: "Rusak".into(),
            kamus_code: "JLN".into(),
            volume: "10".into(),
            lingkungan: LINGKUNGAN.into(),
            address: "Jl. A".into(),
            latitude: String::new(),
            longitude: String::new(),
            track: "apbd".into(),
            priority: priority.into(),
        };
        let submitted = |priority: &str| match submit(&facts, &input(priority), &system()) {
            Ok(events) => match events.as_slice() {
                [MusrenbangEvent::ProposalSubmitted { priority, .. }] => Ok(priority.clone()),
                other => panic!("{other:?}"),
            },
            Err(DomainError::Invalid(e)) => Err((e[0].field.clone(), e[0].rule.clone())),
            Err(other) => panic!("{other:?}"),
        };
        assert_eq!(submitted(" P1 "), Ok(Some("P1".to_string())));
        assert_eq!(submitted(""), Ok(None));
        assert_eq!(submitted("P9"), Err(("priority".to_string(), Rule::UnknownPriority)));
        let needs = MusrenbangCommand::SubmitProposal(input(" P1 ")).needs();
        assert_eq!(needs.priorities, ["P1"]);
        assert!(MusrenbangCommand::SubmitProposal(input("P\u{0}")).needs().priorities.is_empty());
    }

    #[test]
    fn money_past_its_bounds_is_refused_with_the_field_named() {
        let mut facts = facts(ForwardCaps::default());
        let input = |volume: &str| ProposalInput {
            proposal_id: Uuid::from_u128(9),
            cycle_id: Uuid::from_u128(1),
            stage: Stage::MusrenbangKelurahan,
            title: "Jalan".into(),
            problem: "Rusak".into(),
            kamus_code: "JLN".into(),
            volume: volume.into(),
            lingkungan: LINGKUNGAN.into(),
            address: "Jl. A".into(),
            latitude: String::new(),
            longitude: String::new(),
            track: "apbd".into(),
            priority: String::new(),
        };
        let rule_of = |facts: &Facts, volume: &str| match submit(facts, &input(volume), &system()) {
            Err(DomainError::Invalid(e)) => Some((e[0].field.clone(), e[0].rule.clone())),
            Ok(_) => None,
            Err(other) => panic!("{other:?}"),
        };
        assert_eq!(rule_of(&facts, "1000000"), None);
        for huge in ["1000001", &i64::MAX.to_string(), &u64::MAX.to_string(), "1000000,5"] {
            assert_eq!(
                rule_of(&facts, huge),
                Some(("volume".into(), Rule::AboveMax { max: VOLUME_MAX_UNITS })),
                "{huge}"
            );
        }
        assert_eq!(rule_of(&facts, "1,"), Some(("volume".into(), Rule::Format { expected: "volume" })));
        facts.kamus.insert("JLN".into(), kamus(PRICE_MAX));
        assert_eq!(rule_of(&facts, "1000"), Some(("volume".into(), Rule::CostAboveMax { max: AMOUNT_MAX })));
        assert_eq!(rule_of(&facts, "100"), None, "Rp100 triliun exactly");

        let ceiling = |amount: &str| {
            let command = crate::schedule::ScheduleCommand::SetCeiling {
                cycle_id: Uuid::from_u128(1),
                kecamatan: "12.71.01".into(),
                amount: amount.into(),
            };
            crate::schedule::decide(&facts, &command, &system())
        };
        for huge in ["100.000.000.000.001", &i64::MAX.to_string(), "99999999999999999999999"] {
            assert!(matches!(ceiling(huge), Err(DomainError::Invalid(e)) if e[0].field == "amount"), "{huge}");
        }
    }

    #[test]
    fn text_with_control_characters_is_refused() {
        let facts = facts(ForwardCaps::default());
        let input = ProposalInput {
            proposal_id: Uuid::from_u128(9),
            cycle_id: Uuid::from_u128(1),
            stage: Stage::MusrenbangKelurahan,
            title: "Jalan\u{0}".into(),
            problem: "Rusak\nparah".into(),
            kamus_code: "JLN\u{0}".into(),
            volume: "1".into(),
            lingkungan: LINGKUNGAN.into(),
            address: "Jl.\u{1b} A".into(),
            latitude: String::new(),
            longitude: String::new(),
            track: "apbd".into(),
            priority: String::new(),
        };
        let Err(DomainError::Invalid(errors)) = submit(&facts, &input, &system()) else { panic!() };
        let named: Vec<(&str, &Rule)> = errors.iter().map(|e| (e.field.as_str(), &e.rule)).collect();
        assert!(named.contains(&("title", &Rule::ControlCharacter)), "{named:?}");
        assert!(named.contains(&("address", &Rule::ControlCharacter)), "{named:?}");
        assert!(named.contains(&("kamus_code", &Rule::UnknownKamus)), "{named:?}");
        assert!(!named.iter().any(|(f, _)| *f == "problem"), "line breaks are text");
        let command = MusrenbangCommand::SubmitProposal(input);
        assert!(command.needs().kamus.is_empty(), "a code with a NUL is never looked up");
    }
}
