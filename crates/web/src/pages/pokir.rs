//! A DPRD member's reses and pokir, for the member and their assistants: the reses recorded
//! with the aspirations heard, the pokir entered, and the forms to add both.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::cycle::Stage;
use domain::dprd::{PokirInput, Reses, ResesInput};
use domain::views::MemberView;
use domain::{Command, DprdCommand};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::cycles::invalid_fields;
use super::{Chrome, form_errors};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::dprd::{cycle_or_newest, member_named};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pokir", get(show))
        .route("/pokir/reses", post(record_reses))
        .route("/pokir/new", post(submit_pokir))
        .route("/reses/{id}/photos", post(upload_reses_photo))
        .route("/reses/{id}/photos/{photo}", get(reses_photo))
}

#[derive(Deserialize, Default)]
struct Which {
    #[serde(default)]
    cycle: Option<Uuid>,
    #[serde(default)]
    member: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct ResesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    member: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    kelurahan: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    aspirations: String,
}

#[derive(Deserialize, Default, Clone)]
struct PokirForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    member: String,
    /// `reses-id:number`.
    #[serde(default)]
    source: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    kamus_code: String,
    #[serde(default)]
    volume: String,
    #[serde(default)]
    lingkungan: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    priority: String,
}

struct PokirRow {
    id: Uuid,
    title: String,
    cost: String,
    status: &'static str,
}

#[derive(PartialEq, Eq, Default)]
enum Failed {
    #[default]
    Nothing,
    Reses,
    Pokir,
}

#[derive(Template, WebTemplate)]
#[template(path = "pokir.html")]
struct PokirPage {
    c: Chrome,
    cycle: Uuid,
    tahun: i32,
    member: MemberView,
    /// Other members the caller assists: username and name.
    others: Vec<(String, String)>,
    window: String,
    may_write: bool,
    /// Each reses with its photos.
    reses: Vec<(Reses, Vec<Uuid>)>,
    /// `reses-id:number` and what to show, for the pokir form.
    sources: Vec<(String, String)>,
    pokir: Vec<PokirRow>,
    /// What the member's pokir taken together deserve a second look for.
    flags: Vec<String>,
    kamus: Vec<(String, String)>,
    priorities: Vec<(String, String)>,
    /// The kelurahan of the member's dapil (for reses) and its lingkungan (for pokir).
    kelurahan: Vec<(String, String)>,
    lingkungan: Vec<(String, String)>,
    errors: Vec<String>,
    invalid: Vec<String>,
    failed: Failed,
    reses_form: ResesForm,
    pokir_form: PokirForm,
}

impl PokirPage {
    fn bad(&self, field: &str) -> bool {
        self.invalid.iter().any(|f| f == field || f.starts_with(&format!("{field}[")))
    }

    fn failed_reses(&self) -> bool {
        self.failed == Failed::Reses
    }

    fn failed_pokir(&self) -> bool {
        self.failed == Failed::Pokir
    }
}

