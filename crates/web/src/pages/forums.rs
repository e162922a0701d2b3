//! "Tugas saya" and the forum page: what waits for each operator, and where a forum decides,
//! ranks, records its minutes and closes. Every action is a plain form (no JavaScript needed).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::RegionCode;
use domain::cycle::{CycleFacts, Stage};
use domain::documents::ScanOf;
use domain::musrenbang::{DecisionInput, MeetingInput, runs_forum, stage_open};
use domain::planning::{FlagCandidate, ForumKey, RedFlag, Status, format_volume, forum_region_of, red_flags};
use domain::{Command, Event, MusrenbangCommand, MusrenbangEvent, Role, Scope};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Chrome, form_errors};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::proposals::{decision_input, forum_cycle, forum_key, unit_prices};
use crate::views::scans::ScanList;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(tasks))
        .route("/tasks.xlsx", get(tasks_xlsx))
        .route("/forums/{cycle}/{stage}/{region}", get(show))
        .route("/forums/{cycle}/{stage}/{region}/daftar.xlsx", get(show_xlsx))
        .route("/forums/{cycle}/{stage}/{region}/template.xlsx", get(import_template))
        .route("/forums/{cycle}/{stage}/{region}/berita-acara.pdf", get(berita_acara_pdf))
        .route("/forums/{cycle}/{stage}/{region}/daftar-prioritas.pdf", get(daftar_prioritas_pdf))
        .route("/forums/{cycle}/{stage}/{region}/import", get(import_form).post(import_upload))
        .route("/forums/{cycle}/{stage}/{region}/ranking", post(rank))
        .route("/forums/{cycle}/{stage}/{region}/accept", post(accept_selected))
        .route("/forums/{cycle}/{stage}/{region}/minutes", post(minutes))
        .route("/forums/{cycle}/{stage}/{region}/close", post(close))
        .route("/forums/{cycle}/{stage}/{region}/pindaian", post(upload_scan))
        .route("/pindaian/{sha256}", get(scan))
        .route("/proposals/{id}/decide", post(decide))
}

pub use crate::views::proposals::forum_href;

/// A scan's bytes, as uploaded (public, like the forum it belongs to).
async fn scan(ctx: PageCtx, Path(sha256): Path<String>) -> AppResult<Response> {
    crate::views::scans::scan_download(&ctx.state, &sha256).await
}

/// A window in words: when it runs, or that it was never scheduled.
pub(super) fn window_text(tr: &Tr, cycle: &CycleFacts, stage: Stage) -> String {
    match cycle.windows.get(&stage) {
        Some(w) => tr.f("forum.window", &[("opens", &tr.datetime(w.opens)), ("closes", &tr.datetime(w.closes))]),
        None => tr.t("tasks.unscheduled").to_string(),
    }
}

struct TaskRow {
    href: String,
    forum: String,
    proposals: usize,
    pending: usize,
    state: String,
}

