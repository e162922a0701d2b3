//! The Kemendagri nomenclature over the API and the pages: a CSV import in whole or not at all,
//! the tree one level at a time, search, the CSV out, a kamus item linked to a sub kegiatan,
//! and the refusals for everyone but Bappeda. Works in 2031, a year the demo does not use.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, csrf_of, field, fields, send_csv, upload_year_csv};
use serde_json::{Value, json};

const YEAR: i32 = 2031;

const NOMENCLATURE: &str = "kode;nama;indikator;satuan\n\
1;URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR;;\n\
1.03;URUSAN PEMERINTAHAN BIDANG PEKERJAAN UMUM DAN PENATAAN RUANG;;\n\
1.03.10;PROGRAM PENYELENGGARAAN JALAN;;\n\
1.03.10.2.01;Penyelenggaraan Jalan Kabupaten/Kota;;\n\
1.03.10.2.01.0001;Pembangunan Jalan;Panjang Jalan yang Dibangun;Km\n\
1.03.10.2.01.0026;Rehabilitasi Jalan;Panjang Jalan yang Direhabilitasi;Km\n\
1.02;URUSAN PEMERINTAHAN BIDANG KESEHATAN;;\n";

fn codes(body: &Value, key: &str) -> Vec<String> {
    body[key].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_nomenclature_over_the_api() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let uri = format!("/api/v1/nomenclature/import?tahun={YEAR}");
    let list = |query: String| {
        let t = &t;
        let admin = admin.clone();
        async move { t.get(&format!("/api/v1/nomenclature?tahun={YEAR}{query}"), Some(&admin)).await }
    };

    // A broken file: every broken row named, nothing written.
    let broken = "kode,nama,indikator,satuan\n\
                  1.03.10,PROGRAM PENYELENGGARAAN JALAN,,\n\
                  1.3,Bidang salah,,\n\
                  1.03.10.2.01.0001,Pembangunan Jalan,,Km\n";
    let refused = send_csv(&t, &uri, &admin, broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert_eq!(
        fields(&refused),
        vec![
            field("rows[0].code", "no_parent"),
            field("rows[1].code", "format"),
            field("rows[2].indicator", "required"),
            field("rows[2].code", "no_parent"),
        ]
    );
    assert_eq!(list(String::new()).await.json()["total"], 0, "nothing written");
    assert_eq!(fields(&send_csv(&t, &uri, &admin, "nama\nx\n").await), vec![field("file", "format")]);
    let no_year = send_csv(&t, "/api/v1/nomenclature/import", &admin, NOMENCLATURE).await;
    assert_eq!(fields(&no_year), vec![field("tahun_anggaran", "required")]);

    let imported = send_csv(&t, &uri, &admin, NOMENCLATURE).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
    assert_eq!(imported.json(), json!({"tahun_anggaran": YEAR, "imported": 7}));

    // The tree, one level at a time, with the path above.
    let top = list(String::new()).await.json();
    assert_eq!((top["total"].as_u64(), codes(&top, "items")), (Some(7), vec!["1".to_string()]));
    assert!(codes(&top, "path").is_empty());
    let urusan = list("&parent=1".into()).await.json();
    assert_eq!(codes(&urusan, "items"), ["1.02", "1.03"]);
    let kegiatan = list("&parent=1.03.10.2.01".into()).await.json();
    assert_eq!(codes(&kegiatan, "path"), ["1", "1.03", "1.03.10", "1.03.10.2.01"]);
    assert_eq!(codes(&kegiatan, "items"), ["1.03.10.2.01.0001", "1.03.10.2.01.0026"]);
    let sub = &kegiatan["items"][0];
    assert_eq!(
        (sub["level"].as_str(), sub["indicator"].as_str(), sub["unit"].as_str()),
        (Some("sub_kegiatan"), Some("Panjang Jalan yang Dibangun"), Some("Km"))
    );
    assert_eq!(list("&parent=9.99".into()).await.status, StatusCode::NOT_FOUND);
    let bad_parent = list("&parent=jalan".into()).await;
    assert_eq!(bad_parent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&bad_parent), vec![field("parent", "format")]);

    // Search by words in any case, or by the start of a code; wildcards are not wildcards.
    assert_eq!(codes(&list("&q=JALAN%20rehab".into()).await.json(), "items"), ["1.03.10.2.01.0026"]);
    assert_eq!(codes(&list("&q=1.03.10.2".into()).await.json(), "items").len(), 3);
    assert_eq!(codes(&list("&q=%25_".into()).await.json(), "items"), ["1"], "`%` and `_` alone are no search: the top");
    let jalan = codes(&list("&q=jalan".into()).await.json(), "items");
    assert_eq!(jalan.len(), 4);
    assert_eq!(codes(&list("&q=jalan%25".into()).await.json(), "items"), jalan, "`%` is no wildcard");
    // Another year is another list.
    assert_eq!(t.get("/api/v1/nomenclature?tahun=2032", Some(&admin)).await.json()["total"], 0);

    // An import again replaces by code and removes nothing.
    let renamed = "kode,nama,indikator,satuan\n1.03.10.2.01.0026,Rehabilitasi Jalan Lingkungan,Panjang Jalan yang Direhabilitasi,Km\n";
    assert_eq!(send_csv(&t, &uri, &admin, renamed).await.status, StatusCode::CREATED);
    let kegiatan = list("&parent=1.03.10.2.01".into()).await.json();
    assert_eq!(kegiatan["items"][1]["name"], "Rehabilitasi Jalan Lingkungan");
    assert_eq!(list(String::new()).await.json()["total"], 7);

    // A kamus item links to a sub kegiatan of its year, and to nothing else.
    let opd = json!({"code": "9.99.01", "name": "Dinas Uji Coba"});
    assert_eq!(t.json("POST", "/api/v1/opd", Some(&admin), &opd).await.status, StatusCode::CREATED);
    let item = |sub: &str| {
        json!({"code": "UJI-01", "name": "Pengaspalan jalan", "unit": "meter", "unit_price": "1.250.000",
               "opd_code": "9.99.01", "bidang": "infrastruktur_kewilayahan", "fisik": true, "sub_kegiatan": sub})
    };
    let kamus_uri = format!("/api/v1/kamus?tahun={YEAR}");
    let unknown = t.json("POST", &kamus_uri, Some(&admin), &item("1.03.10.2.01.0002")).await;
    assert_eq!(fields(&unknown), vec![field("sub_kegiatan", "unknown_nomenclature")]);
    let program = t.json("POST", &kamus_uri, Some(&admin), &item("1.03.10")).await;
    assert_eq!(fields(&program), vec![field("sub_kegiatan", "wrong_level")]);
    let elsewhere = t.json("POST", "/api/v1/kamus?tahun=2032", Some(&admin), &item("1.03.10.2.01.0001")).await;
    assert_eq!(fields(&elsewhere), vec![field("sub_kegiatan", "unknown_nomenclature")], "2032 has no nomenclature");
    let linked = t.json("POST", &kamus_uri, Some(&admin), &item("1.03.10.2.01.0001")).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
    let kamus = t.get(&kamus_uri, Some(&admin)).await.json();
    assert_eq!(kamus["items"][0]["sub_kegiatan"], "1.03.10.2.01.0001");
}

