use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_stage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    pub cycle_id: Uuid,
    pub forum_region: String,
    pub status: String,
    pub rank: Option<i32>,
    pub kamus_code: String,
    pub unit: String,
    pub unit_price: i64,
    pub volume: i64,
    pub cost: i64,
    pub opd_code: String,
    pub lingkungan_code: String,
    pub address: String,
    pub lat_e6: Option<i32>,
    pub lon_e6: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::proposal::Entity", from = "Column::ProposalId", to = "super::proposal::Column::Id")]
    Proposal,
}

impl Related<super::proposal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Proposal.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
