//! The DPRD as a part of the cycle: its electoral districts (dapil, each a set of kecamatan) and
//! its members (each an account with the `anggota_dprd` role, with a fraksi, a komisi, a dapil
//! and the secretariat staff who may enter on their behalf). Bappeda or the DPRD secretariat keep
//! them; the members' reses and pokir build on them.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Action, Actor, Resource, Role, authorize};
use crate::error::{DomainError, Errors, NAME_MAX, Rule, check_text};
use crate::facts::{Facts, Needs};
use crate::kamus::check_code;
use crate::region::{RegionCode, RegionLevel};

/// An electoral district: the kecamatan whose residents elect its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dapil {
    pub code: String,
    pub name: String,
    pub kecamatan: Vec<RegionCode>,
}

impl Dapil {
    /// Whether `region` (a kecamatan or anything inside one) lies in the dapil.
    pub fn holds(&self, region: &RegionCode) -> bool {
        self.kecamatan.iter().any(|k| region.is_within(k))
    }
}

/// A member of the DPRD as kept by the secretariat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub fraksi: String,
    pub komisi: String,
    pub dapil: String,
    /// The secretariat accounts that may enter reses and pokir for the member.
    pub assistants: Vec<Uuid>,
}

/// The longest fraksi or komisi name.
pub const GROUP_MAX: usize = 120;
/// The most assistants one member may have.
pub const ASSISTANTS_MAX: usize = 10;

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DprdCommand {
    /// A dapil, added or replaced by its code; every kecamatan belongs to one dapil at most.
    SaveDapil { pemda: RegionCode, code: String, name: String, kecamatan: Vec<String> },
    /// A member, added or replaced: the account (by username) and its fraksi, komisi, dapil and
    /// assistants (usernames of `sekretariat_dprd` accounts).
    SaveMember {
        pemda: RegionCode,
        username: String,
        fraksi: String,
        komisi: String,
        dapil: String,
        assistants: Vec<String>,
    },
}

impl DprdCommand {
    /// What the rules need read: the pemda's dapil (a handful), and the regions or accounts named.
    pub fn needs(&self) -> Needs {
        match self {
            DprdCommand::SaveDapil { pemda, kecamatan, .. } => Needs {
                pemda: Some(pemda.clone()),
                regions: kecamatan.iter().filter_map(|k| RegionCode::parse(k).ok()).collect(),
                dapil: true,
                ..Needs::default()
            },
            DprdCommand::SaveMember { pemda, username, assistants, .. } => Needs {
                pemda: Some(pemda.clone()),
                usernames: std::iter::once(username)
                    .chain(assistants)
                    .filter_map(|u| crate::accounts::username_to_look_up(u))
                    .collect(),
                dapil: true,
                ..Needs::default()
            },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            DprdCommand::SaveDapil { .. } => "save_dapil",
            DprdCommand::SaveMember { .. } => "save_member",
        }
    }
}

pub fn decide(facts: &Facts, command: &DprdCommand, actor: &Actor) -> Result<Vec<DprdEvent>, DomainError> {
    match command {
        DprdCommand::SaveDapil { pemda, code, name, kecamatan } => {
            authorize(actor, Action::ManageDprd, &Resource::pemda(pemda.clone()))?;
            save_dapil(facts, pemda, code, name, kecamatan)
        }
        DprdCommand::SaveMember { pemda, username, fraksi, komisi, dapil, assistants } => {
            authorize(actor, Action::ManageDprd, &Resource::pemda(pemda.clone()))?;
            save_member(facts, pemda, username, fraksi, komisi, dapil, assistants)
        }
    }
}

fn save_dapil(
    facts: &Facts,
    pemda: &RegionCode,
    code: &str,
    name: &str,
    kecamatan: &[String],
) -> Result<Vec<DprdEvent>, DomainError> {
    let mut errors = Errors::default();
    let code = check_code(&mut errors, "code", code);
    let name = check_text(&mut errors, "name", name, NAME_MAX);
    if kecamatan.is_empty() {
        errors.push("kecamatan", Rule::Required);
    }
    let mut codes = Vec::new();
    let mut seen = HashSet::new();
    for (i, text) in kecamatan.iter().enumerate() {
        let field = format!("kecamatan[{i}]");
        let parsed = match RegionCode::parse(text) {
            Ok(code) => code,
            Err(e) => {
                errors.push(field, e.into());
                continue;
            }
        };
        let known = facts.regions.get(&parsed).filter(|_| parsed.is_within(pemda));
        match known {
            None => errors.push(field, Rule::UnknownRegion),
            Some(region) if region.level != RegionLevel::Kecamatan => {
                errors.push(field, Rule::WrongLevel { expected: "kecamatan" })
            }
            Some(_) if !seen.insert(parsed.clone()) => errors.push(field, Rule::DuplicateInUpload),
            Some(_) => {
                let elsewhere = facts.dapil.iter().find(|d| d.code != code && d.kecamatan.contains(&parsed));
                if elsewhere.is_some() {
                    errors.push(field, Rule::InAnotherDapil);
                }
                codes.push(parsed);
            }
        }
    }
    errors.into_result()?;
    codes.sort();
    Ok(vec![DprdEvent::DapilSaved { dapil: Dapil { code, name, kecamatan: codes } }])
}

