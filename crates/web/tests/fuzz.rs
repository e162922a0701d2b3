//! Random text, numbers and volumes through the API's submit, decide and ceiling: never a 500,
//! and what is accepted reads back as it was meant.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use proptest::prelude::*;
use serde_json::json;

/// Text as people (and scripts) type it: words, digits, separators, controls, zero-width
/// characters, emoji, and long runs.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[0-9.,]{0,25}",
        "[ \\t\\n\\u{0}\\u{b}\\u{1b}\\u{200b}\\u{feff}a-z0-9]{0,12}",
        Just("9".repeat(40)),
        Just("a".repeat(2_001)),
    ]
}

/// Every case runs against one app, seeded once: a fresh database a case cost a second or two
/// each in a debug build, and what a case checks does not depend on the cases before it (each
/// decides only the proposal it raised).
#[test]
fn submissions_of_any_text_never_fail_the_server() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (t, cycle, kepling, bappeda) = runtime.block_on(async {
        let t = TestApp::new().await;
        let cycle = common::open_cycle(&t, 2033, true, "F.01", "F-JLN", "1.000").await;
        let kepling = t.token("kepling.pasarbaru1").await;
        let bappeda = t.token("bappeda").await;
        (t, cycle, kepling, bappeda)
    });
    let config = ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() };
    let outcome = proptest::test_runner::TestRunner::new(config).run(
        &(text(), text(), text(), text()),
        |(title, volume, amount, reason)| {
            runtime.block_on(async {
                let body = json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": title, "problem": "Masalah",
                    "kamus_code": "F-JLN", "volume": volume, "lingkungan": "12.71.01.1001.001", "address": "Jl. A"});
                let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &body).await;
                prop_assert!(!reply.status.is_server_error(), "{}", reply.text);
                let mut raised = None;
                if reply.status == StatusCode::CREATED {
                    let created = reply.json();
                    prop_assert_eq!(created["title"].as_str(), Some(title.trim()));
                    let stored = created["stages"][0]["volume"].as_str().unwrap().to_string();
                    let typed = domain::money::parse_volume(&volume).unwrap();
                    prop_assert_eq!(domain::money::parse_volume(&stored), Some(typed));
                    prop_assert!(created["stages"][0]["cost"].as_i64().unwrap() <= domain::money::AMOUNT_MAX);
                    raised = created["id"].as_str().map(str::to_string);
                } else {
                    prop_assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
                }
                let path = format!("/api/v1/cycles/{cycle}/ceilings/12.71.01");
                let ceiling = t.json("PUT", &path, Some(&bappeda), &json!({"amount": amount})).await;
                prop_assert!(!ceiling.status.is_server_error(), "{}", ceiling.text);
                if ceiling.status.is_success() {
                    prop_assert!(domain::money::parse_rupiah(&amount).is_some_and(|a| a <= domain::money::AMOUNT_MAX));
                }
                if let Some(id) = raised {
                    let reject = json!({"stage": "musrenbang_kelurahan", "decision": "reject", "reason": reason});
                    let reply =
                        t.json("POST", &format!("/api/v1/proposals/{id}/decisions"), Some(&bappeda), &reject).await;
                    prop_assert!(!reply.status.is_server_error(), "{}", reply.text);
                }
                Ok(())
            })
        },
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
