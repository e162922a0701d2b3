//! The public check of a pemda's journal chain.

use axum::Json;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use domain::RegionCode;
use domain::journal::ChainReport;
use domain::transparency;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Problem;
use crate::chain_check::{ChainCheck, check_chain};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::transparency as log;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify))
        .routes(routes!(log_info))
        .routes(routes!(checkpoints))
        .routes(routes!(latest_note))
        .routes(routes!(inclusion))
        .routes(routes!(consistency))
        .routes(routes!(cosign))
}

#[derive(Deserialize, IntoParams)]
struct PemdaParam {
    /// The pemda's code, e.g. 12.71.
    #[param(value_type = super::schema::RegionCode, inline)]
    pemda: Option<String>,
    /// Walk the whole chain from its first entry (auditors and Bappeda); otherwise only what
    /// was added since the last check.
    #[serde(default)]
    full: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Verification {
    valid: bool,
    /// How many events the chain holds.
    events: i64,
    /// The hash of the last event (hex SHA-256).
    head: String,
    /// The sequence number of the first event that does not verify, if any.
    first_broken: Option<i64>,
    /// The events up to this one had been verified by an earlier check: this one walked only
    /// those after it (0: the whole chain was walked).
    checked_after: i64,
    /// Whether the whole chain was walked now.
    full: bool,
    /// The signed checkpoint the check started from (`checked_after` is its size).
    checkpoint_root_hash: Option<String>,
    checkpoint_issued_at: Option<String>,
}

impl From<ChainCheck> for Verification {
    fn from(check: ChainCheck) -> Self {
        let ChainReport { valid, events, head, first_broken } = check.report;
        Verification {
            valid,
            events,
            head,
            first_broken,
            checked_after: check.checked_after,
            full: check.full,
            checkpoint_root_hash: check.checkpoint.as_ref().map(|c| c.root.clone()),
            checkpoint_issued_at: check.checkpoint.map(|c| c.issued_at),
        }
    }
}

/// Checks a pemda's hash-chained journal: from the latest signed checkpoint (its entry must still
/// be its tree's last leaf, its stored tree must give its root) on, or (with `full`, for those
/// who may read the audit trail) the whole chain. Public: anyone may check that
/// the record was not quietly rewritten; anonymous checks beyond a few at once are told to retry.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security((), ("bearer" = [])), params(PemdaParam),
    responses((status = 200, body = Verification), (status = 403, body = Problem, description = "`full` without the audit trail's permission."),
        (status = 404, body = Problem, description = "No such pemda."), (status = 503, body = Problem, description = "Too many anonymous checks at once.")))]
