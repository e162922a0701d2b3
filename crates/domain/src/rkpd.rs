//! The musrenbang RKPD and the RKPD's adoption. Bappeda records the city's forum (its berita
//! acara and the priorities it agreed), carries the Renja lines through the musrenbang RKPD and
//! the rancangan akhir (see [`crate::renja`]), and adopts the RKPD by Perkada in `penetapan`:
//! from then on nothing of the cycle changes, for anyone.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Action, Actor, Resource, authorize};
use crate::cycle::Stage;
use crate::error::{CloseProblem, DomainError, Errors, NAME_MAX, Rule, check_text};
use crate::facts::{Facts, Needs};
use crate::kamus::code_to_look_up;
use crate::musrenbang::{MeetingInput, check_date, check_meeting};
use crate::planning::Meeting;

/// The cycle's RKPD as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RkpdFacts {
    /// Whether the musrenbang RKPD is recorded.
    pub musrenbang: bool,
    /// The OPD that have Renja lines but have not finalised their Renja.
    pub open_renja: Vec<String>,
    /// How many lines the RKPD holds, and their pagu at the rancangan akhir (`None` when the
    /// sum passes any valid amount).
    pub lines: usize,
    pub total: Option<i64>,
}

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RkpdCommand {
    RecordMusrenbang {
        cycle_id: Uuid,
        meeting: MeetingInput,
        priorities: Vec<String>,
    },
    /// Adopt by the Perkada of this number and date (`YYYY-MM-DD`).
    Adopt {
        cycle_id: Uuid,
        number: String,
        date: String,
    },
}

impl RkpdCommand {
    /// What the rules need read to decide it.
    pub fn needs(&self) -> Needs {
        match self {
            RkpdCommand::RecordMusrenbang { cycle_id, priorities, .. } => Needs {
                cycle: Some(*cycle_id),
                priorities: priorities.iter().filter_map(|p| code_to_look_up(p)).collect(),
                ..Needs::default()
            },
            RkpdCommand::Adopt { cycle_id, .. } => Needs { cycle: Some(*cycle_id), rkpd: true, ..Needs::default() },
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            RkpdCommand::RecordMusrenbang { .. } => "record_musrenbang_rkpd",
            RkpdCommand::Adopt { .. } => "adopt_rkpd",
        }
    }
}

/// Decides a command of this part.
pub fn decide(facts: &Facts, command: &RkpdCommand, actor: &Actor) -> Result<Vec<RkpdEvent>, DomainError> {
    match command {
        RkpdCommand::RecordMusrenbang { cycle_id, meeting, priorities } => {
            let cycle = facts.cycle_named(*cycle_id)?;
            authorize(actor, Action::CompileRkpd, &Resource::pemda(cycle.pemda.clone()))?;
            cycle.check_open(Stage::MusrenbangRkpd, facts.now)?;
            let mut errors = Errors::default();
            let mut agreed: Vec<String> = Vec::new();
            for (i, code) in priorities.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).enumerate() {
                if !facts.priorities.contains(code) {
                    errors.push(format!("priorities[{i}]"), Rule::UnknownPriority);
                } else if !agreed.iter().any(|a| a == code) {
                    agreed.push(code.to_string());
                }
            }
            if agreed.is_empty() && errors.is_empty() {
                errors.push("priorities", Rule::Required);
            }
            let meeting = check_meeting(meeting);
            errors.into_result()?;
            Ok(vec![RkpdEvent::MusrenbangRkpdRecorded { cycle_id: *cycle_id, meeting: meeting?, priorities: agreed }])
        }
        RkpdCommand::Adopt { cycle_id, number, date } => {
            let cycle = facts.cycle_named(*cycle_id)?;
            authorize(actor, Action::CompileRkpd, &Resource::pemda(cycle.pemda.clone()))?;
            cycle.check_open(Stage::Penetapan, facts.now)?;
            let mut errors = Errors::default();
            let number = check_text(&mut errors, "number", number, NAME_MAX);
            let date = check_date(&mut errors, "date", date, facts.now);
            errors.into_result()?;
            let rkpd = facts.rkpd.clone().unwrap_or_default();
            if !rkpd.musrenbang {
                return Err(DomainError::CannotClose(CloseProblem::NoMusrenbangRkpd));
            }
            if rkpd.lines == 0 {
                return Err(DomainError::CannotClose(CloseProblem::NoLines));
            }
            if !rkpd.open_renja.is_empty() {
                return Err(DomainError::CannotClose(CloseProblem::RenjaOpen { opd: rkpd.open_renja }));
            }
            let total = rkpd.total.ok_or(DomainError::CannotClose(CloseProblem::TotalTooLarge))?;
            Ok(vec![RkpdEvent::RkpdAdopted { cycle_id: *cycle_id, number, date, lines: rkpd.lines, total }])
        }
    }
}

