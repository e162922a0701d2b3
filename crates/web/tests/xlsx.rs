//! Lists as Excel downloads: the explorer's filtered list and a forum's, typed cells that read
//! back as they were written, the same access and filters as the pages.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use domain::cycle::Stage;
use domain::{Actor, Command, MusrenbangCommand};
use reports::xlsx_in::{Limits, Value, read_first_sheet};
use time::OffsetDateTime;
use uuid::Uuid;

fn limits() -> Limits {
    Limits { max_bytes: 20_000_000, max_unpacked: 200_000_000, max_rows: 200_000, max_columns: 50 }
}

fn submission(cycle_id: Uuid, title: &str, volume: &str, lingkungan: &str) -> Command {
    Command::Musrenbang(MusrenbangCommand::SubmitProposal(domain::musrenbang::ProposalInput {
        proposal_id: Uuid::now_v7(),
        cycle_id,
        stage: Stage::RembukWarga,
        title: title.into(),
        problem: "Masalah".into(),
        kamus_code: "X-DRN".into(),
        volume: volume.into(),
        lingkungan: lingkungan.into(),
        address: format!("Gg. {title}"),
        latitude: String::new(),
        longitude: String::new(),
        track: "apbd".into(),
        priority: String::new(),
    }))
}

#[tokio::test]
async fn the_explorer_and_a_forum_download_their_lists_as_typed_workbooks() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2033, false, "X.01", "X-DRN", "250.000").await;
    let system = Actor::System { label: "test".into() };
    let now = OffsetDateTime::now_utc();
    let commands = vec![
        submission(cycle, "Drainase Gang Mawar", "4", "12.71.01.1001.001"),
        submission(cycle, "Drainase =HYPERLINK(\"x\")", "2,5", "12.71.01.1001.001"),
        submission(cycle, "Drainase Jalan Lain", "1", "12.71.01.1001.002"),
    ];
    t.db.store.execute_batch(&system, &commands, now).await.unwrap();

    let all = t.page("GET", &format!("/proposals.xlsx?cycle={cycle}"), None, None).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(
        all.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(all.header("content-disposition").unwrap().contains("usulan-12.71-2033.xlsx"));
    let sheet = read_first_sheet(&all.bytes, &limits()).unwrap();
    assert_eq!(sheet.name, "Usulan");
    assert_eq!(sheet.rows.len(), 4, "a header and three proposals");
    assert_eq!(sheet.rows[0][0].text(), "Judul");
    let hyperlink = sheet.rows.iter().find(|r| r[0].text().contains("HYPERLINK")).unwrap();
    assert_eq!(hyperlink[0], Value::Text("Drainase =HYPERLINK(\"x\")".into()), "text stays text");
    assert_eq!(hyperlink[9], Value::Number(625_000.0), "the cost is a number: 2.5 × 250,000");
    assert!(matches!(hyperlink[11], Value::Date(_)), "the time is a date: {:?}", hyperlink[11]);

    // The same filters as the page: words, and a lingkungan.
    let some = t.page("GET", &format!("/proposals.xlsx?cycle={cycle}&q=mawar"), None, None).await;
    assert_eq!(read_first_sheet(&some.bytes, &limits()).unwrap().rows.len(), 2);
    let page = t.page("GET", &format!("/proposals?cycle={cycle}&q=mawar"), None, None).await;
    assert!(page.text.contains(&format!("href=\"/proposals.xlsx?cycle={cycle}&#38;q=mawar\"")), "{}", page.text);
    let bad = t.page("GET", "/proposals.xlsx?cycle=nonsense", None, None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let forum = format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    let list = t.page("GET", &format!("{forum}/daftar.xlsx"), None, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let sheet = read_first_sheet(&list.bytes, &limits()).unwrap();
    assert_eq!(sheet.rows.len(), 3, "the forum's two proposals");
    assert_eq!(sheet.rows[1][5], Value::Number(4.0), "the volume is a number");
    assert_eq!(sheet.rows[1][7], Value::Number(250_000.0));
    assert!(t.page("GET", &forum, None, None).await.text.contains(&format!("{forum}/daftar.xlsx")));
    let elsewhere =
        t.page("GET", &format!("/forums/{cycle}/rembuk_warga/12.72.01.1001.001/daftar.xlsx"), None, None).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);

    // The statistics, the Renja of an OPD and the RKPD: one sheet per table, headers frozen.
    let statistics = t.page("GET", &format!("/statistics.xlsx?cycle={cycle}"), None, None).await;
    assert_eq!(statistics.status, StatusCode::OK, "{}", statistics.text);
    let sheet = read_first_sheet(&statistics.bytes, &limits()).unwrap();
    assert_eq!(sheet.name, "Per kecamatan");
    let medan_kota = sheet.rows.iter().find(|r| r[0].text() == "Medan Kota").expect("a row per kecamatan");
    assert_eq!(medan_kota[1], Value::Number(3.0), "three accepted at rembuk warga: {medan_kota:?}");
    for uri in [format!("/renja/{cycle}/X.01/renja.xlsx"), format!("/rkpd/{cycle}/rkpd.xlsx")] {
        let reply = t.page("GET", &uri, None, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
        let sheet = read_first_sheet(&reply.bytes, &limits()).unwrap();
        assert_eq!(sheet.rows[0][3].text(), "Kode sub kegiatan", "{uri}");
    }
    assert_eq!(
        t.page("GET", &format!("/renja/{cycle}/NOPE/renja.xlsx"), None, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        t.page("GET", &format!("/rkpd/{cycle}"), None, None).await.text.contains(&format!("/rkpd/{cycle}/rkpd.xlsx"))
    );
}

#[tokio::test]
async fn the_users_the_journal_and_the_red_flags_download_for_those_who_may_read_them() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2037, false, "Y.01", "X-DRN", "250.000").await;
    let bappeda = t.page_login("bappeda").await;
    let users = t.page("GET", "/users.xlsx", Some(&bappeda), None).await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.text);
    let sheet = read_first_sheet(&users.bytes, &limits()).unwrap();
    assert!(sheet.rows.iter().any(|r| r[0].text() == "kepling.pasarbaru1"), "every account");
    assert!(t.page("GET", "/users", Some(&bappeda), None).await.text.contains("/users.xlsx"));
    let resident = t.page_login("warga.demo").await;
    assert_eq!(t.page("GET", "/users.xlsx", Some(&resident), None).await.status, StatusCode::FORBIDDEN);

    let auditor = t.page_login("auditor").await;
    let journal = t.page("GET", "/audit/journal.xlsx?pemda=12.71", Some(&auditor), None).await;
    assert_eq!(journal.status, StatusCode::OK, "{}", journal.text);
    let sheet = read_first_sheet(&journal.bytes, &limits()).unwrap();
    assert!(sheet.rows.len() > 100, "the demo's foundation is many events");
    assert!(matches!(sheet.rows[1][0], Value::Number(_)) && sheet.rows[1][5].text().len() == 64);
    assert_ne!(t.page("GET", "/audit/journal.xlsx?pemda=12.71", None, None).await.status, StatusCode::OK);

    let flags = t.page("GET", &format!("/red-flags.xlsx?cycle={cycle}"), None, None).await;
    assert_eq!(flags.status, StatusCode::OK, "{}", flags.text);
    assert_eq!(read_first_sheet(&flags.bytes, &limits()).unwrap().rows.len(), 1, "a header and no flag yet");
}

