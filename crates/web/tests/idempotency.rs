//! `Idempotency-Key`: a submission sent again after a timeout with the same key is answered as
//! the first time and stored once; a key reused for another request is refused; two at once never
//! write twice.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, field, fields};
use serde_json::{Value, json};
use uuid::Uuid;

fn proposal(cycle: Uuid, title: &str) -> Value {
    json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": title, "problem": "Rusak",
        "kamus_code": "R-JLN", "volume": "10", "lingkungan": "12.71.01.1001.001", "address": format!("Jl. {title}")})
}

async fn submit(t: &TestApp, token: &str, key: &str, body: &Value) -> Reply {
    let request = Request::post("/api/v1/proposals")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(body.to_string()))
        .unwrap();
    t.send(request).await
}

async fn count(t: &TestApp, cycle: Uuid) -> u64 {
    t.get(&format!("/api/v1/proposals/count?cycle={cycle}"), None).await.json()["total"].as_u64().unwrap()
}

#[tokio::test]
async fn a_retried_submission_is_answered_again_and_stored_once() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2039, true, "R.01", "R-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let key = Uuid::now_v7().to_string();

    let first = submit(&t, &kepling, &key, &proposal(cycle, "Jalan Mawar")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert!(first.header("idempotent-replayed").is_none());
    let again = submit(&t, &kepling, &key, &proposal(cycle, "Jalan Mawar")).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.json(), first.json());
    assert_eq!(count(&t, cycle).await, 1);

    // The same key for another request is refused, and writes nothing.
    let other = submit(&t, &kepling, &key, &proposal(cycle, "Jalan Melati")).await;
    assert_eq!(fields(&other), vec![field("idempotency_key", "taken")]);
    assert_eq!(count(&t, cycle).await, 1);
    // Keys belong to the credential: another token's same key is its own.
    let other_session = t.token("kepling.pasarbaru1").await;
    let theirs = submit(&t, &other_session, &key, &proposal(cycle, "Jalan Melati")).await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.text);
    assert_eq!(count(&t, cycle).await, 2);

    // A refusal is not kept: the corrected request under the same key is taken.
    let fresh = Uuid::now_v7().to_string();
    let refused = submit(&t, &kepling, &fresh, &json!({"cycle_id": cycle})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let corrected = submit(&t, &kepling, &fresh, &proposal(cycle, "Jalan Kenanga")).await;
    assert_eq!(corrected.status, StatusCode::CREATED, "{}", corrected.text);

    // Keys belong to the operation too: the used key sent to another address, or with a method
    // the address does not take (405, before any key is looked at), is not that request.
    let support = Request::post(format!("/api/v1/proposals/{}/supports", first.json()["id"].as_str().unwrap()))
        .header(header::AUTHORIZATION, format!("Bearer {kepling}"))
        .header("Idempotency-Key", &key)
        .body(Body::empty())
        .unwrap();
    let supported = t.send(support).await;
    assert!(!supported.text.contains("idempotency_key"), "{}", supported.text);
    let wrong_method = Request::put("/api/v1/proposals")
        .header(header::AUTHORIZATION, format!("Bearer {kepling}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", &key)
        .body(Body::from(proposal(cycle, "Jalan Melati").to_string()))
        .unwrap();
    assert_eq!(t.send(wrong_method).await.status, StatusCode::METHOD_NOT_ALLOWED);

    // A malformed key is named.
    let spaced = submit(&t, &kepling, "a key", &proposal(cycle, "Jalan Anggrek")).await;
    assert_eq!(fields(&spaced), vec![field("idempotency_key", "format")]);
    assert!(spaced.text.contains("Idempotency-Key"), "{}", spaced.text);
}

#[tokio::test]
async fn a_retry_after_a_crash_that_lost_the_answer_is_told_it_was_carried_out() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2041, true, "R.01", "R-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let key = Uuid::now_v7().to_string();
    let first = submit(&t, &kepling, &key, &proposal(cycle, "Jalan Dahlia")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);

    // What a crash between the write's commit and the keeping of its answer leaves: the key,
    // committed with the write, and no answer.
    t.db.tamper("UPDATE idempotent_answer SET status = 0").await.unwrap();
    let again = submit(&t, &kepling, &key, &proposal(cycle, "Jalan Dahlia")).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(again.json()["type"], "/problems/carried-out");
    assert!(again.json()["title"].as_str().unwrap().contains("sudah dijalankan"), "{}", again.text);
    assert_eq!(count(&t, cycle).await, 1);
    // Another request under the same key is still refused as a reused key.
    let other = submit(&t, &kepling, &key, &proposal(cycle, "Jalan Teratai")).await;
    assert_eq!(fields(&other), vec![field("idempotency_key", "taken")]);
    assert_eq!(count(&t, cycle).await, 1);
}

#[tokio::test]
async fn two_at_once_with_one_key_write_once() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2040, true, "R.01", "R-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let body = proposal(cycle, "Jalan Cempaka");
    for round in 0..5 {
        let key = format!("kunci-{round}");
        let (a, b) = tokio::join!(submit(&t, &kepling, &key, &body), submit(&t, &kepling, &key, &body));
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert!(
            statuses == [StatusCode::CREATED, StatusCode::CREATED]
                || statuses == [StatusCode::CREATED, StatusCode::SERVICE_UNAVAILABLE],
            "{statuses:?}: {} / {}",
            a.text,
            b.text
        );
        assert_eq!(count(&t, cycle).await, round + 1);
    }
}

#[tokio::test]
async fn the_api_document_offers_the_key_on_every_write_with_a_token() {
    let t = TestApp::new().await;
    let doc = t.get("/api/v1/openapi.json", None).await.json();
    let submit = &doc["paths"]["/api/v1/proposals"]["post"]["parameters"];
    let named = submit.as_array().unwrap().iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header");
    assert!(named, "{submit}");
    let reads = &doc["paths"]["/api/v1/proposals"]["get"]["parameters"];
    assert!(!reads.as_array().unwrap().iter().any(|p| p["name"] == "Idempotency-Key"));
}
