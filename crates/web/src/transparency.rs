//! The installation's transparency log as the web layer holds it: the key that signs checkpoints
//! and the round that issues them for every pemda whose journal grew.

use domain::transparency::LogKey;
use store::Store;
use store::transparency_log::StoredCheckpoint;
use time::OffsetDateTime;

/// The installation's log key; its name is the installation's, the first part of every origin.
pub struct TransparencyLog {
    key: LogKey,
}

impl std::fmt::Debug for TransparencyLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransparencyLog").field("verifier_key", &self.key.verifier_key()).finish_non_exhaustive()
    }
}

impl TransparencyLog {
    pub fn new(key: LogKey) -> Self {
        TransparencyLog { key }
    }

    pub fn installation(&self) -> &str {
        self.key.name()
    }

    /// The public key anyone checks checkpoints with.
    pub fn verifier_key(&self) -> &str {
        self.key.verifier_key()
    }

    /// Issues a checkpoint for every pemda whose journal grew since its last one. A pemda whose
    /// chain does not verify gets none, and the others still do; the failures are returned with
    /// the checkpoints for the caller to report.
    pub async fn issue_checkpoints(
        &self,
        store: &Store,
        now: OffsetDateTime,
    ) -> Result<(Vec<StoredCheckpoint>, Vec<(String, store::StoreError)>), store::StoreError> {
        let mut issued = Vec::new();
        let mut failed = Vec::new();
        for pemda in store.all_pemda().await? {
            match store.issue_checkpoints(&pemda.code, &self.key, self.key.name(), now).await {
                Ok(checkpoints) => issued.extend(checkpoints),
                Err(error) => failed.push((pemda.code.to_string(), error)),
            }
        }
        Ok((issued, failed))
    }
}
