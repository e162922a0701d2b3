//! A proposal's path from rembuk warga through kelurahan to kecamatan, on a real database.

use domain::cycle::{ForwardCaps, Stage, Window};
use domain::error::CloseProblem;
use domain::kamus::KamusInput;
use domain::musrenbang::{DecisionInput, MeetingInput, ProposalInput};
use domain::planning::{ForumKey, Status};
use domain::schedule::CreateCycle;
use domain::{Actor, Command, DomainError, MasterDataCommand, MusrenbangCommand, RegionCode, ScheduleCommand};
use store::StoreError;
use store::testing::database;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

async fn actor(store: &store::Store, username: &str) -> Actor {
    Actor::User(store.credentials(username).await.unwrap().unwrap().0.actor())
}

fn meeting() -> MeetingInput {
    MeetingInput {
        date: "2027-01-20".into(),
        place: "Balai warga".into(),
        chair: "Ketua forum".into(),
        attendees: vec![("Ani".into(), "warga".into()), ("Budi".into(), "tokoh masyarakat".into())],
        delegates: vec!["Ani".into()],
    }
}

fn proposal(cycle_id: Uuid, stage: Stage, lingkungan: &str, title: &str, volume: &str) -> ProposalInput {
    ProposalInput {
        proposal_id: Uuid::now_v7(),
        cycle_id,
        stage,
        title: title.into(),
        problem: "Jalan rusak dan tergenang saat hujan".into(),
        kamus_code: "JLN-001".into(),
        volume: volume.into(),
        lingkungan: lingkungan.into(),
        address: format!("Jl. {title}"),
        latitude: "3.5952".into(),
        longitude: "98.6722".into(),
        track: "apbd".into(),
        priority: String::new(),
    }
}

/// On the demo's foundation, the 2027 cycle `cycle_id` whose forums are all open, no forward cap past the
/// kelurahan's five, one OPD and one kamus item (`JLN-001`): Bappeda's admin and the cycle.
async fn open_cycle(store: &store::Store, now: OffsetDateTime, cycle_id: Uuid) -> Actor {
    store::seed::seed_demo_foundation(store, now).await.unwrap();
    let admin = actor(store, "bappeda").await;
    let pemda = code("12.71");
    store
        .execute(
            &admin,
            &Command::Schedule(ScheduleCommand::CreateCycle(CreateCycle {
                pemda: pemda.clone(),
                cycle_id,
                tahun_anggaran: 2027,
            })),
            now,
        )
        .await
        .unwrap();
    let open = Window { opens: now - Duration::days(1), closes: now + Duration::days(30) };
    for stage in Stage::FORUMS {
        store
            .execute(&admin, &Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id, stage, window: open }), now)
            .await
            .unwrap();
    }
    let caps = ForwardCaps { rembuk_warga: None, musrenbang_kelurahan: Some(5), musrenbang_kecamatan: None };
    store
        .execute(
            &admin,
            &Command::Schedule(ScheduleCommand::SetCycleSettings { cycle_id, caps, online_proposals: false }),
            now,
        )
        .await
        .unwrap();
    store
        .execute(
            &admin,
            &Command::MasterData(MasterDataCommand::CreateOpd {
                pemda: pemda.clone(),
                code: "1.03".into(),
                name: "Dinas PUPR".into(),
            }),
            now,
        )
        .await
        .unwrap();
    let kamus = KamusInput {
        code: "JLN-001".into(),
        name: "Pengaspalan jalan lingkungan".into(),
        unit: "meter".into(),
        unit_price: "350.000".into(),
        opd_code: "1.03".into(),
        bidang: "infrastruktur_kewilayahan".into(),
        fisik: "ya".into(),
        sub_kegiatan: String::new(),
    };
    store
        .execute(
            &admin,
            &Command::MasterData(MasterDataCommand::UpsertKamus {
                pemda: pemda.clone(),
                tahun_anggaran: 2027,
                items: vec![kamus],
                batch: false,
            }),
            now,
        )
        .await
        .unwrap();

    admin
}

