//! The one migration tree, for SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(Foundation)]
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

#[derive(DeriveMigrationName)]
struct Foundation;

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
