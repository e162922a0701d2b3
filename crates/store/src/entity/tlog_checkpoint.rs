use sea_orm::entity::prelude::*;

/// A signed checkpoint of a pemda's tree, as the signed note it was issued as.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tlog_checkpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pemda_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub size: i64,
    /// Hex SHA-256.
    pub root: String,
    pub note: String,
    /// RFC 3339, UTC, like the journal's.
    pub issued_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
