use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycle_stage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cycle_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    pub opens: TimeDateTimeWithTimeZone,
    pub closes: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
