//! Commands and `decide`: every command is one part's (`regions`, `accounts`, `schedule`,
//! `masterdata`, `musrenbang`, `dprd`, `renja`, `rkpd`), which declares what it needs read ([`Needs`]), decides it, and
//! names its events. The store loads the [`Facts`] a command needs inside its write
//! transaction, calls [`decide`], and commits the events.

use crate::access::Actor;
use crate::accounts::AccountCommand;
use crate::documents::DocumentCommand;
use crate::dprd::DprdCommand;
use crate::error::DomainError;
use crate::event::Event;
use crate::facts::{Facts, Needs};
use crate::masterdata::MasterDataCommand;
use crate::musrenbang::MusrenbangCommand;
use crate::regions::RegionCommand;
use crate::renja::RenjaCommand;
use crate::rkpd::RkpdCommand;
use crate::schedule::ScheduleCommand;

/// Every command, as the sum of the parts' commands: a part adds its commands to its own enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Regions(RegionCommand),
    Accounts(AccountCommand),
    Schedule(ScheduleCommand),
    MasterData(MasterDataCommand),
    Musrenbang(MusrenbangCommand),
    Dprd(DprdCommand),
    Renja(RenjaCommand),
    Rkpd(RkpdCommand),
    Documents(DocumentCommand),
}

macro_rules! from_part {
    ($($part:ident($ty:ty)),+) => {
        $(impl From<$ty> for Command {
            fn from(command: $ty) -> Command {
                Command::$part(command)
            }
        })+
    };
}
from_part!(
    Regions(RegionCommand),
    Accounts(AccountCommand),
    Schedule(ScheduleCommand),
    MasterData(MasterDataCommand),
    Musrenbang(MusrenbangCommand),
    Dprd(DprdCommand),
    Renja(RenjaCommand),
    Rkpd(RkpdCommand),
    Documents(DocumentCommand)
);

impl Command {
    /// What the rules need read to decide this command.
    pub fn needs(&self) -> Needs {
        match self {
            Command::Regions(c) => c.needs(),
            Command::Accounts(c) => c.needs(),
            Command::Schedule(c) => c.needs(),
            Command::MasterData(c) => c.needs(),
            Command::Musrenbang(c) => c.needs(),
            Command::Dprd(c) => c.needs(),
            Command::Renja(c) => c.needs(),
            Command::Rkpd(c) => c.needs(),
            Command::Documents(c) => c.needs(),
        }
    }

    /// Whether the events of this command change nothing that another command of its kind
    /// reads to be decided, so that a run of them (a forum's submissions) may be decided on
    /// facts read once for the run ([`Needs::merged_with`]). Only a submission: what it writes
    /// is its own new proposal, which no other submission looks at.
    pub fn decides_apart_from_its_kind(&self) -> bool {
        matches!(self, Command::Musrenbang(MusrenbangCommand::SubmitProposal(_)))
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Regions(c) => c.name(),
            Command::Accounts(c) => c.name(),
            Command::Schedule(c) => c.name(),
            Command::MasterData(c) => c.name(),
            Command::Musrenbang(c) => c.name(),
            Command::Dprd(c) => c.name(),
            Command::Renja(c) => c.name(),
            Command::Rkpd(c) => c.name(),
            Command::Documents(c) => c.name(),
        }
    }
}

