use sea_orm::entity::prelude::*;

/// A witness's cosignature of one checkpoint: the signature line as it stands in a note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tlog_cosignature")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pemda_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub size: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub witness: String,
    pub line: String,
    /// When the witness signed, Unix seconds (from the cosignature itself).
    pub signed_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
