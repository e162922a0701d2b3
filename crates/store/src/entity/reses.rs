use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pemda_code: String,
    pub cycle_id: Uuid,
    pub member_id: Uuid,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub place: String,
    pub kelurahan_code: String,
    pub attendees: i32,
    #[sea_orm(column_type = "Text")]
    pub minutes: String,
    /// The aspirations, as a JSON array in their order.
    #[sea_orm(column_type = "Text")]
    pub aspirations: String,
    /// Who typed it (the journal's name of the actor).
    pub entered_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
