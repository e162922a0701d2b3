//! The one migration tree, for SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Foundation),
            Box::new(Musrenbang),
            Box::new(Photos),
            Box::new(Checkpoints),
            Box::new(SizedReads),
            Box::new(Nomenclature),
            Box::new(Priorities),
            Box::new(Dprd),
            Box::new(ResesAndPokir),
            Box::new(RenjaAndRkpd),
            Box::new(Search),
            Box::new(TransparencyLog),
            Box::new(Documents),
            Box::new(SignedScans),
            Box::new(IdempotencyKeys),
            Box::new(ListIndexes),
            Box::new(PemdaIndex),
        ]
    }
}

#[derive(DeriveIden)]
enum Pemda {
    Table,
    Code,
    Name,
    Level,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Code,
    PemdaCode,
    ParentCode,
    Name,
    Level,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    PemdaCode,
    Username,
    Name,
    PasswordHash,
    Disabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UserGrant {
    Table,
    Id,
    UserId,
    Role,
    ScopeKind,
    ScopeCode,
}

#[derive(DeriveIden)]
enum Journal {
    Table,
    PemdaCode,
    Seq,
    EventId,
    Kind,
    Actor,
    At,
    Payload,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum ChainHead {
    Table,
    PemdaCode,
    Seq,
    Hash,
}

#[derive(DeriveIden)]
enum WebSession {
    Table,
    IdHash,
    UserId,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum SecurityLog {
    Table,
    Id,
    At,
    Kind,
    Username,
    PemdaCode,
    Detail,
}

/// Creates plain indexes on `table`, each named and over its columns in order.
async fn create_indexes<T: Iden + Copy + 'static, const N: usize>(
    manager: &SchemaManager<'_>,
    table: T,
    indexes: [(&str, Vec<T>); N],
) -> Result<(), DbErr> {
    for (name, columns) in indexes {
        let mut index = Index::create();
        index.name(name).table(table);
        for column in columns {
            index.col(column);
        }
        manager.create_index(index.to_owned()).await?;
    }
    Ok(())
}

/// Migration names are their identity in `seaql_migrations`: fixed here, never derived from the
/// module path, so that moving code never makes a migration run twice.
struct Foundation;

impl MigrationName for Foundation {
    fn name(&self) -> &str {
        "m20261129_000001_foundation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Foundation {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Pemda::Table)
                    .col(string_len(Pemda::Code, 16).primary_key())
                    .col(string_len(Pemda::Name, 200))
                    .col(string_len(Pemda::Level, 16))
                    .col(timestamp_with_time_zone(Pemda::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .col(string_len(Region::Code, 24).primary_key())
                    .col(string_len(Region::PemdaCode, 16))
                    .col(string_len(Region::ParentCode, 24))
                    .col(string_len(Region::Name, 200))
                    .col(string_len(Region::Level, 16))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_region_pemda")
                            .from(Region::Table, Region::PemdaCode)
                            .to(Pemda::Table, Pemda::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_region_parent")
                    .table(Region::Table)
                    .col(Region::ParentCode)
                    .col(Region::Code)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_region_pemda")
                    .table(Region::Table)
                    .col(Region::PemdaCode)
                    .col(Region::Level)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(uuid(AppUser::Id).primary_key())
                    .col(string_len(AppUser::PemdaCode, 16))
                    .col(string_len_uniq(AppUser::Username, 64))
                    .col(string_len(AppUser::Name, 200))
                    .col(string_len(AppUser::PasswordHash, 200))
                    .col(boolean(AppUser::Disabled))
                    .col(timestamp_with_time_zone(AppUser::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_pemda")
                            .from(AppUser::Table, AppUser::PemdaCode)
                            .to(Pemda::Table, Pemda::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_user_pemda")
                    .table(AppUser::Table)
                    .col(AppUser::PemdaCode)
                    .col(AppUser::Username)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserGrant::Table)
                    .col(pk_auto(UserGrant::Id))
                    .col(uuid(UserGrant::UserId))
                    .col(string_len(UserGrant::Role, 32))
                    .col(string_len(UserGrant::ScopeKind, 16))
                    .col(string_len(UserGrant::ScopeCode, 48))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_grant_user")
                            .from(UserGrant::Table, UserGrant::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_grant_user").table(UserGrant::Table).col(UserGrant::UserId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Journal::Table)
                    .col(string_len(Journal::PemdaCode, 16))
                    .col(big_integer(Journal::Seq))
                    .col(string_len(Journal::EventId, 36))
                    .col(string_len(Journal::Kind, 64))
                    .col(string_len(Journal::Actor, 128))
                    .col(string_len(Journal::At, 40))
                    .col(text(Journal::Payload))
                    .col(string_len(Journal::PrevHash, 64))
                    .col(string_len(Journal::Hash, 64))
                    .primary_key(Index::create().col(Journal::PemdaCode).col(Journal::Seq))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChainHead::Table)
                    .col(string_len(ChainHead::PemdaCode, 16).primary_key())
                    .col(big_integer(ChainHead::Seq))
                    .col(string_len(ChainHead::Hash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebSession::Table)
                    .col(string_len(WebSession::IdHash, 64).primary_key())
                    .col(uuid_null(WebSession::UserId))
                    .col(blob(WebSession::Data))
                    .col(timestamp_with_time_zone(WebSession::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_session_user").table(WebSession::Table).col(WebSession::UserId).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_session_expiry")
                    .table(WebSession::Table)
                    .col(WebSession::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SecurityLog::Table)
                    .col(big_pk_auto(SecurityLog::Id))
                    .col(timestamp_with_time_zone(SecurityLog::At))
                    .col(string_len(SecurityLog::Kind, 32))
                    .col(string_len(SecurityLog::Username, 64))
                    .col(string_len_null(SecurityLog::PemdaCode, 16))
                    .col(string_len(SecurityLog::Detail, 500))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_security_username")
                    .table(SecurityLog::Table)
                    .col(SecurityLog::Username)
                    .col(SecurityLog::Kind)
                    .col(SecurityLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_security_pemda")
                    .table(SecurityLog::Table)
                    .col(SecurityLog::PemdaCode)
                    .col(SecurityLog::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The journal is the record of a public process: no migration drops it.
        Err(DbErr::Migration("the foundation schema is not reversible".into()))
    }
}

#[derive(DeriveIden)]
enum Cycle {
    Table,
    Id,
    PemdaCode,
    TahunAnggaran,
    CapRembukWarga,
    CapMusrenbangKelurahan,
    CapMusrenbangKecamatan,
    OnlineProposals,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CycleStage {
    Table,
    CycleId,
    Stage,
    Opens,
    Closes,
}

#[derive(DeriveIden)]
enum Opd {
    Table,
    PemdaCode,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum KamusItem {
    Table,
    SubKegiatan,
    PemdaCode,
    TahunAnggaran,
    Code,
    Name,
    Unit,
    UnitPrice,
    OpdCode,
    Bidang,
    Fisik,
}

#[derive(DeriveIden)]
enum Ceiling {
    Table,
    CycleId,
    KecamatanCode,
    Amount,
}

#[derive(DeriveIden, Clone, Copy)]
enum Proposal {
    Table,
    PriorityCode,
    Id,
    CycleId,
    PemdaCode,
    Origin,
    Title,
    Problem,
    Bidang,
    Fisik,
    Track,
    Proposer,
    CreatedAt,
    LingkunganCode,
    KelurahanCode,
    KecamatanCode,
    CurrentStage,
    CurrentStatus,
    KamusCode,
    OpdCode,
    Cost,
    SupportCount,
    StreetKey,
    LatE6,
    LonE6,
    TitleFolded,
    AddressFolded,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProposalStage {
    Table,
    ProposalId,
    Stage,
    CycleId,
    ForumRegion,
    Status,
    Rank,
    KamusCode,
    Unit,
    UnitPrice,
    Volume,
    Cost,
    OpdCode,
    LingkunganCode,
    Address,
    LatE6,
    LonE6,
    Reason,
    DecidedBy,
    DecidedAt,
}

#[derive(DeriveIden)]
enum Forum {
    Table,
    CycleId,
    Stage,
    RegionCode,
    Closed,
    Meeting,
}

#[derive(DeriveIden)]
enum Support {
    Table,
    ProposalId,
    UserId,
}

#[derive(DeriveIden)]
enum JournalSubject {
    Table,
    ProposalId,
    PemdaCode,
    Seq,
}

struct Musrenbang;

impl MigrationName for Musrenbang {
    fn name(&self) -> &str {
        "m20261129_000002_musrenbang"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Musrenbang {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Cycle::Table)
                    .col(uuid(Cycle::Id).primary_key())
                    .col(string_len(Cycle::PemdaCode, 16))
                    .col(integer(Cycle::TahunAnggaran))
                    .col(integer_null(Cycle::CapRembukWarga))
                    .col(integer_null(Cycle::CapMusrenbangKelurahan))
                    .col(integer_null(Cycle::CapMusrenbangKecamatan))
                    .col(boolean(Cycle::OnlineProposals))
                    .col(timestamp_with_time_zone(Cycle::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_cycle_year")
                    .table(Cycle::Table)
                    .col(Cycle::PemdaCode)
                    .col(Cycle::TahunAnggaran)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CycleStage::Table)
                    .col(uuid(CycleStage::CycleId))
                    .col(string_len(CycleStage::Stage, 32))
                    .col(timestamp_with_time_zone(CycleStage::Opens))
                    .col(timestamp_with_time_zone(CycleStage::Closes))
                    .primary_key(Index::create().col(CycleStage::CycleId).col(CycleStage::Stage))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Opd::Table)
                    .col(string_len(Opd::PemdaCode, 16))
                    .col(string_len(Opd::Code, 48))
                    .col(string_len(Opd::Name, 400))
                    .primary_key(Index::create().col(Opd::PemdaCode).col(Opd::Code))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(KamusItem::Table)
                    .col(string_len(KamusItem::PemdaCode, 16))
                    .col(integer(KamusItem::TahunAnggaran))
                    .col(string_len(KamusItem::Code, 48))
                    .col(string_len(KamusItem::Name, 400))
                    .col(string_len(KamusItem::Unit, 64))
                    .col(big_integer(KamusItem::UnitPrice))
                    .col(string_len(KamusItem::OpdCode, 48))
                    .col(string_len(KamusItem::Bidang, 48))
                    .col(boolean(KamusItem::Fisik))
                    .primary_key(
                        Index::create().col(KamusItem::PemdaCode).col(KamusItem::TahunAnggaran).col(KamusItem::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Ceiling::Table)
                    .col(uuid(Ceiling::CycleId))
                    .col(string_len(Ceiling::KecamatanCode, 24))
                    .col(big_integer(Ceiling::Amount))
                    .primary_key(Index::create().col(Ceiling::CycleId).col(Ceiling::KecamatanCode))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Proposal::Table)
                    .col(uuid(Proposal::Id).primary_key())
                    .col(uuid(Proposal::CycleId))
                    .col(string_len(Proposal::PemdaCode, 16))
                    .col(string_len(Proposal::Origin, 16))
                    .col(string_len(Proposal::Title, 400))
                    .col(text(Proposal::Problem))
                    .col(string_len(Proposal::Bidang, 48))
                    .col(boolean(Proposal::Fisik))
                    .col(string_len(Proposal::Track, 24))
                    .col(string_len(Proposal::Proposer, 128))
                    .col(timestamp_with_time_zone(Proposal::CreatedAt))
                    .col(string_len(Proposal::LingkunganCode, 24))
                    .col(string_len(Proposal::KelurahanCode, 24))
                    .col(string_len(Proposal::KecamatanCode, 24))
                    .col(string_len(Proposal::CurrentStage, 32))
                    .col(string_len(Proposal::CurrentStatus, 32))
                    .col(string_len(Proposal::KamusCode, 48))
                    .col(string_len(Proposal::OpdCode, 48))
                    .col(big_integer(Proposal::Cost))
                    .col(integer(Proposal::SupportCount))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            Proposal::Table,
            [
                ("ix_proposal_cycle", vec![Proposal::CycleId, Proposal::Id]),
                ("ix_proposal_kecamatan", vec![Proposal::KecamatanCode, Proposal::Id]),
                ("ix_proposal_kelurahan", vec![Proposal::KelurahanCode, Proposal::Id]),
                ("ix_proposal_lingkungan", vec![Proposal::LingkunganCode, Proposal::Id]),
                ("ix_proposal_stage", vec![Proposal::CurrentStage, Proposal::CurrentStatus, Proposal::Id]),
                ("ix_proposal_opd", vec![Proposal::OpdCode, Proposal::Id]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProposalStage::Table)
                    .col(uuid(ProposalStage::ProposalId))
                    .col(string_len(ProposalStage::Stage, 32))
                    .col(uuid(ProposalStage::CycleId))
                    .col(string_len(ProposalStage::ForumRegion, 48))
                    .col(string_len(ProposalStage::Status, 32))
                    .col(integer_null(ProposalStage::Rank))
                    .col(string_len(ProposalStage::KamusCode, 48))
                    .col(string_len(ProposalStage::Unit, 64))
                    .col(big_integer(ProposalStage::UnitPrice))
                    .col(big_integer(ProposalStage::Volume))
                    .col(big_integer(ProposalStage::Cost))
                    .col(string_len(ProposalStage::OpdCode, 48))
                    .col(string_len(ProposalStage::LingkunganCode, 24))
                    .col(string_len(ProposalStage::Address, 400))
                    .col(integer_null(ProposalStage::LatE6))
                    .col(integer_null(ProposalStage::LonE6))
                    .col(text_null(ProposalStage::Reason))
                    .col(string_len_null(ProposalStage::DecidedBy, 128))
                    .col(string_len_null(ProposalStage::DecidedAt, 40))
                    .primary_key(Index::create().col(ProposalStage::ProposalId).col(ProposalStage::Stage))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_proposal_stage_forum")
                    .table(ProposalStage::Table)
                    .col(ProposalStage::CycleId)
                    .col(ProposalStage::Stage)
                    .col(ProposalStage::ForumRegion)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Forum::Table)
                    .col(uuid(Forum::CycleId))
                    .col(string_len(Forum::Stage, 32))
                    .col(string_len(Forum::RegionCode, 48))
                    .col(boolean(Forum::Closed))
                    .col(text_null(Forum::Meeting))
                    .primary_key(Index::create().col(Forum::CycleId).col(Forum::Stage).col(Forum::RegionCode))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Support::Table)
                    .col(uuid(Support::ProposalId))
                    .col(uuid(Support::UserId))
                    .primary_key(Index::create().col(Support::ProposalId).col(Support::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JournalSubject::Table)
                    .col(uuid(JournalSubject::ProposalId))
                    .col(string_len(JournalSubject::PemdaCode, 16))
                    .col(big_integer(JournalSubject::Seq))
                    .primary_key(
                        Index::create()
                            .col(JournalSubject::ProposalId)
                            .col(JournalSubject::PemdaCode)
                            .col(JournalSubject::Seq),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the musrenbang schema is not reversible".into()))
    }
}

#[derive(DeriveIden)]
enum Photo {
    Table,
    Id,
    ProposalId,
    Sha256,
    ContentType,
    Size,
    CreatedAt,
}

struct Photos;

impl MigrationName for Photos {
    fn name(&self) -> &str {
        "m20261129_000003_photos"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Photos {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Photo::Table)
                    .col(uuid(Photo::Id).primary_key())
                    .col(uuid(Photo::ProposalId))
                    .col(string_len(Photo::Sha256, 64))
                    .col(string_len(Photo::ContentType, 32))
                    .col(big_integer(Photo::Size))
                    .col(timestamp_with_time_zone(Photo::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_photo_proposal").table(Photo::Table).col(Photo::ProposalId).to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the photo schema is not reversible".into()))
    }
}

#[derive(DeriveIden)]
enum ChainCheckpoint {
    Table,
    PemdaCode,
    Seq,
    Hash,
    FirstBroken,
    CheckedAt,
}

/// Where each pemda's chain was last verified, so the public check walks only what came since.
struct Checkpoints;

impl MigrationName for Checkpoints {
    fn name(&self) -> &str {
        "m20261203_000004_chain_checkpoints"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Checkpoints {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChainCheckpoint::Table)
                    .col(string_len(ChainCheckpoint::PemdaCode, 16).primary_key())
                    .col(big_integer(ChainCheckpoint::Seq))
                    .col(string_len(ChainCheckpoint::Hash, 64))
                    .col(big_integer_null(ChainCheckpoint::FirstBroken))
                    .col(timestamp_with_time_zone(ChainCheckpoint::CheckedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the checkpoint schema is not reversible".into()))
    }
}

/// Reads sized to what they show. The proposal row keeps, beside its latest figures, where they
/// are (street key and point), so the duplicate check finds its neighbours through an index of
/// its own rule instead of reading the cycle; a forum's stage rows are indexed in rank order,
/// and by status with cost and rank so that its totals are counted from the index alone.
struct SizedReads;

impl MigrationName for SizedReads {
    fn name(&self) -> &str {
        "m20261204_000005_sized_reads"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SizedReads {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [
            ColumnDef::new(Proposal::StreetKey).string_len(400).not_null().default("").to_owned(),
            ColumnDef::new(Proposal::LatE6).integer().null().to_owned(),
            ColumnDef::new(Proposal::LonE6).integer().null().to_owned(),
        ] {
            manager.alter_table(Table::alter().table(Proposal::Table).add_column(column).to_owned()).await?;
        }
        backfill_places(manager).await?;
        create_indexes(
            manager,
            Proposal::Table,
            [
                ("ix_proposal_near", vec![Proposal::CycleId, Proposal::KamusCode, Proposal::LatE6, Proposal::LonE6]),
                (
                    "ix_proposal_street",
                    vec![Proposal::CycleId, Proposal::KamusCode, Proposal::KelurahanCode, Proposal::StreetKey],
                ),
            ],
        )
        .await?;
        manager
            .drop_index(Index::drop().name("ix_proposal_stage_forum").table(ProposalStage::Table).to_owned())
            .await?;
        create_indexes(
            manager,
            ProposalStage::Table,
            [
                (
                    "ix_proposal_stage_forum_rank",
                    vec![
                        ProposalStage::CycleId,
                        ProposalStage::Stage,
                        ProposalStage::ForumRegion,
                        ProposalStage::Rank,
                        ProposalStage::ProposalId,
                    ],
                ),
                (
                    "ix_proposal_stage_forum_status",
                    vec![
                        ProposalStage::CycleId,
                        ProposalStage::Stage,
                        ProposalStage::ForumRegion,
                        ProposalStage::Status,
                        ProposalStage::Cost,
                        ProposalStage::Rank,
                    ],
                ),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the sized-reads schema is not reversible".into()))
    }
}

/// Fills the new place columns of proposals written before them, from each one's record at its
/// current stage (the latest figures).
async fn backfill_places(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    db.execute_unprepared(
        "UPDATE proposal SET \
           lat_e6 = (SELECT s.lat_e6 FROM proposal_stage s WHERE s.proposal_id = proposal.id AND s.stage = proposal.current_stage), \
           lon_e6 = (SELECT s.lon_e6 FROM proposal_stage s WHERE s.proposal_id = proposal.id AND s.stage = proposal.current_stage)",
    )
    .await?;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT p.id AS id, s.address AS address FROM proposal p \
             JOIN proposal_stage s ON s.proposal_id = p.id AND s.stage = p.current_stage",
        ))
        .await?;
    let mut by_key: std::collections::HashMap<String, Vec<sea_orm::prelude::Uuid>> = Default::default();
    for row in rows {
        let id: sea_orm::prelude::Uuid = row.try_get("", "id")?;
        let address: String = row.try_get("", "address")?;
        by_key.entry(domain::planning::street_key(&address)).or_default().push(id);
    }
    for (key, ids) in by_key {
        for chunk in ids.chunks(crate::IN_LIST_MAX) {
            let update = Query::update()
                .table(Proposal::Table)
                .value(Proposal::StreetKey, key.clone())
                .and_where(Expr::col(Proposal::Id).is_in(chunk.iter().copied()))
                .to_owned();
            db.execute(&update).await?;
        }
    }
    Ok(())
}

#[derive(DeriveIden, Clone, Copy)]
enum NomenclatureTable {
    #[sea_orm(iden = "nomenclature")]
    Table,
    PemdaCode,
    TahunAnggaran,
    Code,
    ParentCode,
    Name,
    Indicator,
    Unit,
    Search,
}

/// The Kemendagri nomenclature per pemda and tahun anggaran, and the sub kegiatan a kamus item
/// is funded by.
struct Nomenclature;

impl MigrationName for Nomenclature {
    fn name(&self) -> &str {
        "m20261205_000006_nomenclature"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Nomenclature {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use NomenclatureTable as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .col(string_len(N::PemdaCode, 16))
                    .col(integer(N::TahunAnggaran))
                    .col(string_len(N::Code, 24))
                    .col(string_len(N::ParentCode, 24))
                    .col(string_len(N::Name, 400))
                    .col(string_len(N::Indicator, 500))
                    .col(string_len(N::Unit, 100))
                    .col(text(N::Search))
                    .primary_key(Index::create().col(N::PemdaCode).col(N::TahunAnggaran).col(N::Code))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            N::Table,
            [("ix_nomenclature_parent", vec![N::PemdaCode, N::TahunAnggaran, N::ParentCode, N::Code])],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(KamusItem::Table)
                    .add_column(ColumnDef::new(KamusItem::SubKegiatan).string_len(24).null().to_owned())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the nomenclature schema is not reversible".into()))
    }
}

#[derive(DeriveIden)]
enum RpjmdPriority {
    Table,
    PemdaCode,
    Code,
    Name,
    Sasaran,
}

/// The RPJMD's priorities per pemda, and the priority a proposal serves.
struct Priorities;

impl MigrationName for Priorities {
    fn name(&self) -> &str {
        "m20261205_000007_priorities"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Priorities {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RpjmdPriority::Table)
                    .col(string_len(RpjmdPriority::PemdaCode, 16))
                    .col(string_len(RpjmdPriority::Code, 48))
                    .col(string_len(RpjmdPriority::Name, 400))
                    .col(text(RpjmdPriority::Sasaran))
                    .primary_key(Index::create().col(RpjmdPriority::PemdaCode).col(RpjmdPriority::Code))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposal::Table)
                    .add_column(ColumnDef::new(Proposal::PriorityCode).string_len(48).null().to_owned())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the priorities schema is not reversible".into()))
    }
}

#[derive(DeriveIden)]
enum DapilTable {
    #[sea_orm(iden = "dapil")]
    Table,
    PemdaCode,
    Code,
    Name,
    Kecamatan,
}

#[derive(DeriveIden, Clone, Copy)]
enum DprdMember {
    Table,
    UserId,
    PemdaCode,
    Dapil,
    Fraksi,
    Komisi,
    Assistants,
}

/// The DPRD's dapil and members.
struct Dprd;

impl MigrationName for Dprd {
    fn name(&self) -> &str {
        "m20261205_000008_dprd"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Dprd {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DapilTable::Table)
                    .col(string_len(DapilTable::PemdaCode, 16))
                    .col(string_len(DapilTable::Code, 48))
                    .col(string_len(DapilTable::Name, 400))
                    .col(text(DapilTable::Kecamatan))
                    .primary_key(Index::create().col(DapilTable::PemdaCode).col(DapilTable::Code))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DprdMember::Table)
                    .col(uuid(DprdMember::UserId).primary_key())
                    .col(string_len(DprdMember::PemdaCode, 16))
                    .col(string_len(DprdMember::Dapil, 48))
                    .col(string_len(DprdMember::Fraksi, 400))
                    .col(string_len(DprdMember::Komisi, 400))
                    .col(text(DprdMember::Assistants))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            DprdMember::Table,
            [("ix_dprd_member_pemda", vec![DprdMember::PemdaCode, DprdMember::Dapil])],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the dprd schema is not reversible".into()))
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ResesTable {
    #[sea_orm(iden = "reses")]
    Table,
    Id,
    PemdaCode,
    CycleId,
    MemberId,
    HeldOn,
    Place,
    KelurahanCode,
    Attendees,
    Minutes,
    Aspirations,
    EnteredBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum PokirTable {
    #[sea_orm(iden = "pokir")]
    Table,
    ProposalId,
    CycleId,
    MemberId,
    Dapil,
    ResesId,
    Aspiration,
}

/// Members' reses, and what makes a proposal a pokir.
struct ResesAndPokir;

impl MigrationName for ResesAndPokir {
    fn name(&self) -> &str {
        "m20261205_000009_reses_pokir"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for ResesAndPokir {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PokirTable as P;
        use ResesTable as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(uuid(R::Id).primary_key())
                    .col(string_len(R::PemdaCode, 16))
                    .col(uuid(R::CycleId))
                    .col(uuid(R::MemberId))
                    .col(string_len(R::HeldOn, 10))
                    .col(string_len(R::Place, 400))
                    .col(string_len(R::KelurahanCode, 24))
                    .col(integer(R::Attendees))
                    .col(text(R::Minutes))
                    .col(text(R::Aspirations))
                    .col(string_len(R::EnteredBy, 100))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, R::Table, [("ix_reses_member", vec![R::CycleId, R::MemberId, R::HeldOn])]).await?;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(uuid(P::ProposalId).primary_key())
                    .col(uuid(P::CycleId))
                    .col(uuid(P::MemberId))
                    .col(string_len(P::Dapil, 48))
                    .col(uuid(P::ResesId))
                    .col(integer(P::Aspiration))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, P::Table, [("ix_pokir_member", vec![P::CycleId, P::MemberId, P::ProposalId])]).await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the reses and pokir schema is not reversible".into()))
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum OpdCeiling {
    Table,
    CycleId,
    OpdCode,
    Amount,
}

#[derive(DeriveIden, Clone, Copy)]
enum RenjaLine {
    Table,
    Id,
    PemdaCode,
    CycleId,
    OpdCode,
    SubKegiatan,
    FirstStage,
}

#[derive(DeriveIden, Clone, Copy)]
enum RenjaLineStage {
    Table,
    LineId,
    Stage,
    CycleId,
    OpdCode,
    Pagu,
    PrakiraanMaju,
    Content,
    SavedBy,
    SavedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RenjaSource {
    Table,
    ProposalId,
    LineId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Rkpd {
    Table,
    CycleId,
    Musrenbang,
    Priorities,
    PerkadaNumber,
    PerkadaDate,
    AdoptedLines,
    AdoptedTotal,
}

/// The OPD's pagu indikatif, the Renja lines with their figures per stage and the items each
/// carries, and the RKPD's musrenbang and adoption.
struct RenjaAndRkpd;

impl MigrationName for RenjaAndRkpd {
    fn name(&self) -> &str {
        "m20261206_000010_renja_rkpd"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for RenjaAndRkpd {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OpdCeiling::Table)
                    .col(uuid(OpdCeiling::CycleId))
                    .col(string_len(OpdCeiling::OpdCode, 48))
                    .col(big_integer(OpdCeiling::Amount))
                    .primary_key(Index::create().col(OpdCeiling::CycleId).col(OpdCeiling::OpdCode))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RenjaLine::Table)
                    .col(uuid(RenjaLine::Id).primary_key())
                    .col(string_len(RenjaLine::PemdaCode, 16))
                    .col(uuid(RenjaLine::CycleId))
                    .col(string_len(RenjaLine::OpdCode, 48))
                    .col(string_len(RenjaLine::SubKegiatan, 48))
                    .col(string_len(RenjaLine::FirstStage, 24))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            RenjaLine::Table,
            [
                ("ix_renja_line_opd", vec![RenjaLine::CycleId, RenjaLine::OpdCode, RenjaLine::SubKegiatan]),
                ("ix_renja_line_sub_kegiatan", vec![RenjaLine::CycleId, RenjaLine::SubKegiatan]),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(RenjaLineStage::Table)
                    .col(uuid(RenjaLineStage::LineId))
                    .col(string_len(RenjaLineStage::Stage, 24))
                    .col(uuid(RenjaLineStage::CycleId))
                    .col(string_len(RenjaLineStage::OpdCode, 48))
                    .col(big_integer(RenjaLineStage::Pagu))
                    .col(big_integer(RenjaLineStage::PrakiraanMaju))
                    .col(text(RenjaLineStage::Content))
                    .col(string_len(RenjaLineStage::SavedBy, 120))
                    .col(string_len(RenjaLineStage::SavedAt, 40))
                    .primary_key(Index::create().col(RenjaLineStage::LineId).col(RenjaLineStage::Stage))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            RenjaLineStage::Table,
            [(
                "ix_renja_line_stage_opd",
                vec![RenjaLineStage::CycleId, RenjaLineStage::OpdCode, RenjaLineStage::Stage],
            )],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(RenjaSource::Table)
                    .col(uuid(RenjaSource::ProposalId).primary_key())
                    .col(uuid(RenjaSource::LineId))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            RenjaSource::Table,
            [("ix_renja_source_line", vec![RenjaSource::LineId, RenjaSource::ProposalId])],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Rkpd::Table)
                    .col(uuid(Rkpd::CycleId).primary_key())
                    .col(text_null(Rkpd::Musrenbang))
                    .col(text_null(Rkpd::Priorities))
                    .col(string_len_null(Rkpd::PerkadaNumber, 400))
                    .col(string_len_null(Rkpd::PerkadaDate, 10))
                    .col(integer_null(Rkpd::AdoptedLines))
                    .col(big_integer_null(Rkpd::AdoptedTotal))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the Renja and RKPD schema is not reversible".into()))
    }
}

/// Search that ignores case and accents: each proposal's title and latest address, folded
/// (`domain::search::fold`), beside the columns they come from.
struct Search;

impl MigrationName for Search {
    fn name(&self) -> &str {
        "m20261207_000011_search"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Search {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Proposal::TitleFolded).string_len(800).not_null().default("").to_owned(),
            ColumnDef::new(Proposal::AddressFolded).string_len(800).not_null().default("").to_owned(),
        ] {
            manager.alter_table(Table::alter().table(Proposal::Table).add_column(column).to_owned()).await?;
        }
        backfill_folded(manager).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the search schema is not reversible".into()))
    }
}

/// Folds the title and the address at the current stage of every proposal written before the
/// columns existed.
async fn backfill_folded(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            manager.get_database_backend(),
            "SELECT p.id AS id, p.title AS title, s.address AS address FROM proposal p \
             JOIN proposal_stage s ON s.proposal_id = p.id AND s.stage = p.current_stage",
        ))
        .await?;
    for row in rows {
        let id: sea_orm::prelude::Uuid = row.try_get("", "id")?;
        let title: String = row.try_get("", "title")?;
        let address: String = row.try_get("", "address")?;
        let update = Query::update()
            .table(Proposal::Table)
            .value(Proposal::TitleFolded, domain::search::fold(&title))
            .value(Proposal::AddressFolded, domain::search::fold(&address))
            .and_where(Expr::col(Proposal::Id).eq(id))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(())
}

/// Each pemda's journal as a Merkle tree: its hashes by stored hash index, the signed checkpoints,
/// the witnesses the installation knows and their cosignatures.
struct TransparencyLog;

impl MigrationName for TransparencyLog {
    fn name(&self) -> &str {
        "m20261208_000012_transparency_log"
    }
}

#[derive(DeriveIden)]
enum TlogHash {
    Table,
    PemdaCode,
    Idx,
    Hash,
}

#[derive(DeriveIden)]
enum TlogCheckpoint {
    Table,
    PemdaCode,
    Size,
    Root,
    Note,
    IssuedAt,
}

#[derive(DeriveIden)]
enum TlogWitness {
    Table,
    Name,
    VerifierKey,
    AddedAt,
}

#[derive(DeriveIden)]
enum TlogCosignature {
    Table,
    PemdaCode,
    Size,
    Witness,
    Line,
    SignedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for TransparencyLog {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TlogHash::Table)
                    .col(string_len(TlogHash::PemdaCode, 16))
                    .col(big_integer(TlogHash::Idx))
                    .col(binary_len(TlogHash::Hash, 32))
                    .primary_key(Index::create().col(TlogHash::PemdaCode).col(TlogHash::Idx))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TlogCheckpoint::Table)
                    .col(string_len(TlogCheckpoint::PemdaCode, 16))
                    .col(big_integer(TlogCheckpoint::Size))
                    .col(string_len(TlogCheckpoint::Root, 64))
                    .col(text(TlogCheckpoint::Note))
                    .col(string_len(TlogCheckpoint::IssuedAt, 40))
                    .primary_key(Index::create().col(TlogCheckpoint::PemdaCode).col(TlogCheckpoint::Size))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TlogWitness::Table)
                    .col(string_len(TlogWitness::Name, 128).primary_key())
                    .col(string_len(TlogWitness::VerifierKey, 256))
                    .col(string_len(TlogWitness::AddedAt, 40))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TlogCosignature::Table)
                    .col(string_len(TlogCosignature::PemdaCode, 16))
                    .col(big_integer(TlogCosignature::Size))
                    .col(string_len(TlogCosignature::Witness, 128))
                    .col(string_len(TlogCosignature::Line, 512))
                    .col(big_integer(TlogCosignature::SignedAt))
                    .primary_key(
                        Index::create()
                            .col(TlogCosignature::PemdaCode)
                            .col(TlogCosignature::Size)
                            .col(TlogCosignature::Witness),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the transparency log's schema is not reversible".into()))
    }
}

/// Every print Rencana makes, by the hash of its bytes, and the journal entry recording it.
pub struct Documents;

impl MigrationName for Documents {
    fn name(&self) -> &str {
        "m20261209_000013_documents"
    }
}

#[derive(DeriveIden)]
enum Document {
    Table,
    Sha256,
    PemdaCode,
    Code,
    CycleId,
    Kind,
    Title,
    Href,
    Pages,
    Bytes,
    Seq,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Documents {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Document::Table)
                    .col(string_len(Document::Sha256, 64).primary_key())
                    .col(string_len(Document::PemdaCode, 16))
                    .col(string_len(Document::Code, 16))
                    .col(uuid_null(Document::CycleId))
                    .col(string_len(Document::Kind, 32))
                    .col(text(Document::Title))
                    .col(text(Document::Href))
                    .col(integer(Document::Pages))
                    .col(big_integer(Document::Bytes))
                    .col(big_integer(Document::Seq))
                    .col(string_len(Document::RecordedAt, 40))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_document_code").table(Document::Table).col(Document::Code).to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the documents' schema is not reversible".into()))
    }
}

/// The scans of signed berita acara, by the hash of their bytes, each under its forum.
pub struct SignedScans;

impl MigrationName for SignedScans {
    fn name(&self) -> &str {
        "m20261205_000014_signed_scans"
    }
}

#[derive(DeriveIden)]
enum Scan {
    Table,
    Sha256,
    PemdaCode,
    CycleId,
    Forum,
    ContentType,
    Bytes,
    UploadedBy,
    Seq,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for SignedScans {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Scan::Table)
                    .col(string_len(Scan::Sha256, 64).primary_key())
                    .col(string_len(Scan::PemdaCode, 16))
                    .col(uuid(Scan::CycleId))
                    .col(string_len(Scan::Forum, 64))
                    .col(string_len(Scan::ContentType, 32))
                    .col(big_integer(Scan::Bytes))
                    .col(string_len_null(Scan::UploadedBy, 64))
                    .col(big_integer(Scan::Seq))
                    .col(string_len(Scan::RecordedAt, 40))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_scan_forum")
                    .table(Scan::Table)
                    .col(Scan::CycleId)
                    .col(Scan::Forum)
                    .col(Scan::Seq)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the signed scans' schema is not reversible".into()))
    }
}

/// The answers to writes sent with an `Idempotency-Key`, replayed to a retry of the same request.
pub struct IdempotencyKeys;

impl MigrationName for IdempotencyKeys {
    fn name(&self) -> &str {
        "m20261205_000015_idempotency_keys"
    }
}

#[derive(DeriveIden)]
enum IdempotentAnswer {
    Table,
    Scope,
    Key,
    Fingerprint,
    Status,
    ContentType,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for IdempotencyKeys {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotentAnswer::Table)
                    .col(string_len(IdempotentAnswer::Scope, 64))
                    .col(string_len(IdempotentAnswer::Key, 255))
                    .col(string_len(IdempotentAnswer::Fingerprint, 64))
                    .col(integer(IdempotentAnswer::Status))
                    .col(string_len(IdempotentAnswer::ContentType, 100))
                    .col(blob(IdempotentAnswer::Body))
                    .col(big_integer(IdempotentAnswer::CreatedAt))
                    .primary_key(Index::create().col(IdempotentAnswer::Scope).col(IdempotentAnswer::Key))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_idempotent_answer_created_at")
                    .table(IdempotentAnswer::Table)
                    .col(IdempotentAnswer::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the idempotency keys' schema is not reversible".into()))
    }
}

/// Indexes for the proposal filters that had none of their own in key order: a stage without a
/// status (the stage's index was ordered by status first, so a stage's page sorted every
/// proposal at that stage: 49 ms at 1,000,000 proposals, `bench/listing-scale.sh`), and an
/// origin. Not the pemda: SQLite, without statistics, took such an index over the cycle's or the
/// kecamatan's when a page named both, and read every proposal of the pemda (215 ms at 1,000,000).
pub struct ListIndexes;

impl MigrationName for ListIndexes {
    fn name(&self) -> &str {
        "m20261205_000016_list_indexes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for ListIndexes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(
            manager,
            Proposal::Table,
            [
                ("ix_proposal_stage_only", vec![Proposal::CurrentStage, Proposal::Id]),
                ("ix_proposal_origin", vec![Proposal::Origin, Proposal::Id]),
            ],
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the list indexes' schema is not reversible".into()))
    }
}

/// A list narrowed by its pemda alone or by its pemda and a stage, where one server holds many:
/// without these a pemda seeded late read every proposal before it in the list's order (670 ms a
/// page at 1,000,000 proposals over 514 pemda). `filtered` says when the pemda may use them.
pub struct PemdaIndex;

impl MigrationName for PemdaIndex {
    fn name(&self) -> &str {
        "m20261206_000017_pemda_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for PemdaIndex {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(
            manager,
            Proposal::Table,
            [
                ("ix_proposal_pemda", vec![Proposal::PemdaCode, Proposal::Id]),
                ("ix_proposal_pemda_stage", vec![Proposal::PemdaCode, Proposal::CurrentStage, Proposal::Id]),
            ],
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the pemda index's schema is not reversible".into()))
    }
}
