//! What the rules read: a command declares what it [`Needs`] read, the store reads it inside
//! the write transaction into [`Facts`], and the command's part decides on them.

use std::collections::{HashMap, HashSet};

use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::Grant;
use crate::cycle::{CycleFacts, Stage};
use crate::dprd::{Dapil, Member, Reses};
use crate::error::{DomainError, Entity};
use crate::kamus::KamusItem;
use crate::planning::{ForumFacts, ForumKey, ProposalFacts};
use crate::region::{Region, RegionCode};
use crate::renja::{LineFacts, RenjaFacts};
use crate::rkpd::RkpdFacts;

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
    /// The nomenclature codes the command names (see [`Needs::nomenclature`]) that exist.
    pub nomenclature: HashSet<String>,
    /// The RPJMD priority codes the command names that the pemda keeps.
    pub priorities: HashSet<String>,
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
    /// The accounts the command names by username (see [`Needs::usernames`]) that exist.
    pub users_named: HashMap<String, UserFacts>,
    /// Every dapil of the pemda, when the command needs them.
    pub dapil: Vec<Dapil>,
    /// The DPRD member the command names, or whose pokir it names.
    pub member: Option<Member>,
    /// The reses the command names.
    pub reses: Option<Reses>,
    /// The OPD's forum and Renja the command acts in.
    pub renja: Option<RenjaFacts>,
    /// The Renja line the command names, if it exists.
    pub line: Option<LineFacts>,
    /// The cycle's RKPD, when the command needs it.
    pub rkpd: Option<RkpdFacts>,
}

impl Default for Facts {
    fn default() -> Self {
        Facts {
            now: OffsetDateTime::UNIX_EPOCH,
            cycle: None,
            cycle_year_taken: false,
            opd_codes: HashSet::new(),
            kamus: HashMap::new(),
            nomenclature: HashSet::new(),
            priorities: HashSet::new(),
            proposal: None,
            forum: None,
            already_supported: false,
            photo_count: 0,
            pemda_exists: false,
            regions: HashMap::new(),
            lingkungan_names: HashMap::new(),
            username_taken: false,
            user: None,
            users_named: HashMap::new(),
            dapil: Vec::new(),
            member: None,
            reses: None,
            renja: None,
            line: None,
            rkpd: None,
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
    /// Nomenclature codes of a tahun anggaran whose existence the rules check.
    pub nomenclature: Option<NomenclatureNeed>,
    /// RPJMD priority codes whose existence the rules check.
    pub priorities: Vec<String>,
    /// A username whose existence the rules check.
    pub username: Option<String>,
    /// Accounts the rules read by username.
    pub usernames: Vec<String>,
    /// Whether the rules read the pemda's dapil.
    pub dapil: bool,
    /// A DPRD member (by account id) the rules read.
    pub member: Option<Uuid>,
    /// A reses the rules read.
    pub reses: Option<Uuid>,
    /// A tahun anggaran for which the pemda may already have a cycle.
    pub cycle_year: Option<i32>,
    pub forum: Option<ForumNeed>,
    /// Whether the acting user already supports the proposal named.
    pub support_of_actor: bool,
    /// How many photos the proposal (or else the reses) named has.
    pub photo_count: bool,
    /// The figures the proposal was raised with, when this stage is its entry stage.
    pub submitted_figures_at: Option<Stage>,
    /// The OPD forum (and Renja) the command acts in.
    pub opd_forum: Option<OpdForumNeed>,
    /// A Renja line the rules read.
    pub line: Option<Uuid>,
    /// Whether the rules read the cycle's RKPD (its musrenbang, open Renja, lines and total).
    pub rkpd: bool,
    /// Whether the rules read the member whose pokir (the proposal named) or reses (the reses
    /// named) it is, into `member`.
    pub member_of_subject: bool,
}

impl Needs {
    /// What two commands need together, when one read can serve both: everything they name
    /// alone (pemda, cycle, forum, proposal…) is the same, and the codes they look up are joined.
    /// `None` when they differ in anything else.
    pub fn merged_with(&self, other: &Needs) -> Option<Needs> {
        fn join<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
            for item in from {
                if !into.contains(&item) {
                    into.push(item);
                }
            }
        }
        let mut merged = self.clone();
        let mut rest = other.clone();
        let looked_up = |n: &mut Needs| {
            (
                std::mem::take(&mut n.regions),
                std::mem::take(&mut n.kamus),
                std::mem::take(&mut n.opd),
                std::mem::take(&mut n.priorities),
                std::mem::take(&mut n.usernames),
            )
        };
        let (regions, kamus, opd, priorities, usernames) = looked_up(&mut rest);
        let mine = looked_up(&mut merged);
        if merged != rest {
            return None;
        }
        (merged.regions, merged.kamus, merged.opd, merged.priorities, merged.usernames) = mine;
        join(&mut merged.regions, regions);
        join(&mut merged.kamus, kamus);
        join(&mut merged.opd, opd);
        join(&mut merged.priorities, priorities);
        join(&mut merged.usernames, usernames);
        Some(merged)
    }
}

/// Which OPD's forum a command acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpdForumNeed {
    /// This OPD's; `lines` when the rules need its pending count and its lines' pagu.
    Named { cycle_id: Uuid, opd_code: String, lines: bool },
    /// The forum of the OPD that holds the proposal named at the forum OPD.
    OfProposal,
}