#[tokio::test]
async fn only_bappeda_imports_and_only_users_read() {
    let t = TestApp::new().await;
    let uri = format!("/api/v1/nomenclature/import?tahun={YEAR}");
    for username in ["opd.pupr", "kec.medankota", "warga.demo", "dprd.demo", "auditor"] {
        let token = t.token(username).await;
        let refused = send_csv(&t, &uri, &token, NOMENCLATURE).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{username}: {}", refused.text);
        assert_eq!(t.get("/api/v1/nomenclature", Some(&token)).await.status, StatusCode::OK, "{username} reads");
    }
    let anonymous =
        Request::post(&uri).header(header::CONTENT_TYPE, "text/csv").body(Body::from(NOMENCLATURE)).unwrap();
    assert_eq!(t.send(anonymous).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get("/api/v1/nomenclature", None).await.status, StatusCode::UNAUTHORIZED);
    let admin = t.token("bappeda").await;
    let nothing = t.get(&format!("/api/v1/nomenclature?tahun={YEAR}"), Some(&admin)).await.json();
    assert_eq!(nothing["total"], 0, "nothing was written by the refused");
}

/// A browser's multipart upload of the nomenclature form.
async fn upload(t: &TestApp, cookie: &str, csrf: &str, tahun: &str, file: &str) -> Reply {
    upload_year_csv(t, "/nomenklatur.csv", cookie, csrf, tahun, file).await
}

