use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dprd_member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub pemda_code: String,
    pub dapil: String,
    pub fraksi: String,
    pub komisi: String,
    /// The assistants' account ids, as a JSON array.
    #[sea_orm(column_type = "Text")]
    pub assistants: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
