//! Commands and `decide`: the rules of each change, pure. The store loads the [`Facts`] a
//! command needs inside its write transaction, calls [`decide`], and commits the events.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use time::OffsetDateTime;

use crate::access::{Action, Actor, Grant, Resource, Role, Scope, ScopeKind, authorize};
use crate::cycle::{CycleFacts, ForwardCaps, Stage, Window};
use crate::error::{DomainError, Entity, Errors, Rule, check_text};
use crate::event::Event;
use crate::masterdata::{KamusInput, KamusItem};
use crate::musrenbang::{self, CreateCycle, DecisionInput, MeetingInput, ProposalInput};
use crate::planning::{ForumFacts, ForumKey, ProposalFacts, forum_region_of};
use crate::region::{Region, RegionCode, RegionLevel};

pub const NAME_MAX: usize = 100;
pub const USERNAME_MAX: usize = 32;
pub const USERNAME_MIN: usize = 3;
pub const OPD_CODE_MAX: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
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
    SetCeiling {
        cycle_id: Uuid,
        kecamatan: String,
        amount: String,
    },
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
    CreatePemda(CreatePemda),
    AddLingkungan(AddLingkungan),
    /// Several lingkungan at once (a CSV upload): all of them or none.
    AddLingkunganBatch(Vec<AddLingkungan>),
    CreateUser(CreateUser),
    /// Replaces all of a user's grants.
    SetUserGrants {
        user_id: Uuid,
        grants: Vec<GrantInput>,
    },
    /// Adds one grant to those the user has when the command is decided.
    AddUserGrant {
        user_id: Uuid,
        grant: GrantInput,
    },
    /// Removes one grant (by role and scope code) from those the user has when decided.
    RemoveUserGrant {
        user_id: Uuid,
        role: String,
        scope: String,
    },
    SetUserDisabled {
        user_id: Uuid,
        disabled: bool,
    },
    SetPassword {
        user_id: Uuid,
        password_hash: String,
    },
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantInput {
    pub role: String,
    pub scope: String,
}

/// A new account. The password was checked with [`crate::password::check_new_password`] and
/// hashed before the command was built: hashing is slow and must not hold the write lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateUser {
    pub pemda: RegionCode,
    pub user_id: Uuid,
    pub username: String,
    pub name: String,
    pub password_hash: String,
    pub grants: Vec<GrantInput>,
}

/// A user as the rules need to see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFacts {
    pub id: Uuid,
    pub pemda: RegionCode,
    pub username: String,
    pub disabled: bool,
    pub grants: Vec<Grant>,
}

/// What the store read, inside the write transaction, for one command, and when.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The time of the decision: stage windows are judged against it.
    pub now: OffsetDateTime,
    /// The cycle the command names (directly, or through its proposal or forum).
    pub cycle: Option<CycleFacts>,
    /// Whether the pemda already has a cycle for the tahun anggaran a `CreateCycle` names.
    pub cycle_year_taken: bool,
    /// The OPD codes the command names that exist in the pemda.
    pub opd_codes: HashSet<String>,
    /// The kamus entries the command names, of the cycle's tahun anggaran.
    pub kamus: HashMap<String, KamusItem>,
    pub proposal: Option<ProposalFacts>,
    pub forum: Option<ForumFacts>,
    /// Whether the acting resident already supports the proposal named.
    pub already_supported: bool,
    /// How many photos the proposal named already has.
    pub photo_count: usize,
    /// The pemda the command acts in, if it exists.
    pub pemda_exists: bool,
    /// Every region the command names (see [`Needs::regions`]) that exists.
    pub regions: HashMap<RegionCode, Region>,
    /// Names already used by lingkungan under the kelurahan the command names.
    pub lingkungan_names: HashMap<RegionCode, HashSet<String>>,
    pub username_taken: bool,
    pub user: Option<UserFacts>,
}

impl Default for Facts {
    fn default() -> Self {
        Facts {
            now: OffsetDateTime::UNIX_EPOCH,
            cycle: None,
            cycle_year_taken: false,
            opd_codes: HashSet::new(),
            kamus: HashMap::new(),
            proposal: None,
            forum: None,
            already_supported: false,
            photo_count: 0,
            pemda_exists: false,
            regions: HashMap::new(),
            lingkungan_names: HashMap::new(),
            username_taken: false,
            user: None,
        }
    }
}

