//! Events: what happened, as the journal records it. The store applies each to the current-state
//! tables in the same transaction that appends it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::AccountEvent;
use crate::masterdata::MasterDataEvent;
use crate::musrenbang::MusrenbangEvent;
use crate::regions::RegionEvent;
use crate::schedule::ScheduleEvent;

/// Every event, as the sum of the parts' events. Each part's events are tagged by `type`; the
/// sum adds no layer of its own (`untagged`), so the journal's payloads read the same as when
/// there was one flat enum, and each kind names its part by the tag alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Event {
    Regions(RegionEvent),
    Accounts(AccountEvent),
    Schedule(ScheduleEvent),
    MasterData(MasterDataEvent),
    Musrenbang(MusrenbangEvent),
}

macro_rules! from_part {
    ($($part:ident($ty:ty)),+) => {
        $(impl From<$ty> for Event {
            fn from(event: $ty) -> Event {
                Event::$part(event)
            }
        })+
    };
}
from_part!(
    Regions(RegionEvent),
    Accounts(AccountEvent),
    Schedule(ScheduleEvent),
    MasterData(MasterDataEvent),
    Musrenbang(MusrenbangEvent)
);

impl Event {
    /// The kind as stored beside the payload, for filtering without parsing.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Regions(e) => e.kind(),
            Event::Accounts(e) => e.kind(),
            Event::Schedule(e) => e.kind(),
            Event::MasterData(e) => e.kind(),
            Event::Musrenbang(e) => e.kind(),
        }
    }

    /// The proposals this event is about, for their timelines.
    pub fn proposals(&self) -> Vec<Uuid> {
        match self {
            Event::Musrenbang(e) => e.proposals(),
            Event::Regions(_) | Event::Accounts(_) | Event::Schedule(_) | Event::MasterData(_) => Vec::new(),
        }
    }

    /// The payload as the journal stores and hashes it.
    pub fn payload(&self) -> String {
        // Serialising a plain enum of strings, numbers and vectors cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
