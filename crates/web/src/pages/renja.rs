//! The forum OPD and the Renja pages: an OPD's Renja (what reached it and its decisions, its
//! lines against its pagu indikatif, its berita acara and finalising), one line with the items
//! it carries and each stage's figures, and the RKPD of a cycle (every line under its urusan,
//! bidang, program and kegiatan, the totals, the musrenbang RKPD and the adoption). Everyone may
//! read them; the forms show only to who may use them, and the commands ask again.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::cycle::{CycleFacts, Stage};
use domain::documents::ScanOf;
use domain::musrenbang::{MeetingInput, stage_open};
use domain::nomenclature::NomenclatureItem;
use domain::renja::{FundingSource, LineInput, LineText, runs_forum_opd};
use domain::views::LineSummary;
use domain::{Action, Command, RenjaCommand, Resource, RkpdCommand};
use time::OffsetDateTime;
use uuid::Uuid;

use super::Chrome;
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::renja::{LineFlagText, RkpdTotals, TotalRow, line_flags_text, opd_decision, rkpd_groups};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/renja/{cycle}/{opd}", get(show))
        .route("/renja/{cycle}/{opd}/decide/{proposal}", post(decide))
        .route("/renja/{cycle}/{opd}/lines", post(save_line))
        .route("/renja/{cycle}/{opd}/minutes", post(minutes))
        .route("/renja/{cycle}/{opd}/finalise", post(finalise))
        .route("/renja/baris/{line}", get(line_page))
        .route("/renja/{cycle}/{opd}/renja.xlsx", get(renja_xlsx))
        .route("/renja/{cycle}/{opd}/{document}", get(renja_pdf))
        .route("/rkpd/{cycle}/{document}", get(rkpd_pdf))
        .route("/rkpd/{cycle}", get(rkpd_page))
        .route("/rkpd/{cycle}/rkpd.xlsx", get(rkpd_xlsx))
        .route("/rkpd/{cycle}/musrenbang", post(rkpd_musrenbang))
        .route("/rkpd/{cycle}/adopt", post(rkpd_adopt))
        .route("/renja/{cycle}/{opd}/pindaian", post(renja_scan))
        .route("/rkpd/{cycle}/pindaian", post(rkpd_scan))
}

/// How many items of an OPD's forum one page shows.
const ITEMS_PAGE: u64 = 50;

pub fn renja_href(cycle_id: Uuid, opd: &str) -> String {
    format!("/renja/{cycle_id}/{opd}")
}

async fn find_cycle(ctx: &PageCtx, id: &str) -> AppResult<CycleFacts> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    ctx.state.store.cycle(id).await?.ok_or(AppError::NotFound)
}

/// The words of a refusal the page shows beside its forms; access refusals stay error pages.
fn refusal_messages(tr: &Tr, error: AppError) -> AppResult<Vec<String>> {
    Ok(match error {
        AppError::Invalid(errors) => errors.iter().map(|e| tr.rule_message(e)).collect(),
        AppError::CannotClose(problem) => {
            vec![format!("{} {}", tr.cannot_close_title(&problem), tr.close_problem(&problem))]
        }
        AppError::StageClosed { stage, window } => vec![tr.stage_closed(stage, window.as_ref())],
        AppError::ForumClosed => vec![tr.t("error.forum_closed").to_string()],
        AppError::Adopted => vec![tr.t("error.adopted").to_string()],
        other => return Err(other),
    })
}

/// A line as the pages show it.
pub struct LineRow {
    pub href: String,
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub locations: String,
    pub output: String,
    /// Pagu at each stage that has figures: stage name and amount.
    pub pagu: Vec<(&'static str, String)>,
    pub funding: &'static str,
    pub prakiraan_maju: String,
    pub priority: String,
    pub sources: u64,
    pub first_stage: &'static str,
    pub flags: Vec<String>,
}

fn line_row(
    tr: &Tr,
    line: &LineSummary,
    names: &HashMap<String, NomenclatureItem>,
    regions: &HashMap<domain::RegionCode, String>,
) -> LineRow {
    let latest = line.latest();
    let code = latest.map(|c| c.sub_kegiatan.clone()).unwrap_or_default();
    let locations = match latest {
        Some(c) if !c.locations.is_empty() => c
            .locations
            .iter()
            .map(|l| regions.get(l).cloned().unwrap_or_else(|| l.to_string()))
            .collect::<Vec<_>>()
            .join(", "),
        _ => tr.t("renja.whole_pemda").to_string(),
    };
    LineRow {
        href: format!("/renja/baris/{}", line.id),
        id: line.id,
        name: names.get(&code).map(|n| n.name.clone()).unwrap_or_default(),
        code,
        locations,
        output: latest
            .map(|c| {
                format!("{}: {} {}", c.output.description, domain::money::format_volume(c.output.target), c.output.unit)
            })
            .unwrap_or_default(),
        pagu: line.stages.iter().map(|s| (tr.stage(s.stage), tr.rupiah(s.content.pagu))).collect(),
        funding: latest.map(|c| tr.t(&format!("funding.{}", c.funding.as_str()))).unwrap_or(""),
        prakiraan_maju: latest.map(|c| tr.rupiah(c.prakiraan_maju)).unwrap_or_default(),
        priority: latest.and_then(|c| c.priority.clone()).unwrap_or_default(),
        sources: line.sources,
        first_stage: tr.stage(line.first_stage),
        flags: line_flags_text(tr, line).into_iter().map(|LineFlagText(t)| t).collect(),
    }
}

/// An item that reached an OPD, as its page shows it.
pub struct ItemRow {
    pub id: Uuid,
    pub title: String,
    pub origin: &'static str,
    pub pokir: bool,
    pub place: String,
    pub volume: String,
    pub cost: String,
    pub status: &'static str,
    pub pending: bool,
    pub reason: String,
    pub line: String,
}

/// The line form as typed (kept when it is refused).
#[derive(serde::Deserialize, Default, Clone)]
pub struct LineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    line: String,
    #[serde(default)]
    stage: String,
    #[serde(flatten)]
    text: LineText,
}

