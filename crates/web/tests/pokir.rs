//! Reses and pokir over the API and the pages, on both databases: a member records a reses in
//! their dapil and enters a pokir citing one of its aspirations; their assistant may do it for
//! them; another member, another assistant, a place outside the dapil and a closed window are
//! refused; the pokir is public with the member's name, fraksi and dapil.

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp, csrf_of, field, fields};
use domain::cycle::{Stage, Window};
use domain::{Actor, Command, ScheduleCommand};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const PASSWORD: &str = "Sekretariat-Uji-2027";
const YEAR: i32 = 2033;

async fn set_pokir_window(t: &TestApp, cycle: Uuid, opens: i64, closes: i64) {
    let now = OffsetDateTime::now_utc();
    let window = Window { opens: now + Duration::days(opens), closes: now + Duration::days(closes) };
    let command = Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id: cycle, stage: Stage::Pokir, window });
    t.db.store.execute(&Actor::System { label: "test".into() }, &command, now).await.unwrap();
}

/// A cycle with the pokir stage open, a priority, two dapil, the demo member in MEDAN-1 with
/// `setwan.satu` assisting, another member `dprd.dua` in MEDAN-2 with `setwan.dua`.
async fn setup(t: &TestApp) -> Uuid {
    let cycle = common::open_cycle(t, YEAR, false, "P.01", "P-JLN", "100.000").await;
    set_pokir_window(t, cycle, -1, 30).await;
    let admin = t.token("bappeda").await;
    let ok = |reply: Reply| assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    ok(t.json("POST", "/api/v1/priorities", Some(&admin), &json!({"code": "P1", "name": "Infrastruktur"})).await);
    for (username, role) in
        [("setwan.satu", "sekretariat_dprd"), ("setwan.dua", "sekretariat_dprd"), ("dprd.dua", "anggota_dprd")]
    {
        let user = json!({"username": username, "name": format!("Akun {username}"), "password": PASSWORD,
            "grants": [{"role": role, "scope": ""}]});
        ok(t.json("POST", "/api/v1/users", Some(&admin), &user).await);
    }
    let dapil = |code: &str, kecamatan: &[&str]| json!({"code": code, "name": code, "kecamatan": kecamatan});
    ok(t.json("POST", "/api/v1/dapil", Some(&admin), &dapil("MEDAN-1", &["12.71.01"])).await);
    ok(t.json("POST", "/api/v1/dapil", Some(&admin), &dapil("MEDAN-2", &["12.71.02"])).await);
    let member = |username: &str, dapil: &str, assistant: &str| json!({"username": username, "fraksi": "Fraksi Uji", "komisi": "Komisi D", "dapil": dapil, "assistants": [assistant]});
    ok(t.json("POST", "/api/v1/dprd/members", Some(&admin), &member("dprd.demo", "MEDAN-1", "setwan.satu")).await);
    ok(t.json("POST", "/api/v1/dprd/members", Some(&admin), &member("dprd.dua", "MEDAN-2", "setwan.dua")).await);
    cycle
}

fn reses(cycle: Uuid, member: Option<&str>, kelurahan: &str) -> Value {
    json!({"cycle_id": cycle, "member": member, "date": "2026-01-10", "place": "Balai Warga Pasar Baru",
        "kelurahan": kelurahan, "attendees": 45, "minutes": "Warga menyampaikan aspirasi.",
        "aspirations": ["Jalan Mawar berlubang", "Lampu jalan gang"]})
}

fn pokir(cycle: Uuid, member: Option<&str>, reses: &str, aspiration: u32, lingkungan: &str) -> Value {
    json!({"cycle_id": cycle, "member": member, "reses_id": reses, "aspiration": aspiration,
        "title": "Pengaspalan Jalan Mawar", "problem": "Berlubang", "kamus_code": "P-JLN", "volume": "120",
        "lingkungan": lingkungan, "address": "Jl. Mawar", "priority": "P1"})
}