#[tokio::test]
async fn the_nomenclature_page_imports_browses_searches_and_downloads() {
    let t = TestApp::new().await;
    let cookie = t.page_login("bappeda").await;
    let page = t.page("GET", &format!("/nomenklatur?tahun={YEAR}"), Some(&cookie), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Nomenklatur tahun anggaran 2031"));
    assert!(page.text.contains("Nomenklatur tahun anggaran ini masih kosong."));
    let csrf = csrf_of(&page.text);

    let broken = NOMENCLATURE.replace("Panjang Jalan yang Dibangun;Km", ";");
    let refused = upload(&t, &cookie, &csrf, "2031", &broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Unggahan ditolak; tidak ada yang disimpan."));
    assert!(refused.text.contains("Indikator (Baris 5) wajib diisi."), "{}", refused.text);
    assert!(refused.text.contains("Satuan (Baris 5) wajib diisi."));
    let uploaded = upload(&t, &cookie, &csrf, "2031", NOMENCLATURE).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
    let page = t.page("GET", "/nomenklatur?tahun=2031", Some(&cookie), None).await;
    assert!(page.text.contains("7 entri nomenklatur tahun anggaran 2031 disimpan."));
    assert!(page.text.contains("href=\"/nomenklatur?tahun=2031&amp;kode=1\""), "the urusan opens");

    let kegiatan = t.page("GET", "/nomenklatur?tahun=2031&kode=1.03.10.2.01", Some(&cookie), None).await;
    assert_eq!(kegiatan.status, StatusCode::OK);
    assert!(kegiatan.text.contains("PROGRAM PENYELENGGARAAN JALAN"), "the path above");
    assert!(kegiatan.text.contains("Pembangunan Jalan"));
    assert!(kegiatan.text.contains("Indikator: Panjang Jalan yang Dibangun (Km)"));
    let missing = t.page("GET", "/nomenklatur?tahun=2031&kode=9.99", Some(&cookie), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let found = t.page("GET", "/nomenklatur?tahun=2031&q=rehabilitasi", Some(&cookie), None).await;
    assert!(found.text.contains("1 entri cocok dengan"), "{}", found.text);
    assert!(found.text.contains("Rehabilitasi Jalan"));

    let csv = t.page("GET", "/nomenklatur.csv?tahun=2031", Some(&cookie), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-disposition").unwrap().contains("nomenklatur-12.71-2031.csv"));
    assert!(csv.text.starts_with("kode,nama,indikator,satuan\n1,URUSAN PEMERINTAHAN WAJIB"));
    assert!(csv.text.contains("\n1.03.10.2.01.0001,Pembangunan Jalan,Panjang Jalan yang Dibangun,Km\n"));
    // What came out goes back in.
    assert_eq!(upload(&t, &cookie, &csrf, "2031", &csv.text).await.status, StatusCode::SEE_OTHER);

    // Others read the tree and get no upload form; posting it anyway is refused.
    let operator = t.page_login("opd.pupr").await;
    let page = t.page("GET", "/nomenklatur?tahun=2031&kode=1.03", Some(&operator), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("id=\"upload-nomenclature\""));
    let english = t.page("GET", "/nomenklatur?tahun=2031&kode=1.03&lang=en", Some(&operator), None).await;
    assert_eq!(english.status, StatusCode::OK);
    assert_eq!(t.page("GET", "/nomenklatur", None, None).await.status, StatusCode::SEE_OTHER, "login first");
}
