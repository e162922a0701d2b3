//! `rencana export`: a stage's documents under a region, written as files, each the document its
//! page prints and recorded in the journal the same way.

use std::sync::Arc;

use domain::cycle::Stage;
use domain::schedule::CreateCycle;
use domain::transparency::LogKey;
use domain::{Actor, Command, MasterDataCommand, RegionCode, ScheduleCommand};
use rencana::export::{Export, run};
use store::testing::database;
use time::OffsetDateTime;

#[tokio::test]
async fn every_document_of_a_cycle_is_written_and_recorded() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    let pemda = store::seed::seed_demo_foundation(&db.store, now).await.unwrap();
    let create = CreateCycle { pemda: pemda.clone(), cycle_id: uuid::Uuid::now_v7(), tahun_anggaran: 2036 };
    let system = Actor::System { label: "test".into() };
    db.store.execute(&system, &Command::Schedule(ScheduleCommand::CreateCycle(create)), now).await.unwrap();
    for (code, name) in [("1.03.01", "Dinas Pekerjaan Umum"), ("1.02.01", "Dinas Kesehatan")] {
        let opd = MasterDataCommand::CreateOpd { pemda: pemda.clone(), code: code.into(), name: name.into() };
        db.store.execute(&system, &Command::MasterData(opd), now).await.unwrap();
    }
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
    let scratch = store::testing::TempDir::new("rencana-export").unwrap();
    let to = scratch.path().join("out");
    let export = |what: &str, region: &str| Export {
        pemda: pemda.clone(),
        year: 2036,
        what: what.into(),
        stage: Some(Stage::MusrenbangKecamatan),
        region: RegionCode::parse(region).unwrap(),
        opd: None,
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

    // The cycle's other documents: every OPD's Renja (or one's), the RKPD, the rekapitulasi,
    // every member's pokir; a forum OPD's berita acara; the musrenbang RKPD's.
    let opds = db.store.opds(&pemda).await.unwrap().len();
    let renja = run(&db.store, app.clone(), &Export { stage: None, ..export("renja", "12.71") }).await.unwrap();
    assert_eq!((renja.len(), opds), (2, 2));
    let one_opd = Export { stage: None, opd: Some("1.03.01".into()), ..export("renja", "12.71") };
    assert_eq!(run(&db.store, app.clone(), &one_opd).await.unwrap().len(), 1);
    let forum_opd =
        Export { stage: Some(Stage::ForumOpd), opd: Some("1.03.01".into()), ..export("berita-acara", "12.71") };
    let forum_opd = run(&db.store, app.clone(), &forum_opd).await.unwrap();
    assert!(forum_opd[0].file_name().unwrap().to_string_lossy().starts_with("berita-acara-forum_opd-1.03.01-2036"));
    store::seed::seed_demo_dprd(&db.store, &pemda, now).await.unwrap();
    let members = db.store.members(&pemda).await.unwrap().len();
    assert_eq!(members, store::seed::DEMO_MEMBERS);
    for (what, count) in [("rkpd", 1), ("rekapitulasi", 1), ("pokir", members)] {
        let files = run(&db.store, app.clone(), &Export { stage: None, ..export(what, "12.71") }).await.unwrap();
        assert_eq!(files.len(), count, "{what}");
        for file in &files {
            assert!(std::fs::read(file).unwrap().starts_with(b"%PDF-"), "{}", file.display());
        }
    }
    let rkpd_ba = Export { stage: Some(Stage::MusrenbangRkpd), ..export("berita-acara", "12.71") };
    assert_eq!(run(&db.store, app.clone(), &rkpd_ba).await.unwrap().len(), 1);

    assert!(run(&db.store, app.clone(), &Export { stage: None, ..export("berita-acara", "12.71") }).await.is_err());
    let unknown_opd = Export { stage: None, opd: Some("9.99.99".into()), ..export("renja", "12.71") };
    assert!(run(&db.store, app.clone(), &unknown_opd).await.is_err());
    assert!(run(&db.store, app.clone(), &export("surat", "12.71")).await.is_err());
    assert!(run(&db.store, app.clone(), &export("berita-acara", "12.72")).await.is_err(), "another pemda's region");
    assert!(
        run(&db.store, app, &Export { year: 2040, ..export("berita-acara", "12.71") }).await.is_err(),
        "no such cycle"
    );
}
