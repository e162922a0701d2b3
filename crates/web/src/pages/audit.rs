//! The public chain check, and the journal itself for auditors and Bappeda.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use domain::{Action, RegionCode, Resource};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Chrome;
use crate::chain_check::check_chain;
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(verify))
        .route("/audit/journal", get(journal))
        .route("/audit/security", get(security))
}

struct ChainCard {
    code: String,
    name: String,
    valid: bool,
    summary: String,
    head: String,
    can_read_journal: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    reports: Vec<ChainCard>,
}

#[derive(Deserialize)]
struct PemdaQuery {
    pemda: Option<String>,
    before: Option<i64>,
    /// A whole walk of the chain, for those who may read the audit trail.
    #[serde(default)]
    full: bool,
}

async fn verify(ctx: PageCtx, Query(query): Query<PemdaQuery>) -> AppResult<AuditPage> {
    let store = &ctx.state.store;
    let listed = match query.pemda.as_deref().map(RegionCode::parse) {
        Some(Ok(code)) => vec![store.pemda(&code).await?.ok_or(AppError::NotFound)?],
        Some(Err(_)) => return Err(AppError::NotFound),
        None => store.all_pemda().await?,
    };
    let mut reports = Vec::new();
    for pemda in listed {
        let can_read_journal =
            domain::authorize(&ctx.actor(), Action::ViewAuditTrail, &Resource::pemda(pemda.code.clone())).is_ok();
        let check = check_chain(&ctx.state, &ctx.actor(), &pemda.code, query.full && can_read_journal).await?;
        let report = check.report;
        let mut summary = match report.first_broken {
            None => ctx.tr.f("audit.valid", &[("events", &ctx.tr.number(report.events))]),
            Some(seq) => ctx.tr.f("audit.broken", &[("seq", &seq.to_string())]),
        };
        summary.push(' ');
        summary.push_str(&if check.full {
            ctx.tr.t("audit.checked_full").to_string()
        } else {
            ctx.tr.f("audit.checked_since", &[("seq", &ctx.tr.number(check.checked_after))])
        });
        reports.push(ChainCard {
            code: pemda.code.to_string(),
            name: pemda.name,
            valid: report.valid,
            summary,
            head: report.head,
            can_read_journal,
        });
    }
    Ok(AuditPage { c: Chrome::new(&ctx), reports })
}

struct EntryRow {
    seq: i64,
    at: String,
    kind: String,
    actor: String,
    hash: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "journal.html")]
struct JournalPage {
    c: Chrome,
    pemda: String,
    entries: Vec<EntryRow>,
    older: Option<i64>,
}

const JOURNAL_PAGE: u64 = 100;

async fn journal(ctx: PageCtx, Query(query): Query<PemdaQuery>) -> AppResult<JournalPage> {
    ctx.require_user()?;
    let pemda = query.pemda.as_deref().and_then(|p| RegionCode::parse(p).ok()).ok_or(AppError::NotFound)?;
    ctx.authorize(Action::ViewAuditTrail, &Resource::pemda(pemda.clone())).await?;
    let entries = ctx.state.store.journal(&pemda, query.before, JOURNAL_PAGE).await?;
    let older = (entries.len() as u64 == JOURNAL_PAGE).then(|| entries.last().map(|e| e.seq)).flatten();
    let entries = entries
        .into_iter()
        .map(|e| EntryRow {
            seq: e.seq,
            at: OffsetDateTime::parse(&e.at, &Rfc3339).map(|at| ctx.tr.datetime(at)).unwrap_or(e.at),
            kind: e.kind,
            actor: e.actor,
            hash: e.hash,
        })
        .collect();
    Ok(JournalPage { c: Chrome::new(&ctx), pemda: pemda.to_string(), entries, older })
}

struct SecurityRow {
    at: String,
    kind: String,
    username: String,
    detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "security.html")]
struct SecurityPage {
    c: Chrome,
    pemda: String,
    rows: Vec<SecurityRow>,
}

const SECURITY_PAGE: u64 = 200;

/// The newest entries of the security log: logins, failures, refusals.
async fn security(ctx: PageCtx, Query(query): Query<PemdaQuery>) -> AppResult<SecurityPage> {
    ctx.require_user()?;
    let pemda = query.pemda.as_deref().and_then(|p| RegionCode::parse(p).ok()).ok_or(AppError::NotFound)?;
    ctx.authorize(Action::ViewAuditTrail, &Resource::pemda(pemda.clone())).await?;
    let rows = ctx
        .state
        .store
        .security_log(pemda.as_str(), SECURITY_PAGE)
        .await?
        .into_iter()
        .map(|r| SecurityRow { at: ctx.tr.datetime(r.at), kind: r.kind, username: r.username, detail: r.detail })
        .collect();
    Ok(SecurityPage { c: Chrome::new(&ctx), pemda: pemda.to_string(), rows })
}
