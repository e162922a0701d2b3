use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub pemda_code: String,
    pub origin: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub problem: String,
    pub bidang: String,
    pub fisik: bool,
    pub track: String,
    pub proposer: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub lingkungan_code: String,
    pub kelurahan_code: String,
    pub kecamatan_code: String,
    pub current_stage: String,
    pub current_status: String,
    pub kamus_code: String,
    pub opd_code: String,
    pub cost: i64,
    pub support_count: i32,
    /// Where the latest figures are, for the duplicate check's indexes.
    pub street_key: String,
    pub lat_e6: Option<i32>,
    pub lon_e6: Option<i32>,
    /// The RPJMD priority it serves, if named.
    pub priority_code: Option<String>,
    /// The title and the latest address as a search compares them (`domain::search::fold`).
    pub title_folded: String,
    pub address_folded: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::proposal_stage::Entity")]
    Stage,
}

impl Related<super::proposal_stage::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Stage.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
