//! The forum OPD, the Renja and the RKPD over the API and the pages, on both databases: what a
//! kecamatan forwarded reaches its OPD, which places it in a Renja line, rejects or redirects it
//! with a reason; the Renja finalises only within the OPD's pagu indikatif, with its minutes;
//! Bappeda records the musrenbang RKPD and adopts the RKPD, after which nothing changes; a line
//! leads back to the residents' request and a proposal forward to its line. Works in 2034, a year
//! the demo does not use.

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp, csrf_of, field, fields, send_csv};
use domain::cycle::{Stage, Window};
use domain::musrenbang::{DecisionInput, MeetingInput, ProposalInput};
use domain::planning::ForumKey;
use domain::{Actor, Command, MasterDataCommand, MusrenbangCommand, RegionCode, ScheduleCommand};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const YEAR: i32 = 2034;
const PU: &str = "1.03.01";
const DINKES: &str = "1.02.01";
const PASSWORD: &str = "Operator-Dinkes-2034";
const SUB_KEGIATAN: &str = "1.03.10.2.01.0001";

const NOMENCLATURE: &str = "kode;nama;indikator;satuan\n\
1;URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR;;\n\
1.03;URUSAN PEMERINTAHAN BIDANG PEKERJAAN UMUM DAN PENATAAN RUANG;;\n\
1.03.10;PROGRAM PENYELENGGARAAN JALAN;;\n\
1.03.10.2.01;Penyelenggaraan Jalan Kabupaten/Kota;;\n\
1.03.10.2.01.0001;Pembangunan Jalan;Panjang Jalan yang Dibangun;Km\n";

fn system() -> Actor {
    Actor::System { label: "test".into() }
}

async fn set_window(t: &TestApp, cycle: Uuid, stage: Stage, opens: i64, closes: i64) {
    let now = OffsetDateTime::now_utc();
    let window = Window { opens: now + Duration::days(opens), closes: now + Duration::days(closes) };
    let command = Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id: cycle, stage, window });
    t.db.store.execute(&system(), &command, now).await.unwrap();
}

/// A cycle whose kecamatan 12.71.01 forwarded two proposals to Dinas PU (one of them 10 m of
/// road at Rp100.000/m), the nomenclature's road sub kegiatan, a second OPD with its own
/// operator, and a priority. Returns the cycle and the two proposals.
async fn setup(t: &TestApp) -> (Uuid, Uuid, Uuid) {
    let cycle = common::open_cycle(t, YEAR, false, PU, "R-JLN", "100.000").await;
    set_window(t, cycle, Stage::ForumOpd, -1, 30).await;
    let now = OffsetDateTime::now_utc();
    let pemda = RegionCode::parse("12.71").unwrap();
    let create_opd =
        MasterDataCommand::CreateOpd { pemda: pemda.clone(), code: DINKES.into(), name: "Dinas Kesehatan Uji".into() };
    t.db.store.execute(&system(), &Command::MasterData(create_opd), now).await.unwrap();
    let admin = t.token("bappeda").await;
    let ok = |reply: Reply| assert!(reply.status.is_success(), "{}", reply.text);
    ok(send_csv(t, &format!("/api/v1/nomenclature/import?tahun={YEAR}"), &admin, NOMENCLATURE).await);
    ok(t.json("POST", "/api/v1/priorities", Some(&admin), &json!({"code": "P1", "name": "Infrastruktur"})).await);
    let user = json!({"username": "opd.dinkes", "name": "Operator Dinkes", "password": PASSWORD,
        "grants": [{"role": "operator_opd", "scope": DINKES}]});
    ok(t.json("POST", "/api/v1/users", Some(&admin), &user).await);
    let kecamatan = RegionCode::parse("12.71.01").unwrap();
    let key = ForumKey { cycle_id: cycle, stage: Stage::MusrenbangKecamatan, region: kecamatan.clone() };
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    let mut commands = Vec::new();
    for (id, title, volume) in [(first, "Pengaspalan Jalan Mawar", "10"), (second, "Jalan Melati", "20")] {
        commands.push(Command::Musrenbang(MusrenbangCommand::SubmitProposal(ProposalInput {
            proposal_id: id,
            cycle_id: cycle,
            stage: Stage::MusrenbangKecamatan,
            title: title.into(),
            problem: "Jalan berlubang saat hujan".into(),
            kamus_code: "R-JLN".into(),
            volume: volume.into(),
            lingkungan: "12.71.01.1001.001".into(),
            address: format!("Jl. {title}"),
            latitude: String::new(),
            longitude: String::new(),
            track: "apbd".into(),
            priority: String::new(),
        })));
        commands.push(Command::Musrenbang(MusrenbangCommand::DecideProposal {
            proposal_id: id,
            stage: Stage::MusrenbangKecamatan,
            decision: DecisionInput::Accept,
        }));
    }
    commands.push(Command::Musrenbang(MusrenbangCommand::RankForum { forum: key.clone(), order: vec![first, second] }));
    commands.push(Command::Musrenbang(MusrenbangCommand::RecordMeeting {
        forum: key.clone(),
        meeting: MeetingInput {
            date: "2026-01-20".into(),
            place: "Kantor Camat".into(),
            chair: "Camat".into(),
            attendees: vec![("Camat".into(), "ketua".into())],
            delegates: vec!["Delegasi Satu".into()],
        },
    }));
    commands.push(Command::Schedule(ScheduleCommand::SetCeiling {
        cycle_id: cycle,
        kecamatan: kecamatan.to_string(),
        amount: "1.000.000.000".into(),
    }));
    commands.push(Command::Musrenbang(MusrenbangCommand::CloseForum { forum: key }));
    t.db.store.execute_batch(&system(), &commands, now).await.unwrap();
    (cycle, first, second)
}

