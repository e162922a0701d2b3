//! Events: what happened, as the journal records it. The store applies each to the current-state
//! tables in the same transaction that appends it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::AccountEvent;
use crate::documents::DocumentEvent;
use crate::dprd::DprdEvent;
use crate::masterdata::MasterDataEvent;
use crate::musrenbang::MusrenbangEvent;
use crate::regions::RegionEvent;
use crate::renja::RenjaEvent;
use crate::rkpd::RkpdEvent;
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
    Dprd(DprdEvent),
    Renja(RenjaEvent),
    Rkpd(RkpdEvent),
    Documents(DocumentEvent),
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
    Musrenbang(MusrenbangEvent),
    Dprd(DprdEvent),
    Renja(RenjaEvent),
    Rkpd(RkpdEvent),
    Documents(DocumentEvent)
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
            Event::Dprd(e) => e.kind(),
            Event::Renja(e) => e.kind(),
            Event::Rkpd(e) => e.kind(),
            Event::Documents(e) => e.kind(),
        }
    }

    /// The proposals this event is about, for their timelines.
    pub fn proposals(&self) -> Vec<Uuid> {
        match self {
            Event::Musrenbang(e) => e.proposals(),
            Event::Dprd(e) => e.proposals(),
            Event::Renja(e) => e.proposals(),
            Event::Regions(_)
            | Event::Accounts(_)
            | Event::Schedule(_)
            | Event::MasterData(_)
            | Event::Rkpd(_)
            | Event::Documents(_) => Vec::new(),
        }
    }

    /// The payload as the journal stores and hashes it.
    pub fn payload(&self) -> String {
        // Serialising a plain enum of strings, numbers and vectors cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycle::Stage;
    use crate::planning::ForumKey;
    use crate::region::RegionCode;

    /// Payloads as the journal holds them, written when events were one flat enum: each must
    /// still read as the same event, and be written again byte for byte (its hash depends on it).
    #[test]
    fn journal_payloads_read_and_write_as_before_the_parts() {
        let cycle = "01900000-0000-7000-8000-000000000001";
        let payloads = [
            r#"{"type":"lingkungan_added","code":"12.71.01.1001.001","name":"Lingkungan I"}"#.to_string(),
            r#"{"type":"user_disabled","user_id":"01900000-0000-7000-8000-000000000002"}"#.to_string(),
            format!(r#"{{"type":"cycle_created","cycle_id":"{cycle}","tahun_anggaran":2027}}"#),
            r#"{"type":"opd_created","code":"1.03.01","name":"Dinas PU"}"#.to_string(),
            format!(
                r#"{{"type":"forum_ranked","forum":{{"cycle_id":"{cycle}","stage":"rembuk_warga","region":"12.71.01.1001.001"}},"order":[]}}"#
            ),
        ];
        for payload in payloads {
            let event: Event = serde_json::from_str(&payload).unwrap_or_else(|e| panic!("{payload}: {e}"));
            assert_eq!(event.payload(), payload);
            assert_eq!(Some(event.kind()), payload.split('"').nth(3), "{payload}");
        }
        let ranked: Event = serde_json::from_str(&format!(
            r#"{{"type":"forum_ranked","forum":{{"cycle_id":"{cycle}","stage":"rembuk_warga","region":"12.71.01.1001.001"}},"order":[]}}"#
        ))
        .unwrap();
        let key = ForumKey {
            cycle_id: Uuid::parse_str(cycle).unwrap(),
            stage: Stage::RembukWarga,
            region: RegionCode::parse("12.71.01.1001.001").unwrap(),
        };
        assert_eq!(ranked, Event::Musrenbang(MusrenbangEvent::ForumRanked { forum: key, order: vec![] }));
    }
}