#[tokio::test]
async fn a_proposal_climbs_from_rembuk_warga_to_kecamatan_and_keeps_every_stages_figures() {
    let db = database().await.unwrap();
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let cycle_id = Uuid::now_v7();
    let admin = open_cycle(store, now, cycle_id).await;
    let pemda = code("12.71");
    // Rembuk warga: the kepala lingkungan records three proposals, ranks them and finalises.
    let kepling = actor(store, "kepling.pasarbaru1").await;
    let inputs: Vec<ProposalInput> = ["Satu", "Dua", "Tiga"]
        .iter()
        .map(|t| proposal(cycle_id, Stage::RembukWarga, "12.71.01.1001.001", t, "100"))
        .collect();
    for input in &inputs {
        store
            .execute(&kepling, &Command::Musrenbang(MusrenbangCommand::SubmitProposal(input.clone())), now)
            .await
            .unwrap();
    }
    let ids: Vec<Uuid> = inputs.iter().map(|p| p.proposal_id).collect();
    let rembuk = ForumKey { cycle_id, stage: Stage::RembukWarga, region: code("12.71.01.1001.001") };
    let refused = store
        .execute(&kepling, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: rembuk.clone() }), now)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Domain(DomainError::CannotClose(CloseProblem::Unranked)))),
        "{refused:?}"
    );
    store
        .execute(
            &kepling,
            &Command::Musrenbang(MusrenbangCommand::RankForum { forum: rembuk.clone(), order: ids.clone() }),
            now,
        )
        .await
        .unwrap();
    let refused = store
        .execute(&kepling, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: rembuk.clone() }), now)
        .await;
    assert!(matches!(refused, Err(StoreError::Domain(DomainError::CannotClose(CloseProblem::NoMinutes)))));
    store
        .execute(
            &kepling,
            &Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: rembuk.clone(), meeting: meeting() }),
            now,
        )
        .await
        .unwrap();
    store
        .execute(&kepling, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: rembuk.clone() }), now)
        .await
        .unwrap();
    let late = store
        .execute(
            &kepling,
            &Command::Musrenbang(MusrenbangCommand::SubmitProposal(proposal(
                cycle_id,
                Stage::RembukWarga,
                "12.71.01.1001.001",
                "Empat",
                "1",
            ))),
            now,
        )
        .await;
    assert!(matches!(late, Err(StoreError::Domain(DomainError::ForumClosed))));

    // Musrenbang kelurahan: accept, accept with a smaller volume, reject; rank; close.
    let lurah = actor(store, "kel.pasarbaru").await;
    let kelurahan = ForumKey { cycle_id, stage: Stage::MusrenbangKelurahan, region: code("12.71.01.1001") };
    assert_eq!(store.forum(&kelurahan).await.unwrap().items.len(), 3);
    let decide = |id: Uuid, decision: DecisionInput| {
        Command::Musrenbang(MusrenbangCommand::DecideProposal {
            proposal_id: id,
            stage: Stage::MusrenbangKelurahan,
            decision,
        })
    };
    store.execute(&lurah, &decide(ids[0], DecisionInput::Accept), now).await.unwrap();
    let changes = DecisionInput::AcceptWithChanges {
        volume: "60".into(),
        kamus_code: String::new(),
        lingkungan: String::new(),
        address: String::new(),
        opd_code: String::new(),
        reason: "Sebagian jalan sudah diperbaiki".into(),
    };
    store.execute(&lurah, &decide(ids[1], changes), now).await.unwrap();
    let no_reason = store.execute(&lurah, &decide(ids[2], DecisionInput::Reject { reason: " ".into() }), now).await;
    assert!(matches!(no_reason, Err(StoreError::Domain(DomainError::Invalid(_)))));
    let undecided = store
        .execute(&lurah, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: kelurahan.clone() }), now)
        .await;
    assert!(matches!(
        undecided,
        Err(StoreError::Domain(DomainError::CannotClose(CloseProblem::Undecided { count: 1 })))
    ));
    store
        .execute(&lurah, &decide(ids[2], DecisionInput::Reject { reason: "Bukan kewenangan kota".into() }), now)
        .await
        .unwrap();
    let wrong_order = store
        .execute(
            &lurah,
            &Command::Musrenbang(MusrenbangCommand::RankForum { forum: kelurahan.clone(), order: ids.clone() }),
            now,
        )
        .await;
    assert!(matches!(wrong_order, Err(StoreError::Domain(DomainError::Invalid(_)))), "a rejected proposal has no rank");
    store
        .execute(
            &lurah,
            &Command::Musrenbang(MusrenbangCommand::RankForum {
                forum: kelurahan.clone(),
                order: vec![ids[1], ids[0]],
            }),
            now,
        )
        .await
        .unwrap();
    store
        .execute(
            &lurah,
            &Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: kelurahan.clone(), meeting: meeting() }),
            now,
        )
        .await
        .unwrap();
    store
        .execute(&lurah, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: kelurahan.clone() }), now)
        .await
        .unwrap();

    // Another kelurahan's operator may not touch this forum's proposals.
    let kecamatan = ForumKey { cycle_id, stage: Stage::MusrenbangKecamatan, region: code("12.71.01") };
    let camat = actor(store, "kec.medankota").await;
    let view = store.forum(&kecamatan).await.unwrap();
    assert_eq!(view.items.len(), 2);
    let decide_kec = |id: Uuid| {
        Command::Musrenbang(MusrenbangCommand::DecideProposal {
            proposal_id: id,
            stage: Stage::MusrenbangKecamatan,
            decision: DecisionInput::Accept,
        })
    };
    assert!(matches!(
        store.execute(&lurah, &decide_kec(ids[0]), now).await,
        Err(StoreError::Domain(DomainError::Denied(_)))
    ));
    store.execute(&camat, &decide_kec(ids[0]), now).await.unwrap();
    store.execute(&camat, &decide_kec(ids[1]), now).await.unwrap();
    store
        .execute(
            &camat,
            &Command::Musrenbang(MusrenbangCommand::RankForum {
                forum: kecamatan.clone(),
                order: vec![ids[0], ids[1]],
            }),
            now,
        )
        .await
        .unwrap();
    store
        .execute(
            &camat,
            &Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: kecamatan.clone(), meeting: meeting() }),
            now,
        )
        .await
        .unwrap();
    let no_ceiling = store
        .execute(&camat, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: kecamatan.clone() }), now)
        .await;
    assert!(matches!(no_ceiling, Err(StoreError::Domain(DomainError::CannotClose(CloseProblem::NoCeiling)))));
    let set_ceiling = |amount: &str| {
        Command::Schedule(ScheduleCommand::SetCeiling { cycle_id, kecamatan: "12.71.01".into(), amount: amount.into() })
    };
    store.execute(&admin, &set_ceiling("40.000.000"), now).await.unwrap();
    let over = store
        .execute(&camat, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: kecamatan.clone() }), now)
        .await;
    // 100 m and 60 m at Rp350.000: Rp56.000.000 against Rp40.000.000.
    assert!(
        matches!(
            over,
            Err(StoreError::Domain(DomainError::CannotClose(CloseProblem::OverCeiling {
                total: 56_000_000,
                ceiling: 40_000_000
            })))
        ),
        "{over:?}"
    );
    store.execute(&admin, &set_ceiling("60.000.000"), now).await.unwrap();
    store
        .execute(&camat, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: kecamatan.clone() }), now)
        .await
        .unwrap();

    // Every stage kept its own figures.
    let changed = store.proposal(ids[1]).await.unwrap().unwrap();
    let volumes: Vec<(Stage, i64, Status)> =
        changed.records.iter().map(|r| (r.stage, r.figures.volume, r.status)).collect();
    assert_eq!(
        volumes,
        vec![
            (Stage::RembukWarga, 100_000, Status::Accepted),
            (Stage::MusrenbangKelurahan, 60_000, Status::AcceptedWithChanges),
            (Stage::MusrenbangKecamatan, 60_000, Status::Accepted),
            (Stage::ForumOpd, 60_000, Status::Pending),
        ]
    );
    let history = store.proposal_history(ids[1]).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.starts_with(&["proposal_submitted", "forum_ranked"]), "{kinds:?}");
    assert!(kinds.contains(&"proposal_decided") && kinds.contains(&"proposals_forwarded"));
    let rejected = store.proposal(ids[2]).await.unwrap().unwrap();
    assert_eq!(rejected.summary.status, Status::Rejected);
    assert_eq!(rejected.records[1].reason.as_deref(), Some("Bukan kewenangan kota"));
    assert!(store.verify_chain(&pemda).await.unwrap().valid);

    // A closed window refuses everyone, even the machine's operator, who passes every access check.
    let past = Window { opens: now - Duration::days(60), closes: now - Duration::days(30) };
    store
        .execute(
            &admin,
            &Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id, stage: Stage::RembukWarga, window: past }),
            now,
        )
        .await
        .unwrap();
    let operator = Actor::System { label: "test".into() };
    let closed = store
        .execute(
            &operator,
            &Command::Musrenbang(MusrenbangCommand::SubmitProposal(proposal(
                cycle_id,
                Stage::RembukWarga,
                "12.71.01.1001.002",
                "Lima",
                "1",
            ))),
            now,
        )
        .await;
    assert!(
        matches!(closed, Err(StoreError::Domain(DomainError::StageClosed { stage: Stage::RembukWarga, .. }))),
        "{closed:?}"
    );
}

