//! The forum rules found broken from outside, over HTTP on both databases: money past its
//! bounds, forwarding into a forum that cannot act, figures that lose their reason, a rembuk
//! warga over its cap.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use domain::cycle::{ForwardCaps, Stage, Window};
use domain::{Actor, Command, ScheduleCommand};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

async fn open_cycle(t: &TestApp) -> Uuid {
    common::open_cycle(t, 2032, true, "R.01", "R-JLN", "100.000").await
}

async fn system(t: &TestApp, command: Command) {
    t.db.store.execute(&Actor::System { label: "test".into() }, &command, OffsetDateTime::now_utc()).await.unwrap();
}

fn proposal(cycle: Uuid, title: &str, volume: &str) -> Value {
    json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": title, "problem": "Rusak",
        "kamus_code": "R-JLN", "volume": volume, "lingkungan": "12.71.01.1001.001", "address": format!("Jl. {title}")})
}

fn minutes() -> Value {
    json!({"date": "2032-01-20", "place": "Balai", "chair": "Ketua", "attendees": [{"name": "Ani", "role": "warga"}]})
}

/// Raises proposals at the rembuk warga of Lingkungan I, ranks them in that order, records the
/// minutes; returns their ids.
async fn long_list(t: &TestApp, cycle: Uuid, titles: &[&str]) -> Vec<String> {
    let kepling = t.token("kepling.pasarbaru1").await;
    let mut ids = Vec::new();
    for title in titles {
        let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal(cycle, title, "10")).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        ids.push(reply.json()["id"].as_str().unwrap().to_string());
    }
    let rembuk = format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    assert_eq!(
        t.json("PUT", &format!("{rembuk}/ranking"), Some(&kepling), &json!({"order": ids})).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.json("PUT", &format!("{rembuk}/minutes"), Some(&kepling), &minutes()).await.status,
        StatusCode::NO_CONTENT
    );
    ids
}

#[tokio::test]
async fn money_past_its_bounds_is_refused_naming_the_field() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let kepling = t.token("kepling.pasarbaru1").await;
    for volume in ["1000001", "9223372036854775807", "99999999999999999999999", "1000000,5"] {
        let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal(cycle, "Besar", volume)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{volume}: {}", reply.text);
        assert_eq!(reply.json()["errors"][0]["field"], "volume");
        assert_eq!(reply.json()["errors"][0]["rule"], "above_max", "{volume}");
        assert!(reply.json()["errors"][0]["message"].as_str().unwrap().contains("1.000.000"), "{}", reply.text);
    }
    let trailing = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal(cycle, "Koma", "1,")).await;
    assert_eq!(trailing.json()["errors"][0]["rule"], "format");
    let bappeda = t.token("bappeda").await;
    for amount in ["100.000.000.000.001", "9223372036854775807", "99999999999999999999999"] {
        let reply = t
            .json(
                "PUT",
                &format!("/api/v1/cycles/{cycle}/ceilings/12.71.01"),
                Some(&bappeda),
                &json!({"amount": amount}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}: {}", reply.text);
        assert_eq!(reply.json()["errors"][0]["field"], "amount");
    }
}

#[tokio::test]
async fn a_rembuk_warga_over_its_cap_forwards_its_top_ranked_and_records_the_rest() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let caps = ForwardCaps { rembuk_warga: Some(3), ..ForwardCaps::default() };
    system(&t, Command::Schedule(ScheduleCommand::SetCycleSettings { cycle_id: cycle, caps, online_proposals: true }))
        .await;
    let ids = long_list(&t, cycle, &["Satu", "Dua", "Tiga", "Empat"]).await;
    let cookie = t.page_login("kepling.pasarbaru1").await;
    let page = t.page("GET", &format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.001"), Some(&cookie), None).await;
    assert!(page.text.contains("id=\"cap-note\""), "the page says what closing will do");
    let kepling = t.token("kepling.pasarbaru1").await;
    let rembuk = format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    let closed = t.json("POST", &format!("{rembuk}/close"), Some(&kepling), &json!({})).await;
    assert_eq!(closed.status, StatusCode::NO_CONTENT, "{}", closed.text);
    let last = t.get(&format!("/api/v1/proposals/{}", ids[3]), None).await.json();
    assert_eq!(last["stages"][0]["status"], "not_forwarded");
    assert_eq!(last["stages"].as_array().unwrap().len(), 1, "it went no further");
    let kelurahan = t.get(&format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001"), None).await.json();
    assert_eq!(kelurahan["items"].as_array().unwrap().len(), 3);
    let history = t.get(&format!("/api/v1/proposals/{}/history", ids[3]), None).await.json();
    assert!(history.as_array().unwrap().iter().any(|e| e["kind"] == "forum_closed"), "{history}");
}

#[tokio::test]
async fn nothing_is_forwarded_into_a_forum_that_can_no_longer_decide() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let ids = long_list(&t, cycle, &["Satu"]).await;
    // Bappeda ends the kelurahan's window while the rembuk warga is still open.
    let now = OffsetDateTime::now_utc();
    let ended = Window { opens: now - Duration::days(3), closes: now - Duration::hours(1) };
    system(
        &t,
        Command::Schedule(ScheduleCommand::SetStageWindow {
            cycle_id: cycle,
            stage: Stage::MusrenbangKelurahan,
            window: ended,
        }),
    )
    .await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let rembuk = format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    let refused = t.json("POST", &format!("{rembuk}/close"), Some(&kepling), &json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.json()["context"]["problem"], "upper_closed");
    assert!(refused.json()["detail"].as_str().unwrap().contains("Bappeda"), "{}", refused.text);
    let still = t.get(&format!("/api/v1/proposals/{}", ids[0]), None).await.json();
    assert_eq!(still["stages"].as_array().unwrap().len(), 1, "nothing moved");
}

#[tokio::test]
async fn a_plain_accept_restores_the_figures_that_came_from_below() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let ids = long_list(&t, cycle, &["Satu"]).await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let rembuk = format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    assert_eq!(
        t.json("POST", &format!("{rembuk}/close"), Some(&kepling), &json!({})).await.status,
        StatusCode::NO_CONTENT
    );
    let lurah = t.token("kel.pasarbaru").await;
    let uri = format!("/api/v1/proposals/{}/decisions", ids[0]);
    let changed =
        json!({"stage": "musrenbang_kelurahan", "decision": "accept_with_changes", "volume": "4", "reason": "Pagu"});
    assert_eq!(t.json("POST", &uri, Some(&lurah), &changed).await.json()["stages"][1]["volume"], "4");
    let plain =
        t.json("POST", &uri, Some(&lurah), &json!({"stage": "musrenbang_kelurahan", "decision": "accept"})).await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.text);
    let record = &plain.json()["stages"][1];
    assert_eq!((record["volume"].as_str(), record["cost"].as_i64()), (Some("10"), Some(1_000_000)));
    assert_eq!(record["reason"], Value::Null);
    let invisible = json!({"stage": "musrenbang_kelurahan", "decision": "reject", "reason": "\u{200B}\u{200B}"});
    let reply = t.json("POST", &uri, Some(&lurah), &invisible).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["errors"][0]["field"], "reason");
    // Every decision stays in the proposal's history, in order, and on its page.
    let history = t.get(&format!("/api/v1/proposals/{}/history", ids[0]), None).await.json();
    let decisions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "proposal_decided")
        .map(|e| e["payload"]["record"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["accepted_with_changes", "accepted"]);
    let page = t.page("GET", &format!("/proposals/{}", ids[0]), None, None).await;
    assert!(page.text.contains("Pagu"), "the changed decision's reason stays in the timeline");
}
