//! The public proposals explorer: words found whatever their case and accents, filters chosen
//! from names, the total found, pages by key with every choice kept; the API alike.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;
use uuid::Uuid;

async fn submit(t: &TestApp, token: &str, cycle: Uuid, title: &str, address: &str, lingkungan: &str) -> String {
    let body = json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": title, "problem": "Jalan berlubang",
        "kamus_code": "X-JLN", "volume": "3", "lingkungan": lingkungan, "address": address});
    let reply = t.json("POST", "/api/v1/proposals", Some(token), &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_visitor_finds_proposals_by_words_and_names_and_shares_the_link() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2034, true, "X.01", "X-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let sisinga =
        submit(&t, &kepling, cycle, "Perbaikan trotoar", "Jl. Sisingamangarája No. 4", "12.71.01.1001.001").await;
    let other = submit(&t, &kepling, cycle, "Lampu jalan Gang Mawar", "Gg. Mawar", "12.71.01.1001.001").await;

    // Case, accents and extra spaces do not matter; every word must be there.
    for q in ["sisingamangaraja", "JL.%20SISINGAMANGARAJA", "SisingaMangaraja%20%20no.%204", "trotoar"] {
        let page = t.page("GET", &format!("/proposals?cycle={cycle}&q={q}"), None, None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains(&sisinga), "{q}");
        assert!(!page.text.contains(&other), "{q}");
        assert!(page.text.contains("1 usulan ditemukan"), "{q}");
    }
    // `%` and `_` are no wildcards: a search of only those finds by the other filters alone.
    let wild = t.page("GET", &format!("/proposals?cycle={cycle}&q=%25_%25"), None, None).await;
    assert!(wild.text.contains("2 usulan ditemukan"), "{}", wild.text);

    // Filters chosen from names: the kecamatan, then its kelurahan and lingkungan, by name.
    let page = t.page("GET", &format!("/proposals?cycle={cycle}&kecamatan=12.71.01"), None, None).await;
    assert!(page.text.contains("<option value=\"12.71.01.1001\">"), "the kecamatan's kelurahan are offered");
    assert!(page.text.contains("Pasar Baru"), "by name");
    let page = t
        .page("GET", &format!("/proposals?cycle={cycle}&kecamatan=12.71.01&kelurahan=12.71.01.1001"), None, None)
        .await;
    assert!(
        page.text.contains("<option value=\"12.71.01.1001.001\" selected>")
            || page.text.contains("12.71.01.1001.001\">")
    );
    // A kelurahan left over from another kecamatan is dropped, not an empty list.
    let stale = t
        .page("GET", &format!("/proposals?cycle={cycle}&kecamatan=12.71.02&kelurahan=12.71.01.1001"), None, None)
        .await;
    assert!(stale.text.contains("0 usulan ditemukan"), "{}", stale.text);
    let origin = t.page("GET", &format!("/proposals?cycle={cycle}&origin=pokir"), None, None).await;
    assert!(origin.text.contains("0 usulan ditemukan"));
    let bad = t.page("GET", "/proposals?kecamatan=bukan-kode", None, None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The API answers the same words and counts.
    let listed = t.get(&format!("/api/v1/proposals?cycle={cycle}&q=Sisingamangaraja"), None).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], sisinga.as_str());
    let count = t.get(&format!("/api/v1/proposals/count?cycle={cycle}&q=gang"), None).await;
    assert_eq!(count.status, StatusCode::OK, "{}", count.text);
    assert_eq!(count.json()["total"], 1);
}

#[tokio::test]
async fn the_next_page_keeps_every_choice() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2035, true, "X.01", "X-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    for n in 0..51 {
        submit(&t, &kepling, cycle, &format!("Drainase {n}"), &format!("Jl. Kenanga {n}"), "12.71.01.1001.001").await;
    }
    let first = t.page("GET", &format!("/proposals?cycle={cycle}&q=kenanga&stage=rembuk_warga"), None, None).await;
    assert!(first.text.contains("51 usulan ditemukan"));
    let next = first.text.split("href=\"").filter_map(|s| s.split('"').next()).find(|h| h.contains("after=")).unwrap();
    let next = next.replace("&#38;", "&").replace("&amp;", "&");
    assert!(next.contains("q=kenanga") && next.contains("stage=rembuk_warga") && next.contains(&cycle.to_string()));
    let second = t.page("GET", &next, None, None).await;
    assert_eq!(second.text.matches("<tr data-status=").count(), 1);
    assert!(second.text.contains("Halaman pertama"));
}