async fn verify(ctx: ApiCtx, Query(param): Query<PemdaParam>) -> AppResult<Json<Verification>> {
    let text = param.pemda.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(AppError::invalid("pemda", domain::Rule::Required));
    }
    let code = RegionCode::parse(&text).map_err(|e| AppError::invalid("pemda", e.into()))?;
    if ctx.state.store.pemda(&code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(Json(check_chain(&ctx.state, &ctx.actor(), &code, param.full).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct WitnessJson {
    name: String,
    /// The witness's public key (`name+id+base64`, signed-note type 0x04: cosignature/v1).
    verifier_key: String,
}

#[derive(Serialize, ToSchema)]
pub struct LogInfo {
    /// The installation's name: the first part of every checkpoint's origin line.
    installation: String,
    /// The public key that signs every checkpoint (`name+id+base64`, Ed25519, C2SP signed-note).
    verifier_key: String,
    /// The witnesses whose cosignatures this installation accepts and shows.
    witnesses: Vec<WitnessJson>,
    /// One log per pemda, with its latest checkpoint's size (0 before the first).
    logs: Vec<LogJson>,
}

#[derive(Serialize, ToSchema)]
pub struct LogJson {
    pemda: String,
    origin: String,
    tree_size: i64,
}

/// The transparency log's public key and witnesses: what anyone needs to check a checkpoint.
/// Public.
#[utoipa::path(get, path = "/api/v1/audit/log", tag = "audit", security(()),
    responses((status = 200, body = LogInfo)))]
async fn log_info(ctx: ApiCtx) -> AppResult<Json<LogInfo>> {
    let store = &ctx.state.store;
    let witnesses = store.witnesses().await?;
    let log = &ctx.state.config.log;
    let mut logs = Vec::new();
    for pemda in store.all_pemda().await? {
        let tree_size = store.latest_checkpoint(&pemda.code).await?.map_or(0, |c| c.size);
        let origin = transparency::origin(log.installation(), pemda.code.as_str());
        logs.push(LogJson { pemda: pemda.code.to_string(), origin, tree_size });
    }
    Ok(Json(LogInfo {
        installation: log.installation().to_string(),
        verifier_key: log.verifier_key().to_string(),
        witnesses: witnesses.into_iter().map(|w| WitnessJson { name: w.name, verifier_key: w.verifier_key }).collect(),
        logs,
    }))
}

#[derive(Deserialize, IntoParams)]
struct CheckpointsQuery {
    /// The pemda's code, e.g. 12.71.
    #[param(value_type = super::schema::RegionCode, inline)]
    pemda: Option<String>,
    /// Only checkpoints of smaller trees: the `next_before` of the previous answer.
    #[param(value_type = Option<i64>, minimum = 1)]
    before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CosignatureJson {
    witness: String,
    /// When the witness signed, Unix seconds.
    signed_at: i64,
    /// The signature line, as it stands in the cosigned note.
    line: String,
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointJson {
    pemda: String,
    /// The note's first line: the installation and the pemda.
    origin: String,
    tree_size: i64,
    /// The tree's root, hex SHA-256 (the note holds it in base64).
    root_hash: String,
    /// RFC 3339, UTC.
    issued_at: String,
    /// The checkpoint as issued: a C2SP signed note (origin, size, base64 root, blank line, the
    /// log's signature line).
    note: String,
    /// The same note with each witness's cosignature line after the log's.
    cosigned_note: String,
    cosignatures: Vec<CosignatureJson>,
}

impl From<store::transparency_log::StoredCheckpoint> for CheckpointJson {
    fn from(c: store::transparency_log::StoredCheckpoint) -> Self {
        let origin = c.note.lines().next().unwrap_or_default().to_string();
        CheckpointJson {
            cosigned_note: c.cosigned_note(),
            pemda: c.pemda,
            origin,
            tree_size: c.size,
            root_hash: c.root,
            issued_at: c.issued_at,
            note: c.note,
            cosignatures: c
                .cosignatures
                .into_iter()
                .map(|s| CosignatureJson { witness: s.witness, signed_at: s.signed_at, line: s.line })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointList {
    /// The key every checkpoint here is signed with.
    verifier_key: String,
    /// Newest first.
    checkpoints: Vec<CheckpointJson>,
    /// Ask again with `before` set to this for older ones; null at the first.
    next_before: Option<i64>,
}

const CHECKPOINTS_PAGE: u64 = 50;

/// A pemda's signed checkpoints, newest first, 50 at a time, each as its signed-note text beside
/// its parsed fields and the witnesses' cosignatures. Public.
#[utoipa::path(get, path = "/api/v1/audit/checkpoints", tag = "audit", security(()), params(CheckpointsQuery),
    responses((status = 200, body = CheckpointList), (status = 404, body = Problem, description = "No such pemda.")))]
async fn checkpoints(ctx: ApiCtx, Query(query): Query<CheckpointsQuery>) -> AppResult<Json<CheckpointList>> {
    let pemda = log::pemda(&ctx.state, query.pemda.as_deref()).await?;
    let before = log::whole("before", query.before.as_deref())?;
    let list = ctx.state.store.checkpoints(&pemda, before, CHECKPOINTS_PAGE).await?;
    let next_before = (list.len() as u64 == CHECKPOINTS_PAGE).then(|| list.last().map(|c| c.size)).flatten();
    Ok(Json(CheckpointList {
        verifier_key: ctx.state.config.log.verifier_key().to_string(),
        checkpoints: list.into_iter().map(CheckpointJson::from).collect(),
        next_before,
    }))
}

#[derive(Deserialize, IntoParams)]
struct LatestQuery {
    /// The pemda's code, e.g. 12.71.
    #[param(value_type = super::schema::RegionCode, inline)]
    pemda: Option<String>,
}

/// The pemda's latest checkpoint as plain signed-note text with its cosignatures, as witnesses
/// and transparency-log tools fetch it. Public.
#[utoipa::path(get, path = "/api/v1/audit/checkpoint", tag = "audit", security(()), params(LatestQuery),
    responses((status = 200, content_type = "text/plain", body = String, description = "The signed note."),
        (status = 404, body = Problem, description = "No such pemda, or no checkpoint yet.")))]
async fn latest_note(ctx: ApiCtx, Query(query): Query<LatestQuery>) -> AppResult<impl IntoResponse> {
    let pemda = log::pemda(&ctx.state, query.pemda.as_deref()).await?;
    let latest = log::latest(&ctx.state, &pemda).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        latest.cosigned_note(),
    ))
}

#[derive(Deserialize, IntoParams)]
struct InclusionQuery {
    #[param(value_type = super::schema::RegionCode, inline)]
    pemda: Option<String>,
    /// The journal entry's sequence number (from 1).
    #[param(value_type = i64, minimum = 1)]
    seq: Option<String>,
    /// The tree size to prove against: a checkpoint's; default the latest.
    #[param(value_type = Option<i64>, minimum = 1)]
    size: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InclusionProof {
    tree_size: i64,
    /// `seq` − 1.
    leaf_index: i64,
    /// The audit path, leaf to root, hex SHA-256 (RFC 9162 §2.1.3). The leaf is
    /// SHA-256(0x00 ‖ the entry's 32 hash bytes).
    hashes: Vec<String>,
    /// The entry's own hash (hex), which the leaf is made from.
    entry_hash: String,
    /// The root the path leads to, hex.
    root_hash: String,
    /// The checkpoint of this tree size that signs the root (with its cosignatures), when the
    /// size is a checkpoint's.
    checkpoint: Option<String>,
}

/// The proof that a journal entry is in the tree of a checkpoint: verify it with any RFC 9162
/// implementation, or by hand. Public.
#[utoipa::path(get, path = "/api/v1/audit/proof/inclusion", tag = "audit", security(()), params(InclusionQuery),
    responses((status = 200, body = InclusionProof), (status = 404, body = Problem, description = "No such pemda, entry or checkpoint."),
        (status = 422, body = Problem, description = "A size beyond the latest checkpoint, or an entry beyond the size.")))]
