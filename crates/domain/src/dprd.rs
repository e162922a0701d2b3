//! The DPRD as a part of the cycle: its electoral districts (dapil, each a set of kecamatan) and
//! its members (each an account with the `anggota_dprd` role, with a fraksi, a komisi, a dapil
//! and the secretariat staff who may enter on their behalf). Bappeda or the DPRD secretariat keep
//! them; the members' reses and pokir build on them.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Action, Actor, Resource, Role, authorize};
use crate::cycle::Stage;
use crate::error::{DomainError, Entity, Errors, NAME_MAX, Rule, check_text};
use crate::facts::{Facts, Needs};
use crate::kamus::Bidang;
use crate::kamus::check_code;
use crate::musrenbang::{Work, WorkInput, check_work, finish_work};
use crate::planning::{Figures, Track};
use crate::region::{RegionCode, RegionLevel};

/// An electoral district: the kecamatan whose residents elect its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dapil {
    pub code: String,
    pub name: String,
    pub kecamatan: Vec<RegionCode>,
}

impl Dapil {
    /// Whether `region` (a kecamatan or anything inside one) lies in the dapil.
    pub fn holds(&self, region: &RegionCode) -> bool {
        self.kecamatan.iter().any(|k| region.is_within(k))
    }
}

/// A member of the DPRD as kept by the secretariat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub fraksi: String,
    pub komisi: String,
    pub dapil: String,
    /// The secretariat accounts that may enter reses and pokir for the member.
    pub assistants: Vec<Uuid>,
}

/// A reses: a member's recess meeting in their dapil, and the aspirations heard there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reses {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub member: Uuid,
    /// The day it was held (`YYYY-MM-DD`).
    pub date: String,
    pub place: String,
    pub kelurahan: RegionCode,
    pub attendees: u32,
    pub minutes: String,
    /// What residents asked for, numbered from 1 in this order; a pokir cites one by number.
    pub aspirations: Vec<String>,
}

/// A reses as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResesInput {
    pub reses_id: Uuid,
    pub cycle_id: Uuid,
    pub member: Uuid,
    pub date: String,
    pub place: String,
    pub kelurahan: String,
    pub attendees: String,
    pub minutes: String,
    /// One aspiration per line.
    pub aspirations: String,
}

/// A pokir as typed: the work, as a proposal's, and the reses aspiration it answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PokirInput {
    pub proposal_id: Uuid,
    pub cycle_id: Uuid,
    pub member: Uuid,
    pub reses_id: Uuid,
    /// The aspiration's number in its reses (from 1).
    pub aspiration: String,
    pub title: String,
    pub problem: String,
    pub kamus_code: String,
    pub volume: String,
    pub lingkungan: String,
    pub address: String,
    pub latitude: String,
    pub longitude: String,
    pub track: String,
    pub priority: String,
}

/// The most aspirations one reses records.
pub const ASPIRATIONS_MAX: usize = 100;
/// The longest aspiration.
pub const ASPIRATION_MAX: usize = 500;
/// The longest minutes of a reses.
pub const MINUTES_MAX: usize = 10_000;
/// The most attendees a reses may count.
pub const ATTENDEES_MAX: u32 = 100_000;

/// The longest fraksi or komisi name.
pub const GROUP_MAX: usize = 120;
/// The most assistants one member may have.
pub const ASSISTANTS_MAX: usize = 10;

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DprdCommand {
    /// A dapil, added or replaced by its code; every kecamatan belongs to one dapil at most.
    SaveDapil { pemda: RegionCode, code: String, name: String, kecamatan: Vec<String> },
    /// A member, added or replaced: the account (by username) and its fraksi, komisi, dapil and
    /// assistants (usernames of `sekretariat_dprd` accounts).
    SaveMember {
        pemda: RegionCode,
        username: String,
        fraksi: String,
        komisi: String,
        dapil: String,
        assistants: Vec<String>,
    },
    /// A member's reses, entered by the member or one of their assistants.
    RecordReses(ResesInput),
    /// A member's pokir, entered by the member or one of their assistants while the `pokir`
    /// stage is open, located in their dapil, citing an aspiration of one of their reses.
    SubmitPokir(PokirInput),
    /// A photo of a reses, already stored under its hash, added by the member or an assistant
    /// while reses are recorded.
    AttachResesPhoto { reses_id: Uuid, photo: crate::planning::PhotoRef },
}

