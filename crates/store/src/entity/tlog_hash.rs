use sea_orm::entity::prelude::*;

/// One hash of a pemda's Merkle tree, at its stored hash index (one per complete subtree).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tlog_hash")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pemda_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub idx: i64,
    pub hash: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
