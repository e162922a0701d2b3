//! The statistics page: a cycle's decisions per kecamatan, OPD, bidang and origin as charts
//! drawn on the server (SVG, so they show without JavaScript and print), each with its figures
//! beside it as a table. Public.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use domain::statistics::{LEVELS, Levels, Outcome, amount};
use reports::chart::{BarChart, Layout};
use serde::Deserialize;
use uuid::Uuid;

use super::Chrome;
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::statistics::{self, Group};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/statistics", get(show))
        .route("/statistics.xlsx", get(show_xlsx))
        .route("/statistics.pdf", get(show_pdf))
}

/// Where a cycle's statistics are.
pub fn statistics_href(cycle: Uuid) -> String {
    format!("/statistics?cycle={cycle}")
}

#[derive(Deserialize)]
struct CycleQuery {
    cycle: Option<Uuid>,
}

/// Indexes into `LEVELS`.
const KELURAHAN: usize = 1;
const KECAMATAN: usize = 2;
const FORUM_OPD: usize = 3;

/// One level's figures, written out.
struct Figures {
    accepted: String,
    rejected: String,
    pending: String,
    cost: String,
}

/// A kecamatan or an OPD in its table: the level before, the level that holds it to its pagu.
struct GroupRow {
    name: String,
    code: String,
    before: Figures,
    at: Figures,
    pagu: String,
    /// What is left of the pagu, or by how much it is exceeded (then `over`).
    left: String,
    over: bool,
}

/// A bidang or an origin at one level.
struct KeyedRow {
    name: &'static str,
    level: &'static str,
    figures: Figures,
}

