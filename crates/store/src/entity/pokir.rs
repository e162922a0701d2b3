use sea_orm::entity::prelude::*;

/// What makes a proposal of origin `pokir` a pokir: whose it is, the dapil it was entered in, and
/// the reses aspiration it answers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pokir")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: Uuid,
    pub cycle_id: Uuid,
    pub member_id: Uuid,
    pub dapil: String,
    pub reses_id: Uuid,
    pub aspiration: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
