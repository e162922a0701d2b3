use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dapil")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pemda_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    /// The kecamatan codes, as a JSON array.
    #[sea_orm(column_type = "Text")]
    pub kecamatan: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
