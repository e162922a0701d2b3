//! Printed documents: a forum's berita acara and priority list as PDF, each print journaled by
//! its hash once, its public page (`/d/CODE`), and the check of a file or a hash against the
//! record of prints, on pages and in the API.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{TestApp, csrf_of};
use domain::cycle::Stage;
use domain::musrenbang::{DecisionInput, MeetingInput, ProposalInput};
use domain::planning::ForumKey;
use domain::{Actor, Command, MusrenbangCommand, RegionCode};
use reports::print::{Document, PrintError, Printed, Printer};
use time::OffsetDateTime;
use uuid::Uuid;

/// Typst, keeping each document it was asked to print for the test to read.
#[derive(Debug, Default)]
struct Recording {
    typst: documents::Typst,
    seen: Mutex<Vec<Document>>,
}

impl Printer for Recording {
    fn print(&self, document: &Document) -> Result<Printed, PrintError> {
        self.seen.lock().unwrap().push(document.clone());
        self.typst.print(document)
    }
}

fn proposal(cycle_id: Uuid, id: Uuid, title: &str, volume: &str) -> Command {
    Command::Musrenbang(MusrenbangCommand::SubmitProposal(ProposalInput {
        proposal_id: id,
        cycle_id,
        stage: Stage::MusrenbangKelurahan,
        title: title.into(),
        problem: "Air tergenang".into(),
        kamus_code: "D-DRN".into(),
        volume: volume.into(),
        lingkungan: "12.71.01.1001.001".into(),
        address: format!("Gg. {title}"),
        latitude: String::new(),
        longitude: String::new(),
        track: "apbd".into(),
        priority: String::new(),
    }))
}

/// A musrenbang kelurahan with two agreed proposals, one refused with its reason, and its meeting.
async fn forum(t: &TestApp) -> (Uuid, String) {
    let cycle = common::open_cycle(t, 2035, false, "D.01", "D-DRN", "1.250.000").await;
    let key = ForumKey {
        cycle_id: cycle,
        stage: Stage::MusrenbangKelurahan,
        region: RegionCode::parse("12.71.01.1001").unwrap(),
    };
    let (first, second, third) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let decide = |id, decision| {
        Command::Musrenbang(MusrenbangCommand::DecideProposal {
            proposal_id: id,
            stage: Stage::MusrenbangKelurahan,
            decision,
        })
    };
    let commands = vec![
        proposal(cycle, first, "Drainase Gang Mawar", "4"),
        proposal(cycle, second, "Drainase Gang <Melati> #set", "2"),
        proposal(cycle, third, "Drainase Jalan Lain", "1"),
        decide(first, DecisionInput::Accept),
        decide(second, DecisionInput::Accept),
        decide(third, DecisionInput::Reject { reason: "Sudah dibangun tahun lalu".into() }),
        Command::Musrenbang(MusrenbangCommand::RankForum { forum: key.clone(), order: vec![second, first] }),
        Command::Musrenbang(MusrenbangCommand::RecordMeeting {
            forum: key.clone(),
            meeting: MeetingInput {
                date: "2026-01-19".into(),
                place: "Balai Warga".into(),
                chair: "Sri Hutagalung".into(),
                attendees: vec![("Sri Hutagalung".into(), "Kepala lingkungan".into()), ("Budi".into(), "Warga".into())],
                delegates: vec!["Budi".into()],
            },
        }),
    ];
    let system = Actor::System { label: "test".into() };
    t.db.store.execute_batch(&system, &commands, OffsetDateTime::now_utc()).await.unwrap();
    (cycle, format!("/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001"))
}

async fn printed_count(t: &TestApp) -> usize {
    let pemda = RegionCode::parse("12.71").unwrap();
    t.db.store.journal(&pemda, None, 500).await.unwrap().iter().filter(|e| e.kind == "document_recorded").count()
}

