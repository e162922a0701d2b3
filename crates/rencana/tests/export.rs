//! `rencana export`: a stage's documents under a region, written as files, each the document its
//! page prints and recorded in the journal the same way.

use std::sync::Arc;

use domain::cycle::Stage;
use domain::schedule::CreateCycle;
use domain::transparency::LogKey;
use domain::{Actor, Command, RegionCode, ScheduleCommand};
use rencana::export::{Export, run};
use store::testing::database;
use time::OffsetDateTime;

#[tokio::test]
async fn the_berita_acara_of_every_kecamatan_under_a_region_are_written_and_recorded() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    let pemda = store::seed::seed_demo_foundation(&db.store, now).await.unwrap();
    let create = CreateCycle { pemda: pemda.clone(), cycle_id: uuid::Uuid::now_v7(), tahun_anggaran: 2036 };
    let system = Actor::System { label: "test".into() };
    db.store.execute(&system, &Command::Schedule(ScheduleCommand::CreateCycle(create)), now).await.unwrap();
    let config = web::Config {
        demo: false,
        secure_cookies: true,
        tile_url: String::new(),
        exposed_without_secure_cookies: false,
        log: Arc::new(web::TransparencyLog::new(LogKey::from_seed("rencana.test", [3; 32]).unwrap())),
        printer: Some(Arc::new(documents::Typst::new())),
        public_url: "https://rencana.test".into(),
    };
    let app = web::app(db.store.clone(), config);
    let to = std::env::temp_dir().join(format!("rencana-export-{}", uuid::Uuid::now_v7()));
    let export = |what: &str, region: &str| Export {
        pemda: pemda.clone(),
        year: 2036,
        what: what.into(),
        stage: Stage::MusrenbangKecamatan,
        region: RegionCode::parse(region).unwrap(),
        to: to.clone(),
        lang: "id".into(),
    };

    let one = run(&db.store, app.clone(), &export("berita-acara", "12.71.01")).await.unwrap();
    assert_eq!(one.len(), 1);
    let kecamatan = db.store.children(&pemda, None).await.unwrap().len();
    let all = run(&db.store, app.clone(), &export("daftar-prioritas", "12.71")).await.unwrap();
    assert_eq!(all.len(), kecamatan, "one list per kecamatan of the pemda");
    for file in one.iter().chain(&all) {
        let bytes = std::fs::read(file).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{}", file.display());
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        assert!(db.store.document(&sha256).await.unwrap().is_some(), "{} is recorded", file.display());
    }
    assert!(
        one[0].file_name().unwrap().to_string_lossy().starts_with("berita-acara-musrenbang_kecamatan-12.71.01-2036")
    );

    assert!(run(&db.store, app.clone(), &export("surat", "12.71")).await.is_err());
    assert!(run(&db.store, app.clone(), &export("berita-acara", "12.72")).await.is_err(), "another pemda's region");
    assert!(
        run(&db.store, app, &Export { year: 2040, ..export("berita-acara", "12.71") }).await.is_err(),
        "no such cycle"
    );
    let _ = std::fs::remove_dir_all(&to);
}