/// What a command needs read before it is decided, declared by the command itself: the store's
/// facts loader reads exactly this and knows no command. Values that are looked up are only
/// named when they have their shape (a NUL must never reach PostgreSQL, and cannot exist).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// The pemda the command acts in when it says so itself; otherwise the pemda of the user,
    /// proposal or cycle it names.
    pub pemda: Option<RegionCode>,
    pub user: Option<Uuid>,
    pub proposal: Option<Uuid>,
    /// The cycle named directly; a proposal's cycle is read with the proposal.
    pub cycle: Option<Uuid>,
    /// Regions whose existence the rules check (and, for a kelurahan/desa among them, the
    /// names of its lingkungan).
    pub regions: Vec<RegionCode>,
    /// Kamus entries of the cycle's tahun anggaran.
    pub kamus: Vec<String>,
    /// OPD codes whose existence the rules check.
    pub opd: Vec<String>,
    /// A username whose existence the rules check.
    pub username: Option<String>,
    /// A tahun anggaran for which the pemda may already have a cycle.
    pub cycle_year: Option<i32>,
    pub forum: Option<ForumNeed>,
    /// Whether the acting user already supports the proposal named.
    pub support_of_actor: bool,
    /// How many photos the proposal named has.
    pub photo_count: bool,
    /// The figures the proposal was raised with, when this stage is its entry stage.
    pub submitted_figures_at: Option<Stage>,
}

/// Which forum a command acts in, and how much of it the rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForumNeed {
    /// This forum; `entries` when the rules need everything it holds (ranking, minutes,
    /// closing), else only whether it is closed, so deciding a whole forum does not grow with
    /// the square of its size.
    Named { key: ForumKey, entries: bool },
    /// The forum of the proposal named, at this stage.
    OfProposalAt(Stage),
    /// The forum of the proposal named, at its entry stage.
    OfProposalEntry,
}

impl ForumNeed {
    /// The forum, once the proposal named (if any) is known.
    pub fn key(&self, proposal: Option<&ProposalFacts>) -> Option<ForumKey> {
        let at = |stage: Stage| {
            let proposal = proposal?;
            Some(ForumKey { cycle_id: proposal.cycle_id, stage, region: proposal.forum_region(stage)? })
        };
        match self {
            ForumNeed::Named { key, .. } => Some(key.clone()),
            ForumNeed::OfProposalAt(stage) => at(*stage),
            ForumNeed::OfProposalEntry => at(proposal?.origin.entry_stage()),
        }
    }

    pub fn entries(&self) -> bool {
        matches!(self, ForumNeed::Named { entries: true, .. })
    }
}

/// `code` when it has a code's shape (trimmed), for a lookup.
fn code_to_look_up(code: &str) -> Option<String> {
    let mut errors = Errors::default();
    let code = crate::masterdata::check_code(&mut errors, "code", code);
    errors.is_empty().then_some(code)
}