/// The bidang or the origin section: the same chart and table over different keys.
struct KeyedSection {
    id: &'static str,
    heading: &'static str,
    chart: String,
    caption: &'static str,
    key_label: &'static str,
    rows: Vec<KeyedRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    c: Chrome,
    year: i32,
    cycle: Uuid,
    /// Each cycle: link and year, the one shown marked.
    cycles: Vec<(String, String, bool)>,
    total: Vec<(&'static str, Figures)>,
    kecamatan_chart: String,
    kecamatan_pagu_chart: String,
    kecamatan: Vec<GroupRow>,
    opd_chart: String,
    opd_pagu_chart: String,
    opd: Vec<GroupRow>,
    keyed: Vec<KeyedSection>,
    own_lines: String,
}

fn figures(tr: Tr, outcome: &Outcome) -> Figures {
    Figures {
        accepted: tr.count(outcome.accepted),
        rejected: tr.count(outcome.rejected),
        pending: tr.count(outcome.pending),
        cost: cost_text(tr, outcome.accepted_cost),
    }
}

/// A wide sum in rupiah, or a word that it is beyond what an amount holds.
fn cost_text(tr: Tr, sum: i128) -> String {
    amount(sum).map_or_else(|| tr.t("forum.total_too_large").to_string(), |a| tr.rupiah(a))
}

fn group_row(tr: Tr, group: &Group, before: usize, at: usize) -> GroupRow {
    let accepted = group.levels[at].accepted_cost;
    let (pagu, left, over) = match group.pagu {
        Some(pagu) => {
            let left = i128::from(pagu) - accepted;
            let over = left < 0;
            (tr.rupiah(pagu), cost_text(tr, left.abs()), over)
        }
        None => (tr.t("statistics.no_pagu").to_string(), String::new(), false),
    };
    GroupRow {
        name: group.name.clone(),
        code: group.code.clone(),
        before: figures(tr, &group.levels[before]),
        at: figures(tr, &group.levels[at]),
        pagu,
        left,
        over,
    }
}

/// The rows a bidang or origin table and chart show: each key at each level it reached.
fn keyed<K: Copy>(
    entries: &[(K, Levels)],
    name: impl Fn(K) -> &'static str,
    tr: Tr,
) -> Vec<(String, KeyedRow, Outcome)> {
    let mut rows = Vec::new();
    for (key, levels) in entries {
        for (stage, outcome) in LEVELS.iter().zip(levels.iter()) {
            if outcome.decided() + outcome.pending == 0 {
                continue;
            }
            let row = KeyedRow { name: name(*key), level: tr.stage(*stage), figures: figures(tr, outcome) };
            rows.push((format!("{} · {}", row.name, row.level), row, *outcome));
        }
    }
    rows
}

/// Decisions as stacked bars: accepted, rejected, pending.
fn decisions_chart(tr: Tr, title: &str, rows: &[(String, Outcome)]) -> AppResult<String> {
    let series = [tr.t("statistics.accepted"), tr.t("statistics.rejected"), tr.t("statistics.pending")];
    let rows: Vec<(String, Vec<f64>)> = rows
        .iter()
        .map(|(label, o)| (label.clone(), vec![o.accepted as f64, o.rejected as f64, o.pending as f64]))
        .collect();
    // Axis ticks of counts, far inside an integer's range.
    let axis = |v: f64| tr.number(v.round() as i64);
    BarChart { title, series: &series, rows: &rows, layout: Layout::Stacked, axis: &axis }
        .to_svg()
        .map_err(|_| AppError::broken("a chart could not be drawn"))
}

/// Accepted cost beside the pagu, side by side.
fn pagu_chart(tr: Tr, title: &str, groups: &[Group], at: usize) -> AppResult<String> {
    let series = [tr.t("statistics.accepted_cost"), tr.t("statistics.pagu")];
    let rows: Vec<(String, Vec<f64>)> = groups
        .iter()
        .map(|g| (g.name.clone(), vec![g.levels[at].accepted_cost as f64, g.pagu.unwrap_or(0) as f64]))
        .collect();
    let axis = |v: f64| tr.rupiah_short(v);
    BarChart { title, series: &series, rows: &rows, layout: Layout::Grouped, axis: &axis }
        .to_svg()
        .map_err(|_| AppError::broken("a chart could not be drawn"))
}

/// The statistics' tables as Excel: one sheet per breakdown, each level's decisions and accepted
/// cost as numbers, and the pagu where there is one.
/// The cycle's rekapitulasi as a PDF, journaled like every print.
async fn show_pdf(ctx: PageCtx, Query(query): Query<CycleQuery>) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let (document, subject) = crate::views::print::rekapitulasi(&ctx.state, &ctx.tr, query.cycle).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

async fn show_xlsx(ctx: PageCtx, Query(query): Query<CycleQuery>) -> AppResult<axum::response::Response> {
    use reports::xlsx::{Book, Cell};
    let tr = ctx.tr;
    let view = statistics::load(&ctx.state, query.cycle).await?;
    let mut headers = vec![tr.t("xlsx.item").to_string()];
    for stage in LEVELS {
        for key in ["xlsx.accepted", "xlsx.rejected", "xlsx.pending", "xlsx.accepted_cost"] {
            headers.push(format!("{}: {}", tr.stage(stage), tr.t(key)));
        }
    }
    let with_pagu = |mut h: Vec<String>| {
        h.push(tr.t("xlsx.ceiling").to_string());
        h
    };
    let cells = |name: String, levels: &Levels, pagu: Option<Option<i64>>| {
        let mut row = vec![Cell::Text(name)];
        for o in levels {
            row.push(Cell::Integer(o.accepted as i64));
            row.push(Cell::Integer(o.rejected as i64));
            row.push(Cell::Integer(o.pending as i64));
            // A sum beyond the largest amount is left empty rather than squeezed.
            row.push(i64::try_from(o.accepted_cost).map_or(Cell::Empty, Cell::Rupiah));
        }
        if let Some(pagu) = pagu {
            row.push(pagu.map_or(Cell::Empty, Cell::Rupiah));
        }
        row
    };
    let mut book = Book::new();
    let sheet =
        |book: &mut Book, key: &str, headers: &[String]| book.sheet(tr.t(key), headers).map_err(AppError::internal);
    sheet(&mut book, "statistics.by_kecamatan", &with_pagu(headers.clone()))?;
    for g in &view.kecamatan {
        book.row(&cells(g.name.clone(), &g.levels, Some(g.pagu)))?;
    }
    sheet(&mut book, "statistics.by_opd", &with_pagu(headers.clone()))?;
    for g in &view.opd {
        book.row(&cells(g.name.clone(), &g.levels, Some(g.pagu)))?;
    }
    sheet(&mut book, "statistics.by_bidang", &headers)?;
    for (bidang, levels) in &view.bidang {
        book.row(&cells(tr.bidang(*bidang).to_string(), levels, None))?;
    }
    sheet(&mut book, "statistics.by_origin", &headers)?;
    for (origin, levels) in &view.origin {
        book.row(&cells(tr.origin(*origin).to_string(), levels, None))?;
    }
    let file = format!("statistik-{}-{}", view.cycle.pemda, view.cycle.tahun_anggaran);
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

async fn show(ctx: PageCtx, Query(query): Query<CycleQuery>) -> AppResult<StatisticsPage> {
    let tr = ctx.tr;
    let view = statistics::load(&ctx.state, query.cycle).await?;
    let at_level = |groups: &[Group], level: usize| -> Vec<(String, Outcome)> {
        groups.iter().map(|g| (g.name.clone(), g.levels[level])).collect()
    };
    let bidang = keyed(&view.bidang, |b| tr.bidang(b), tr);
    let origin = keyed(&view.origin, |o| tr.origin(o), tr);
    let chart_rows = |rows: &[(String, KeyedRow, Outcome)]| -> Vec<(String, Outcome)> {
        rows.iter().map(|(label, _, outcome)| (label.clone(), *outcome)).collect()
    };
    let (own_count, own_pagu) = view.own_lines;
    Ok(StatisticsPage {
        year: view.cycle.tahun_anggaran,
        cycle: view.cycle.id,
        cycles: view
            .cycles
            .iter()
            .map(|c| {
                let label = tr.f("tasks.cycle", &[("year", &c.tahun_anggaran.to_string())]);
                (statistics_href(c.id), label, c.id == view.cycle.id)
            })
            .collect(),
        total: LEVELS.iter().zip(view.total.iter()).map(|(s, o)| (tr.stage(*s), figures(tr, o))).collect(),
        kecamatan_chart: decisions_chart(
            tr,
            tr.t("statistics.kecamatan_chart"),
            &at_level(&view.kecamatan, KECAMATAN),
        )?,
        kecamatan_pagu_chart: pagu_chart(tr, tr.t("statistics.kecamatan_pagu_chart"), &view.kecamatan, KECAMATAN)?,
        kecamatan: view.kecamatan.iter().map(|g| group_row(tr, g, KELURAHAN, KECAMATAN)).collect(),
        opd_chart: decisions_chart(tr, tr.t("statistics.opd_chart"), &at_level(&view.opd, FORUM_OPD))?,
        opd_pagu_chart: pagu_chart(tr, tr.t("statistics.opd_pagu_chart"), &view.opd, FORUM_OPD)?,
        opd: view.opd.iter().map(|g| group_row(tr, g, KECAMATAN, FORUM_OPD)).collect(),
        keyed: vec![
            KeyedSection {
                id: "per-bidang",
                heading: "statistics.by_bidang",
                chart: decisions_chart(tr, tr.t("statistics.bidang_chart"), &chart_rows(&bidang))?,
                caption: "statistics.bidang_chart",
                key_label: "field.bidang",
                rows: bidang.into_iter().map(|(_, row, _)| row).collect(),
            },
            KeyedSection {
                id: "per-origin",
                heading: "statistics.by_origin",
                chart: decisions_chart(tr, tr.t("statistics.origin_chart"), &chart_rows(&origin))?,
                caption: "statistics.origin_chart",
                key_label: "field.origin",
                rows: origin.into_iter().map(|(_, row, _)| row).collect(),
            },
        ],
        own_lines: tr.f("statistics.own_lines", &[("count", &tr.count(own_count)), ("pagu", &cost_text(tr, own_pagu))]),
        c: Chrome::new(&ctx),
    })
}