fn save_member(
    facts: &Facts,
    pemda: &RegionCode,
    username: &str,
    fraksi: &str,
    komisi: &str,
    dapil: &str,
    assistants: &[String],
) -> Result<Vec<DprdEvent>, DomainError> {
    let mut errors = Errors::default();
    let has_role = |username: &str, role: Role| {
        facts
            .users_named
            .get(username.trim())
            .filter(|u| &u.pemda == pemda && !u.disabled && u.grants.iter().any(|g| g.role == role))
    };
    let member = has_role(username, Role::AnggotaDprd);
    if username.trim().is_empty() {
        errors.push("username", Rule::Required);
    } else if member.is_none() {
        errors.push("username", Rule::NotOfRole { role: "anggota_dprd" });
    }
    let fraksi = check_text(&mut errors, "fraksi", fraksi, GROUP_MAX);
    let komisi = check_text(&mut errors, "komisi", komisi, GROUP_MAX);
    let dapil = dapil.trim().to_string();
    if dapil.is_empty() {
        errors.push("dapil", Rule::Required);
    } else if !facts.dapil.iter().any(|d| d.code == dapil) {
        errors.push("dapil", Rule::UnknownDapil);
    }
    if assistants.len() > ASSISTANTS_MAX {
        errors.push("assistants", Rule::TooLong { max: ASSISTANTS_MAX });
    }
    let mut ids = Vec::new();
    for (i, name) in assistants.iter().enumerate().take(ASSISTANTS_MAX) {
        match has_role(name, Role::SekretariatDprd) {
            Some(user) if !ids.contains(&user.id) => ids.push(user.id),
            Some(_) => errors.push(format!("assistants[{i}]"), Rule::DuplicateInUpload),
            None => errors.push(format!("assistants[{i}]"), Rule::NotOfRole { role: "sekretariat_dprd" }),
        }
    }
    errors.into_result()?;
    let Some(member) = member else { return Err(DomainError::field("username", Rule::Required)) };
    Ok(vec![DprdEvent::MemberSaved { member: Member { user_id: member.id, fraksi, komisi, dapil, assistants: ids } }])
}

/// What this part records in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DprdEvent {
    DapilSaved { dapil: Dapil },
    MemberSaved { member: Member },
}