async fn inclusion(ctx: ApiCtx, Query(query): Query<InclusionQuery>) -> AppResult<Json<InclusionProof>> {
    let pemda = log::pemda(&ctx.state, query.pemda.as_deref()).await?;
    let seq =
        log::whole("seq", query.seq.as_deref())?.ok_or_else(|| AppError::invalid("seq", domain::Rule::Required))?;
    let size = log::whole("size", query.size.as_deref())?;
    let entry = ctx.state.store.journal_entry(&pemda, seq).await?.ok_or(AppError::NotFound)?;
    let proof = log::inclusion(&ctx.state, &pemda, seq, size).await?;
    Ok(Json(InclusionProof {
        tree_size: proof.tree_size,
        leaf_index: proof.leaf_index,
        hashes: proof.hashes.iter().map(transparency::hash_hex).collect(),
        entry_hash: entry.hash,
        root_hash: transparency::hash_hex(&proof.root),
        checkpoint: proof.checkpoint.map(|c| c.cosigned_note()),
    }))
}

#[derive(Deserialize, IntoParams)]
struct ConsistencyQuery {
    #[param(value_type = super::schema::RegionCode, inline)]
    pemda: Option<String>,
    /// The smaller tree's size (a checkpoint seen before).
    #[param(value_type = i64, minimum = 1)]
    from: Option<String>,
    /// The larger tree's size; default the latest checkpoint's.
    #[param(value_type = Option<i64>, minimum = 1)]
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsistencyProof {
    first: i64,
    second: i64,
    /// RFC 9162 §2.1.4, hex SHA-256.
    hashes: Vec<String>,
}

/// The proof that the tree of `from` entries is a prefix of the tree of `to`: nothing signed
/// earlier was changed, removed or reordered since. Public.
#[utoipa::path(get, path = "/api/v1/audit/proof/consistency", tag = "audit", security(()), params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof), (status = 404, body = Problem, description = "No such pemda, or no checkpoint yet."),
        (status = 422, body = Problem, description = "Sizes out of order or beyond the latest checkpoint.")))]
async fn consistency(ctx: ApiCtx, Query(query): Query<ConsistencyQuery>) -> AppResult<Json<ConsistencyProof>> {
    let pemda = log::pemda(&ctx.state, query.pemda.as_deref()).await?;
    let from =
        log::whole("from", query.from.as_deref())?.ok_or_else(|| AppError::invalid("from", domain::Rule::Required))?;
    let to = log::whole("to", query.to.as_deref())?;
    let (second, hashes) = log::consistency(&ctx.state, &pemda, from, to).await?;
    Ok(Json(ConsistencyProof { first: from, second, hashes: hashes.iter().map(transparency::hash_hex).collect() }))
}

#[derive(Deserialize, ToSchema)]
pub struct CosignatureInput {
    #[schema(value_type = super::schema::RegionCode)]
    pemda: String,
    tree_size: i64,
    /// The witness's signature line (`— name base64`), cosignature/v1 over the checkpoint's text.
    cosignature: String,
}

#[derive(Serialize, ToSchema)]
pub struct CosignatureAccepted {
    witness: String,
}

/// A witness hands in its cosignature of a checkpoint it found consistent with the ones it saw
/// before. Kept only when it verifies with the key of a witness this installation knows
/// (`rencana audit witness-add`). Needs no account: the signature is the credential.
#[utoipa::path(post, path = "/api/v1/audit/cosignatures", tag = "audit", security(()), request_body = CosignatureInput,
    responses((status = 201, body = CosignatureAccepted), (status = 404, body = Problem, description = "No such pemda or checkpoint."),
        (status = 422, body = Problem, description = "Not a valid cosignature of a known witness.")))]
async fn cosign(ctx: ApiCtx, super::ApiJson(input): super::ApiJson<CosignatureInput>) -> AppResult<impl IntoResponse> {
    let pemda = log::pemda(&ctx.state, Some(&input.pemda)).await?;
    let checkpoint = ctx.state.store.checkpoint_at(&pemda, input.tree_size).await?.ok_or(AppError::NotFound)?;
    let body = transparency::open_checkpoint(&checkpoint.note, ctx.state.config.log.verifier_key())
        .map_err(AppError::internal)?
        .body;
    let witness = ctx
        .state
        .store
        .add_cosignature(&pemda, checkpoint.size, &body, &input.cosignature)
        .await?
        .ok_or_else(|| AppError::invalid("cosignature", domain::Rule::UnknownCosignature))?;
    Ok((StatusCode::CREATED, Json(CosignatureAccepted { witness })))
}
