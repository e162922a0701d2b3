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
    /// Staff of the DPRD secretariat: keep dapil and members, and enter reses and pokir for the
    /// members they are named assistants of.
    SekretariatDprd,
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
    pub const ALL: [Role; 9] = [
        Role::Warga,
        Role::KepalaLingkungan,
        Role::OperatorKelurahan,
        Role::OperatorKecamatan,
        Role::AnggotaDprd,
        Role::OperatorOpd,
        Role::BappedaAdmin,
        Role::Auditor,
        Role::SekretariatDprd,
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
            Role::SekretariatDprd => "sekretariat_dprd",
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
            // A member's grant covers the pemda: their dapil is part of their member record,
            // and their reses and pokir are theirs by ownership, not by a region grant.
            Role::AnggotaDprd | Role::BappedaAdmin | Role::Auditor | Role::SekretariatDprd => ScopeKind::Pemda,
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
    /// Set an account's password: its owner's own, or any account for who manages users.
    ChangePassword,
    /// Keep the dapil and the DPRD members (fraksi, komisi, dapil, assistants).
    ManageDprd,
    /// Run an OPD's forum: decide what reached it, build its Renja, record and finalise.
    RunForumOpd,
    /// Compile the RKPD: the musrenbang RKPD, the later stages' Renja figures, the adoption.
    CompileRkpd,
}

impl Action {
    pub const ALL: [Action; 17] = [
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
        Action::ChangePassword,
        Action::ManageDprd,
        Action::RunForumOpd,
        Action::CompileRkpd,
    ];

    /// Whether the owner of a record may do this to it whatever their role.
    fn owner_may(self) -> bool {
        matches!(self, Action::ChangePassword)
    }
}

/// What an action is done to: always inside one pemda, sometimes a region or an OPD within it,
/// sometimes a record that belongs to one account (its owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub pemda: RegionCode,
    pub region: Option<RegionCode>,
    pub opd: Option<String>,
    pub owner: Option<Uuid>,
}

impl Resource {
    pub fn pemda(pemda: RegionCode) -> Self {
        Resource { pemda, region: None, opd: None, owner: None }
    }

    pub fn region(region: RegionCode) -> Option<Self> {
        Some(Resource { pemda: region.pemda()?, region: Some(region), opd: None, owner: None })
    }

    /// Something of one perangkat daerah.
    pub fn opd(pemda: RegionCode, code: &str) -> Self {
        Resource { opd: Some(code.to_string()), ..Resource::pemda(pemda) }
    }

