//! Bappeda's administration of a cycle and its master data, over the API and the pages: cycles
//! and their calendars, stage windows, settings, ceilings, OPD, the kamus (one entry, a list, a
//! CSV in whole or not at all, the CSV out), and the refusals for everyone else.
//!
//! The demo has its own cycle (and OPD and kamus) for 2027; these tests work in 2031 so that
//! they never meet it.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, csrf_of, field, fields, send_csv, upload_year_csv};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, UtcOffset};

const YEAR: i32 = 2031;

async fn new_cycle(t: &TestApp, token: &str) -> String {
    let reply = t.json("POST", "/api/v1/cycles", Some(token), &json!({"tahun_anggaran": YEAR})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json()["id"].as_str().unwrap().to_string()
}

/// A browser's multipart upload of the kamus form.
async fn upload_kamus(t: &TestApp, cookie: &str, csrf: &str, tahun: &str, file: &str) -> Reply {
    upload_year_csv(t, "/kamus.csv", cookie, csrf, tahun, file).await
}

/// A time as a `datetime-local` input holds it, in WIB.
fn wib_local(at: OffsetDateTime) -> String {
    let local = at.to_offset(UtcOffset::from_hms(7, 0, 0).unwrap());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        local.year(),
        local.month() as u8,
        local.day(),
        local.hour(),
        local.minute()
    )
}

