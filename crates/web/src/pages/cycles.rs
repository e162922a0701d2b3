//! The planning cycles of a pemda: the list, and each cycle's calendar (every stage's window in
//! WIB, the stage open now), its settings and the pagu indikatif kewilayahan per kecamatan.
//! Anyone may read a calendar; only Bappeda admins see and use the forms.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::cycle::{CycleFacts, ForwardCaps, Stage, Window};
use domain::schedule::CreateCycle;
use domain::{Action, Command, FieldError, RegionCode, RegionLevel, Resource, Rule, ScheduleCommand};
use reports::xlsx::{Book, Cell};
use serde::Deserialize;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use super::{Chrome, form_errors};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, WIB, format_number};
use crate::state::AppState;
use crate::views::schedule::{next_year, parse_year};
use crate::views::xlsx;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cycles", get(list).post(create))
        .route("/cycles.xlsx", get(list_xlsx))
        .route("/cycles/{id}", get(show))
        .route("/cycles/{id}/kalender.xlsx", get(show_xlsx))
        .route("/cycles/{id}/stages/{stage}", post(set_window))
        .route("/cycles/{id}/settings", post(set_settings))
        .route("/cycles/{id}/ceilings", post(set_ceiling))
        .route("/cycles/{id}/opd-ceilings", post(set_opd_ceiling))
}

/// The field paths an error names, for marking inputs `aria-invalid`.
pub(crate) fn invalid_fields(error: &AppError) -> Vec<String> {
    match error {
        AppError::Invalid(errors) => errors.iter().map(|e| e.field.clone()).collect(),
        _ => Vec::new(),
    }
}

/// A `datetime-local` value (`2027-01-05T08:00`, seconds optional; a space for the `T` when a
/// browser shows a plain text box) read as WIB, returned in UTC.
pub(crate) fn parse_wib(field: &str, text: &str) -> Result<OffsetDateTime, FieldError> {
    let text = text.trim().replacen(' ', "T", 1);
    if text.is_empty() {
        return Err(FieldError::new(field, Rule::Required));
    }
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    PrimitiveDateTime::parse(&text, minutes)
        .or_else(|_| PrimitiveDateTime::parse(&text, seconds))
        .map(|local| local.assume_offset(WIB).to_offset(time::UtcOffset::UTC))
        .map_err(|_| FieldError::new(field, Rule::Format { expected: "datetime" }))
}

/// A UTC time as a `datetime-local` value in WIB.
pub(crate) fn wib_input(at: OffsetDateTime) -> String {
    let local = at.to_offset(WIB);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        local.year(),
        local.month() as u8,
        local.day(),
        local.hour(),
        local.minute()
    )
}

struct CycleRow {
    id: Uuid,
    tahun_anggaran: i32,
    adopted: bool,
    open_now: Vec<&'static str>,
    scheduled: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "cycles.html")]
struct CyclesPage {
    c: Chrome,
    pemda_code: String,
    pemda_name: String,
    cycles: Vec<CycleRow>,
    stage_count: usize,
    can_manage: bool,
    logged_in_here: bool,
    errors: Vec<String>,
    form_tahun: String,
}

#[derive(Deserialize)]
struct PemdaQuery {
    pemda: Option<String>,
}

/// The pemda a list shows: the one the URL names (anyone may read it), else the user's own.
async fn listed_pemda(ctx: &PageCtx, named: Option<&str>) -> AppResult<(RegionCode, String)> {
    let code = match named.map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => RegionCode::parse(text).map_err(|_| AppError::NotFound)?,
        None => ctx.require_user()?.pemda.clone(),
    };
    let pemda = ctx.state.store.pemda(&code).await?.ok_or(AppError::NotFound)?;
    Ok((pemda.code, pemda.name))
}

