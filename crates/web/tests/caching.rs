//! A crowd of readers on a slow network: an anonymous reader who holds a public page gets 304
//! until the record changes; pages travel compressed; a reader with a session is never served
//! another's copy.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use serde_json::json;

async fn with_tag(t: &TestApp, uri: &str, tag: &str) -> common::Reply {
    t.send(Request::get(uri).header(header::IF_NONE_MATCH, tag).body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn an_unchanged_public_page_costs_a_304_until_the_record_changes() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2037, true, "C.01", "C-JLN", "100.000").await;
    let uri = format!("/proposals?cycle={cycle}");
    // The validator holds the minute: should it turn between the two reads, read again.
    let mut held = None;
    for _ in 0..2 {
        let first = t.page("GET", &uri, None, None).await;
        assert_eq!(first.status, StatusCode::OK);
        let tag = first.header("etag").expect("an ETag");
        assert!(tag.starts_with("W/\""), "{tag}");
        assert_eq!(first.header("cache-control").as_deref(), Some("no-cache"));
        assert!(first.header("last-modified").is_some_and(|v| v.ends_with(" GMT")));
        let again = with_tag(&t, &uri, &tag).await;
        if again.status == StatusCode::NOT_MODIFIED {
            assert!(again.text.is_empty());
            held = Some(tag);
            break;
        }
    }
    let tag = held.expect("a 304 for the page the reader holds");
    let other_page = with_tag(&t, &format!("{uri}&status=accepted"), &tag).await;
    assert_eq!(other_page.status, StatusCode::OK, "another address is another page");

    let kepling = t.token("kepling.pasarbaru1").await;
    let body = json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": "Drainase baru", "problem": "Banjir",
        "kamus_code": "C-JLN", "volume": "2", "lingkungan": "12.71.01.1001.001", "address": "Gg. Baru"});
    assert_eq!(t.json("POST", "/api/v1/proposals", Some(&kepling), &body).await.status, StatusCode::CREATED);
    let changed = with_tag(&t, &uri, &tag).await;
    assert_eq!(changed.status, StatusCode::OK, "the record changed: the page is new");
    assert!(changed.text.contains("Drainase baru"));
    assert_ne!(changed.header("etag"), Some(tag));
}

#[tokio::test]
async fn personal_pages_carry_no_shared_copy_and_pages_travel_compressed() {
    let t = TestApp::new().await;
    let login = t.page("GET", "/login", None, None).await;
    assert!(login.header("etag").is_none(), "the login form carries its own CSRF token");
    let cookie = t.page_login("bappeda").await;
    let mine = t.page("GET", "/proposals", Some(&cookie), None).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.header("etag").is_none(), "a reader with a session sees their own page");
    let public = t.page("GET", "/proposals", None, None).await;
    let tag = public.header("etag").unwrap();
    let with_session = t
        .send(
            Request::get("/proposals")
                .header(header::IF_NONE_MATCH, &tag)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(with_session.status, StatusCode::OK, "a public copy never stands in for a signed-in page");

    let zipped =
        t.send(Request::get("/proposals").header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap()).await;
    assert_eq!(zipped.header("content-encoding").as_deref(), Some("gzip"));
}

#[tokio::test]
async fn a_new_checkpoint_is_news_to_a_reader_holding_an_entrys_page() {
    let t = TestApp::new().await;
    let uri = "/audit/entry?pemda=12.71&seq=1";
    let before = t.page("GET", uri, None, None).await;
    assert!(!before.text.contains("class=\"ok\""), "no checkpoint yet, no proof");
    let tag = before.header("etag").expect("an ETag");
    common::test_log().issue_checkpoints(&t.db.store, time::OffsetDateTime::now_utc()).await.unwrap();
    // The journal did not grow, but the page now shows the proof: not a 304.
    let after = with_tag(&t, uri, &tag).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.text.contains("class=\"ok\""), "{}", after.text);
}
