//! Accounts: users, their grants, their passwords. The part owns its commands, what they need
//! read, their rules and their events.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Action, Actor, Grant, Resource, Role, Scope, ScopeKind, authorize};
use crate::error::{DomainError, Entity, Errors, NAME_MAX, Rule, check_text};
use crate::facts::{Facts, Needs, UserFacts};
use crate::kamus::CODE_MAX;
use crate::region::RegionCode;

/// The commands of this part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountCommand {
    CreateUser(CreateUser),
    /// Replaces all of a user's grants.
    SetUserGrants {
        user_id: Uuid,
        grants: Vec<GrantInput>,
    },
    /// Adds one grant to those the user has when the command is decided.
    AddUserGrant {
        user_id: Uuid,
        grant: GrantInput,
    },
    /// Removes one grant (by role and scope code) from those the user has when decided.
    RemoveUserGrant {
        user_id: Uuid,
        role: String,
        scope: String,
    },
    SetUserDisabled {
        user_id: Uuid,
        disabled: bool,
    },
    SetPassword {
        user_id: Uuid,
        password_hash: String,
    },
}

impl AccountCommand {
    /// What the rules need read to decide it.
    pub fn needs(&self) -> Needs {
        match self {
            AccountCommand::CreateUser(c) => Needs {
                pemda: Some(c.pemda.clone()),
                regions: scope_regions(&c.grants),
                username: (!crate::error::has_forbidden_control(&c.username)).then(|| c.username.trim().to_string()),
                ..Needs::default()
            },
            AccountCommand::SetUserGrants { user_id, grants } => {
                Needs { user: Some(*user_id), regions: scope_regions(grants), ..Needs::default() }
            }
            AccountCommand::AddUserGrant { user_id, grant } => {
                Needs { user: Some(*user_id), regions: scope_regions(std::slice::from_ref(grant)), ..Needs::default() }
            }
            AccountCommand::RemoveUserGrant { user_id, .. }
            | AccountCommand::SetUserDisabled { user_id, .. }
            | AccountCommand::SetPassword { user_id, .. } => Needs { user: Some(*user_id), ..Needs::default() },
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            AccountCommand::CreateUser(_) => "create_user",
            AccountCommand::SetUserGrants { .. } => "set_user_grants",
            AccountCommand::AddUserGrant { .. } => "add_user_grant",
            AccountCommand::RemoveUserGrant { .. } => "remove_user_grant",
            AccountCommand::SetUserDisabled { .. } => "set_user_disabled",
            AccountCommand::SetPassword { .. } => "set_password",
        }
    }
}

/// Decides an account command.
pub fn decide(facts: &Facts, command: &AccountCommand, actor: &Actor) -> Result<Vec<AccountEvent>, DomainError> {
    match command {
        AccountCommand::CreateUser(c) => create_user(facts, c, actor),
        AccountCommand::SetUserGrants { user_id, grants } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ManageUsers, &Resource::pemda(user.pemda.clone()))?;
            let grants = check_grants(facts, &user.pemda, grants)?;
            grants_changed(user, grants, actor)
        }
        AccountCommand::AddUserGrant { user_id, grant } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ManageUsers, &Resource::pemda(user.pemda.clone()))?;
            // One grant, so its fields are named plainly (`scope`, not `grants[0].scope`).
            let added = check_grants(facts, &user.pemda, std::slice::from_ref(grant)).map_err(|error| match error {
                DomainError::Invalid(list) => DomainError::Invalid(
                    list.into_iter()
                        .map(|e| crate::FieldError::new(e.field.trim_start_matches("grants[0]."), e.rule))
                        .collect(),
                ),
                other => other,
            })?;
            let mut grants = user.grants.clone();
            grants.extend(added);
            grants_changed(user, unique(grants), actor)
        }
        AccountCommand::RemoveUserGrant { user_id, role, scope } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ManageUsers, &Resource::pemda(user.pemda.clone()))?;
            let mut grants = user.grants.clone();
            let before = grants.len();
            grants.retain(|g| !(g.role.as_str() == role && g.scope.code() == scope.trim()));
            if grants.len() == before {
                return Err(DomainError::field("grants", Rule::UnknownRole));
            }
            grants_changed(user, grants, actor)
        }
        AccountCommand::SetUserDisabled { user_id, disabled } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ManageUsers, &Resource::pemda(user.pemda.clone()))?;
            if *disabled && is_self(actor, user) {
                return Err(DomainError::field("user", Rule::OwnAdminAccount));
            }
            Ok(match (user.disabled, disabled) {
                (false, true) => vec![AccountEvent::UserDisabled { user_id: user.id }],
                (true, false) => vec![AccountEvent::UserEnabled { user_id: user.id }],
                // Asking again for the state the account is in changes nothing and says so.
                _ => vec![],
            })
        }
        AccountCommand::SetPassword { user_id, password_hash } => {
            let user = known_user(facts, *user_id)?;
            authorize(actor, Action::ChangePassword, &Resource::owned_by(user.pemda.clone(), user.id))?;
            Ok(vec![AccountEvent::PasswordChanged { user_id: user.id, password_hash: password_hash.clone() }])
        }
    }
}

