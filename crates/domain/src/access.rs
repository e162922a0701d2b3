//! Who may do what, where: roles, grants, actors and the one access policy that every command
//! and every page goes through.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::region::{RegionCode, RegionLevel};

/// The roles of `domain.md`, with the ids used in the API and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Warga,
    KepalaLingkungan,
    OperatorKelurahan,
    OperatorKecamatan,
    AnggotaDprd,
    OperatorOpd,
    BappedaAdmin,
    Auditor,
}

/// What a role's scope must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// A region at one of these levels.
    Region(&'static [RegionLevel]),
    /// A perangkat daerah, by its code.
    Opd,
    /// The whole pemda: the scope is the pemda's code (or left empty).
    Pemda,
}

const LINGKUNGAN: &[RegionLevel] = &[RegionLevel::Lingkungan];
const VILLAGE: &[RegionLevel] = &[RegionLevel::Kelurahan, RegionLevel::Desa];
const KECAMATAN: &[RegionLevel] = &[RegionLevel::Kecamatan];

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Warga,
        Role::KepalaLingkungan,
        Role::OperatorKelurahan,
        Role::OperatorKecamatan,
        Role::AnggotaDprd,
        Role::OperatorOpd,
        Role::BappedaAdmin,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Warga => "warga",
            Role::KepalaLingkungan => "kepala_lingkungan",
            Role::OperatorKelurahan => "operator_kelurahan",
            Role::OperatorKecamatan => "operator_kecamatan",
            Role::AnggotaDprd => "anggota_dprd",
            Role::OperatorOpd => "operator_opd",
            Role::BappedaAdmin => "bappeda_admin",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == s)
    }

    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Warga | Role::KepalaLingkungan => ScopeKind::Region(LINGKUNGAN),
            Role::OperatorKelurahan => ScopeKind::Region(VILLAGE),
            Role::OperatorKecamatan => ScopeKind::Region(KECAMATAN),
            Role::OperatorOpd => ScopeKind::Opd,
            // Dapil are not modelled yet: a member's grant covers the pemda, and their pokir
            // are theirs by ownership, not by region.
            Role::AnggotaDprd | Role::BappedaAdmin | Role::Auditor => ScopeKind::Pemda,
        }
    }
}

/// Where a grant applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum Scope {
    Pemda,
    Region(RegionCode),
    Opd(String),
}

impl Scope {
    /// The code shown to people and accepted in forms and the API ("" for the whole pemda).
    pub fn code(&self) -> &str {
        match self {
            Scope::Pemda => "",
            Scope::Region(code) => code.as_str(),
            Scope::Opd(code) => code,
        }
    }
}

/// One role, in one scope, inside the actor's pemda.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

/// Who is acting. The CLI acts as the operator of the machine, who may do anything: they could
/// edit the database file anyway, and the journal still records that it was them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Public,
    User(UserActor),
    System { label: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserActor {
    pub id: Uuid,
    pub username: String,
    pub pemda: RegionCode,
    pub grants: Vec<Grant>,
}

impl Actor {
    /// How the journal names the actor.
    pub fn journal_name(&self) -> String {
        match self {
            Actor::Public => "public".to_string(),
            Actor::User(user) => format!("user:{}", user.username),
            Actor::System { label } => format!("system:{label}"),
        }
    }
}

/// Everything a command or a page may ask permission for. Later issues add their actions here,
/// and the matrix test in this module makes them decide each role's answer explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Browse the region tree: public.
    ViewRegions,
    /// Add a lingkungan (or RW) under a kelurahan or desa.
    AddLingkungan,
    /// See the users of a pemda and their grants.
    ViewUsers,
    /// Create users, change grants, disable and enable accounts.
    ManageUsers,
    /// Read the full planning journal (who did what when).
    ViewAuditTrail,
    /// Create a pemda from the official codes: only the machine's operator.
    CreatePemda,
    /// Create cycles, set stage windows, caps and ceilings.
    ManageCycle,
    /// OPD and the kamus usulan.
    ManageMasterData,
    /// Record a lingkungan's rembuk warga: proposals, ranking, minutes, finalising.
    RunRembukWarga,
    /// Decide, add, rank, record and close a musrenbang kelurahan.
    RunMusrenbangKelurahan,
    /// The same for a musrenbang kecamatan.
    RunMusrenbangKecamatan,
    /// A resident proposing into their own lingkungan's rembuk warga, where the cycle allows.
    ProposeOnline,
    /// A resident supporting a proposal.
    SupportProposal,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::ViewRegions,
        Action::AddLingkungan,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAuditTrail,
        Action::CreatePemda,
        Action::ManageCycle,
        Action::ManageMasterData,
        Action::RunRembukWarga,
        Action::RunMusrenbangKelurahan,
        Action::RunMusrenbangKecamatan,
        Action::ProposeOnline,
        Action::SupportProposal,
    ];
}

/// What an action is done to: always inside one pemda, sometimes a region or an OPD within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub pemda: RegionCode,
    pub region: Option<RegionCode>,
    pub opd: Option<String>,
}

impl Resource {
    pub fn pemda(pemda: RegionCode) -> Self {
        Resource { pemda, region: None, opd: None }
    }

