//! Proposals and forums through the API: the path from rembuk warga to kecamatan, and every
//! refusal on the way (window closed, wrong region, missing reason, over ceiling, bad input).

mod common;

use axum::http::StatusCode;
use common::TestApp;
use domain::cycle::{Stage, Window};
use domain::{Actor, Command, ScheduleCommand};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A cycle of its own (a year the demo does not use), every forum open, one kamus item.
async fn open_cycle(t: &TestApp) -> Uuid {
    common::open_cycle(t, 2031, true, "T.01", "T-JLN", "100.000").await
}

fn proposal_body(cycle: Uuid, title: &str, volume: &str) -> Value {
    json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": title, "problem": "Jalan berlubang",
        "kamus_code": "T-JLN", "volume": volume, "lingkungan": "12.71.01.1001.001",
        "address": format!("Jl. {title}"), "latitude": 3.5952, "longitude": 98.6722})
}

fn minutes() -> Value {
    json!({"date": "2031-01-20", "place": "Balai warga", "chair": "Ketua",
        "attendees": [{"name": "Ani", "role": "warga"}], "delegates": ["Ani"]})
}

#[tokio::test]
async fn a_proposal_goes_from_rembuk_warga_to_kecamatan_through_the_api() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let mut ids = Vec::new();
    for (title, volume) in [("Satu", "100"), ("Dua", "80"), ("Tiga", "50")] {
        let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal_body(cycle, title, volume)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assert_eq!(reply.json()["stages"][0]["cost"], 100_000 * volume.parse::<i64>().unwrap());
        ids.push(reply.json()["id"].as_str().unwrap().to_string());
    }
    let rembuk = format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    assert_eq!(
        t.json("PUT", &format!("{rembuk}/ranking"), Some(&kepling), &json!({"order": ids})).await.status,
        StatusCode::NO_CONTENT
    );
    let early = t.json("POST", &format!("{rembuk}/close"), Some(&kepling), &json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.json()["context"]["problem"], "no_minutes");
    assert_eq!(
        t.json("PUT", &format!("{rembuk}/minutes"), Some(&kepling), &minutes()).await.status,
        StatusCode::NO_CONTENT
    );
    let view = t.get(&rembuk, None).await.json();
    assert_eq!(view["minutes"]["place"], "Balai warga", "the forum view shows its minutes: {view}");
    assert_eq!(
        t.json("POST", &format!("{rembuk}/close"), Some(&kepling), &json!({})).await.status,
        StatusCode::NO_CONTENT
    );

    let lurah = t.token("kel.pasarbaru").await;
    let decide = |id: &str, body: Value| (format!("/api/v1/proposals/{id}/decisions"), body);
    let (uri, body) = decide(&ids[2], json!({"stage": "musrenbang_kelurahan", "decision": "reject"}));
    let no_reason = t.json("POST", &uri, Some(&lurah), &body).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.json()["errors"][0]["field"], "reason");
    let (uri, body) =
        decide(&ids[2], json!({"stage": "musrenbang_kelurahan", "decision": "reject", "reason": "Sudah dibangun"}));
    assert_eq!(t.json("POST", &uri, Some(&lurah), &body).await.status, StatusCode::OK);
    let (uri, body) = decide(&ids[0], json!({"stage": "musrenbang_kelurahan", "decision": "accept"}));
    assert_eq!(t.json("POST", &uri, Some(&lurah), &body).await.status, StatusCode::OK);
    let (uri, body) = decide(
        &ids[1],
        json!({"stage": "musrenbang_kelurahan", "decision": "accept_with_changes", "volume": "40", "reason": "Separuh sudah diaspal"}),
    );
    let changed = t.json("POST", &uri, Some(&lurah), &body).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.json()["stages"][0]["volume"], "80", "the lingkungan's figures stay");
    assert_eq!(changed.json()["stages"][1]["volume"], "40");
    assert_eq!(changed.json()["stages"][1]["cost"], 4_000_000);
    let kelurahan = format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001");
    let order = json!({"order": [ids[1], ids[0]]});
    assert_eq!(
        t.json("PUT", &format!("{kelurahan}/ranking"), Some(&lurah), &order).await.status,
        StatusCode::NO_CONTENT
    );
    t.json("PUT", &format!("{kelurahan}/minutes"), Some(&lurah), &minutes()).await;
    assert_eq!(
        t.json("POST", &format!("{kelurahan}/close"), Some(&lurah), &json!({})).await.status,
        StatusCode::NO_CONTENT
    );
    let after = t.json("POST", &uri, Some(&lurah), &body).await;
    assert_eq!(after.status, StatusCode::CONFLICT, "a closed forum never changes");

    let camat = t.token("kec.medankota").await;
    let kecamatan = format!("/api/v1/forums/{cycle}/musrenbang_kecamatan/12.71.01");
    let view = t.get(&kecamatan, None).await.json();
    assert_eq!(view["items"].as_array().unwrap().len(), 2);
    for id in &ids[..2] {
        let (uri, body) = decide(id, json!({"stage": "musrenbang_kecamatan", "decision": "accept"}));
        assert_eq!(t.json("POST", &uri, Some(&camat), &body).await.status, StatusCode::OK);
    }
    t.json("PUT", &format!("{kecamatan}/ranking"), Some(&camat), &json!({"order": [ids[0], ids[1]]})).await;
    t.json("PUT", &format!("{kecamatan}/minutes"), Some(&camat), &minutes()).await;
    let admin = t.token("bappeda").await;
    let system = Actor::System { label: "test".into() };
    let ceiling = |amount: &str| {
        Command::Schedule(ScheduleCommand::SetCeiling {
            cycle_id: cycle,
            kecamatan: "12.71.01".into(),
            amount: amount.into(),
        })
    };
    t.db.store.execute(&system, &ceiling("5.000.000"), OffsetDateTime::now_utc()).await.unwrap();
    let over = t.json("POST", &format!("{kecamatan}/close"), Some(&camat), &json!({})).await;
    assert_eq!(over.status, StatusCode::CONFLICT);
    assert_eq!(over.json()["context"], json!({"problem": "over_ceiling", "total": 14_000_000, "ceiling": 5_000_000}));
    assert!(over.json()["detail"].as_str().unwrap().contains("Rp14.000.000"), "{}", over.text);
    t.db.store.execute(&system, &ceiling("20.000.000"), OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(
        t.json("POST", &format!("{kecamatan}/close"), Some(&camat), &json!({})).await.status,
        StatusCode::NO_CONTENT
    );

    // The kecamatan's output: its accepted list per OPD, in rank order.
    let page = t.page("GET", &format!("/forums/{cycle}/musrenbang_kecamatan/12.71.01"), None, None).await;
    assert!(
        page.text.contains("Daftar per perangkat daerah") && page.text.contains("Dinas Uji T.01 (T.01)"),
        "{}",
        page.text
    );
    let proposal = t.get(&format!("/api/v1/proposals/{}", ids[1]), Some(&admin)).await.json();
    let stages: Vec<&str> =
        proposal["stages"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["rembuk_warga", "musrenbang_kelurahan", "musrenbang_kecamatan", "forum_opd"]);
    let history = t.get(&format!("/api/v1/proposals/{}/history", ids[1]), None).await.json();
    assert!(history.as_array().unwrap().len() >= 6, "{history}");
    let listed = t.get(&format!("/api/v1/proposals?cycle={cycle}&region=12.71.01&stage=forum_opd"), None).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn refusals_name_the_stage_the_region_and_the_field() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let kepling = t.token("kepling.pasarbaru1").await;
    // Another lingkungan is another kepala lingkungan's.
    let mut other = proposal_body(cycle, "Lain", "10");
    other["lingkungan"] = json!("12.71.01.1001.002");
    assert_eq!(t.json("POST", "/api/v1/proposals", Some(&kepling), &other).await.status, StatusCode::FORBIDDEN);
    let mut bad = proposal_body(cycle, "", "banyak");
    bad["latitude"] = json!(51.5);
    bad["longitude"] = json!(-0.12);
    let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = reply.json();
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "volume", "latitude"]);
    let mut unknown = proposal_body(cycle, "Kamus", "1");
    unknown["kamus_code"] = json!("TIDAK-ADA");
    assert_eq!(
        t.json("POST", "/api/v1/proposals", Some(&kepling), &unknown).await.json()["errors"][0]["rule"],
        "unknown_kamus"
    );

    // A resident may propose into their own lingkungan when the cycle allows, and support once.
    let warga = t.token("warga.demo").await;
    let reply = t.json("POST", "/api/v1/proposals", Some(&warga), &proposal_body(cycle, "Warga", "5")).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json()["proposer"], "Warga", "not even in the answer to their own submission");
    let id = reply.json()["id"].as_str().unwrap().to_string();
    let shown = t.get(&format!("/api/v1/proposals/{id}"), None).await.json();
    assert_eq!(shown["proposer"], "Warga", "a resident's name is never published");
    let support = t.json("POST", &format!("/api/v1/proposals/{id}/supports"), Some(&warga), &json!({})).await;
    assert_eq!(support.status, StatusCode::CREATED);
    assert_eq!(support.json()["supports"], 1);
    let again = t.json("POST", &format!("/api/v1/proposals/{id}/supports"), Some(&warga), &json!({})).await;
    assert_eq!(again.json()["errors"][0]["rule"], "already_supported");

    // Outside its window a stage refuses everyone, with its dates in the message.
    let now = OffsetDateTime::now_utc();
    let past = Window { opens: now - Duration::days(60), closes: now - Duration::days(30) };
    let system = Actor::System { label: "test".into() };
    t.db.store
        .execute(
            &system,
            &Command::Schedule(ScheduleCommand::SetStageWindow {
                cycle_id: cycle,
                stage: Stage::RembukWarga,
                window: past,
            }),
            now,
        )
        .await
        .unwrap();
    let closed = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal_body(cycle, "Telat", "1")).await;
    assert_eq!(closed.status, StatusCode::CONFLICT);
    assert_eq!(closed.json()["context"]["stage"], "rembuk_warga");
    assert!(
        closed.json()["detail"].as_str().unwrap().starts_with("Tahap Rembuk warga tidak sedang dibuka: jadwalnya"),
        "{}",
        closed.text
    );

    assert_eq!(t.get(&format!("/api/v1/forums/{cycle}/pokir/12.71"), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/proposals?stage=entah", None).await.json()["errors"][0]["field"], "stage");
    assert_eq!(t.get("/api/v1/proposals/not-a-uuid", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn photos_are_checked_by_their_bytes_and_kept_by_their_hash() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal_body(cycle, "Foto", "3")).await;
    let id = reply.json()["id"].as_str().unwrap().to_string();
    let upload = |bytes: Vec<u8>, token: &str| {
        Request::post(format!("/api/v1/proposals/{id}/photos"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "image/jpeg")
            .body(Body::from(bytes))
            .unwrap()
    };
    // A real JPEG with a page appended: the pixels are kept, encoded anew, and nothing else.
    let mut jpeg = store::testing::jpeg(8, 6);
    jpeg.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let added = t.send(upload(jpeg.clone(), &kepling)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let href = added.json()["href"].as_str().unwrap().to_string();
    assert_eq!(added.json()["sha256"].as_str().unwrap().len(), 64);
    let fetched = t.get(&href, None).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(fetched.header("content-type").as_deref(), Some("image/jpeg"));
    assert!(!fetched.text.contains("<script>"), "what is served is only the image");
    let svg = t.send(upload(b"<svg onload=alert(1)>".to_vec(), &kepling)).await;
    assert_eq!(svg.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(svg.json()["errors"][0]["rule"], "photo_type");
    // A PNG signature with a page behind it is no PNG.
    let mut fake_png = b"\x89PNG\r\n\x1a\n".to_vec();
    fake_png.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let fake = t.send(upload(fake_png, &kepling)).await;
    assert_eq!(fake.json()["errors"][0]["rule"], "photo_type", "{}", fake.text);
    let mut huge = vec![0xFF, 0xD8, 0xFF];
    huge.resize(5 * 1024 * 1024 + 1, 0);
    assert_eq!(t.send(upload(huge, &kepling)).await.json()["errors"][0]["rule"], "photo_too_large");
    let lurah = t.token("kel.pasarbaru").await;
    assert_eq!(t.send(upload(jpeg, &lurah)).await.status, StatusCode::FORBIDDEN, "only where it could be raised");
    let listed = t.get(&format!("/api/v1/proposals/{id}/photos"), None).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let history = t.get(&format!("/api/v1/proposals/{id}/history"), None).await.json();
    assert!(history.as_array().unwrap().iter().any(|e| e["kind"] == "photo_attached"));
}

/// Each demo role against the forum actions over HTTP, in its own region and another's: the
/// wiring of the policy that the domain's matrix test checks in full.
#[tokio::test]
async fn forum_access_matrix_over_http() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let raised = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal_body(cycle, "Matriks", "2")).await;
    let id = raised.json()["id"].as_str().unwrap().to_string();
    let rembuk = format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    // (username, may raise in lingkungan 001, may record the rembuk's minutes)
    let expected = [
        ("bappeda", false, false),
        ("auditor", false, false),
        ("kec.medankota", false, false),
        ("kel.pasarbaru", false, false),
        ("kepling.pasarbaru1", true, true),
        ("warga.demo", true, false),
        ("dprd.demo", false, false),
        ("opd.pupr", false, false),
    ];
    for (username, may_raise, may_run) in expected {
        let token = t.token(username).await;
        let raise =
            t.json("POST", "/api/v1/proposals", Some(&token), &proposal_body(cycle, username, "1")).await.status;
        assert_eq!(raise == StatusCode::CREATED, may_raise, "{username} raising: {raise}");
        let minutes = t.json("PUT", &format!("{rembuk}/minutes"), Some(&token), &minutes()).await.status;
        assert_eq!(minutes == StatusCode::NO_CONTENT, may_run, "{username} minutes: {minutes}");
        if !may_raise {
            assert_eq!(raise, StatusCode::FORBIDDEN, "{username}");
        }
        // Nobody decides at rembuk warga, and only a kelurahan's operator at its musrenbang: the
        // proposal has not reached it yet, and every role is told so alike (the stage field),
        // so the answer says nothing of who may decide.
        let decide = json!({"stage": "musrenbang_kelurahan", "decision": "accept"});
        let decided = t.json("POST", &format!("/api/v1/proposals/{id}/decisions"), Some(&token), &decide).await;
        assert_eq!(decided.status, StatusCode::UNPROCESSABLE_ENTITY, "{username} deciding early: {}", decided.text);
        assert_eq!(decided.json()["errors"][0]["field"], "stage", "{username}: {}", decided.text);
    }
}