impl DprdCommand {
    /// What the rules need read: the pemda's dapil (a handful), and the regions or accounts named.
    pub fn needs(&self) -> Needs {
        match self {
            DprdCommand::SaveDapil { pemda, kecamatan, .. } => Needs {
                pemda: Some(pemda.clone()),
                regions: kecamatan.iter().filter_map(|k| RegionCode::parse(k).ok()).collect(),
                dapil: true,
                ..Needs::default()
            },
            DprdCommand::SaveMember { pemda, username, assistants, .. } => Needs {
                pemda: Some(pemda.clone()),
                usernames: std::iter::once(username)
                    .chain(assistants)
                    .filter_map(|u| crate::accounts::username_to_look_up(u))
                    .collect(),
                dapil: true,
                ..Needs::default()
            },
            DprdCommand::RecordReses(r) => Needs {
                cycle: Some(r.cycle_id),
                member: Some(r.member),
                dapil: true,
                regions: RegionCode::parse(&r.kelurahan).ok().into_iter().collect(),
                ..Needs::default()
            },
            DprdCommand::SubmitPokir(p) => Needs {
                cycle: Some(p.cycle_id),
                member: Some(p.member),
                reses: Some(p.reses_id),
                dapil: true,
                regions: RegionCode::parse(&p.lingkungan).ok().into_iter().collect(),
                kamus: crate::kamus::code_to_look_up(&p.kamus_code).into_iter().collect(),
                priorities: crate::kamus::code_to_look_up(&p.priority).into_iter().collect(),
                ..Needs::default()
            },
            DprdCommand::AttachResesPhoto { reses_id, .. } => Needs {
                reses: Some(*reses_id),
                member_of_subject: true,
                dapil: true,
                photo_count: true,
                ..Needs::default()
            },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            DprdCommand::SaveDapil { .. } => "save_dapil",
            DprdCommand::SaveMember { .. } => "save_member",
            DprdCommand::RecordReses(_) => "record_reses",
            DprdCommand::SubmitPokir(_) => "submit_pokir",
            DprdCommand::AttachResesPhoto { .. } => "attach_reses_photo",
        }
    }
}

pub fn decide(facts: &Facts, command: &DprdCommand, actor: &Actor) -> Result<Vec<DprdEvent>, DomainError> {
    match command {
        DprdCommand::SaveDapil { pemda, code, name, kecamatan } => {
            authorize(actor, Action::ManageDprd, &Resource::pemda(pemda.clone()))?;
            save_dapil(facts, pemda, code, name, kecamatan)
        }
        DprdCommand::SaveMember { pemda, username, fraksi, komisi, dapil, assistants } => {
            authorize(actor, Action::ManageDprd, &Resource::pemda(pemda.clone()))?;
            save_member(facts, pemda, username, fraksi, komisi, dapil, assistants)
        }
        DprdCommand::RecordReses(input) => record_reses(facts, input, actor),
        DprdCommand::SubmitPokir(input) => submit_pokir(facts, input, actor),
        DprdCommand::AttachResesPhoto { reses_id, photo } => {
            let reses = facts
                .reses
                .as_ref()
                .filter(|r| r.id == *reses_id)
                .ok_or_else(|| DomainError::NotFound(Entity::Reses, reses_id.to_string()))?;
            let cycle = facts.cycle_named(reses.cycle_id)?;
            member_for(facts, reses.member, actor)?;
            reses_open(cycle, facts.now)?;
            crate::musrenbang::check_photo(photo, facts.photo_count)?;
            Ok(vec![DprdEvent::ResesPhotoAttached { reses_id: *reses_id, photo: photo.clone() }])
        }
    }
}

/// Reses are recorded (and their photos added) until the pokir window closes: what is heard
/// later cannot become a pokir. Nothing after the RKPD's adoption.
fn reses_open(cycle: &crate::cycle::CycleFacts, now: time::OffsetDateTime) -> Result<(), DomainError> {
    cycle.check_writable()?;
    match cycle.windows.get(&Stage::Pokir) {
        Some(window) if now < window.closes => Ok(()),
        window => Err(DomainError::StageClosed { stage: Stage::Pokir, window: window.copied() }),
    }
}

