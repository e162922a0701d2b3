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

/// A proposal of Pasar Baru I in the test cycle, entered at `stage`.
fn submission(proposal_id: Uuid, cycle_id: Uuid, stage: Stage, title: &str, volume: &str) -> domain::Command {
    domain::Command::Musrenbang(MusrenbangCommand::SubmitProposal(domain::musrenbang::ProposalInput {
        proposal_id,
        cycle_id,
        stage,
        title: title.into(),
        problem: "Masalah".into(),
        kamus_code: "P-DRN".into(),
        volume: volume.into(),
        lingkungan: "12.71.01.1001.001".into(),
        address: format!("Gg. {title}"),
        latitude: String::new(),
        longitude: String::new(),
        track: "apbd".into(),
        priority: String::new(),
    }))
}

/// `count` proposals of Pasar Baru I entered at `stage` in one batch, titled `{title} {n}`;
/// their ids in order.
async fn submit_many(t: &TestApp, cycle_id: Uuid, stage: Stage, count: usize, title: &str, volume: &str) -> Vec<Uuid> {
    let ids: Vec<Uuid> = (0..count).map(|_| Uuid::now_v7()).collect();
    let commands: Vec<domain::Command> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| submission(*id, cycle_id, stage, &format!("{title} {n:02}"), volume))
        .collect();
    let system = domain::Actor::System { label: "test".into() };
    t.db.store.execute_batch(&system, &commands, time::OffsetDateTime::now_utc()).await.unwrap();
    ids
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
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    submit_many(&t, cycle, Stage::RembukWarga, 55, "Usulan nomor", "1").await;
    let kepling = t.page_login("kepling.pasarbaru1").await;
    let forum = format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    let first = t.page("GET", &forum, Some(&kepling), None).await;
    assert_eq!(first.text.matches("<li class=\"item\" id=\"p-").count(), 50);
    assert_eq!(first.text.matches("class=\"rank\"").count(), 55, "the ranking form holds every accepted proposal");
    assert!(first.text.contains(&format!("href=\"{forum}?page=1\" rel=\"next\"")));
    let second = t.page("GET", &format!("{forum}?page=1"), Some(&kepling), None).await;
    assert_eq!(second.text.matches("<li class=\"item\" id=\"p-").count(), 5);
    assert!(second.text.contains("rel=\"prev\""));
    let beyond = t.page("GET", &format!("{forum}?page=9"), Some(&kepling), None).await;
    assert_eq!(beyond.status, StatusCode::OK, "a page past the end shows the last one");
}

/// The forum page and the proposal page each read on one connection held for the request: many
/// of them at once, more than the pool kept for pages holds connections, as the operator and as
/// the public, all answer (a page that kept its connection, or waited on one the others hold,
/// would leave the later ones waiting).
#[tokio::test]
async fn many_forum_and_proposal_pages_at_once_all_answer() {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let ids = submit_many(&t, cycle, Stage::RembukWarga, 4, "Usulan serentak", "1").await;
    let kepling = t.page_login("kepling.pasarbaru1").await;
    let forum = format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    let pages: Vec<(String, Option<&str>)> = (0..48)
        .map(|n| match n % 3 {
            0 => (forum.clone(), Some(kepling.as_str())),
            1 => (forum.clone(), None),
            _ => (format!("/proposals/{}", ids[n % ids.len()]), None),
        })
        .collect();
    let answers = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        futures_util::future::join_all(pages.iter().map(|(uri, cookie)| t.page("GET", uri, *cookie, None))),
    )
    .await
    .expect("every page answered within a minute");
    for ((uri, _), answer) in pages.iter().zip(answers) {
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert!(answer.text.contains("Usulan serentak"), "{uri}");
    }
}