fn line(cycle: Uuid, id: Option<&str>, stage: &str, pagu: Value) -> Value {
    json!({"id": id, "cycle_id": cycle, "opd_code": PU, "stage": stage, "sub_kegiatan": SUB_KEGIATAN,
        "locations": ["12.71.01"],
        "output": {"description": "Panjang jalan yang dibangun", "target": "0,5", "unit": "Km"},
        "outcome": {"description": "Jalan kota dalam kondisi mantap", "target": "85", "unit": "persen"},
        "pagu": pagu, "funding": "dau", "prakiraan_maju": 0, "priority": "P1"})
}

fn decision(kind: &str, line: Option<&str>, opd: &str, reason: &str) -> Value {
    json!({"decision": kind, "line_id": line, "opd_code": opd, "reason": reason})
}

#[tokio::test]
async fn from_the_kecamatan_list_to_the_adopted_rkpd_over_the_api() {
    let t = TestApp::new().await;
    let (cycle, first, second) = setup(&t).await;
    let pu = t.token("opd.pupr").await;
    let dinkes = t.token_with("opd.dinkes", PASSWORD).await;
    let admin = t.token("bappeda").await;
    let renja_uri = format!("/api/v1/cycles/{cycle}/renja/{PU}");

    // What the kecamatan forwarded waits at the OPD, for anyone to read.
    let renja = t.get(&renja_uri, None).await;
    assert_eq!(renja.status, StatusCode::OK, "{}", renja.text);
    assert_eq!((renja.json()["items_total"].as_u64(), renja.json()["pending"].as_u64()), (Some(2), Some(2)));
    assert_eq!(t.get(&format!("/api/v1/cycles/{cycle}/renja/9.99.99"), None).await.status, StatusCode::NOT_FOUND);
    let far = t.get(&format!("{renja_uri}?offset=18446744073709551615&limit=1"), None).await;
    assert_eq!((far.status, far.json()["offset"].as_u64()), (StatusCode::OK, Some(1)), "past the end: the last page");

    // A line: every broken field named; then made.
    let mut broken = line(cycle, None, "forum_opd", json!("banyak"));
    broken["sub_kegiatan"] = json!("1.03.10");
    broken["locations"] = json!(["12.71.99"]);
    let refused = t.json("POST", "/api/v1/renja/lines", Some(&pu), &broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert_eq!(
        fields(&refused),
        vec![field("sub_kegiatan", "wrong_level"), field("locations", "unknown_region"), field("pagu", "format")]
    );
    let by_other =
        t.json("POST", "/api/v1/renja/lines", Some(&dinkes), &line(cycle, None, "forum_opd", json!(1))).await;
    assert_eq!(by_other.status, StatusCode::FORBIDDEN, "another OPD never writes this OPD's Renja");
    let made =
        t.json("POST", "/api/v1/renja/lines", Some(&pu), &line(cycle, None, "forum_opd", json!("3.000.000"))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let line_id = made.json()["id"].as_str().unwrap().to_string();

    // Decisions: only the holding OPD's operator; a rejection needs its reason.
    let decide = |id: Uuid, body: Value, token: String| {
        let t = &t;
        async move { t.json("POST", &format!("/api/v1/proposals/{id}/opd-decisions"), Some(&token), &body).await }
    };
    let stranger = decide(first, decision("accept", Some(&line_id), "", ""), dinkes.clone()).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    let bappeda = decide(first, decision("accept", Some(&line_id), "", ""), admin.clone()).await;
    assert_eq!(bappeda.status, StatusCode::FORBIDDEN, "Bappeda does not decide for an OPD");
    let no_reason = decide(second, decision("reject", None, "", " "), pu.clone()).await;
    assert_eq!(fields(&no_reason), vec![field("reason", "required")]);
    let no_line = decide(first, decision("accept", Some(&Uuid::now_v7().to_string()), "", ""), pu.clone()).await;
    assert_eq!(fields(&no_line), vec![field("line_id", "unknown_line")]);
    let unknown = decide(first, decision("approve", None, "", ""), pu.clone()).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = decide(first, decision("accept", Some(&line_id), "", ""), pu.clone()).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    assert_eq!(accepted.json()["renja_line"].as_str(), Some(line_id.as_str()), "forward: the proposal names its line");
    let redirected =
        decide(second, decision("redirect", None, DINKES, "Drainase kesehatan lingkungan"), pu.clone()).await;
    assert_eq!(redirected.status, StatusCode::OK, "{}", redirected.text);
    let at_opd = redirected.json()["stages"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(
        (at_opd["stage"].as_str(), at_opd["status"].as_str(), at_opd["opd_code"].as_str()),
        (Some("forum_opd"), Some("pending"), Some(DINKES))
    );
    let again = decide(second, decision("reject", None, "", "Bukan lagi urusan PU"), pu.clone()).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "once redirected, the other OPD decides");
    let rejected = decide(second, decision("reject", None, "", "Sudah dianggarkan puskesmas"), dinkes.clone()).await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text);
    assert_eq!(rejected.json()["renja_line"], Value::Null);

    // Finalising: within the OPD's pagu, with the minutes; refused with the amounts otherwise.
    let finalise_uri = format!("/api/v1/cycles/{cycle}/renja/{PU}/finalise");
    let no_ceiling = t.json("POST", &finalise_uri, Some(&pu), &json!({})).await;
    assert_eq!(
        (no_ceiling.status, no_ceiling.json()["context"]["problem"].as_str()),
        (StatusCode::CONFLICT, Some("no_pagu"))
    );
    let ceiling_uri = format!("/api/v1/cycles/{cycle}/opd-ceilings/{PU}");
    let by_opd = t.json("PUT", &ceiling_uri, Some(&pu), &json!({"amount": "2.000.000"})).await;
    assert_eq!(by_opd.status, StatusCode::FORBIDDEN, "an OPD does not set its own ceiling");
    let set = t.json("PUT", &ceiling_uri, Some(&admin), &json!({"amount": "2.000.000"})).await;
    assert_eq!((set.status, set.json()["amount"].as_i64()), (StatusCode::OK, Some(2_000_000)), "{}", set.text);
    let over = t.json("POST", &finalise_uri, Some(&pu), &json!({})).await;
    assert_eq!(over.status, StatusCode::CONFLICT);
    assert_eq!(over.json()["context"], json!({"problem": "over_pagu", "total": 3_000_000, "ceiling": 2_000_000}));
    assert!(over.json()["detail"].as_str().unwrap().contains("Rp3.000.000"), "{}", over.text);
    t.json("PUT", &ceiling_uri, Some(&admin), &json!({"amount": 5_000_000})).await;
    let no_minutes = t.json("POST", &finalise_uri, Some(&pu), &json!({})).await;
    assert_eq!(no_minutes.json()["context"]["problem"].as_str(), Some("no_minutes"));
    let minutes = json!({"date": "2026-02-10", "place": "Aula Dinas PU", "chair": "Kepala Dinas",
        "attendees": [{"name": "Kepala Dinas", "role": "ketua"}], "delegates": ["Delegasi Medan Tuntungan"]});
    let recorded = t.json("PUT", &format!("/api/v1/cycles/{cycle}/renja/{PU}/minutes"), Some(&pu), &minutes).await;
    assert_eq!(recorded.status, StatusCode::NO_CONTENT, "{}", recorded.text);
    let finalised = t.json("POST", &finalise_uri, Some(&pu), &json!({})).await;
    assert_eq!(
        (finalised.status, finalised.json()["finalised"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{}",
        finalised.text
    );
    let late_line =
        t.json("POST", "/api/v1/renja/lines", Some(&pu), &line(cycle, Some(&line_id), "forum_opd", json!(1))).await;
    assert_eq!(late_line.status, StatusCode::CONFLICT, "a final Renja does not change at the forum OPD");

    // Lineage back: the line carries the proposal with every stage's record.
    let view = t.get(&format!("/api/v1/renja/lines/{line_id}"), None).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.text);
    let carried = &view.json()["carries"][0];
    assert_eq!(carried["proposal"]["id"].as_str(), Some(first.to_string().as_str()));
    let stages: Vec<&str> =
        carried["stages"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["musrenbang_kecamatan", "forum_opd"]);

    // The musrenbang RKPD and the rancangan akhir are Bappeda's; a pagu that grows is flagged.
    set_window(&t, cycle, Stage::MusrenbangRkpd, -1, 30).await;
    set_window(&t, cycle, Stage::RancanganAkhir, -1, 30).await;
    set_window(&t, cycle, Stage::Penetapan, -1, 30).await;
    let adopt_uri = format!("/api/v1/cycles/{cycle}/rkpd/adoption");
    let adopt = json!({"perkada_number": "Perkada 12 Tahun 2033", "perkada_date": "2026-01-05"});
    let early = t.json("POST", &adopt_uri, Some(&admin), &adopt).await;
    assert_eq!(early.json()["context"]["problem"].as_str(), Some("no_musrenbang_rkpd"), "{}", early.text);
    let mut musrenbang = minutes.clone();
    musrenbang["priorities"] = json!(["P1"]);
    let by_opd = t.json("PUT", &format!("/api/v1/cycles/{cycle}/rkpd/musrenbang"), Some(&pu), &musrenbang).await;
    assert_eq!(by_opd.status, StatusCode::FORBIDDEN);
    let held = t.json("PUT", &format!("/api/v1/cycles/{cycle}/rkpd/musrenbang"), Some(&admin), &musrenbang).await;
    assert_eq!(held.status, StatusCode::NO_CONTENT, "{}", held.text);
    let opd_late = t
        .json("POST", "/api/v1/renja/lines", Some(&pu), &line(cycle, Some(&line_id), "rancangan_akhir", json!(1)))
        .await;
    assert_eq!(opd_late.status, StatusCode::FORBIDDEN);
    let grown = t
        .json(
            "POST",
            "/api/v1/renja/lines",
            Some(&admin),
            &line(cycle, Some(&line_id), "rancangan_akhir", json!(4_500_000)),
        )
        .await;
    assert_eq!(grown.status, StatusCode::OK, "{}", grown.text);
    assert_eq!(grown.json()["red_flags"][0]["flag"].as_str(), Some("pagu_grew"));
    let late = t
        .json("POST", "/api/v1/renja/lines", Some(&admin), &line(cycle, None, "musrenbang_rkpd", json!(700_000)))
        .await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.text);
    assert_eq!(late.json()["red_flags"][0]["flag"].as_str(), Some("appeared_late"));

    // Adoption, after which nothing of the cycle changes, for anyone.
    let adopted = t.json("POST", &adopt_uri, Some(&admin), &adopt).await;
    assert_eq!(adopted.status, StatusCode::OK, "{}", adopted.text);
    let body = adopted.json();
    assert_eq!(body["adoption"]["total"].as_i64(), Some(5_200_000), "4.500.000 + 700.000 at their latest stage");
    assert_eq!(body["adoption"]["lines"].as_u64(), Some(2));
    assert_eq!(t.json("POST", &adopt_uri, Some(&admin), &adopt).await.status, StatusCode::CONFLICT);
    let after = t
        .json("POST", "/api/v1/renja/lines", Some(&admin), &line(cycle, Some(&line_id), "rancangan_akhir", json!(1)))
        .await;
    assert_eq!((after.status, after.json()["type"].as_str()), (StatusCode::CONFLICT, Some("/problems/adopted")));
    assert_eq!(t.json("PUT", &ceiling_uri, Some(&admin), &json!({"amount": 1})).await.status, StatusCode::CONFLICT);
    let window = json!({"opens": "2026-01-01T00:00:00+07:00", "closes": "2036-01-01T00:00:00+07:00"});
    let reopen = t.json("PUT", &format!("/api/v1/cycles/{cycle}/stages/forum_opd"), Some(&admin), &window).await;
    assert_eq!(reopen.status, StatusCode::CONFLICT, "{}", reopen.text);
    let rkpd = t.get(&format!("/api/v1/cycles/{cycle}/rkpd"), None).await;
    assert_eq!(rkpd.status, StatusCode::OK);
    assert_eq!(rkpd.json()["carried"].as_array().map(Vec::len), Some(1));
    assert_eq!(rkpd.json()["carried"][0]["origin"].as_str(), Some("kecamatan"));
    assert_eq!(
        (rkpd.json()["carried"][0]["count"].as_u64(), rkpd.json()["carried"][0]["cost"].as_i64()),
        (Some(1), Some(1_000_000))
    );
}

#[tokio::test]
async fn the_opd_works_its_renja_on_the_pages() {
    let t = TestApp::new().await;
    let (cycle, first, _) = setup(&t).await;
    let cookie = t.page_login("opd.pupr").await;
    let href = format!("/renja/{cycle}/{PU}");
    let page = t.page("GET", &href, Some(&cookie), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Pengaspalan Jalan Mawar") && page.text.contains("Belum diputuskan"), "{}", page.text);
    assert!(!page.text.contains("checked"), "no decision is chosen beforehand");
    let csrf = csrf_of(&page.text);
    let form = [
        ("csrf", csrf.as_str()),
        ("stage", "forum_opd"),
        ("line", ""),
        ("sub_kegiatan", SUB_KEGIATAN),
        ("locations", "12.71.01"),
        ("output_description", "Panjang jalan"),
        ("output_target", "0,5"),
        ("output_unit", "Km"),
        ("outcome_description", "Kondisi jalan mantap"),
        ("outcome_target", "85"),
        ("outcome_unit", "persen"),
        ("pagu", "Rp 1.500.000"),
        ("funding", "pad"),
        ("prakiraan_maju", "0"),
        ("priority", ""),
    ];
    let saved = t.page("POST", &format!("{href}/lines"), Some(&cookie), Some(&form)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let mut bad = form;
    bad[11] = ("pagu", "");
    let refused = t.page("POST", &format!("{href}/lines"), Some(&cookie), Some(&bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Pagu indikatif"), "the field is named: {}", refused.text);
    let line_id = t.db.store.renja(cycle, PU, 0, 10).await.unwrap().lines[0].id.to_string();
    let decided = t
        .page(
            "POST",
            &format!("{href}/decide/{first}"),
            Some(&cookie),
            Some(&[("csrf", csrf.as_str()), ("decision", "accept"), ("line", line_id.as_str()), ("reason", "")]),
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text);
    let after = t.page("GET", &href, Some(&cookie), None).await;
    assert!(
        after.text.contains(&format!("→ {SUB_KEGIATAN} Pembangunan Jalan")),
        "the item names its line: {}",
        after.text
    );
    let undecided = t
        .page(
            "POST",
            &format!("{href}/decide/{first}"),
            Some(&cookie),
            Some(&[("csrf", csrf.as_str()), ("decision", "")]),
        )
        .await;
    assert_eq!(undecided.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The refusal is said on the proposal's own card too, whose form stays open, so that the
    // card htmx swaps in place shows why; the totals and messages come along by id.
    let card = undecided.text.split(&format!("id=\"p-{first}\"")).nth(1).unwrap().split("</form>").next().unwrap();
    assert!(card.contains("role=\"alert\"") && card.contains("<details class=\"decide\" open>"), "{card}");
    assert!(card.contains(&format!("hx-post=\"{href}/decide/{first}\"")), "{card}");
    assert!(undecided.text.contains("hx-select-oob=\"#renja-totals,#renja-lines,#renja-errors,#flash\""));
    assert!(
        undecided.text.contains("id=\"renja-errors\"") && undecided.text.contains("/static/vendor/htmx/htmx.min.js")
    );
    let finalise = t.page("POST", &format!("{href}/finalise"), Some(&cookie), Some(&[("csrf", csrf.as_str())])).await;
    assert_eq!(finalise.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        finalise.text.contains("Renja belum bisa difinalkan: pagu indikatif OPD ini belum ditetapkan"),
        "{}",
        finalise.text
    );
    // The line leads back to the proposal and its kecamatan decision; the proposal forward to it.
    let line_page = t.page("GET", &format!("/renja/baris/{line_id}"), None, None).await;
    assert_eq!(line_page.status, StatusCode::OK);
    assert!(
        line_page.text.contains("Pengaspalan Jalan Mawar") && line_page.text.contains("Musrenbang kecamatan"),
        "{}",
        line_page.text
    );
    assert!(line_page.text.contains("PROGRAM PENYELENGGARAAN JALAN"), "the line sits under its program");
    let proposal = t.page("GET", &format!("/proposals/{first}"), None, None).await;
    assert!(proposal.text.contains(&format!("/renja/baris/{line_id}")), "{}", proposal.text);
    let rkpd = t.page("GET", &format!("/rkpd/{cycle}"), None, None).await;
    assert_eq!(rkpd.status, StatusCode::OK);
    assert!(rkpd.text.contains("Pembangunan Jalan") && rkpd.text.contains("Rp1.500.000"), "{}", rkpd.text);
}
