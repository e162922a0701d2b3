//! A witness following two installations over HTTP on 127.0.0.1: it keeps and cosigns what is
//! consistent, and reports the installation that rewrote its history after the witness saw it
//! (and re-signed it with its own key). The exported log is checked offline too.

use std::sync::Arc;

use domain::regions::AddLingkungan;
use domain::transparency::LogKey;
use domain::{Actor, Command, RegionCode, RegionCommand};
use rencana::witness::{Finding, Witness};
use store::testing::{TestDatabase, database};
use time::OffsetDateTime;

struct Installation {
    db: TestDatabase,
    log: Arc<web::TransparencyLog>,
    url: String,
}

fn system() -> Actor {
    Actor::System { label: "test".into() }
}

async fn installation(name: &str, seed: u8) -> Installation {
    let db = database().await.unwrap();
    db.store.add_official_pemda("12.71", &system(), OffsetDateTime::now_utc()).await.unwrap();
    let log = Arc::new(web::TransparencyLog::new(LogKey::from_seed(name, [seed; 32]).unwrap()));
    let config = web::Config {
        demo: false,
        secure_cookies: false,
        tile_url: String::new(),
        exposed_without_secure_cookies: false,
        log: log.clone(),
        printer: None,
        public_url: "http://127.0.0.1".into(),
    };
    let app = web::app(db.store.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Installation { db, log, url }
}

impl Installation {
    async fn add_events(&self, from: u32, to: u32) {
        for n in from..=to {
            let command = Command::Regions(RegionCommand::AddLingkungan(AddLingkungan {
                kelurahan: "12.71.01.1001".into(),
                number: n.to_string(),
                name: format!("Lingkungan {n}"),
            }));
            self.db.store.execute(&system(), &command, OffsetDateTime::now_utc()).await.unwrap();
        }
    }

    async fn checkpoint(&self) {
        let (_, failed) = self.log.issue_checkpoints(&self.db.store, OffsetDateTime::now_utc()).await.unwrap();
        assert!(failed.is_empty());
    }

    /// What an operator with the database and the key could do: edit entry 3, re-chain
    /// everything after it, throw the tree and its checkpoints away and sign new ones.
    async fn rewrite_history(&self) {
        let pemda = RegionCode::parse("12.71").unwrap();
        let mut entries = self.db.store.journal_after(&pemda, 0, 10_000).await.unwrap();
        let mut prev = entries[1].hash.clone();
        for entry in entries.iter_mut().skip(2) {
            if entry.seq == 3 {
                entry.actor = "system:someone-else".into();
            }
            entry.prev_hash = prev.clone();
            entry.hash = entry.recompute_hash();
            prev = entry.hash.clone();
            let sql = format!(
                "UPDATE journal SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE pemda_code = '12.71' AND seq = {}",
                entry.actor, entry.prev_hash, entry.hash, entry.seq
            );
            self.db.tamper(&sql).await.unwrap();
        }
        self.db.tamper(&format!("UPDATE chain_head SET hash = '{prev}' WHERE pemda_code = '12.71'")).await.unwrap();
        self.db.tamper("DELETE FROM tlog_hash").await.unwrap();
        self.db.tamper("DELETE FROM tlog_cosignature").await.unwrap();
        self.db.tamper("DELETE FROM tlog_checkpoint").await.unwrap();
    }
}

fn state_dir() -> store::testing::TempDir {
    store::testing::TempDir::new("rencana-witness").unwrap()
}

#[tokio::test]
async fn a_witness_cosigns_the_honest_installation_and_reports_the_one_that_rewrote_its_history() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let honest = installation("rencana-a.test", 1).await;
    let rewriter = installation("rencana-b.test", 2).await;
    let (state_a, state_b) = (state_dir(), state_dir());
    let watch_a = Witness::open(state_a.path(), "inspektorat.test", &honest.url, honest.log.verifier_key()).unwrap();
    let watch_b =
        Witness::open(state_b.path(), "inspektorat.test", &rewriter.url, rewriter.log.verifier_key()).unwrap();
    for (installation, witness) in [(&honest, &watch_a), (&rewriter, &watch_b)] {
        installation.db.store.add_witness(&witness.verifier_key(), OffsetDateTime::now_utc()).await.unwrap();
        installation.checkpoint().await;
    }

    let first = watch_a.observe(1_800_000_000).await.unwrap();
    assert!(matches!(first.as_slice(), [Finding::First { .. }]), "{first:?}");
    assert!(matches!(watch_b.observe(1_800_000_000).await.unwrap().as_slice(), [Finding::First { .. }]));
    let pemda = RegionCode::parse("12.71").unwrap();
    let shown = honest.db.store.latest_checkpoint(&pemda).await.unwrap().unwrap();
    assert_eq!(shown.cosignatures.len(), 1, "the installation shows its witness's cosignature");

    for installation in [&honest, &rewriter] {
        installation.add_events(1, 3).await;
        installation.checkpoint().await;
    }
    let grown = watch_a.observe(1_800_000_060).await.unwrap();
    assert!(matches!(grown.as_slice(), [Finding::Consistent { .. }]), "{grown:?}");
    assert!(matches!(watch_b.observe(1_800_000_060).await.unwrap().as_slice(), [Finding::Consistent { .. }]));
    assert!(matches!(watch_a.observe(1_800_000_120).await.unwrap().as_slice(), [Finding::Unchanged { .. }]));

    // The second installation rewrites entry 3, re-signs everything with its own key and grows.
    rewriter.rewrite_history().await;
    rewriter.add_events(4, 4).await;
    rewriter.checkpoint().await;
    let verdict = watch_b.observe(1_800_000_180).await.unwrap();
    assert!(matches!(&verdict[..], [Finding::Alert { what, .. }] if what.contains("not consistent")), "{verdict:?}");
    let alerts = std::fs::read_to_string(state_b.path().join("alerts.log")).unwrap();
    assert!(alerts.contains("ALERT rencana-b.test/12.71"), "{alerts}");
    // It stays reported: the witness keeps what it saw, not what it is shown.
    assert!(watch_b.observe(1_800_000_240).await.unwrap()[0].is_alert());

    // The honest one, meanwhile, is consistent still.
    honest.add_events(4, 4).await;
    honest.checkpoint().await;
    assert!(matches!(watch_a.observe(1_800_000_180).await.unwrap().as_slice(), [Finding::Consistent { .. }]));

    // An older checkpoint served again (the newest withheld) is a rollback.
    honest.db.tamper("DELETE FROM tlog_checkpoint WHERE size = (SELECT MAX(size) FROM tlog_checkpoint)").await.unwrap();
    let rolled = watch_a.observe(1_800_000_240).await.unwrap();
    assert!(matches!(&rolled[..], [Finding::Alert { what, .. }] if what.contains("after size")), "{rolled:?}");
}

