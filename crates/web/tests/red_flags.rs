//! The red-flag list: a cycle's flagged proposals, a slice at a time, page and API alike.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn near_duplicates_are_listed_with_what_they_duplicate_and_the_rest_is_not() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2037, true, "R.01", "R-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let mut ids = Vec::new();
    // Two of the same item 30 m apart, and one far away.
    for (title, lat, lon) in [
        ("Drainase Jl. Asia", 3.5952, 98.6722),
        ("Parit Jl. Asia", 3.59545, 98.6723),
        ("Drainase Jl. Jawa", 3.62, 98.70),
    ] {
        let body = json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": title, "problem": "Banjir",
            "kamus_code": "R-JLN", "volume": "3", "lingkungan": "12.71.01.1001.001", "address": title,
            "latitude": lat, "longitude": lon});
        let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        ids.push(reply.json()["id"].as_str().unwrap().to_string());
    }

    let answer = t.get(&format!("/api/v1/red-flags?cycle={cycle}"), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let answer = answer.json();
    assert_eq!(answer["checked"], 3);
    assert_eq!(answer["next_after"], serde_json::Value::Null, "a small cycle is one slice");
    let flagged: Vec<&str> = answer["flagged"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(flagged, vec![ids[0].as_str(), ids[1].as_str()], "{answer}");
    assert_eq!(answer["flagged"][0]["red_flags"][0]["other"], ids[1].as_str(), "{answer}");

    let page = t.page("GET", &format!("/red-flags?cycle={cycle}"), None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Usulan ke-1 sampai ke-3 diperiksa: 2 bertanda bahaya."), "{}", page.text);
    let list = page.text.split("id=\"flagged\"").nth(1).unwrap().split("</ul>\n</li>").collect::<Vec<_>>().join("");
    assert!(list.contains(&format!("href=\"/proposals/{}\"", ids[1])));
    assert!(!list.contains(&format!("href=\"/proposals/{}\"", ids[2])), "the far one is not flagged");

    // Going on past the end checks nothing more and says so.
    let past = t.page("GET", &format!("/red-flags?cycle={cycle}&after={}&start=4", ids[2]), None, None).await;
    assert!(past.text.contains("Tidak ada usulan lagi untuk diperiksa."));
    let absurd = t.page("GET", &format!("/red-flags?cycle={cycle}&start=18446744073709551615"), None, None).await;
    assert_eq!(absurd.status, StatusCode::OK, "a position no cycle reaches is dropped, never added to");
    assert!(absurd.text.contains("Usulan ke-1 sampai ke-3"));
    let missing = t.get(&format!("/api/v1/red-flags?cycle={}", Uuid::now_v7()), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let newest = t.page("GET", "/red-flags", None, None).await;
    assert!(newest.text.contains("2037"), "without a cycle, the newest");
}

/// A street crowded with one kamus item's proposals: each names its nearest few and counts the
/// rest, on the proposal's page and in its JSON, instead of listing every one of them.
#[tokio::test]
async fn a_crowd_on_one_street_is_named_a_few_and_counted() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2038, true, "R.01", "R-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let mut last = String::new();
    for n in 0..9 {
        let body = json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": format!("Jalan rusak {n}"),
            "problem": "Berlubang", "kamus_code": "R-JLN", "volume": "3", "lingkungan": "12.71.01.1001.001",
            "address": "Jl. Gatot Subroto"});
        let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        last = reply.json()["id"].as_str().unwrap().to_string();
    }
    let answer = t.get(&format!("/api/v1/proposals/{last}"), None).await.json();
    let flags = answer["red_flags"].as_array().unwrap();
    let named = flags.iter().filter(|f| f["flag"] == "same_street").count();
    assert_eq!(named, domain::planning::DUPLICATES_NAMED, "{answer}");
    let more = flags.iter().find(|f| f["flag"] == "more_duplicates").expect("the rest counted");
    assert_eq!(more["count"], 8 - domain::planning::DUPLICATES_NAMED, "{answer}");

    let page = t.page("GET", &format!("/proposals/{last}"), None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text.matches("di jalan yang sama.").count(), domain::planning::DUPLICATES_NAMED, "{}", page.text);
    assert!(page.text.contains("Sedikitnya 3 usulan lain lagi mungkin sama"), "{}", page.text);
}
