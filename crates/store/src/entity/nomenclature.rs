use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nomenclature")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pemda_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tahun_anggaran: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// The code of the level above; empty for an urusan.
    pub parent_code: String,
    pub name: String,
    pub indicator: String,
    pub unit: String,
    /// Code, name and indicator in lower case, for searching by words.
    pub search: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
