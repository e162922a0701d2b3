use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "renja_line_stage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub line_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    pub cycle_id: Uuid,
    pub opd_code: String,
    pub pagu: i64,
    pub prakiraan_maju: i64,
    /// The whole `LineContent` at this stage, as JSON.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub saved_by: String,
    pub saved_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
