//! The transparency log on a real database: checkpoints grown from the journal, proofs served
//! from the stored tree, the public check anchored on the latest checkpoint.

use domain::regions::AddLingkungan;
use domain::transparency::{self, LogKey, TreeRead};
use domain::{Actor, Command, RegionCode, RegionCommand};
use store::testing::database;
use time::OffsetDateTime;

fn system() -> Actor {
    Actor::System { label: "test".into() }
}

fn lingkungan(number: u32) -> Command {
    Command::Regions(RegionCommand::AddLingkungan(AddLingkungan {
        kelurahan: "12.71.01.1001".into(),
        number: number.to_string(),
        name: format!("Lingkungan {number}"),
    }))
}

#[tokio::test]
async fn checkpoints_grow_with_the_journal_and_their_proofs_verify() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    let pemda = RegionCode::parse("12.71").unwrap();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    for n in 1..=5 {
        db.store.execute(&system(), &lingkungan(n), now).await.unwrap();
    }
    let key = LogKey::from_seed("rencana.test", [3; 32]).unwrap();
    let first = db.store.issue_checkpoints(&pemda, &key, "rencana.test", now).await.unwrap();
    assert_eq!(first.len(), 1);
    let first = first[0].clone();
    let opened = transparency::open_checkpoint(&first.note, key.verifier_key()).unwrap();
    assert_eq!((opened.origin.as_str(), opened.size as i64), ("rencana.test/12.71", first.size));
    assert_eq!(transparency::hash_hex(&opened.root), first.root);
    assert!(db.store.issue_checkpoints(&pemda, &key, "rencana.test", now).await.unwrap().is_empty(), "nothing new");

    // Every entry's inclusion proof verifies against the checkpoint's root.
    let size = first.size as u64;
    for seq in 1..=first.size {
        let entry = db.store.journal_entry(&pemda, seq).await.unwrap().unwrap();
        let index = seq as u64 - 1;
        let proof = db.store.tree_read(&pemda, TreeRead::Inclusion { size, index }).await.unwrap();
        let leaf = transparency::leaf_hash(&entry.hash).unwrap();
        assert!(transparency::verify_inclusion(size, index, leaf, &proof, opened.root), "seq {seq}");
    }

    for n in 6..=9 {
        db.store.execute(&system(), &lingkungan(n), now).await.unwrap();
    }
    let second = db.store.issue_checkpoints(&pemda, &key, "rencana.test", now).await.unwrap().pop().unwrap();
    let second_root = transparency::open_checkpoint(&second.note, key.verifier_key()).unwrap().root;
    let proof = db.store.tree_read(&pemda, TreeRead::Consistency { from: size, to: second.size as u64 }).await.unwrap();
    assert!(transparency::verify_consistency(size, opened.root, second.size as u64, second_root, &proof));
    let listed = db.store.checkpoints(&pemda, None, 10).await.unwrap();
    assert_eq!(listed.iter().map(|c| c.size).collect::<Vec<_>>(), vec![second.size, first.size]);

    // The public check answers from the latest checkpoint and what came after it.
    db.store.execute(&system(), &lingkungan(10), now).await.unwrap();
    let check = db.store.verify_since_log_checkpoint(&pemda).await.unwrap().unwrap();
    assert!(check.report.valid);
    assert_eq!(check.checkpoint.size, second.size);

    // The checkpoint's own entry edited behind the store's back: the anchor no longer holds, and
    // no further checkpoint is signed over it.
    let sql = format!("UPDATE journal SET payload = '{{}}' WHERE pemda_code = '12.71' AND seq = {}", second.size);
    db.tamper(&sql).await.unwrap();
    let sql =
        format!("UPDATE journal SET hash = '{}' WHERE pemda_code = '12.71' AND seq = {}", "ab".repeat(32), second.size);
    db.tamper(&sql).await.unwrap();
    let check = db.store.verify_since_log_checkpoint(&pemda).await.unwrap().unwrap();
    assert_eq!(check.report.first_broken, Some(second.size));
    let refused = db.store.issue_checkpoints(&pemda, &key, "rencana.test", now).await;
    assert!(matches!(refused, Err(store::StoreError::BrokenChain { .. })), "{refused:?}");
}

