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
        .route("/audit/journal.xlsx", get(journal_xlsx))
        .route("/audit/entry", get(entry))
        .route("/audit/cara-memeriksa", get(how_to_check))
        .route("/audit/security", get(security))
        .route("/audit/security.xlsx", get(security_xlsx))
}

struct ChainCard {
    code: String,
    name: String,
    valid: bool,
    summary: String,
    head: String,
    can_read_journal: bool,
    checkpoint: Option<CheckpointCard>,
}

/// The signed checkpoint a check started from, as the page shows it.
struct CheckpointCard {
    summary: String,
    root: String,
    witnesses: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    reports: Vec<ChainCard>,
    verifier_key: String,
    witnesses: Vec<store::transparency_log::Witness>,
}

fn journal_time(tr: &crate::i18n::Tr, at: &str) -> String {
    OffsetDateTime::parse(at, &Rfc3339).map(|t| tr.datetime(t)).unwrap_or_else(|_| at.to_string())
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
        summary.push_str(&match (&check.checkpoint, check.full) {
            (_, true) => ctx.tr.t("audit.checked_full").to_string(),
            (Some(checkpoint), false) => ctx.tr.f(
                "log.checked_from_checkpoint",
                &[
                    ("size", &ctx.tr.number(checkpoint.size)),
                    ("at", &journal_time(&ctx.tr, &checkpoint.issued_at)),
                    ("after", &ctx.tr.number(report.events.saturating_sub(checkpoint.size))),
                ],
            ),
            (None, false) => ctx.tr.f("audit.checked_since", &[("seq", &ctx.tr.number(check.checked_after))]),
        });
        let checkpoint = check.checkpoint.map(|c| CheckpointCard {
            summary: ctx.tr.f(
                "log.checkpoint_summary",
                &[("size", &ctx.tr.number(c.size)), ("at", &journal_time(&ctx.tr, &c.issued_at))],
            ),
            witnesses: if c.cosignatures.is_empty() {
                ctx.tr.t("log.no_cosignatures").to_string()
            } else {
                let names: Vec<&str> = c.cosignatures.iter().map(|s| s.witness.as_str()).collect();
                ctx.tr.f("log.cosigned_by", &[("names", &names.join(", "))])
            },
            root: c.root,
        });
        reports.push(ChainCard {
            code: pemda.code.to_string(),
            name: pemda.name,
            valid: report.valid,
            summary,
            head: report.head,
            can_read_journal,
            checkpoint,
        });
    }
    Ok(AuditPage {
        c: Chrome::new(&ctx),
        reports,
        verifier_key: ctx.state.config.log.verifier_key().to_string(),
        witnesses: store.witnesses().await?,
    })
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

/// The most entries one Excel of the journal holds; `rencana audit export` gives it whole.
const JOURNAL_XLSX_MAX: usize = 10_000;

/// The journal's newest entries (before `before`) as Excel, payloads included, for auditors.
async fn journal_xlsx(ctx: PageCtx, Query(query): Query<PemdaQuery>) -> AppResult<axum::response::Response> {
    use reports::xlsx::{Book, Cell};
    ctx.require_user()?;
    let pemda = query.pemda.as_deref().and_then(|p| RegionCode::parse(p).ok()).ok_or(AppError::NotFound)?;
    ctx.authorize(Action::ViewAuditTrail, &Resource::pemda(pemda.clone())).await?;
    let keys = ["audit.seq", "xlsx.at", "audit.kind", "audit.actor", "xlsx.payload", "xlsx.hash"];
    let mut book = Book::new();
    book.sheet(ctx.tr.t("audit.journal"), &crate::views::xlsx::headers(&ctx.tr, &keys))?;
    let (mut before, mut written) = (query.before, 0);
    while written < JOURNAL_XLSX_MAX {
        let entries = ctx.state.store.journal(&pemda, before, store::PAGE_MAX).await?;
        let Some(last) = entries.last() else { break };
        before = Some(last.seq);
        for e in &entries {
            let at = OffsetDateTime::parse(&e.at, &Rfc3339).map_or(Cell::Text(e.at.clone()), Cell::Time);
            book.row(&[
                Cell::Integer(e.seq),
                at,
                Cell::Text(e.kind.clone()),
                Cell::Text(e.actor.clone()),
                Cell::Text(e.payload.clone()),
                Cell::Text(e.hash.clone()),
            ])?;
        }
        written += entries.len();
    }
    let file = format!("jurnal-{pemda}");
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

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

#[derive(Template, WebTemplate)]
#[template(path = "log_howto.html")]
struct HowToPage {
    c: Chrome,
    verifier_key: String,
    /// Where this installation answers, for the commands shown.
    origin: String,
}

/// How a resident, a journalist or an auditor checks the record without trusting this server:
/// one event, the whole log, and that its history was never rewritten. Public.
async fn how_to_check(ctx: PageCtx, headers: axum::http::HeaderMap) -> AppResult<HowToPage> {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    // Only a plain host name goes into the commands shown; anything else reads as a placeholder.
    let host = if host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)) { host } else { "ALAMAT" };
    Ok(HowToPage {
        verifier_key: ctx.state.config.log.verifier_key().to_string(),
        origin: format!("https://{host}"),
        c: Chrome::new(&ctx),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "log_entry.html")]