/// Every other list page's Excel: a workbook whose first row is its header, for a reader who
/// may see the page.
#[tokio::test]
async fn every_list_page_has_its_workbook() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2038, false, "Z.01", "Z-DRN", "250.000").await;
    let bappeda = t.page_login("bappeda").await;
    let member = t.db.store.members(&domain::RegionCode::parse("12.71").unwrap()).await.unwrap();
    let mut uris = vec![
        ("/opd.xlsx".to_string(), "Kode", Some(&bappeda)),
        ("/kamus.xlsx?tahun=2038".to_string(), "Kode kamus", Some(&bappeda)),
        ("/prioritas.xlsx".to_string(), "Kode", Some(&bappeda)),
        ("/nomenklatur.xlsx?tahun=2038".to_string(), "Kode", Some(&bappeda)),
        ("/regions/12.71.01.1001/lingkungan.xlsx".to_string(), "Kode lingkungan", None),
        ("/dprd.xlsx".to_string(), "Nama", None),
        (format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.001/template.xlsx"), "judul", None),
    ];
    if let Some(m) = member.first() {
        uris.push((format!("/anggota/{}/pokir.xlsx", m.user_id), "Judul", None));
    }
    for (uri, first, cookie) in uris {
        let reply = t.page("GET", &uri, cookie.map(String::as_str), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
        let sheet = read_first_sheet(&reply.bytes, &limits()).unwrap();
        assert_eq!(sheet.rows[0][0].text(), first, "{uri}");
    }
    let lingkungan = t.page("GET", "/regions/12.71.01.1001/lingkungan.xlsx", None, None).await;
    assert!(read_first_sheet(&lingkungan.bytes, &limits()).unwrap().rows.len() > 5, "the kelurahan's lingkungan");
    assert_eq!(t.page("GET", "/regions/99.99/lingkungan.xlsx", None, None).await.status, StatusCode::NOT_FOUND);
    assert_ne!(t.page("GET", "/kamus.xlsx", None, None).await.status, StatusCode::OK, "the kamus is for staff");
}

/// Every sheet of a workbook by name, each row's cells as text.
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
            (name, rows)
        })
        .collect()
}

