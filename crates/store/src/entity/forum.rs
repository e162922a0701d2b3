use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forum")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cycle_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_code: String,
    pub closed: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub meeting: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