impl DprdEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            DprdEvent::DapilSaved { .. } => "dapil_saved",
            DprdEvent::MemberSaved { .. } => "member_saved",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::access::{Grant, Scope, UserActor};
    use crate::error::FieldError;
    use crate::facts::UserFacts;
    use crate::region::Region;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn actor(role: Role) -> Actor {
        Actor::User(UserActor {
            id: Uuid::from_u128(99),
            username: "staf".into(),
            pemda: code("12.71"),
            grants: vec![Grant { role, scope: Scope::Pemda }],
        })
    }

    fn user(id: u128, username: &str, role: Role) -> UserFacts {
        UserFacts {
            id: Uuid::from_u128(id),
            pemda: code("12.71"),
            username: username.into(),
            disabled: false,
            grants: vec![Grant { role, scope: Scope::Pemda }],
        }
    }

    fn facts() -> Facts {
        let mut regions = HashMap::new();
        for (c, level) in [
            ("12.71.01", RegionLevel::Kecamatan),
            ("12.71.02", RegionLevel::Kecamatan),
            ("12.71.01.1001", RegionLevel::Kelurahan),
        ] {
            regions.insert(code(c), Region { code: code(c), name: c.into(), level });
        }
        let users_named = [
            user(1, "dprd.a", Role::AnggotaDprd),
            user(2, "setwan.a", Role::SekretariatDprd),
            user(3, "opd.a", Role::OperatorOpd),
        ]
        .into_iter()
        .map(|u| (u.username.clone(), u))
        .collect();
        Facts {
            regions,
            users_named,
            dapil: vec![Dapil { code: "MDN-1".into(), name: "Medan 1".into(), kecamatan: vec![code("12.71.01")] }],
            ..Facts::default()
        }
    }

    fn refused(result: Result<Vec<DprdEvent>, DomainError>) -> Vec<(String, Rule)> {
        match result {
            Err(DomainError::Invalid(list)) => {
                list.into_iter().map(|FieldError { field, rule }| (field, rule)).collect()
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn dapil(code_: &str, kecamatan: &[&str]) -> DprdCommand {
        DprdCommand::SaveDapil {
            pemda: code("12.71"),
            code: code_.into(),
            name: format!("Dapil {code_}"),
            kecamatan: kecamatan.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn a_kecamatan_lies_in_one_dapil_of_its_pemda() {
        let facts = facts();
        let saved = decide(&facts, &dapil("MDN-2", &["12.71.02"]), &actor(Role::SekretariatDprd)).unwrap();
        assert!(matches!(&saved[..], [DprdEvent::DapilSaved { dapil }] if dapil.holds(&code("12.71.02.1001.001"))));
        // The dapil that holds a kecamatan may save it again.
        assert!(decide(&facts, &dapil("MDN-1", &["12.71.01"]), &actor(Role::BappedaAdmin)).is_ok());
        let refused = refused(decide(
            &facts,
            &dapil("MDN-2", &["12.71.01", "12.71.01.1001", "12.71.09", "33.74.01", "x", "12.71.02", "12.71.02"]),
            &actor(Role::BappedaAdmin),
        ));
        assert_eq!(
            refused.iter().map(|(f, r)| (f.as_str(), r.clone())).collect::<Vec<_>>(),
            [
                ("kecamatan[0]", Rule::InAnotherDapil),
                ("kecamatan[1]", Rule::WrongLevel { expected: "kecamatan" }),
                ("kecamatan[2]", Rule::UnknownRegion),
                ("kecamatan[3]", Rule::UnknownRegion),
                ("kecamatan[4]", Rule::RegionCodePart { position: 1, expected: "2" }),
                ("kecamatan[6]", Rule::DuplicateInUpload),
            ]
        );
        assert_eq!(refused_one(decide(&facts, &dapil("MDN-3", &[]), &actor(Role::BappedaAdmin))), "kecamatan");
        for role in [Role::AnggotaDprd, Role::OperatorOpd, Role::Auditor, Role::OperatorKecamatan] {
            assert!(
                matches!(decide(&facts, &dapil("MDN-2", &["12.71.02"]), &actor(role)), Err(DomainError::Denied(_))),
                "{role:?}"
            );
        }
    }

    fn refused_one(result: Result<Vec<DprdEvent>, DomainError>) -> String {
        refused(result).remove(0).0
    }

    fn member(username: &str, dapil: &str, assistants: &[&str]) -> DprdCommand {
        DprdCommand::SaveMember {
            pemda: code("12.71"),
            username: username.into(),
            fraksi: "Fraksi Uji".into(),
            komisi: "Komisi D".into(),
            dapil: dapil.into(),
            assistants: assistants.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn a_member_is_an_anggota_dprd_account_in_a_dapil_with_secretariat_assistants() {
        let facts = facts();
        let saved = decide(&facts, &member(" dprd.a ", "MDN-1", &["setwan.a"]), &actor(Role::BappedaAdmin)).unwrap();
        let [DprdEvent::MemberSaved { member: saved }] = &saved[..] else { panic!() };
        assert_eq!((saved.user_id, saved.assistants.clone()), (Uuid::from_u128(1), vec![Uuid::from_u128(2)]));
        let refused = refused(decide(
            &facts,
            &member("opd.a", "MDN-9", &["dprd.a", "setwan.a", "setwan.a"]),
            &actor(Role::SekretariatDprd),
        ));
        assert_eq!(
            refused.iter().map(|(f, r)| (f.as_str(), r.clone())).collect::<Vec<_>>(),
            [
                ("username", Rule::NotOfRole { role: "anggota_dprd" }),
                ("dapil", Rule::UnknownDapil),
                ("assistants[0]", Rule::NotOfRole { role: "sekretariat_dprd" }),
                ("assistants[2]", Rule::DuplicateInUpload),
            ]
        );
        let needs = member("dprd.a", "MDN-1", &["setwan.a", "BAD NAME"]).needs();
        assert_eq!(needs.usernames, ["dprd.a", "setwan.a"]);
        assert!(needs.dapil);
    }
}