/// Forum day: names on every card, nothing chosen in advance, several accepted at once (all or
/// none), the order moved by an arrow, and a refused decision explained on its own card.
#[tokio::test]
async fn a_forum_day_page_decides_in_bulk_moves_ranks_and_explains_a_refusal_on_its_card() {
    use domain::planning::{ForumKey, Status};
    let t = TestApp::new().await;
    let cycle = open_cycle(&t).await;
    let ids = submit_many(&t, cycle, Stage::MusrenbangKelurahan, 3, "Usulan kelurahan", "2").await;
    let key = ForumKey {
        cycle_id: cycle,
        stage: Stage::MusrenbangKelurahan,
        region: RegionCode::parse("12.71.01.1001").unwrap(),
    };
    let status_of = |id: Uuid| {
        let store = t.db.store.clone();
        let key = key.clone();
        async move {
            let view = store.forum(&key).await.unwrap();
            view.facts.entries.iter().find(|e| e.proposal_id == id).map(|e| (e.status, e.rank)).unwrap()
        }
    };
    let lurah = t.page_login("kel.pasarbaru").await;
    let forum = format!("/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001");
    let page = t.page("GET", &forum, Some(&lurah), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("checked"), "no decision is made in advance");
    assert!(page.text.contains("Pekerjaan uji P-DRN") && page.text.contains("Dinas Uji P.01"), "kamus and OPD by name");
    assert_eq!(page.text.matches("class=\"pick\"").count(), 3);
    assert!(page.text.contains("0 dari batas") || page.text.contains("jumlah tidak dibatasi"), "{}", page.text);
    let csrf = csrf_of(&page.text);

    // Nothing selected: said so. An unknown proposal among the selected: none is accepted.
    let none = t.page("POST", &format!("{forum}/accept"), Some(&lurah), Some(&[("csrf", &csrf)])).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.text.contains("Usulan yang dipilih wajib diisi."), "{}", none.text);
    let stranger = Uuid::now_v7().to_string();
    let (a, b, c) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
    let mixed = [("csrf", csrf.as_str()), ("stage", "musrenbang_kelurahan"), ("selected", &c), ("selected", &stranger)];
    let refused = t.page("POST", &format!("{forum}/accept"), Some(&lurah), Some(&mixed)).await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    assert_eq!(status_of(ids[2]).await.0, Status::Pending, "all or none");
    let two = [("csrf", csrf.as_str()), ("stage", "musrenbang_kelurahan"), ("selected", &a), ("selected", &b)];
    let accepted = t.page("POST", &format!("{forum}/accept"), Some(&lurah), Some(&two)).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.text);
    assert_eq!(status_of(ids[0]).await.0, Status::Accepted);
    assert_eq!(status_of(ids[1]).await.0, Status::Accepted);
    let after = t.page("GET", &forum, Some(&lurah), None).await;
    assert!(after.text.contains("2 usulan diterima."), "the flash says how many");
    assert!(after.text.contains("2 dari batas") || after.text.contains("2 (jumlah"), "the totals follow");

    // The arrow moves the first down: the order saved is the typed one with that swap.
    let (rank_a, rank_b) = (format!("rank_{a}"), format!("rank_{b}"));
    let down = format!("down:{a}");
    let moved = [("csrf", csrf.as_str()), (&rank_a, "1"), (&rank_b, "2"), ("move", &down)];
    let ranked = t.page("POST", &format!("{forum}/ranking"), Some(&lurah), Some(&moved)).await;
    assert_eq!(ranked.status, StatusCode::SEE_OTHER, "{}", ranked.text);
    assert_eq!((status_of(ids[1]).await.1, status_of(ids[0]).await.1), (Some(1), Some(2)));

    // A rejection without a reason is refused, and the reason is shown on that proposal's card.
    let blank = [("csrf", csrf.as_str()), ("stage", "musrenbang_kelurahan"), ("decision", "reject"), ("reason", "  ")];
    let refused = t.page("POST", &format!("/proposals/{c}/decide"), Some(&lurah), Some(&blank)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let card = refused.text.split(&format!("id=\"p-{c}\"")).nth(1).unwrap_or_default();
    let card = card.split("</li>").next().unwrap_or_default();
    assert!(card.contains("Alasan wajib diisi."), "{card}");
}