#[tokio::test]
async fn only_a_known_witness_cosignature_is_kept() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    let pemda = RegionCode::parse("12.71").unwrap();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let key = LogKey::from_seed("rencana.test", [3; 32]).unwrap();
    let checkpoint = db.store.issue_checkpoints(&pemda, &key, "rencana.test", now).await.unwrap().pop().unwrap();
    let body = transparency::open_checkpoint(&checkpoint.note, key.verifier_key()).unwrap().body;
    let witness = transparency::WitnessKey::from_seed("inspektorat.test", [4; 32]).unwrap();
    let line = witness.cosign(&body, 1_800_000_000);
    assert_eq!(db.store.add_cosignature(&pemda, checkpoint.size, &body, &line).await.unwrap(), None, "unknown");
    db.store.add_witness(&witness.verifier_key(), now).await.unwrap();
    let forged = witness.cosign(&body.replace("rencana.test/12.71", "rencana.test/12.72"), 1_800_000_000);
    assert_eq!(db.store.add_cosignature(&pemda, checkpoint.size, &body, &forged).await.unwrap(), None);
    let kept = db.store.add_cosignature(&pemda, checkpoint.size, &body, &line).await.unwrap();
    assert_eq!(kept.as_deref(), Some("inspektorat.test"));
    let latest = db.store.latest_checkpoint(&pemda).await.unwrap().unwrap();
    assert_eq!(latest.cosignatures.len(), 1);
    assert_eq!(latest.cosignatures[0].signed_at, 1_800_000_000);
    assert!(latest.cosigned_note().ends_with(&format!("{line}\n")));
}

#[tokio::test]
async fn a_history_rewritten_and_rechained_in_the_database_is_caught_by_the_full_check() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    let pemda = RegionCode::parse("12.71").unwrap();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    for n in 1..=6 {
        db.store.execute(&system(), &lingkungan(n), now).await.unwrap();
    }
    let key = LogKey::from_seed("rencana.test", [3; 32]).unwrap();
    let checkpoint = db.store.issue_checkpoints(&pemda, &key, "rencana.test", now).await.unwrap().pop().unwrap();
    assert!(db.store.verify_chain(&pemda).await.unwrap().valid);

    // Someone with the database edits entry 3 and recomputes every hash after it and the head,
    // so that the chain alone verifies again.
    let mut entries = db.store.journal(&pemda, None, 1_000).await.unwrap();
    entries.reverse();
    assert_eq!(entries.len() as i64, checkpoint.size);
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
        db.tamper(&sql).await.unwrap();
    }
    db.tamper(&format!("UPDATE chain_head SET hash = '{prev}' WHERE pemda_code = '12.71'")).await.unwrap();
    let mut verifier = domain::journal::ChainVerifier::default();
    db.store.journal(&pemda, None, 1_000).await.unwrap().iter().rev().for_each(|e| verifier.push(e));
    assert!(verifier.finish(None).valid, "the re-chained history verifies as a chain");

    let report = db.store.verify_chain(&pemda).await.unwrap();
    assert_eq!(report.first_broken, Some(3), "the leaf kept for entry 3 names it");
    // Even with the tree's leaves rewritten to match, the signed root does not.
    db.tamper("DELETE FROM tlog_hash WHERE pemda_code = '12.71'").await.unwrap();
    let report = db.store.verify_chain(&pemda).await.unwrap();
    assert_eq!(report.first_broken, Some(1), "broken somewhere up to the first checkpoint");
}

#[tokio::test]
async fn a_step_another_issuer_signed_first_is_left_to_it() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    let pemda = RegionCode::parse("12.71").unwrap();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    db.store.execute(&system(), &lingkungan(1), now).await.unwrap();
    let key = LogKey::from_seed("rencana.test", [3; 32]).unwrap();
    // A second issuer's first leaf, written meanwhile: what the race collides on.
    let bytes = match db.store.backend() {
        store::Backend::Sqlite => "X'00'",
        store::Backend::Postgres => "decode('00', 'hex')",
    };
    db.tamper(&format!("INSERT INTO tlog_hash (pemda_code, idx, hash) VALUES ('12.71', 0, {bytes})")).await.unwrap();
    let outcome = db.store.issue_checkpoints(&pemda, &key, "rencana.test", now).await;
    assert!(matches!(&outcome, Ok(issued) if issued.is_empty()), "left to the other issuer: {outcome:?}");
    db.tamper("DELETE FROM tlog_hash").await.unwrap();
    assert_eq!(db.store.issue_checkpoints(&pemda, &key, "rencana.test", now).await.unwrap().len(), 1);
}