async fn page(ctx: &mut PageCtx, which: Which) -> AppResult<PokirPage> {
    let user = ctx.require_user()?.clone();
    let pemda = user.pemda.clone();
    let state = ctx.state.clone();
    let store = &state.store;
    let member = member_named(&state, &pemda, which.member.as_deref(), user.id).await?;
    let cycle_id = cycle_or_newest(&state, &pemda, which.cycle).await?;
    let cycle = store.cycle(cycle_id).await?.filter(|c| c.pemda == pemda).ok_or(AppError::NotFound)?;
    let tr = ctx.tr;
    let others = store
        .members(&pemda)
        .await?
        .into_iter()
        .filter(|m| m.user_id != member.user_id && (m.user_id == user.id || m.assistants.contains(&user.username)))
        .map(|m| (m.username, m.name))
        .collect();
    // The same rule the commands apply: the member, or an assistant on their record.
    let may_write = domain::dprd::may_act_for(&ctx.actor(), &member.as_member());
    if may_write {
        ctx.ensure_csrf().await?;
    }
    let window = match cycle.windows.get(&Stage::Pokir) {
        Some(w) => tr.f("pokir.window", &[("opens", &tr.datetime(w.opens)), ("closes", &tr.datetime(w.closes))]),
        None => tr.t("pokir.no_window").to_string(),
    };
    let reses = store.reses_of(cycle_id, member.user_id).await?;
    let mut reses_photos = Vec::with_capacity(reses.len());
    for r in &reses {
        reses_photos.push(store.photos(r.id).await?.into_iter().map(|p| p.id).collect());
    }
    let sources = reses
        .iter()
        .flat_map(|r| {
            r.aspirations
                .iter()
                .enumerate()
                .map(move |(i, a)| (format!("{}:{}", r.id, i + 1), format!("{} {} — {}. {a}", r.date, r.place, i + 1)))
        })
        .collect();
    let pokir = store
        .pokir_of_member(cycle_id, member.user_id)
        .await?
        .into_iter()
        .map(|p| PokirRow { id: p.id, title: p.title, cost: tr.rupiah(p.cost), status: tr.status(p.status) })
        .collect();
    let flags = crate::views::proposals::member_pokir_flags(&ctx.state.store, cycle_id, member.user_id)
        .await?
        .iter()
        .map(|f| super::forums::flag_text(&tr, f).0)
        .collect();
    let kamus = store
        .kamus(&pemda, cycle.tahun_anggaran)
        .await?
        .into_iter()
        .map(|k| (k.code.clone(), format!("{} — {} / {}", k.name, tr.rupiah(k.unit_price), k.unit)))
        .collect();
    let priorities = store
        .priorities(&pemda)
        .await?
        .into_iter()
        .map(|p| (p.code.clone(), format!("{} — {}", p.code, p.name)))
        .collect();
    let dapil = store.dapil_list(&pemda).await?.into_iter().find(|d| d.code == member.dapil);
    let mut kelurahan = Vec::new();
    let mut lingkungan = Vec::new();
    for kecamatan in dapil.map(|d| d.kecamatan).unwrap_or_default() {
        for region in store.children(&kecamatan, None).await? {
            kelurahan.push((region.code.to_string(), region.name.clone()));
        }
        for region in store.lingkungan_within(&kecamatan).await? {
            lingkungan.push((region.code.to_string(), region.name));
        }
    }
    let form_defaults = |member: &MemberView| (cycle_id.to_string(), member.username.clone());
    let (cycle_text, member_text) = form_defaults(&member);
    Ok(PokirPage {
        cycle: cycle_id,
        tahun: cycle.tahun_anggaran,
        others,
        window,
        may_write,
        reses: reses.into_iter().zip(reses_photos).collect(),
        sources,
        pokir,
        flags,
        kamus,
        priorities,
        kelurahan,
        lingkungan,
        errors: Vec::new(),
        invalid: Vec::new(),
        failed: Failed::Nothing,
        reses_form: ResesForm { cycle: cycle_text.clone(), member: member_text.clone(), ..ResesForm::default() },
        pokir_form: PokirForm { cycle: cycle_text, member: member_text, track: "apbd".into(), ..PokirForm::default() },
        member,
        c: Chrome::new(ctx),
    })
}

/// Someone who is no member and names none is sent to the DPRD page, which links every member's.
async fn show(mut ctx: PageCtx, Query(which): Query<Which>) -> AppResult<Response> {
    let asks_for_own = which.member.as_deref().is_none_or(|m| m.trim().is_empty());
    match page(&mut ctx, which).await {
        Err(AppError::Invalid(_)) if asks_for_own => Ok(Redirect::to("/dprd").into_response()),
        other => Ok(other?.into_response()),
    }
}

fn which_of(cycle: &str, member: &str) -> Which {
    Which { cycle: Uuid::parse_str(cycle.trim()).ok(), member: Some(member.to_string()) }
}