/// A batch decides a forum's submissions on one read of facts and writes them together; what it
/// leaves must be what the same commands leave one by one, and a refusal inside such a run must
/// leave nothing.
#[tokio::test]
async fn a_batch_of_submissions_leaves_what_the_same_commands_leave_one_by_one() {
    let now = OffsetDateTime::now_utc();
    let system = Actor::System { label: "test".into() };
    let (one_by_one, batched) = (database().await.unwrap(), database().await.unwrap());
    let cycle_id = Uuid::now_v7();
    let mut commands = Vec::new();
    let mut forums = Vec::new();
    for (lingkungan, titles) in
        [("12.71.01.1001.001", &["Satu", "Dua", "Tiga"][..]), ("12.71.01.1001.002", &["Empat", "Lima"][..])]
    {
        let mut ids = Vec::new();
        for title in titles {
            let mut input = proposal(cycle_id, Stage::RembukWarga, lingkungan, title, "10");
            input.track = if ids.is_empty() { "apbd".into() } else { "dana_kelurahan".into() };
            ids.push(input.proposal_id);
            commands.push(Command::Musrenbang(MusrenbangCommand::SubmitProposal(input)));
        }
        let forum = ForumKey { cycle_id, stage: Stage::RembukWarga, region: code(lingkungan) };
        ids.reverse();
        commands.push(Command::Musrenbang(MusrenbangCommand::RankForum { forum: forum.clone(), order: ids }));
        forums.push(forum);
    }
    let mut seen = Vec::new();
    for (db, together) in [(&one_by_one, false), (&batched, true)] {
        let store = &db.store;
        open_cycle(store, now, cycle_id).await;
        if together {
            store.execute_batch(&system, &commands, now).await.unwrap();
        } else {
            for command in &commands {
                store.execute(&system, command, now).await.unwrap();
            }
        }
        let mut forums_seen = Vec::new();
        for forum in &forums {
            let view = store.forum(forum).await.unwrap();
            let items: Vec<_> = view
                .items
                .iter()
                .map(|(summary, record)| (summary.id, summary.title.clone(), record.rank, record.figures.cost))
                .collect();
            forums_seen.push(items);
        }
        let pemda = code("12.71");
        let kinds: Vec<(String, String)> = store
            .journal(&pemda, None, commands.len() as u64)
            .await
            .unwrap()
            .into_iter()
            .map(|entry| (entry.kind, entry.payload))
            .collect();
        let report = store.verify_chain(&pemda).await.unwrap();
        assert!(report.valid, "{report:?}");
        seen.push((forums_seen, kinds));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[1].0[0].len(), 3);

    // A refusal in the middle of a run refuses the batch: nothing of it is written.
    let store = &batched.store;
    let pemda = code("12.71");
    let head_before = store.journal(&pemda, None, 1).await.unwrap();
    let mut wrong = proposal(cycle_id, Stage::RembukWarga, "12.71.01.1001.003", "Tujuh", "10");
    wrong.kamus_code = "TIDAK-ADA".into();
    let run: Vec<Command> = [
        proposal(cycle_id, Stage::RembukWarga, "12.71.01.1001.003", "Enam", "10"),
        wrong,
        proposal(cycle_id, Stage::RembukWarga, "12.71.01.1001.003", "Delapan", "10"),
    ]
    .into_iter()
    .map(|input| Command::Musrenbang(MusrenbangCommand::SubmitProposal(input)))
    .collect();
    let refused = store.execute_batch(&system, &run, now).await;
    let Err(StoreError::Domain(DomainError::Invalid(errors))) = &refused else { panic!("{refused:?}") };
    assert!(errors.iter().any(|e| e.field == "kamus_code"), "{errors:?}");
    assert_eq!(store.journal(&pemda, None, 1).await.unwrap(), head_before);
    let third = ForumKey { cycle_id, stage: Stage::RembukWarga, region: code("12.71.01.1001.003") };
    assert!(store.forum(&third).await.unwrap().items.is_empty());
}