async fn cycles_page(ctx: &mut PageCtx, pemda: RegionCode, pemda_name: String) -> AppResult<CyclesPage> {
    let can_manage = domain::authorize(&ctx.actor(), Action::ManageCycle, &Resource::pemda(pemda.clone())).is_ok();
    if can_manage {
        ctx.ensure_csrf().await?;
    }
    let now = OffsetDateTime::now_utc();
    let tr = ctx.tr;
    let cycles = ctx
        .state
        .store
        .cycles(&pemda)
        .await?
        .into_iter()
        .map(|cycle| CycleRow {
            id: cycle.id,
            tahun_anggaran: cycle.tahun_anggaran,
            adopted: cycle.adopted,
            open_now: cycle.open_stages(now).into_iter().map(|s| tr.stage(s)).collect(),
            scheduled: cycle.windows.len(),
        })
        .collect();
    Ok(CyclesPage {
        c: Chrome::new(ctx),
        logged_in_here: ctx.user.as_ref().is_some_and(|u| u.pemda == pemda),
        pemda_code: pemda.to_string(),
        pemda_name,
        cycles,
        stage_count: Stage::ALL.len(),
        can_manage,
        errors: Vec::new(),
        form_tahun: next_year().to_string(),
    })
}

async fn list(mut ctx: PageCtx, Query(query): Query<PemdaQuery>) -> AppResult<CyclesPage> {
    let (pemda, name) = listed_pemda(&ctx, query.pemda.as_deref()).await?;
    cycles_page(&mut ctx, pemda, name).await
}

/// The list of cycles as a workbook: one row per cycle, its stages open now and how many are
/// scheduled.
async fn list_xlsx(mut ctx: PageCtx, Query(query): Query<PemdaQuery>) -> AppResult<Response> {
    let (pemda, name) = listed_pemda(&ctx, query.pemda.as_deref()).await?;
    let page = cycles_page(&mut ctx, pemda, name).await?;
    let tr = ctx.tr;
    let mut book = Book::new();
    book.sheet(
        tr.t("xlsx.cycles"),
        &xlsx::headers(
            &tr,
            &["xlsx.tahun_anggaran", "xlsx.open_now", "xlsx.scheduled", "xlsx.adopted", "xlsx.cycle_id"],
        ),
    )?;
    for cycle in &page.cycles {
        book.row(&[
            Cell::Integer(i64::from(cycle.tahun_anggaran)),
            Cell::Text(cycle.open_now.join(", ")),
            Cell::Integer(cycle.scheduled as i64),
            Cell::from(tr.t(if cycle.adopted { "xlsx.yes" } else { "xlsx.no" })),
            Cell::Text(cycle.id.to_string()),
        ])?;
    }
    Ok(xlsx::download(&format!("siklus-{}", page.pemda_code), xlsx::finish(book).await?))
}

#[derive(Deserialize)]
struct NewCycleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tahun_anggaran: String,
}