struct CycleTasks {
    year: i32,
    title: String,
    calendar: Option<String>,
    rows: Vec<TaskRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks.html")]
struct TasksPage {
    c: Chrome,
    cycles: Vec<CycleTasks>,
}

/// The forums a grant runs: its region's forum at the stage its role acts in.
fn forums_of(grant: &domain::Grant, cycle: &CycleFacts) -> Vec<ForumKey> {
    let stage = match grant.role {
        Role::KepalaLingkungan | Role::Warga => Stage::RembukWarga,
        Role::OperatorKelurahan => Stage::MusrenbangKelurahan,
        Role::OperatorKecamatan => Stage::MusrenbangKecamatan,
        _ => return Vec::new(),
    };
    match &grant.scope {
        Scope::Region(region) => vec![ForumKey { cycle_id: cycle.id, stage, region: region.clone() }],
        _ => Vec::new(),
    }
}

async fn tasks(ctx: PageCtx) -> AppResult<TasksPage> {
    let cycles = cycle_tasks(&ctx).await?;
    Ok(TasksPage { c: Chrome::new(&ctx), cycles })
}

/// The forums of the user's tasks as a workbook: one row per forum, with its cycle's year.
async fn tasks_xlsx(ctx: PageCtx) -> AppResult<Response> {
    use reports::xlsx::{Book, Cell};
    let cycles = cycle_tasks(&ctx).await?;
    let tr = ctx.tr;
    let mut book = Book::new();
    let keys = ["xlsx.tahun_anggaran", "xlsx.forum", "xlsx.entries", "xlsx.pending", "xlsx.state", "xlsx.page"];
    book.sheet(tr.t("xlsx.tasks"), &crate::views::xlsx::headers(&tr, &keys))?;
    for cycle in &cycles {
        for row in &cycle.rows {
            book.row(&[
                Cell::Integer(i64::from(cycle.year)),
                Cell::Text(row.forum.clone()),
                Cell::Integer(row.proposals as i64),
                Cell::Integer(row.pending as i64),
                Cell::Text(row.state.clone()),
                Cell::Text(row.href.clone()),
            ])?;
        }
    }
    Ok(crate::views::xlsx::download("tugas", crate::views::xlsx::finish(book).await?))
}

/// Every forum the user's grants give them in each cycle of their pemda, and where it stands.
async fn cycle_tasks(ctx: &PageCtx) -> AppResult<Vec<CycleTasks>> {
    let user = ctx.require_user()?;
    let store = &ctx.state.store;
    let tr = ctx.tr;
    let now = OffsetDateTime::now_utc();
    let is_admin = user.grants.iter().any(|g| g.role == Role::BappedaAdmin);
    let mut cycles = Vec::new();
    for cycle in store.cycles(&user.pemda).await? {
        let mut rows = Vec::new();
        for key in user.grants.iter().flat_map(|g| forums_of(g, &cycle)) {
            let view = store.forum_page(&key, 0, 0).await?;
            let region = store.region(&key.region).await?.map(|r| r.name).unwrap_or_default();
            let state = if view.facts.closed {
                tr.t("tasks.closed").to_string()
            } else {
                match cycle.windows.get(&key.stage) {
                    Some(w) if w.contains(now) => tr.f("tasks.open_until", &[("closes", &tr.datetime(w.closes))]),
                    Some(w) => {
                        tr.f("tasks.not_open", &[("opens", &tr.datetime(w.opens)), ("closes", &tr.datetime(w.closes))])
                    }
                    None => tr.t("tasks.unscheduled").to_string(),
                }
            };
            rows.push(TaskRow {
                href: forum_href(&key),
                forum: format!("{} {region} ({})", tr.stage(key.stage), key.region),
                proposals: view.totals.entries as usize,
                pending: view.totals.pending as usize,
                state,
            });
        }
        if rows.is_empty() && !is_admin {
            continue;
        }
        cycles.push(CycleTasks {
            year: cycle.tahun_anggaran,
            title: tr.f("tasks.cycle", &[("year", &cycle.tahun_anggaran.to_string())]),
            calendar: is_admin.then(|| format!("/cycles/{}", cycle.id)),
            rows,
        });
    }
    Ok(cycles)
}

/// One accepted proposal in an OPD's list: rank, title, cost.
type OpdRow = (String, String, String);

/// One proposal's card: names first, codes as secondary text.
struct ItemView {
    id: Uuid,
    title: String,
    origin: &'static str,
    lingkungan: String,
    lingkungan_code: String,
    kamus: String,
    opd: String,
    volume: String,
    cost: String,
    status: &'static str,
    status_key: &'static str,
    pending: bool,
    rank: String,
    reason: String,
    flags: Vec<(String, Option<Uuid>)>,
    /// Why its decision was refused, shown on its card.
    errors: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "forum.html")]
struct ForumPage {
    c: Chrome,
    heading: String,
    window: String,
    state: &'static str,
    closed: bool,
    stage_key: &'static str,
    href: String,
    new_href: String,
    accepted: String,
    /// At an open rembuk warga holding more than its cap: which go up when it closes.
    cap_note: Option<String>,
    pending: usize,
    total: String,
    ceiling: Option<String>,
    remaining: Option<(String, bool)>,
    items: Vec<ItemView>,
    can_act: bool,
    can_decide: bool,
    kamus: Vec<(String, String)>,
    lingkungan: Vec<(String, String)>,
    opds: Vec<(String, String)>,
    minutes_date: String,
    minutes_place: String,
    minutes_chair: String,
    minutes_attendees: String,
    minutes_delegates: String,
    /// For a kecamatan: what it accepted, per OPD in rank order, as the forum OPD receives it.
    per_opd: Vec<(String, Vec<OpdRow>)>,
    shows_per_opd: bool,
    /// Every accepted proposal (id, title, rank), for the ranking form, whatever the page.
    ranking: Vec<(Uuid, String, String)>,
    page: usize,
    previous: Option<String>,
    next: Option<String>,
    errors: Vec<String>,
    scans: ScanList,
}