/// Whether `actor` may write for `member`: the member themself, or one of their assistants (the
/// machine's operator too). Nobody writes another member's reses or pokir.
pub fn may_act_for(actor: &Actor, member: &Member) -> bool {
    match actor {
        Actor::System { .. } => true,
        Actor::Public => false,
        Actor::User(user) => {
            let has = |role: Role| user.grants.iter().any(|g| g.role == role);
            (user.id == member.user_id && has(Role::AnggotaDprd))
                || (member.assistants.contains(&user.id) && has(Role::SekretariatDprd))
        }
    }
}

/// The member a reses or pokir is for, once the actor may write for them, with their dapil.
fn member_for<'a>(facts: &'a Facts, member: Uuid, actor: &Actor) -> Result<(&'a Member, &'a Dapil), DomainError> {
    if matches!(actor, Actor::Public) {
        return Err(crate::access::AccessDenied::NotAuthenticated.into());
    }
    let found = facts.member.as_ref().filter(|m| m.user_id == member);
    let Some(found) = found else {
        return Err(DomainError::NotFound(Entity::Member, member.to_string()));
    };
    if !may_act_for(actor, found) {
        return Err(crate::access::AccessDenied::Forbidden.into());
    }
    let dapil = facts
        .dapil
        .iter()
        .find(|d| d.code == found.dapil)
        .ok_or_else(|| DomainError::NotFound(Entity::Dapil, found.dapil.clone()))?;
    Ok((found, dapil))
}

fn record_reses(facts: &Facts, input: &ResesInput, actor: &Actor) -> Result<Vec<DprdEvent>, DomainError> {
    let cycle = facts.cycle_named(input.cycle_id)?;
    let (member, dapil) = member_for(facts, input.member, actor)?;
    reses_open(cycle, facts.now)?;
    let mut errors = Errors::default();
    let date = crate::musrenbang::check_date(&mut errors, "date", &input.date, facts.now);
    let place = check_text(&mut errors, "place", &input.place, NAME_MAX);
    let kelurahan = match RegionCode::parse(&input.kelurahan) {
        Err(e) => {
            errors.push("kelurahan", e.into());
            None
        }
        Ok(code) => match facts.regions.get(&code) {
            Some(region) if !region.level.is_village() => {
                errors.push("kelurahan", Rule::WrongLevel { expected: "kelurahan_desa" });
                None
            }
            Some(_) if !dapil.holds(&code) => {
                errors.push("kelurahan", Rule::OutsideDapil);
                None
            }
            Some(_) => Some(code),
            None => {
                errors.push("kelurahan", Rule::UnknownRegion);
                None
            }
        },
    };
    let attendees = match input.attendees.trim().parse::<u32>() {
        Ok(n) if n <= ATTENDEES_MAX => n,
        Ok(_) => {
            errors.push("attendees", Rule::AboveMax { max: i64::from(ATTENDEES_MAX) });
            0
        }
        Err(_) => {
            errors.push("attendees", Rule::Format { expected: "whole_number" });
            0
        }
    };
    let minutes = check_text(&mut errors, "minutes", &input.minutes, MINUTES_MAX);
    let lines: Vec<&str> = input.aspirations.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        errors.push("aspirations", Rule::Required);
    } else if lines.len() > ASPIRATIONS_MAX {
        errors.push("aspirations", Rule::TooLong { max: ASPIRATIONS_MAX });
    }
    let aspirations = lines
        .iter()
        .take(ASPIRATIONS_MAX)
        .enumerate()
        .map(|(i, line)| check_text(&mut errors, &format!("aspirations[{i}]"), line, ASPIRATION_MAX))
        .collect();
    errors.into_result()?;
    let Some(kelurahan) = kelurahan else {
        return Err(DomainError::field("kelurahan", Rule::Required));
    };
    Ok(vec![DprdEvent::ResesRecorded {
        reses: Reses {
            id: input.reses_id,
            cycle_id: cycle.id,
            member: member.user_id,
            date,
            place,
            kelurahan,
            attendees,
            minutes,
            aspirations,
        },
    }])
}