#[tokio::test]
async fn a_berita_acara_prints_once_and_anyone_checks_a_copy_against_the_record() {
    let recording = Arc::new(Recording::default());
    let t = TestApp::with_printer(Some(recording.clone())).await;
    let (_, forum) = forum(&t).await;

    // The forum page links its prints; anyone, logged in or not, prints them.
    assert!(t.page("GET", &forum, None, None).await.text.contains(&format!("{forum}/berita-acara.pdf")));
    let first = t.page("GET", &format!("{forum}/berita-acara.pdf"), None, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.header("content-type").as_deref(), Some("application/pdf"));
    assert!(first.bytes.starts_with(b"%PDF-"));
    let code = first.header("x-document-code").unwrap();
    let sha256 = first.header("x-document-sha256").unwrap();
    assert_eq!(sha256, common::sha256_hex(&first.bytes));

    // What the template was given, reviewed as a snapshot: the meeting, the agreed list in rank
    // order with its total in words, the refusal with its reason, the attendees, the delegates.
    let document = recording.seen.lock().unwrap().last().cloned().unwrap();
    insta::assert_json_snapshot!("berita_acara", document);

    // Printing it again gives the same bytes and records nothing new.
    assert_eq!(printed_count(&t).await, 1);
    let again = t.page("GET", &format!("{forum}/berita-acara.pdf"), None, None).await;
    assert_eq!(again.bytes, first.bytes);
    assert_eq!(printed_count(&t).await, 1);
    // The priority list is another document, recorded on its own.
    let list = t.page("GET", &format!("{forum}/daftar-prioritas.pdf"), None, None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_ne!(list.header("x-document-code").unwrap(), code);
    assert_eq!(printed_count(&t).await, 2);

    // The address under the QR code shows what the print is and where it is journaled.
    let page = t.page("GET", &format!("/d/{code}"), None, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains(&sha256));
    assert!(page.text.contains("Musrenbang kelurahan"), "{}", page.text);
    assert!(page.text.contains("/audit/entry?pemda=12.71&#38;seq="), "{}", page.text);
    assert_eq!(t.page("GET", &format!("/d/{}", code.to_lowercase()), None, None).await.status, StatusCode::OK);
    assert_eq!(t.page("GET", "/d/0000000000", None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.page("GET", "/d/not-a-code", None, None).await.status, StatusCode::NOT_FOUND);

    // A visitor uploads the file: it matches. One byte changed: it does not.
    let visit = t.page("GET", "/dokumen/periksa", None, None).await;
    let cookie = visit.session_cookie().unwrap();
    let csrf = csrf_of(&visit.text);
    let checked = common::upload_file(&t, "/dokumen/periksa", &cookie, &csrf, &first.bytes).await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.text);
    assert!(checked.text.contains("Cocok"), "{}", checked.text);
    assert!(checked.text.contains(&code));
    let mut altered = first.bytes.clone();
    let at = altered.len() / 2;
    altered[at] ^= 1;
    let refused = common::upload_file(&t, "/dokumen/periksa", &cookie, &csrf, &altered).await;
    assert!(refused.text.contains("Tidak cocok"), "{}", refused.text);
    let forged = common::upload_file(&t, "/dokumen/periksa", &cookie, "wrong", &first.bytes).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let empty = common::upload_file(&t, "/dokumen/periksa", &cookie, &csrf, b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text.contains("Berkas"), "{}", empty.text);
    // A picture may be a signed scan: checked, and this one is not recorded. A page is neither.
    let picture = common::upload_file(&t, "/dokumen/periksa", &cookie, &csrf, &store::testing::png(4, 4)).await;
    assert_eq!(picture.status, StatusCode::OK);
    assert!(picture.text.contains("Tidak cocok"), "{}", picture.text);
    let page = common::upload_file(&t, "/dokumen/periksa", &cookie, &csrf, b"<html>hello</html>").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text.contains("harus berupa berkas PDF, JPEG atau PNG"), "{}", page.text);

    // Or types its hash, in any case.
    let typed = t.page("GET", &format!("/dokumen/periksa?sha256={}", sha256.to_uppercase()), None, None).await;
    assert!(typed.text.contains("Cocok"), "{}", typed.text);
    let malformed = t.page("GET", "/dokumen/periksa?sha256=abc", None, None).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(malformed.text.contains("Sidik SHA-256"), "{}", malformed.text);
}

