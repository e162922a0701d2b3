//! Applying the accounts part's events (users, grants, sessions) to the current-state tables.

use domain::{AccountEvent, Grant, RegionCode, Scope};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::Result;
use crate::entity::{app_user, user_grant, web_session};

/// Writes one accounts event; reads nothing to learn what to write.
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    pemda: &RegionCode,
    event: &AccountEvent,
    now: OffsetDateTime,
) -> Result<()> {
    match event {
        AccountEvent::UserCreated { user_id, username, name, grants, password_hash } => {
            app_user::Entity::insert(app_user::ActiveModel {
                id: Set(*user_id),
                pemda_code: Set(pemda.to_string()),
                username: Set(username.clone()),
                name: Set(name.clone()),
                password_hash: Set(password_hash.clone()),
                disabled: Set(false),
                created_at: Set(now),
            })
            .exec(txn)
            .await?;
            let rows = grant_rows(*user_id, grants);
            if !rows.is_empty() {
                user_grant::Entity::insert_many(rows).exec(txn).await?;
            }
        }
        AccountEvent::PasswordChanged { user_id, password_hash } => {
            app_user::Entity::update_many()
                .col_expr(app_user::Column::PasswordHash, password_hash.clone().into())
                .filter(app_user::Column::Id.eq(*user_id))
                .exec(txn)
                .await?;
            end_sessions(txn, *user_id).await?;
        }
        AccountEvent::UserGrantsChanged { user_id, grants } => {
            user_grant::Entity::delete_many().filter(user_grant::Column::UserId.eq(*user_id)).exec(txn).await?;
            let rows = grant_rows(*user_id, grants);
            if !rows.is_empty() {
                user_grant::Entity::insert_many(rows).exec(txn).await?;
            }
        }
        AccountEvent::UserDisabled { user_id } | AccountEvent::UserEnabled { user_id } => {
            let disabled = matches!(event, AccountEvent::UserDisabled { .. });
            app_user::Entity::update_many()
                .col_expr(app_user::Column::Disabled, disabled.into())
                .filter(app_user::Column::Id.eq(*user_id))
                .exec(txn)
                .await?;
            if disabled {
                // In the same transaction: a disabled account has no session left to use.
                end_sessions(txn, *user_id).await?;
            }
        }
    }
    Ok(())
}

fn grant_rows(user_id: Uuid, grants: &[Grant]) -> Vec<user_grant::ActiveModel> {
    grants
        .iter()
        .map(|grant| {
            let kind = match grant.scope {
                Scope::Pemda => "pemda",
                Scope::Region(_) => "region",
                Scope::Opd(_) => "opd",
            };
            user_grant::ActiveModel {
                user_id: Set(user_id),
                role: Set(grant.role.as_str().to_string()),
                scope_kind: Set(kind.to_string()),
                scope_code: Set(grant.scope.code().to_string()),
                ..Default::default()
            }
        })
        .collect()
}

async fn end_sessions(txn: &DatabaseTransaction, user_id: Uuid) -> Result<()> {
    web_session::Entity::delete_many().filter(web_session::Column::UserId.eq(user_id)).exec(txn).await?;
    Ok(())
}
