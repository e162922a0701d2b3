//! The statistics page and API: each level's decisions counted per kecamatan, OPD, bidang and
//! origin, the accepted cost against the pagu, charts as SVG with their figures in tables.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use domain::{Actor, Command, ScheduleCommand};
use serde_json::{Value, json};
use uuid::Uuid;

fn proposal(cycle: Uuid, title: &str, volume: &str) -> Value {
    json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": title, "problem": "Jalan berlubang",
        "kamus_code": "S-JLN", "volume": volume, "lingkungan": "12.71.01.1001.001", "address": format!("Jl. {title}")})
}

fn minutes() -> Value {
    json!({"date": "2032-01-20", "place": "Balai warga", "chair": "Ketua",
        "attendees": [{"name": "Ani", "role": "warga"}], "delegates": ["Ani"]})
}

/// Three proposals through a rembuk warga; at the musrenbang kelurahan one accepted, one
/// rejected, one left; a kecamatan pagu set.
async fn decided_cycle(t: &TestApp) -> (Uuid, Vec<String>) {
    let cycle = common::open_cycle(t, 2032, true, "S.01", "S-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let mut ids = Vec::new();
    for (title, volume) in [("Satu", "10"), ("Dua", "20"), ("Tiga", "30")] {
        let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal(cycle, title, volume)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        ids.push(reply.json()["id"].as_str().unwrap().to_string());
    }
    let rembuk = format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    t.json("PUT", &format!("{rembuk}/ranking"), Some(&kepling), &json!({"order": ids})).await;
    t.json("PUT", &format!("{rembuk}/minutes"), Some(&kepling), &minutes()).await;
    let closed = t.json("POST", &format!("{rembuk}/close"), Some(&kepling), &json!({})).await;
    assert_eq!(closed.status, StatusCode::NO_CONTENT, "{}", closed.text);
    let lurah = t.token("kel.pasarbaru").await;
    for (id, body) in [
        (&ids[0], json!({"stage": "musrenbang_kelurahan", "decision": "accept"})),
        (&ids[1], json!({"stage": "musrenbang_kelurahan", "decision": "reject", "reason": "Sudah dibangun"})),
    ] {
        let reply = t.json("POST", &format!("/api/v1/proposals/{id}/decisions"), Some(&lurah), &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }
    let system = Actor::System { label: "test".into() };
    let ceiling = Command::Schedule(ScheduleCommand::SetCeiling {
        cycle_id: cycle,
        kecamatan: "12.71.01".into(),
        amount: "2.500.000".into(),
    });
    t.db.store.execute(&system, &ceiling, time::OffsetDateTime::now_utc()).await.unwrap();
    (cycle, ids)
}

#[tokio::test]
async fn the_api_counts_each_levels_decisions_per_kecamatan_opd_bidang_and_origin() {
    let t = TestApp::new().await;
    let (cycle, _) = decided_cycle(&t).await;
    let reply = t.get(&format!("/api/v1/statistics?cycle={cycle}"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let figures = reply.json();
    assert_eq!(figures["tahun_anggaran"], 2032);
    let kelurahan = &figures["total"][1];
    assert_eq!(kelurahan["stage"], "musrenbang_kelurahan");
    assert_eq!((kelurahan["accepted"].as_u64(), kelurahan["rejected"].as_u64()), (Some(1), Some(1)));
    assert_eq!(kelurahan["pending"], 1);
    assert_eq!(kelurahan["accepted_cost"], 1_000_000, "only the accepted proposal's cost: {figures}");
    assert_eq!(figures["total"][0]["accepted"], 3, "the rembuk warga accepted all three");

    let medan_kota = figures["by_kecamatan"].as_array().unwrap().iter().find(|k| k["code"] == "12.71.01").unwrap();
    assert_eq!(medan_kota["name"], "Medan Kota");
    assert_eq!(medan_kota["pagu"], 2_500_000);
    assert_eq!(medan_kota["levels"][1]["rejected"], 1);
    let opd = figures["by_opd"].as_array().unwrap().iter().find(|o| o["code"] == "S.01").unwrap();
    assert_eq!(opd["name"], "Dinas Uji S.01");
    assert_eq!(figures["by_origin"][0]["key"], "lingkungan");
    assert_eq!(figures["by_origin"][0]["levels"][1]["accepted"], 1);
    assert_eq!(figures["by_bidang"].as_array().unwrap().len(), 1);

    let missing = t.get(&format!("/api/v1/statistics?cycle={}", Uuid::now_v7()), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = t.get("/api/v1/statistics?cycle=bukan", None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
}

#[tokio::test]
async fn the_page_draws_each_chart_beside_a_table_of_its_figures() {
    let t = TestApp::new().await;
    let (cycle, _) = decided_cycle(&t).await;
    let page = t.page("GET", &format!("/statistics?cycle={cycle}"), None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.text;
    assert!(html.contains("Statistik perencanaan tahun anggaran 2032"));
    assert_eq!(html.matches("<svg viewBox").count(), 6, "two charts per kecamatan and OPD, one per bidang and origin");
    assert_eq!(html.matches("<figure class=\"chart\">").count(), 6);
    assert!(html.contains("role=\"img\""));
    // The table beside the chart has the exact figures, Indonesian style, and what is left of
    // the pagu after the accepted proposals (none accepted at the kecamatan yet).
    let table = html.split("id=\"kecamatan-table\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(table.contains("Medan Kota"));
    assert!(table.contains("Rp2.500.000"), "{table}");
    assert!(html.contains("Rp1.000.000"), "the kelurahan's accepted cost");
    assert!(html.contains("Sisa pagu"));

    let english = t.page("GET", &format!("/statistics?cycle={cycle}"), Some("rencana_lang=en"), None).await;
    assert!(english.text.contains("Planning statistics, budget year 2032"), "{}", english.text);

    let missing = t.page("GET", &format!("/statistics?cycle={}", Uuid::now_v7()), None, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = t.page("GET", "/statistics?cycle=bukan", None, None).await;
    assert_ne!(bad.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(bad.status.is_client_error());
}

#[tokio::test]
async fn a_cycle_left_out_shows_the_newest_and_over_the_pagu_is_said_in_red() {
    let t = TestApp::new().await;
    let (cycle, ids) = decided_cycle(&t).await;
    // The accepted proposal (Rp1.000.000) goes on to the kecamatan, whose pagu is cut below it.
    let lurah = t.token("kel.pasarbaru").await;
    let body = json!({"stage": "musrenbang_kelurahan", "decision": "reject", "reason": "Bukan prioritas"});
    t.json("POST", &format!("/api/v1/proposals/{}/decisions", ids[2]), Some(&lurah), &body).await;
    let kelurahan = format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001");
    t.json("PUT", &format!("{kelurahan}/ranking"), Some(&lurah), &json!({"order": [ids[0]]})).await;
    t.json("PUT", &format!("{kelurahan}/minutes"), Some(&lurah), &minutes()).await;
    let closed = t.json("POST", &format!("{kelurahan}/close"), Some(&lurah), &json!({})).await;
    assert_eq!(closed.status, StatusCode::NO_CONTENT, "{}", closed.text);
    // Counts are kept between readers, and counted anew once the journal has grown.
    let before = t.get(&format!("/api/v1/statistics?cycle={cycle}"), None).await.json();
    assert_eq!(before["total"][2]["accepted"], 0);
    let camat = t.token("kec.medankota").await;
    let body = json!({"stage": "musrenbang_kecamatan", "decision": "accept"});
    let reply = t.json("POST", &format!("/api/v1/proposals/{}/decisions", ids[0]), Some(&camat), &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let system = Actor::System { label: "test".into() };
    let ceiling = Command::Schedule(ScheduleCommand::SetCeiling {
        cycle_id: cycle,
        kecamatan: "12.71.01".into(),
        amount: "400.000".into(),
    });
    t.db.store.execute(&system, &ceiling, time::OffsetDateTime::now_utc()).await.unwrap();
    let after = t.get(&format!("/api/v1/statistics?cycle={cycle}"), None).await.json();
    assert_eq!(after["total"][2]["accepted"], 1, "the kecamatan's decision is counted: {after}");
    let page = t.page("GET", "/statistics", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("2032"), "the newest cycle");
    let table = page.text.split("id=\"kecamatan-table\"").nth(1).unwrap().split("</table>").next().unwrap().to_string();
    assert!(table.contains("class=\"num over\">Melebihi pagu Rp600.000"), "{table}");
}
