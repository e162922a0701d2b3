//! `rencana restore`: a backup comes back as it was written, checked first; what it replaces is
//! kept; a file that is not a backup, or one whose journal was edited, is refused and nothing
//! changes.

use domain::{Actor, RegionCode};
use rencana::restore::Options;
use store::Store;
use store::testing::TempDir;
use time::OffsetDateTime;

fn scratch() -> TempDir {
    TempDir::new("rencana-restore").unwrap()
}

#[tokio::test]
async fn a_backup_comes_back_whole_and_what_it_replaces_is_kept() {
    let now = OffsetDateTime::now_utc();
    let scratch = scratch();
    let folder = |name: &str| scratch.folder(name).unwrap();
    let live = folder("live");
    let store = Store::open(&Store::sqlite_url(&live)).await.unwrap();
    store::seed::seed_demo_foundation(&store, now).await.unwrap();
    let medan = RegionCode::parse("12.71").unwrap();
    let backed_up = store.verify_chain(&medan).await.unwrap().events;
    let backup = folder("backups").join("rencana-backup.db");
    store.backup_to(&backup).await.unwrap();
    // Later writes, which the restore takes back to the backup's state.
    store.add_official_pemda("33.74", &Actor::System { label: "test".into() }, now).await.unwrap();
    store.close().await.unwrap();

    // Over a database that is there: only when asked, and the old one is kept.
    let refused = rencana::restore::restore(&backup, &live, Options::default(), now).await.unwrap_err();
    assert!(refused.to_string().contains("--replace"), "{refused}");
    let restored =
        rencana::restore::restore(&backup, &live, Options { replace: true, ..Options::default() }, now).await.unwrap();
    assert_eq!(restored.pemda, vec![("12.71".to_string(), backed_up)]);
    let kept = restored.kept.unwrap();
    assert!(kept.exists());

    let back = Store::open(&Store::sqlite_url(&live)).await.unwrap();
    assert_eq!(back.all_pemda().await.unwrap().len(), 1);
    assert!(back.verify_chain(&medan).await.unwrap().valid);
    let old = Store::open(&format!("sqlite://{}", kept.display())).await.unwrap();
    assert_eq!(old.all_pemda().await.unwrap().len(), 2, "the replaced database is intact");

    // Into a new data directory, no flag needed.
    let fresh = folder("fresh");
    let into_new = rencana::restore::restore(&backup, &fresh, Options::default(), now).await.unwrap();
    assert!(into_new.kept.is_none());
}

#[tokio::test]
async fn a_file_that_is_not_a_good_backup_changes_nothing() {
    let now = OffsetDateTime::now_utc();
    let scratch = scratch();
    let folder = |name: &str| scratch.folder(name).unwrap();
    let dir = folder("bad");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "not a database").unwrap();
    let target = folder("target");
    let refused = rencana::restore::restore(&text, &target, Options::default(), now).await.unwrap_err();
    assert!(refused.to_string().contains("not a Rencana backup"), "{refused}");
    assert!(!target.join("rencana.db").exists());

    // A backup whose journal was edited after it was written.
    let source = folder("source");
    let store = Store::open(&Store::sqlite_url(&source)).await.unwrap();
    store.add_official_pemda("12.71", &Actor::System { label: "test".into() }, now).await.unwrap();
    let backup = dir.join("edited.db");
    store.backup_to(&backup).await.unwrap();
    store.close().await.unwrap();
    let raw = sea_orm::Database::connect(format!("sqlite://{}", backup.display())).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(&raw, "UPDATE journal SET payload = payload || ' ' WHERE seq = 1")
        .await
        .unwrap();
    raw.close().await.unwrap();
    let refused = rencana::restore::restore(&backup, &target, Options::default(), now).await.unwrap_err();
    assert!(refused.to_string().contains("broken at entry 1"), "{refused}");
    assert!(!target.join("rencana.db").exists());
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0, "nothing left behind");
}

