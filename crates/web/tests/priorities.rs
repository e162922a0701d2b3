//! The RPJMD priorities over the API and the pages: Bappeda keeps them, everyone in the pemda
//! reads them, and a proposal names the one it serves (or none), refused when it names one the
//! pemda does not keep.

mod common;

use axum::http::StatusCode;
use common::{TestApp, csrf_of, field, fields};
use serde_json::{Value, json};

fn priority() -> Value {
    json!({"code": "P1", "name": "Infrastruktur kota yang tangguh",
           "sasaran": ["Meningkatnya kemantapan jalan", "Berkurangnya genangan"]})
}

#[tokio::test]
async fn bappeda_keeps_the_priorities_and_others_read_them() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let saved = t.json("POST", "/api/v1/priorities", Some(&admin), &priority()).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    assert_eq!(saved.json(), priority());
    let mut renamed = priority();
    renamed["name"] = json!("Infrastruktur kota yang tangguh dan bebas banjir");
    assert_eq!(t.json("POST", "/api/v1/priorities", Some(&admin), &renamed).await.status, StatusCode::CREATED);
    let listed = t.get("/api/v1/priorities", Some(&admin)).await.json();
    assert_eq!(listed, json!([renamed]), "replaced by its code");

    let broken = json!({"code": "P 2", "name": "", "sasaran": ["ok", "\u{1b}[31m"]});
    let refused = t.json("POST", "/api/v1/priorities", Some(&admin), &broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&refused),
        vec![field("code", "format"), field("name", "required"), field("sasaran[1]", "control_character")]
    );

    for username in ["opd.pupr", "kec.medankota", "dprd.demo", "auditor", "warga.demo"] {
        let token = t.token(username).await;
        let mut other = priority();
        other["code"] = json!("P9");
        let refused = t.json("POST", "/api/v1/priorities", Some(&token), &other).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{username}");
        assert_eq!(t.get("/api/v1/priorities", Some(&token)).await.json(), listed, "{username} reads");
    }
    assert_eq!(t.get("/api/v1/priorities", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.json("POST", "/api/v1/priorities", None, &priority()).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_proposal_names_the_priority_it_serves() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2032, true, "R.01", "R-JLN", "100.000").await;
    let admin = t.token("bappeda").await;
    assert_eq!(t.json("POST", "/api/v1/priorities", Some(&admin), &priority()).await.status, StatusCode::CREATED);
    let kepling = t.token("kepling.pasarbaru1").await;
    let proposal = |priority: &str| {
        json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": "Jalan", "problem": "Rusak",
            "kamus_code": "R-JLN", "volume": "10", "lingkungan": "12.71.01.1001.001", "address": "Jl. Mawar",
            "priority": priority})
    };
    let unknown = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal("P9")).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&unknown), vec![field("priority", "unknown_priority")]);
    let none = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal("")).await;
    assert_eq!(none.status, StatusCode::CREATED, "{}", none.text);
    assert_eq!(none.json()["priority"], Value::Null);
    let named = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal("P1")).await;
    assert_eq!(named.status, StatusCode::CREATED, "{}", named.text);
    assert_eq!(named.json()["priority"], "P1");
    let id = named.json()["id"].as_str().unwrap().to_string();
    let page = t.page("GET", &format!("/proposals/{id}"), None, None).await;
    assert!(page.text.contains("P1 — Infrastruktur kota yang tangguh"), "{}", page.text);
    let page = t.page("GET", &format!("/proposals/{}", none.json()["id"].as_str().unwrap()), None, None).await;
    assert!(!page.text.contains("id=\"priority\""));

    // The form offers the priorities and keeps what was chosen when it is refused.
    let cookie = t.page_login("kepling.pasarbaru1").await;
    let form_uri = format!("/proposals/new?cycle={cycle}&stage=rembuk_warga&region=12.71.01.1001.001");
    let form = t.page("GET", &form_uri, Some(&cookie), None).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(form.text.contains("<option value=\"P1\">P1 — Infrastruktur kota yang tangguh</option>"), "{}", form.text);
}

#[tokio::test]
async fn the_priorities_page_saves_and_names_broken_fields() {
    let t = TestApp::new().await;
    let cookie = t.page_login("bappeda").await;
    let page = t.page("GET", "/prioritas", Some(&cookie), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Belum ada prioritas RPJMD."));
    let csrf = csrf_of(&page.text);
    let refused = t
        .page(
            "POST",
            "/prioritas",
            Some(&cookie),
            Some(&[("csrf", &csrf), ("code", "P1"), ("name", ""), ("sasaran", "")]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Nama wajib diisi."), "{}", refused.text);
    let sasaran = "Meningkatnya kemantapan jalan\r\n\r\nBerkurangnya genangan";
    let form = [("csrf", csrf.as_str()), ("code", "P1"), ("name", "Infrastruktur kota"), ("sasaran", sasaran)];
    let saved = t.page("POST", "/prioritas", Some(&cookie), Some(&form)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let page = t.page("GET", "/prioritas", Some(&cookie), None).await;
    assert!(page.text.contains("Prioritas P1 disimpan."));
    assert!(page.text.contains("<li>Berkurangnya genangan</li>"));

    let operator = t.page_login("opd.pupr").await;
    let page = t.page("GET", "/prioritas", Some(&operator), None).await;
    assert!(page.text.contains("Infrastruktur kota") && !page.text.contains("id=\"new-priority\""));
    let csrf = csrf_of(&t.page("GET", "/cycles", Some(&operator), None).await.text);
    let refused =
        t.page("POST", "/prioritas", Some(&operator), Some(&[("csrf", &csrf), ("code", "P2"), ("name", "x")])).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
