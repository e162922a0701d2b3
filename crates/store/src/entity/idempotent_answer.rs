use sea_orm::entity::prelude::*;

/// The answer to a write sent with an `Idempotency-Key`, kept for its retries.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotent_answer")]
pub struct Model {
    /// Whose key it is: the SHA-256 of the credential the request carried.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// The SHA-256 of the request (method, path, body): a key reused for another request is
    /// refused, not answered with the first one's answer.
    pub fingerprint: String,
    pub status: i32,
    pub content_type: String,
    pub body: Vec<u8>,
    /// Unix seconds.
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