/// What this part records in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RkpdEvent {
    MusrenbangRkpdRecorded {
        cycle_id: Uuid,
        meeting: Meeting,
        priorities: Vec<String>,
    },
    /// The RKPD adopted by Perkada: `lines` lines, `total` rupiah at the rancangan akhir.
    RkpdAdopted {
        cycle_id: Uuid,
        number: String,
        date: String,
        lines: usize,
        total: i64,
    },
}

impl RkpdEvent {
    /// The kind as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            RkpdEvent::MusrenbangRkpdRecorded { .. } => "musrenbang_rkpd_recorded",
            RkpdEvent::RkpdAdopted { .. } => "rkpd_adopted",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::macros::datetime;

    use super::*;
    use crate::access::{Grant, Role, Scope, UserActor};
    use crate::cycle::{CycleFacts, Window};
    use crate::region::RegionCode;

    const CYCLE: Uuid = Uuid::from_u128(1);

    fn bappeda() -> Actor {
        Actor::User(UserActor {
            id: Uuid::from_u128(8),
            username: "bappeda".into(),
            pemda: RegionCode::parse("12.71").unwrap(),
            grants: vec![Grant { role: Role::BappedaAdmin, scope: Scope::Pemda }],
        })
    }

    fn facts(rkpd: RkpdFacts) -> Facts {
        let open = Window { opens: datetime!(2027-05-01 0:00 UTC), closes: datetime!(2027-06-01 0:00 UTC) };
        let mut windows = BTreeMap::new();
        windows.insert(Stage::Penetapan, open);
        windows.insert(Stage::MusrenbangRkpd, open);
        Facts {
            now: datetime!(2027-05-10 0:00 UTC),
            cycle: Some(CycleFacts {
                id: CYCLE,
                pemda: RegionCode::parse("12.71").unwrap(),
                tahun_anggaran: 2027,
                windows,
                caps: Default::default(),
                online_proposals: false,
                adopted: false,
            }),
            rkpd: Some(rkpd),
            priorities: ["P1".to_string()].into(),
            ..Facts::default()
        }
    }

    fn adopt(facts: &Facts, date: &str) -> Result<Vec<RkpdEvent>, DomainError> {
        let command = RkpdCommand::Adopt { cycle_id: CYCLE, number: "12 Tahun 2027".into(), date: date.into() };
        decide(facts, &command, &bappeda())
    }

    fn ready() -> RkpdFacts {
        RkpdFacts { musrenbang: true, open_renja: Vec::new(), lines: 3, total: Some(900) }
    }

    #[test]
    fn adoption_waits_for_the_musrenbang_and_every_renja() {
        assert!(matches!(
            adopt(&facts(RkpdFacts { musrenbang: false, ..ready() }), "2027-05-09"),
            Err(DomainError::CannotClose(CloseProblem::NoMusrenbangRkpd))
        ));
        assert!(matches!(
            adopt(&facts(RkpdFacts { open_renja: vec!["1.03.01".into()], ..ready() }), "2027-05-09"),
            Err(DomainError::CannotClose(CloseProblem::RenjaOpen { .. }))
        ));
        assert!(matches!(
            adopt(&facts(RkpdFacts { lines: 0, ..ready() }), "2027-05-09"),
            Err(DomainError::CannotClose(CloseProblem::NoLines))
        ));
        assert!(matches!(adopt(&facts(ready()), "2027-05-11"), Err(DomainError::Invalid(_))));
        let events = adopt(&facts(ready()), "2027-05-09").unwrap();
        assert!(matches!(&events[0], RkpdEvent::RkpdAdopted { total: 900, lines: 3, .. }));
        let mut done = facts(ready());
        if let Some(cycle) = done.cycle.as_mut() {
            cycle.adopted = true;
        }
        assert_eq!(adopt(&done, "2027-05-09"), Err(DomainError::Adopted));
    }

    #[test]
    fn the_musrenbang_agrees_known_priorities() {
        let meeting = MeetingInput {
            date: "2027-05-09".into(),
            place: "Balai Kota".into(),
            chair: "Wali Kota".into(),
            attendees: vec![("Kepala Bappeda".into(), "sekretaris".into())],
            delegates: Vec::new(),
        };
        let record = |priorities: Vec<String>| {
            decide(
                &facts(ready()),
                &RkpdCommand::RecordMusrenbang { cycle_id: CYCLE, meeting: meeting.clone(), priorities },
                &bappeda(),
            )
        };
        assert!(record(vec!["P1".into()]).is_ok());
        assert!(
            matches!(record(vec!["P9".into()]), Err(DomainError::Invalid(e)) if e[0].rule == Rule::UnknownPriority)
        );
        assert!(matches!(record(Vec::new()), Err(DomainError::Invalid(e)) if e[0].field == "priorities"));
    }
}