/// The cycles list, a cycle's calendar and an operator's tasks: the lists those pages show, the
/// calendar's windows as times and its pagu as numbers, a sheet each.
#[tokio::test]
async fn the_cycles_the_calendar_and_the_tasks_have_their_workbooks() {
    use domain::ScheduleCommand;
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2039, false, "W.01", "W-DRN", "250.000").await;
    let system = Actor::System { label: "test".into() };
    let now = OffsetDateTime::now_utc();
    let ceilings = [
        Command::Schedule(ScheduleCommand::SetCeiling {
            cycle_id: cycle,
            kecamatan: "12.71.01".into(),
            amount: "1.250.000.000".into(),
        }),
        Command::Schedule(ScheduleCommand::SetOpdCeiling {
            cycle_id: cycle,
            opd_code: "W.01".into(),
            amount: "987.654.321".into(),
        }),
    ];
    t.db.store.execute_batch(&system, &ceilings, now).await.unwrap();

    let list = t.page("GET", "/cycles?pemda=12.71", None, None).await;
    assert!(list.text.contains("/cycles.xlsx?pemda=12.71"), "the list links its workbook");
    let cycles = t.page("GET", "/cycles.xlsx?pemda=12.71", None, None).await;
    assert_eq!(cycles.status, StatusCode::OK, "{}", cycles.text);
    let sheet = read_first_sheet(&cycles.bytes, &limits()).unwrap();
    assert_eq!(sheet.rows[0][0].text(), "Tahun anggaran");
    let row = sheet.rows.iter().find(|r| r[0] == Value::Number(2039.0)).expect("the new cycle, its year a number");
    assert_eq!(row[4].text(), cycle.to_string());
    assert!(row[1].text().contains("Rembuk warga"), "its stages open now: {:?}", row[1]);
    assert_eq!(t.page("GET", "/cycles.xlsx?pemda=99.99", None, None).await.status, StatusCode::NOT_FOUND);

    let page = t.page("GET", &format!("/cycles/{cycle}"), None, None).await;
    assert!(page.text.contains(&format!("/cycles/{cycle}/kalender.xlsx")), "the calendar links its workbook");
    let calendar = t.page("GET", &format!("/cycles/{cycle}/kalender.xlsx"), None, None).await;
    assert_eq!(calendar.status, StatusCode::OK, "{}", calendar.text);
    let first = read_first_sheet(&calendar.bytes, &limits()).unwrap();
    assert_eq!(first.rows.len(), 1 + domain::cycle::Stage::ALL.len(), "a row per stage");
    let rembuk = first.rows.iter().find(|r| r[0].text() == "Rembuk warga").unwrap();
    assert!(matches!(rembuk[1], Value::Date(_) | Value::Number(_)), "opening a time, not text: {:?}", rembuk[1]);
    let all = sheets(&calendar.bytes);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Jadwal", "Pagu kecamatan", "Pagu OPD"]);
    let kecamatan = all[1].1.iter().find(|r| r[0] == "12.71.01").expect("Medan Tuntungan");
    assert_eq!(kecamatan[2], "1250000000", "the pagu as a number");
    assert!(all[1].1.len() > 20, "every kecamatan, set or not");
    let opd = all[2].1.iter().find(|r| r[0] == "W.01").unwrap();
    assert_eq!(opd[2], "987654321");
    let unknown = format!("/cycles/{}/kalender.xlsx", Uuid::now_v7());
    assert_eq!(t.page("GET", &unknown, None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.page("GET", "/cycles/nonsense/kalender.xlsx", None, None).await.status, StatusCode::NOT_FOUND);

    let operator = t.page_login("kel.pasarbaru").await;
    assert!(t.page("GET", "/tasks", Some(&operator), None).await.text.contains("/tasks.xlsx"));
    let tasks = t.page("GET", "/tasks.xlsx", Some(&operator), None).await;
    assert_eq!(tasks.status, StatusCode::OK, "{}", tasks.text);
    let sheet = read_first_sheet(&tasks.bytes, &limits()).unwrap();
    assert_eq!(sheet.rows[0][1].text(), "Forum");
    let mine = sheet.rows.iter().find(|r| r[0] == Value::Number(2039.0)).expect("a forum of the new cycle");
    assert!(mine[5].text().starts_with(&format!("/forums/{cycle}/")), "{:?}", mine[5]);
    assert!(matches!(mine[2], Value::Number(_)) && matches!(mine[3], Value::Number(_)));
    assert_ne!(t.page("GET", "/tasks.xlsx", None, None).await.status, StatusCode::OK, "tasks are a user's own");

    // A failed login, then the security log as the auditor reads it.
    let login = t.page("GET", "/login", None, None).await;
    let session = login.session_cookie().unwrap();
    let csrf = common::csrf_of(&login.text);
    let fields = [("csrf", csrf.as_str()), ("username", "bappeda"), ("password", "salah-salah-salah")];
    let failed = t.page("POST", "/login", Some(&session), Some(&fields)).await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    let auditor = t.page_login("auditor").await;
    let page = t.page("GET", "/audit/security?pemda=12.71", Some(&auditor), None).await;
    assert!(page.text.contains("/audit/security.xlsx?pemda=12.71"), "the log links its workbook");
    let log = t.page("GET", "/audit/security.xlsx?pemda=12.71", Some(&auditor), None).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text);
    let sheet = read_first_sheet(&log.bytes, &limits()).unwrap();
    assert_eq!(sheet.rows[0][0].text(), "Waktu (WIB)");
    assert!(sheet.rows.iter().skip(1).any(|r| r[2].text() == "bappeda"), "the failed login: {:?}", sheet.rows);
    assert!(!matches!(sheet.rows[1][0], Value::Text(_)), "a time, not text");
    let resident = t.page_login("warga.demo").await;
    assert_eq!(
        t.page("GET", "/audit/security.xlsx?pemda=12.71", Some(&resident), None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_ne!(t.page("GET", "/audit/security.xlsx?pemda=12.71", None, None).await.status, StatusCode::OK);
}