pub fn flag_text(tr: &Tr, flag: &RedFlag) -> (String, Option<Uuid>) {
    match flag {
        RedFlag::PriceDeparts { stage_unit_price, kamus_unit_price } => (
            tr.f(
                "flag.price_departs",
                &[("stage_price", &tr.rupiah(*stage_unit_price)), ("kamus_price", &tr.rupiah(*kamus_unit_price))],
            ),
            None,
        ),
        RedFlag::NearDuplicate { other, metres } => {
            (tr.f("flag.near_duplicate", &[("metres", &metres.to_string())]), Some(*other))
        }
        RedFlag::SameStreet { other } => (tr.t("flag.same_street").to_string(), Some(*other)),
        RedFlag::MoreDuplicates { count } => {
            (tr.f("flag.more_duplicates", &[("count", &tr.count(*count as u64))]), None)
        }
        RedFlag::PokirCostOutOfLine { cost, typical } => (
            tr.f(
                "flag.pokir_cost",
                &[
                    ("cost", &tr.rupiah(*cost)),
                    ("typical", &tr.rupiah(*typical)),
                    ("times", &domain::planning::POKIR_COST_MULTIPLE.to_string()),
                ],
            ),
            None,
        ),
        RedFlag::PokirConcentrated { kelurahan, count, of } => (
            tr.f(
                "flag.pokir_concentrated",
                &[("count", &count.to_string()), ("of", &of.to_string()), ("kelurahan", kelurahan.as_str())],
            ),
            None,
        ),
        RedFlag::PokirIdentical { kamus_code, cost, count } => (
            tr.f(
                "flag.pokir_identical",
                &[("count", &count.to_string()), ("kamus", kamus_code), ("cost", &tr.rupiah(*cost))],
            ),
            None,
        ),
    }
}

/// How many proposals one forum page shows: a kecamatan's hundreds, each with its decision form,
/// would be a megabyte of HTML on a phone.
const FORUM_PAGE: usize = 50;

/// Messages for the page, and the proposal they concern when one decision was refused (shown
/// on its card as well, which is all an in-place decision swaps).
#[derive(Default)]
struct Refusal {
    messages: Vec<String>,
    of: Option<Uuid>,
}