/// Codes of the nomenclature of one tahun anggaran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NomenclatureNeed {
    /// `None`: the tahun anggaran of the cycle the command names.
    pub tahun_anggaran: Option<i32>,
    pub codes: Vec<String>,
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

impl Facts {
    /// The cycle the command names, or that it is not found.
    pub fn cycle_named(&self, cycle_id: Uuid) -> Result<&CycleFacts, DomainError> {
        self.cycle
            .as_ref()
            .filter(|c| c.id == cycle_id)
            .ok_or_else(|| DomainError::NotFound(Entity::Cycle, cycle_id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::{ForumNeed, Needs};
    use crate::cycle::Stage;
    use crate::planning::ForumKey;
    use crate::region::RegionCode;

    fn submission(cycle_id: Uuid, lingkungan: &str, kamus: &str) -> Needs {
        let region = RegionCode::parse(lingkungan).expect("a lingkungan code");
        Needs {
            cycle: Some(cycle_id),
            regions: vec![region.clone()],
            kamus: vec![kamus.to_string()],
            forum: Some(ForumNeed::Named {
                key: ForumKey { cycle_id, stage: Stage::RembukWarga, region },
                entries: false,
            }),
            ..Needs::default()
        }
    }

    #[test]
    fn needs_of_one_forum_merge_with_their_codes_joined_once() {
        let cycle = Uuid::now_v7();
        let first = submission(cycle, "12.71.01.1001.001", "PU-001");
        let second = submission(cycle, "12.71.01.1001.001", "PU-004");
        let merged = first.merged_with(&second).expect("the same forum merges");
        assert_eq!(merged.kamus, vec!["PU-001".to_string(), "PU-004".to_string()]);
        assert_eq!(merged.regions.len(), 1);
        assert_eq!(merged.forum, first.forum);
        let again = merged.merged_with(&first).expect("merging what is in already");
        assert_eq!(again, merged);
    }

    #[test]
    fn needs_that_name_different_things_do_not_merge() {
        let cycle = Uuid::now_v7();
        let here = submission(cycle, "12.71.01.1001.001", "PU-001");
        let next_forum = submission(cycle, "12.71.01.1001.002", "PU-001");
        assert!(here.merged_with(&next_forum).is_none());
        let other_cycle = submission(Uuid::now_v7(), "12.71.01.1001.001", "PU-001");
        assert!(here.merged_with(&other_cycle).is_none());
        let decision = Needs { proposal: Some(Uuid::now_v7()), ..Needs::default() };
        assert!(here.merged_with(&decision).is_none());
    }
}