/// Runs a command from one of the page's forms: back to the page with a notice, or the page
/// again with the errors beside the form that failed.
async fn run(
    mut ctx: PageCtx,
    which: Which,
    command: Command,
    notice: String,
    failed: Failed,
    keep: impl FnOnce(&mut PokirPage),
) -> AppResult<Response> {
    let back = format!(
        "/pokir?cycle={}&member={}",
        which.cycle.map(|c| c.to_string()).unwrap_or_default(),
        which.member.clone().unwrap_or_default()
    );
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            ctx.set_flash(notice).await?;
            Ok(Redirect::to(&back).into_response())
        }
        Err(error) => {
            let error = AppError::from(error);
            let invalid = invalid_fields(&error);
            let errors = form_errors(&ctx.tr, error)?;
            let mut page = page(&mut ctx, which).await?;
            page.errors = errors;
            page.invalid = invalid;
            page.failed = failed;
            keep(&mut page);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn record_reses(ctx: PageCtx, Form(form): Form<ResesForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let user = ctx.require_user()?.clone();
    let which = which_of(&form.cycle, &form.member);
    let member = member_named(&ctx.state, &user.pemda, Some(&form.member), user.id).await?;
    let cycle_id = which.cycle.ok_or(AppError::NotFound)?;
    let command = Command::Dprd(DprdCommand::RecordReses(ResesInput {
        reses_id: Uuid::now_v7(),
        cycle_id,
        member: member.user_id,
        date: form.date.clone(),
        place: form.place.clone(),
        kelurahan: form.kelurahan.clone(),
        attendees: form.attendees.clone(),
        minutes: form.minutes.clone(),
        aspirations: form.aspirations.clone(),
    }));
    let notice = ctx.tr.f("pokir.reses_recorded", &[("place", form.place.trim())]);
    run(ctx, which, command, notice, Failed::Reses, |page| page.reses_form = ResesForm { csrf: String::new(), ..form })
        .await
}

async fn submit_pokir(ctx: PageCtx, Form(form): Form<PokirForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    let user = ctx.require_user()?.clone();
    let which = which_of(&form.cycle, &form.member);
    let member = member_named(&ctx.state, &user.pemda, Some(&form.member), user.id).await?;
    let cycle_id = which.cycle.ok_or(AppError::NotFound)?;
    let (reses_id, aspiration) = match form.source.split_once(':') {
        Some((id, n)) => (Uuid::parse_str(id).unwrap_or_default(), n.to_string()),
        None => (Uuid::nil(), String::new()),
    };
    let command = Command::Dprd(DprdCommand::SubmitPokir(PokirInput {
        proposal_id: Uuid::now_v7(),
        cycle_id,
        member: member.user_id,
        reses_id,
        aspiration,
        title: form.title.clone(),
        problem: form.problem.clone(),
        kamus_code: form.kamus_code.clone(),
        volume: form.volume.clone(),
        lingkungan: form.lingkungan.clone(),
        address: form.address.clone(),
        latitude: String::new(),
        longitude: String::new(),
        track: form.track.clone(),
        priority: form.priority.clone(),
    }));
    let notice = ctx.tr.f("pokir.submitted", &[("title", form.title.trim())]);
    run(ctx, which, command, notice, Failed::Pokir, |page| page.pokir_form = PokirForm { csrf: String::new(), ..form })
        .await
}

/// A photo of a reses from the member's page: multipart, one file, checked by its bytes.
async fn upload_reses_photo(
    ctx: PageCtx,
    Path(id): Path<String>,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let reses_id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let upload = super::read_upload(multipart, "photo", AppError::invalid("photo", domain::Rule::PhotoType)).await?;
    ctx.check_csrf(upload.text("csrf"))?;
    let user = ctx.require_user()?.clone();
    let reses = ctx.state.store.reses(reses_id).await?.ok_or(AppError::NotFound)?;
    let member = ctx.state.store.member(&user.pemda, reses.member).await?.ok_or(AppError::NotFound)?;
    let back = format!("/pokir?cycle={}&member={}", reses.cycle_id, member.username);
    let result = match upload.file.filter(|f| !f.is_empty()) {
        None => Err(AppError::invalid("photo", domain::Rule::Required)),
        Some(bytes) => ctx
            .state
            .store
            .attach_reses_photo(&ctx.actor(), reses_id, bytes, OffsetDateTime::now_utc())
            .await
            .map_err(AppError::from),
    };
    match result {
        Ok(_) => ctx.set_flash(ctx.tr.t("proposal.photo_added").to_string()).await?,
        Err(error) => {
            let messages = form_errors(&ctx.tr, error)?;
            ctx.set_flash(messages.join(" ")).await?;
        }
    }
    Ok(Redirect::to(&back).into_response())
}

async fn reses_photo(ctx: PageCtx, Path((id, photo)): Path<(String, String)>) -> AppResult<Response> {
    crate::views::proposals::photo_response(&ctx.state, &id, &photo).await
}
