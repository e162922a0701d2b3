//! The scan of a signed berita acara: uploaded to its forum by whoever runs it, once its minutes
//! are recorded, kept byte for byte, its hash journaled; listed on the forum's page and in the
//! API, served as a download, and recognised by the check of a file or a hash.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp, csrf_of, field, fields};
use domain::cycle::{Stage, Window};
use domain::musrenbang::MeetingInput;
use domain::planning::ForumKey;
use domain::{Actor, Command, MusrenbangCommand, RegionCode, RenjaCommand, RkpdCommand, ScheduleCommand};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const FORUM: &str = "musrenbang_kelurahan/12.71.01.1001";

/// A small PDF as a scanner writes one: a header, a body, a cross-reference, an end.
fn scanned_pdf(mark: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {mark}\nxref\n0 1\ntrailer << >>\nstartxref\n9\n%%EOF\n")
        .into_bytes()
}

fn system() -> Actor {
    Actor::System { label: "test".into() }
}

fn meeting() -> MeetingInput {
    MeetingInput {
        date: "2026-01-19".into(),
        place: "Balai Warga".into(),
        chair: "Sri Hutagalung".into(),
        attendees: vec![("Sri Hutagalung".into(), "Lurah".into())],
        delegates: Vec::new(),
    }
}

fn key(cycle: Uuid) -> ForumKey {
    ForumKey { cycle_id: cycle, stage: Stage::MusrenbangKelurahan, region: RegionCode::parse("12.71.01.1001").unwrap() }
}

async fn record_minutes(t: &TestApp, cycle: Uuid) {
    let command = Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: key(cycle), meeting: meeting() });
    t.db.store.execute(&system(), &command, OffsetDateTime::now_utc()).await.unwrap();
}

async fn scans_journaled(t: &TestApp) -> usize {
    let pemda = RegionCode::parse("12.71").unwrap();
    t.db.store.journal(&pemda, None, 500).await.unwrap().iter().filter(|e| e.kind == "scan_attached").count()
}

fn post(uri: &str, token: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn the_lurah_uploads_the_signed_berita_acara_and_anyone_checks_it() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2036, false, "D.01", "D-DRN", "1.000.000").await;
    let forum = format!("/forums/{cycle}/{FORUM}");
    let lurah = t.page_login("kel.pasarbaru").await;

    // Before the minutes, the page offers no upload and the store refuses one.
    let page = t.page("GET", &forum, Some(&lurah), None).await;
    assert!(page.text.contains("Belum ada pindaian"), "{}", page.text);
    assert!(!page.text.contains("scan-upload"));
    let csrf = csrf_of(&page.text);
    let early = common::upload_as(&t, &format!("{forum}/pindaian"), &lurah, &csrf, "scan", &scanned_pdf("a")).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text.contains("belum dicatat"), "{}", early.text);
    assert_eq!(scans_journaled(&t).await, 0);

    record_minutes(&t, cycle).await;
    let page = t.page("GET", &forum, Some(&lurah), None).await;
    assert!(page.text.contains("id=\"scan-upload\""), "{}", page.text);
    let csrf = csrf_of(&page.text);

    // A page renamed .pdf, an empty file and a forged token are refused, nothing kept.
    let html = common::upload_as(&t, &format!("{forum}/pindaian"), &lurah, &csrf, "scan", b"<html>x</html>").await;
    assert_eq!(html.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.text.contains("Pindaian berita acara harus berupa berkas PDF, JPEG atau PNG"), "{}", html.text);
    let empty = common::upload_as(&t, &format!("{forum}/pindaian"), &lurah, &csrf, "scan", b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let forged = common::upload_as(&t, &format!("{forum}/pindaian"), &lurah, "x", "scan", &scanned_pdf("a")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let big = vec![b'%'; domain::documents::SCAN_MAX_BYTES as usize + 10];
    let too_big = common::upload_as(&t, &format!("{forum}/pindaian"), &lurah, &csrf, "scan", &big).await;
    assert_eq!(too_big.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_big.text.contains("6 MB"), "{}", too_big.text);
    assert_eq!(scans_journaled(&t).await, 0);

    // The signed scan is kept as uploaded and journaled once, even if sent twice.
    let pdf = scanned_pdf("ditandatangani");
    let sha256 = common::sha256_hex(&pdf);
    let done = common::upload_as(&t, &format!("{forum}/pindaian"), &lurah, &csrf, "scan", &pdf).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(done.header("location").as_deref(), Some(format!("{forum}#pindaian").as_str()));
    common::upload_as(&t, &format!("{forum}/pindaian"), &lurah, &csrf, "scan", &pdf).await;
    assert_eq!(scans_journaled(&t).await, 1);

    // Anyone sees it on the forum's page and downloads the very bytes, as a download.
    let public = t.page("GET", &forum, None, None).await;
    assert!(public.text.contains(&sha256), "{}", public.text);
    assert!(public.text.contains("kel.pasarbaru"));
    assert!(!public.text.contains("scan-upload"));
    let file = t.page("GET", &format!("/pindaian/{sha256}"), None, None).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, pdf);
    assert_eq!(file.header("content-type").as_deref(), Some("application/pdf"));
    assert!(file.header("content-disposition").unwrap().starts_with("attachment"));
    assert!(file.header("content-security-policy").unwrap().contains("sandbox"));
    file.assert_security_headers("a scan's download");
    assert_eq!(t.page("GET", &format!("/pindaian/{}", "0".repeat(64)), None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.page("GET", "/pindaian/../../etc/passwd", None, None).await.status, StatusCode::NOT_FOUND);

    // A visitor holding the file learns what it is; one byte changed, it is not.
    let visit = t.page("GET", "/dokumen/periksa", None, None).await;
    let cookie = visit.session_cookie().unwrap();
    let token = csrf_of(&visit.text);
    let checked = common::upload_file(&t, "/dokumen/periksa", &cookie, &token, &pdf).await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.text);
    assert!(checked.text.contains("pindaian berita acara bertanda tangan yang tercatat"), "{}", checked.text);
    assert!(checked.text.contains("Pasar Baru"), "{}", checked.text);
    let mut altered = pdf.clone();
    altered[20] ^= 1;
    let refused = common::upload_file(&t, "/dokumen/periksa", &cookie, &token, &altered).await;
    assert!(refused.text.contains("Tidak cocok"), "{}", refused.text);

    // The same paper cannot be another forum's.
    let other = t.page_login("kec.medankota").await;
    let kecamatan = format!("/forums/{cycle}/musrenbang_kecamatan/12.71.01");
    let kec_minutes = Command::Musrenbang(MusrenbangCommand::RecordMeeting {
        forum: ForumKey {
            cycle_id: cycle,
            stage: Stage::MusrenbangKecamatan,
            region: RegionCode::parse("12.71.01").unwrap(),
        },
        meeting: meeting(),
    });
    t.db.store.execute(&system(), &kec_minutes, OffsetDateTime::now_utc()).await.unwrap();
    let csrf = csrf_of(&t.page("GET", &kecamatan, Some(&other), None).await.text);
    let reused = common::upload_as(&t, &format!("{kecamatan}/pindaian"), &other, &csrf, "scan", &pdf).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reused.text.contains("sudah dipakai"), "{}", reused.text);
}

