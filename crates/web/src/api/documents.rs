//! Printed documents through the API: a print's record by its code, and the check of a file or
//! a hash against the record of prints. All public.

use axum::Json;
use axum::extract::{Path, Query};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::ctx::ApiCtx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::print::{RecordView, record_view, records_with_code, typed_sha256, uploaded_pdf_sha256};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(check_hash, check_file)).routes(routes!(by_code))
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
            inclusion: view.inclusion.map(|i| InclusionJson {
                tree_size: i.tree_size,
                verified: i.verified,
                root_hash: i.root,
                hashes: i.hashes,
            }),
        }
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
    params(("code" = String, Path, description = "Ten letters of Crockford's base 32.")),
    responses((status = 200, body = PrintsJson)))]
async fn by_code(ctx: ApiCtx, Path(code): Path<String>) -> AppResult<Json<PrintsJson>> {
    let (code, records) = records_with_code(&ctx.state, &code).await?;
    Ok(Json(PrintsJson { code, prints: records.into_iter().map(Into::into).collect() }))
}

#[derive(Serialize, ToSchema)]
pub struct CheckJson {
    /// The hash checked.
    sha256: String,
    /// Whether a print with exactly these bytes is recorded.
    matched: bool,
    document: Option<DocumentJson>,
}

#[derive(Deserialize, IntoParams)]
pub struct HashQuery {
    /// The SHA-256 of a file, in hex.
    sha256: Option<String>,
}

async fn check(ctx: &ApiCtx, sha256: String) -> AppResult<Json<CheckJson>> {
    let document = match ctx.state.store.document(&sha256).await? {
        Some(record) => Some(record_view(&ctx.state, record).await?.into()),
        None => None,
    };
    Ok(Json(CheckJson { matched: document.is_some(), sha256, document }))
}

/// Whether a hash is that of an unaltered Rencana print, and of which.
#[utoipa::path(get, path = "/api/v1/documents/check", tag = "documents", security((), ("bearer" = [])),
    params(HashQuery), responses((status = 200, body = CheckJson)))]
async fn check_hash(ctx: ApiCtx, Query(query): Query<HashQuery>) -> AppResult<Json<CheckJson>> {
    let sha256 = typed_sha256(query.sha256.as_deref().unwrap_or_default())?;
    check(&ctx, sha256).await
}

/// Whether a file (the request's body, as is) is an unaltered Rencana print, and of which. The
/// file is hashed and forgotten; one that is not a PDF is refused (422, `file`).
#[utoipa::path(post, path = "/api/v1/documents/check", tag = "documents", security((), ("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/pdf"), responses((status = 200, body = CheckJson)))]
async fn check_file(ctx: ApiCtx, body: axum::body::Bytes) -> AppResult<Json<CheckJson>> {
    check(&ctx, uploaded_pdf_sha256(&body)?).await
}
