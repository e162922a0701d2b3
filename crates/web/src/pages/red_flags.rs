//! The red-flag list: every proposal of a cycle whose figures ask for a second look (a near
//! duplicate, a price away from the kamus, a pokir out of line), checked a slice at a time so
//! that a page costs the same in a small cycle and a large one. Public; a flag is a question to
//! ask, not a finding.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;

use super::Chrome;
use super::forums::flag_text;
use crate::ctx::PageCtx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::red_flags;
use crate::views::regions::cycle_or_newest_public;

pub fn router() -> Router<AppState> {
    Router::new().route("/red-flags", get(show)).route("/red-flags.xlsx", get(show_xlsx))
}

/// Far beyond any cycle: a national installation holds some millions of proposals.
const START_MAX: u64 = 1_000_000_000_000;

#[derive(Deserialize)]
struct SliceQuery {
    cycle: Option<Uuid>,
    after: Option<Uuid>,
    /// The position of the slice's first proposal, for the reader only.
    start: Option<u64>,
}

struct FlaggedRow {
    id: Uuid,
    title: String,
    stage: &'static str,
    status: &'static str,
    origin: &'static str,
    cost: String,
    /// Each flag in words, with the other proposal it points to, if any.
    flags: Vec<(String, Option<Uuid>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "red_flags.html")]
struct RedFlagsPage {
    c: Chrome,
    year: i32,
    cycle: Uuid,
    cycles: Vec<(String, String, bool)>,
    checked: String,
    rows: Vec<FlaggedRow>,
    next: Option<String>,
    first: Option<String>,
    /// This slice as Excel.
    xlsx_href: String,
}

pub fn red_flags_href(cycle: Uuid) -> String {
    format!("/red-flags?cycle={cycle}")
}

/// The same slice as the page, as Excel: a row per flag, with the proposal it points to.
async fn show_xlsx(ctx: PageCtx, Query(query): Query<SliceQuery>) -> AppResult<axum::response::Response> {
    use reports::xlsx::{Book, Cell};
    let tr = ctx.tr;
    let cycle = cycle_or_newest_public(&ctx.state, query.cycle).await?;
    let found = red_flags::slice(&ctx.state, &cycle, query.after).await?;
    let keys =
        ["xlsx.title", "xlsx.origin", "xlsx.stage", "xlsx.status", "xlsx.cost", "xlsx.flag", "xlsx.other", "xlsx.id"];
    let mut book = Book::new();
    book.sheet(tr.t("xlsx.red_flags"), &crate::views::xlsx::headers(&tr, &keys))?;
    for (summary, record, flags) in &found.flagged {
        for flag in flags {
            let (text, other) = flag_text(&tr, flag);
            book.row(&[
                Cell::Text(summary.title.clone()),
                Cell::from(tr.origin(summary.origin)),
                Cell::from(tr.stage(record.stage)),
                Cell::from(tr.status(record.status)),
                Cell::Rupiah(record.figures.cost),
                Cell::Text(text),
                other.map_or(Cell::Empty, |o| Cell::Text(o.to_string())),
                Cell::Text(summary.id.to_string()),
            ])?;
        }
    }
    let file = format!("tanda-bahaya-{}-{}", cycle.pemda, cycle.tahun_anggaran);
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

async fn show(ctx: PageCtx, Query(query): Query<SliceQuery>) -> AppResult<RedFlagsPage> {
    let store = &ctx.state.store;
    let tr = ctx.tr;
    let cycle = cycle_or_newest_public(&ctx.state, query.cycle).await?;
    let found = red_flags::slice(&ctx.state, &cycle, query.after).await?;
    // A position only tells the reader where they are; one no cycle can reach is dropped.
    let start = query.start.filter(|s| (1..=START_MAX).contains(s)).unwrap_or(1);
    let end = start + found.checked as u64;
    let checked = if found.checked == 0 {
        tr.t("red_flags.nothing_checked").to_string()
    } else {
        tr.f(
            "red_flags.checked",
            &[
                ("from", &tr.count(start)),
                ("to", &tr.count(end - 1)),
                ("flagged", &tr.count(found.flagged.len() as u64)),
            ],
        )
    };
    let href = red_flags_href(cycle.id);
    Ok(RedFlagsPage {
        year: cycle.tahun_anggaran,
        cycle: cycle.id,
        cycles: store
            .cycles(&cycle.pemda)
            .await?
            .iter()
            .map(|c| {
                let label = tr.f("tasks.cycle", &[("year", &c.tahun_anggaran.to_string())]);
                (red_flags_href(c.id), label, c.id == cycle.id)
            })
            .collect(),
        checked,
        rows: found
            .flagged
            .iter()
            .map(|(summary, record, flags)| FlaggedRow {
                id: summary.id,
                title: summary.title.clone(),
                stage: tr.stage(record.stage),
                status: tr.status(record.status),
                origin: tr.origin(summary.origin),
                cost: tr.rupiah(record.figures.cost),
                flags: flags.iter().map(|f| flag_text(&tr, f)).collect(),
            })
            .collect(),
        next: found.next.map(|after| format!("{href}&after={after}&start={end}")),
        first: query.after.map(|_| href.clone()),
        xlsx_href: match query.after {
            Some(after) => format!("/red-flags.xlsx?cycle={}&after={after}", cycle.id),
            None => format!("/red-flags.xlsx?cycle={}", cycle.id),
        },
        c: Chrome::new(&ctx),
    })
}
