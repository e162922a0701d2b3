//! Events: what happened, as the journal records it. The store applies each to the current-state
//! tables in the same transaction that appends it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Grant;
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
        }
    }

    /// The payload as the journal stores and hashes it.
    pub fn payload(&self) -> String {
        // Serialising a plain enum of strings, numbers and vectors cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