#[derive(Template, WebTemplate)]
#[template(path = "renja.html")]
struct RenjaPage {
    c: Chrome,
    /// The proposal whose decision was refused: its card shows why, beside the form.
    refused: Option<Uuid>,
    heading: String,
    href: String,
    rkpd_href: String,
    renja_xlsx: String,
    window: String,
    state: &'static str,
    finalised: bool,
    ceiling: Option<String>,
    total: String,
    remaining: Option<(String, bool)>,
    lines: Vec<LineRow>,
    items: Vec<ItemRow>,
    items_total: u64,
    pending: usize,
    previous: Option<String>,
    next: Option<String>,
    page: u64,
    can_act: bool,
    /// The stage at which the line form saves, when someone may save lines now.
    line_stage: Option<Stage>,
    line_form: LineForm,
    sub_kegiatan: Vec<(String, String)>,
    kecamatan: Vec<(String, String)>,
    opds: Vec<(String, String)>,
    priorities: Vec<(String, String)>,
    fundings: Vec<(&'static str, &'static str)>,
    minutes: MeetingInput,
    errors: Vec<String>,
    scans: crate::views::scans::ScanList,
}

impl RenjaPage {
    fn line_stage_name(&self) -> &str {
        self.line_stage.map(|s| s.as_str()).unwrap_or("")
    }

    fn meeting_attendees(&self) -> String {
        self.minutes.attendees.iter().map(|(n, r)| format!("{n}, {r}")).collect::<Vec<_>>().join("\n")
    }
}

/// The stage at which lines are saved now, if `actor` may save them: the forum OPD for its
/// operator while it is open and not finalised, later stages for Bappeda while theirs are open.
fn line_stage_for(ctx: &PageCtx, cycle: &CycleFacts, opd: &str, finalised: bool, now: OffsetDateTime) -> Option<Stage> {
    if cycle.adopted {
        return None;
    }
    let actor = ctx.actor();
    if runs_forum_opd(&actor, &cycle.pemda, opd) && !finalised && stage_open(cycle, Stage::ForumOpd, now) {
        return Some(Stage::ForumOpd);
    }
    let compiles = domain::authorize(&actor, Action::CompileRkpd, &Resource::pemda(cycle.pemda.clone())).is_ok();
    [Stage::RancanganAkhir, Stage::MusrenbangRkpd].into_iter().find(|s| compiles && stage_open(cycle, *s, now))
}