pub const USERNAME_MAX: usize = 32;

pub const USERNAME_MIN: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantInput {
    pub role: String,
    pub scope: String,
}

/// A new account. The password was checked with [`crate::password::check_new_password`] and
/// hashed before the command was built: hashing is slow and must not hold the write lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateUser {
    pub pemda: RegionCode,
    pub user_id: Uuid,
    pub username: String,
    pub name: String,
    pub password_hash: String,
    pub grants: Vec<GrantInput>,
}

/// The regions grant scopes name.
fn scope_regions(grants: &[GrantInput]) -> Vec<RegionCode> {
    grants.iter().filter_map(|g| RegionCode::parse(&g.scope).ok()).collect()
}

fn is_self(actor: &Actor, user: &UserFacts) -> bool {
    matches!(actor, Actor::User(me) if me.id == user.id)
}

/// Grants in their first order, each once.
fn unique(grants: Vec<Grant>) -> Vec<Grant> {
    let mut seen = HashSet::new();
    grants.into_iter().filter(|g| seen.insert(g.clone())).collect()
}

/// An administrator may not take their own administration away: only the CLI could restore it.
fn grants_changed(user: &UserFacts, grants: Vec<Grant>, actor: &Actor) -> Result<Vec<AccountEvent>, DomainError> {
    let was_admin = user.grants.iter().any(|g| g.role == Role::BappedaAdmin);
    let stays_admin = grants.iter().any(|g| g.role == Role::BappedaAdmin);
    if is_self(actor, user) && was_admin && !stays_admin {
        return Err(DomainError::field("grants", Rule::OwnAdminAccount));
    }
    Ok(vec![AccountEvent::UserGrantsChanged { user_id: user.id, grants }])
}

fn known_user(facts: &Facts, user_id: Uuid) -> Result<&UserFacts, DomainError> {
    facts
        .user
        .as_ref()
        .filter(|u| u.id == user_id)
        .ok_or_else(|| DomainError::NotFound(Entity::User, user_id.to_string()))
}

fn create_user(facts: &Facts, c: &CreateUser, actor: &Actor) -> Result<Vec<AccountEvent>, DomainError> {
    authorize(actor, Action::ManageUsers, &Resource::pemda(c.pemda.clone()))?;
    if !facts.pemda_exists {
        return Err(DomainError::NotFound(Entity::Pemda, c.pemda.to_string()));
    }
    let mut errors = Errors::default();
    let username = check_username(&mut errors, &c.username);
    if errors.is_empty() && facts.username_taken {
        errors.push("username", Rule::Taken);
    }
    let name = check_text(&mut errors, "name", &c.name, NAME_MAX);
    let grants = match check_grants(facts, &c.pemda, &c.grants) {
        Ok(grants) => Some(grants),
        Err(DomainError::Invalid(list)) => {
            list.into_iter().for_each(|e| errors.push(e.field, e.rule));
            None
        }
        Err(other) => return Err(other),
    };
    errors.into_result()?;
    Ok(vec![AccountEvent::UserCreated {
        user_id: c.user_id,
        username,
        name,
        grants: grants.unwrap_or_default(),
        password_hash: c.password_hash.clone(),
    }])
}