impl Command {
    /// What the rules need read to decide this command.
    pub fn needs(&self) -> Needs {
        let forum = |key: &ForumKey, entries: bool| Some(ForumNeed::Named { key: key.clone(), entries });
        match self {
            Command::CreateCycle(c) => {
                Needs { pemda: Some(c.pemda.clone()), cycle_year: Some(c.tahun_anggaran), ..Needs::default() }
            }
            Command::SetStageWindow { cycle_id, .. } | Command::SetCycleSettings { cycle_id, .. } => {
                Needs { cycle: Some(*cycle_id), ..Needs::default() }
            }
            Command::SetCeiling { cycle_id, kecamatan, .. } => Needs {
                cycle: Some(*cycle_id),
                regions: RegionCode::parse(kecamatan).into_iter().collect(),
                ..Needs::default()
            },
            Command::CreateOpd { pemda, code, .. } => Needs {
                pemda: Some(pemda.clone()),
                opd: code_to_look_up(code).into_iter().collect(),
                ..Needs::default()
            },
            Command::UpsertKamus { pemda, items, .. } => Needs {
                pemda: Some(pemda.clone()),
                opd: items.iter().filter_map(|item| code_to_look_up(&item.opd_code)).collect(),
                ..Needs::default()
            },
            Command::SubmitProposal(p) => {
                let lingkungan = RegionCode::parse(&p.lingkungan).ok();
                let key = lingkungan.as_ref().and_then(|l| {
                    Some(ForumKey { cycle_id: p.cycle_id, stage: p.stage, region: forum_region_of(l, p.stage)? })
                });
                Needs {
                    cycle: Some(p.cycle_id),
                    regions: lingkungan.into_iter().collect(),
                    kamus: code_to_look_up(&p.kamus_code).into_iter().collect(),
                    forum: key.and_then(|key| forum(&key, false)),
                    ..Needs::default()
                }
            }
            Command::DecideProposal { proposal_id, stage, decision } => {
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
            Command::RankForum { forum: key, .. }
            | Command::RecordMeeting { forum: key, .. }
            | Command::CloseForum { forum: key } => {
                Needs { cycle: Some(key.cycle_id), forum: forum(key, true), ..Needs::default() }
            }
            Command::SupportProposal { proposal_id } => {
                Needs { proposal: Some(*proposal_id), support_of_actor: true, ..Needs::default() }
            }
            Command::AttachPhoto { proposal_id, .. } => Needs {
                proposal: Some(*proposal_id),
                forum: Some(ForumNeed::OfProposalEntry),
                photo_count: true,
                ..Needs::default()
            },
            Command::CreatePemda(c) => Needs { pemda: Some(c.code.clone()), ..Needs::default() },
            Command::AddLingkungan(row) => Needs {
                pemda: pemda_of_rows(std::slice::from_ref(row)),
                regions: lingkungan_regions(std::slice::from_ref(row)),
                ..Needs::default()
            },
            Command::AddLingkunganBatch(rows) => {
                Needs { pemda: pemda_of_rows(rows), regions: lingkungan_regions(rows), ..Needs::default() }
            }
            Command::CreateUser(c) => Needs {
                pemda: Some(c.pemda.clone()),
                regions: scope_regions(&c.grants),
                username: (!crate::error::has_forbidden_control(&c.username)).then(|| c.username.trim().to_string()),
                ..Needs::default()
            },
            Command::SetUserGrants { user_id, grants } => {
                Needs { user: Some(*user_id), regions: scope_regions(grants), ..Needs::default() }
            }
            Command::AddUserGrant { user_id, grant } => {
                Needs { user: Some(*user_id), regions: scope_regions(std::slice::from_ref(grant)), ..Needs::default() }
            }
            Command::RemoveUserGrant { user_id, .. }
            | Command::SetUserDisabled { user_id, .. }
            | Command::SetPassword { user_id, .. } => Needs { user: Some(*user_id), ..Needs::default() },
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Command::CreateCycle(_) => "create_cycle",
            Command::SetStageWindow { .. } => "set_stage_window",
            Command::SetCycleSettings { .. } => "set_cycle_settings",
            Command::CreateOpd { .. } => "create_opd",
            Command::UpsertKamus { .. } => "upsert_kamus",
            Command::SetCeiling { .. } => "set_ceiling",
            Command::SubmitProposal(_) => "submit_proposal",
            Command::DecideProposal { .. } => "decide_proposal",
            Command::RankForum { .. } => "rank_forum",
            Command::RecordMeeting { .. } => "record_meeting",
            Command::CloseForum { .. } => "close_forum",
            Command::SupportProposal { .. } => "support_proposal",
            Command::AttachPhoto { .. } => "attach_photo",
            Command::CreatePemda(_) => "create_pemda",
            Command::AddLingkungan(_) => "add_lingkungan",
            Command::AddLingkunganBatch(_) => "add_lingkungan_batch",
            Command::CreateUser(_) => "create_user",
            Command::SetUserGrants { .. } => "set_user_grants",
            Command::AddUserGrant { .. } => "add_user_grant",
            Command::RemoveUserGrant { .. } => "remove_user_grant",
            Command::SetUserDisabled { .. } => "set_user_disabled",
            Command::SetPassword { .. } => "set_password",
        }
    }
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

/// The regions grant scopes name.
fn scope_regions(grants: &[GrantInput]) -> Vec<RegionCode> {
    grants.iter().filter_map(|g| RegionCode::parse(&g.scope).ok()).collect()
}

/// Decides a command: the events it causes, or why it cannot be done.
pub fn decide(facts: &Facts, command: &Command, actor: &Actor) -> Result<Vec<Event>, DomainError> {
    match command {
        Command::CreateCycle(c) => musrenbang::create_cycle(facts, c, actor),
        Command::SetStageWindow { cycle_id, stage, window } => {
            musrenbang::set_window(facts, *cycle_id, *stage, *window, actor)
        }
        Command::SetCycleSettings { cycle_id, caps, online_proposals } => {
            musrenbang::set_settings(facts, *cycle_id, *caps, *online_proposals, actor)
        }
        Command::CreateOpd { pemda, code, name } => musrenbang::create_opd(facts, pemda, code, name, actor),
        Command::UpsertKamus { pemda, tahun_anggaran, items, batch } => {
            musrenbang::upsert_kamus(facts, pemda, *tahun_anggaran, items, *batch, actor)
        }
        Command::SetCeiling { cycle_id, kecamatan, amount } => {
            musrenbang::set_ceiling(facts, *cycle_id, kecamatan, amount, actor)
        }
        Command::SubmitProposal(input) => musrenbang::submit(facts, input, actor),
        Command::DecideProposal { proposal_id, stage, decision } => {
            musrenbang::decide_proposal(facts, *proposal_id, *stage, decision, actor)
        }
        Command::RankForum { forum, order } => musrenbang::rank(facts, forum, order, actor),
        Command::RecordMeeting { forum, meeting } => musrenbang::record_meeting(facts, forum, meeting, actor),
        Command::CloseForum { forum } => musrenbang::close(facts, forum, actor),
        Command::SupportProposal { proposal_id } => musrenbang::support(facts, *proposal_id, actor),
        Command::AttachPhoto { proposal_id, photo } => musrenbang::attach_photo(facts, *proposal_id, photo, actor),
        Command::CreatePemda(c) => create_pemda(facts, c, actor),
        Command::AddLingkungan(row) => add_lingkungan(facts, std::slice::from_ref(row), actor, ""),
        Command::AddLingkunganBatch(rows) => add_lingkungan(facts, rows, actor, "rows"),
        Command::CreateUser(c) => create_user(facts, c, actor),
        Command::SetUserGrants { user_id, grants } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ManageUsers, &Resource::pemda(user.pemda.clone()))?;
            let grants = check_grants(facts, &user.pemda, grants)?;
            grants_changed(user, grants, actor)
        }
        Command::AddUserGrant { user_id, grant } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ManageUsers, &Resource::pemda(user.pemda.clone()))?;
            // One grant, so its fields are named plainly (`scope`, not `grants[0].scope`).
            let added = check_grants(facts, &user.pemda, std::slice::from_ref(grant)).map_err(|error| match error {
                DomainError::Invalid(list) => DomainError::Invalid(
                    list.into_iter()
                        .map(|e| crate::FieldError::new(e.field.trim_start_matches("grants[0]."), e.rule))
                        .collect(),
                ),
                other => other,
            })?;
            let mut grants = user.grants.clone();
            grants.extend(added);
            grants_changed(user, unique(grants), actor)
        }
        Command::RemoveUserGrant { user_id, role, scope } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ManageUsers, &Resource::pemda(user.pemda.clone()))?;
            let mut grants = user.grants.clone();
            let before = grants.len();
            grants.retain(|g| !(g.role.as_str() == role && g.scope.code() == scope.trim()));
            if grants.len() == before {
                return Err(DomainError::field("grants", Rule::UnknownRole));
            }
            grants_changed(user, grants, actor)
        }
        Command::SetUserDisabled { user_id, disabled } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ManageUsers, &Resource::pemda(user.pemda.clone()))?;
            if *disabled && is_self(actor, user) {
                return Err(DomainError::field("user", Rule::OwnAdminAccount));
            }
            Ok(match (user.disabled, disabled) {
                (false, true) => vec![Event::UserDisabled { user_id: user.id }],
                (true, false) => vec![Event::UserEnabled { user_id: user.id }],
                // Asking again for the state the account is in changes nothing and says so.
                _ => vec![],
            })
        }
        Command::SetPassword { user_id, password_hash } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ChangePassword, &Resource::owned_by(user.pemda.clone(), user.id))?;
            Ok(vec![Event::PasswordChanged { user_id: user.id, password_hash: password_hash.clone() }])
        }
    }
}

