//! The store on a real database: SQLite by default, PostgreSQL when
//! `RENCANA_TEST_DATABASE_URL` is set (`make test` runs both).

use domain::accounts::{CreateUser, GrantInput};
use domain::regions::AddLingkungan;
use domain::{AccountCommand, Actor, Command, DomainError, RegionCode, RegionCommand, RegionLevel, Rule};
use sea_orm::{ConnectionTrait, Database};
use store::StoreError;
use store::testing::database;
use time::OffsetDateTime;
use uuid::Uuid;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn system() -> Actor {
    Actor::System { label: "test".into() }
}

fn lingkungan(kelurahan: &str, number: &str, name: &str) -> Command {
    Command::Regions(RegionCommand::AddLingkungan(AddLingkungan {
        kelurahan: kelurahan.into(),
        number: number.into(),
        name: name.into(),
    }))
}

#[tokio::test]
async fn a_pemda_comes_with_its_official_tree() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let counts = db.store.region_counts(&code("12.71")).await.unwrap();
    assert_eq!((counts.kecamatan, counts.kelurahan), (21, 151));
    let kecamatan = db.store.children(&code("12.71"), None).await.unwrap();
    assert_eq!(kecamatan.len(), 21);
    assert!(kecamatan.iter().all(|r| r.level == RegionLevel::Kecamatan));
    let kelurahan = db.store.children(&code("12.71.01"), None).await.unwrap();
    assert!(!kelurahan.is_empty());
    assert!(kelurahan.iter().all(|r| r.code.parent() == Some(code("12.71.01"))));

    db.store.add_official_pemda("33.74", &system(), now).await.unwrap();
    let semarang = db.store.region_counts(&code("33.74")).await.unwrap();
    assert_eq!((semarang.kecamatan, semarang.kelurahan + semarang.desa), (16, 177));

    let again = db.store.add_official_pemda("12.71", &system(), now).await;
    assert!(matches!(
        again,
        Err(store::seed::AddPemdaError::Store(StoreError::Domain(DomainError::AlreadyExists(..))))
    ));
    assert!(matches!(
        db.store.add_official_pemda("12.99", &system(), now).await,
        Err(store::seed::AddPemdaError::Unknown(_))
    ));
    assert!(matches!(
        db.store.add_official_pemda("12.71.01", &system(), now).await,
        Err(store::seed::AddPemdaError::NotPemda(_))
    ));
    assert!(matches!(
        db.store.add_official_pemda("1271", &system(), now).await,
        Err(store::seed::AddPemdaError::Malformed(..))
    ));
    assert!(db.store.verify_chain(&code("12.71")).await.unwrap().valid);
}

#[tokio::test]
async fn region_names_kept_by_the_store_never_hide_a_region_added_later() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let (kelurahan, added) = (code("12.71.01.1001"), code("12.71.01.1001.001"));
    let asked = [kelurahan.clone(), added.clone(), kelurahan.clone()];
    let before = db.store.region_names(&asked).await.unwrap();
    assert_eq!(before.len(), 1, "the lingkungan does not exist yet: {before:?}");
    // Asked twice, the kelurahan comes from what the store kept; the lingkungan was not kept
    // as missing, and is found once added.
    db.store.execute(&system(), &lingkungan("12.71.01.1001", "1", "Lingkungan I"), now).await.unwrap();
    let after = db.store.region_names(&asked).await.unwrap();
    assert_eq!(after.get(&kelurahan), before.get(&kelurahan));
    assert_eq!(after.get(&added).map(String::as_str), Some("Lingkungan I"));
    let region = db.store.region(&added).await.unwrap().unwrap();
    assert_eq!((region.name.as_str(), region.level), ("Lingkungan I", RegionLevel::Lingkungan));
    assert_eq!(db.store.region(&code("12.71.01.1001.002")).await.unwrap(), None);
}

#[tokio::test]
async fn a_reading_session_reads_what_the_pool_reads_and_gives_its_connection_back_when_dropped() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    db.store.execute(&system(), &lingkungan("12.71.01.1001", "1", "Lingkungan I"), now).await.unwrap();
    let kelurahan = code("12.71.01.1001");
    let from_pool = db.store.children(&kelurahan, None).await.unwrap();
    assert_eq!(from_pool.len(), 1);
    // More sessions, one after another, than the pool kept for them holds connections (8): a
    // session that kept its connection once dropped would leave the later ones waiting for a
    // connection until the pool gives up.
    for n in 0..40 {
        let session = tokio::time::timeout(std::time::Duration::from_secs(10), db.store.reading())
            .await
            .unwrap_or_else(|_| panic!("session {n} waited for a connection"))
            .unwrap();
        assert_eq!(session.children(&kelurahan, None).await.unwrap(), from_pool, "session {n}");
        assert_eq!(session.lingkungan_within(&kelurahan).await.unwrap(), from_pool, "session {n}");
    }
}