/// `username` trimmed when it has a username's shape, for a lookup.
pub fn username_to_look_up(username: &str) -> Option<String> {
    let mut errors = Errors::default();
    let username = check_username(&mut errors, username);
    errors.is_empty().then_some(username)
}

/// Usernames are short, lower-case and safe to show in URLs and logs.
pub fn check_username(errors: &mut Errors, username: &str) -> String {
    let username = username.trim().to_string();
    let length = username.chars().count();
    if username.is_empty() {
        errors.push("username", Rule::Required);
    } else if length < USERNAME_MIN {
        errors.push("username", Rule::TooShort { min: USERNAME_MIN });
    } else if length > USERNAME_MAX {
        errors.push("username", Rule::TooLong { max: USERNAME_MAX });
    } else {
        let allowed = username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        let starts_well = username.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !allowed || !starts_well {
            errors.push("username", Rule::Format { expected: "username" });
        }
    }
    username
}

fn check_grants(facts: &Facts, pemda: &RegionCode, inputs: &[GrantInput]) -> Result<Vec<Grant>, DomainError> {
    let mut errors = Errors::default();
    if inputs.is_empty() {
        errors.push("grants", Rule::Required);
    }
    let mut grants = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let Some(role) = Role::parse(input.role.trim()) else {
            errors.push(format!("grants[{i}].role"), Rule::UnknownRole);
            continue;
        };
        let scope_field = format!("grants[{i}].scope");
        let scope_text = input.scope.trim();
        let scope = match role.scope_kind() {
            ScopeKind::Pemda if scope_text.is_empty() || scope_text == pemda.as_str() => Scope::Pemda,
            ScopeKind::Pemda => {
                errors.push(scope_field, Rule::WrongLevel { expected: "pemda" });
                continue;
            }
            ScopeKind::Opd => {
                let valid = !scope_text.is_empty()
                    && scope_text.len() <= CODE_MAX
                    && scope_text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
                if !valid {
                    errors.push(scope_field, Rule::Format { expected: "opd_code" });
                    continue;
                }
                Scope::Opd(scope_text.to_string())
            }
            ScopeKind::Region(levels) => {
                let code = match RegionCode::parse(scope_text) {
                    Ok(code) => code,
                    Err(e) => {
                        errors.push(scope_field, e.into());
                        continue;
                    }
                };
                let expected = match role {
                    Role::OperatorKelurahan => "kelurahan_desa",
                    Role::OperatorKecamatan => "kecamatan",
                    _ => "lingkungan",
                };
                match facts.regions.get(&code) {
                    Some(_) if !code.is_within(pemda) => errors.push(scope_field, Rule::UnknownRegion),
                    Some(region) if levels.contains(&region.level) => {
                        grants.push(Grant { role, scope: Scope::Region(code) })
                    }
                    Some(_) => errors.push(scope_field, Rule::WrongLevel { expected }),
                    None => errors.push(scope_field, Rule::UnknownRegion),
                }
                continue;
            }
        };
        grants.push(Grant { role, scope });
    }
    errors.into_result()?;
    Ok(unique(grants))
}

/// What this part records in the journal (tagged by `type`, as every event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AccountEvent {
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

impl AccountEvent {
    /// The kind as stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            AccountEvent::UserCreated { .. } => "user_created",
            AccountEvent::PasswordChanged { .. } => "password_changed",
            AccountEvent::UserGrantsChanged { .. } => "user_grants_changed",
            AccountEvent::UserDisabled { .. } => "user_disabled",
            AccountEvent::UserEnabled { .. } => "user_enabled",
        }
    }
}
