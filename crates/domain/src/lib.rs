//! Rencana's domain: the rules of regional development planning, pure. Commands go in, events or
//! a clear error come out; time, storage and HTTP belong to the shells around it.

pub mod access;
pub mod accounts;
pub mod command;
pub mod cycle;
pub mod documents;
pub mod dprd;
pub mod error;
pub mod event;
pub mod facts;
pub mod journal;
pub mod kamus;
pub mod masterdata;
pub mod money;
pub mod musrenbang;
pub mod nomenclature;
pub mod password;
pub mod planning;
pub mod privacy;
pub mod region;
pub mod regions;
pub mod renja;
pub mod rkpd;
pub mod rpjmd;
pub mod schedule;
pub mod search;
pub mod statistics;
pub mod transparency;
pub mod views;

pub use access::{Action, Actor, Grant, Resource, Role, Scope, UserActor, authorize};
pub use accounts::{AccountCommand, AccountEvent};
pub use command::{Command, decide};
pub use dprd::{DprdCommand, DprdEvent};
pub use error::{DomainError, Entity, FieldError, Rule};
pub use event::Event;
pub use facts::Facts;
pub use journal::journal_time;
pub use masterdata::{MasterDataCommand, MasterDataEvent};
pub use musrenbang::{MusrenbangCommand, MusrenbangEvent};
pub use region::{Region, RegionCode, RegionLevel};
pub use regions::{RegionCommand, RegionEvent};
pub use renja::{RenjaCommand, RenjaEvent};
pub use rkpd::{RkpdCommand, RkpdEvent};
pub use schedule::{ScheduleCommand, ScheduleEvent};

/// The `ALL` lists the pages, the API document and the access matrix iterate over cannot miss a
/// variant: each test matches the enum exhaustively, so a new variant does not compile here until
/// it is named, and the test then fails until `ALL` holds it too.
#[cfg(test)]
mod every_variant_listed {
    macro_rules! every_variant_listed {
        ($test:ident: $ty:ident => [$($variant:ident),+ $(,)?]) => {
            #[test]
            fn $test() {
                let named = |value: $ty| match value {
                    $($ty::$variant => stringify!($variant)),+
                };
                let every = [$($ty::$variant),+];
                assert_eq!($ty::ALL.len(), every.len(), "{} lists a variant twice or misses one", stringify!($ty));
                for value in every {
                    assert!($ty::ALL.contains(&value), "{}::ALL misses {}", stringify!($ty), named(value));
                }
            }
        };
    }

    use crate::cycle::Stage;
    use crate::kamus::Bidang;
    use crate::planning::{Origin, Status, Track};
    use crate::{Action, Role};

    every_variant_listed!(roles: Role => [Warga, KepalaLingkungan, OperatorKelurahan, OperatorKecamatan, AnggotaDprd, OperatorOpd, BappedaAdmin, Auditor, SekretariatDprd]);
    every_variant_listed!(actions: Action => [ViewRegions, AddLingkungan, ViewUsers, ManageUsers, ViewAuditTrail, CreatePemda, ManageCycle, ManageMasterData, RunRembukWarga, RunMusrenbangKelurahan, RunMusrenbangKecamatan, ProposeOnline, SupportProposal, ChangePassword, ManageDprd, RunForumOpd, CompileRkpd]);
    every_variant_listed!(stages: Stage => [RembukWarga, MusrenbangKelurahan, MusrenbangKecamatan, Pokir, ForumOpd, MusrenbangRkpd, RancanganAkhir, Penetapan]);
    every_variant_listed!(statuses: Status => [Pending, Accepted, AcceptedWithChanges, Rejected, NotForwarded]);
    every_variant_listed!(origins: Origin => [Lingkungan, Kelurahan, Kecamatan, Pokir]);
    every_variant_listed!(tracks: Track => [Apbd, DanaKelurahan]);
    every_variant_listed!(bidang: Bidang => [InfrastrukturKewilayahan, EkonomiSda, SosialBudayaPemerintahan]);
}