#[tokio::test]
async fn the_api_prints_and_checks_the_same_documents() {
    let t = TestApp::with_printer(Some(Arc::new(Recording::default()))).await;
    let (cycle, _) = forum(&t).await;
    let uri = format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001/berita-acara.pdf");
    let pdf = t.get(&uri, None).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text);
    let code = pdf.header("x-document-code").unwrap();

    let record = t.get(&format!("/api/v1/documents/{code}"), None).await;
    assert_eq!(record.status, StatusCode::OK);
    let print = &record.json()["prints"][0];
    assert_eq!(print["kind"], "berita_acara");
    assert_eq!(print["sha256"], common::sha256_hex(&pdf.bytes));
    assert_eq!(print["pages"], 1);
    let seq = print["seq"].as_i64().unwrap();
    let entry = t.db.store.journal_entry(&RegionCode::parse("12.71").unwrap(), seq).await.unwrap().unwrap();
    assert_eq!(entry.kind, "document_recorded");
    assert!(entry.payload.contains(print["sha256"].as_str().unwrap()));

    // Once a checkpoint covers the entry, its inclusion proof is checked and given.
    common::test_log().issue_checkpoints(&t.db.store, OffsetDateTime::now_utc()).await.unwrap();
    let proved = t.get(&format!("/api/v1/documents/{code}"), None).await.json();
    assert_eq!(proved["prints"][0]["inclusion"]["verified"], true, "{proved}");

    let request =
        axum::http::Request::post("/api/v1/documents/check").body(axum::body::Body::from(pdf.bytes.clone())).unwrap();
    let checked = t.send(request).await.json();
    assert_eq!(checked["matched"], true);
    assert_eq!(checked["document"]["code"], code.as_str());
    let not_pdf = axum::http::Request::post("/api/v1/documents/check").body(axum::body::Body::from("{}")).unwrap();
    let not_pdf = t.send(not_pdf).await;
    assert_eq!(common::fields(&not_pdf), vec![common::field("file", "scan_type")]);
    let other = t.get(&format!("/api/v1/documents/check?sha256={}", "0".repeat(64)), None).await.json();
    assert_eq!(other["matched"], false);
    let bad = t.get("/api/v1/documents/check?sha256=xyz", None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(common::fields(&bad), vec![common::field("sha256", "format")]);
    let missing = t.get("/api/v1/documents/check", None).await;
    assert_eq!(common::fields(&missing), vec![common::field("sha256", "required")]);

    // A forged forum address (another pemda's region) prints nothing.
    let forged =
        t.get(&format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.72.01.1001/berita-acara.pdf"), None).await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get(&format!("/api/v1/forums/{cycle}/renja/12.71.01/berita-acara.pdf"), None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_installation_without_a_printer_says_so_instead_of_failing() {
    let t = TestApp::new().await;
    let (_, forum) = forum(&t).await;
    assert_eq!(t.page("GET", &format!("{forum}/berita-acara.pdf"), None, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_opds_forum_its_renja_the_rkpd_and_the_rekapitulasi_print_from_their_pages_and_the_api() {
    let recording = Arc::new(Recording::default());
    let t = TestApp::with_printer(Some(recording.clone())).await;
    let (cycle, _) = forum(&t).await;
    let renja = format!("/renja/{cycle}/D.01");
    assert!(t.page("GET", &renja, None, None).await.text.contains(&format!("{renja}/renja.pdf")));
    for (uri, kind, landscape) in [
        (format!("{renja}/berita-acara.pdf"), "berita_acara", false),
        (format!("{renja}/daftar-prioritas.pdf"), "daftar_prioritas", false),
        (format!("{renja}/renja.pdf"), "renja", true),
        (format!("/rkpd/{cycle}/rkpd.pdf"), "rkpd", true),
        (format!("/rkpd/{cycle}/berita-acara.pdf"), "berita_acara", false),
        (format!("/api/v1/cycles/{cycle}/renja/D.01/renja.pdf"), "renja", true),
        (format!("/api/v1/cycles/{cycle}/rkpd/rkpd.pdf"), "rkpd", true),
        (format!("/statistics.pdf?cycle={cycle}"), "rekapitulasi", false),
        (format!("/api/v1/statistics.pdf?cycle={cycle}"), "rekapitulasi", false),
    ] {
        let reply = t.page("GET", &uri, None, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
        assert!(reply.bytes.starts_with(b"%PDF-"), "{uri}");
        let printed = recording.seen.lock().unwrap().last().cloned().unwrap();
        assert_eq!((printed.kind.as_str(), printed.landscape), (kind, landscape), "{uri}");
        let record = t.db.store.document(&common::sha256_hex(&reply.bytes)).await.unwrap().unwrap();
        assert_eq!(record.kind, kind);
    }
    // A DPRD member's pokir, from their public page and the API.
    let pemda = RegionCode::parse("12.71").unwrap();
    store::seed::seed_demo_dprd(&t.db.store, &pemda, OffsetDateTime::now_utc()).await.unwrap();
    let dprd = t.page("GET", "/dprd", None, None).await.text;
    let start = dprd.find("href=\"/anggota/").expect("a member's link") + "href=\"".len();
    let member = dprd[start..].split(['"', '?']).next().unwrap().to_string();
    let id = member.trim_start_matches("/anggota/").to_string();
    for uri in
        [format!("{member}/pokir.pdf?cycle={cycle}"), format!("/api/v1/dprd/members/{id}/pokir.pdf?cycle={cycle}")]
    {
        let reply = t.page("GET", &uri, None, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
        assert_eq!(recording.seen.lock().unwrap().last().unwrap().kind, "pokir");
    }
    assert_eq!(
        t.page("GET", &format!("/anggota/{}/pokir.pdf", Uuid::now_v7()), None, None).await.status,
        StatusCode::NOT_FOUND
    );

    // The forum OPD met without a recorded meeting: its berita acara says so instead of inventing one.
    let seen = recording.seen.lock().unwrap().clone();
    let opd_minutes =
        seen.iter().find(|d| d.kind == "berita_acara" && d.subtitle[0].starts_with("Forum perangkat daerah")).unwrap();
    assert!(serde_json::to_string(opd_minutes).unwrap().contains("belum dicatat"));
    for missing in [
        format!("{renja}/surat.pdf"),
        format!("/renja/{cycle}/NOPE/renja.pdf"),
        format!("/rkpd/{cycle}/surat.pdf"),
        format!("/rkpd/{}/rkpd.pdf", Uuid::now_v7()),
        format!("/api/v1/cycles/{cycle}/renja/NOPE/berita-acara.pdf"),
        format!("/statistics.pdf?cycle={}", Uuid::now_v7()),
    ] {
        assert_eq!(t.page("GET", &missing, None, None).await.status, StatusCode::NOT_FOUND, "{missing}");
    }
}
