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

impl ProposalDetail {
    /// Whether a Renja line may carry it: only the forum OPD's acceptance puts a proposal on a
    /// line, so one without a record there has none, and needs no look.
    pub fn may_be_on_a_renja_line(&self) -> bool {
        self.records.iter().any(|record| record.stage == Stage::ForumOpd)
    }
}

/// Which proposals a list shows. Every field narrows; `region` may be any level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProposalFilter {
    pub pemda: Option<RegionCode>,
    pub cycle: Option<Uuid>,
    pub region: Option<RegionCode>,
    pub stage: Option<Stage>,
    pub status: Option<Status>,
    pub origin: Option<Origin>,
    pub opd: Option<String>,
    /// Words each found in the title or the latest address, case and accents ignored
    /// ([`crate::search::words`]).
    pub words: Vec<String>,
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

impl MemberView {
    /// The member record the rules judge by.
    pub fn as_member(&self) -> crate::dprd::Member {
        crate::dprd::Member {
            user_id: self.user_id,
            fraksi: self.fraksi.clone(),
            komisi: self.komisi.clone(),
            dapil: self.dapil.clone(),
            assistants: self.assistant_ids.clone(),
        }
    }
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

/// One stage's figures of a Renja line, with who saved them and when (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineStage {
    pub stage: Stage,
    pub content: crate::renja::LineContent,
    pub saved_by: String,
    pub saved_at: String,
}

/// A Renja line as lists show it: its figures at each stage that saved any, and how many items
/// it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSummary {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub opd_code: String,
    /// The stage that created it: a line first seen after the forum OPD is flagged.
    pub first_stage: Stage,
    pub stages: Vec<LineStage>,
    pub sources: u64,
}

impl LineSummary {
    /// Its figures at `stage`: that stage's own, else the nearest earlier stage's.
    pub fn at(&self, stage: Stage) -> Option<&crate::renja::LineContent> {
        self.stages.iter().rev().find(|s| s.stage <= stage).map(|s| &s.content)
    }

    /// Its latest figures.
    pub fn latest(&self) -> Option<&crate::renja::LineContent> {
        self.stages.last().map(|s| &s.content)
    }
}

/// An item a Renja line carries, with every stage's record: the way back to who raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSource {
    pub summary: ProposalSummary,
    pub records: Vec<StageRecord>,
}

/// A Renja line whole: its figures per stage and the items it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineView {
    pub line: LineSummary,
    pub sources: Vec<LineSource>,
}

/// An OPD's forum and Renja: its facts, its lines, and one page of what reached it.
#[derive(Debug, Clone)]
pub struct RenjaView {
    pub facts: crate::renja::RenjaFacts,
    pub lines: Vec<LineSummary>,
    /// What reached it, pending first, and how many in all.
    pub items: Vec<(ProposalSummary, StageRecord)>,
    pub items_total: u64,
    pub offset: u64,
}

/// How the RKPD was adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    pub number: String,
    pub date: String,
    pub lines: u32,
    pub total: i64,
}

/// An item a line carries, as the RKPD's totals count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFigure {
    pub line_id: Uuid,
    pub origin: Origin,
    pub kecamatan: String,
    pub cost: i64,
}

/// The cycle's RKPD: its musrenbang, its adoption, every line and the items they carry.
#[derive(Debug, Clone)]
pub struct RkpdView {
    pub cycle_id: Uuid,
    pub musrenbang: Option<crate::planning::Meeting>,
    pub priorities: Vec<String>,
    pub adoption: Option<Adoption>,
    pub lines: Vec<LineSummary>,
    pub sources: Vec<SourceFigure>,
}
