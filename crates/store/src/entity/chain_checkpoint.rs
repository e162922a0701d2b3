use sea_orm::entity::prelude::*;

/// How far a pemda's chain was last verified: every entry up to `seq` linked and recomputed, the
/// entry at `seq` then hashing to `hash`; or, once a walk found a break, where it was.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chain_checkpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pemda_code: String,
    pub seq: i64,
    pub hash: String,
    pub first_broken: Option<i64>,
    pub checked_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
