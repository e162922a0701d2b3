//! The annual cycle: one tahun anggaran of one pemda, its stages and their windows, and the
//! settings a region chooses per cycle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::region::RegionCode;

/// The stages Rencana schedules (Permendagri 86/2017; preparation is the cycle's creation).
/// The earliest and latest tahun anggaran a cycle may plan.
pub const YEARS: (i32, i32) = (2000, 2100);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    RembukWarga,
    MusrenbangKelurahan,
    MusrenbangKecamatan,
    Pokir,
    ForumOpd,
    MusrenbangRkpd,
    RancanganAkhir,
    Penetapan,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::RembukWarga,
        Stage::MusrenbangKelurahan,
        Stage::MusrenbangKecamatan,
        Stage::Pokir,
        Stage::ForumOpd,
        Stage::MusrenbangRkpd,
        Stage::RancanganAkhir,
        Stage::Penetapan,
    ];

    /// The stages a proposal passes through, bottom-up, as far as Rencana carries it today.
    pub const FORUMS: [Stage; 3] = [Stage::RembukWarga, Stage::MusrenbangKelurahan, Stage::MusrenbangKecamatan];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::RembukWarga => "rembuk_warga",
            Stage::MusrenbangKelurahan => "musrenbang_kelurahan",
            Stage::MusrenbangKecamatan => "musrenbang_kecamatan",
            Stage::Pokir => "pokir",
            Stage::ForumOpd => "forum_opd",
            Stage::MusrenbangRkpd => "musrenbang_rkpd",
            Stage::RancanganAkhir => "rancangan_akhir",
            Stage::Penetapan => "penetapan",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.as_str() == s)
    }

    /// The region level at which this stage's forums meet (one forum per region).
    pub fn forum_depth(self) -> Option<usize> {
        match self {
            Stage::RembukWarga => Some(5),
            Stage::MusrenbangKelurahan => Some(4),
            Stage::MusrenbangKecamatan => Some(3),
            _ => None,
        }
    }

    /// The forum stage after this one, where what it forwards goes.
    pub fn next_forum(self) -> Option<Stage> {
        match self {
            Stage::RembukWarga => Some(Stage::MusrenbangKelurahan),
            Stage::MusrenbangKelurahan => Some(Stage::MusrenbangKecamatan),
            Stage::MusrenbangKecamatan => Some(Stage::ForumOpd),
            _ => None,
        }
    }

    pub fn previous_forum(self) -> Option<Stage> {
        match self {
            Stage::MusrenbangKelurahan => Some(Stage::RembukWarga),
            Stage::MusrenbangKecamatan => Some(Stage::MusrenbangKelurahan),
            Stage::ForumOpd => Some(Stage::MusrenbangKecamatan),
            _ => None,
        }
    }
}

/// When a stage accepts changes: from `opens` (inclusive) to `closes` (exclusive), UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    #[serde(with = "time::serde::rfc3339")]
    pub opens: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub closes: OffsetDateTime,
}

impl Window {
    pub fn contains(&self, now: OffsetDateTime) -> bool {
        self.opens <= now && now < self.closes
    }
}

/// How many proposals each forum level may forward upward; `None` is no cap (a local choice).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardCaps {
    pub rembuk_warga: Option<u32>,
    pub musrenbang_kelurahan: Option<u32>,
    pub musrenbang_kecamatan: Option<u32>,
}

impl ForwardCaps {
    pub fn for_stage(&self, stage: Stage) -> Option<u32> {
        match stage {
            Stage::RembukWarga => self.rembuk_warga,
            Stage::MusrenbangKelurahan => self.musrenbang_kelurahan,
            Stage::MusrenbangKecamatan => self.musrenbang_kecamatan,
            _ => None,
        }
    }
}

/// A cycle as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleFacts {
    pub id: Uuid,
    pub pemda: RegionCode,
    pub tahun_anggaran: i32,
    pub windows: BTreeMap<Stage, Window>,
    pub caps: ForwardCaps,
    pub online_proposals: bool,
    /// Whether its RKPD is adopted: from then on the cycle's plan is read-only for everyone.
    pub adopted: bool,
}

impl CycleFacts {
    /// Refuses any change once the RKPD is adopted.
    pub fn check_writable(&self) -> Result<(), crate::DomainError> {
        if self.adopted { Err(crate::DomainError::Adopted) } else { Ok(()) }
    }

    /// Whether `stage` accepts writes at `now`; the error carries the window to show.
    pub fn check_open(&self, stage: Stage, now: OffsetDateTime) -> Result<(), crate::DomainError> {
        self.check_writable()?;
        match self.windows.get(&stage) {
            Some(window) if window.contains(now) => Ok(()),
            window => Err(crate::DomainError::StageClosed { stage, window: window.copied() }),
        }
    }

    /// The stage whose window contains `now`, if any (the calendar's "open now").
    pub fn open_stages(&self, now: OffsetDateTime) -> Vec<Stage> {
        self.windows.iter().filter(|(_, w)| w.contains(now)).map(|(s, _)| *s).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn stages_round_trip_and_chain() {
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
        assert_eq!(Stage::RembukWarga.next_forum(), Some(Stage::MusrenbangKelurahan));
        assert_eq!(Stage::MusrenbangKecamatan.previous_forum(), Some(Stage::MusrenbangKelurahan));
    }

    #[test]
    fn windows_include_their_opening_and_exclude_their_closing() {
        let window = Window { opens: datetime!(2027-01-05 0:00 UTC), closes: datetime!(2027-01-31 0:00 UTC) };
        assert!(window.contains(datetime!(2027-01-05 0:00 UTC)));
        assert!(!window.contains(datetime!(2027-01-31 0:00 UTC)));
        assert!(!window.contains(datetime!(2027-01-04 23:59 UTC)));
    }

    #[test]
    fn pokir_must_close_before_the_musrenbang_rkpd_opens() {
        use crate::access::Actor;
        use crate::command::{Command, decide};
        use crate::facts::Facts;
        use crate::region::RegionCode;
        let day = |d: u8| time::Date::from_calendar_date(2027, time::Month::March, d).unwrap().midnight().assume_utc();
        let id = Uuid::from_u128(1);
        let mut windows = BTreeMap::new();
        windows.insert(Stage::MusrenbangRkpd, Window { opens: day(20), closes: day(25) });
        let cycle = CycleFacts {
            id,
            pemda: RegionCode::parse("12.71").unwrap(),
            tahun_anggaran: 2027,
            windows,
            caps: ForwardCaps::default(),
            online_proposals: false,
            adopted: false,
        };
        let facts = Facts { cycle: Some(cycle), ..Facts::default() };
        let system = Actor::System { label: "t".into() };
        let late = Command::Schedule(crate::ScheduleCommand::SetStageWindow {
            cycle_id: id,
            stage: Stage::Pokir,
            window: Window { opens: day(1), closes: day(21) },
        });
        assert!(
            matches!(decide(&facts, &late, &system), Err(crate::DomainError::Invalid(e)) if e[0].rule == crate::Rule::PokirAfterRkpd)
        );
        let on_time = Command::Schedule(crate::ScheduleCommand::SetStageWindow {
            cycle_id: id,
            stage: Stage::Pokir,
            window: Window { opens: day(1), closes: day(20) },
        });
        assert!(decide(&facts, &on_time, &system).is_ok());
    }
}