async fn forum_page(ctx: &mut PageCtx, key: &ForumKey, refusal: Refusal, page: usize) -> AppResult<ForumPage> {
    // A dozen reads: on one connection (no read through the pool besides, see `Store::reading`).
    let store = ctx.state.store.reading().await?;
    let tr = ctx.tr;
    let cycle = forum_cycle(&store, key).await?;
    let region = store.region(&key.region).await?.ok_or(AppError::NotFound)?;
    let per_page = FORUM_PAGE as u64;
    let view = store.forum_page(key, (page as u64).saturating_mul(per_page), per_page).await?;
    let facts = &view.facts;
    let totals = &view.totals;
    let page = (view.first / per_page) as usize;
    let pages = totals.entries.div_ceil(per_page).max(1) as usize;
    let now = OffsetDateTime::now_utc();
    let open = stage_open(&cycle, key.stage, now);
    let can_act = runs_forum(&ctx.actor(), key.stage, &key.region) && open && !facts.closed;
    if can_act {
        ctx.ensure_csrf().await?;
    }
    let mut codes: Vec<String> = view.items.iter().map(|(_, r)| r.figures.kamus_code.clone()).collect();
    codes.sort();
    codes.dedup();
    let kamus_items = store.kamus_items(&cycle.pemda, cycle.tahun_anggaran, &codes).await?;
    let prices = unit_prices(&kamus_items);
    let mut lingkungan_codes: Vec<RegionCode> =
        view.items.iter().map(|(_, r)| r.figures.location.lingkungan.clone()).collect();
    lingkungan_codes.sort();
    lingkungan_codes.dedup();
    let lingkungan_names = store.region_names(&lingkungan_codes).await?;
    // Tens of OPD per pemda: read whole, named on every card and in the per-OPD list.
    let opd_names: HashMap<String, String> =
        store.opds(&cycle.pemda).await?.into_iter().map(|o| (o.code, o.name)).collect();
    let subjects: Vec<FlagCandidate> =
        view.items.iter().map(|(summary, record)| FlagCandidate::of(summary.id, &record.figures)).collect();
    let neighbours = store.flag_candidates(cycle.id, &subjects).await?;
    // What the forum accepted, whole: the ranking form orders all of it, and a kecamatan shows
    // it per OPD as its output. Only read where shown, and not when the counts say it is empty.
    let shown = can_act || key.stage == Stage::MusrenbangKecamatan;
    let accepted_items = if shown && totals.accepted > 0 { store.forum_accepted(key).await? } else { Vec::new() };
    let ranking = if can_act {
        accepted_items
            .iter()
            .map(|(summary, record)| {
                (summary.id, summary.title.clone(), record.rank.map(|r| r.to_string()).unwrap_or_default())
            })
            .collect()
    } else {
        Vec::new()
    };
    let href = forum_href(key);
    let pager = |to: usize| if to == 0 { href.clone() } else { format!("{href}?page={to}") };
    let previous = (page > 0).then(|| pager(page - 1));
    let next = (page + 1 < pages).then(|| pager(page + 1));
    let items = view
        .items
        .iter()
        .zip(&subjects)
        .map(|((summary, record), subject)| {
            let flags = red_flags(subject, &record.figures, &neighbours, &prices);
            let figures = &record.figures;
            ItemView {
                id: summary.id,
                title: summary.title.clone(),
                origin: tr.origin(summary.origin),
                lingkungan: lingkungan_names.get(&figures.location.lingkungan).cloned().unwrap_or_default(),
                lingkungan_code: figures.location.lingkungan.to_string(),
                kamus: kamus_items
                    .get(&figures.kamus_code)
                    .map_or_else(|| figures.kamus_code.clone(), |k| k.name.clone()),
                opd: opd_names.get(&figures.opd_code).cloned().unwrap_or_else(|| figures.opd_code.clone()),
                volume: format!("{} {}", format_volume(record.figures.volume), record.figures.unit),
                cost: tr.rupiah(record.figures.cost),
                status: tr.status(record.status),
                status_key: record.status.as_str(),
                pending: record.status == Status::Pending,
                rank: record.rank.map(|r| r.to_string()).unwrap_or_default(),
                reason: record.reason.clone().unwrap_or_default(),
                flags: flags.iter().map(|f| flag_text(&tr, f)).collect(),
                errors: if refusal.of == Some(summary.id) { refusal.messages.clone() } else { Vec::new() },
            }
        })
        .collect();
    // Only costs the rules let in are stored, so the sum fits; data written before the bounds
    // existed may not, and is shown as such rather than as a wrapped figure.
    let total = totals.accepted_cost;
    let accepted = totals.accepted as usize;
    let cap = cycle.caps.for_stage(key.stage);
    let accepted_text = match cap {
        Some(cap) => tr.f(
            "forum.accepted_of_cap",
            &[("accepted", &tr.number(accepted as i64)), ("cap", &tr.number(i64::from(cap)))],
        ),
        None => tr.f("forum.accepted_no_cap", &[("accepted", &tr.number(accepted as i64))]),
    };
    let (kamus, lingkungan, opds) = if can_act && key.stage != Stage::RembukWarga {
        let kamus = store.kamus(&cycle.pemda, cycle.tahun_anggaran).await?;
        let lingkungan = store.lingkungan_within(&key.region).await?;
        let opds = store.opds(&cycle.pemda).await?;
        (
            kamus
                .into_iter()
                .map(|k| (k.code.clone(), format!("{} ({}, {})", k.name, k.unit, tr.rupiah(k.unit_price))))
                .collect(),
            lingkungan.into_iter().map(|l| (l.code.to_string(), format!("{} ({})", l.name, l.code))).collect(),
            opds.into_iter().map(|o| (o.code.clone(), format!("{} ({})", o.name, o.code))).collect(),
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let meeting = facts.meeting.clone();
    let scans =
        scan_list_of(ctx, &store, &cycle, ScanOf::Musrenbang { key: key.clone() }, meeting.is_some(), &href).await?;
    let mut per_opd: Vec<(String, Vec<OpdRow>)> = Vec::new();
    if key.stage == Stage::MusrenbangKecamatan {
        let names = &opd_names;
        let mut accepted: Vec<_> = accepted_items.iter().collect();
        accepted.sort_by_key(|(_, r)| (r.figures.opd_code.clone(), r.rank.unwrap_or(u32::MAX)));
        for (summary, record) in accepted {
            let opd = &record.figures.opd_code;
            let heading = format!("{} ({opd})", names.get(opd).cloned().unwrap_or_default());
            if per_opd.last().is_none_or(|(h, _)| *h != heading) {
                per_opd.push((heading, Vec::new()));
            }
            if let Some((_, rows)) = per_opd.last_mut() {
                rows.push((
                    record.rank.map(|r| r.to_string()).unwrap_or_default(),
                    summary.title.clone(),
                    tr.rupiah(record.figures.cost),
                ));
            }
        }
    }
    Ok(ForumPage {
        per_opd,
        shows_per_opd: key.stage == Stage::MusrenbangKecamatan,
        ranking,
        page,
        previous,
        next,
        heading: tr.f(
            "forum.title",
            &[("stage", tr.stage(key.stage)), ("region", &format!("{} ({})", region.name, region.code))],
        ),
        window: window_text(&tr, &cycle, key.stage),
        state: if facts.closed {
            tr.t("forum.closed")
        } else if open {
            tr.t("forum.open")
        } else {
            tr.t("forum.not_open")
        },
        closed: facts.closed,
        stage_key: key.stage.as_str(),
        href,
        new_href: format!("/proposals/new?cycle={}&stage={}&region={}", key.cycle_id, key.stage.as_str(), key.region),
        accepted: accepted_text,
        cap_note: cap
            .filter(|cap| key.stage == Stage::RembukWarga && !facts.closed && accepted > *cap as usize)
            .map(|cap| tr.f("forum.cap_by_ranking", &[("cap", &tr.number(i64::from(cap)))])),
        pending: totals.pending as usize,
        total: total.map_or_else(|| tr.t("forum.total_too_large").to_string(), |t| tr.rupiah(t)),
        ceiling: facts.ceiling.map(|c| tr.rupiah(c)),
        remaining: facts.ceiling.zip(total).map(|(c, t)| (tr.rupiah((c - t).abs()), t > c)),
        items,
        can_act,
        can_decide: can_act && key.stage != Stage::RembukWarga,
        kamus,
        lingkungan,
        opds,
        minutes_date: meeting.as_ref().map(|m| m.date.clone()).unwrap_or_default(),
        minutes_place: meeting.as_ref().map(|m| m.place.clone()).unwrap_or_default(),
        minutes_chair: meeting.as_ref().map(|m| m.chair.clone()).unwrap_or_default(),
        minutes_attendees: meeting
            .as_ref()
            .map(|m| m.attendees.iter().map(|a| format!("{}, {}", a.name, a.role)).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default(),
        minutes_delegates: meeting.as_ref().map(|m| m.delegates.join("\n")).unwrap_or_default(),
        errors: refusal.messages,
        scans,
        c: Chrome::new(ctx),
    })
}

/// A forum's signed scans, with the upload form for whoever runs the forum once its minutes
/// are recorded (a scan is refused before, whatever a form sends).
pub(super) async fn scan_list_of(
    ctx: &mut PageCtx,
    store: &store::Store<impl store::Reads>,
    cycle: &CycleFacts,
    of: ScanOf,
    minutes: bool,
    href: &str,
) -> AppResult<ScanList> {
    let may = minutes && domain::documents::may_attach_scan(&ctx.actor(), &of, &cycle.pemda).is_ok();
    if may {
        ctx.ensure_csrf().await?;
    }
    crate::views::scans::scan_list(store, &ctx.tr, &of, may.then(|| format!("{href}/pindaian"))).await
}

/// A scan from its upload form (the form's CSRF token checked), kept and journaled.
pub(super) async fn attach_scan(ctx: &PageCtx, of: ScanOf, multipart: axum::extract::Multipart) -> AppResult<()> {
    let upload = super::read_upload(multipart, "scan", AppError::invalid("scan", domain::Rule::ScanType)).await?;
    ctx.check_csrf(upload.text("csrf"))?;
    ctx.require_user()?;
    let bytes =
        upload.file.filter(|f| !f.is_empty()).ok_or_else(|| AppError::invalid("scan", domain::Rule::Required))?;
    ctx.state.store.attach_scan(&ctx.actor(), of, bytes, OffsetDateTime::now_utc()).await?;
    Ok(())
}

/// The forum's signed berita acara, scanned: kept and journaled, or the page again with why not.
async fn upload_scan(
    mut ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    forum_cycle(&ctx.state.store, &key).await?;
    match attach_scan(&ctx, ScanOf::Musrenbang { key: key.clone() }, multipart).await {
        Ok(_) => {
            ctx.set_flash(ctx.tr.t("scan.uploaded").to_string()).await?;
            Ok(Redirect::to(&format!("{}#pindaian", forum_href(&key))).into_response())
        }
        Err(error) => {
            let messages = form_errors(&ctx.tr, error)?;
            let rendered = forum_page(&mut ctx, &key, Refusal { messages, of: None }, 0).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, rendered).into_response())
        }
    }
}

#[derive(serde::Deserialize)]
struct PageQuery {
    page: Option<usize>,
}

/// A forum's whole list as an Excel workbook: its proposals in rank order with the figures at
/// its stage and each decision, and a sheet of its totals against the pagu.
async fn show_xlsx(ctx: PageCtx, Path((cycle, stage, region)): Path<(String, String, String)>) -> AppResult<Response> {
    use reports::xlsx::{Book, Cell};
    let key = forum_key(&cycle, &stage, &region)?;
    let store = &ctx.state.store;
    let tr = ctx.tr;
    let cycle = forum_cycle(store, &key).await?;
    let region = store.region(&key.region).await?.ok_or(AppError::NotFound)?;
    let view = store.forum(&key).await?;
    let mut lingkungan: Vec<RegionCode> =
        view.items.iter().map(|(_, r)| r.figures.location.lingkungan.clone()).collect();
    lingkungan.sort();
    lingkungan.dedup();
    let names = store.region_names(&lingkungan).await?;
    let opds: HashMap<String, String> = store.opds(&cycle.pemda).await?.into_iter().map(|o| (o.code, o.name)).collect();
    let keys = [
        "xlsx.rank",
        "xlsx.title",
        "xlsx.lingkungan",
        "xlsx.address",
        "xlsx.kamus_code",
        "xlsx.volume",
        "xlsx.unit",
        "xlsx.unit_price",
        "xlsx.cost",
        "xlsx.opd",
        "xlsx.status",
        "xlsx.reason",
        "xlsx.decided_by",
        "xlsx.id",
    ];
    let mut book = Book::new();
    let heading = tr.f("forum.title", &[("stage", tr.stage(key.stage)), ("region", &region.name)]);
    book.sheet(tr.t("xlsx.proposals"), &crate::views::xlsx::headers(&tr, &keys))?;
    for (summary, record) in &view.items {
        let f = &record.figures;
        book.row(&[
            record.rank.map_or(Cell::Empty, |r| Cell::Integer(i64::from(r))),
            Cell::Text(summary.title.clone()),
            Cell::Text(names.get(&f.location.lingkungan).cloned().unwrap_or_else(|| f.location.lingkungan.to_string())),
            Cell::Text(f.location.address.clone()),
            Cell::Text(f.kamus_code.clone()),
            Cell::Volume(f.volume),
            Cell::Text(f.unit.clone()),
            Cell::Rupiah(f.unit_price),
            Cell::Rupiah(f.cost),
            Cell::Text(opds.get(&f.opd_code).cloned().unwrap_or_else(|| f.opd_code.clone())),
            Cell::from(tr.status(record.status)),
            Cell::Text(record.reason.clone().unwrap_or_default()),
            Cell::Text(record.decided_by.clone().unwrap_or_default()),
            Cell::Text(summary.id.to_string()),
        ])?;
    }
    let totals = &view.totals;
    book.sheet(tr.t("xlsx.summary"), &crate::views::xlsx::headers(&tr, &["xlsx.item", "xlsx.value"]))?;
    let mut summary = vec![
        (tr.t("xlsx.forum").to_string(), Cell::Text(heading)),
        (tr.t("xlsx.entries").to_string(), Cell::Integer(totals.entries as i64)),
        (tr.t("xlsx.accepted").to_string(), Cell::Integer(totals.accepted as i64)),
        (tr.t("xlsx.pending").to_string(), Cell::Integer(totals.pending as i64)),
        (tr.t("xlsx.accepted_cost").to_string(), totals.accepted_cost.map_or(Cell::Empty, Cell::Rupiah)),
    ];
    if let Some(ceiling) = view.facts.ceiling {
        summary.push((tr.t("xlsx.ceiling").to_string(), Cell::Rupiah(ceiling)));
    }
    for (label, value) in summary {
        book.row(&[Cell::Text(label), value])?;
    }
    let file = format!("forum-{}-{}-{}", key.stage.as_str(), key.region, cycle.tahun_anggaran);
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

/// The forum's berita acara as a PDF to print and sign; its hash goes into the journal.
async fn berita_acara_pdf(
    ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let (document, subject) = crate::views::print::berita_acara(&ctx.state, &ctx.tr, &key).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

/// The forum's daftar usulan prioritas as a PDF.
async fn daftar_prioritas_pdf(
    ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let (document, subject) = crate::views::print::daftar_prioritas(&ctx.state, &ctx.tr, &key).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

/// The forum's Excel template for proposals gathered on paper.
async fn import_template(
    ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let bytes = crate::views::import::template(&ctx.state, &ctx.tr, &key).await?;
    let file = format!("templat-usulan-{}-{}", key.stage.as_str(), key.region);
    Ok(crate::views::xlsx::download(&file, bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "forum_import.html")]
struct ImportPage {
    c: Chrome,
    heading: String,
    href: String,
    csrf: String,
    /// Each refused row: the sheet's row, the column, the reason.
    report: Vec<(String, String, String)>,
    errors: Vec<String>,
}

/// Who may import into a forum: whoever runs it, while it is open.
async fn import_page(ctx: &mut PageCtx, key: &ForumKey) -> AppResult<ImportPage> {
    ctx.require_user()?;
    let store = &ctx.state.store;
    forum_cycle(store, key).await?;
    let region = store.region(&key.region).await?.ok_or(AppError::NotFound)?;
    if !runs_forum(&ctx.actor(), key.stage, &key.region) {
        return Err(AppError::Forbidden);
    }
    let tr = ctx.tr;
    Ok(ImportPage {
        heading: tr.f(
            "import.title",
            &[("forum", &tr.f("forum.title", &[("stage", tr.stage(key.stage)), ("region", &region.name)]))],
        ),
        href: forum_href(key),
        csrf: ctx.ensure_csrf().await?,
        report: Vec::new(),
        errors: Vec::new(),
        c: Chrome::new(ctx),
    })
}

async fn import_form(
    mut ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
) -> AppResult<ImportPage> {
    let key = forum_key(&cycle, &stage, &region)?;
    import_page(&mut ctx, &key).await
}

/// Imports the uploaded template: all rows or none; the refused rows listed by row and column.
async fn import_upload(
    mut ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let upload =
        super::read_upload(multipart, "file", AppError::invalid("file", domain::Rule::Format { expected: "xlsx" }))
            .await?;
    ctx.check_csrf(upload.text("csrf"))?;
    let mut page = import_page(&mut ctx, &key).await?;
    let bytes = upload.file.unwrap_or_default();
    let outcome = if bytes.is_empty() {
        Ok(crate::views::import::Imported::Refused(vec![domain::FieldError::new("file", domain::Rule::Required)]))
    } else {
        crate::views::import::import(&ctx.state, &ctx.actor(), &key, &bytes, &|_| {}).await
    };
    match outcome {
        Ok(crate::views::import::Imported::All(count)) => {
            ctx.set_flash(ctx.tr.f("import.done", &[("count", &ctx.tr.number(count as i64))])).await?;
            Ok(Redirect::to(&forum_href(&key)).into_response())
        }
        Ok(crate::views::import::Imported::Refused(errors)) => {
            page.errors = vec![ctx.tr.f("import.refused", &[("count", &ctx.tr.number(errors.len() as i64))])];
            page.report = errors
                .iter()
                .map(|e| {
                    let at = crate::views::import::locate(&e.field);
                    let row = at.row.map(|r| r.to_string()).unwrap_or_else(|| "—".into());
                    let column = if at.column.is_empty() { "—".to_string() } else { at.column };
                    (row, column, ctx.tr.rule_message(e))
                })
                .collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => {
            page.errors = form_errors(&ctx.tr, error)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn show(
    mut ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
    axum::extract::Query(query): axum::extract::Query<PageQuery>,
) -> AppResult<ForumPage> {
    let key = forum_key(&cycle, &stage, &region)?;
    forum_page(&mut ctx, &key, Refusal::default(), query.page.unwrap_or(0)).await
}

/// What a forum's form asks of the store: one command, or several decided together (all or none).
struct Act {
    commands: Vec<Command>,
    /// The proposal a refusal concerns, when the form was about one.
    about: Option<Uuid>,
}

impl From<Command> for Act {
    fn from(command: Command) -> Act {
        Act { commands: vec![command], about: None }
    }
}

/// Runs a forum's commands and reports `done(events)`; on a refusal of the input, shows the
/// forum again with the messages.
async fn run(
    mut ctx: PageCtx,
    key: ForumKey,
    act: Act,
    done: impl FnOnce(&Tr, &[Event]) -> String,
    page: usize,
) -> AppResult<Response> {
    ctx.require_user()?;
    let now = OffsetDateTime::now_utc();
    let store = ctx.state.store.clone();
    let outcome = match act.commands.as_slice() {
        [command] => store.execute(&ctx.actor(), command, now).await,
        commands => store.execute_batch(&ctx.actor(), commands, now).await,
    };
    match outcome {
        Ok(events) => {
            ctx.set_flash(done(&ctx.tr, &events)).await?;
            let back = if page == 0 { forum_href(&key) } else { format!("{}?page={page}", forum_href(&key)) };
            Ok(Redirect::to(&back).into_response())
        }
        Err(error) => {
            let error = AppError::from(error);
            let messages = match error {
                AppError::CannotClose(problem) => {
                    vec![format!("{} {}", ctx.tr.t("error.cannot_close"), ctx.tr.close_problem(&problem))]
                }
                other => form_errors(&ctx.tr, other)?,
            };
            let rendered = forum_page(&mut ctx, &key, Refusal { messages, of: act.about }, page).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, rendered).into_response())
        }
    }
}

/// The pairs of a form, repeated fields included, and its CSRF token checked.
fn pairs(ctx: &PageCtx, form: &[(String, String)]) -> AppResult<HashMap<String, Vec<String>>> {
    let mut fields: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in form {
        fields.entry(name.clone()).or_default().push(value.clone());
    }
    let csrf = fields.get("csrf").and_then(|v| v.first()).cloned().unwrap_or_default();
    ctx.check_csrf(&csrf)?;
    Ok(fields)
}

fn first(fields: &HashMap<String, Vec<String>>, name: &str) -> String {
    fields.get(name).and_then(|v| v.first()).cloned().unwrap_or_default()
}

async fn rank(
    ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let fields = pairs(&ctx, &form)?;
    // Each accepted proposal comes with a number; the order is those numbers, ties by the order
    // the fields came in. An arrow then moves one proposal a place up or down that order.
    let mut numbered: Vec<(u32, usize, Uuid)> = Vec::new();
    for (position, (name, value)) in form.iter().enumerate() {
        if let Some(id) = name.strip_prefix("rank_").and_then(|id| Uuid::parse_str(id).ok()) {
            let number = value
                .trim()
                .parse::<u32>()
                .map_err(|_| AppError::invalid("order", domain::Rule::Format { expected: "rank" }))?;
            numbered.push((number, position, id));
        }
    }
    numbered.sort();
    let mut order: Vec<Uuid> = numbered.into_iter().map(|(_, _, id)| id).collect();
    let moved = first(&fields, "move");
    if let Some((direction, id)) = moved.split_once(':') {
        let at = Uuid::parse_str(id).ok().and_then(|id| order.iter().position(|o| *o == id));
        match (direction, at) {
            ("up", Some(at)) if at > 0 => order.swap(at, at - 1),
            ("down", Some(at)) if at + 1 < order.len() => order.swap(at, at + 1),
            _ => {}
        }
    }
    let page = first(&fields, "page").parse().unwrap_or(0);
    run(
        ctx,
        key.clone(),
        Command::Musrenbang(MusrenbangCommand::RankForum { forum: key, order }).into(),
        |tr, _| tr.t("forum.ranked").to_string(),
        page,
    )
    .await
}

/// The most proposals one "accept the selected" may carry: a page's worth and more.
const SELECTED_MAX: usize = 500;

/// Accepts each selected proposal as it was forwarded, all in one transaction: a refusal of any
/// (one decided meanwhile elsewhere, the window closed) leaves every one undecided.
async fn accept_selected(
    ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let fields = pairs(&ctx, &form)?;
    let mut ids = Vec::new();
    for value in fields.get("selected").into_iter().flatten() {
        let id = Uuid::parse_str(value.trim())
            .map_err(|_| AppError::invalid("selected", domain::Rule::Format { expected: "uuid" }))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(AppError::invalid("selected", domain::Rule::Required));
    }
    if ids.len() > SELECTED_MAX {
        return Err(AppError::invalid("selected", domain::Rule::AboveMax { max: SELECTED_MAX as i64 }));
    }
    let count = ids.len();
    let commands = ids
        .into_iter()
        .map(|proposal_id| {
            Command::Musrenbang(MusrenbangCommand::DecideProposal {
                proposal_id,
                stage: key.stage,
                decision: DecisionInput::Accept,
            })
        })
        .collect();
    let page = first(&fields, "page").parse().unwrap_or(0);
    let done = move |tr: &Tr, _: &[Event]| tr.f("forum.accepted_selected", &[("count", &tr.number(count as i64))]);
    run(ctx, key, Act { commands, about: None }, done, page).await
}

/// "Nama, Peran" per line; a line without a comma is a name with no role given.
pub(super) fn attendees(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match line.split_once([',', ';']) {
            Some((name, role)) => (name.trim().to_string(), role.trim().to_string()),
            None => (line.trim().to_string(), String::new()),
        })
        .collect()
}

async fn minutes(
    ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    let fields = pairs(&ctx, &form)?;
    let meeting = MeetingInput {
        date: first(&fields, "date"),
        place: first(&fields, "place"),
        chair: first(&fields, "chair"),
        attendees: attendees(&first(&fields, "attendees")),
        delegates: first(&fields, "delegates")
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
    };
    let done = |tr: &Tr, _: &[Event]| tr.t("forum.minutes_saved").to_string();
    let command = Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: key.clone(), meeting });
    run(ctx, key, command.into(), done, 0).await
}

async fn close(
    ctx: PageCtx,
    Path((cycle, stage, region)): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let key = forum_key(&cycle, &stage, &region)?;
    pairs(&ctx, &form)?;
    // The count comes from what the close itself forwarded, not from a read made before it.
    let done = |tr: &Tr, events: &[Event]| {
        let forwarded = events.iter().find_map(|e| match e {
            Event::Musrenbang(MusrenbangEvent::ForumClosed { forwarded, .. }) => Some(forwarded.len()),
            _ => None,
        });
        tr.f("forum.closed_done", &[("count", &forwarded.unwrap_or(0).to_string())])
    };
    run(ctx, key.clone(), Command::Musrenbang(MusrenbangCommand::CloseForum { forum: key }).into(), done, 0).await
}

async fn decide(ctx: PageCtx, Path(id): Path<String>, Form(form): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let fields = pairs(&ctx, &form)?;
    let proposal_id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let detail = ctx.state.store.proposal(proposal_id).await?.ok_or(AppError::NotFound)?;
    let stage = Stage::parse(&first(&fields, "stage")).ok_or(AppError::NotFound)?;
    let record = detail.records.iter().find(|r| r.stage == stage).ok_or(AppError::NotFound)?;
    let region = forum_region_of(&record.figures.location.lingkungan, stage).ok_or(AppError::NotFound)?;
    let key = ForumKey { cycle_id: detail.summary.cycle_id, stage, region };
    let decision = decision_input(
        &first(&fields, "decision"),
        first(&fields, "volume"),
        first(&fields, "kamus_code"),
        first(&fields, "lingkungan"),
        first(&fields, "address"),
        first(&fields, "opd_code"),
        first(&fields, "reason"),
    )?;
    let title = detail.summary.title.clone();
    let done = move |tr: &Tr, _: &[Event]| tr.f("forum.decided", &[("title", &title)]);
    let page = first(&fields, "page").parse().unwrap_or(0);
    let command = Command::Musrenbang(MusrenbangCommand::DecideProposal { proposal_id, stage, decision });
    run(ctx, key, Act { commands: vec![command], about: Some(proposal_id) }, done, page).await
}