struct EntryPage {
    c: Chrome,
    pemda: String,
    pemda_name: String,
    seq: i64,
    at: String,
    kind: String,
    hash: String,
    proof: Option<EntryProof>,
    verifier_key: String,
}

/// An entry's inclusion proof as the page shows it, checked on the server before it is shown.
struct EntryProof {
    summary: String,
    verified: bool,
    root: String,
    hashes: Vec<String>,
    tree_size: i64,
}

#[derive(Deserialize)]
struct EntryQuery {
    pemda: Option<String>,
    seq: Option<String>,
}

/// One journal entry, in public: its number, time, kind and hash, and the proof that it is in
/// the latest signed checkpoint, so that a reader can check it holds what the record says.
async fn entry(ctx: PageCtx, Query(query): Query<EntryQuery>) -> AppResult<EntryPage> {
    use crate::views::transparency as log;
    let pemda = log::pemda(&ctx.state, query.pemda.as_deref()).await?;
    let seq = log::whole("seq", query.seq.as_deref())?.ok_or(AppError::NotFound)?;
    let store = &ctx.state.store;
    let entry = store.journal_entry(&pemda, seq).await?.ok_or(AppError::NotFound)?;
    let pemda_name = store.pemda(&pemda).await?.map(|p| p.name).unwrap_or_default();
    let proof = log::checked_inclusion(&ctx.state, &pemda, seq, &entry.hash).await?.map(|(inclusion, verified)| {
        let issued_at = inclusion.checkpoint.as_ref().map(|c| journal_time(&ctx.tr, &c.issued_at)).unwrap_or_default();
        EntryProof {
            summary: ctx
                .tr
                .f("log.entry_in_checkpoint", &[("size", &ctx.tr.number(inclusion.tree_size)), ("at", &issued_at)]),
            verified,
            root: domain::transparency::hash_hex(&inclusion.root),
            hashes: inclusion.hashes.iter().map(domain::transparency::hash_hex).collect(),
            tree_size: inclusion.tree_size,
        }
    });
    Ok(EntryPage {
        c: Chrome::new(&ctx),
        pemda: pemda.to_string(),
        pemda_name,
        seq,
        at: journal_time(&ctx.tr, &entry.at),
        kind: ctx.tr.t(&format!("event.{}", entry.kind)).to_string(),
        hash: entry.hash,
        proof,
        verifier_key: ctx.state.config.log.verifier_key().to_string(),
    })
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
/// The newest entries of a pemda's security log, for those who may read its audit trail.
async fn security_records(
    ctx: &PageCtx,
    query: &PemdaQuery,
) -> AppResult<(RegionCode, Vec<store::security::SecurityRecord>)> {
    ctx.require_user()?;
    let pemda = query.pemda.as_deref().and_then(|p| RegionCode::parse(p).ok()).ok_or(AppError::NotFound)?;
    ctx.authorize(Action::ViewAuditTrail, &Resource::pemda(pemda.clone())).await?;
    let records = ctx.state.store.security_log(pemda.as_str(), SECURITY_PAGE).await?;
    Ok((pemda, records))
}

/// The security log as the page shows it, as a workbook: times as times.
async fn security_xlsx(ctx: PageCtx, Query(query): Query<PemdaQuery>) -> AppResult<axum::response::Response> {
    use reports::xlsx::{Book, Cell};
    let (pemda, records) = security_records(&ctx, &query).await?;
    let tr = ctx.tr;
    let mut book = Book::new();
    let keys = ["xlsx.at", "xlsx.kind", "xlsx.username", "xlsx.detail"];
    book.sheet(tr.t("xlsx.security"), &crate::views::xlsx::headers(&tr, &keys))?;
    for r in records {
        book.row(&[Cell::Time(r.at), Cell::Text(r.kind), Cell::Text(r.username), Cell::Text(r.detail)])?;
    }
    let file = format!("log-keamanan-{pemda}");
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

async fn security(ctx: PageCtx, Query(query): Query<PemdaQuery>) -> AppResult<SecurityPage> {
    let (pemda, records) = security_records(&ctx, &query).await?;
    let rows = records
        .into_iter()
        .map(|r| SecurityRow { at: ctx.tr.datetime(r.at), kind: r.kind, username: r.username, detail: r.detail })
        .collect();
    Ok(SecurityPage { c: Chrome::new(&ctx), pemda: pemda.to_string(), rows })
}