#[tokio::test]
async fn reads_and_writes_go_on_while_pages_hold_every_connection_kept_for_them() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let kelurahan = code("12.71.01.1001");
    // Pages past the machine's capacity: every connection kept for sessions is held, and the
    // next page waits for one.
    let mut held = Vec::new();
    while let Ok(session) = tokio::time::timeout(std::time::Duration::from_millis(500), db.store.reading()).await {
        held.push(session.unwrap());
        assert!(held.len() < 64, "the sessions' pool never ran out");
    }
    assert!(!held.is_empty());
    // A statement read and a submission's write do not wait behind those pages.
    let patience = std::time::Duration::from_secs(10);
    let added = tokio::time::timeout(
        patience,
        db.store.execute(&system(), &lingkungan("12.71.01.1001", "1", "Lingkungan I"), now),
    )
    .await
    .expect("the write waited for a page's connection");
    assert_eq!(added.unwrap().len(), 1);
    let children = tokio::time::timeout(patience, db.store.children(&kelurahan, None))
        .await
        .expect("the read waited for a page's connection")
        .unwrap();
    assert_eq!(children.len(), 1);
    // And a page is served again as soon as one of them ends.
    held.pop();
    let session = tokio::time::timeout(patience, db.store.reading()).await.expect("no connection came back").unwrap();
    assert_eq!(session.children(&kelurahan, None).await.unwrap(), children);
}

#[tokio::test]
async fn lingkungan_and_users_are_journaled_and_refusals_write_nothing() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    db.store.execute(&system(), &lingkungan("12.71.01.1001", "1", "Lingkungan I"), now).await.unwrap();
    let refused = db.store.execute(&system(), &lingkungan("12.71.01.1001", "1", "Lagi"), now).await;
    assert!(matches!(refused, Err(StoreError::Domain(DomainError::Invalid(ref e))) if e[0].rule == Rule::Taken));
    let children = db.store.children(&code("12.71.01.1001"), None).await.unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].code, code("12.71.01.1001.001"));

    let user_id = Uuid::now_v7();
    let hash = store::passwords::hash("Kelurahan-Uji-2027").await.unwrap();
    let create = Command::Accounts(AccountCommand::CreateUser(CreateUser {
        pemda: code("12.71"),
        user_id,
        username: "op.uji".into(),
        name: "Operator Uji".into(),
        password_hash: hash,
        grants: vec![GrantInput { role: "operator_kelurahan".into(), scope: "12.71.01.1001".into() }],
    }));
    db.store.execute(&system(), &create, now).await.unwrap();
    let (user, stored_hash) = db.store.credentials("op.uji").await.unwrap().unwrap();
    assert_eq!(user.id, user_id);
    assert!(store::passwords::verify("Kelurahan-Uji-2027", &stored_hash).await);
    assert!(!store::passwords::verify("wrong-password", &stored_hash).await);

    let journal = db.store.journal(&code("12.71"), None, 10).await.unwrap();
    let kinds: Vec<&str> = journal.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["user_created", "lingkungan_added", "pemda_created"]);
    assert!(journal.iter().all(|e| !e.payload.contains("argon2")), "no password hash in the journal");

    // Disabling ends every session of the user in the same transaction.
    let token = db.store.create_token(user_id, now, now + time::Duration::hours(1)).await.unwrap();
    assert!(db.store.token_session(&token).await.unwrap().is_some());
    db.store
        .execute(&system(), &Command::Accounts(AccountCommand::SetUserDisabled { user_id, disabled: true }), now)
        .await
        .unwrap();
    assert!(db.store.token_session(&token).await.unwrap().is_none());
    assert!(db.store.user(user_id).await.unwrap().unwrap().disabled);
    assert!(db.store.verify_chain(&code("12.71")).await.unwrap().valid);
}