async fn renja_view(
    ctx: &mut PageCtx,
    cycle: &CycleFacts,
    opd: &str,
    page: u64,
    errors: Vec<String>,
    line_form: Option<LineForm>,
) -> AppResult<RenjaPage> {
    let store = ctx.state.store.clone();
    let tr = ctx.tr;
    let opds = store.opds(&cycle.pemda).await?;
    let opd_name = opds.iter().find(|o| o.code == opd).map(|o| o.name.clone()).ok_or(AppError::NotFound)?;
    let view = store.renja(cycle.id, opd, page.saturating_mul(ITEMS_PAGE), ITEMS_PAGE).await?;
    let now = OffsetDateTime::now_utc();
    let open = stage_open(cycle, Stage::ForumOpd, now);
    let can_act = runs_forum_opd(&ctx.actor(), &cycle.pemda, opd) && open && !view.facts.finalised && !cycle.adopted;
    let line_stage = line_stage_for(ctx, cycle, opd, view.facts.finalised, now);
    if can_act || line_stage.is_some() {
        ctx.ensure_csrf().await?;
    }
    let codes: Vec<String> = view.lines.iter().filter_map(|l| l.latest().map(|c| c.sub_kegiatan.clone())).collect();
    let names = store.nomenclature_with_ancestors(&cycle.pemda, cycle.tahun_anggaran, &codes).await?;
    let mut places: Vec<domain::RegionCode> =
        view.lines.iter().filter_map(|l| l.latest()).flat_map(|c| c.locations.clone()).collect();
    places.extend(view.items.iter().map(|(s, _)| s.lingkungan.clone()));
    let regions = store.region_names(&places).await?;
    let lines: Vec<LineRow> = view.lines.iter().map(|l| line_row(&tr, l, &names, &regions)).collect();
    let line_label: HashMap<Uuid, String> = lines.iter().map(|l| (l.id, format!("{} {}", l.code, l.name))).collect();
    let accepted: Vec<Uuid> = view.items.iter().filter(|(_, r)| r.status.is_accepted()).map(|(s, _)| s.id).collect();
    let carried_by = store.lines_of_proposals(&accepted).await?;
    let mut items = Vec::with_capacity(view.items.len());
    for (summary, record) in &view.items {
        let line = carried_by.get(&summary.id).and_then(|(id, _)| line_label.get(id).cloned()).unwrap_or_default();
        items.push(ItemRow {
            id: summary.id,
            title: summary.title.clone(),
            origin: tr.origin(summary.origin),
            pokir: summary.origin == domain::planning::Origin::Pokir,
            place: regions.get(&summary.lingkungan).cloned().unwrap_or_else(|| summary.lingkungan.to_string()),
            volume: format!("{} {}", domain::money::format_volume(record.figures.volume), record.figures.unit),
            cost: tr.rupiah(record.figures.cost),
            status: tr.status(record.status),
            pending: record.status == domain::planning::Status::Pending,
            reason: record.reason.clone().unwrap_or_default(),
            line,
        });
    }
    let total = domain::money::sum(view.facts.line_pagu.iter().copied()).ok();
    let href = renja_href(cycle.id, opd);
    let pages = view.items_total.div_ceil(ITEMS_PAGE).max(1);
    let pager = |to: u64| if to == 0 { href.clone() } else { format!("{href}?page={to}") };
    let (sub_kegiatan, kecamatan, priorities) = if line_stage.is_some() {
        let kamus = store.kamus(&cycle.pemda, cycle.tahun_anggaran).await?;
        let mut linked: Vec<String> =
            kamus.iter().filter(|k| k.opd_code == opd).filter_map(|k| k.sub_kegiatan.clone()).collect();
        linked.sort();
        linked.dedup();
        let linked_names = store.nomenclature_with_ancestors(&cycle.pemda, cycle.tahun_anggaran, &linked).await?;
        let kecamatan =
            store.children(&cycle.pemda, None).await?.into_iter().map(|r| (r.code.to_string(), r.name)).collect();
        let priorities = store.priorities(&cycle.pemda).await?.into_iter().map(|p| (p.code.clone(), p.name)).collect();
        (
            linked
                .into_iter()
                .map(|code| {
                    let name = linked_names.get(&code).map(|n| n.name.clone()).unwrap_or_default();
                    (code, name)
                })
                .collect(),
            kecamatan,
            priorities,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let meeting = view.facts.meeting.clone();
    let of = ScanOf::ForumOpd { cycle_id: cycle.id, opd_code: opd.to_string() };
    let scans = super::forums::scan_list_of(ctx, &store, cycle, of, meeting.is_some(), &href).await?;
    Ok(RenjaPage {
        heading: tr.f("renja.title", &[("opd", &opd_name), ("year", &cycle.tahun_anggaran.to_string())]),
        rkpd_href: format!("/rkpd/{}", cycle.id),
        renja_xlsx: format!("{}/renja.xlsx", renja_href(cycle.id, opd)),
        window: super::forums::window_text(&tr, cycle, Stage::ForumOpd),
        state: if cycle.adopted {
            tr.t("rkpd.adopted_state")
        } else if view.facts.finalised {
            tr.t("renja.finalised")
        } else if open {
            tr.t("forum.open")
        } else {
            tr.t("forum.not_open")
        },
        finalised: view.facts.finalised,
        ceiling: view.facts.ceiling.map(|c| tr.rupiah(c)),
        total: total.map_or_else(|| tr.t("forum.total_too_large").to_string(), |t| tr.rupiah(t)),
        remaining: view.facts.ceiling.zip(total).map(|(c, t)| (tr.rupiah((c - t).abs()), t > c)),
        lines,
        items,
        items_total: view.items_total,
        pending: view.facts.pending,
        previous: (page > 0).then(|| pager(page - 1)),
        next: (page + 1 < pages).then(|| pager(page + 1)),
        page,
        can_act,
        line_stage,
        line_form: line_form.unwrap_or_default(),
        sub_kegiatan,
        kecamatan,
        opds: opds.into_iter().filter(|o| o.code != opd).map(|o| (o.code, o.name)).collect(),
        priorities,
        fundings: FundingSource::ALL.iter().map(|f| (f.as_str(), tr.t(&format!("funding.{}", f.as_str())))).collect(),
        minutes: meeting
            .map(|m| MeetingInput {
                date: m.date,
                place: m.place,
                chair: m.chair,
                attendees: m.attendees.into_iter().map(|a| (a.name, a.role)).collect(),
                delegates: m.delegates,
            })
            .unwrap_or_default(),
        href,
        errors,
        scans,
        refused: None,
        c: Chrome::new(ctx),
    })
}

#[derive(serde::Deserialize)]
struct PageQuery {
    page: Option<u64>,
}

async fn show(
    mut ctx: PageCtx,
    Path((cycle, opd)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> AppResult<RenjaPage> {
    let cycle = find_cycle(&ctx, &cycle).await?;
    renja_view(&mut ctx, &cycle, &opd, query.page.unwrap_or(0), Vec::new(), None).await
}

/// What a refused command's page shows again beside its refusal.
enum Retry {
    Nothing,
    /// The line as typed, in the line form.
    Line(Box<LineForm>),
    /// The proposal decided, whose card says why.
    Decision(Uuid),
}

/// Runs a command of the Renja page: back to it with a notice, or the page again with the
/// refusal beside the forms.
async fn run_renja(
    mut ctx: PageCtx,
    cycle: CycleFacts,
    opd: String,
    command: Command,
    notice: String,
    page: u64,
    retry: Retry,
) -> AppResult<Response> {
    ctx.require_user()?;
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            ctx.set_flash(notice).await?;
            let href = renja_href(cycle.id, &opd);
            Ok(Redirect::to(&if page == 0 { href.clone() } else { format!("{href}?page={page}") }).into_response())
        }
        Err(error) => {
            let messages = refusal_messages(&ctx.tr, AppError::from(error))?;
            let (line_form, refused) = match retry {
                Retry::Nothing => (None, None),
                Retry::Line(form) => (Some(*form), None),
                Retry::Decision(id) => (None, Some(id)),
            };
            let rendered =
                RenjaPage { refused, ..renja_view(&mut ctx, &cycle, &opd, page, messages, line_form).await? };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, rendered).into_response())
        }
    }
}

