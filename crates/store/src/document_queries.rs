//! The record of prints: recording one (once per distinct file) and finding one by its hash or
//! its printed code.

use domain::documents::{DocumentCommand, RecordDocument};
use domain::{Actor, Command};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use crate::entity::document;
use crate::{Result, Store, StoreError};

pub use crate::entity::document::Model as StoredDocument;

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
}
