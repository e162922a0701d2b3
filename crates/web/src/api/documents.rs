//! Printed documents through the API: a print's record by its code, the check of a file or a
//! hash against the record of prints and scans, and the scans of signed berita acara of each
//! forum. Reading is public; uploading a scan is for whoever runs the forum.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::documents::ScanOf;
use serde::{Deserialize, Serialize};
use store::StoredScan;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::schema::{ForumPath, RenjaPath};
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::print::{
    InclusionCheck, RecordView, record_view, records_with_code, typed_sha256, uploaded_file_sha256,
};
use crate::views::proposals::{forum_cycle, forum_key};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_hash, check_file))
        .routes(routes!(by_code))
        .routes(routes!(scan_bytes))
        .routes(routes!(forum_scans, add_forum_scan))
        .routes(routes!(renja_scans, add_renja_scan))
        .routes(routes!(rkpd_scans, add_rkpd_scan))
}

/// A print Rencana made, as recorded in the journal.
#[derive(Serialize, ToSchema)]
pub struct DocumentJson {
    /// The code printed under its QR code.
    code: String,
    /// `berita_acara`, `daftar_prioritas`, `rekapitulasi`, `pokir`, `renja` or `rkpd`.
    kind: String,
    title: String,
    /// The SHA-256 of the PDF's bytes, lowercase hex.
    sha256: String,
    pages: i32,
    bytes: i64,
    /// The page whose content it prints.
    href: String,
    pemda: String,
    /// The journal entry that records it (`/api/v1/audit/proof/inclusion?pemda=…&seq=…`).
    seq: i64,
    recorded_at: String,
    /// The entry's inclusion in the latest signed checkpoint, checked by the server; absent until
    /// a checkpoint covers it (about a minute).
    inclusion: Option<InclusionJson>,
}

#[derive(Serialize, ToSchema)]
pub struct InclusionJson {
    tree_size: i64,
    verified: bool,
    root_hash: String,
    hashes: Vec<String>,
}

impl From<RecordView> for DocumentJson {
    fn from(view: RecordView) -> Self {
        let r = view.record;
        DocumentJson {
            code: r.code,
            kind: r.kind,
            title: r.title,
            sha256: r.sha256,
            pages: r.pages,
            bytes: r.bytes,
            href: r.href,
            pemda: r.pemda_code,
            seq: r.seq,
            recorded_at: r.recorded_at,
            inclusion: view.inclusion.map(Into::into),
        }
    }
}

impl From<InclusionCheck> for InclusionJson {
    fn from(i: InclusionCheck) -> Self {
        InclusionJson { tree_size: i.tree_size, verified: i.verified, root_hash: i.root, hashes: i.hashes }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PrintsJson {
    code: String,
    /// Usually one; more when the same content was printed by another version of the typesetter.
    prints: Vec<DocumentJson>,
}

/// The prints recorded under a document's code (the one printed under its QR code).
#[utoipa::path(get, path = "/api/v1/documents/{code}", tag = "documents", security((), ("bearer" = [])),
    params(("code" = inline(super::schema::LookupText), Path, description = "Ten letters of Crockford's base 32.")),
    responses((status = 200, body = PrintsJson)))]
async fn by_code(ctx: ApiCtx, Path(code): Path<String>) -> AppResult<Json<PrintsJson>> {
    let (code, records) = records_with_code(&ctx.state, &code).await?;
    Ok(Json(PrintsJson { code, prints: records.into_iter().map(Into::into).collect() }))
}

#[derive(Serialize, ToSchema)]
pub struct CheckJson {
    /// The hash checked.
    sha256: String,
    /// Whether a print, or a scan of a signed berita acara, with exactly these bytes is recorded.
    matched: bool,
    document: Option<DocumentJson>,
    scan: Option<CheckedScanJson>,
}

/// A scan of a signed berita acara, kept byte for byte.
#[derive(Serialize, ToSchema)]
pub struct ScanJson {
    /// The SHA-256 of its bytes, lowercase hex.
    sha256: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, judged by its content.
    content_type: String,
    bytes: i64,
    #[schema(value_type = String, format = Uuid)]
    cycle_id: uuid::Uuid,
    /// The forum in its cycle: `{stage}/{region_code}` for a musrenbang forum,
    /// `forum_opd/{opd_code}`, or `musrenbang_rkpd`.
    forum: String,
    /// The username of who uploaded it.
    uploaded_by: Option<String>,
    pemda: String,
    /// The journal entry that records it.
    seq: i64,
    recorded_at: String,
    /// Where its bytes are.
    href: String,
}