#[tokio::test]
async fn a_member_and_their_assistant_enter_reses_and_pokir_and_nobody_else_does() {
    let t = TestApp::new().await;
    let cycle = setup(&t).await;
    let member = t.token("dprd.demo").await;
    let assistant = t.token_with("setwan.satu", PASSWORD).await;
    let other_member = t.token_with("dprd.dua", PASSWORD).await;
    let other_assistant = t.token_with("setwan.dua", PASSWORD).await;

    let recorded = t.json("POST", "/api/v1/reses", Some(&member), &reses(cycle, None, "12.71.01.1001")).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    assert_eq!(recorded.json()["aspirations"], json!(["Jalan Mawar berlubang", "Lampu jalan gang"]));
    let reses_id = recorded.json()["id"].as_str().unwrap().to_string();
    let outside = t.json("POST", "/api/v1/reses", Some(&member), &reses(cycle, None, "12.71.02.1001")).await;
    assert_eq!(fields(&outside), vec![field("kelurahan", "outside_dapil")]);
    let by_assistant =
        t.json("POST", "/api/v1/reses", Some(&assistant), &reses(cycle, Some("dprd.demo"), "12.71.01.1002")).await;
    assert_eq!(by_assistant.status, StatusCode::CREATED, "{}", by_assistant.text);
    for (who, token) in [("another member", &other_member), ("another assistant", &other_assistant)] {
        let refused =
            t.json("POST", "/api/v1/reses", Some(token), &reses(cycle, Some("dprd.demo"), "12.71.01.1001")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{who}: {}", refused.text);
        let refused = t
            .json(
                "POST",
                "/api/v1/pokir",
                Some(token),
                &pokir(cycle, Some("dprd.demo"), &reses_id, 1, "12.71.01.1001.001"),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{who}: {}", refused.text);
    }
    let opd = t.token("opd.pupr").await;
    let refused = t
        .json("POST", "/api/v1/pokir", Some(&opd), &pokir(cycle, Some("dprd.demo"), &reses_id, 1, "12.71.01.1001.001"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let unnamed =
        t.json("POST", "/api/v1/pokir", Some(&opd), &pokir(cycle, None, &reses_id, 1, "12.71.01.1001.001")).await;
    assert_eq!(fields(&unnamed), vec![field("member", "required")], "an OPD operator is no member");

    // The pokir: in the dapil, citing an aspiration that exists.
    let outside =
        t.json("POST", "/api/v1/pokir", Some(&member), &pokir(cycle, None, &reses_id, 3, "12.71.02.1001.001")).await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&outside), vec![field("aspiration", "unknown_aspiration"), field("lingkungan", "outside_dapil")]);
    let entered = t
        .json(
            "POST",
            "/api/v1/pokir",
            Some(&assistant),
            &pokir(cycle, Some("dprd.demo"), &reses_id, 1, "12.71.01.1001.001"),
        )
        .await;
    assert_eq!(entered.status, StatusCode::CREATED, "{}", entered.text);
    let body = entered.json();
    assert_eq!(
        (body["origin"].as_str(), body["stage"].as_str(), body["status"].as_str(), body["cost"].as_i64()),
        (Some("pokir"), Some("forum_opd"), Some("pending"), Some(12_000_000)),
        "a pokir goes to the OPD it names at once"
    );
    assert_eq!(body["pokir"]["member"], "Anggota DPRD (demo)");
    assert_eq!(body["pokir"]["dapil"], "MEDAN-1");
    assert_eq!(body["pokir"]["aspiration"], "Jalan Mawar berlubang");
    assert_eq!(body["proposer"], "setwan.satu", "who typed it, beside whose it is");
    let id = body["id"].as_str().unwrap().to_string();

    // Public: the proposal and its page, with the member's name, fraksi and dapil.
    let public = t.get(&format!("/api/v1/proposals/{id}"), None).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.text);
    assert_eq!(public.json()["pokir"]["fraksi"], "Fraksi Uji");
    let page = t.page("GET", &format!("/proposals/{id}"), None, None).await;
    assert!(page.text.contains("Anggota DPRD (demo)</a> · Fraksi Uji · Dapil MEDAN-1"), "{}", page.text);
    assert!(page.text.contains("Jalan Mawar berlubang"));
    // The member's name leads to their public page, which lists this pokir and its reses.
    let href = page.text.split("href=\"/anggota/").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default();
    let public_member = t.page("GET", &format!("/anggota/{href}"), None, None).await;
    assert_eq!(public_member.status, StatusCode::OK, "{}", public_member.text);
    assert!(public_member.text.contains(&format!("href=\"/proposals/{id}\"")), "{}", public_member.text);
    assert!(public_member.text.contains("Jalan Mawar berlubang"), "the reses's aspirations are public");
    assert_eq!(t.page("GET", "/anggota/not-a-uuid", None, None).await.status, StatusCode::NOT_FOUND);
    let listed = t.get(&format!("/api/v1/pokir?cycle={cycle}&member=dprd.demo"), Some(&other_member)).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let by_origin = t.get(&format!("/api/v1/proposals?cycle={cycle}&origin=pokir"), None).await;
    assert_eq!(by_origin.status, StatusCode::OK, "{}", by_origin.text);
    assert_eq!(by_origin.json()["items"].as_array().unwrap().len(), 1);

    // Late: the window closed, for everyone.
    set_pokir_window(&t, cycle, -10, -1).await;
    let late =
        t.json("POST", "/api/v1/pokir", Some(&member), &pokir(cycle, None, &reses_id, 2, "12.71.01.1001.001")).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
    let late = t.json("POST", "/api/v1/reses", Some(&member), &reses(cycle, None, "12.71.01.1001")).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
    assert_eq!(
        t.get(&format!("/api/v1/pokir?cycle={cycle}&member=dprd.demo"), Some(&member))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn the_pokir_page_records_a_reses_and_enters_a_pokir() {
    let t = TestApp::new().await;
    let cycle = setup(&t).await;
    let cookie = t.page_login("dprd.demo").await;
    let page = t.page("GET", &format!("/pokir?cycle={cycle}"), Some(&cookie), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Belum ada reses yang dicatat."));
    assert!(page.text.contains("value=\"12.71.01.1001\""), "the kelurahan of the dapil");
    assert!(!page.text.contains("value=\"12.71.02.1001\""), "and not of another");
    let csrf = csrf_of(&page.text);
    let base = format!("csrf={csrf}&cycle={cycle}&member=dprd.demo");
    let refused = t.send_form("/pokir/reses", &cookie, &format!("{base}&date=2026-01-10&place=Balai&kelurahan=12.71.01.1001&attendees=banyak&minutes=Notulen&aspirations=")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Peserta harus bilangan bulat"), "{}", refused.text);
    assert!(refused.text.contains("Aspirasi wajib diisi."));
    let recorded = t.send_form("/pokir/reses", &cookie, &format!("{base}&date=2026-01-10&place=Balai&kelurahan=12.71.01.1001&attendees=30&minutes=Notulen&aspirations=Jalan+rusak%0ALampu+jalan")).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.text);
    let page = t.page("GET", &format!("/pokir?cycle={cycle}"), Some(&cookie), None).await;
    assert!(page.text.contains("Reses di Balai dicatat."));
    let marker = "<option value=\"";
    let source = page
        .text
        .split(marker)
        .map(|s| s.split('"').next().unwrap_or(""))
        .find(|v| v.ends_with(":1"))
        .expect("an aspiration to cite")
        .to_string();
    let pokir = format!(
        "{base}&source={source}&title=Jalan+Mawar&problem=Rusak&kamus_code=P-JLN&volume=10&lingkungan=12.71.02.1001.001&address=Jl.+Mawar&track=apbd&priority=P1"
    );
    let refused = t.send_form("/pokir/new", &cookie, &pokir).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("di luar dapil"), "{}", refused.text);
    assert!(refused.text.contains("value=\"Jalan Mawar\""), "what was typed stays");
    let entered = t.send_form("/pokir/new", &cookie, &pokir.replace("12.71.02.1001.001", "12.71.01.1001.001")).await;
    assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.text);
    let page = t.page("GET", &format!("/pokir?cycle={cycle}"), Some(&cookie), None).await;
    assert!(page.text.contains("Pokir “Jalan Mawar” disimpan"));
    assert!(page.text.contains("Rp1.000.000"));
    let workbook = page.text.split("href=\"").find(|h| h.contains("/pokir.xlsx?cycle=")).expect("the list's workbook");
    let workbook = workbook.split('"').next().unwrap().replace("&amp;", "&");
    let xlsx = t.page("GET", &workbook, None, None).await;
    assert_eq!(xlsx.status, StatusCode::OK, "{workbook}: {}", xlsx.text);
    assert!(String::from_utf8_lossy(&xlsx.bytes).starts_with("PK"), "a workbook");

    // The member's assistant gets the forms; another member's assistant does not.
    let helper = t.page_login_with("setwan.satu", PASSWORD).await;
    let page = t.page("GET", &format!("/pokir?cycle={cycle}&member=dprd.demo"), Some(&helper), None).await;
    assert!(page.text.contains("id=\"submit-pokir\""), "{}", page.text);
    let stranger = t.page_login_with("setwan.dua", PASSWORD).await;
    let page = t.page("GET", &format!("/pokir?cycle={cycle}&member=dprd.demo"), Some(&stranger), None).await;
    assert!(page.text.contains("Jalan Mawar") && !page.text.contains("id=\"submit-pokir\""));

    // Another user sees it, without the forms; with no member named, they are sent to the list.
    let other = t.page_login("opd.pupr").await;
    let own = t.page("GET", "/pokir", Some(&other), None).await;
    assert_eq!((own.status, own.header("location").as_deref()), (StatusCode::SEE_OTHER, Some("/dprd")));
    let page = t.page("GET", &format!("/pokir?cycle={cycle}&member=dprd.demo"), Some(&other), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Jalan Mawar") && !page.text.contains("id=\"submit-pokir\""));
}

/// The late-stage red flags of pokir: one that duplicates a musrenbang proposal (same kamus item
/// on the same street of the same kelurahan), one whose cost is out of line with what the
/// cycle's other proposals of its kamus item cost, and a member's pokir concentrated in one
/// kelurahan and identical. Shown, never blocking.
#[tokio::test]
async fn pokir_that_duplicate_cost_too_much_or_repeat_are_flagged() {
    let t = TestApp::new().await;
    let cycle = setup(&t).await;
    let now = OffsetDateTime::now_utc();
    let mut commands = Vec::new();
    for n in 0..5 {
        commands.push(Command::Musrenbang(domain::MusrenbangCommand::SubmitProposal(
            domain::musrenbang::ProposalInput {
                proposal_id: Uuid::now_v7(),
                cycle_id: cycle,
                stage: Stage::MusrenbangKecamatan,
                title: format!("Jalan lingkungan {n}"),
                problem: "Berlubang".into(),
                kamus_code: "P-JLN".into(),
                volume: "10".into(),
                lingkungan: "12.71.01.1001.001".into(),
                address: format!("Jl. Melur {n}"),
                latitude: String::new(),
                longitude: String::new(),
                track: "apbd".into(),
                priority: String::new(),
            },
        )));
    }
    t.db.store.execute_batch(&Actor::System { label: "test".into() }, &commands, now).await.unwrap();
    let member = t.token("dprd.demo").await;
    let recorded = t.json("POST", "/api/v1/reses", Some(&member), &reses(cycle, None, "12.71.01.1001")).await;
    let reses_id = recorded.json()["id"].as_str().unwrap().to_string();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let mut body = pokir(cycle, None, &reses_id, 1, "12.71.01.1001.002");
        body["address"] = json!("Jl. Melur 0");
        let entered = t.json("POST", "/api/v1/pokir", Some(&member), &body).await;
        assert_eq!(entered.status, StatusCode::CREATED, "{}", entered.text);
        ids.push(entered.json()["id"].as_str().unwrap().to_string());
    }
    let read = t.get(&format!("/api/v1/proposals/{}", ids[0]), None).await;
    let flags: Vec<String> =
        read.json()["red_flags"].as_array().unwrap().iter().map(|f| f["flag"].as_str().unwrap().to_string()).collect();
    assert!(flags.contains(&"same_street".to_string()), "duplicates the musrenbang proposal: {flags:?}");
    assert!(flags.contains(&"pokir_cost_out_of_line".to_string()), "12 juta against 1 juta: {flags:?}");
    assert!(flags.contains(&"pokir_concentrated".to_string()), "{flags:?}");
    assert!(flags.contains(&"pokir_identical".to_string()), "{flags:?}");
    let cookie = t.page_login("dprd.demo").await;
    let page = t.page("GET", &format!("/pokir?cycle={cycle}"), Some(&cookie), None).await;
    assert!(page.text.contains("pola seperti satu rekanan"), "{}", page.text);
    let public = t.page("GET", &format!("/proposals/{}", ids[1]), None, None).await;
    assert!(public.text.contains("lebih dari 3 kali biaya khas"), "{}", public.text);
}

