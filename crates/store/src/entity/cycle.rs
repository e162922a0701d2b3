use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycle")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pemda_code: String,
    pub tahun_anggaran: i32,
    pub cap_rembuk_warga: Option<i32>,
    pub cap_musrenbang_kelurahan: Option<i32>,
    pub cap_musrenbang_kecamatan: Option<i32>,
    pub online_proposals: bool,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
