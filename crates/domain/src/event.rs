//! Events: what happened, as the journal records it. The store applies each to the current-state
//! tables in the same transaction that appends it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Grant;
use crate::cycle::{ForwardCaps, Stage, Window};
use crate::masterdata::{Bidang, KamusItem};
use crate::planning::{Figures, ForumKey, Meeting, Origin, StageRecord, Status, Track};
use crate::region::{Region, RegionCode, RegionLevel};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
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
    UserCreated {
        user_id: Uuid,
        username: String,
        name: String,
        grants: Vec<Grant>,
        /// The Argon2 hash never enters the journal, which auditors read; it travels beside the
        /// event to the table that keeps it.
        #[serde(skip)]
        password_hash: String,
    },
    PasswordChanged {
        user_id: Uuid,
        #[serde(skip)]
        password_hash: String,
    },
    UserGrantsChanged {
        user_id: Uuid,
        grants: Vec<Grant>,
    },
    UserDisabled {
        user_id: Uuid,
    },
    UserEnabled {
        user_id: Uuid,
    },
    CycleCreated {
        cycle_id: Uuid,
        tahun_anggaran: i32,
    },
    StageWindowSet {
        cycle_id: Uuid,
        stage: Stage,
        window: Window,
    },
    CycleSettingsSet {
        cycle_id: Uuid,
        caps: ForwardCaps,
        online_proposals: bool,
    },
    OpdCreated {
        code: String,
        name: String,
    },
    KamusUpserted {
        tahun_anggaran: i32,
        items: Vec<KamusItem>,
    },
    CeilingSet {
        cycle_id: Uuid,
        kecamatan: RegionCode,
        amount: i64,
    },
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

impl Event {
    /// The kind as stored beside the payload, for filtering without parsing.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::PemdaCreated { .. } => "pemda_created",
            Event::LingkunganAdded { .. } => "lingkungan_added",
            Event::UserCreated { .. } => "user_created",
            Event::PasswordChanged { .. } => "password_changed",
            Event::UserGrantsChanged { .. } => "user_grants_changed",
            Event::UserDisabled { .. } => "user_disabled",
            Event::UserEnabled { .. } => "user_enabled",
            Event::CycleCreated { .. } => "cycle_created",
            Event::StageWindowSet { .. } => "stage_window_set",
            Event::CycleSettingsSet { .. } => "cycle_settings_set",
            Event::OpdCreated { .. } => "opd_created",
            Event::KamusUpserted { .. } => "kamus_upserted",
            Event::CeilingSet { .. } => "ceiling_set",
            Event::ProposalSubmitted { .. } => "proposal_submitted",
            Event::ProposalDecided { .. } => "proposal_decided",
            Event::ForumRanked { .. } => "forum_ranked",
            Event::MeetingRecorded { .. } => "meeting_recorded",
            Event::ForumClosed { .. } => "forum_closed",
            Event::ProposalsForwarded { .. } => "proposals_forwarded",
            Event::ProposalSupported { .. } => "proposal_supported",
            Event::PhotoAttached { .. } => "photo_attached",
        }
    }

    /// The proposals this event is about, for their timelines.
    pub fn proposals(&self) -> Vec<Uuid> {
        match self {
            Event::ProposalSubmitted { proposal_id, .. }
            | Event::ProposalDecided { proposal_id, .. }
            | Event::ProposalSupported { proposal_id, .. }
            | Event::PhotoAttached { proposal_id, .. } => vec![*proposal_id],
            Event::ForumRanked { order, .. } => order.clone(),
            Event::ForumClosed { forwarded, not_forwarded, .. } => {
                forwarded.iter().chain(not_forwarded).copied().collect()
            }
            Event::ProposalsForwarded { proposals, .. } => proposals.clone(),
            _ => Vec::new(),
        }
    }

    /// The payload as the journal stores and hashes it.
    pub fn payload(&self) -> String {
        // Serialising a plain enum of strings, numbers and vectors cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
