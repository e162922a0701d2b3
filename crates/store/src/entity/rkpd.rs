use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rkpd")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cycle_id: Uuid,
    /// The musrenbang RKPD's `Meeting`, as JSON.
    #[sea_orm(column_type = "Text", nullable)]
    pub musrenbang: Option<String>,
    /// The priority codes it agreed, as a JSON array.
    #[sea_orm(column_type = "Text", nullable)]
    pub priorities: Option<String>,
    pub perkada_number: Option<String>,
    pub perkada_date: Option<String>,
    pub adopted_lines: Option<i32>,
    pub adopted_total: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