    pub fn region(region: RegionCode) -> Option<Self> {
        Some(Resource { pemda: region.pemda()?, region: Some(region), opd: None })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessDenied {
    #[error("login required")]
    NotAuthenticated,
    #[error("not allowed")]
    Forbidden,
}

/// The one access policy. A page shows a button only when this says yes, and the command behind
/// the button asks again.
pub fn authorize(actor: &Actor, action: Action, resource: &Resource) -> Result<(), AccessDenied> {
    if action == Action::ViewRegions {
        return Ok(());
    }
    let user = match actor {
        Actor::System { .. } => return Ok(()),
        Actor::Public => return Err(AccessDenied::NotAuthenticated),
        Actor::User(user) => user,
    };
    if user.pemda != resource.pemda {
        return Err(AccessDenied::Forbidden);
    }
    let allowed = user.grants.iter().any(|grant| grant_allows(grant, action, resource));
    if allowed { Ok(()) } else { Err(AccessDenied::Forbidden) }
}

/// True when the grant's scope covers the resource: a region grant covers its region and
/// everything below it; a pemda grant covers the pemda.
fn covers(grant: &Grant, resource: &Resource) -> bool {
    match (&grant.scope, &resource.region) {
        (Scope::Pemda, _) => true,
        (Scope::Region(scope), Some(region)) => region.is_within(scope),
        (Scope::Opd(scope), _) => resource.opd.as_deref() == Some(scope.as_str()),
        (Scope::Region(_), None) => false,
    }
}

fn grant_allows(grant: &Grant, action: Action, resource: &Resource) -> bool {
    let role = grant.role;
    match action {
        Action::ViewRegions => true,
        Action::AddLingkungan | Action::ManageUsers | Action::ManageCycle | Action::ManageMasterData => {
            role == Role::BappedaAdmin
        }
        Action::ViewUsers | Action::ViewAuditTrail => matches!(role, Role::BappedaAdmin | Role::Auditor),
        Action::CreatePemda => false,
        Action::RunRembukWarga => role == Role::KepalaLingkungan && covers(grant, resource),
        Action::RunMusrenbangKelurahan => role == Role::OperatorKelurahan && covers(grant, resource),
        Action::RunMusrenbangKecamatan => role == Role::OperatorKecamatan && covers(grant, resource),
        Action::ProposeOnline => role == Role::Warga && covers(grant, resource),
        Action::SupportProposal => role == Role::Warga,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    /// Where the resource lies relative to the actor's grant.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Place {
        OwnScope,
        OtherScopeSamePemda,
        OtherPemda,
    }

    fn own_scope(role: Role) -> Scope {
        match role {
            Role::Warga | Role::KepalaLingkungan => Scope::Region(code("12.71.01.1001.001")),
            Role::OperatorKelurahan => Scope::Region(code("12.71.01.1001")),
            Role::OperatorKecamatan => Scope::Region(code("12.71.01")),
            Role::OperatorOpd => Scope::Opd("1.03.01".into()),
            Role::AnggotaDprd | Role::BappedaAdmin | Role::Auditor => Scope::Pemda,
        }
    }

    fn resource(place: Place) -> Resource {
        match place {
            Place::OwnScope => Resource::region(code("12.71.01.1001.001")).unwrap(),
            Place::OtherScopeSamePemda => Resource::region(code("12.71.02.1001.001")).unwrap(),
            Place::OtherPemda => Resource::region(code("33.74.01.1001.001")).unwrap(),
        }
    }

    /// The expected answers, written down as data: (action, role, [own, other scope, other pemda]).
    /// Anything not listed is refused.
    fn expected() -> Vec<(Action, Role, [bool; 3])> {
        let mut rows = Vec::new();
        for role in Role::ALL {
            rows.push((Action::ViewRegions, role, [true, true, true]));
        }
        rows.push((Action::AddLingkungan, Role::BappedaAdmin, [true, true, false]));
        rows.push((Action::ManageUsers, Role::BappedaAdmin, [true, true, false]));
        rows.push((Action::ViewUsers, Role::BappedaAdmin, [true, true, false]));
        rows.push((Action::ViewUsers, Role::Auditor, [true, true, false]));
        rows.push((Action::ViewAuditTrail, Role::BappedaAdmin, [true, true, false]));
        rows.push((Action::ViewAuditTrail, Role::Auditor, [true, true, false]));
        rows.push((Action::ManageCycle, Role::BappedaAdmin, [true, true, false]));
        rows.push((Action::ManageMasterData, Role::BappedaAdmin, [true, true, false]));
        // Forums are run only inside one's own region, never another's.
        rows.push((Action::RunRembukWarga, Role::KepalaLingkungan, [true, false, false]));
        rows.push((Action::RunMusrenbangKelurahan, Role::OperatorKelurahan, [true, false, false]));
        rows.push((Action::RunMusrenbangKecamatan, Role::OperatorKecamatan, [true, false, false]));
        rows.push((Action::ProposeOnline, Role::Warga, [true, false, false]));
        rows.push((Action::SupportProposal, Role::Warga, [true, true, false]));
        rows
    }

    #[test]
    fn access_matrix() {
        let table = expected();
        let places = [Place::OwnScope, Place::OtherScopeSamePemda, Place::OtherPemda];
        for action in Action::ALL {
            for role in Role::ALL {
                let actor = Actor::User(UserActor {
                    id: Uuid::nil(),
                    username: "u".into(),
                    pemda: code("12.71"),
                    grants: vec![Grant { role, scope: own_scope(role) }],
                });
                let want = table
                    .iter()
                    .find(|(a, r, _)| *a == action && *r == role)
                    .map(|(_, _, answers)| *answers)
                    .unwrap_or([false; 3]);
                for (i, place) in places.iter().enumerate() {
                    let got = authorize(&actor, action, &resource(*place)).is_ok();
                    assert_eq!(got, want[i], "{role:?} {action:?} {place:?}");
                }
            }
            let public = authorize(&Actor::Public, action, &resource(Place::OwnScope)).is_ok();
            assert_eq!(public, action == Action::ViewRegions, "public {action:?}");
        }
    }

    #[test]
    fn role_ids_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