#[derive(serde::Deserialize)]
struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    line: String,
    #[serde(default)]
    volume: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    opd_code: String,
    #[serde(default)]
    page: u64,
}

async fn decide(
    ctx: PageCtx,
    Path((cycle, opd, proposal)): Path<(String, String, String)>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let cycle = find_cycle(&ctx, &cycle).await?;
    let proposal_id = Uuid::parse_str(&proposal).map_err(|_| AppError::NotFound)?;
    let decision = match opd_decision(&form.decision, &form.line, form.volume, form.reason, form.opd_code) {
        Ok(decision) => decision,
        Err(error) => {
            let mut ctx = ctx;
            let messages = refusal_messages(&ctx.tr, error)?;
            let rendered = RenjaPage {
                refused: Some(proposal_id),
                ..renja_view(&mut ctx, &cycle, &opd, form.page, messages, None).await?
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, rendered).into_response());
        }
    };
    let notice = ctx.tr.t("renja.decided").to_string();
    let command = Command::Renja(RenjaCommand::Decide { proposal_id, decision });
    run_renja(ctx, cycle, opd, command, notice, form.page, Retry::Decision(proposal_id)).await
}

impl RenjaPage {
    fn is_refused(&self, id: &Uuid) -> bool {
        self.refused.as_ref() == Some(id)
    }
}

/// A line as typed in a form, for the command.
fn line_input(cycle_id: Uuid, opd: &str, form: &LineForm) -> LineInput {
    LineInput {
        line_id: Uuid::parse_str(form.line.trim()).unwrap_or_else(|_| Uuid::now_v7()),
        cycle_id,
        opd_code: opd.to_string(),
        stage: Stage::parse(form.stage.trim()),
        text: form.text.clone(),
    }
}

async fn save_line(
    ctx: PageCtx,
    Path((cycle, opd)): Path<(String, String)>,
    Form(form): Form<LineForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let cycle = find_cycle(&ctx, &cycle).await?;
    let input = line_input(cycle.id, &opd, &form);
    let notice = ctx.tr.t("renja.line_saved").to_string();
    let command = Command::Renja(RenjaCommand::SaveLine(input));
    run_renja(ctx, cycle, opd, command, notice, 0, Retry::Line(Box::new(LineForm { csrf: String::new(), ..form })))
        .await
}

#[derive(serde::Deserialize)]
struct MinutesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    delegates: String,
}

impl MinutesForm {
    fn meeting(&self) -> MeetingInput {
        MeetingInput {
            date: self.date.clone(),
            place: self.place.clone(),
            chair: self.chair.clone(),
            attendees: super::forums::attendees(&self.attendees),
            delegates: self.delegates.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect(),
        }
    }
}

async fn minutes(
    ctx: PageCtx,
    Path((cycle, opd)): Path<(String, String)>,
    Form(form): Form<MinutesForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let cycle = find_cycle(&ctx, &cycle).await?;
    let command = Command::Renja(RenjaCommand::RecordMeeting {
        cycle_id: cycle.id,
        opd_code: opd.clone(),
        meeting: form.meeting(),
    });
    let notice = ctx.tr.t("forum.minutes_saved").to_string();
    run_renja(ctx, cycle, opd, command, notice, 0, Retry::Nothing).await
}

#[derive(serde::Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn finalise(
    ctx: PageCtx,
    Path((cycle, opd)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let cycle = find_cycle(&ctx, &cycle).await?;
    let command = Command::Renja(RenjaCommand::Finalise { cycle_id: cycle.id, opd_code: opd.clone() });
    let notice = ctx.tr.t("renja.finalised_done").to_string();
    run_renja(ctx, cycle, opd, command, notice, 0, Retry::Nothing).await
}

/// One stage's figures of a line, as the line page shows them.
pub struct StageRow {
    pub stage: &'static str,
    pub pagu: String,
    pub prakiraan_maju: String,
    pub output: String,
    pub outcome: String,
    pub funding: &'static str,
    pub locations: String,
    pub saved: String,
}

/// An item a line carries, with the way back: each stage's decision.
pub struct SourceRow {
    pub href: String,
    pub title: String,
    pub origin: &'static str,
    pub place: String,
    pub steps: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "renja_line.html")]
struct LinePage {
    c: Chrome,
    heading: String,
    renja_href: String,
    rkpd_href: String,
    path: Vec<(String, String)>,
    line: LineRow,
    stages: Vec<StageRow>,
    sources: Vec<SourceRow>,
    line_stage: Option<Stage>,
    line_form: LineForm,
    fundings: Vec<(&'static str, &'static str)>,
    priorities: Vec<(String, String)>,
    save_href: String,
}

