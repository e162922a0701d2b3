//! What people read, as plain values: a proposal where it stands and whole, a list's filter, a
//! forum with its totals. The store builds them from its tables; pages, the JSON API and the
//! documents (`reports`) all read these same values.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::cycle::Stage;
use crate::kamus::Bidang;
use crate::planning::{ForumFacts, Origin, StageRecord, Status, Track};
use crate::region::RegionCode;

/// A proposal as lists show it: where it stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalSummary {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub title: String,
    pub origin: Origin,
    pub stage: Stage,
    pub status: Status,
    pub lingkungan: RegionCode,
    pub kamus_code: String,
    pub opd_code: String,
    pub cost: i64,
    pub supports: i32,
    pub created_at: OffsetDateTime,
}

/// A proposal whole: what it is, who raised it, and every stage's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDetail {
    pub summary: ProposalSummary,
    pub problem: String,
    pub bidang: Bidang,
    pub fisik: bool,
    pub track: Track,
    pub proposer: String,
    /// The code of the RPJMD priority it serves, if named.
    pub priority: Option<String>,
    pub records: Vec<StageRecord>,
}

/// Which proposals a list shows. Every field narrows; `region` may be any level.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    pub pemda: Option<RegionCode>,
    pub cycle: Option<Uuid>,
    pub region: Option<RegionCode>,
    pub stage: Option<Stage>,
    pub status: Option<Status>,
    pub origin: Option<Origin>,
    pub opd: Option<String>,
}

/// A forum with proposals, each with its record at the forum's stage, in rank order then in the
/// order they arrived: all of them ([`Store::forum`]) or one page ([`Store::forum_page`]).
#[derive(Debug, Clone)]
pub struct ForumView {
    pub facts: ForumFacts,
    pub totals: ForumTotals,
    /// The place of the first item in the whole forum's order.
    pub first: u64,
    pub items: Vec<(ProposalSummary, StageRecord)>,
}

/// What a forum holds, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForumTotals {
    pub entries: u64,
    pub ranked: u64,
    pub pending: u64,
    pub accepted: u64,
    /// The cost of what it accepted; `None` only when stored costs could not have come through
    /// the rules (data from before the bounds) and their sum would not fit.
    pub accepted_cost: Option<i64>,
}

impl ForumTotals {
    /// The totals of a forum whose entries are all loaded.
    pub fn of(facts: &ForumFacts) -> ForumTotals {
        let count = |keep: &dyn Fn(&crate::planning::ForumEntry) -> bool| {
            facts.entries.iter().filter(|e| keep(e)).count() as u64
        };
        ForumTotals {
            entries: facts.entries.len() as u64,
            ranked: count(&|e| e.rank.is_some()),
            pending: count(&|e| e.status == Status::Pending),
            accepted: count(&|e| e.status.is_accepted()),
            accepted_cost: facts.accepted_cost().ok(),
        }
    }
}

/// A DPRD member as people read it: the account's name beside the member record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub user_id: uuid::Uuid,
    pub username: String,
    pub name: String,
    pub fraksi: String,
    pub komisi: String,
    pub dapil: String,
    /// The assistants' usernames, and their account ids (what the rules compare).
    pub assistants: Vec<String>,
    pub assistant_ids: Vec<uuid::Uuid>,
}

/// What makes a proposal a pokir, as people read it: whose, from which reses, answering what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PokirView {
    pub member: MemberView,
    pub dapil: String,
    pub reses_id: uuid::Uuid,
    pub reses_date: String,
    pub reses_place: String,
    pub aspiration_number: u32,
    pub aspiration: String,
}
