use sea_orm::entity::prelude::*;

/// A print Rencana made, by the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sha256: String,
    pub pemda_code: String,
    /// The code printed on it (`/d/CODE`); one content, one code, though a later typesetter
    /// may print the same content to other bytes.
    pub code: String,
    pub cycle_id: Option<Uuid>,
    pub kind: String,
    pub title: String,
    pub href: String,
    pub pages: i32,
    pub bytes: i64,
    /// The journal entry that records it.
    pub seq: i64,
    pub recorded_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