impl From<StoredScan> for ScanJson {
    fn from(s: StoredScan) -> Self {
        ScanJson {
            href: format!("/api/v1/scans/{}", s.sha256),
            sha256: s.sha256,
            content_type: s.content_type,
            bytes: s.bytes,
            cycle_id: s.cycle_id,
            forum: s.forum,
            uploaded_by: s.uploaded_by,
            pemda: s.pemda_code,
            seq: s.seq,
            recorded_at: s.recorded_at,
        }
    }
}

/// A scan a check found: what it is, the forum it belongs to, and its entry's proof.
#[derive(Serialize, ToSchema)]
pub struct CheckedScanJson {
    scan: ScanJson,
    forum_title: String,
    /// The forum's page.
    forum_href: String,
    inclusion: Option<InclusionJson>,
}

#[derive(Deserialize, IntoParams)]
pub struct HashQuery {
    /// The SHA-256 of a file, in hex.
    #[param(value_type = super::schema::Sha256, inline, required = true)]
    sha256: Option<String>,
}

async fn check(ctx: &ApiCtx, sha256: String) -> AppResult<Json<CheckJson>> {
    let document: Option<DocumentJson> = match ctx.state.store.document(&sha256).await? {
        Some(record) => Some(record_view(&ctx.state, record).await?.into()),
        None => None,
    };
    let scan = match document {
        Some(_) => None,
        None => crate::views::scans::scan_check(&ctx.state, &ctx.tr, &sha256).await?.map(|c| CheckedScanJson {
            scan: c.scan.into(),
            forum_title: c.forum_title,
            forum_href: c.forum_href,
            inclusion: c.inclusion.map(Into::into),
        }),
    };
    Ok(Json(CheckJson { matched: document.is_some() || scan.is_some(), sha256, document, scan }))
}

/// Whether a hash is that of an unaltered Rencana print, and of which.
#[utoipa::path(get, path = "/api/v1/documents/check", tag = "documents", security((), ("bearer" = [])),
    params(HashQuery), responses((status = 200, body = CheckJson)))]
async fn check_hash(ctx: ApiCtx, Query(query): Query<HashQuery>) -> AppResult<Json<CheckJson>> {
    let sha256 = typed_sha256(query.sha256.as_deref().unwrap_or_default())?;
    check(&ctx, sha256).await
}

/// Whether a file (the request's body, as is) is an unaltered Rencana print or a recorded scan
/// of a signed berita acara, and of which. The file is hashed and forgotten; one that is not a
/// PDF, JPEG or PNG is refused (422, `file`).
#[utoipa::path(post, path = "/api/v1/documents/check", tag = "documents", security((), ("bearer" = [])),
    request_body(content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
    responses((status = 200, body = CheckJson)))]
async fn check_file(ctx: ApiCtx, body: axum::body::Bytes) -> AppResult<Json<CheckJson>> {
    check(&ctx, uploaded_file_sha256(&body)?).await
}

/// A scan's bytes, as uploaded, served as a download.
#[utoipa::path(get, path = "/api/v1/scans/{sha256}", tag = "documents", security((), ("bearer" = [])),
    params(("sha256" = inline(super::schema::Sha256), Path, description = "The SHA-256 of the scan, lowercase hex.")),
    responses((status = 200, description = "The file.",
        content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png")))))]
async fn scan_bytes(ctx: ApiCtx, Path(sha256): Path<String>) -> AppResult<Response> {
    crate::views::scans::scan_download(&ctx.state, &sha256).await
}

async fn list(ctx: &ApiCtx, of: &ScanOf) -> AppResult<Json<Vec<ScanJson>>> {
    Ok(Json(ctx.state.store.scans_of(of).await?.into_iter().map(Into::into).collect()))
}

async fn add(ctx: &ApiCtx, of: ScanOf, body: axum::body::Bytes) -> AppResult<Response> {
    ctx.require_user()?;
    if body.is_empty() {
        return Err(AppError::invalid("scan", domain::Rule::Required));
    }
    let scan = ctx.state.store.attach_scan(&ctx.actor(), of, body, OffsetDateTime::now_utc()).await?;
    Ok((StatusCode::CREATED, Json(ScanJson::from(scan))).into_response())
}

async fn forum_of(ctx: &ApiCtx, path: &ForumPath) -> AppResult<ScanOf> {
    let key = forum_key(&path.cycle, &path.stage, &path.region_code)?;
    forum_cycle(&ctx.state.store, &key).await?;
    Ok(ScanOf::Musrenbang { key })
}

async fn forum_opd_of(ctx: &ApiCtx, path: &RenjaPath) -> AppResult<ScanOf> {
    let cycle_id = uuid::Uuid::parse_str(&path.cycle).map_err(|_| AppError::NotFound)?;
    let cycle = ctx.state.store.cycle(cycle_id).await?.ok_or(AppError::NotFound)?;
    if !ctx.state.store.opds(&cycle.pemda).await?.iter().any(|o| o.code == path.opd_code) {
        return Err(AppError::NotFound);
    }
    Ok(ScanOf::ForumOpd { cycle_id, opd_code: path.opd_code.clone() })
}

async fn musrenbang_rkpd_of(ctx: &ApiCtx, id: &str) -> AppResult<ScanOf> {
    let cycle_id = uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    ctx.state.store.cycle(cycle_id).await?.ok_or(AppError::NotFound)?;
    Ok(ScanOf::MusrenbangRkpd { cycle_id })
}

/// The scans of a forum's signed berita acara, oldest first.
#[utoipa::path(get, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/scans", tag = "documents",
    security((), ("bearer" = [])), params(ForumPath), responses((status = 200, body = Vec<ScanJson>)))]
