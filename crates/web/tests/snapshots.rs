//! The API's JSON for its main views, kept as snapshots (insta): a change of shape shows in
//! review as a change of a `.snap` file. Ids, times and the journal's hashes differ on every run
//! and are written as `[uuid]`, `[time]` and `[sha256]`; everything else is compared as it is.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

/// The value with every id and every moment replaced by a placeholder.
fn stable(value: Value) -> Value {
    match value {
        Value::String(text) if uuid::Uuid::parse_str(&text).is_ok() => Value::String("[uuid]".into()),
        Value::String(text) if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Value::String("[sha256]".into())
        }
        Value::String(text)
            if time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339).is_ok() =>
        {
            Value::String("[time]".into())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(stable).collect()),
        Value::Object(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, stable(v))).collect()),
        other => other,
    }
}

#[tokio::test]
async fn the_main_views_keep_their_shape() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2032, true, "S.01", "S-JLN", "150.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let mut ids = Vec::new();
    for (title, volume, address) in [("Jalan Satu", "120", "Jl. Sei Batang Hari"), ("Jalan Dua", "12,5", "Gg. Dua")] {
        let body = json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": title,
            "problem": "Jalan berlubang saat hujan", "kamus_code": "S-JLN", "volume": volume,
            "lingkungan": "12.71.01.1001.001", "address": address, "latitude": 3.5952, "longitude": 98.6722});
        let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        ids.push(reply.json()["id"].as_str().unwrap().to_string());
    }
    let forum = format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    let ranked = t.json("PUT", &format!("{forum}/ranking"), Some(&kepling), &json!({"order": [ids[1], ids[0]]})).await;
    assert_eq!(ranked.status, StatusCode::NO_CONTENT, "{}", ranked.text);

    insta::assert_json_snapshot!(
        "proposal",
        stable(t.get(&format!("/api/v1/proposals/{}", ids[0]), None).await.json())
    );
    insta::assert_json_snapshot!("forum", stable(t.get(&forum, None).await.json()));
    let list = t.get(&format!("/api/v1/proposals?cycle={cycle}&limit=1"), None).await.json();
    insta::assert_json_snapshot!("proposal_list", stable(list));
    let history = t.get(&format!("/api/v1/proposals/{}/history", ids[0]), None).await.json();
    insta::assert_json_snapshot!("history", stable(history));
    insta::assert_json_snapshot!("cycle", stable(t.get(&format!("/api/v1/cycles/{cycle}"), None).await.json()));
    let refused = t
        .json(
            "POST",
            "/api/v1/proposals",
            Some(&kepling),
            &json!({"cycle_id": cycle, "stage": "rembuk_warga",
        "title": "", "problem": "x", "kamus_code": "S-JLN", "volume": "-1", "lingkungan": "12.71.01.1001.001",
        "address": "Jl. X", "track": "apbd"}),
        )
        .await;
    insta::assert_json_snapshot!("problem", stable(refused.json()));
}
