//! The transparency log through the API: the key, checkpoints as signed notes, proofs that
//! verify, the refusals, witnesses' cosignatures.

mod common;

use common::{TestApp, test_log};
use domain::transparency::{self, Hash, WitnessKey};
use serde_json::json;
use time::OffsetDateTime;

fn hashes(value: &serde_json::Value) -> Vec<Hash> {
    value.as_array().unwrap().iter().map(|h| transparency::hash_from_hex(h.as_str().unwrap()).unwrap()).collect()
}

async fn issue(t: &TestApp) -> usize {
    let (issued, failed) = test_log().issue_checkpoints(&t.db.store, OffsetDateTime::now_utc()).await.unwrap();
    assert!(failed.is_empty());
    issued.len()
}

#[tokio::test]
async fn checkpoints_are_signed_notes_and_every_proof_verifies() {
    let t = TestApp::new().await;
    assert_eq!(t.get("/api/v1/audit/checkpoint?pemda=12.71", None).await.status, 404, "none before the first");
    assert_eq!(issue(&t).await, 1);
    let info = t.get("/api/v1/audit/log", None).await.json();
    let key = info["verifier_key"].as_str().unwrap().to_string();
    assert_eq!(key, test_log().verifier_key());
    assert_eq!(info["installation"], "rencana.test");

    let list = t.get("/api/v1/audit/checkpoints?pemda=12.71", None).await.json();
    let first = &list["checkpoints"][0];
    let size = first["tree_size"].as_i64().unwrap();
    assert!(size > 100, "the demo's foundation is many events: {size}");
    assert_eq!(first["origin"], "rencana.test/12.71");
    let opened = transparency::open_checkpoint(first["note"].as_str().unwrap(), &key).unwrap();
    assert_eq!(
        (opened.size as i64, transparency::hash_hex(&opened.root)),
        (size, first["root_hash"].as_str().unwrap().to_string())
    );
    let text = t.get("/api/v1/audit/checkpoint?pemda=12.71", None).await;
    assert!(text.header("content-type").unwrap().starts_with("text/plain"));
    assert_eq!(text.text, first["note"].as_str().unwrap());

    for seq in [1, 2, size / 2, size - 1, size] {
        let proof = t.get(&format!("/api/v1/audit/proof/inclusion?pemda=12.71&seq={seq}"), None).await.json();
        assert_eq!((proof["tree_size"].as_i64(), proof["leaf_index"].as_i64()), (Some(size), Some(seq - 1)));
        let leaf = transparency::leaf_hash(proof["entry_hash"].as_str().unwrap()).unwrap();
        let path = hashes(&proof["hashes"]);
        assert!(transparency::verify_inclusion(size as u64, seq as u64 - 1, leaf, &path, opened.root), "seq {seq}");
    }

    // More events, a second checkpoint, and the first is a prefix of it.
    let admin = t.token("bappeda").await;
    let reply = t
        .json(
            "POST",
            "/api/v1/regions/12.71.01.1001/lingkungan",
            Some(&admin),
            &json!({"number": "77", "name": "Lingkungan Uji"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(issue(&t).await, 1);
    let latest = t.get("/api/v1/audit/checkpoints?pemda=12.71", None).await.json()["checkpoints"][0].clone();
    let second = latest["tree_size"].as_i64().unwrap();
    assert!(second > size);
    let second_root = transparency::hash_from_hex(latest["root_hash"].as_str().unwrap()).unwrap();
    let proof = t.get(&format!("/api/v1/audit/proof/consistency?pemda=12.71&from={size}"), None).await.json();
    assert_eq!((proof["first"].as_i64(), proof["second"].as_i64()), (Some(size), Some(second)));
    assert!(transparency::verify_consistency(
        size as u64,
        opened.root,
        second as u64,
        second_root,
        &hashes(&proof["hashes"])
    ));
    // An older size still proves against its own checkpoint.
    let old = t.get(&format!("/api/v1/audit/proof/inclusion?pemda=12.71&seq=3&size={size}"), None).await.json();
    assert_eq!(old["root_hash"], first["root_hash"]);
    assert!(old["checkpoint"].as_str().unwrap().starts_with("rencana.test/12.71\n"));

    // The refusals name the field and the rule.
    for (uri, field) in [
        ("/api/v1/audit/proof/inclusion?pemda=12.71&seq=0", "seq"),
        ("/api/v1/audit/proof/inclusion?pemda=12.71&seq=abc", "seq"),
        ("/api/v1/audit/proof/inclusion?pemda=12.71", "seq"),
        (&format!("/api/v1/audit/proof/inclusion?pemda=12.71&seq=1&size={}", second + 1), "size"),
        (&format!("/api/v1/audit/proof/inclusion?pemda=12.71&seq={}&size={size}", size + 1), "seq"),
        (&format!("/api/v1/audit/proof/consistency?pemda=12.71&from={}&to={size}", size + 1), "from"),
        ("/api/v1/audit/proof/consistency?pemda=12.71&from=99999999999999999999", "from"),
        ("/api/v1/audit/checkpoints?pemda=12.71&before=-1", "before"),
        ("/api/v1/audit/checkpoints", "pemda"),
    ] {
        let reply = t.get(uri, None).await;
        assert_eq!(reply.status, 422, "{uri}: {}", reply.text);
        assert_eq!(reply.json()["errors"][0]["field"], field, "{uri}");
    }
    assert_eq!(t.get("/api/v1/audit/checkpoints?pemda=12.72", None).await.status, 404);
    let beyond = format!("/api/v1/audit/proof/inclusion?pemda=12.71&seq={}", second + 5);
    assert_eq!(t.get(&beyond, None).await.status, 404, "no such entry yet");
}

#[tokio::test]
async fn a_known_witness_cosignature_is_kept_and_shown_and_a_stranger_is_refused() {
    let t = TestApp::new().await;
    issue(&t).await;
    let latest = t.get("/api/v1/audit/checkpoints?pemda=12.71", None).await.json()["checkpoints"][0].clone();
    let size = latest["tree_size"].as_i64().unwrap();
    let body = transparency::open_checkpoint(latest["note"].as_str().unwrap(), test_log().verifier_key()).unwrap().body;
    let witness = WitnessKey::from_seed("inspektorat.example", [5; 32]).unwrap();
    let line = witness.cosign(&body, 1_800_000_000);
    let input = json!({"pemda": "12.71", "tree_size": size, "cosignature": line});
    let refused = t.json("POST", "/api/v1/audit/cosignatures", None, &input).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.json()["errors"][0]["field"], "cosignature");

    t.db.store.add_witness(&witness.verifier_key(), OffsetDateTime::now_utc()).await.unwrap();
    let accepted = t.json("POST", "/api/v1/audit/cosignatures", None, &input).await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
    let missing = json!({"pemda": "12.71", "tree_size": size + 1, "cosignature": line});
    assert_eq!(t.json("POST", "/api/v1/audit/cosignatures", None, &missing).await.status, 404);

    let shown = t.get("/api/v1/audit/checkpoints?pemda=12.71", None).await.json()["checkpoints"][0].clone();
    assert_eq!(shown["cosignatures"][0]["witness"], "inspektorat.example");
    assert!(shown["cosigned_note"].as_str().unwrap().ends_with(&format!("{line}\n")));
    let info = t.get("/api/v1/audit/log", None).await.json();
    assert_eq!(info["witnesses"][0]["verifier_key"], witness.verifier_key());
}

#[tokio::test]
async fn the_check_page_answers_from_the_checkpoint_and_an_entry_shows_its_checked_proof() {
    let t = TestApp::new().await;
    let before = t.page("GET", "/audit", None, None).await;
    assert!(before.text.contains("Belum ada checkpoint"), "{}", before.text);
    issue(&t).await;
    let page = t.page("GET", "/audit", None, None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(test_log().verifier_key()), "the public key is published");
    assert!(page.text.contains("Diperiksa mulai dari checkpoint bertanda tangan"), "{}", page.text);

    let entry = t.page("GET", "/audit/entry?pemda=12.71&seq=2", None, None).await;
    assert_eq!(entry.status, 200);
    assert!(entry.text.contains("Bukti inklusi cocok dengan akar checkpoint"), "{}", entry.text);
    let english = t.page("GET", "/audit/entry?pemda=12.71&seq=2", Some("rencana_lang=en"), None).await;
    assert!(english.text.contains("The inclusion proof matches"), "{}", english.text);
    assert_eq!(t.page("GET", "/audit/entry?pemda=12.71&seq=999999", None, None).await.status, 404);
    assert_eq!(t.page("GET", "/audit/entry?pemda=99.99&seq=1", None, None).await.status, 404);

    // The entry edited behind the store's back: its page says the proof no longer matches, and
    // the public check names it.
    t.db.tamper(&format!("UPDATE journal SET hash = '{}' WHERE pemda_code = '12.71' AND seq = 2", "cd".repeat(32)))
        .await
        .unwrap();
    let entry = t.page("GET", "/audit/entry?pemda=12.71&seq=2", None, None).await;
    assert!(entry.text.contains("TIDAK cocok"), "{}", entry.text);
    let auditor = t.token("auditor").await;
    let full = t.get("/api/v1/audit/verify?pemda=12.71&full=true", Some(&auditor)).await.json();
    assert_eq!(full["first_broken"], 2, "{full}");
}

#[tokio::test]
async fn the_how_to_page_says_in_plain_words_how_to_check_with_this_installations_key() {
    let t = TestApp::new().await;
    let page = t.page("GET", "/audit/cara-memeriksa", None, None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Cara memeriksa catatan perencanaan"));
    assert!(page.text.contains(test_log().verifier_key()), "the key to check with");
    assert!(page.text.contains("/api/v1/audit/proof/inclusion?pemda=12.71&amp;seq=1"), "{}", page.text);
    assert!(page.text.contains("rencana witness --follow"));
    assert!(t.page("GET", "/audit", None, None).await.text.contains("href=\"/audit/cara-memeriksa\""));
    let english = t.page("GET", "/audit/cara-memeriksa", Some("rencana_lang=en"), None).await;
    assert!(english.text.contains("How to check the planning record"));
}