async fn forum_scans(ctx: ApiCtx, Path(path): Path<ForumPath>) -> AppResult<Json<Vec<ScanJson>>> {
    list(&ctx, &forum_of(&ctx, &path).await?).await
}

/// Uploads the scan of a forum's signed berita acara: the request body is the file itself (PDF,
/// JPEG or PNG, judged by its content; at most 6 MB), kept byte for byte and its SHA-256
/// journaled. For whoever runs the forum, once its minutes are recorded (also after it closed).
/// The same file again answers its record.
#[utoipa::path(post, path = "/api/v1/forums/{cycle}/{stage}/{region_code}/scans", tag = "documents",
    security(("bearer" = [])), params(ForumPath),
    request_body(content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
    responses((status = 201, body = ScanJson), (status = 422, body = super::Problem)))]
async fn add_forum_scan(ctx: ApiCtx, Path(path): Path<ForumPath>, body: axum::body::Bytes) -> AppResult<Response> {
    let of = forum_of(&ctx, &path).await?;
    add(&ctx, of, body).await
}

/// The scans of an OPD forum's signed berita acara.
#[utoipa::path(get, path = "/api/v1/cycles/{cycle}/renja/{opd_code}/scans", tag = "documents",
    security((), ("bearer" = [])), params(RenjaPath), responses((status = 200, body = Vec<ScanJson>)))]
async fn renja_scans(ctx: ApiCtx, Path(path): Path<RenjaPath>) -> AppResult<Json<Vec<ScanJson>>> {
    list(&ctx, &forum_opd_of(&ctx, &path).await?).await
}

/// Uploads the scan of an OPD forum's signed berita acara, as for a musrenbang forum; for the
/// OPD's operator.
#[utoipa::path(post, path = "/api/v1/cycles/{cycle}/renja/{opd_code}/scans", tag = "documents",
    security(("bearer" = [])), params(RenjaPath),
    request_body(content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
    responses((status = 201, body = ScanJson), (status = 422, body = super::Problem)))]
async fn add_renja_scan(ctx: ApiCtx, Path(path): Path<RenjaPath>, body: axum::body::Bytes) -> AppResult<Response> {
    let of = forum_opd_of(&ctx, &path).await?;
    add(&ctx, of, body).await
}

/// The scans of the musrenbang RKPD's signed berita acara.
#[utoipa::path(get, path = "/api/v1/cycles/{id}/rkpd/scans", tag = "documents",
    security((), ("bearer" = [])), params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Vec<ScanJson>)))]
async fn rkpd_scans(ctx: ApiCtx, Path(id): Path<String>) -> AppResult<Json<Vec<ScanJson>>> {
    list(&ctx, &musrenbang_rkpd_of(&ctx, &id).await?).await
}

/// Uploads the scan of the musrenbang RKPD's signed berita acara; for Bappeda.
#[utoipa::path(post, path = "/api/v1/cycles/{id}/rkpd/scans", tag = "documents",
    security(("bearer" = [])), params(("id" = String, Path, format = Uuid)),
    request_body(content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
    responses((status = 201, body = ScanJson), (status = 422, body = super::Problem)))]
async fn add_rkpd_scan(ctx: ApiCtx, Path(id): Path<String>, body: axum::body::Bytes) -> AppResult<Response> {
    let of = musrenbang_rkpd_of(&ctx, &id).await?;
    add(&ctx, of, body).await
}