/// The photos and scans travel with the backup in its folder, come back byte for byte, and a
/// folder whose file was changed, or that holds something else, restores nothing.
#[tokio::test]
async fn the_photos_and_scans_come_back_with_the_backup_each_checked() {
    use axum::body::Bytes;
    use store::attachments::{Attachments, Shelf};
    let now = OffsetDateTime::now_utc();
    let scratch = scratch();
    let folder = |name: &str| scratch.folder(name).unwrap();
    let live = folder("att-live");
    let store = Store::open(&Store::sqlite_url(&live)).await.unwrap();
    store::seed::seed_demo_foundation(&store, now).await.unwrap();
    let shelf = Attachments::local(&live.join("attachments")).unwrap();
    let scan_bytes = Bytes::from_static(b"%PDF-1.7\n1 0 obj <<>> endobj\nstartxref\n9\n%%EOF\n");
    let scan = shelf.put(Shelf::Scans, scan_bytes.clone()).await.unwrap();
    let photo = shelf.put(Shelf::Photos, Bytes::from(store::testing::png(3, 2))).await.unwrap();
    let backup = folder("att-backups").join("rencana-backup.db");
    let written = rencana::backup::backup(&store, &live, &backup).await.unwrap();
    assert_eq!(written.files, 2);
    assert_eq!(written.attachments, rencana::backup::attachments_beside(&backup));
    let again = rencana::backup::backup(&store, &live, &backup).await.unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
    store.close().await.unwrap();

    let fresh = folder("att-fresh");
    let restored = rencana::restore::restore(&backup, &fresh, Options::default(), now).await.unwrap();
    assert_eq!(restored.attachments, Some(2));
    let back = Attachments::local(&fresh.join("attachments")).unwrap();
    assert_eq!(back.get(Shelf::Scans, &scan).await.unwrap().unwrap(), scan_bytes);
    assert!(back.get(Shelf::Photos, &photo).await.unwrap().is_some());

    // One byte of the scan changed in the backup's folder: refused, nothing put in place.
    let kept_scan = written.attachments.join("scans").join(&scan[..2]).join(&scan);
    let mut changed = std::fs::read(&kept_scan).unwrap();
    changed[0] ^= 1;
    std::fs::write(&kept_scan, &changed).unwrap();
    let other = folder("att-other");
    let refused = rencana::restore::restore(&backup, &other, Options::default(), now).await.unwrap_err();
    assert!(refused.to_string().contains("SHA-256"), "{refused}");
    assert!(!other.join("rencana.db").exists(), "no database put in place");
    assert!(!other.join("attachments").exists(), "no file put in place");
    std::fs::write(&kept_scan, scan_bytes.as_ref()).unwrap();

    // A stray file in the folder is not an attachment.
    std::fs::write(written.attachments.join("scans").join("notes.txt"), "?").unwrap();
    let refused = rencana::restore::restore(&backup, &other, Options::default(), now).await.unwrap_err();
    assert!(refused.to_string().contains("not a Rencana attachment"), "{refused}");
    assert!(!other.join("rencana.db").exists());
}

/// A record that names a photo which neither the backup's folder nor the data directory holds
/// is refused, naming it, unless the operator accepts its loss.
#[tokio::test]
async fn every_photo_the_record_names_comes_back_or_its_loss_is_accepted() {
    use axum::body::Bytes;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    use store::attachments::{Attachments, Shelf};
    let now = OffsetDateTime::now_utc();
    let scratch = scratch();
    let folder = |name: &str| scratch.folder(name).unwrap();
    let live = folder("miss-live");
    let store = Store::open(&Store::sqlite_url(&live)).await.unwrap();
    store::seed::seed_demo_foundation(&store, now).await.unwrap();
    let shelf = Attachments::local(&live.join("attachments")).unwrap();
    let photo = shelf.put(Shelf::Photos, Bytes::from(store::testing::png(3, 2))).await.unwrap();
    let backup = folder("miss-backups").join("rencana-backup.db");
    let written = rencana::backup::backup(&store, &live, &backup).await.unwrap();
    store.close().await.unwrap();
    // The backup's record names the photo, as a proposal's photo row does, and its folder has
    // lost the file.
    let raw = sea_orm::Database::connect(format!("sqlite://{}", backup.display())).await.unwrap();
    store::entity::photo::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        proposal_id: Set(uuid::Uuid::now_v7()),
        sha256: Set(photo.clone()),
        content_type: Set("image/png".into()),
        size: Set(10),
        created_at: Set(now),
    }
    .insert(&raw)
    .await
    .unwrap();
    raw.close().await.unwrap();
    let lost = written.attachments.join(Shelf::Photos.place(&photo));
    let bytes = std::fs::read(&lost).unwrap();
    std::fs::remove_file(&lost).unwrap();

    let target = folder("miss-target");
    let refused = rencana::restore::restore(&backup, &target, Options::default(), now).await.unwrap_err();
    let message = refused.to_string();
    assert!(
        message.contains("1 of its 1 photos and scans") && message.contains(&Shelf::Photos.place(&photo)),
        "{message}"
    );
    assert!(message.contains("--accept-missing-attachments"), "{message}");
    assert!(!target.join("rencana.db").exists(), "nothing put in place");

    // Accepted: restored, and the loss counted.
    let accepted = Options { accept_missing_attachments: true, ..Options::default() };
    let restored = rencana::restore::restore(&backup, &target, accepted, now).await.unwrap();
    assert_eq!(restored.missing_attachments, 1);

    // A file already in the data directory counts as there.
    let elsewhere = folder("miss-elsewhere");
    let place = elsewhere.join("attachments").join(Shelf::Photos.place(&photo));
    std::fs::create_dir_all(place.parent().unwrap()).unwrap();
    std::fs::write(&place, bytes).unwrap();
    let restored = rencana::restore::restore(&backup, &elsewhere, Options::default(), now).await.unwrap();
    assert_eq!(restored.missing_attachments, 0);
}
