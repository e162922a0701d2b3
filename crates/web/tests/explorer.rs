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

/// Open data: the page lists each cycle's files and the licences; the files hold every proposal
/// of the cycle, CSV with the dictionary's header, JSON as one array.
#[tokio::test]
async fn a_cycle_downloads_whole_as_csv_and_json() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2038, true, "X.01", "X-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    for n in 0..3 {
        submit(&t, &kepling, cycle, &format!("=Drainase {n}"), &format!("Gg. Data {n}"), "12.71.01.1001.001").await;
    }
    let page = t.page("GET", "/data", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&format!("/api/v1/open-data/proposals?cycle={cycle}&amp;format=csv")), "{}", page.text);
    assert!(page.text.contains("CC BY 4.0") && page.text.contains("ODbL 1.0"));
    assert!(page.text.contains("tahun_anggaran"), "the data dictionary");

    let csv = t.get(&format!("/api/v1/open-data/proposals?cycle={cycle}&format=csv"), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-disposition").unwrap().contains("usulan-12.71-2038.csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(lines.len(), 4, "{}", csv.text);
    assert!(lines[0].starts_with("id,tahun_anggaran,title,origin,stage,status,kecamatan_code,kecamatan,"));
    assert!(lines[1].contains(",'=Drainase 0,"), "a formula-looking title is guarded: {}", lines[1]);
    assert!(lines[1].contains("Pasar Baru") && lines[1].contains("Medan Kota"), "places by name");
    // Compressed as a browser asks for it: the stream is read to its end and once more.
    let zipped = t
        .send(
            axum::http::Request::get(format!("/api/v1/open-data/proposals?cycle={cycle}&format=csv"))
                .header(axum::http::header::ACCEPT_ENCODING, "gzip")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(zipped.status, StatusCode::OK);
    assert_eq!(zipped.header("content-encoding").as_deref(), Some("gzip"));
    let json = t.get(&format!("/api/v1/open-data/proposals?cycle={cycle}&format=json"), None).await;
    assert_eq!(json.json().as_array().unwrap().len(), 3);
    assert_eq!(json.json()[0]["cost"], 300_000);
    assert_eq!(json.json()[0]["title"], "=Drainase 0");

    let bad = t.get(&format!("/api/v1/open-data/proposals?cycle={cycle}&format=xml"), None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("csv atau json"), "{}", bad.text);
    let unknown = t.get(&format!("/api/v1/open-data/proposals?cycle={}&format=csv", Uuid::now_v7()), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// The portal's home: each pemda's cycles, what is open now and until when, the calendar, and
/// where to read each cycle.
#[tokio::test]
async fn the_home_page_shows_each_cycle_what_is_open_and_its_calendar() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2039, true, "X.01", "X-JLN", "100.000").await;
    let home = t.page("GET", "/", None, None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text.contains("id=\"cycle-2039\""), "{}", home.text);
    assert!(home.text.contains("Rembuk warga sedang dibuka sampai"), "{}", home.text);
    assert!(home.text.contains("Jadwal tahapan"));
    for href in [format!("/proposals?cycle={cycle}"), format!("/rkpd/{cycle}")] {
        assert!(home.text.contains(&format!("href=\"{href}\"")), "{href}");
        assert_eq!(t.page("GET", &href, None, None).await.status, StatusCode::OK, "{href} is public");
    }
}

#[tokio::test]
async fn a_proposal_is_placed_by_name_coordinates_and_map_and_the_explorer_maps_its_filters() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2036, true, "X.01", "X-JLN", "100.000").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let body = json!({"cycle_id": cycle, "stage": "rembuk_warga", "title": "Drainase Jl. Asia", "problem": "Banjir",
        "kamus_code": "X-JLN", "volume": "3", "lingkungan": "12.71.01.1001.001", "address": "Jl. Asia No. 1",
        "latitude": 3.5952, "longitude": 98.6722});
    let placed =
        t.json("POST", "/api/v1/proposals", Some(&kepling), &body).await.json()["id"].as_str().unwrap().to_string();
    let unplaced = submit(&t, &kepling, cycle, "Lampu Gang Mawar", "Gg. Mawar", "12.71.01.1001.001").await;

    let page = t.page("GET", &format!("/proposals/{placed}"), None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let location = page.text.split("id=\"location\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(location.contains("Pasar Baru") && location.contains("Medan Kota"), "named: {location}");
    assert!(location.contains("3,595200° LU, 98,672200° BT"), "the coordinates as text: {location}");
    assert!(location.contains("href=\"geo:3.595200,98.672200\""));
    assert!(location.contains("id=\"point-map\" class=\"map\" data-lat=\"3595200\" data-lon=\"98672200\""));
    assert!(location.contains("Peta dasar tidak dapat dimuat"), "the words for failed tiles travel with the map");
    assert!(page.text.contains("/static/maps.js"));
    let english = t.page("GET", &format!("/proposals/{placed}"), Some("rencana_lang=en"), None).await;
    assert!(english.text.contains("3.595200° N, 98.672200° E"));
    let without = t.page("GET", &format!("/proposals/{unplaced}"), None, None).await;
    assert!(without.text.contains("Titik lokasi belum ditandai"));
    assert!(!without.text.contains("/static/maps.js"), "no map, no script");

    // The explorer's map asks the API for the points of the same filters.
    let explorer = t.page("GET", &format!("/proposals?cycle={cycle}&kecamatan=12.71.01&q=asia"), None, None).await;
    let href = explorer.text.split("data-points=\"").nth(1).unwrap().split('"').next().unwrap().replace("&#38;", "&");
    assert_eq!(href, format!("/api/v1/proposals/points?cycle={cycle}&region=12.71.01&q=asia"));
    let points = t.get(&href, None).await;
    assert_eq!(points.status, StatusCode::OK, "{}", points.text);
    assert_eq!(points.json(), json!({"truncated": false, "points": [[3595200, 98672200, placed, "accepted"]]}));
    let all = t.get(&format!("/api/v1/proposals/points?cycle={cycle}"), None).await.json();
    assert_eq!(all["points"].as_array().unwrap().len(), 1, "a proposal without a point is not on the map");
    let bad = t.get("/api/v1/proposals/points?region=bukan", None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
}