async fn create(mut ctx: PageCtx, Form(form): Form<NewCycleForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let me = ctx.require_user()?.clone();
    ctx.authorize(Action::ManageCycle, &Resource::pemda(me.pemda.clone())).await?;
    let cycle_id = Uuid::now_v7();
    let result = match parse_year(&form.tahun_anggaran) {
        Ok(tahun_anggaran) => {
            let command = Command::Schedule(ScheduleCommand::CreateCycle(CreateCycle {
                pemda: me.pemda.clone(),
                cycle_id,
                tahun_anggaran,
            }));
            ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await.map_err(AppError::from)
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => {
            let tahun = form.tahun_anggaran.trim();
            ctx.set_flash(ctx.tr.f("cycles.created", &[("tahun", tahun)])).await?;
            Ok(Redirect::to(&format!("/cycles/{cycle_id}")).into_response())
        }
        Err(error) => {
            let errors = form_errors(&ctx.tr, error)?;
            let name = ctx.state.store.pemda(&me.pemda).await?.map(|p| p.name).unwrap_or_default();
            let mut page = cycles_page(&mut ctx, me.pemda, name).await?;
            page.errors = errors;
            page.form_tahun = form.tahun_anggaran;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

struct StageRow {
    key: &'static str,
    name: &'static str,
    opens: Option<String>,
    closes: Option<String>,
    open_now: bool,
    window: Option<Window>,
    /// Open now, not yet open, closed, or not scheduled, in words.
    status: &'static str,
    /// The values of the form's two inputs, in WIB.
    opens_input: String,
    closes_input: String,
}

struct CeilingRow {
    code: String,
    name: String,
    rupiah: Option<i64>,
    amount: Option<String>,
    /// What the input shows: the amount as people type it (`2.500.000`), whatever the language.
    input: String,
}

/// Which form on the calendar the errors belong to.
#[derive(PartialEq, Eq)]
enum Failed {
    Nothing,
    Stage(Stage),
    Settings,
    Ceiling(String),
}

#[derive(Template, WebTemplate)]
#[template(path = "cycle.html")]
struct CyclePage {
    c: Chrome,
    cycle_id: Uuid,
    tahun_anggaran: i32,
    pemda_code: String,
    pemda_name: String,
    now: String,
    stages: Vec<StageRow>,
    open_now: Vec<&'static str>,
    cap_rembuk_warga: String,
    cap_musrenbang_kelurahan: String,
    cap_musrenbang_kecamatan: String,
    online_proposals: bool,
    ceilings: Vec<CeilingRow>,
    /// The pagu indikatif of each OPD, which its Renja must fit.
    opd_ceilings: Vec<CeilingRow>,
    ceilings_total: String,
    ceilings_set: usize,
    can_manage: bool,
    errors: Vec<String>,
    failed: Failed,
    invalid: Vec<String>,
}

impl CyclePage {
    /// Whether the errors shown belong to the window form of `stage`.
    fn failed_stage(&self, stage: &str) -> bool {
        matches!(&self.failed, Failed::Stage(s) if s.as_str() == stage)
    }

    fn failed_settings(&self) -> bool {
        self.failed == Failed::Settings
    }

    fn failed_ceiling(&self, code: &str) -> bool {
        matches!(&self.failed, Failed::Ceiling(c) if c == code)
    }

    fn failed_any_ceiling(&self) -> bool {
        matches!(&self.failed, Failed::Ceiling(_))
    }

    /// Whether the last submission named `field` as wrong.
    fn bad(&self, field: &str) -> bool {
        self.invalid.iter().any(|f| f == field)
    }
}

fn cap_text(cap: Option<u32>) -> String {
    cap.map(|c| c.to_string()).unwrap_or_default()
}

/// A cycle by the id in the URL; a malformed or unknown id is simply not found.
async fn find_cycle(ctx: &PageCtx, id: &str) -> AppResult<CycleFacts> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    ctx.state.store.cycle(id).await?.ok_or(AppError::NotFound)
}

async fn cycle_page(ctx: &mut PageCtx, cycle: CycleFacts) -> AppResult<CyclePage> {
    let can_manage =
        domain::authorize(&ctx.actor(), Action::ManageCycle, &Resource::pemda(cycle.pemda.clone())).is_ok();
    if can_manage {
        ctx.ensure_csrf().await?;
    }
    let tr = ctx.tr;
    let store = &ctx.state.store;
    let now = OffsetDateTime::now_utc();
    let open: Vec<Stage> = cycle.open_stages(now);
    let stages = Stage::ALL
        .into_iter()
        .map(|stage| {
            let window = cycle.windows.get(&stage);
            let status = match window {
                None => "cycles.unscheduled",
                Some(w) if w.contains(now) => "cycles.open_now",
                Some(w) if now < w.opens => "cycles.upcoming",
                Some(_) => "cycles.past",
            };
            StageRow {
                status: tr.t(status),
                key: stage.as_str(),
                name: tr.stage(stage),
                opens: window.map(|w| tr.datetime(w.opens)),
                closes: window.map(|w| tr.datetime(w.closes)),
                open_now: open.contains(&stage),
                window: window.copied(),
                opens_input: window.map(|w| wib_input(w.opens)).unwrap_or_default(),
                closes_input: window.map(|w| wib_input(w.closes)).unwrap_or_default(),
            }
        })
        .collect();
    let pemda_name = store.pemda(&cycle.pemda).await?.map(|p| p.name).unwrap_or_default();
    let amounts = store.ceilings(cycle.id).await?;
    let ceilings: Vec<CeilingRow> = store
        .children(&cycle.pemda, None)
        .await?
        .into_iter()
        .filter(|region| region.level == RegionLevel::Kecamatan)
        .map(|region| {
            let amount = amounts.get(&region.code).copied();
            CeilingRow {
                code: region.code.to_string(),
                name: region.name,
                rupiah: amount,
                amount: amount.map(|a| tr.rupiah(a)),
                input: amount.map(|a| format_number(a, Lang::Id)).unwrap_or_default(),
            }
        })
        .collect();
    let opd_amounts = store.opd_ceilings(cycle.id).await?;
    let opd_ceilings = store
        .opds(&cycle.pemda)
        .await?
        .into_iter()
        .map(|opd| {
            let amount = opd_amounts.get(&opd.code).copied();
            CeilingRow {
                code: opd.code,
                name: opd.name,
                rupiah: amount,
                amount: amount.map(|a| tr.rupiah(a)),
                input: amount.map(|a| format_number(a, Lang::Id)).unwrap_or_default(),
            }
        })
        .collect();
    Ok(CyclePage {
        c: Chrome::new(ctx),
        opd_ceilings,
        cycle_id: cycle.id,
        tahun_anggaran: cycle.tahun_anggaran,
        pemda_code: cycle.pemda.to_string(),
        pemda_name,
        now: tr.datetime(now),
        stages,
        open_now: open.into_iter().map(|s| tr.stage(s)).collect(),
        cap_rembuk_warga: cap_text(cycle.caps.rembuk_warga),
        cap_musrenbang_kelurahan: cap_text(cycle.caps.musrenbang_kelurahan),
        cap_musrenbang_kecamatan: cap_text(cycle.caps.musrenbang_kecamatan),
        online_proposals: cycle.online_proposals,
        ceilings_total: domain::money::sum(amounts.values().copied())
            .map_or_else(|_| tr.t("forum.total_too_large").to_string(), |total| tr.rupiah(total)),
        ceilings_set: amounts.len(),
        ceilings,
        can_manage,
        errors: Vec::new(),
        failed: Failed::Nothing,
        invalid: Vec::new(),
    })
}

async fn show(mut ctx: PageCtx, Path(id): Path<String>) -> AppResult<CyclePage> {
    let cycle = find_cycle(&ctx, &id).await?;
    cycle_page(&mut ctx, cycle).await
}

/// A cycle's calendar as a workbook: the stages' windows, the pagu of each kecamatan and of
/// each OPD, a sheet each, as the page shows them.
async fn show_xlsx(mut ctx: PageCtx, Path(id): Path<String>) -> AppResult<Response> {
    let cycle = find_cycle(&ctx, &id).await?;
    let page = cycle_page(&mut ctx, cycle).await?;
    let tr = ctx.tr;
    let mut book = Book::new();
    book.sheet(tr.t("xlsx.schedule"), &xlsx::headers(&tr, &["xlsx.stage", "xlsx.opens", "xlsx.closes", "xlsx.state"]))?;
    for stage in &page.stages {
        let at = |time: Option<OffsetDateTime>| time.map_or(Cell::Empty, Cell::Time);
        book.row(&[
            Cell::from(stage.name),
            at(stage.window.map(|w| w.opens)),
            at(stage.window.map(|w| w.closes)),
            Cell::from(stage.status),
        ])?;
    }
    let amount = |rupiah: Option<i64>| rupiah.map_or(Cell::Empty, Cell::Rupiah);
    book.sheet(tr.t("xlsx.kecamatan_ceilings"), &xlsx::headers(&tr, &["xlsx.code", "xlsx.kecamatan", "xlsx.ceiling"]))?;
    for row in &page.ceilings {
        book.row(&[Cell::Text(row.code.clone()), Cell::Text(row.name.clone()), amount(row.rupiah)])?;
    }
    book.sheet(tr.t("xlsx.opd_ceilings"), &xlsx::headers(&tr, &["xlsx.code", "xlsx.opd", "xlsx.ceiling"]))?;
    for row in &page.opd_ceilings {
        book.row(&[Cell::Text(row.code.clone()), Cell::Text(row.name.clone()), amount(row.rupiah)])?;
    }
    let file = format!("kalender-{}-{}", page.pemda_code, page.tahun_anggaran);
    Ok(xlsx::download(&file, xlsx::finish(book).await?))
}

/// Runs a command from one of the calendar's forms: back to the calendar with a message, or the
/// calendar again with the errors beside the form that failed (and what was typed in it).
async fn save(
    mut ctx: PageCtx,
    cycle: CycleFacts,
    command: Result<Command, AppError>,
    done: String,
    failed: Failed,
    keep: impl FnOnce(&mut CyclePage),
) -> AppResult<Response> {
    ctx.authorize(Action::ManageCycle, &Resource::pemda(cycle.pemda.clone())).await?;
    let result = match command {
        Ok(command) => {
            ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await.map_err(AppError::from)
        }
        Err(error) => Err(error),
    };
    let id = cycle.id;
    match result {
        Ok(_) => {
            ctx.set_flash(done).await?;
            Ok(Redirect::to(&format!("/cycles/{id}")).into_response())
        }
        Err(error) => {
            let invalid = invalid_fields(&error);
            let errors = form_errors(&ctx.tr, error)?;
            let mut page = cycle_page(&mut ctx, cycle).await?;
            page.errors = errors;
            page.failed = failed;
            page.invalid = invalid;
            keep(&mut page);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize)]
struct WindowForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
}

async fn set_window(
    ctx: PageCtx,
    Path((id, stage)): Path<(String, String)>,
    Form(form): Form<WindowForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    ctx.require_user()?;
    let stage = Stage::parse(&stage).ok_or(AppError::NotFound)?;
    let cycle = find_cycle(&ctx, &id).await?;
    let command = match (parse_wib("opens", &form.opens), parse_wib("closes", &form.closes)) {
        (Ok(opens), Ok(closes)) => Ok(Command::Schedule(ScheduleCommand::SetStageWindow {
            cycle_id: cycle.id,
            stage,
            window: Window { opens, closes },
        })),
        (opens, closes) => Err(AppError::Invalid(opens.err().into_iter().chain(closes.err()).collect())),
    };
    let done = ctx.tr.f("cycles.window_saved", &[("stage", ctx.tr.stage(stage))]);
    save(ctx, cycle, command, done, Failed::Stage(stage), |page| {
        if let Some(row) = page.stages.iter_mut().find(|row| row.key == stage.as_str()) {
            row.opens_input = form.opens;
            row.closes_input = form.closes;
        }
    })
    .await
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    cap_rembuk_warga: String,
    #[serde(default)]
    cap_musrenbang_kelurahan: String,
    #[serde(default)]
    cap_musrenbang_kecamatan: String,
    /// A checkbox: present when ticked.
    online_proposals: Option<String>,
}

/// A cap as typed: empty is no cap; otherwise a whole number (the domain refuses zero).
pub(crate) fn parse_cap(errors: &mut Vec<FieldError>, field: &str, text: &str) -> Option<u32> {
    let text = text.trim().replace('.', "");
    if text.is_empty() {
        return None;
    }
    match text.parse::<u32>() {
        Ok(cap) => Some(cap),
        Err(_) => {
            errors.push(FieldError::new(field, Rule::Format { expected: "count" }));
            None
        }
    }
}

async fn set_settings(ctx: PageCtx, Path(id): Path<String>, Form(form): Form<SettingsForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    ctx.require_user()?;
    let cycle = find_cycle(&ctx, &id).await?;
    let mut errors = Vec::new();
    let caps = ForwardCaps {
        rembuk_warga: parse_cap(&mut errors, "caps.rembuk_warga", &form.cap_rembuk_warga),
        musrenbang_kelurahan: parse_cap(&mut errors, "caps.musrenbang_kelurahan", &form.cap_musrenbang_kelurahan),
        musrenbang_kecamatan: parse_cap(&mut errors, "caps.musrenbang_kecamatan", &form.cap_musrenbang_kecamatan),
    };
    let online_proposals = form.online_proposals.is_some();
    let command = if errors.is_empty() {
        Ok(Command::Schedule(ScheduleCommand::SetCycleSettings { cycle_id: cycle.id, caps, online_proposals }))
    } else {
        Err(AppError::Invalid(errors))
    };
    let done = ctx.tr.t("cycles.settings_saved").to_string();
    save(ctx, cycle, command, done, Failed::Settings, |page| {
        page.cap_rembuk_warga = form.cap_rembuk_warga;
        page.cap_musrenbang_kelurahan = form.cap_musrenbang_kelurahan;
        page.cap_musrenbang_kecamatan = form.cap_musrenbang_kecamatan;
        page.online_proposals = online_proposals;
    })
    .await
}

#[derive(Deserialize)]
struct CeilingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kecamatan: String,
    #[serde(default)]
    amount: String,
}

async fn set_opd_ceiling(
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<OpdCeilingForm>,
) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    ctx.require_user()?;
    let cycle = find_cycle(&ctx, &id).await?;
    let opd_code = form.opd_code.trim().to_string();
    let done = ctx.tr.f("cycles.opd_ceiling_saved", &[("opd", &opd_code)]);
    let command = Ok(Command::Schedule(ScheduleCommand::SetOpdCeiling {
        cycle_id: cycle.id,
        opd_code: opd_code.clone(),
        amount: form.amount.clone(),
    }));
    save(ctx, cycle, command, done, Failed::Ceiling(opd_code.clone()), |page| {
        if let Some(row) = page.opd_ceilings.iter_mut().find(|row| row.code == opd_code) {
            row.input = form.amount;
        }
    })
    .await
}

#[derive(Deserialize)]
struct OpdCeilingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    opd_code: String,
    #[serde(default)]
    amount: String,
}

async fn set_ceiling(ctx: PageCtx, Path(id): Path<String>, Form(form): Form<CeilingForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    ctx.require_user()?;
    let cycle = find_cycle(&ctx, &id).await?;
    let kecamatan = form.kecamatan.trim().to_string();
    let name = match RegionCode::parse(&kecamatan) {
        Ok(code) => ctx.state.store.region(&code).await?.map(|r| r.name).unwrap_or_else(|| kecamatan.clone()),
        Err(_) => kecamatan.clone(),
    };
    let done = ctx.tr.f("cycles.ceiling_saved", &[("kecamatan", &name)]);
    let command = Ok(Command::Schedule(ScheduleCommand::SetCeiling {
        cycle_id: cycle.id,
        kecamatan: kecamatan.clone(),
        amount: form.amount.clone(),
    }));
    save(ctx, cycle, command, done, Failed::Ceiling(kecamatan.clone()), |page| {
        if let Some(row) = page.ceilings.iter_mut().find(|row| row.code == kecamatan) {
            row.input = form.amount;
        }
    })
    .await
}