/// A token's session and its account are read together (one statement, every API request): the
/// account as `user` reads it, every grant in order, and nothing for a token that is not live.
#[tokio::test]
async fn a_token_brings_its_account_with_every_grant() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let user_id = Uuid::now_v7();
    let create = Command::Accounts(AccountCommand::CreateUser(CreateUser {
        pemda: code("12.71"),
        user_id,
        username: "op.dua".into(),
        name: "Operator Dua Wilayah".into(),
        password_hash: store::passwords::hash("Dua-Wilayah-2027").await.unwrap(),
        grants: vec![
            GrantInput { role: "operator_kelurahan".into(), scope: "12.71.01.1001".into() },
            GrantInput { role: "operator_kecamatan".into(), scope: "12.71.01".into() },
        ],
    }));
    db.store.execute(&system(), &create, now).await.unwrap();
    let token = db.store.create_token(user_id, now, now + time::Duration::hours(1)).await.unwrap();
    let (record, account) = db.store.token_session_and_user(&token).await.unwrap().unwrap();
    assert_eq!(
        record.data.get(store::sessions::USER_ID_KEY).and_then(|v| v.as_str()),
        Some(user_id.to_string().as_str())
    );
    let account = account.unwrap();
    assert_eq!(account.grants.len(), 2);
    assert_eq!(account, db.store.user(user_id).await.unwrap().unwrap());

    assert!(db.store.token_session_and_user("not-a-token").await.unwrap().is_none());
    let expired = db.store.create_token(user_id, now, now - time::Duration::seconds(1)).await.unwrap();
    assert!(db.store.token_session_and_user(&expired).await.unwrap().is_none());
}

#[tokio::test]
async fn verification_names_the_one_edited_event() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    for n in 1..=5 {
        db.store
            .execute(&system(), &lingkungan("12.71.01.1001", &n.to_string(), &format!("L {n}")), now)
            .await
            .unwrap();
    }
    let report = db.store.verify_chain(&code("12.71")).await.unwrap();
    assert_eq!((report.valid, report.events, report.first_broken), (true, 6, None));

    let raw = Database::connect(db.url.as_str()).await.unwrap();
    raw.execute_unprepared(
        "UPDATE journal SET payload = REPLACE(payload, 'L 3', 'L 33') WHERE pemda_code = '12.71' AND seq = 4",
    )
    .await
    .unwrap();
    let report = db.store.verify_chain(&code("12.71")).await.unwrap();
    assert_eq!((report.valid, report.first_broken), (false, Some(4)));
}

#[tokio::test]
async fn the_public_check_walks_only_what_came_since_and_keeps_a_break_reported() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    let pemda = code("12.71");
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let add = |n: u32| lingkungan("12.71.01.1001", &n.to_string(), &format!("L {n}"));
    for n in 1..=3 {
        db.store.execute(&system(), &add(n), now).await.unwrap();
    }
    // The first check walks everything; the next starts where it ended.
    let (report, after) = db.store.verify_chain_since_checkpoint(&pemda).await.unwrap();
    assert_eq!((report.valid, report.events, after), (true, 4, 0));
    for n in 4..=6 {
        db.store.execute(&system(), &add(n), now).await.unwrap();
    }
    let (report, after) = db.store.verify_chain_since_checkpoint(&pemda).await.unwrap();
    assert_eq!((report.valid, report.events, after), (true, 7, 4));

    let raw = Database::connect(db.url.as_str()).await.unwrap();
    let edit = |seq: i64| {
        format!(
            "UPDATE journal SET payload = REPLACE(payload, '\"L ', '\"M ') WHERE pemda_code = '12.71' AND seq = {seq}"
        )
    };
    // An entry written after the checkpoint and edited is caught by the next public check.
    db.store.execute(&system(), &add(7), now).await.unwrap();
    raw.execute_unprepared(&edit(8)).await.unwrap();
    let (report, after) = db.store.verify_chain_since_checkpoint(&pemda).await.unwrap();
    assert_eq!((report.valid, report.first_broken, after), (false, Some(8), 7));
    // Once found, the break stays reported, however many times anyone asks.
    let (report, _) = db.store.verify_chain_since_checkpoint(&pemda).await.unwrap();
    assert_eq!(report.first_broken, Some(8));

    // An entry before the checkpoint, edited, needs the full walk; after it, the public check
    // reports it too.
    let db2 = database().await.unwrap();
    db2.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    for n in 1..=4 {
        db2.store.execute(&system(), &add(n), now).await.unwrap();
    }
    assert!(db2.store.verify_chain_since_checkpoint(&pemda).await.unwrap().0.valid);
    let raw2 = Database::connect(db2.url.as_str()).await.unwrap();
    raw2.execute_unprepared(&edit(3)).await.unwrap();
    assert!(db2.store.verify_chain_since_checkpoint(&pemda).await.unwrap().0.valid, "trusts the checkpoint");
    assert_eq!(db2.store.verify_chain(&pemda).await.unwrap().first_broken, Some(3));
    assert_eq!(db2.store.verify_chain_since_checkpoint(&pemda).await.unwrap().0.first_broken, Some(3));

    // The checkpoint's own entry, edited, is caught without a full walk.
    let db3 = database().await.unwrap();
    db3.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    db3.store.execute(&system(), &add(1), now).await.unwrap();
    assert!(db3.store.verify_chain_since_checkpoint(&pemda).await.unwrap().0.valid);
    let raw3 = Database::connect(db3.url.as_str()).await.unwrap();
    raw3.execute_unprepared(
        "UPDATE journal SET hash = REPLACE(hash, substr(hash, 1, 1), 'x') WHERE pemda_code = '12.71' AND seq = 2",
    )
    .await
    .unwrap();
    assert_eq!(db3.store.verify_chain_since_checkpoint(&pemda).await.unwrap().0.first_broken, Some(2));
}