/// The explorer's total is kept until the record changes, and a submission changes it: counted
/// again at once, in the same process, whatever was kept.
#[tokio::test]
async fn a_kept_total_follows_each_submission_at_once() {
    let db = database().await.unwrap();
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let cycle_id = Uuid::now_v7();
    open_cycle(store, now, cycle_id).await;
    let kepling = actor(store, "kepling.pasarbaru1").await;
    let filter = store::ProposalFilter { cycle: Some(cycle_id), ..Default::default() };
    let words = store::ProposalFilter { words: vec!["dua".into()], ..filter.clone() };
    assert_eq!(store.proposal_count_up_to(&filter, 2).await.unwrap(), Some(0));
    for (n, title) in ["Satu", "Dua", "Tiga"].into_iter().enumerate() {
        let input = proposal(cycle_id, Stage::RembukWarga, "12.71.01.1001.001", title, "100");
        store.execute(&kepling, &Command::Musrenbang(MusrenbangCommand::SubmitProposal(input)), now).await.unwrap();
        let counted = n as u64 + 1;
        // Twice each: the second from what was kept, which must be the same.
        for _ in 0..2 {
            let expected = (counted <= 2).then_some(counted);
            assert_eq!(store.proposal_count_up_to(&filter, 2).await.unwrap(), expected, "after {counted}");
            assert_eq!(store.proposal_count_up_to(&filter, 10).await.unwrap(), Some(counted), "after {counted}");
            assert_eq!(store.proposal_count_up_to(&words, 10).await.unwrap(), Some(u64::from(counted >= 2)));
        }
    }
}
