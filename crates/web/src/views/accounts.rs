//! Accounts as pages and API both handle them.

use crate::error::AppResult;

/// Checks a new password and hashes it; the domain error names the field.
pub async fn hash_new_password(password: &str, username: &str) -> AppResult<String> {
    let mut errors = domain::error::Errors::default();
    domain::password::check_new_password(&mut errors, "password", password, username.trim());
    errors.into_result()?;
    Ok(store::passwords::hash(password).await?)
}