fn is_self(actor: &Actor, user: &UserFacts) -> bool {
    matches!(actor, Actor::User(me) if me.id == user.id)
}

/// Grants in their first order, each once.
fn unique(grants: Vec<Grant>) -> Vec<Grant> {
    let mut seen = HashSet::new();
    grants.into_iter().filter(|g| seen.insert(g.clone())).collect()
}

/// An administrator may not take their own administration away: only the CLI could restore it.
fn grants_changed(user: &UserFacts, grants: Vec<Grant>, actor: &Actor) -> Result<Vec<Event>, DomainError> {
    let was_admin = user.grants.iter().any(|g| g.role == Role::BappedaAdmin);
    let stays_admin = grants.iter().any(|g| g.role == Role::BappedaAdmin);
    if is_self(actor, user) && was_admin && !stays_admin {
        return Err(DomainError::field("grants", Rule::OwnAdminAccount));
    }
    Ok(vec![Event::UserGrantsChanged { user_id: user.id, grants }])
}

fn known_user(facts: &Facts, user_id: Uuid) -> Result<&UserFacts, DomainError> {
    facts
        .user
        .as_ref()
        .filter(|u| u.id == user_id)
        .ok_or_else(|| DomainError::NotFound(Entity::User, user_id.to_string()))
}

