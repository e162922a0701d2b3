//! The operator's pages: tugas saya, the proposal form, the forum page (decide, rank, minutes,
//! close), the proposal page with both stages' figures and its timeline; all without JavaScript.

mod common;

use axum::http::StatusCode;
use common::{TestApp, csrf_of};
use domain::cycle::Stage;
use domain::{MusrenbangCommand, RegionCode};
use uuid::Uuid;

async fn open_cycle(t: &TestApp) -> Uuid {
    common::open_cycle(t, 2032, false, "P.01", "P-DRN", "250.000").await
}

#[tokio::test]
async fn the_kepala_lingkungan_records_ranks_and_finalises_through_pages() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let kepling = t.page_login("kepling.pasarbaru1").await;
    let tasks = t.page("GET", "/tasks", Some(&kepling), None).await;
    assert_eq!(tasks.status, StatusCode::OK);
    let forum = format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    assert!(tasks.text.contains(&forum), "{}", tasks.text);

    let form = t
        .page(
            "GET",
            &format!("/proposals/new?cycle={cycle}&stage=rembuk_warga&region=12.71.01.1001.001"),
            Some(&kepling),
            None,
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(form.text.contains("id=\"map\""));
    let csrf = csrf_of(&form.text);
    let cycle_text = cycle.to_string();
    let fields = |title: &'static str, volume: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("cycle", cycle_text.clone()),
            ("stage", "rembuk_warga".into()),
            ("region", "12.71.01.1001.001".into()),
            ("title", title.into()),
            ("problem", "Air menggenang".into()),
            ("kamus_code", "P-DRN".into()),
            ("volume", volume.into()),
            ("lingkungan", "12.71.01.1001.001".into()),
            ("address", "Jl. Mawar".into()),
            ("latitude", String::new()),
            ("longitude", String::new()),
            ("track", "apbd".into()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let owned: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        serde_urlencoded::to_string(owned).unwrap()
    };
    let bad = t.send_form("/proposals", &kepling, &post(fields("", "sepuluh"))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Judul usulan wajib diisi."), "{}", bad.text);
    assert!(bad.text.contains("Volume harus angka"));
    for (title, volume) in [("Drainase Mawar", "20"), ("Drainase Melati", "12,5")] {
        let ok = t.send_form("/proposals", &kepling, &post(fields(title, volume))).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    }
    let page = t.page("GET", &forum, Some(&kepling), None).await;
    assert!(page.text.contains("Drainase Melati") && page.text.contains("12,5 meter"));
    assert!(page.text.contains("Rp3.125.000"), "cost shown the Indonesian way");
    let csrf = csrf_of(&page.text);
    let close = t.page("POST", &format!("{forum}/close"), Some(&kepling), Some(&[("csrf", &csrf)])).await;
    assert_eq!(close.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(close.text.contains("belum diurutkan"), "{}", close.text);
    let ids: Vec<String> =
        t.db.store
            .forum(&domain::planning::ForumKey {
                cycle_id: cycle,
                stage: Stage::RembukWarga,
                region: RegionCode::parse("12.71.01.1001.001").unwrap(),
            })
            .await
            .unwrap()
            .items
            .iter()
            .map(|(p, _)| p.id.to_string())
            .collect();
    let rank_fields = vec![
        ("csrf".to_string(), csrf.clone()),
        (format!("rank_{}", ids[0]), "2".to_string()),
        (format!("rank_{}", ids[1]), "1".to_string()),
    ];
    let ranked =
        t.send_form(&format!("{forum}/ranking"), &kepling, &serde_urlencoded::to_string(&rank_fields).unwrap()).await;
    assert_eq!(ranked.status, StatusCode::SEE_OTHER, "{}", ranked.text);
    let minutes = [
        ("csrf", csrf.as_str()),
        ("date", "2032-01-10"),
        ("place", "Balai"),
        ("chair", "Kepling"),
        ("attendees", "Ani, warga\nBudi, tokoh masyarakat"),
        ("delegates", "Ani"),
    ];
    assert_eq!(
        t.page("POST", &format!("{forum}/minutes"), Some(&kepling), Some(&minutes)).await.status,
        StatusCode::SEE_OTHER
    );
    let closed = t.page("POST", &format!("{forum}/close"), Some(&kepling), Some(&[("csrf", &csrf)])).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.text);
    let page = t.page("GET", &forum, Some(&kepling), None).await;
    assert!(
        page.text.contains("Forum ini sudah ditutup") || page.text.contains("Forum sudah ditutup"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("id=\"close-forum\""), "read-only once closed");

    // The operator kelurahan decides with a smaller volume; the proposal page shows both stages.
    let lurah = t.page_login("kel.pasarbaru").await;
    let kelurahan = format!("/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001");
    let page = t.page("GET", &kelurahan, Some(&lurah), None).await;
    let csrf = csrf_of(&page.text);
    let decide = [
        ("csrf", csrf.as_str()),
        ("stage", "musrenbang_kelurahan"),
        ("decision", "accept_with_changes"),
        ("volume", "10"),
        ("reason", ""),
    ];
    let refused = t.page("POST", &format!("/proposals/{}/decide", ids[0]), Some(&lurah), Some(&decide)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Alasan wajib diisi."), "{}", refused.text);
    let decide = [
        ("csrf", csrf.as_str()),
        ("stage", "musrenbang_kelurahan"),
        ("decision", "accept_with_changes"),
        ("volume", "10"),
        ("reason", "Separuh sudah ada"),
    ];
    assert_eq!(
        t.page("POST", &format!("/proposals/{}/decide", ids[0]), Some(&lurah), Some(&decide)).await.status,
        StatusCode::SEE_OTHER
    );
    let proposal = t.page("GET", &format!("/proposals/{}", ids[0]), None, None).await;
    assert_eq!(proposal.status, StatusCode::OK);
    assert!(
        proposal.text.contains("20 meter") && proposal.text.contains("10 meter"),
        "both stages' figures side by side"
    );
    assert!(proposal.text.contains("Separuh sudah ada"));
    assert!(proposal.text.contains("Usulan dicatat") && proposal.text.contains("Diputuskan"), "the timeline");
    // Another kelurahan's operator has no forms here.
    let public = t.page("GET", &kelurahan, None, None).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(!public.text.contains("decide-form"));
    let list = t.page("GET", &format!("/proposals?cycle={cycle}&region=12.71.01.1001"), None, None).await;
    assert!(list.text.contains("Drainase Mawar"));
}

#[tokio::test]
async fn a_big_forum_is_paged_but_ranked_whole() {
    use domain::musrenbang::ProposalInput;
    use domain::{Actor, Command};
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let commands: Vec<Command> = (1..=55)
        .map(|n| {
            Command::Musrenbang(MusrenbangCommand::SubmitProposal(ProposalInput {
                proposal_id: Uuid::now_v7(),
                cycle_id: cycle,
                stage: Stage::RembukWarga,
                title: format!("Usulan nomor {n:02}"),
                problem: "Masalah".into(),
                kamus_code: "P-DRN".into(),
                volume: "1".into(),
                lingkungan: "12.71.01.1001.001".into(),
                address: format!("Gg. {n}"),
                latitude: String::new(),
                longitude: String::new(),
                track: "apbd".into(),
                priority: String::new(),
            }))
        })
        .collect();
    let system = Actor::System { label: "test".into() };
    t.db.store.execute_batch(&system, &commands, time::OffsetDateTime::now_utc()).await.unwrap();
    let kepling = t.page_login("kepling.pasarbaru1").await;
    let forum = format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    let first = t.page("GET", &forum, Some(&kepling), None).await;
    assert_eq!(first.text.matches("<tr id=\"p-").count(), 50);
    assert_eq!(first.text.matches("class=\"rank\"").count(), 55, "the ranking form holds every accepted proposal");
    assert!(first.text.contains(&format!("href=\"{forum}?page=1\" rel=\"next\"")));
    let second = t.page("GET", &format!("{forum}?page=1"), Some(&kepling), None).await;
    assert_eq!(second.text.matches("<tr id=\"p-").count(), 5);
    assert!(second.text.contains("rel=\"prev\""));
    let beyond = t.page("GET", &format!("{forum}?page=9"), Some(&kepling), None).await;
    assert_eq!(beyond.status, StatusCode::OK, "a page past the end shows the last one");
}
