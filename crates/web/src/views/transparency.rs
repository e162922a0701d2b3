//! The transparency log as pages and the API read it: parameters checked with their field's
//! name, checkpoints, proofs. One place for both, so they answer alike.

use domain::transparency::{self, Hash, TreeRead};
use domain::{RegionCode, Rule};
use store::transparency_log::StoredCheckpoint;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The pemda a log request names, which must exist.
pub async fn pemda(state: &AppState, text: Option<&str>) -> AppResult<RegionCode> {
    let text = text.unwrap_or_default().trim();
    if text.is_empty() {
        return Err(AppError::invalid("pemda", Rule::Required));
    }
    let code = RegionCode::parse(text).map_err(|e| AppError::invalid("pemda", e.into()))?;
    state.store.pemda(&code).await?.ok_or(AppError::NotFound)?;
    Ok(code)
}

/// A count or position from a query: a whole number from 1.
pub fn whole(field: &'static str, text: Option<&str>) -> AppResult<Option<i64>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let value: i64 = text.parse().map_err(|_| AppError::invalid(field, Rule::Format { expected: "whole_number" }))?;
    if value < 1 {
        return Err(AppError::invalid(field, Rule::TooSmall));
    }
    Ok(Some(value))
}

/// The latest checkpoint, which bounds every proof: the tree is grown only as far as it.
pub async fn latest(state: &AppState, pemda: &RegionCode) -> AppResult<StoredCheckpoint> {
    state.store.latest_checkpoint(pemda).await?.ok_or(AppError::NotFound)
}

/// An inclusion proof of entry `seq` in the tree of `size` (default: the latest checkpoint's).
pub struct Inclusion {
    pub tree_size: i64,
    pub leaf_index: i64,
    pub hashes: Vec<Hash>,
    pub root: Hash,
    /// The checkpoint of exactly this size, when there is one.
    pub checkpoint: Option<StoredCheckpoint>,
}

/// Entry `seq`'s inclusion in the latest checkpoint, checked here against `entry_hash`, once a
/// checkpoint covers it.
pub async fn checked_inclusion(
    state: &AppState,
    pemda: &RegionCode,
    seq: i64,
    entry_hash: &str,
) -> AppResult<Option<(Inclusion, bool)>> {
    match state.store.latest_checkpoint(pemda).await? {
        Some(latest) if latest.size >= seq => {
            let size = latest.size;
            let inclusion = inclusion_within(state, pemda, seq, size, latest).await?;
            let leaf = transparency::leaf_hash(entry_hash).map_err(AppError::internal)?;
            let verified = transparency::verify_inclusion(
                inclusion.tree_size as u64,
                inclusion.leaf_index as u64,
                leaf,
                &inclusion.hashes,
                inclusion.root,
            );
            Ok(Some((inclusion, verified)))
        }
        _ => Ok(None),
    }
}

pub async fn inclusion(state: &AppState, pemda: &RegionCode, seq: i64, size: Option<i64>) -> AppResult<Inclusion> {
    let latest = latest(state, pemda).await?;
    let size = size.unwrap_or(latest.size);
    if size > latest.size {
        return Err(AppError::invalid("size", Rule::AboveMax { max: latest.size }));
    }
    inclusion_within(state, pemda, seq, size, latest).await
}

/// The proof in the tree of `size`, which `latest` (the latest checkpoint, read by the caller)
/// bounds.
async fn inclusion_within(
    state: &AppState,
    pemda: &RegionCode,
    seq: i64,
    size: i64,
    latest: StoredCheckpoint,
) -> AppResult<Inclusion> {
    if seq > size {
        return Err(AppError::invalid("seq", Rule::AboveMax { max: size }));
    }
    let read = TreeRead::Inclusion { size: size as u64, index: (seq - 1) as u64 };
    let hashes = state.store.tree_read(pemda, read).await?;
    let checkpoint = if size == latest.size { Some(latest) } else { state.store.checkpoint_at(pemda, size).await? };
    let root = match checkpoint.as_ref().and_then(root_of) {
        Some(root) => root,
        None => {
            let mut root = state.store.tree_read(pemda, TreeRead::Root { size: size as u64 }).await?;
            root.pop().ok_or_else(|| AppError::internal(transparency::LogError::Tree))?
        }
    };
    Ok(Inclusion { tree_size: size, leaf_index: seq - 1, hashes, root, checkpoint })
}

pub async fn consistency(
    state: &AppState,
    pemda: &RegionCode,
    from: i64,
    to: Option<i64>,
) -> AppResult<(i64, Vec<Hash>)> {
    let latest = latest(state, pemda).await?;
    let to = to.unwrap_or(latest.size);
    if to > latest.size {
        return Err(AppError::invalid("to", Rule::AboveMax { max: latest.size }));
    }
    if from > to {
        return Err(AppError::invalid("from", Rule::AboveMax { max: to }));
    }
    let hashes = state.store.tree_read(pemda, TreeRead::Consistency { from: from as u64, to: to as u64 }).await?;
    Ok((to, hashes))
}

/// The root of a stored checkpoint, read back from its hex.
pub fn root_of(checkpoint: &StoredCheckpoint) -> Option<Hash> {
    transparency::hash_from_hex(&checkpoint.root)
}
