//! Personal data stays private (UU 27/2022): a resident's name and username never reach a page,
//! a download or an API answer the public can read, and the public fields of a proposal refuse a
//! phone number, a NIK or an email address. Officials' acts stay public by design.

mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

const NAME: &str = "Rahmawati Sulistyaningsih";
const USERNAME: &str = "warga.rahmawati";
const PASSWORD: &str = "Warga-Rahasia-2027";

/// Every `href="/…"` of a page, entities undone.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/'))
        .map(|h| h.replace("&#38;", "&").replace("&amp;", "&"))
        .collect()
}

#[tokio::test]
async fn a_residents_name_reaches_no_public_page_download_or_api_answer() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2036, true, "Q.01", "Q-JLN", "100.000").await;
    let admin = t.token("bappeda").await;
    let resident = json!({"username": USERNAME, "name": NAME, "password": PASSWORD,
        "grants": [{"role": "warga", "scope": "12.71.01.1001.001"}]});
    assert_eq!(t.json("POST", "/api/v1/users", Some(&admin), &resident).await.status, StatusCode::CREATED);
    let token = t.token_with(USERNAME, PASSWORD).await;
    let body = json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": "Lampu jalan Gg. Melur",
        "problem": "Gelap di malam hari", "kamus_code": "Q-JLN", "volume": "2", "lingkungan": "12.71.01.1001.001",
        "address": "Gg. Melur"});
    let raised = t.json("POST", "/api/v1/proposals", Some(&token), &body).await;
    assert_eq!(raised.status, StatusCode::CREATED, "{}", raised.text);
    let id = raised.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        t.json("POST", &format!("/api/v1/proposals/{id}/supports"), Some(&token), &json!({})).await.status,
        StatusCode::CREATED
    );

    // Contact data in a public field is refused, naming the field.
    for (field, text) in
        [("problem", "Hubungi saya 0812-3456-7890"), ("title", "NIK 1271010101900001"), ("address", "rahma@contoh.id")]
    {
        let mut leaky = body.clone();
        leaky[field] = json!(text);
        let refused = t.json("POST", "/api/v1/proposals", Some(&token), &leaky).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(refused.json()["errors"][0]["field"], field);
        assert!(refused.json()["errors"][0]["message"].as_str().unwrap().contains("nomor telepon"));
    }

    // Everything the public reaches from the portal's pages, and the public API's answers.
    let mut queue: VecDeque<String> = [
        "/".to_string(),
        "/proposals".into(),
        format!("/proposals?cycle={cycle}&q=melur"),
        format!("/proposals/{id}"),
        "/audit".into(),
        "/dprd".into(),
        "/pokir".into(),
    ]
    .into();
    let mut seen = BTreeSet::new();
    while let Some(href) = queue.pop_front() {
        if seen.len() >= 80 || !seen.insert(href.clone()) || href.starts_with("/lang/") || href.starts_with("/static/")
        {
            continue;
        }
        let page = t.page("GET", &href, None, None).await;
        assert!(!page.text.contains(NAME) && !page.text.contains(USERNAME), "{href} shows the resident");
        if page.status == StatusCode::OK {
            queue.extend(links(&page.text));
        }
    }
    assert!(seen.len() > 15, "the crawl reached {seen:?}");
    for uri in [
        format!("/api/v1/proposals?cycle={cycle}"),
        format!("/api/v1/proposals/{id}"),
        format!("/api/v1/proposals/{id}/history"),
        format!("/api/v1/forums/{cycle}/rembuk_warga/12.71.01.1001.001"),
        "/api/v1/audit/verify?pemda=12.71".to_string(),
        format!("/api/v1/proposals?origin=pokir&cycle={cycle}"),
    ] {
        let reply = t.get(&uri, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
        assert!(
            !reply.text.contains(NAME) && !reply.text.contains(USERNAME),
            "{uri} shows the resident: {}",
            reply.text
        );
    }
    // The resident's name is kept: the Bappeda's user list, which the public cannot read, shows it.
    assert!(t.get("/api/v1/users", Some(&admin)).await.text.contains(NAME));
    assert_eq!(t.get("/api/v1/users", None).await.status, StatusCode::UNAUTHORIZED);
}