/// A pokir's photos are its member's: the member or their assistant adds them while pokir are
/// taken; another member, an OPD operator and the public are refused.
#[tokio::test]
async fn a_pokir_takes_photos_from_its_member_only() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let t = TestApp::new().await;
    let cycle = setup(&t).await;
    let member = t.token("dprd.demo").await;
    let assistant = t.token_with("setwan.satu", PASSWORD).await;
    let other_member = t.token_with("dprd.dua", PASSWORD).await;
    let opd = t.token("opd.pupr").await;
    let recorded = t.json("POST", "/api/v1/reses", Some(&member), &reses(cycle, None, "12.71.01.1001")).await;
    let reses_id = recorded.json()["id"].as_str().unwrap().to_string();
    let entered =
        t.json("POST", "/api/v1/pokir", Some(&member), &pokir(cycle, None, &reses_id, 1, "12.71.01.1001.002")).await;
    let id = entered.json()["id"].as_str().unwrap().to_string();
    let upload = |token: Option<&str>| {
        let mut request =
            Request::post(format!("/api/v1/proposals/{id}/photos")).header(header::CONTENT_TYPE, "image/jpeg");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        request.body(Body::from(store::testing::jpeg(8, 6))).unwrap()
    };
    for token in [&member, &assistant] {
        let added = t.send(upload(Some(token))).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    }
    for token in [&other_member, &opd] {
        assert_eq!(t.send(upload(Some(token))).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(t.send(upload(None)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get(&format!("/api/v1/proposals/{id}/photos"), None).await.json().as_array().map(Vec::len), Some(2));
    let cookie = t.page_login("dprd.demo").await;
    let page = t.page("GET", &format!("/proposals/{id}"), Some(&cookie), None).await;
    assert!(page.text.contains("id=\"add-photo\""), "the member sees the photo form");
    set_pokir_window(&t, cycle, -10, -1).await;
    assert_eq!(t.send(upload(Some(&member))).await.status, StatusCode::CONFLICT, "not after the window");
}

/// A reses keeps photos too: its member or their assistant adds them until the pokir window
/// closes; another member is refused; the member's page shows them.
#[tokio::test]
async fn a_reses_takes_photos_from_its_member_only() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let t = TestApp::new().await;
    let cycle = setup(&t).await;
    let member = t.token("dprd.demo").await;
    let assistant = t.token_with("setwan.satu", PASSWORD).await;
    let other_member = t.token_with("dprd.dua", PASSWORD).await;
    let recorded = t.json("POST", "/api/v1/reses", Some(&member), &reses(cycle, None, "12.71.01.1001")).await;
    let reses_id = recorded.json()["id"].as_str().unwrap().to_string();
    let upload = |token: &str, bytes: Vec<u8>| {
        Request::post(format!("/api/v1/reses/{reses_id}/photos"))
            .header(header::CONTENT_TYPE, "image/png")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(bytes))
            .unwrap()
    };
    let added = t.send(upload(&assistant, store::testing::jpeg(8, 6))).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let href = added.json()["href"].as_str().unwrap().to_string();
    assert_eq!(t.get(&href, None).await.header("content-type").as_deref(), Some("image/jpeg"));
    assert_eq!(t.send(upload(&other_member, store::testing::jpeg(8, 6))).await.status, StatusCode::FORBIDDEN);
    let not_an_image = t.send(upload(&member, b"<html>".to_vec())).await;
    assert_eq!(fields(&not_an_image), vec![field("photo", "photo_type")]);
    let listed = t.get(&format!("/api/v1/reses/{reses_id}/photos"), Some(&member)).await;
    assert_eq!(listed.json().as_array().map(Vec::len), Some(1));
    let cookie = t.page_login("dprd.demo").await;
    let page = t.page("GET", &format!("/pokir?cycle={cycle}"), Some(&cookie), None).await;
    assert!(page.text.contains(&format!("/reses/{reses_id}/photos/")), "{}", page.text);
    set_pokir_window(&t, cycle, -10, -1).await;
    assert_eq!(t.send(upload(&member, store::testing::jpeg(8, 6))).await.status, StatusCode::CONFLICT);
}
