//! Checking a print: each document's public page (`/d/CODE`, the address under its QR code) and
//! the check of a file or a hash against the record of prints.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::Chrome;
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::print::{RecordView, record_view, records_with_code, typed_sha256, uploaded_file_sha256};
use crate::views::scans::{ScanCheck, ScanRow, scan_check, scan_row};

pub fn router() -> Router<AppState> {
    Router::new().route("/d/{code}", get(show)).route("/dokumen/periksa", get(check_hash).post(check_file))
}

/// A signed scan a check found, as the page shows it.
pub struct ScanCard {
    pub row: ScanRow,
    pub forum_title: String,
    pub forum_href: String,
    pub proof: Option<(String, bool)>,
}

fn proof_text(tr: &crate::i18n::Tr, inclusion: Option<crate::views::print::InclusionCheck>) -> Option<(String, bool)> {
    inclusion.map(|i| (tr.f("document.in_checkpoint", &[("size", &tr.number(i.tree_size))]), i.verified))
}

fn scan_card(ctx: &PageCtx, check: ScanCheck) -> ScanCard {
    ScanCard {
        row: scan_row(&ctx.tr, &check.scan),
        forum_title: check.forum_title,
        forum_href: check.forum_href,
        proof: proof_text(&ctx.tr, check.inclusion),
    }
}

/// A recorded print as the page shows it.
pub struct RecordCard {
    pub title: String,
    pub kind: String,
    pub pages: String,
    pub size: String,
    pub sha256: String,
    pub recorded_at: String,
    pub href: String,
    pub entry_href: String,
    pub seq: i64,
    pub code: String,
    /// The inclusion proof's summary and whether it held; none before a checkpoint covers it.
    pub proof: Option<(String, bool)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "document.html")]
pub struct DocumentPage {
    c: Chrome,
    heading: String,
    records: Vec<RecordCard>,
    /// The signed scan a check found.
    scan: Option<ScanCard>,
    /// What a check found: matched, or not; none when nothing was checked.
    verdict: Option<bool>,
    checked_hash: String,
    errors: Vec<String>,
}

fn card(ctx: &PageCtx, view: RecordView) -> RecordCard {
    let tr = &ctx.tr;
    let r = view.record;
    let recorded_at = crate::views::print::recorded_at(tr, &r.recorded_at);
    RecordCard {
        kind: tr.t(&format!("print.kind.{}", r.kind)).to_string(),
        pages: tr.number(i64::from(r.pages)),
        size: tr.f("document.bytes", &[("n", &tr.number(r.bytes))]),
        entry_href: crate::views::print::entry_href(&r.pemda_code, r.seq),
        seq: r.seq,
        proof: proof_text(tr, view.inclusion),
        title: r.title,
        sha256: r.sha256,
        recorded_at,
        href: r.href,
        code: r.code,
    }
}

async fn page(ctx: &mut PageCtx, heading: String) -> AppResult<DocumentPage> {
    ctx.ensure_csrf().await?;
    Ok(DocumentPage {
        c: Chrome::new(ctx),
        heading,
        records: Vec::new(),
        scan: None,
        verdict: None,
        checked_hash: String::new(),
        errors: Vec::new(),
    })
}

/// The page a print's QR code opens: what the document is, its hash, its journal entry and that
/// entry's proof in the signed log; and the form to check a file against it.
async fn show(mut ctx: PageCtx, Path(code): Path<String>) -> AppResult<DocumentPage> {
    let (code, records) = records_with_code(&ctx.state, &code).await?;
    let heading = ctx.tr.f("document.title", &[("code", &code)]);
    let mut page = page(&mut ctx, heading).await?;
    page.records = records.into_iter().map(|view| card(&ctx, view)).collect();
    Ok(page)
}

#[derive(Deserialize)]
struct HashQuery {
    sha256: Option<String>,
}

/// The check by hash: a typed SHA-256 (or none, for the form alone).
async fn check_hash(mut ctx: PageCtx, Query(query): Query<HashQuery>) -> AppResult<Response> {
    let heading = ctx.tr.t("document.check_title").to_string();
    let mut page = page(&mut ctx, heading).await?;
    let Some(typed) = query.sha256 else { return Ok(page.into_response()) };
    match typed_sha256(&typed) {
        Ok(hash) => verdict(&ctx, page, hash).await,
        Err(AppError::Invalid(errors)) => {
            page.errors = errors.iter().map(|e| ctx.tr.rule_message(e)).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(error),
    }
}

/// The check of an uploaded file: hashed here, never kept.
async fn check_file(mut ctx: PageCtx, multipart: axum::extract::Multipart) -> AppResult<Response> {
    let upload = super::read_upload(multipart, "file", AppError::invalid("file", domain::Rule::Required)).await?;
    ctx.check_csrf(upload.text("csrf"))?;
    let heading = ctx.tr.t("document.check_title").to_string();
    let mut page = page(&mut ctx, heading).await?;
    match uploaded_file_sha256(&upload.file.unwrap_or_default()) {
        Ok(hash) => verdict(&ctx, page, hash).await,
        Err(AppError::Invalid(errors)) => {
            page.errors = errors.iter().map(|e| ctx.tr.rule_message(e)).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(error),
    }
}

async fn verdict(ctx: &PageCtx, mut page: DocumentPage, hash: String) -> AppResult<Response> {
    page.verdict = Some(false);
    if let Some(record) = ctx.state.store.document(&hash).await? {
        page.verdict = Some(true);
        page.records.push(card(ctx, record_view(&ctx.state, record).await?));
    } else if let Some(check) = scan_check(&ctx.state, &ctx.tr, &hash).await? {
        page.verdict = Some(true);
        page.scan = Some(scan_card(ctx, check));
    }
    page.checked_hash = hash;
    Ok(page.into_response())
}
