//! The record of prints: recording one (once per distinct file) and finding one by its hash or
//! its printed code; the scans of signed berita acara, kept under their forum.

use domain::documents::{AttachScan, DocumentCommand, RecordDocument, ScanOf};
use domain::{Actor, Command};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use crate::attachments::Shelf;
use crate::entity::{document, scan};
use crate::{Result, Store, StoreError};

pub use crate::entity::document::Model as StoredDocument;
pub use crate::entity::scan::Model as StoredScan;

impl<R: crate::Reads> Store<R> {
    /// The print whose bytes hash to `sha256` (lowercase hex).
    pub async fn document(&self, sha256: &str) -> Result<Option<StoredDocument>> {
        Ok(document::Entity::find_by_id(sha256.to_string()).one(&self.read).await?)
    }

    /// The prints recorded under a printed code, oldest first (one, unless the typesetter
    /// changed between prints of the same content).
    pub async fn documents_with_code(&self, code: &str) -> Result<Vec<StoredDocument>> {
        Ok(document::Entity::find()
            .filter(document::Column::Code.eq(code))
            .order_by_asc(document::Column::Seq)
            .all(&self.read)
            .await?)
    }

    /// The scan whose bytes hash to `sha256`.
    pub async fn scan(&self, sha256: &str) -> Result<Option<StoredScan>> {
        Ok(scan::Entity::find_by_id(sha256.to_string()).one(&self.read).await?)
    }

    /// The scans of one forum of a cycle, oldest first.
    pub async fn scans_of(&self, of: &ScanOf) -> Result<Vec<StoredScan>> {
        Ok(scan::Entity::find()
            .filter(scan::Column::CycleId.eq(of.cycle_id()))
            .filter(scan::Column::Forum.eq(of.forum()))
            .order_by_asc(scan::Column::Seq)
            .all(&self.read)
            .await?)
    }

    /// A scan's record and bytes.
    pub async fn scan_bytes(&self, sha256: &str) -> Result<Option<(StoredScan, bytes::Bytes)>> {
        let Some(record) = self.scan(sha256).await? else { return Ok(None) };
        let Some(attachments) = self.attachments.as_ref() else { return Ok(None) };
        Ok(attachments.get(Shelf::Scans, sha256).await?.map(|bytes| (record, bytes)))
    }
}

/// The writes of this module, on the pool's store only (see [`crate::Reads`]).
impl Store {
    /// Records a print unless a print with these bytes is already recorded, and answers the
    /// record either way: printing the same list twice journals it once.
    pub async fn record_document(
        &self,
        actor: &Actor,
        record: RecordDocument,
        now: OffsetDateTime,
    ) -> Result<StoredDocument> {
        if let Some(known) = self.document(&record.sha256).await? {
            return Ok(known);
        }
        let sha256 = record.sha256.clone();
        match self.execute(actor, &Command::Documents(DocumentCommand::Record(record)), now).await {
            // Two readers printed the same document at once: the other one's record stands.
            Ok(_) | Err(StoreError::Conflict { .. }) => {}
            Err(error) => return Err(error),
        }
        self.document(&sha256).await?.ok_or_else(|| StoreError::Corrupt(format!("document {sha256} not recorded")))
    }

    /// Keeps a scan of a forum's signed berita acara byte for byte and records its hash. The
    /// same file uploaded again to the same forum answers its record; to another forum, it is
    /// refused (one paper, one forum).
    pub async fn attach_scan(
        &self,
        actor: &Actor,
        of: ScanOf,
        bytes: bytes::Bytes,
        now: OffsetDateTime,
    ) -> Result<StoredScan> {
        let attachments = self
            .attachments
            .as_ref()
            .ok_or_else(|| StoreError::Attachment("no attachment storage configured".into()))?;
        let content_type =
            crate::attachments::check_scan(&bytes).map_err(|rule| domain::DomainError::field("scan", rule))?;
        let size = bytes.len() as u64;
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        if let Some(known) = self.scan(&sha256).await? {
            if known.cycle_id == of.cycle_id() && known.forum == of.forum() {
                return Ok(known);
            }
            return Err(domain::DomainError::field("scan", domain::Rule::Taken).into());
        }
        // Stored before the record: a refused command leaves an unreferenced file, never a
        // record without its file.
        attachments.put(Shelf::Scans, bytes).await?;
        let command = Command::Documents(DocumentCommand::AttachScan(AttachScan {
            of,
            sha256: sha256.clone(),
            content_type: content_type.to_string(),
            bytes: size,
        }));
        match self.execute(actor, &command, now).await {
            Ok(_) | Err(StoreError::Conflict { .. }) => {}
            Err(error) => return Err(error),
        }
        self.scan(&sha256).await?.ok_or_else(|| StoreError::Corrupt(format!("scan {sha256} not recorded")))
    }
}
