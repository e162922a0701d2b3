use sea_orm::entity::prelude::*;

/// A scan of a signed berita acara, kept byte for byte under the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scan")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sha256: String,
    pub pemda_code: String,
    pub cycle_id: Uuid,
    /// The forum within the cycle, as `store::scan_forum` names it.
    pub forum: String,
    pub content_type: String,
    pub bytes: i64,
    /// The username of who uploaded it.
    pub uploaded_by: Option<String>,
    /// The journal entry that records it.
    pub seq: i64,
    pub recorded_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