#[tokio::test]
async fn the_api_takes_scans_from_whoever_runs_the_forum_only() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2037, false, "D.01", "D-DRN", "1.000.000").await;
    record_minutes(&t, cycle).await;
    let uri = format!("/api/v1/forums/{cycle}/{FORUM}/scans");
    let png = store::testing::png(40, 60);

    // Nobody but the forum's operator: not a visitor, not the neighbour, not a resident.
    assert_eq!(
        t.send(Request::post(&uri).body(Body::from(png.clone())).unwrap()).await.status,
        StatusCode::UNAUTHORIZED
    );
    let resident = t.token("kepling.pasarbaru1").await;
    assert_eq!(t.send(post(&uri, &resident, png.clone())).await.status, StatusCode::FORBIDDEN);
    let kecamatan = t.token("kec.medankota").await;
    assert_eq!(t.send(post(&uri, &kecamatan, png.clone())).await.status, StatusCode::FORBIDDEN);

    let lurah = t.token("kel.pasarbaru").await;
    let bad: Reply = t.send(post(&uri, &lurah, b"GIF89a".to_vec())).await;
    assert_eq!(fields(&bad), vec![field("scan", "scan_type")]);
    let empty = t.send(post(&uri, &lurah, Vec::new())).await;
    assert_eq!(fields(&empty), vec![field("scan", "required")]);
    let made = t.send(post(&uri, &lurah, png.clone())).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let scan = made.json();
    assert_eq!(scan["content_type"], "image/png");
    assert_eq!(scan["forum"], FORUM);
    assert_eq!(scan["uploaded_by"], "kel.pasarbaru");
    let sha256 = common::sha256_hex(&png);
    assert_eq!(scan["sha256"], sha256.as_str());

    // Its journal entry records the hash; the list and the bytes are public.
    let seq = scan["seq"].as_i64().unwrap();
    let entry = t.db.store.journal_entry(&RegionCode::parse("12.71").unwrap(), seq).await.unwrap().unwrap();
    assert_eq!(entry.kind, "scan_attached");
    assert!(entry.payload.contains(&sha256));
    let list = t.get(&uri, None).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let bytes = t.get(list[0]["href"].as_str().unwrap(), None).await;
    assert_eq!(bytes.bytes, png);
    assert_eq!(bytes.header("content-type").as_deref(), Some("image/png"));

    // The check of its bytes or its hash finds it, with its forum and, once a checkpoint covers
    // it, its proof.
    common::test_log().issue_checkpoints(&t.db.store, OffsetDateTime::now_utc()).await.unwrap();
    let request = Request::post("/api/v1/documents/check").body(Body::from(png.clone())).unwrap();
    let checked = t.send(request).await.json();
    assert_eq!(checked["matched"], true, "{checked}");
    assert_eq!(checked["scan"]["scan"]["sha256"], sha256.as_str());
    assert_eq!(checked["scan"]["forum_href"], format!("/forums/{cycle}/{FORUM}"));
    assert_eq!(checked["scan"]["inclusion"]["verified"], true, "{checked}");
    let typed = t.get(&format!("/api/v1/documents/check?sha256={sha256}"), None).await.json();
    assert_eq!(typed["matched"], true);

    // A forged forum address, another pemda's region or an unknown cycle, is not found.
    let forged = format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.72.01.1001/scans");
    assert_eq!(t.send(post(&forged, &lurah, png.clone())).await.status, StatusCode::NOT_FOUND);
    let unknown = format!("/api/v1/forums/{}/{FORUM}/scans", Uuid::now_v7());
    assert_eq!(t.get(&unknown, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&format!("/api/v1/scans/{}", "a".repeat(64)), None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_forum_opd_and_the_musrenbang_rkpd_keep_their_signed_copies_too() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2038, false, "1.03.01", "R-JLN", "100.000").await;
    let now = OffsetDateTime::now_utc();
    for stage in [Stage::ForumOpd, Stage::MusrenbangRkpd] {
        let window = Window { opens: now - Duration::days(1), closes: now + Duration::days(30) };
        let command = Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id: cycle, stage, window });
        t.db.store.execute(&system(), &command, now).await.unwrap();
    }
    let opd_uri = format!("/api/v1/cycles/{cycle}/renja/1.03.01/scans");
    let pupr = t.token("opd.pupr").await;
    let early = t.send(post(&opd_uri, &pupr, scanned_pdf("opd"))).await;
    assert_eq!(fields(&early), vec![field("scan", "no_minutes")]);
    let minutes = RenjaCommand::RecordMeeting { cycle_id: cycle, opd_code: "1.03.01".into(), meeting: meeting() };
    t.db.store.execute(&system(), &Command::Renja(minutes), now).await.unwrap();
    let lurah = t.token("kel.pasarbaru").await;
    assert_eq!(t.send(post(&opd_uri, &lurah, scanned_pdf("opd"))).await.status, StatusCode::FORBIDDEN);
    let made = t.send(post(&opd_uri, &pupr, scanned_pdf("opd"))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.json()["forum"], "forum_opd/1.03.01");
    assert_eq!(t.get(&format!("/api/v1/cycles/{cycle}/renja/9.99.99/scans"), None).await.status, StatusCode::NOT_FOUND);
    // The Renja page lists it.
    let renja = t.page("GET", &format!("/renja/{cycle}/1.03.01"), None, None).await;
    assert!(renja.text.contains(&common::sha256_hex(&scanned_pdf("opd"))), "{}", renja.text);

    // The musrenbang RKPD's, by Bappeda on the RKPD page, once it is recorded.
    let admin = t.token("bappeda").await;
    let created = t.json("POST", "/api/v1/priorities", Some(&admin), &json!({"code": "P1", "name": "Jalan"})).await;
    assert!(created.status.is_success(), "{}", created.text);
    let record = RkpdCommand::RecordMusrenbang { cycle_id: cycle, meeting: meeting(), priorities: vec!["P1".into()] };
    t.db.store.execute(&system(), &Command::Rkpd(record), now).await.unwrap();
    let bappeda = t.page_login("bappeda").await;
    let page = t.page("GET", &format!("/rkpd/{cycle}"), Some(&bappeda), None).await;
    assert!(page.text.contains("id=\"scan-upload\""), "{}", page.text);
    let csrf = csrf_of(&page.text);
    let jpeg = store::testing::jpeg(30, 20);
    let done = common::upload_as(&t, &format!("/rkpd/{cycle}/pindaian"), &bappeda, &csrf, "scan", &jpeg).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let list = t.get(&format!("/api/v1/cycles/{cycle}/rkpd/scans"), None).await.json();
    assert_eq!(list[0]["content_type"], "image/jpeg");
    assert_eq!(list[0]["forum"], "musrenbang_rkpd");
    assert_eq!(scans_journaled(&t).await, 2);
}