    /// A record that belongs to the account `owner`.
    pub fn owned_by(pemda: RegionCode, owner: Uuid) -> Self {
        Resource { owner: Some(owner), ..Resource::pemda(pemda) }
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
    if action.owner_may() && resource.owner == Some(user.id) {
        return Ok(());
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
        Action::AddLingkungan
        | Action::ManageUsers
        | Action::ManageCycle
        | Action::ManageMasterData
        | Action::ChangePassword => role == Role::BappedaAdmin,
        Action::ViewUsers | Action::ViewAuditTrail => matches!(role, Role::BappedaAdmin | Role::Auditor),
        Action::CreatePemda => false,
        Action::RunRembukWarga => role == Role::KepalaLingkungan && covers(grant, resource),
        Action::RunMusrenbangKelurahan => role == Role::OperatorKelurahan && covers(grant, resource),
        Action::RunMusrenbangKecamatan => role == Role::OperatorKecamatan && covers(grant, resource),
        Action::ProposeOnline => role == Role::Warga && covers(grant, resource),
        Action::SupportProposal => role == Role::Warga,
        Action::ManageDprd => matches!(role, Role::BappedaAdmin | Role::SekretariatDprd),
        // An OPD's operator acts for their OPD only; Bappeda compiles, it does not decide for OPD.
        Action::RunForumOpd => role == Role::OperatorOpd && resource.opd.is_some() && covers(grant, resource),
        Action::CompileRkpd => role == Role::BappedaAdmin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    /// Where the resource lies relative to the actor's grant, or whose it is.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Place {
        OwnScope,
        OtherScopeSamePemda,
        OtherPemda,
        /// Something of the OPD an operator_opd grant names, and of another OPD.
        OwnOpd,
        OtherOpd,
        /// A record of the actor's own account, and of another account in the same pemda.
        OwnRecord,
        OtherUsersRecord,
    }

    const PLACES: [Place; 7] = [
        Place::OwnScope,
        Place::OtherScopeSamePemda,
        Place::OtherPemda,
        Place::OwnOpd,
        Place::OtherOpd,
        Place::OwnRecord,
        Place::OtherUsersRecord,
    ];

    const ME: Uuid = Uuid::from_u128(1);

    fn own_scope(role: Role) -> Scope {
        match role {
            Role::Warga | Role::KepalaLingkungan => Scope::Region(code("12.71.01.1001.001")),
            Role::OperatorKelurahan => Scope::Region(code("12.71.01.1001")),
            Role::OperatorKecamatan => Scope::Region(code("12.71.01")),
            Role::OperatorOpd => Scope::Opd("1.03.01".into()),
            Role::AnggotaDprd | Role::BappedaAdmin | Role::Auditor | Role::SekretariatDprd => Scope::Pemda,
        }
    }

    fn resource(place: Place) -> Resource {
        match place {
            Place::OwnScope => Resource::region(code("12.71.01.1001.001")).unwrap(),
            Place::OtherScopeSamePemda => Resource::region(code("12.71.02.1001.001")).unwrap(),
            Place::OtherPemda => Resource::region(code("33.74.01.1001.001")).unwrap(),
            Place::OwnOpd => Resource::opd(code("12.71"), "1.03.01"),
            Place::OtherOpd => Resource::opd(code("12.71"), "1.02.01"),
            Place::OwnRecord => Resource::owned_by(code("12.71"), ME),
            Place::OtherUsersRecord => Resource::owned_by(code("12.71"), Uuid::from_u128(2)),
        }
    }

    /// The expected answers, written down as data: (action, role, one answer per place of
    /// [`PLACES`]: own scope, other scope, other pemda, own OPD, other OPD, own record, another
    /// user's record). Anything not listed is refused everywhere.
    fn expected() -> Vec<(Action, Role, [bool; 7])> {
        const PEMDA_WIDE: [bool; 7] = [true, true, false, true, true, true, true];
        let mut rows = Vec::new();
        for role in Role::ALL {
            rows.push((Action::ViewRegions, role, [true; 7]));
            // Anyone sets their own password; only who manages users sets another's.
            let others = role == Role::BappedaAdmin;
            rows.push((Action::ChangePassword, role, [others, others, false, others, others, true, others]));
        }
        rows.push((Action::AddLingkungan, Role::BappedaAdmin, PEMDA_WIDE));
        rows.push((Action::ManageUsers, Role::BappedaAdmin, PEMDA_WIDE));
        rows.push((Action::ViewUsers, Role::BappedaAdmin, PEMDA_WIDE));
        rows.push((Action::ViewUsers, Role::Auditor, PEMDA_WIDE));
        rows.push((Action::ViewAuditTrail, Role::BappedaAdmin, PEMDA_WIDE));
        rows.push((Action::ViewAuditTrail, Role::Auditor, PEMDA_WIDE));
        rows.push((Action::ManageCycle, Role::BappedaAdmin, PEMDA_WIDE));
        rows.push((Action::ManageMasterData, Role::BappedaAdmin, PEMDA_WIDE));
        rows.push((Action::ManageDprd, Role::BappedaAdmin, PEMDA_WIDE));
        rows.push((Action::ManageDprd, Role::SekretariatDprd, PEMDA_WIDE));
        // Forums are run only inside one's own region, never another's, nor for an OPD.
        let own_region_only = [true, false, false, false, false, false, false];
        rows.push((Action::RunRembukWarga, Role::KepalaLingkungan, own_region_only));
        rows.push((Action::RunMusrenbangKelurahan, Role::OperatorKelurahan, own_region_only));
        rows.push((Action::RunMusrenbangKecamatan, Role::OperatorKecamatan, own_region_only));
        rows.push((Action::ProposeOnline, Role::Warga, own_region_only));
        rows.push((Action::SupportProposal, Role::Warga, PEMDA_WIDE));
        rows.push((Action::RunForumOpd, Role::OperatorOpd, [false, false, false, true, false, false, false]));
        rows.push((Action::CompileRkpd, Role::BappedaAdmin, PEMDA_WIDE));
        rows
    }

    #[test]
    fn access_matrix() {
        let table = expected();
        for action in Action::ALL {
            for role in Role::ALL {
                let actor = Actor::User(UserActor {
                    id: ME,
                    username: "u".into(),
                    pemda: code("12.71"),
                    grants: vec![Grant { role, scope: own_scope(role) }],
                });
                let want = table
                    .iter()
                    .find(|(a, r, _)| *a == action && *r == role)
                    .map(|(_, _, answers)| *answers)
                    .unwrap_or([false; 7]);
                for (i, place) in PLACES.iter().enumerate() {
                    let got = authorize(&actor, action, &resource(*place)).is_ok();
                    assert_eq!(got, want[i], "{role:?} {action:?} {place:?}");
                }
            }
            for place in PLACES {
                let public = authorize(&Actor::Public, action, &resource(place));
                let want = if action == Action::ViewRegions { Ok(()) } else { Err(AccessDenied::NotAuthenticated) };
                assert_eq!(public, want, "public {action:?} {place:?}");
            }
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