#[tokio::test]
async fn an_admin_schedules_a_cycle_over_the_api() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let created = t.json("POST", "/api/v1/cycles", Some(&admin), &json!({"tahun_anggaran": YEAR})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let cycle = created.json();
    assert_eq!(cycle["tahun_anggaran"], YEAR);
    assert_eq!(cycle["pemda"], "12.71");
    assert_eq!(cycle["windows"], json!({}));
    assert_eq!(
        cycle["caps"],
        json!({"rembuk_warga": null, "musrenbang_kelurahan": null, "musrenbang_kecamatan": null})
    );
    assert_eq!(cycle["online_proposals"], false);
    let id = cycle["id"].as_str().unwrap().to_string();

    let again = t.json("POST", "/api/v1/cycles", Some(&admin), &json!({"tahun_anggaran": YEAR})).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&again), vec![field("tahun_anggaran", "taken")]);
    let odd = t.json("POST", "/api/v1/cycles", Some(&admin), &json!({"tahun_anggaran": 1999})).await;
    assert_eq!(fields(&odd), vec![field("tahun_anggaran", "format")]);

    // Windows: RFC 3339 in, UTC out; the window must close after it opens.
    let uri = format!("/api/v1/cycles/{id}/stages/rembuk_warga");
    let now = OffsetDateTime::now_utc();
    let set = t
        .json(
            "PUT",
            &uri,
            Some(&admin),
            &json!({"opens": "2030-01-05T08:00:00+07:00", "closes": "2030-01-31T17:00:00+07:00"}),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(
        set.json()["windows"]["rembuk_warga"],
        json!({"opens": "2030-01-05T01:00:00Z", "closes": "2030-01-31T10:00:00Z"})
    );
    let backwards = t
        .json("PUT", &uri, Some(&admin), &json!({"opens": "2030-02-01T00:00:00Z", "closes": "2030-02-01T00:00:00Z"}))
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&backwards), vec![field("closes", "not_after")]);
    let garbled = t.json("PUT", &uri, Some(&admin), &json!({"opens": "5 Januari", "closes": ""})).await;
    assert_eq!(fields(&garbled), vec![field("opens", "format"), field("closes", "required")]);
    let english = t
        .send(
            Request::put(&uri)
                .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(Body::from(
                    json!({"opens": "2030-02-01T00:00:00Z", "closes": "2030-01-01T00:00:00Z"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(english.json()["errors"][0]["message"], "Closes must come after Opens.");
    let unknown = t.json("PUT", &format!("/api/v1/cycles/{id}/stages/karaoke"), Some(&admin), &json!({})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let nowhere = t
        .json("PUT", "/api/v1/cycles/0190a0b0-0000-7000-8000-000000000000/stages/pokir", Some(&admin), &json!({}))
        .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    let open = t
        .json(
            "PUT",
            &format!("/api/v1/cycles/{id}/stages/musrenbang_kelurahan"),
            Some(&admin),
            &json!({"opens": (now - Duration::days(1)).format(&time::format_description::well_known::Rfc3339).unwrap(),
                    "closes": (now + Duration::days(1)).format(&time::format_description::well_known::Rfc3339).unwrap()}),
        )
        .await;
    assert_eq!(open.json()["open_now"], json!(["musrenbang_kelurahan"]));

    // Settings: caps per level (none = no cap), online proposals.
    let settings = format!("/api/v1/cycles/{id}/settings");
    let saved = t
        .json(
            "PUT",
            &settings,
            Some(&admin),
            &json!({"caps": {"rembuk_warga": 10, "musrenbang_kecamatan": 40}, "online_proposals": true}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(
        saved.json()["caps"],
        json!({"rembuk_warga": 10, "musrenbang_kelurahan": null, "musrenbang_kecamatan": 40})
    );
    assert_eq!(saved.json()["online_proposals"], true);
    let zero = t.json("PUT", &settings, Some(&admin), &json!({"caps": {"musrenbang_kelurahan": 0}})).await;
    assert_eq!(fields(&zero), vec![field("caps.musrenbang_kelurahan", "too_small")]);

    // Ceilings: a number or Indonesian text; anything else names `amount`.
    let ceiling = format!("/api/v1/cycles/{id}/ceilings/12.71.01");
    let number = t.json("PUT", &ceiling, Some(&admin), &json!({"amount": 2_500_000})).await;
    assert_eq!(number.status, StatusCode::OK, "{}", number.text);
    assert_eq!(number.json()["amount"], 2_500_000);
    assert_eq!(number.json()["name"], "Medan Kota");
    let text = t.json("PUT", &ceiling, Some(&admin), &json!({"amount": "Rp 3.000.000"})).await;
    assert_eq!(text.json()["amount"], 3_000_000);
    for bad in [json!("2,5 juta"), json!(-5), json!(2.5), json!(null)] {
        let refused = t.json("PUT", &ceiling, Some(&admin), &json!({"amount": bad})).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(fields(&refused)[0].0, "amount", "{bad}");
    }
    let kelurahan = t
        .json("PUT", &format!("/api/v1/cycles/{id}/ceilings/12.71.01.1001"), Some(&admin), &json!({"amount": 1}))
        .await;
    assert_eq!(fields(&kelurahan), vec![field("kecamatan", "wrong_level")]);
    let semarang =
        t.json("PUT", &format!("/api/v1/cycles/{id}/ceilings/33.74.01"), Some(&admin), &json!({"amount": 1})).await;
    assert_eq!(semarang.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Reading is public: the calendar, the ceilings, a pemda's cycles by its code.
    let public = t.get(&format!("/api/v1/cycles/{id}"), None).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(public.json()["caps"]["rembuk_warga"], 10);
    let ceilings = t.get(&format!("/api/v1/cycles/{id}/ceilings"), None).await.json();
    let rows = ceilings.as_array().unwrap();
    assert_eq!(rows.len(), 21, "every kecamatan of Medan");
    let set: Vec<&Value> = rows.iter().filter(|r| !r["amount"].is_null()).collect();
    assert_eq!(set.len(), 1);
    assert_eq!((set[0]["kecamatan"].as_str(), set[0]["amount"].as_i64()), (Some("12.71.01"), Some(3_000_000)));
    assert_eq!(t.get("/api/v1/cycles", None).await.status, StatusCode::UNAUTHORIZED);
    let listed = t.get("/api/v1/cycles?pemda=12.71", None).await.json();
    assert!(listed.as_array().unwrap().iter().any(|c| c["id"] == id.as_str()));
    assert_eq!(t.get("/api/v1/cycles", Some(&admin)).await.json(), listed);
    assert_eq!(t.get("/api/v1/cycles?pemda=33.74", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn master_data_over_the_api() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let opd = json!({"code": "9.99.01", "name": "Dinas Uji Coba"});
    let created = t.json("POST", "/api/v1/opd", Some(&admin), &opd).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.json(), opd);
    let twice = t.json("POST", "/api/v1/opd", Some(&admin), &opd).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&twice), vec![field("code", "taken")]);
    let blank = t.json("POST", "/api/v1/opd", Some(&admin), &json!({"code": "a b"})).await;
    assert_eq!(fields(&blank), vec![field("code", "format"), field("name", "required")]);
    let list = t.get("/api/v1/opd", Some(&admin)).await.json();
    assert!(list.as_array().unwrap().contains(&opd));

    // One entry, with the year in the query or the body.
    let item = json!({"code": "UJI-01", "name": "Pengaspalan jalan lingkungan", "unit": "meter",
                      "unit_price": "1.250.000", "opd_code": "9.99.01", "bidang": "infrastruktur_kewilayahan", "fisik": true});
    let one = t.json("POST", &format!("/api/v1/kamus?tahun={YEAR}"), Some(&admin), &item).await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.text);
    assert_eq!(one.json()["tahun_anggaran"], YEAR);
    assert_eq!(one.json()["items"][0]["unit_price"], 1_250_000);
    let mut unknown = item.clone();
    unknown["opd_code"] = json!("8.88");
    let refused = t.json("POST", &format!("/api/v1/kamus?tahun={YEAR}"), Some(&admin), &unknown).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&refused), vec![field("opd_code", "unknown_opd")]);
    let yearless = t.json("POST", "/api/v1/kamus", Some(&admin), &item).await;
    assert_eq!(fields(&yearless), vec![field("tahun_anggaran", "required")]);

    // A list: all or nothing, errors by row.
    let second = json!({"code": "UJI-02", "name": "Pelatihan UMKM", "unit": "orang", "unit_price": 750000,
                        "opd_code": "9.99.01", "bidang": "ekonomi_sda", "fisik": "tidak"});
    let mut broken = second.clone();
    broken["code"] = json!("UJI-03");
    broken["unit_price"] = json!("tujuh ratus");
    let batch = json!({"tahun_anggaran": YEAR, "items": [second, broken]});
    let refused = t.json("POST", "/api/v1/kamus", Some(&admin), &batch).await;
    assert_eq!(fields(&refused), vec![field("rows[1].unit_price", "format")]);
    let count = |body: Value| body["items"].as_array().unwrap().len();
    assert_eq!(count(t.get(&format!("/api/v1/kamus?tahun={YEAR}"), Some(&admin)).await.json()), 1);
    // A row of another year is refused by its row, not filed under the list's year unseen.
    let mut earlier = second.clone();
    earlier["tahun_anggaran"] = json!(1999);
    let mut same_year = second.clone();
    same_year["tahun_anggaran"] = json!(YEAR);
    let mixed = json!({"tahun_anggaran": YEAR, "items": [same_year, earlier]});
    let refused = t.json("POST", "/api/v1/kamus", Some(&admin), &mixed).await;
    assert_eq!(fields(&refused), vec![field("rows[1].tahun_anggaran", "other_year")]);
    let batch = json!({"tahun_anggaran": YEAR, "items": [second]});
    assert_eq!(t.json("POST", "/api/v1/kamus", Some(&admin), &batch).await.status, StatusCode::CREATED);
    let kamus = t.get(&format!("/api/v1/kamus?tahun={YEAR}"), Some(&admin)).await.json();
    assert_eq!(kamus["tahun_anggaran"], YEAR);
    assert_eq!(count(kamus.clone()), 2);
    assert_eq!(kamus["items"][1]["fisik"], false);
    let junk = t.json("POST", "/api/v1/kamus", Some(&admin), &json!({"items": [{"kode": 1}]})).await;
    assert_eq!(fields(&junk), vec![field("body", "format")]);

    // CSV: every broken row named, nothing written; then all of it.
    let uri = format!("/api/v1/kamus/import?tahun={YEAR}");
    let header = "kode,nama,satuan,harga_satuan,opd,bidang,fisik\n";
    let bad = format!(
        "{header}UJI-10,Lampu jalan,unit,2.500.000,9.99.01,infrastruktur_kewilayahan,ya\n\
         UJI-11,Sumur bor,unit,abc,9.99.01,infrastruktur_kewilayahan,ya\n\
         UJI-10,Lampu lagi,unit,1,7.77,jalan,mungkin\n"
    );
    let refused = send_csv(&t, &uri, &admin, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert_eq!(
        fields(&refused),
        vec![
            field("rows[1].unit_price", "format"),
            field("rows[2].opd_code", "unknown_opd"),
            field("rows[2].bidang", "format"),
            field("rows[2].fisik", "format"),
            field("rows[2].code", "duplicate_in_upload"),
        ]
    );
    assert_eq!(count(t.get(&format!("/api/v1/kamus?tahun={YEAR}"), Some(&admin)).await.json()), 2, "nothing written");
    let not_csv = send_csv(&t, &uri, &admin, "foo,bar\n1,2\n").await;
    assert_eq!(fields(&not_csv), vec![field("file", "format")]);
    let no_year = send_csv(&t, "/api/v1/kamus/import", &admin, &bad).await;
    assert_eq!(fields(&no_year), vec![field("tahun_anggaran", "required")]);
    let good = "code,name,unit,unit_price,opd_code,bidang,fisik\n\
         UJI-10,Lampu jalan,unit,2500000,9.99.01,infrastruktur_kewilayahan,yes\n\
         UJI-01,Pengaspalan jalan (harga baru),meter,1.300.000,9.99.01,infrastruktur_kewilayahan,ya\n";
    let imported = send_csv(&t, &uri, &admin, good).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
    assert_eq!(imported.json(), json!({"tahun_anggaran": YEAR, "imported": 2}));
    let kamus = t.get(&format!("/api/v1/kamus?tahun={YEAR}"), Some(&admin)).await.json();
    assert_eq!(count(kamus.clone()), 3, "UJI-01 replaced, UJI-10 added");
    assert_eq!(kamus["items"][0]["unit_price"], 1_300_000);
    // Another year's kamus is another list.
    assert_eq!(count(t.get("/api/v1/kamus?tahun=2032", Some(&admin)).await.json()), 0);
    assert_eq!(t.get("/api/v1/kamus?tahun=dua", Some(&admin)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn only_bappeda_admins_change_cycles_and_master_data() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let id = new_cycle(&t, &admin).await;
    let operator = t.token("kel.pasarbaru").await;
    let window = json!({"opens": "2030-01-05T08:00:00+07:00", "closes": "2030-01-31T17:00:00+07:00"});
    let item = json!({"tahun_anggaran": YEAR, "code": "X-1", "name": "x", "unit": "m", "unit_price": 1,
                      "opd_code": "9.99.01", "bidang": "ekonomi_sda", "fisik": true});
    let writes = [
        ("POST", "/api/v1/cycles".to_string(), json!({"tahun_anggaran": YEAR + 1})),
        ("PUT", format!("/api/v1/cycles/{id}/stages/pokir"), window),
        ("PUT", format!("/api/v1/cycles/{id}/settings"), json!({"online_proposals": true})),
        ("PUT", format!("/api/v1/cycles/{id}/ceilings/12.71.01"), json!({"amount": 5})),
        ("POST", "/api/v1/opd".to_string(), json!({"code": "9.99.02", "name": "Dinas"})),
        ("POST", "/api/v1/kamus".to_string(), item),
    ];
    for (method, uri, body) in &writes {
        let refused = t.json(method, uri, Some(&operator), body).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{method} {uri}: {}", refused.text);
        assert_eq!(refused.json()["type"], "/problems/forbidden");
        let anonymous = t.json(method, uri, None, body).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
    }
    let csv = "kode,nama,satuan,harga_satuan,opd,bidang,fisik\nX-1,x,m,1,9.99.01,ekonomi_sda,ya\n";
    let refused = send_csv(&t, &format!("/api/v1/kamus/import?tahun={YEAR}"), &operator, csv).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Nothing changed, and the operator still reads what the pemda has.
    let cycle = t.get(&format!("/api/v1/cycles/{id}"), Some(&operator)).await.json();
    assert_eq!(cycle["windows"], json!({}));
    assert_eq!(cycle["online_proposals"], false);
    assert_eq!(t.get("/api/v1/opd", Some(&operator)).await.status, StatusCode::OK);
    assert_eq!(t.get(&format!("/api/v1/kamus?tahun={YEAR}"), Some(&operator)).await.json()["items"], json!([]));
    assert_eq!(t.get("/api/v1/opd", None).await.status, StatusCode::UNAUTHORIZED);

    // The same over the pages, with a valid CSRF token.
    let cookie = t.page_login("kel.pasarbaru").await;
    let page = t.page("GET", "/opd", Some(&cookie), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("id=\"new-opd\""), "no form for an operator");
    let csrf = csrf_of(&page.text);
    let forms: [(String, Vec<(&str, &str)>); 6] = [
        ("/cycles".into(), vec![("tahun_anggaran", "2032")]),
        (format!("/cycles/{id}/stages/pokir"), vec![("opens", "2030-01-05T08:00"), ("closes", "2030-01-31T17:00")]),
        (format!("/cycles/{id}/settings"), vec![("cap_rembuk_warga", "3")]),
        (format!("/cycles/{id}/ceilings"), vec![("kecamatan", "12.71.01"), ("amount", "5")]),
        ("/opd".into(), vec![("code", "9.99.03"), ("name", "Dinas")]),
        ("/kamus".into(), vec![("tahun_anggaran", "2031"), ("code", "X-2")]),
    ];
    for (uri, fields) in &forms {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().copied());
        let refused = t.page("POST", uri, Some(&cookie), Some(&form)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "POST {uri}");
        assert!(refused.text.contains("Anda tidak berwenang"), "POST {uri}");
    }
    let upload = upload_kamus(&t, &cookie, &csrf, "2031", csv).await;
    assert_eq!(upload.status, StatusCode::FORBIDDEN);
    let calendar = t.page("GET", &format!("/cycles/{id}"), Some(&cookie), None).await;
    assert!(!calendar.text.contains("id=\"window-pokir\""));
    assert!(!calendar.text.contains("action=\"/cycles/"), "no forms for an operator");
}

#[tokio::test]
async fn the_calendar_pages_show_and_set_the_schedule() {
    let t = TestApp::new().await;
    let cookie = t.page_login("bappeda").await;
    let list = t.page("GET", "/cycles", Some(&cookie), None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains("id=\"new-cycle\""));
    let csrf = csrf_of(&list.text);
    let bad = t.page("POST", "/cycles", Some(&cookie), Some(&[("csrf", &csrf), ("tahun_anggaran", "dua ribu")])).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Tahun anggaran harus tahun antara 2000 dan 2100."), "{}", bad.text);
    let created = t.page("POST", "/cycles", Some(&cookie), Some(&[("csrf", &csrf), ("tahun_anggaran", "2031")])).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let location = created.header("location").unwrap();
    assert!(location.starts_with("/cycles/"));
    let calendar = t.page("GET", &location, Some(&cookie), None).await;
    assert_eq!(calendar.status, StatusCode::OK);
    assert!(calendar.text.contains("Siklus tahun anggaran 2031 dibuat."), "the flash message");
    let taken = t.page("POST", "/cycles", Some(&cookie), Some(&[("csrf", &csrf), ("tahun_anggaran", "2031")])).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text.contains("Tahun anggaran sudah dipakai."));
    assert_eq!(calendar.text.matches("<tr id=\"stage-").count(), 8, "every stage");
    assert_eq!(calendar.text.matches("Belum dijadwalkan").count(), 8);
    assert!(calendar.text.contains("Tidak ada tahap yang sedang dibuka."));
    assert_eq!(calendar.text.matches("<tr id=\"ceiling-").count(), 21, "every kecamatan");

    // A window that contains now: the calendar marks the stage open, in WIB.
    let now = OffsetDateTime::now_utc();
    let (opens, closes) = (wib_local(now - Duration::days(2)), wib_local(now + Duration::days(3)));
    let uri = format!("{location}/stages/musrenbang_kelurahan");
    let saved =
        t.page("POST", &uri, Some(&cookie), Some(&[("csrf", &csrf), ("opens", &opens), ("closes", &closes)])).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let calendar = t.page("GET", &location, Some(&cookie), None).await;
    assert!(calendar.text.contains("Jadwal Musrenbang kelurahan disimpan."));
    assert!(calendar.text.contains("<span class=\"badge open\">Dibuka sekarang: Musrenbang kelurahan</span>"));
    assert!(calendar.text.contains(&format!("value=\"{opens}\"")), "the form shows the window in WIB");
    assert!(calendar.text.contains(" WIB</td>"));
    let backwards =
        t.page("POST", &uri, Some(&cookie), Some(&[("csrf", &csrf), ("opens", &closes), ("closes", &opens)])).await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.text.contains("Ditutup harus sesudah Dibuka."), "{}", backwards.text);
    assert!(backwards.text.contains("<details class=\"card\" open>"), "the failed stage's form stays open");
    let garbled =
        t.page("POST", &uri, Some(&cookie), Some(&[("csrf", &csrf), ("opens", "besok"), ("closes", &closes)])).await;
    assert!(garbled.text.contains("Dibuka harus tanggal dan jam"));
    let unknown = t
        .page("POST", &format!("{location}/stages/karaoke"), Some(&cookie), Some(&[("csrf", &csrf), ("opens", &opens)]))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Settings.
    let settings = format!("{location}/settings");
    let saved = t
        .page(
            "POST",
            &settings,
            Some(&cookie),
            Some(&[
                ("csrf", &csrf),
                ("cap_rembuk_warga", "10"),
                ("cap_musrenbang_kelurahan", ""),
                ("online_proposals", "ya"),
            ]),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let calendar = t.page("GET", &location, Some(&cookie), None).await;
    assert!(calendar.text.contains("name=\"cap_rembuk_warga\" value=\"10\""));
    assert!(calendar.text.contains("name=\"online_proposals\" value=\"ya\" aria-describedby=\"online-hint\" checked"));
    let refused = t
        .page("POST", &settings, Some(&cookie), Some(&[("csrf", &csrf), ("cap_musrenbang_kecamatan", "banyak")]))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Batas usulan dari musrenbang kecamatan harus bilangan bulat"), "{}", refused.text);

    // Ceilings, typed the Indonesian way.
    let ceilings = format!("{location}/ceilings");
    let bad = t
        .page(
            "POST",
            &ceilings,
            Some(&cookie),
            Some(&[("csrf", &csrf), ("kecamatan", "12.71.01"), ("amount", "2,5 juta")]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Jumlah harus berupa jumlah rupiah, misalnya 2.500.000."), "{}", bad.text);
    assert!(bad.text.contains("value=\"2,5 juta\""), "what was typed stays");
    let good = t
        .page(
            "POST",
            &ceilings,
            Some(&cookie),
            Some(&[("csrf", &csrf), ("kecamatan", "12.71.01"), ("amount", "2.500.000")]),
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let calendar = t.page("GET", &location, Some(&cookie), None).await;
    assert!(calendar.text.contains("Pagu indikatif Kecamatan Medan Kota disimpan."));
    assert!(calendar.text.contains("Rp2.500.000"));
    assert!(calendar.text.contains("value=\"2.500.000\""));

    // Anyone may read the calendar, without the forms.
    let public = t.page("GET", &location, None, None).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.text.contains("Dibuka sekarang: Musrenbang kelurahan"));
    assert!(public.text.contains("Rp2.500.000"));
    assert!(!public.text.contains("method=\"post\" action=\"/cycles"));
    let english = t.page("GET", &location, Some("rencana_lang=en"), None).await;
    assert!(english.text.contains("Open now: Musrenbang kelurahan") || english.text.contains("Open now: "));
    assert!(english.text.contains("Rp2,500,000"));
    assert_eq!(t.page("GET", "/cycles?pemda=12.71", None, None).await.status, StatusCode::OK);
    assert_eq!(t.page("GET", "/cycles", None, None).await.status, StatusCode::SEE_OTHER, "login first");
    assert_eq!(t.page("GET", "/cycles/not-a-cycle", None, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_master_data_pages_add_opd_and_kamus_by_form_and_csv() {
    let t = TestApp::new().await;
    let cookie = t.page_login("bappeda").await;
    let page = t.page("GET", "/opd", Some(&cookie), None).await;
    assert!(page.text.contains("id=\"new-opd\""));
    let csrf = csrf_of(&page.text);
    let opd = [("csrf", csrf.as_str()), ("code", "9.99.01"), ("name", "Dinas Uji Coba")];
    let added = t.page("POST", "/opd", Some(&cookie), Some(&opd)).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let twice = t.page("POST", "/opd", Some(&cookie), Some(&opd)).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.text.contains("Kode sudah dipakai."));
    assert!(twice.text.contains("aria-invalid=\"true\""));
    let list = t.page("GET", "/opd", Some(&cookie), None).await;
    assert!(list.text.contains("Dinas Uji Coba"));

    let kamus = t.page("GET", "/kamus?tahun=2031", Some(&cookie), None).await;
    assert_eq!(kamus.status, StatusCode::OK);
    assert!(kamus.text.contains("Kamus usulan tahun anggaran 2031"));
    assert!(kamus.text.contains("<option value=\"9.99.01\">"), "the OPD to choose from");
    let item = |opd: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("tahun_anggaran", "2031".to_string()),
            ("code", "UJI-01".to_string()),
            ("name", "Pengaspalan jalan".to_string()),
            ("unit", "meter".to_string()),
            ("unit_price", "1.250.000".to_string()),
            ("opd_code", opd.to_string()),
            ("bidang", "infrastruktur_kewilayahan".to_string()),
            ("fisik", "ya".to_string()),
        ]
    };
    let form = item("8.88");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = t.page("POST", "/kamus", Some(&cookie), Some(&form)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Perangkat daerah: perangkat daerah itu tidak terdaftar."), "{}", refused.text);
    assert!(refused.text.contains("value=\"Pengaspalan jalan\""), "what was typed stays");
    let form = item("9.99.01");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = t.page("POST", "/kamus", Some(&cookie), Some(&form)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(saved.header("location").as_deref(), Some("/kamus?tahun=2031"));
    let kamus = t.page("GET", "/kamus?tahun=2031", Some(&cookie), None).await;
    assert!(kamus.text.contains("Jenis usulan UJI-01 tahun anggaran 2031 disimpan."));
    assert!(kamus.text.contains("Rp1.250.000"));

    // A CSV upload goes in whole or not at all, and says which rows are wrong.
    let bad = "kode;nama;satuan;harga_satuan;opd;bidang;fisik\n\
               UJI-02;Lampu jalan;unit;2.500.000;9.99.01;infrastruktur_kewilayahan;ya\n\
               UJI-03;Sumur bor;unit;;9.99.01;infrastruktur_kewilayahan;ya\n";
    let refused = upload_kamus(&t, &cookie, &csrf, "2031", bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Unggahan ditolak; tidak ada yang disimpan."));
    assert!(refused.text.contains("Harga satuan (Baris 2) wajib diisi."), "{}", refused.text);
    let kamus = t.page("GET", "/kamus?tahun=2031", Some(&cookie), None).await;
    assert!(!kamus.text.contains("UJI-02"), "nothing written");
    let good = bad.replace(";;", ";750.000;");
    let uploaded = upload_kamus(&t, &cookie, &csrf, "2031", &good).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
    let kamus = t.page("GET", "/kamus?tahun=2031", Some(&cookie), None).await;
    assert!(kamus.text.contains("2 jenis usulan tahun anggaran 2031 disimpan."));
    assert!(kamus.text.contains("UJI-02") && kamus.text.contains("UJI-03"));
    let empty = upload_kamus(&t, &cookie, &csrf, "2031", "").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text.contains("Berkas wajib diisi."));

    // And comes out in the same columns.
    let csv = t.page("GET", "/kamus.csv?tahun=2031", Some(&cookie), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(csv.header("content-disposition").unwrap().contains("kamus-12.71-2031.csv"));
    assert_eq!(
        csv.text,
        "kode,nama,satuan,harga_satuan,opd,bidang,fisik,sub_kegiatan\n\
         UJI-01,Pengaspalan jalan,meter,1250000,9.99.01,infrastruktur_kewilayahan,ya,\n\
         UJI-02,Lampu jalan,unit,2500000,9.99.01,infrastruktur_kewilayahan,ya,\n\
         UJI-03,Sumur bor,unit,750000,9.99.01,infrastruktur_kewilayahan,ya,\n"
    );
    // What came out goes back in unchanged.
    let again = upload_kamus(&t, &cookie, &csrf, "2031", &csv.text).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(t.page("GET", "/kamus.csv?tahun=2031", None, None).await.status, StatusCode::SEE_OTHER, "login first");
}
