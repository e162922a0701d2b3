//! Files kept with the record (photos now; documents later), through `object_store`: local disk
//! by default, S3-compatible storage when a region scales out. Each file is stored under the
//! SHA-256 of its bytes, so the journal's record of the hash proves which bytes were attached and
//! the same photo uploaded twice is kept once.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

#[derive(Debug, Clone)]
pub struct Attachments {
    inner: Arc<dyn ObjectStore>,
}

fn storage_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Attachment(error.to_string())
}

fn object_path(sha256: &str) -> ObjectPath {
    ObjectPath::from(format!("photos/{}/{}", &sha256[..2.min(sha256.len())], sha256))
}

impl Attachments {
    /// Files under a directory on this machine (created when missing).
    pub fn local(dir: &Path) -> Result<Attachments> {
        std::fs::create_dir_all(dir).map_err(storage_error)?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(storage_error)?;
        Ok(Attachments { inner: Arc::new(store) })
    }

    /// Files in memory, for tests.
    pub fn memory() -> Attachments {
        Attachments { inner: Arc::new(object_store::memory::InMemory::new()) }
    }

    /// Stores `bytes` and returns their SHA-256 (hex).
    pub async fn put(&self, bytes: Bytes) -> Result<String> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        self.inner.put(&object_path(&sha256), PutPayload::from(bytes)).await.map_err(storage_error)?;
        Ok(sha256)
    }

    /// The bytes stored under `sha256`, if any.
    pub async fn get(&self, sha256: &str) -> Result<Option<Bytes>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        match self.inner.get(&object_path(sha256)).await {
            Ok(result) => Ok(Some(result.bytes().await.map_err(storage_error)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(other) => Err(storage_error(other)),
        }
    }
}