fn submit_pokir(facts: &Facts, input: &PokirInput, actor: &Actor) -> Result<Vec<DprdEvent>, DomainError> {
    let cycle = facts.cycle_named(input.cycle_id)?;
    let (member, dapil) = member_for(facts, input.member, actor)?;
    cycle.check_open(Stage::Pokir, facts.now)?;
    let mut errors = Errors::default();
    let reses =
        facts.reses.as_ref().filter(|r| r.id == input.reses_id && r.member == member.user_id && r.cycle_id == cycle.id);
    let aspiration = match (reses, input.aspiration.trim().parse::<usize>()) {
        (None, _) => {
            errors.push("reses_id", Rule::UnknownReses);
            0
        }
        (Some(reses), Ok(n)) if (1..=reses.aspirations.len()).contains(&n) => n,
        (Some(_), _) => {
            errors.push("aspiration", Rule::UnknownAspiration);
            0
        }
    };
    if input.priority.trim().is_empty() {
        errors.push("priority", Rule::Required);
    }
    // The location must lie in the member's dapil: checked against the pemda first (a known
    // lingkungan), then against the dapil, so the message says which.
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
    let work = check_work(&mut errors, facts, &work, &cycle.pemda);
    if let Ok(code) = RegionCode::parse(&input.lingkungan)
        && facts.regions.contains_key(&code)
        && !dapil.holds(&code)
    {
        errors.push("lingkungan", Rule::OutsideDapil);
    }
    errors.into_result()?;
    let Work { title, problem, bidang, fisik, track, figures, priority } = finish_work(work)?;
    Ok(vec![DprdEvent::PokirSubmitted {
        proposal_id: input.proposal_id,
        cycle_id: cycle.id,
        member: member.user_id,
        dapil: dapil.code.clone(),
        reses_id: input.reses_id,
        aspiration: u32::try_from(aspiration).unwrap_or(u32::MAX),
        title,
        problem,
        bidang,
        fisik,
        track,
        figures,
        priority,
    }])
}

fn save_dapil(
    facts: &Facts,
    pemda: &RegionCode,
    code: &str,
    name: &str,
    kecamatan: &[String],
) -> Result<Vec<DprdEvent>, DomainError> {
    let mut errors = Errors::default();
    let code = check_code(&mut errors, "code", code);
    let name = check_text(&mut errors, "name", name, NAME_MAX);
    if kecamatan.is_empty() {
        errors.push("kecamatan", Rule::Required);
    }
    let mut codes = Vec::new();
    let mut seen = HashSet::new();
    for (i, text) in kecamatan.iter().enumerate() {
        let field = format!("kecamatan[{i}]");
        let parsed = match RegionCode::parse(text) {
            Ok(code) => code,
            Err(e) => {
                errors.push(field, e.into());
                continue;
            }
        };
        let known = facts.regions.get(&parsed).filter(|_| parsed.is_within(pemda));
        match known {
            None => errors.push(field, Rule::UnknownRegion),
            Some(region) if region.level != RegionLevel::Kecamatan => {
                errors.push(field, Rule::WrongLevel { expected: "kecamatan" })
            }
            Some(_) if !seen.insert(parsed.clone()) => errors.push(field, Rule::DuplicateInUpload),
            Some(_) => {
                let elsewhere = facts.dapil.iter().find(|d| d.code != code && d.kecamatan.contains(&parsed));
                if elsewhere.is_some() {
                    errors.push(field, Rule::InAnotherDapil);
                }
                codes.push(parsed);
            }
        }
    }
    errors.into_result()?;
    codes.sort();
    Ok(vec![DprdEvent::DapilSaved { dapil: Dapil { code, name, kecamatan: codes } }])
}

fn save_member(
    facts: &Facts,
    pemda: &RegionCode,
    username: &str,
    fraksi: &str,
    komisi: &str,
    dapil: &str,
    assistants: &[String],
) -> Result<Vec<DprdEvent>, DomainError> {
    let mut errors = Errors::default();
    let has_role = |username: &str, role: Role| {
        facts
            .users_named
            .get(username.trim())
            .filter(|u| &u.pemda == pemda && !u.disabled && u.grants.iter().any(|g| g.role == role))
    };
    let member = has_role(username, Role::AnggotaDprd);
    if username.trim().is_empty() {
        errors.push("username", Rule::Required);
    } else if member.is_none() {
        errors.push("username", Rule::NotOfRole { role: "anggota_dprd" });
    }
    let fraksi = check_text(&mut errors, "fraksi", fraksi, GROUP_MAX);
    let komisi = check_text(&mut errors, "komisi", komisi, GROUP_MAX);
    let dapil = dapil.trim().to_string();
    if dapil.is_empty() {
        errors.push("dapil", Rule::Required);
    } else if !facts.dapil.iter().any(|d| d.code == dapil) {
        errors.push("dapil", Rule::UnknownDapil);
    }
    if assistants.len() > ASSISTANTS_MAX {
        errors.push("assistants", Rule::TooLong { max: ASSISTANTS_MAX });
    }
    let mut ids = Vec::new();
    for (i, name) in assistants.iter().enumerate().take(ASSISTANTS_MAX) {
        match has_role(name, Role::SekretariatDprd) {
            Some(user) if !ids.contains(&user.id) => ids.push(user.id),
            Some(_) => errors.push(format!("assistants[{i}]"), Rule::DuplicateInUpload),
            None => errors.push(format!("assistants[{i}]"), Rule::NotOfRole { role: "sekretariat_dprd" }),
        }
    }
    errors.into_result()?;
    let Some(member) = member else { return Err(DomainError::field("username", Rule::Required)) };
    Ok(vec![DprdEvent::MemberSaved { member: Member { user_id: member.id, fraksi, komisi, dapil, assistants: ids } }])
}

