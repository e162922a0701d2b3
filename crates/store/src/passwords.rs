//! Argon2id hashing, off the async threads: a hash takes tens of milliseconds of CPU on purpose.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

use crate::{Result, StoreError};

pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Hashing(e.to_string()))
    })
    .await
    .map_err(|e| StoreError::Hashing(e.to_string()))?
}

/// True when `password` matches `hash`. A malformed hash matches nothing.
pub async fn verify(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash of nothing anybody knows, verified against when the username does not exist, so that
/// a wrong username takes as long to refuse as a wrong password.
pub async fn dummy_verify(password: &str) {
    const DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3nLwYSOzWTbBqM3tNbDa8sPh3u4bD7F3oIgHTV6zT5A";
    let _ = verify(password, DUMMY).await;
}