/// Decides a command: the events it causes, or why it cannot be done.
pub fn decide(facts: &Facts, command: &Command, actor: &Actor) -> Result<Vec<Event>, DomainError> {
    fn sum<E: Into<Event>>(events: Vec<E>) -> Vec<Event> {
        events.into_iter().map(Into::into).collect()
    }
    Ok(match command {
        Command::Regions(c) => sum(crate::regions::decide(facts, c, actor)?),
        Command::Accounts(c) => sum(crate::accounts::decide(facts, c, actor)?),
        Command::Schedule(c) => sum(crate::schedule::decide(facts, c, actor)?),
        Command::MasterData(c) => sum(crate::masterdata::decide(facts, c, actor)?),
        Command::Musrenbang(c) => sum(crate::musrenbang::decide(facts, c, actor)?),
        Command::Dprd(c) => sum(crate::dprd::decide(facts, c, actor)?),
        Command::Renja(c) => sum(crate::renja::decide(facts, c, actor)?),
        Command::Rkpd(c) => sum(crate::rkpd::decide(facts, c, actor)?),
        Command::Documents(c) => sum(crate::documents::decide(facts, c, actor)?),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use uuid::Uuid;

    use super::*;
    use crate::access::UserActor;
    use crate::access::{Grant, Role, Scope};
    use crate::accounts::{CreateUser, GrantInput};
    use crate::cycle::Stage;
    use crate::error::FieldError;
    use crate::error::Rule;
    use crate::facts::{ForumNeed, UserFacts};
    use crate::region::RegionLevel;
    use crate::region::{Region, RegionCode};
    use crate::regions::AddLingkungan;

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
        let opd = Command::MasterData(crate::MasterDataCommand::CreateOpd {
            pemda: pemda.clone(),
            code: " 1.03.01 ".into(),
            name: "PU".into(),
        });
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
        let needs = Command::Musrenbang(crate::MusrenbangCommand::DecideProposal {
            proposal_id: id,
            stage: Stage::MusrenbangKelurahan,
            decision,
        })
        .needs();
        assert_eq!(needs.proposal, Some(id));
        assert_eq!(needs.forum, Some(ForumNeed::OfProposalAt(Stage::MusrenbangKelurahan)));
        assert!(needs.kamus.is_empty(), "a code with a NUL is never looked up");
        assert_eq!(needs.regions, vec![code("12.71.01.1001.002")]);
        assert_eq!(needs.opd, vec!["1.03.01".to_string()]);
        let plain = Command::Musrenbang(crate::MusrenbangCommand::SupportProposal { proposal_id: id }).needs();
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
        let events = decide(
            &facts(),
            &Command::Regions(crate::RegionCommand::AddLingkungan(row("12.71.01.1001", "2", "Lingkungan II"))),
            &admin("12.71"),
        )
        .unwrap();
        assert_eq!(
            events,
            vec![Event::Regions(crate::RegionEvent::LingkunganAdded {
                code: code("12.71.01.1001.002"),
                name: "Lingkungan II".into()
            })]
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
            let errors = field_errors(decide(
                &facts(),
                &Command::Regions(crate::RegionCommand::AddLingkungan(input.clone())),
                &admin("12.71"),
            ));
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
        let errors = field_errors(decide(
            &facts(),
            &Command::Regions(crate::RegionCommand::AddLingkunganBatch(rows)),
            &admin("12.71"),
        ));
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["rows[1].number", "rows[2].number"]);
    }

    #[test]
    fn only_bappeda_of_the_same_pemda_adds_lingkungan() {
        let command = Command::Regions(crate::RegionCommand::AddLingkungan(row("12.71.01.1001", "2", "Lingkungan II")));
        assert!(matches!(decide(&facts(), &command, &admin("33.74")), Err(DomainError::Denied(_))));
        assert!(matches!(decide(&facts(), &command, &Actor::Public), Err(DomainError::Denied(_))));
    }

    fn new_user(username: &str, grants: Vec<GrantInput>) -> Command {
        Command::Accounts(crate::AccountCommand::CreateUser(CreateUser {
            pemda: code("12.71"),
            user_id: Uuid::nil(),
            username: username.into(),
            name: "Nama".into(),
            password_hash: "hash".into(),
            grants,
        }))
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
        let command = Command::Accounts(crate::AccountCommand::SetUserDisabled { user_id: id, disabled: true });
        assert_eq!(decide(&facts, &command, &admin("12.71")).unwrap(), vec![]);
        let command = Command::Accounts(crate::AccountCommand::SetUserDisabled { user_id: id, disabled: false });
        assert_eq!(
            decide(&facts, &command, &admin("12.71")).unwrap(),
            vec![Event::Accounts(crate::AccountEvent::UserEnabled { user_id: id })]
        );
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
        let disable =
            Command::Accounts(crate::AccountCommand::SetUserDisabled { user_id: Uuid::nil(), disabled: true });
        let errors = field_errors(decide(&facts, &disable, &admin("12.71")));
        assert_eq!(errors[0].rule, Rule::OwnAdminAccount);
        let remove = Command::Accounts(crate::AccountCommand::RemoveUserGrant {
            user_id: Uuid::nil(),
            role: "bappeda_admin".into(),
            scope: String::new(),
        });
        let errors = field_errors(decide(&facts, &remove, &admin("12.71")));
        assert_eq!(errors[0].rule, Rule::OwnAdminAccount);
        let add = Command::Accounts(crate::AccountCommand::AddUserGrant {
            user_id: Uuid::nil(),
            grant: grant("auditor", ""),
        });
        let events = decide(&facts, &add, &admin("12.71")).unwrap();
        let Event::Accounts(crate::AccountEvent::UserGrantsChanged { grants, .. }) = &events[0] else { panic!() };
        assert_eq!(grants.len(), 2);
        let again = decide(
            &facts,
            &Command::Accounts(crate::AccountCommand::AddUserGrant {
                user_id: Uuid::nil(),
                grant: grant("bappeda_admin", "12.71"),
            }),
            &admin("12.71"),
        )
        .unwrap();
        let Event::Accounts(crate::AccountEvent::UserGrantsChanged { grants, .. }) = &again[0] else { panic!() };
        assert_eq!(grants.len(), 1, "a grant is held once");
    }

    #[test]
    fn the_password_hash_never_enters_the_journal() {
        let events = decide(&facts(), &new_user("op.kel", vec![grant("auditor", "")]), &admin("12.71")).unwrap();
        assert!(!events[0].payload().contains("hash"));
    }
}