#[tokio::test]
async fn concurrent_writers_never_fork_the_chain() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let mut tasks = Vec::new();
    for n in 1..=40u32 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            // Every fourth writer races another for the same number: exactly one may win.
            let number = if n % 4 == 0 { n - 1 } else { n };
            let command = lingkungan("12.71.01.1001", &number.to_string(), &format!("Lingkungan {n}"));
            store.execute(&Actor::System { label: format!("w{n}") }, &command, OffsetDateTime::now_utc()).await
        }));
    }
    let mut accepted = 0;
    for task in tasks {
        if task.await.unwrap().is_ok() {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 30);
    // They waited together and were committed together, each refusal rolled back alone.
    assert!(db.store.write_groups() < 20, "{} groups for 40 writes", db.store.write_groups());
    let children = db.store.children(&code("12.71.01.1001"), None).await.unwrap();
    assert_eq!(children.len(), 30);
    let report = db.store.verify_chain(&code("12.71")).await.unwrap();
    assert!(report.valid, "{report:?}");
    assert_eq!(report.events, 31);
}

#[tokio::test]
async fn the_demo_foundation_is_medan_with_its_lingkungan_and_one_account_per_role() {
    // The whole demo, cycle included, is tested once per database in tests/demo.rs.
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    store::seed::seed_demo_foundation(&db.store, now).await.unwrap();
    let counts = db.store.region_counts(&code("12.71")).await.unwrap();
    assert!((1_800..=2_200).contains(&counts.lingkungan), "{counts:?}");
    let users = db.store.users(&code("12.71"), None).await.unwrap();
    assert_eq!(users.len(), store::seed::DEMO_USERS.len());
    assert!(db.store.verify_chain(&code("12.71")).await.unwrap().valid);
}

#[tokio::test]
async fn backup_copies_sqlite_and_explains_postgres() {
    let db = database().await.unwrap();
    db.store.add_official_pemda("12.71", &system(), OffsetDateTime::now_utc()).await.unwrap();
    // A folder of its own: opening the copy adds SQLite's -wal and -shm files beside it, and all
    // go when the folder does.
    let folder = store::testing::TempDir::new("rencana-backup").unwrap();
    let target = folder.path().join("backup.db");
    let result = db.store.backup_to(&target).await;
    match db.store.backend() {
        store::Backend::Sqlite => {
            result.unwrap();
            let copy = store::Store::open(&format!("sqlite://{}", target.display())).await.unwrap();
            assert!(copy.verify_chain(&code("12.71")).await.unwrap().valid);
            assert!(db.store.backup_to(&target).await.is_err(), "never overwrites");
            drop(copy);
        }
        store::Backend::Postgres => {
            assert!(result.unwrap_err().to_string().contains("pg_dump"));
        }
    }
}

#[tokio::test]
async fn a_deleted_session_stays_deleted_when_an_old_request_saves_it() {
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::SessionStore;
    let db = database().await.unwrap();
    let sessions = store::sessions::DbSessionStore::new(db.store.clone());
    let now = OffsetDateTime::now_utc();
    let mut record =
        Record { id: Id::default(), data: Default::default(), expiry_date: now + time::Duration::hours(1) };
    sessions.create(&mut record).await.unwrap();
    assert!(sessions.load(&record.id).await.unwrap().is_some());
    sessions.delete(&record.id).await.unwrap();
    sessions.save(&record).await.unwrap();
    assert!(sessions.load(&record.id).await.unwrap().is_none());
}