fn create_pemda(facts: &Facts, c: &CreatePemda, actor: &Actor) -> Result<Vec<Event>, DomainError> {
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
    Ok(vec![Event::PemdaCreated {
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
) -> Result<Vec<Event>, DomainError> {
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
        events.push(Event::LingkunganAdded { code, name });
    }
    errors.into_result()?;
    Ok(events)
}

fn create_user(facts: &Facts, c: &CreateUser, actor: &Actor) -> Result<Vec<Event>, DomainError> {
    authorize(actor, Action::ManageUsers, &Resource::pemda(c.pemda.clone()))?;
    if !facts.pemda_exists {
        return Err(DomainError::NotFound(Entity::Pemda, c.pemda.to_string()));
    }
    let mut errors = Errors::default();
    let username = check_username(&mut errors, &c.username);
    if errors.is_empty() && facts.username_taken {
        errors.push("username", Rule::Taken);
    }
    let name = check_text(&mut errors, "name", &c.name, NAME_MAX);
    let grants = match check_grants(facts, &c.pemda, &c.grants) {
        Ok(grants) => Some(grants),
        Err(DomainError::Invalid(list)) => {
            list.into_iter().for_each(|e| errors.push(e.field, e.rule));
            None
        }
        Err(other) => return Err(other),
    };
    errors.into_result()?;
    Ok(vec![Event::UserCreated {
        user_id: c.user_id,
        username,
        name,
        grants: grants.unwrap_or_default(),
        password_hash: c.password_hash.clone(),
    }])
}

/// Usernames are short, lower-case and safe to show in URLs and logs.
pub fn check_username(errors: &mut Errors, username: &str) -> String {
    let username = username.trim().to_string();
    let length = username.chars().count();
    if username.is_empty() {
        errors.push("username", Rule::Required);
    } else if length < USERNAME_MIN {
        errors.push("username", Rule::TooShort { min: USERNAME_MIN });
    } else if length > USERNAME_MAX {
        errors.push("username", Rule::TooLong { max: USERNAME_MAX });
    } else {
        let allowed = username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        let starts_well = username.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !allowed || !starts_well {
            errors.push("username", Rule::Format { expected: "username" });
        }
    }
    username
}

fn check_grants(facts: &Facts, pemda: &RegionCode, inputs: &[GrantInput]) -> Result<Vec<Grant>, DomainError> {
    let mut errors = Errors::default();
    if inputs.is_empty() {
        errors.push("grants", Rule::Required);
    }
    let mut grants = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let Some(role) = Role::parse(input.role.trim()) else {
            errors.push(format!("grants[{i}].role"), Rule::UnknownRole);
            continue;
        };
        let scope_field = format!("grants[{i}].scope");
        let scope_text = input.scope.trim();
        let scope = match role.scope_kind() {
            ScopeKind::Pemda if scope_text.is_empty() || scope_text == pemda.as_str() => Scope::Pemda,
            ScopeKind::Pemda => {
                errors.push(scope_field, Rule::WrongLevel { expected: "pemda" });
                continue;
            }
            ScopeKind::Opd => {
                let valid = !scope_text.is_empty()
                    && scope_text.len() <= OPD_CODE_MAX
                    && scope_text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
                if !valid {
                    errors.push(scope_field, Rule::Format { expected: "opd_code" });
                    continue;
                }
                Scope::Opd(scope_text.to_string())
            }
            ScopeKind::Region(levels) => {
                let code = match RegionCode::parse(scope_text) {
                    Ok(code) => code,
                    Err(e) => {
                        errors.push(scope_field, e.into());
                        continue;
                    }
                };
                let expected = match role {
                    Role::OperatorKelurahan => "kelurahan_desa",
                    Role::OperatorKecamatan => "kecamatan",
                    _ => "lingkungan",
                };
                match facts.regions.get(&code) {
                    Some(_) if !code.is_within(pemda) => errors.push(scope_field, Rule::UnknownRegion),
                    Some(region) if levels.contains(&region.level) => {
                        grants.push(Grant { role, scope: Scope::Region(code) })
                    }
                    Some(_) => errors.push(scope_field, Rule::WrongLevel { expected }),
                    None => errors.push(scope_field, Rule::UnknownRegion),
                }
                continue;
            }
        };
        grants.push(Grant { role, scope });
    }
    errors.into_result()?;
    Ok(unique(grants))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::UserActor;
    use crate::error::FieldError;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn admin(pemda: &str) -> Actor {
        Actor::User(UserActor {
            id: Uuid::nil(),
            username: "admin".into(),
            pemda: code(pemda),
            grants: vec![Grant { role: Role::BappedaAdmin, scope: Scope::Pemda }],
        })
    }

    fn facts() -> Facts {
        let mut facts = Facts { pemda_exists: true, ..Facts::default() };
        for (c, level) in [
            ("12.71.01", RegionLevel::Kecamatan),
            ("12.71.01.1001", RegionLevel::Kelurahan),
            ("12.71.01.1001.001", RegionLevel::Lingkungan),
        ] {
            facts.regions.insert(code(c), Region { code: code(c), name: c.into(), level });
        }
        facts.lingkungan_names.insert(code("12.71.01.1001"), HashSet::from(["lingkungan i".to_string()]));
        facts
    }

    #[test]
    fn a_command_declares_what_it_reads_and_nothing_more() {
        let pemda = code("12.71");
        let opd = Command::CreateOpd { pemda: pemda.clone(), code: " 1.03.01 ".into(), name: "PU".into() };
        assert_eq!(opd.needs(), Needs { pemda: Some(pemda.clone()), opd: vec!["1.03.01".into()], ..Needs::default() });
        let id = Uuid::from_u128(7);
        let decision = crate::musrenbang::DecisionInput::AcceptWithChanges {
            volume: "2".into(),
            kamus_code: "JLN\0".into(),
            lingkungan: "12.71.01.1001.002".into(),
            address: "Jl. B".into(),
            opd_code: "1.03.01".into(),
            reason: "lebih pendek".into(),
        };
        let needs = Command::DecideProposal { proposal_id: id, stage: Stage::MusrenbangKelurahan, decision }.needs();
        assert_eq!(needs.proposal, Some(id));
        assert_eq!(needs.forum, Some(ForumNeed::OfProposalAt(Stage::MusrenbangKelurahan)));
        assert!(needs.kamus.is_empty(), "a code with a NUL is never looked up");
        assert_eq!(needs.regions, vec![code("12.71.01.1001.002")]);
        assert_eq!(needs.opd, vec!["1.03.01".to_string()]);
        let plain = Command::SupportProposal { proposal_id: id }.needs();
        assert!(plain.opd.is_empty() && plain.forum.is_none() && plain.support_of_actor);
    }

    fn row(kelurahan: &str, number: &str, name: &str) -> AddLingkungan {
        AddLingkungan { kelurahan: kelurahan.into(), number: number.into(), name: name.into() }
    }

    fn field_errors(result: Result<Vec<Event>, DomainError>) -> Vec<FieldError> {
        match result {
            Err(DomainError::Invalid(list)) => list,
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn a_lingkungan_gets_a_code_below_its_kelurahan() {
        let events =
            decide(&facts(), &Command::AddLingkungan(row("12.71.01.1001", "2", "Lingkungan II")), &admin("12.71"))
                .unwrap();
        assert_eq!(
            events,
            vec![Event::LingkunganAdded { code: code("12.71.01.1001.002"), name: "Lingkungan II".into() }]
        );
    }

    #[test]
    fn lingkungan_rules_name_the_field() {
        let cases = [
            (row("12.71.01.1001", "abc", "X"), "number", Rule::Format { expected: "digits_1_3" }),
            (row("12.71.01.1001", "1", "Y"), "number", Rule::Taken),
            (row("12.71.01.1001", "5", "Lingkungan I"), "name", Rule::Taken),
            (row("12.71.01.1001", "5", " "), "name", Rule::Required),
            (row("12.71.01", "5", "Z"), "kelurahan", Rule::WrongLevel { expected: "kelurahan_desa" }),
            (row("12.71.01.1999", "5", "Z"), "kelurahan", Rule::UnknownRegion),
        ];
        for (input, field, rule) in cases {
            let errors = field_errors(decide(&facts(), &Command::AddLingkungan(input.clone()), &admin("12.71")));
            assert_eq!(errors, vec![FieldError::new(field, rule)], "{input:?}");
        }
    }

    #[test]
    fn a_batch_is_refused_whole_with_every_row_reported() {
        let rows = vec![
            row("12.71.01.1001", "7", "Tujuh"),
            row("12.71.01.1001", "7", "Tujuh lagi"),
            row("12.71.01.1001", "x", "Salah"),
        ];
        let errors = field_errors(decide(&facts(), &Command::AddLingkunganBatch(rows), &admin("12.71")));
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["rows[1].number", "rows[2].number"]);
    }

    #[test]
    fn only_bappeda_of_the_same_pemda_adds_lingkungan() {
        let command = Command::AddLingkungan(row("12.71.01.1001", "2", "Lingkungan II"));
        assert!(matches!(decide(&facts(), &command, &admin("33.74")), Err(DomainError::Denied(_))));
        assert!(matches!(decide(&facts(), &command, &Actor::Public), Err(DomainError::Denied(_))));
    }

    fn new_user(username: &str, grants: Vec<GrantInput>) -> Command {
        Command::CreateUser(CreateUser {
            pemda: code("12.71"),
            user_id: Uuid::nil(),
            username: username.into(),
            name: "Nama".into(),
            password_hash: "hash".into(),
            grants,
        })
    }

    fn grant(role: &str, scope: &str) -> GrantInput {
        GrantInput { role: role.into(), scope: scope.into() }
    }

    #[test]
    fn grants_must_fit_their_role() {
        let ok =
            decide(&facts(), &new_user("op.kel", vec![grant("operator_kelurahan", "12.71.01.1001")]), &admin("12.71"));
        assert!(ok.is_ok());
        let cases = [
            (grant("operator_kelurahan", "12.71.01"), Rule::WrongLevel { expected: "kelurahan_desa" }),
            (grant("operator_kecamatan", "12.71.09"), Rule::UnknownRegion),
            (grant("kepala_lingkungan", "12.71.1"), Rule::RegionCodePart { position: 3, expected: "2" }),
            (grant("bappeda_admin", "33.74"), Rule::WrongLevel { expected: "pemda" }),
            (grant("operator_opd", ""), Rule::Format { expected: "opd_code" }),
        ];
        for (input, rule) in cases {
            let errors = field_errors(decide(&facts(), &new_user("op.kel", vec![input.clone()]), &admin("12.71")));
            assert_eq!(errors, vec![FieldError::new("grants[0].scope", rule)], "{input:?}");
        }
        let errors = field_errors(decide(&facts(), &new_user("op.kel", vec![grant("raja", "")]), &admin("12.71")));
        assert_eq!(errors, vec![FieldError::new("grants[0].role", Rule::UnknownRole)]);
    }

    #[test]
    fn usernames_are_checked_and_unique() {
        let errors = field_errors(decide(&facts(), &new_user("Ab", vec![grant("auditor", "")]), &admin("12.71")));
        assert_eq!(errors, vec![FieldError::new("username", Rule::TooShort { min: 3 })]);
        let errors =
            field_errors(decide(&facts(), &new_user("Budi Santoso", vec![grant("auditor", "")]), &admin("12.71")));
        assert_eq!(errors, vec![FieldError::new("username", Rule::Format { expected: "username" })]);
        let taken = Facts { username_taken: true, ..facts() };
        let errors = field_errors(decide(&taken, &new_user("budi", vec![grant("auditor", "")]), &admin("12.71")));
        assert_eq!(errors, vec![FieldError::new("username", Rule::Taken)]);
    }

    #[test]
    fn disabling_twice_changes_nothing() {
        let user = UserFacts {
            id: Uuid::from_u128(7),
            pemda: code("12.71"),
            username: "x".into(),
            disabled: true,
            grants: vec![],
        };
        let id = user.id;
        let facts = Facts { user: Some(user), ..facts() };
        let command = Command::SetUserDisabled { user_id: id, disabled: true };
        assert_eq!(decide(&facts, &command, &admin("12.71")).unwrap(), vec![]);
        let command = Command::SetUserDisabled { user_id: id, disabled: false };
        assert_eq!(decide(&facts, &command, &admin("12.71")).unwrap(), vec![Event::UserEnabled { user_id: id }]);
    }

    #[test]
    fn an_admin_cannot_lock_themselves_out() {
        let me = UserFacts {
            id: Uuid::nil(),
            pemda: code("12.71"),
            username: "admin".into(),
            disabled: false,
            grants: vec![Grant { role: Role::BappedaAdmin, scope: Scope::Pemda }],
        };
        let facts = Facts { user: Some(me), ..facts() };
        let disable = Command::SetUserDisabled { user_id: Uuid::nil(), disabled: true };
        let errors = field_errors(decide(&facts, &disable, &admin("12.71")));
        assert_eq!(errors[0].rule, Rule::OwnAdminAccount);
        let remove =
            Command::RemoveUserGrant { user_id: Uuid::nil(), role: "bappeda_admin".into(), scope: String::new() };
        let errors = field_errors(decide(&facts, &remove, &admin("12.71")));
        assert_eq!(errors[0].rule, Rule::OwnAdminAccount);
        let add = Command::AddUserGrant { user_id: Uuid::nil(), grant: grant("auditor", "") };
        let events = decide(&facts, &add, &admin("12.71")).unwrap();
        let Event::UserGrantsChanged { grants, .. } = &events[0] else { panic!() };
        assert_eq!(grants.len(), 2);
        let again = decide(
            &facts,
            &Command::AddUserGrant { user_id: Uuid::nil(), grant: grant("bappeda_admin", "12.71") },
            &admin("12.71"),
        )
        .unwrap();
        let Event::UserGrantsChanged { grants, .. } = &again[0] else { panic!() };
        assert_eq!(grants.len(), 1, "a grant is held once");
    }

    #[test]
    fn the_password_hash_never_enters_the_journal() {
        let events = decide(&facts(), &new_user("op.kel", vec![grant("auditor", "")]), &admin("12.71")).unwrap();
        assert!(!events[0].payload().contains("hash"));
    }
}
