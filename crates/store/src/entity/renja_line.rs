use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "renja_line")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pemda_code: String,
    pub cycle_id: Uuid,
    pub opd_code: String,
    /// The sub kegiatan at the line's latest stage.
    pub sub_kegiatan: String,
    /// The stage that created it.
    pub first_stage: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