#[tokio::test]
async fn an_idempotency_key_commits_with_its_write_and_keeps_a_second_write_out() {
    use store::idempotency::{IdempotentAnswer, KEPT_SECONDS, Receipt};
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let journal = |db: &store::testing::TestDatabase| {
        let store = db.store.clone();
        async move { store.verify_chain(&code("12.71")).await.unwrap().events }
    };

    // A refused write leaves no key.
    let refused = Receipt::new("scope", "key", "first")
        .around(db.store.execute(&system(), &lingkungan("12.71.01.9999", "1", "Tidak Ada"), now))
        .await;
    assert!(refused.is_err());
    assert!(db.store.idempotent_answer("scope", "key", now).await.unwrap().is_none());

    // The write and its key commit together; the answer is not there yet.
    let receipt = Receipt::new("scope", "key", "first");
    receipt
        .clone()
        .around(db.store.execute(&system(), &lingkungan("12.71.01.1001", "1", "Lingkungan I"), now))
        .await
        .unwrap();
    let kept = db.store.idempotent_answer("scope", "key", now).await.unwrap().unwrap();
    assert_eq!((kept.fingerprint.as_str(), kept.answer), ("first", None));
    let events = journal(&db).await;

    // A second request under the key, from a process that did not see the first (its check came
    // before the first committed), is refused inside its transaction and writes nothing.
    let second = Receipt::new("scope", "key", "first")
        .around(db.store.execute(&system(), &lingkungan("12.71.01.1001", "2", "Lingkungan II"), now))
        .await;
    assert!(matches!(second, Err(StoreError::Conflict { field: Some("idempotency_key") })), "{second:?}");
    assert_eq!(db.store.children(&code("12.71.01.1001"), None).await.unwrap().len(), 1);
    assert_eq!(journal(&db).await, events);

    // One request's later writes do not trip over the key its first write left.
    let receipt = Receipt::new("scope", "several", "one request");
    let both = receipt.around(async {
        db.store.execute(&system(), &lingkungan("12.71.01.1001", "3", "Lingkungan III"), now).await?;
        db.store.execute(&system(), &lingkungan("12.71.01.1001", "4", "Lingkungan IV"), now).await
    });
    both.await.unwrap();

    // The answer is kept beside the receipt, but never over another request's key.
    let answer = IdempotentAnswer { status: 201, content_type: "application/json".into(), body: b"{}".to_vec() };
    db.store.keep_idempotent_answer("scope", "key", "another", &answer, now).await.unwrap();
    assert_eq!(db.store.idempotent_answer("scope", "key", now).await.unwrap().unwrap().answer, None);
    db.store.keep_idempotent_answer("scope", "key", "first", &answer, now).await.unwrap();
    assert_eq!(db.store.idempotent_answer("scope", "key", now).await.unwrap().unwrap().answer, Some(answer));

    // After a day the key is free again.
    let later = now + time::Duration::seconds(KEPT_SECONDS + 1);
    assert!(db.store.idempotent_answer("scope", "key", later).await.unwrap().is_none());
    Receipt::new("scope", "key", "fresh")
        .around(db.store.execute(&system(), &lingkungan("12.71.01.1001", "5", "Lingkungan V"), later))
        .await
        .unwrap();
    assert_eq!(db.store.idempotent_answer("scope", "key", later).await.unwrap().unwrap().fingerprint, "fresh");
}

/// The record's version is read once a second at most while this process writes nothing (it
/// reads a row per pemda), and anew after each of its own commits.
#[tokio::test]
async fn the_record_version_is_kept_a_second_and_forgotten_at_each_commit() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    db.store.add_official_pemda("12.71", &system(), now).await.unwrap();
    let first = db.store.record_version().await.unwrap();
    // Another server's write to the same database: not seen while the version is kept.
    db.tamper("UPDATE chain_head SET seq = seq + 1000").await.unwrap();
    assert_eq!(db.store.record_version().await.unwrap(), first);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let later = db.store.record_version().await.unwrap();
    assert_ne!(later, first, "seen once the second is over");
    db.tamper("UPDATE chain_head SET seq = seq - 1000").await.unwrap();
    // This process's own commit: seen at once.
    db.store.execute(&system(), &lingkungan("12.71.01.1001", "1", "Lingkungan I"), now).await.unwrap();
    let after_commit = db.store.record_version().await.unwrap();
    assert_ne!(after_commit, later);
    assert_eq!(after_commit.0, first.0 + 1, "one more event than at first");
}
