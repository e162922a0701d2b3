//! A database written by an earlier release opens in this one: its schema is brought up to
//! date and nothing in it is lost. The fixture was written by the release of commit 3c20c81
//! (before the scans' and the idempotency keys' tables): Kota Medan with its official tree, a
//! Bappeda admin, the 2027 cycle, one OPD, one lingkungan and a signed checkpoint, then copied
//! with `rencana backup`. When a release changes the schema again, add a fixture it wrote.

use domain::regions::AddLingkungan;
use domain::{Actor, Command, RegionCode, RegionCommand};
use store::Store;
use time::OffsetDateTime;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/release-3c20c81.db");

#[tokio::test]
async fn the_previous_release_s_database_is_migrated_with_nothing_lost() {
    let dir = store::testing::TempDir::new("rencana-upgrade").unwrap();
    let copy = dir.path().join("rencana.db");
    std::fs::copy(FIXTURE, &copy).unwrap();
    let store = Store::open(&format!("sqlite://{}", copy.display())).await.unwrap();

    let medan = RegionCode::parse("12.71").unwrap();
    let chain = store.verify_chain(&medan).await.unwrap();
    assert!(chain.valid, "{chain:?}");
    assert_eq!(chain.events, 5);
    assert_eq!(store.region_counts(&medan).await.unwrap().kelurahan, 151);
    let cycles = store.cycles(&medan).await.unwrap();
    assert_eq!(cycles.iter().map(|c| c.tahun_anggaran).collect::<Vec<_>>(), vec![2027]);
    assert_eq!(store.opds(&medan).await.unwrap().len(), 1);
    let pasar_baru = RegionCode::parse("12.71.01.1001").unwrap();
    assert_eq!(store.children(&pasar_baru, None).await.unwrap().len(), 1);
    assert!(store.credentials("admin.fixture").await.unwrap().is_some());

    // The new release writes on it, into the tables the old one did not have too.
    let system = Actor::System { label: "test".into() };
    let add = AddLingkungan { kelurahan: pasar_baru.to_string(), number: "2".into(), name: "Lingkungan II".into() };
    store
        .execute(&system, &Command::Regions(RegionCommand::AddLingkungan(add)), OffsetDateTime::now_utc())
        .await
        .unwrap();
    let of = domain::documents::ScanOf::MusrenbangRkpd { cycle_id: cycles[0].id };
    assert!(store.scans_of(&of).await.unwrap().is_empty());
    assert!(store.idempotent_answer("scope", "key", OffsetDateTime::now_utc()).await.unwrap().is_none());
    let chain = store.verify_chain(&medan).await.unwrap();
    assert!(chain.valid && chain.events == 6, "{chain:?}");
    store.close().await.unwrap();
}