/// What this part records in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DprdEvent {
    DapilSaved {
        dapil: Dapil,
    },
    MemberSaved {
        member: Member,
    },
    ResesRecorded {
        reses: Reses,
    },
    ResesPhotoAttached {
        reses_id: Uuid,
        photo: crate::planning::PhotoRef,
    },
    /// A pokir entered: a proposal of origin `pokir` at the `pokir` stage, accepted as the
    /// member's own, with the reses aspiration it answers.
    PokirSubmitted {
        proposal_id: Uuid,
        cycle_id: Uuid,
        member: Uuid,
        dapil: String,
        reses_id: Uuid,
        aspiration: u32,
        title: String,
        problem: String,
        bidang: Bidang,
        fisik: bool,
        track: Track,
        figures: Figures,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
    },
}

impl DprdEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            DprdEvent::DapilSaved { .. } => "dapil_saved",
            DprdEvent::MemberSaved { .. } => "member_saved",
            DprdEvent::ResesRecorded { .. } => "reses_recorded",
            DprdEvent::ResesPhotoAttached { .. } => "reses_photo_attached",
            DprdEvent::PokirSubmitted { .. } => "pokir_submitted",
        }
    }

    /// The proposals this event is about, for their timelines.
    pub fn proposals(&self) -> Vec<Uuid> {
        match self {
            DprdEvent::PokirSubmitted { proposal_id, .. } => vec![*proposal_id],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::access::{Grant, Scope, UserActor};
    use crate::error::FieldError;
    use crate::facts::UserFacts;
    use crate::region::Region;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn actor(role: Role) -> Actor {
        Actor::User(UserActor {
            id: Uuid::from_u128(99),
            username: "staf".into(),
            pemda: code("12.71"),
            grants: vec![Grant { role, scope: Scope::Pemda }],
        })
    }

    fn user(id: u128, username: &str, role: Role) -> UserFacts {
        UserFacts {
            id: Uuid::from_u128(id),
            pemda: code("12.71"),
            username: username.into(),
            disabled: false,
            grants: vec![Grant { role, scope: Scope::Pemda }],
        }
    }

    fn facts() -> Facts {
        let mut regions = HashMap::new();
        for (c, level) in [
            ("12.71.01", RegionLevel::Kecamatan),
            ("12.71.02", RegionLevel::Kecamatan),
            ("12.71.01.1001", RegionLevel::Kelurahan),
        ] {
            regions.insert(code(c), Region { code: code(c), name: c.into(), level });
        }
        let users_named = [
            user(1, "dprd.a", Role::AnggotaDprd),
            user(2, "setwan.a", Role::SekretariatDprd),
            user(3, "opd.a", Role::OperatorOpd),
        ]
        .into_iter()
        .map(|u| (u.username.clone(), u))
        .collect();
        Facts {
            regions,
            users_named,
            dapil: vec![Dapil { code: "MDN-1".into(), name: "Medan 1".into(), kecamatan: vec![code("12.71.01")] }],
            ..Facts::default()
        }
    }

    fn refused(result: Result<Vec<DprdEvent>, DomainError>) -> Vec<(String, Rule)> {
        match result {
            Err(DomainError::Invalid(list)) => {
                list.into_iter().map(|FieldError { field, rule }| (field, rule)).collect()
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn dapil(code_: &str, kecamatan: &[&str]) -> DprdCommand {
        DprdCommand::SaveDapil {
            pemda: code("12.71"),
            code: code_.into(),
            name: format!("Dapil {code_}"),
            kecamatan: kecamatan.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn a_kecamatan_lies_in_one_dapil_of_its_pemda() {
        let facts = facts();
        let saved = decide(&facts, &dapil("MDN-2", &["12.71.02"]), &actor(Role::SekretariatDprd)).unwrap();
        assert!(matches!(&saved[..], [DprdEvent::DapilSaved { dapil }] if dapil.holds(&code("12.71.02.1001.001"))));
        // The dapil that holds a kecamatan may save it again.
        assert!(decide(&facts, &dapil("MDN-1", &["12.71.01"]), &actor(Role::BappedaAdmin)).is_ok());
        let refused = refused(decide(
            &facts,
            &dapil("MDN-2", &["12.71.01", "12.71.01.1001", "12.71.09", "33.74.01", "x", "12.71.02", "12.71.02"]),
            &actor(Role::BappedaAdmin),
        ));
        assert_eq!(
            refused.iter().map(|(f, r)| (f.as_str(), r.clone())).collect::<Vec<_>>(),
            [
                ("kecamatan[0]", Rule::InAnotherDapil),
                ("kecamatan[1]", Rule::WrongLevel { expected: "kecamatan" }),
                ("kecamatan[2]", Rule::UnknownRegion),
                ("kecamatan[3]", Rule::UnknownRegion),
                ("kecamatan[4]", Rule::RegionCodePart { position: 1, expected: "2" }),
                ("kecamatan[6]", Rule::DuplicateInUpload),
            ]
        );
        assert_eq!(refused_one(decide(&facts, &dapil("MDN-3", &[]), &actor(Role::BappedaAdmin))), "kecamatan");
        for role in [Role::AnggotaDprd, Role::OperatorOpd, Role::Auditor, Role::OperatorKecamatan] {
            assert!(
                matches!(decide(&facts, &dapil("MDN-2", &["12.71.02"]), &actor(role)), Err(DomainError::Denied(_))),
                "{role:?}"
            );
        }
    }

    fn refused_one(result: Result<Vec<DprdEvent>, DomainError>) -> String {
        refused(result).remove(0).0
    }

    fn member(username: &str, dapil: &str, assistants: &[&str]) -> DprdCommand {
        DprdCommand::SaveMember {
            pemda: code("12.71"),
            username: username.into(),
            fraksi: "Fraksi Uji".into(),
            komisi: "Komisi D".into(),
            dapil: dapil.into(),
            assistants: assistants.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn a_member_is_an_anggota_dprd_account_in_a_dapil_with_secretariat_assistants() {
        let facts = facts();
        let saved = decide(&facts, &member(" dprd.a ", "MDN-1", &["setwan.a"]), &actor(Role::BappedaAdmin)).unwrap();
        let [DprdEvent::MemberSaved { member: saved }] = &saved[..] else { panic!() };
        assert_eq!((saved.user_id, saved.assistants.clone()), (Uuid::from_u128(1), vec![Uuid::from_u128(2)]));
        let refused = refused(decide(
            &facts,
            &member("opd.a", "MDN-9", &["dprd.a", "setwan.a", "setwan.a"]),
            &actor(Role::SekretariatDprd),
        ));
        assert_eq!(
            refused.iter().map(|(f, r)| (f.as_str(), r.clone())).collect::<Vec<_>>(),
            [
                ("username", Rule::NotOfRole { role: "anggota_dprd" }),
                ("dapil", Rule::UnknownDapil),
                ("assistants[0]", Rule::NotOfRole { role: "sekretariat_dprd" }),
                ("assistants[2]", Rule::DuplicateInUpload),
            ]
        );
        let needs = member("dprd.a", "MDN-1", &["setwan.a", "BAD NAME"]).needs();
        assert_eq!(needs.usernames, ["dprd.a", "setwan.a"]);
        assert!(needs.dapil);
    }

    mod reses_and_pokir {
        use std::collections::BTreeMap;

        use time::macros::datetime;
        use time::{Duration, OffsetDateTime};

        use super::*;
        use crate::cycle::{CycleFacts, ForwardCaps, Window};
        use crate::kamus::KamusItem;

        const NOW: OffsetDateTime = datetime!(2027-01-20 10:00 UTC);
        const CYCLE: Uuid = Uuid::from_u128(7);
        const MEMBER: Uuid = Uuid::from_u128(1);
        const ASSISTANT: Uuid = Uuid::from_u128(2);
        const RESES: Uuid = Uuid::from_u128(30);

        fn person(id: Uuid, role: Role) -> Actor {
            Actor::User(UserActor {
                id,
                username: "u".into(),
                pemda: code("12.71"),
                grants: vec![Grant { role, scope: Scope::Pemda }],
            })
        }

        /// A cycle whose pokir window is `(opens, closes)` days from now.
        fn facts(window: (i64, i64)) -> Facts {
            let mut windows = BTreeMap::new();
            windows.insert(
                Stage::Pokir,
                Window { opens: NOW + Duration::days(window.0), closes: NOW + Duration::days(window.1) },
            );
            let mut facts = super::facts();
            for (c, level) in [
                ("12.71.01.1001.001", RegionLevel::Lingkungan),
                ("12.71.02.1001", RegionLevel::Kelurahan),
                ("12.71.02.1001.001", RegionLevel::Lingkungan),
            ] {
                facts.regions.insert(code(c), Region { code: code(c), name: c.into(), level });
            }
            let kamus = KamusItem {
                code: "JLN".into(),
                name: "Jalan".into(),
                unit: "meter".into(),
                unit_price: 100_000,
                opd_code: "1.03.01".into(),
                bidang: Bidang::InfrastrukturKewilayahan,
                fisik: true,
                sub_kegiatan: None,
            };
            Facts {
                now: NOW,
                cycle: Some(CycleFacts {
                    id: CYCLE,
                    pemda: code("12.71"),
                    tahun_anggaran: 2028,
                    windows,
                    caps: ForwardCaps::default(),
                    online_proposals: false,
                    adopted: false,
                }),
                member: Some(Member {
                    user_id: MEMBER,
                    fraksi: "F".into(),
                    komisi: "K".into(),
                    dapil: "MDN-1".into(),
                    assistants: vec![ASSISTANT],
                }),
                reses: Some(Reses {
                    id: RESES,
                    cycle_id: CYCLE,
                    member: MEMBER,
                    date: "2027-01-10".into(),
                    place: "Balai".into(),
                    kelurahan: code("12.71.01.1001"),
                    attendees: 40,
                    minutes: "Notulen".into(),
                    aspirations: vec!["Jalan rusak".into(), "Drainase".into()],
                }),
                kamus: [("JLN".to_string(), kamus)].into(),
                priorities: ["P1".to_string()].into(),
                ..facts
            }
        }

        fn reses(kelurahan: &str, date: &str) -> DprdCommand {
            DprdCommand::RecordReses(ResesInput {
                reses_id: Uuid::from_u128(31),
                cycle_id: CYCLE,
                member: MEMBER,
                date: date.into(),
                place: "Balai warga".into(),
                kelurahan: kelurahan.into(),
                attendees: "45".into(),
                minutes: "Warga meminta perbaikan jalan.".into(),
                aspirations: "Perbaikan jalan\n\nLampu jalan".into(),
            })
        }

        fn pokir(lingkungan: &str, aspiration: &str) -> DprdCommand {
            DprdCommand::SubmitPokir(PokirInput {
                proposal_id: Uuid::from_u128(40),
                cycle_id: CYCLE,
                member: MEMBER,
                reses_id: RESES,
                aspiration: aspiration.into(),
                title: "Pengaspalan jalan".into(),
                problem: "Berlubang".into(),
                kamus_code: "JLN".into(),
                volume: "100".into(),
                lingkungan: lingkungan.into(),
                address: "Jl. Mawar".into(),
                latitude: String::new(),
                longitude: String::new(),
                track: "apbd".into(),
                priority: "P1".into(),
            })
        }

        #[test]
        fn a_member_or_their_assistant_records_a_reses_in_the_dapil_until_the_pokir_window_closes() {
            let facts = facts((-1, 10));
            let events =
                decide(&facts, &reses("12.71.01.1001", "2027-01-15"), &person(MEMBER, Role::AnggotaDprd)).unwrap();
            let [DprdEvent::ResesRecorded { reses: recorded }] = &events[..] else { panic!() };
            assert_eq!(recorded.aspirations, ["Perbaikan jalan", "Lampu jalan"]);
            assert!(decide(&facts, &reses_cmd_ok(), &person(ASSISTANT, Role::SekretariatDprd)).is_ok());
            // Before the window opens is fine (reses come first); after it closes is not.
            assert!(decide(&self::facts((5, 10)), &reses_cmd_ok(), &person(MEMBER, Role::AnggotaDprd)).is_ok());
            assert!(matches!(
                decide(&self::facts((-10, -1)), &reses_cmd_ok(), &person(MEMBER, Role::AnggotaDprd)),
                Err(DomainError::StageClosed { stage: Stage::Pokir, .. })
            ));
            let refused =
                refused(decide(&facts, &reses("12.71.02.1001", "2027-02-01"), &person(MEMBER, Role::AnggotaDprd)));
            assert_eq!(
                refused.iter().map(|(f, r)| (f.as_str(), r.clone())).collect::<Vec<_>>(),
                [("date", Rule::InTheFuture), ("kelurahan", Rule::OutsideDapil)]
            );
        }

        fn reses_cmd_ok() -> DprdCommand {
            reses("12.71.01.1001", "2027-01-15")
        }

        #[test]
        fn nobody_writes_another_members_reses_or_pokir() {
            let facts = facts((-1, 10));
            let strangers = [
                person(Uuid::from_u128(3), Role::AnggotaDprd),
                person(Uuid::from_u128(4), Role::SekretariatDprd),
                person(MEMBER, Role::OperatorOpd),
                person(Uuid::from_u128(5), Role::BappedaAdmin),
            ];
            for actor in strangers {
                assert!(matches!(decide(&facts, &reses_cmd_ok(), &actor), Err(DomainError::Denied(_))), "{actor:?}");
                assert!(
                    matches!(decide(&facts, &pokir("12.71.01.1001.001", "1"), &actor), Err(DomainError::Denied(_))),
                    "{actor:?}"
                );
            }
            assert!(matches!(
                decide(&facts, &pokir("12.71.01.1001.001", "1"), &Actor::Public),
                Err(DomainError::Denied(_))
            ));
        }

        #[test]
        fn a_pokir_is_entered_in_its_window_inside_the_dapil_citing_an_aspiration() {
            let facts = facts((-1, 10));
            let events =
                decide(&facts, &pokir("12.71.01.1001.001", "2"), &person(ASSISTANT, Role::SekretariatDprd)).unwrap();
            let [DprdEvent::PokirSubmitted { figures, aspiration, dapil, priority, .. }] = &events[..] else {
                panic!()
            };
            assert_eq!(
                (figures.cost, *aspiration, dapil.as_str(), priority.as_deref()),
                (10_000_000, 2, "MDN-1", Some("P1"))
            );
            assert_eq!(events[0].proposals(), [Uuid::from_u128(40)]);
            // Late, or early: refused whoever enters it.
            for window in [(-10, -1), (1, 10)] {
                assert!(matches!(
                    decide(&self::facts(window), &pokir("12.71.01.1001.001", "1"), &person(MEMBER, Role::AnggotaDprd)),
                    Err(DomainError::StageClosed { stage: Stage::Pokir, .. })
                ));
            }
            let outside = refused(decide(&facts, &pokir("12.71.02.1001.001", "3"), &person(MEMBER, Role::AnggotaDprd)));
            assert_eq!(
                outside.iter().map(|(f, r)| (f.as_str(), r.clone())).collect::<Vec<_>>(),
                [("aspiration", Rule::UnknownAspiration), ("lingkungan", Rule::OutsideDapil)]
            );
            // A reses of another member, or of no record, is no source.
            let other = Facts {
                reses: facts.reses.clone().map(|r| Reses { member: Uuid::from_u128(3), ..r }),
                ..facts.clone()
            };
            let unknown = refused(decide(&other, &pokir("12.71.01.1001.001", "1"), &person(MEMBER, Role::AnggotaDprd)));
            assert_eq!(unknown[0], ("reses_id".to_string(), Rule::UnknownReses));
            let DprdCommand::SubmitPokir(mut input) = pokir("12.71.01.1001.001", "1") else { panic!() };
            input.priority = String::new();
            let no_priority =
                refused(decide(&facts, &DprdCommand::SubmitPokir(input), &person(MEMBER, Role::AnggotaDprd)));
            assert_eq!(no_priority[0], ("priority".to_string(), Rule::Required));
        }
    }
}