impl LinePage {
    fn line_stage_name(&self) -> &str {
        self.line_stage.map(|s| s.as_str()).unwrap_or("")
    }
}

/// How a stage's decision reads on the way back: "Musrenbang kecamatan: Diterima (alasan)".
pub fn step_text(tr: &Tr, record: &domain::planning::StageRecord) -> String {
    let mut text = format!("{}: {}", tr.stage(record.stage), tr.status(record.status));
    text.push_str(&format!(" · {}", tr.rupiah(record.figures.cost)));
    if let Some(reason) = &record.reason {
        text.push_str(&format!(" — {reason}"));
    }
    if let (Some(by), Some(at)) = (&record.decided_by, &record.decided_at) {
        text.push_str(&format!(" ({}, {})", by.trim_start_matches("user:"), tr.date_text(at.get(..10).unwrap_or(at))));
    }
    text
}

async fn line_page(mut ctx: PageCtx, Path(line): Path<String>) -> AppResult<LinePage> {
    let id = Uuid::parse_str(&line).map_err(|_| AppError::NotFound)?;
    let store = ctx.state.store.clone();
    let tr = ctx.tr;
    let view = store.renja_line(id).await?.ok_or(AppError::NotFound)?;
    let cycle = store.cycle(view.line.cycle_id).await?.ok_or(AppError::NotFound)?;
    let opd = view.line.opd_code.clone();
    let opd_name =
        store.opds(&cycle.pemda).await?.into_iter().find(|o| o.code == opd).map(|o| o.name).unwrap_or_default();
    let code = view.line.latest().map(|c| c.sub_kegiatan.clone()).unwrap_or_default();
    let names =
        store.nomenclature_with_ancestors(&cycle.pemda, cycle.tahun_anggaran, std::slice::from_ref(&code)).await?;
    let mut path: Vec<&NomenclatureItem> = names.values().filter(|n| n.code != code).collect();
    path.sort_by_key(|n| n.level());
    let path = path.into_iter().map(|n| (n.code.clone(), n.name.clone())).collect();
    let mut places: Vec<domain::RegionCode> =
        view.line.stages.iter().flat_map(|s| s.content.locations.clone()).collect();
    places.extend(view.sources.iter().map(|s| s.summary.lingkungan.clone()));
    let regions = store.region_names(&places).await?;
    let row = line_row(&tr, &view.line, &names, &regions);
    let stages = view
        .line
        .stages
        .iter()
        .map(|s| {
            let c = &s.content;
            StageRow {
                stage: tr.stage(s.stage),
                pagu: tr.rupiah(c.pagu),
                prakiraan_maju: tr.rupiah(c.prakiraan_maju),
                output: format!(
                    "{}: {} {}",
                    c.output.description,
                    domain::money::format_volume(c.output.target),
                    c.output.unit
                ),
                outcome: format!(
                    "{}: {} {}",
                    c.outcome.description,
                    domain::money::format_volume(c.outcome.target),
                    c.outcome.unit
                ),
                funding: tr.t(&format!("funding.{}", c.funding.as_str())),
                locations: if c.locations.is_empty() {
                    tr.t("renja.whole_pemda").to_string()
                } else {
                    c.locations
                        .iter()
                        .map(|l| regions.get(l).cloned().unwrap_or_else(|| l.to_string()))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                saved: format!(
                    "{}, {}",
                    s.saved_by.trim_start_matches("user:"),
                    tr.date_text(s.saved_at.get(..10).unwrap_or(&s.saved_at))
                ),
            }
        })
        .collect();
    let mut sources = Vec::with_capacity(view.sources.len());
    for source in &view.sources {
        let mut steps: Vec<String> = Vec::new();
        if let Some(pokir) = crate::views::proposals::pokir_of(&ctx.state.store, &source.summary).await? {
            steps.push(tr.f(
                "renja.from_reses",
                &[
                    ("member", &pokir.member.name),
                    ("fraksi", &pokir.member.fraksi),
                    ("date", &tr.date_text(&pokir.reses_date)),
                    ("place", &pokir.reses_place),
                    ("aspiration", &pokir.aspiration),
                ],
            ));
        }
        steps.extend(source.records.iter().map(|r| step_text(&tr, r)));
        sources.push(SourceRow {
            href: format!("/proposals/{}", source.summary.id),
            title: source.summary.title.clone(),
            origin: tr.origin(source.summary.origin),
            place: regions
                .get(&source.summary.lingkungan)
                .cloned()
                .unwrap_or_else(|| source.summary.lingkungan.to_string()),
            steps,
        });
    }
    let now = OffsetDateTime::now_utc();
    let finalised = store.finalised_renja(cycle.id).await?.contains(&opd);
    let line_stage = line_stage_for(&ctx, &cycle, &opd, finalised, now);
    if line_stage.is_some() {
        ctx.ensure_csrf().await?;
    }
    let priorities = if line_stage.is_some() {
        store.priorities(&cycle.pemda).await?.into_iter().map(|p| (p.code.clone(), p.name)).collect()
    } else {
        Vec::new()
    };
    let latest = view.line.latest();
    let line_form = latest
        .map(|c| LineForm { line: view.line.id.to_string(), text: LineText::of(c), ..LineForm::default() })
        .unwrap_or_default();
    Ok(LinePage {
        heading: tr.f("renja.line_title", &[("code", &row.code), ("name", &row.name)]),
        renja_href: renja_href(cycle.id, &opd),
        rkpd_href: format!("/rkpd/{}", cycle.id),
        save_href: format!("{}/lines", renja_href(cycle.id, &opd)),
        path,
        line: LineRow { name: format!("{} — {opd_name}", row.name), ..row },
        stages,
        sources,
        line_stage,
        line_form,
        priorities,
        fundings: FundingSource::ALL.iter().map(|f| (f.as_str(), tr.t(&format!("funding.{}", f.as_str())))).collect(),
        c: Chrome::new(&ctx),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "rkpd.html")]
struct RkpdPage {
    c: Chrome,
    heading: String,
    cycle_href: String,
    xlsx_href: String,
    adopted: Option<String>,
    musrenbang: Option<String>,
    agreed: Vec<String>,
    cycle_id: Uuid,
    groups: Vec<crate::views::renja::RkpdGroupRow>,
    totals: RkpdTotals,
    sections: Vec<(&'static str, Vec<TotalRow>)>,
    opds: Vec<OpdRow>,
    flags: Vec<(String, String)>,
    can_record: bool,
    can_adopt: bool,
    priorities: Vec<(String, String)>,
    errors: Vec<String>,
    scans: crate::views::scans::ScanList,
}

/// An OPD's Renja in the RKPD's list.
pub struct OpdRow {
    pub href: String,
    pub name: String,
    pub lines: usize,
    pub total: String,
    pub ceiling: String,
    pub state: &'static str,
}

async fn rkpd_view(ctx: &mut PageCtx, cycle: &CycleFacts, errors: Vec<String>) -> AppResult<RkpdPage> {
    let store = ctx.state.store.clone();
    let tr = ctx.tr;
    let view = store.rkpd(cycle.id).await?;
    let opds = store.opds(&cycle.pemda).await?;
    let ceilings = store.opd_ceilings(cycle.id).await?;
    let codes: Vec<String> = view.lines.iter().filter_map(|l| l.latest().map(|c| c.sub_kegiatan.clone())).collect();
    let names = store.nomenclature_with_ancestors(&cycle.pemda, cycle.tahun_anggaran, &codes).await?;
    let kecamatan: HashMap<String, String> =
        store.children(&cycle.pemda, None).await?.into_iter().map(|r| (r.code.to_string(), r.name)).collect();
    let priorities = store.priorities(&cycle.pemda).await?;
    let priority_names: HashMap<String, String> = priorities.iter().map(|p| (p.code.clone(), p.name.clone())).collect();
    let opd_names: HashMap<String, String> = opds.iter().map(|o| (o.code.clone(), o.name.clone())).collect();
    let (groups, totals) = rkpd_groups(&tr, &view, &names, &opd_names, &kecamatan, &priority_names);
    let now = OffsetDateTime::now_utc();
    let compiles = domain::authorize(&ctx.actor(), Action::CompileRkpd, &Resource::pemda(cycle.pemda.clone())).is_ok();
    let can_record = compiles && !cycle.adopted && stage_open(cycle, Stage::MusrenbangRkpd, now);
    let can_adopt = compiles && !cycle.adopted && stage_open(cycle, Stage::Penetapan, now);
    if can_record || can_adopt {
        ctx.ensure_csrf().await?;
    }
    let finalised = store.finalised_renja(cycle.id).await?;
    let of = ScanOf::MusrenbangRkpd { cycle_id: cycle.id };
    let rkpd_href = format!("/rkpd/{}", cycle.id);
    let scans = super::forums::scan_list_of(ctx, &store, cycle, of, view.musrenbang.is_some(), &rkpd_href).await?;
    let opd_rows = opds
        .iter()
        .map(|o| {
            let lines: Vec<&LineSummary> = view.lines.iter().filter(|l| l.opd_code == o.code).collect();
            let total = domain::money::sum(lines.iter().filter_map(|l| l.at(Stage::ForumOpd)).map(|c| c.pagu)).ok();
            OpdRow {
                href: renja_href(cycle.id, &o.code),
                name: o.name.clone(),
                lines: lines.len(),
                total: total.map_or_else(|| tr.t("forum.total_too_large").to_string(), |t| tr.rupiah(t)),
                ceiling: ceilings.get(&o.code).map(|c| tr.rupiah(*c)).unwrap_or_else(|| "—".to_string()),
                state: if finalised.contains(&o.code) { tr.t("renja.finalised") } else { tr.t("renja.in_progress") },
            }
        })
        .collect();
    let flags = view
        .lines
        .iter()
        .flat_map(|l| {
            let label = format!(
                "{} ({})",
                l.latest().map(|c| c.sub_kegiatan.clone()).unwrap_or_default(),
                opd_names.get(&l.opd_code).cloned().unwrap_or_default()
            );
            line_flags_text(&tr, l)
                .into_iter()
                .map(move |LineFlagText(t)| (format!("/renja/baris/{}", l.id), format!("{label}: {t}")))
        })
        .collect();
    Ok(RkpdPage {
        heading: tr.f("rkpd.title", &[("year", &cycle.tahun_anggaran.to_string())]),
        cycle_href: format!("/cycles/{}", cycle.id),
        xlsx_href: format!("/rkpd/{}/rkpd.xlsx", cycle.id),
        adopted: view.adoption.as_ref().map(|a| {
            tr.f(
                "rkpd.adopted",
                &[
                    ("number", &a.number),
                    ("date", &tr.date_text(&a.date)),
                    ("lines", &tr.number(i64::from(a.lines))),
                    ("total", &tr.rupiah(a.total)),
                ],
            )
        }),
        musrenbang: view.musrenbang.as_ref().map(|m| {
            tr.f(
                "rkpd.musrenbang_held",
                &[("date", &tr.date_text(&m.date)), ("place", &m.place), ("count", &m.attendees.len().to_string())],
            )
        }),
        agreed: view
            .priorities
            .iter()
            .map(|p| format!("{p} {}", priority_names.get(p).cloned().unwrap_or_default()))
            .collect(),
        cycle_id: cycle.id,
        sections: vec![
            (tr.t("rkpd.per_opd"), totals.per_opd.clone()),
            (tr.t("rkpd.per_kecamatan"), totals.per_kecamatan.clone()),
            (tr.t("rkpd.per_priority"), totals.per_priority.clone()),
            (tr.t("rkpd.per_origin"), totals.per_origin.clone()),
        ],
        groups,
        totals,
        opds: opd_rows,
        flags,
        can_record,
        can_adopt,
        priorities: priorities.into_iter().map(|p| (p.code, p.name)).collect(),
        errors,
        scans,
        c: Chrome::new(ctx),
    })
}

/// An OPD's prints: `berita-acara.pdf` of its forum, `daftar-prioritas.pdf`, `renja.pdf`.
async fn renja_pdf(ctx: PageCtx, Path((cycle, opd, document)): Path<(String, String, String)>) -> AppResult<Response> {
    let cycle = find_cycle(&ctx, &cycle).await?;
    let (document, subject) = crate::views::print::opd_document(&ctx.state, &ctx.tr, &cycle, &opd, &document).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

/// The RKPD's prints: `berita-acara.pdf` of the musrenbang RKPD, `rkpd.pdf`.
async fn rkpd_pdf(ctx: PageCtx, Path((cycle, document)): Path<(String, String)>) -> AppResult<Response> {
    let cycle = find_cycle(&ctx, &cycle).await?;
    let (document, subject) = crate::views::print::rkpd_document(&ctx.state, &ctx.tr, &cycle, &document).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

/// An OPD's Renja as Excel: its lines in the standard columns, and what reached its forum with
/// each decision.
async fn renja_xlsx(ctx: PageCtx, Path((cycle, opd)): Path<(String, String)>) -> AppResult<Response> {
    use crate::views::xlsx::{LINE_COLUMNS, LineSheet, headers};
    use reports::xlsx::{Book, Cell};
    let cycle = find_cycle(&ctx, &cycle).await?;
    let store = &ctx.state.store;
    let tr = ctx.tr;
    if !store.opds(&cycle.pemda).await?.iter().any(|o| o.code == opd) {
        return Err(AppError::NotFound);
    }
    let first = crate::views::renja::whole_renja(store, cycle.id, &opd).await?;
    let items = first.items.clone();
    let (names, opds, regions) = crate::views::xlsx::line_names(store, &cycle, &first.lines).await?;
    let sheet = LineSheet { names: &names, opds: &opds, regions: &regions };
    let mut book = Book::new();
    book.sheet(tr.t("xlsx.renja"), &headers(&tr, &LINE_COLUMNS))?;
    for line in &first.lines {
        if let Some(row) = sheet.row(&tr, line) {
            book.row(&row)?;
        }
    }
    let item_names = store.region_names(&items.iter().map(|(s, _)| s.lingkungan.clone()).collect::<Vec<_>>()).await?;
    let keys = [
        "xlsx.title",
        "xlsx.origin",
        "xlsx.lingkungan",
        "xlsx.volume",
        "xlsx.unit",
        "xlsx.cost",
        "xlsx.status",
        "xlsx.reason",
        "xlsx.id",
    ];
    book.sheet(tr.t("xlsx.forum_opd"), &headers(&tr, &keys))?;
    for (summary, record) in &items {
        book.row(&[
            Cell::Text(summary.title.clone()),
            Cell::from(tr.origin(summary.origin)),
            Cell::Text(item_names.get(&summary.lingkungan).cloned().unwrap_or_else(|| summary.lingkungan.to_string())),
            Cell::Volume(record.figures.volume),
            Cell::Text(record.figures.unit.clone()),
            Cell::Rupiah(record.figures.cost),
            Cell::from(tr.status(record.status)),
            Cell::Text(record.reason.clone().unwrap_or_default()),
            Cell::Text(summary.id.to_string()),
        ])?;
    }
    let file = format!("renja-{opd}-{}", cycle.tahun_anggaran);
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

/// The RKPD as Excel: every line in the standard columns, and each OPD's total against its pagu.
async fn rkpd_xlsx(ctx: PageCtx, Path(cycle): Path<String>) -> AppResult<Response> {
    use crate::views::xlsx::{LINE_COLUMNS, LineSheet, headers};
    use reports::xlsx::{Book, Cell};
    let cycle = find_cycle(&ctx, &cycle).await?;
    let store = &ctx.state.store;
    let tr = ctx.tr;
    let view = store.rkpd(cycle.id).await?;
    let (names, opds, regions) = crate::views::xlsx::line_names(store, &cycle, &view.lines).await?;
    let sheet = LineSheet { names: &names, opds: &opds, regions: &regions };
    let mut book = Book::new();
    book.sheet(tr.t("xlsx.rkpd"), &headers(&tr, &LINE_COLUMNS))?;
    let mut lines: Vec<&LineSummary> = view.lines.iter().collect();
    lines.sort_by(|a, b| {
        (a.opd_code.as_str(), a.latest().map(|c| c.sub_kegiatan.as_str()))
            .cmp(&(b.opd_code.as_str(), b.latest().map(|c| c.sub_kegiatan.as_str())))
    });
    for line in lines {
        if let Some(row) = sheet.row(&tr, line) {
            book.row(&row)?;
        }
    }
    let ceilings = store.opd_ceilings(cycle.id).await?;
    book.sheet(tr.t("xlsx.per_opd"), &headers(&tr, &["xlsx.opd", "xlsx.lines", "xlsx.pagu", "xlsx.ceiling"]))?;
    let mut opd_list: Vec<(&String, &String)> = opds.iter().collect();
    opd_list.sort();
    for (code, name) in opd_list {
        let own: Vec<&LineSummary> = view.lines.iter().filter(|l| &l.opd_code == code).collect();
        let total = domain::money::sum(own.iter().filter_map(|l| l.latest()).map(|c| c.pagu)).ok();
        book.row(&[
            Cell::Text(name.clone()),
            Cell::Integer(own.len() as i64),
            total.map_or(Cell::Empty, Cell::Rupiah),
            ceilings.get(code).map_or(Cell::Empty, |c| Cell::Rupiah(*c)),
        ])?;
    }
    let file = format!("rkpd-{}-{}", cycle.pemda, cycle.tahun_anggaran);
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

async fn rkpd_page(mut ctx: PageCtx, Path(cycle): Path<String>) -> AppResult<RkpdPage> {
    let cycle = find_cycle(&ctx, &cycle).await?;
    rkpd_view(&mut ctx, &cycle, Vec::new()).await
}

async fn run_rkpd(mut ctx: PageCtx, cycle: CycleFacts, command: Command, notice: String) -> AppResult<Response> {
    ctx.require_user()?;
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            ctx.set_flash(notice).await?;
            Ok(Redirect::to(&format!("/rkpd/{}", cycle.id)).into_response())
        }
        Err(error) => {
            let messages = refusal_messages(&ctx.tr, AppError::from(error))?;
            let rendered = rkpd_view(&mut ctx, &cycle, messages).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, rendered).into_response())
        }
    }
}

async fn rkpd_musrenbang(
    ctx: PageCtx,
    Path(cycle): Path<String>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<RkpdMinutesForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.minutes.csrf)?;
    let cycle = find_cycle(&ctx, &cycle).await?;
    let command = Command::Rkpd(RkpdCommand::RecordMusrenbang {
        cycle_id: cycle.id,
        meeting: form.minutes.meeting(),
        priorities: form.priority.clone(),
    });
    let notice = ctx.tr.t("rkpd.musrenbang_saved").to_string();
    run_rkpd(ctx, cycle, command, notice).await
}

#[derive(serde::Deserialize)]
struct RkpdMinutesForm {
    #[serde(flatten)]
    minutes: MinutesForm,
    #[serde(default)]
    priority: Vec<String>,
}

#[derive(serde::Deserialize)]
struct AdoptForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    date: String,
}

async fn rkpd_adopt(ctx: PageCtx, Path(cycle): Path<String>, Form(form): Form<AdoptForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let cycle = find_cycle(&ctx, &cycle).await?;
    let command = Command::Rkpd(RkpdCommand::Adopt { cycle_id: cycle.id, number: form.number, date: form.date });
    let notice = ctx.tr.t("rkpd.adopted_done").to_string();
    run_rkpd(ctx, cycle, command, notice).await
}

/// The forum OPD's signed berita acara, scanned: kept and journaled, or the page again with why
/// not.
async fn renja_scan(
    mut ctx: PageCtx,
    Path((cycle, opd)): Path<(String, String)>,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let cycle = find_cycle(&ctx, &cycle).await?;
    let of = ScanOf::ForumOpd { cycle_id: cycle.id, opd_code: opd.clone() };
    match super::forums::attach_scan(&ctx, of, multipart).await {
        Ok(()) => {
            ctx.set_flash(ctx.tr.t("scan.uploaded").to_string()).await?;
            Ok(Redirect::to(&format!("{}#pindaian", renja_href(cycle.id, &opd))).into_response())
        }
        Err(error) => {
            let messages = refusal_messages(&ctx.tr, error)?;
            let rendered = renja_view(&mut ctx, &cycle, &opd, 0, messages, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, rendered).into_response())
        }
    }
}

/// The musrenbang RKPD's signed berita acara, scanned.
async fn rkpd_scan(
    mut ctx: PageCtx,
    Path(cycle): Path<String>,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let cycle = find_cycle(&ctx, &cycle).await?;
    match super::forums::attach_scan(&ctx, ScanOf::MusrenbangRkpd { cycle_id: cycle.id }, multipart).await {
        Ok(()) => {
            ctx.set_flash(ctx.tr.t("scan.uploaded").to_string()).await?;
            Ok(Redirect::to(&format!("/rkpd/{}#pindaian", cycle.id)).into_response())
        }
        Err(error) => {
            let messages = refusal_messages(&ctx.tr, error)?;
            let rendered = rkpd_view(&mut ctx, &cycle, messages).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, rendered).into_response())
        }
    }
}