#[tokio::test]
async fn an_exported_log_verifies_offline_and_any_change_to_the_file_is_named() {
    let honest = installation("rencana-a.test", 1).await;
    honest.add_events(1, 5).await;
    honest.checkpoint().await;
    honest.add_events(6, 7).await;
    honest.checkpoint().await;
    let pemda = RegionCode::parse("12.71").unwrap();
    let mut file = Vec::new();
    let exported = rencana::log_file::export(&honest.db.store, &pemda, &honest.log, &mut file).await.unwrap();
    assert_eq!(exported.checkpoints, 2);
    let key = honest.log.verifier_key();
    let verified = rencana::log_file::verify(file.as_slice(), Some(key)).unwrap();
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    assert_eq!((verified.entries, verified.checkpoints), (exported.entries, 2));

    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let first_entry = lines.iter().position(|l| l.starts_with("{\"entry\"")).unwrap();
    let check =
        |lines: Vec<String>| rencana::log_file::verify(lines.join("\n").as_bytes(), Some(key)).unwrap().problems;
    let owned = || lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();

    // An event's content changed.
    let mut tampered = owned();
    tampered[first_entry + 4] = tampered[first_entry + 4].replace("Lingkungan", "Lingkungam");
    assert!(check(tampered).iter().any(|p| p.contains("chain breaks at entry")));
    // One deleted.
    let mut deleted = owned();
    deleted.remove(first_entry + 2);
    assert!(check(deleted).iter().any(|p| p.contains("chain breaks at entry 3")));
    // Two swapped.
    let mut swapped = owned();
    swapped.swap(first_entry + 1, first_entry + 2);
    assert!(!check(swapped).is_empty());
    // A checkpoint forged (its size changed, its signature kept).
    let mut forged = owned();
    forged[1] = forged[1].replacen("\\n", "\\n1", 1);
    assert!(check(forged).iter().any(|p| p.contains("does not open")));
    // A checkpoint replayed out of order.
    let mut replayed = owned();
    replayed.insert(3, lines[1].to_string());
    assert!(check(replayed).iter().any(|p| p.contains("replayed")));
    // Checked with another installation's key.
    let other = LogKey::from_seed("rencana-a.test", [9; 32]).unwrap();
    let with_other = rencana::log_file::verify(text.as_bytes(), Some(other.verifier_key())).unwrap();
    assert!(with_other.problems.iter().any(|p| p.contains("does not open")));
}
