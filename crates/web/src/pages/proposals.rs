//! The proposal form (with a map that needs no tiles to work), the proposal page with every
//! stage's figures side by side and its timeline, supports, and the public list.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::cycle::Stage;
use domain::musrenbang::{ProposalInput, stage_open};
use domain::planning::{Origin, Status, Track, format_volume, forum_region_of};
use domain::{Command, MusrenbangCommand, MusrenbangEvent, RegionCode, Role};
use serde::Deserialize;
use std::collections::HashMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::forums::{flag_text, forum_href};
use super::{Chrome, form_errors, names_field};
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::proposals::{filter_of, flags_of, forum_key, photo_response, public_actors};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals", get(list).post(submit))
        .route("/proposals.xlsx", get(list_xlsx))
        .route("/proposals/new", get(new_form))
        .route("/proposals/{id}", get(show))
        .route("/proposals/{id}/support", post(support))
        .route("/proposals/{id}/photos", post(upload_photo))
        .route("/proposals/{id}/photos/{photo}", get(photo))
}

#[derive(Deserialize, Default, Clone)]
struct ProposalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    region: String,
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
    latitude: String,
    #[serde(default)]
    longitude: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    priority: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "proposal_new.html")]
struct NewProposalPage {
    c: Chrome,
    form: ProposalForm,
    forum: String,
    back: String,
    kamus: Vec<(String, String)>,
    lingkungan: Vec<(String, String)>,
    tracks: Vec<(&'static str, &'static str)>,
    /// The pemda's RPJMD priorities: code and what to show.
    priorities: Vec<(String, String)>,
    tiles: String,
    errors: Vec<String>,
    invalid: Vec<&'static str>,
}

#[derive(Deserialize)]
struct Where {
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    region: String,
}

async fn form_page(
    ctx: &mut PageCtx,
    form: ProposalForm,
    errors: Vec<String>,
    invalid: Vec<&'static str>,
) -> AppResult<NewProposalPage> {
    let key = forum_key(&form.cycle, &form.stage, &form.region)?;
    let store = ctx.state.store.clone();
    let cycle = store.cycle(key.cycle_id).await?.ok_or(AppError::NotFound)?;
    let region = store.region(&key.region).await?.ok_or(AppError::NotFound)?;
    let tr = ctx.tr;
    let kamus = store
        .kamus(&cycle.pemda, cycle.tahun_anggaran)
        .await?
        .into_iter()
        .map(|k| (k.code.clone(), format!("{} — {} / {}", k.name, tr.rupiah(k.unit_price), k.unit)))
        .collect();
    let lingkungan = if key.stage == Stage::RembukWarga {
        vec![(region.code.to_string(), format!("{} ({})", region.name, region.code))]
    } else {
        store
            .lingkungan_within(&key.region)
            .await?
            .into_iter()
            .map(|l| (l.code.to_string(), format!("{} ({})", l.name, l.code)))
            .collect()
    };
    ctx.ensure_csrf().await?;
    Ok(NewProposalPage {
        forum: format!("{} {} ({})", tr.stage(key.stage), region.name, region.code),
        back: forum_href(&key),
        kamus,
        lingkungan,
        tracks: [Track::Apbd, Track::DanaKelurahan].iter().map(|t| (t.as_str(), tr.track(*t))).collect(),
        priorities: store
            .priorities(&cycle.pemda)
            .await?
            .into_iter()
            .map(|p| (p.code.clone(), format!("{} — {}", p.code, p.name)))
            .collect(),
        tiles: ctx.state.config.tile_url.clone(),
        errors,
        invalid,
        form,
        c: Chrome::new(ctx),
    })
}

impl NewProposalPage {
    fn is_invalid(&self, field: &str) -> bool {
        self.invalid.contains(&field)
    }
}

async fn new_form(mut ctx: PageCtx, Query(place): Query<Where>) -> AppResult<NewProposalPage> {
    ctx.require_user()?;
    let form = ProposalForm {
        cycle: place.cycle,
        stage: place.stage,
        region: place.region,
        track: "apbd".into(),
        ..ProposalForm::default()
    };
    form_page(&mut ctx, form, Vec::new(), Vec::new()).await
}

async fn submit(mut ctx: PageCtx, Form(form): Form<ProposalForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    ctx.require_user()?;
    let key = forum_key(&form.cycle, &form.stage, &form.region)?;
    let proposal_id = Uuid::now_v7();
    let command = Command::Musrenbang(MusrenbangCommand::SubmitProposal(ProposalInput {
        proposal_id,
        cycle_id: key.cycle_id,
        stage: key.stage,
        title: form.title.clone(),
        problem: form.problem.clone(),
        kamus_code: form.kamus_code.clone(),
        volume: form.volume.clone(),
        lingkungan: form.lingkungan.clone(),
        address: form.address.clone(),
        latitude: form.latitude.clone(),
        longitude: form.longitude.clone(),
        track: form.track.clone(),
        priority: form.priority.clone(),
    }));
    match ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await {
        Ok(_) => {
            ctx.set_flash(ctx.tr.f("proposal.submitted", &[("title", form.title.trim())])).await?;
            Ok(Redirect::to(&forum_href(&key)).into_response())
        }
        Err(error) => {
            let error = AppError::from(error);
            let fields =
                ["title", "problem", "kamus_code", "volume", "lingkungan", "address", "latitude", "track", "priority"];
            let invalid = fields.into_iter().filter(|f| names_field(&error, f)).collect();
            let errors = form_errors(&ctx.tr, error)?;
            let page = form_page(&mut ctx, ProposalForm { csrf: String::new(), ..form }, errors, invalid).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

struct StageColumn {
    stage: &'static str,
    status: &'static str,
    rank: String,
    kamus: String,
    volume: String,
    unit_price: String,
    cost: String,
    opd: String,
    location: String,
    reason: String,
    decided: String,
    forum: Option<String>,
}

struct TimelineEntry {
    at: String,
    what: String,
    /// For a decision: the stage, the verdict, the figures and the reason it recorded.
    detail: String,
    actor: String,
    seq: i64,
    /// The entry's hash and where its proof of inclusion is shown.
    short_hash: String,
    pemda: String,
}

/// What a journal entry about a proposal decided, in words; empty for entries that say it all
/// in their kind.
fn timeline_detail(tr: &crate::i18n::Tr, payload: &str) -> String {
    match serde_json::from_str::<domain::Event>(payload) {
        Ok(domain::Event::Musrenbang(MusrenbangEvent::ProposalDecided { record, .. })) => {
            let mut text = format!(
                "{}: {} — {} {}, {}",
                tr.stage(record.stage),
                tr.status(record.status),
                format_volume(record.figures.volume),
                record.figures.unit,
                tr.rupiah(record.figures.cost)
            );
            if let Some(reason) = &record.reason {
                text.push_str(&format!(" — {}: {reason}", tr.t("proposal.reason")));
            }
            text
        }
        _ => String::new(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "proposal.html")]
struct ProposalPage {
    c: Chrome,
    id: Uuid,
    title: String,
    problem: String,
    origin: &'static str,
    proposer: String,
    bidang: &'static str,
    fisik: bool,
    track: &'static str,
    /// The RPJMD priority it serves, as code and name; empty when none is named.
    priority: String,
    /// For a pokir: whose it is and what it answers, and the member's page in its cycle.
    pokir: Option<domain::views::PokirView>,
    member_href: String,
    supports: i32,
    can_support: bool,
    flags: Vec<(String, Option<Uuid>)>,
    photos: Vec<Uuid>,
    can_add_photo: bool,
    errors: Vec<String>,
    columns: Vec<StageColumn>,
    timeline: Vec<TimelineEntry>,
    /// Where it went: the Renja line that carries it, or the decision that stopped it, or where
    /// it waits.
    outcome: (Option<String>, String),
    place: Place,
    tiles: String,
}

/// Where a proposal is, by its latest figures: named, and its point as text and for a map.
struct Place {
    address: String,
    lingkungan: String,
    kelurahan: String,
    kecamatan: String,
    lingkungan_code: String,
    /// "3,595200° LU, 98,672200° BT", the point in millionths, and a `geo:` link for phones.
    point: Option<(String, i32, i32, String)>,
}

/// A latitude or longitude in millionths as people read it: degrees with six decimals, the
/// hemisphere named (LU/LS, BT/BB in Indonesian; N/S, E/W in English).
fn degrees(tr: &crate::i18n::Tr, e6: i32, positive: &str, negative: &str) -> String {
    let key = if e6 < 0 { negative } else { positive };
    let whole = e6.unsigned_abs() / 1_000_000;
    let fraction = e6.unsigned_abs() % 1_000_000;
    let separator = if tr.lang == crate::i18n::Lang::Id { ',' } else { '.' };
    format!("{whole}{separator}{fraction:06}° {}", tr.t(key))
}

fn place_of(tr: &crate::i18n::Tr, detail: &store::ProposalDetail, names: &HashMap<RegionCode, String>) -> Place {
    let location = detail.records.last().map(|r| r.figures.location.clone());
    let lingkungan =
        location.as_ref().map(|l| l.lingkungan.clone()).unwrap_or_else(|| detail.summary.lingkungan.clone());
    let name = |code: Option<RegionCode>| code.and_then(|c| names.get(&c).cloned()).unwrap_or_default();
    Place {
        address: location.as_ref().map(|l| l.address.clone()).unwrap_or_default(),
        lingkungan: name(Some(lingkungan.clone())),
        kelurahan: name(lingkungan.at_depth(4)),
        kecamatan: name(lingkungan.at_depth(3)),
        lingkungan_code: lingkungan.to_string(),
        point: location.and_then(|l| l.point).map(|p| {
            let text = format!(
                "{}, {}",
                degrees(tr, p.lat_e6, "map.north", "map.south"),
                degrees(tr, p.lon_e6, "map.east", "map.west")
            );
            let geo = format!("geo:{:.6},{:.6}", f64::from(p.lat_e6) / 1e6, f64::from(p.lon_e6) / 1e6);
            (text, p.lat_e6, p.lon_e6, geo)
        }),
    }
}

async fn show(mut ctx: PageCtx, Path(id): Path<String>) -> AppResult<ProposalPage> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    proposal_page(&mut ctx, id, Vec::new()).await
}

async fn proposal_page(ctx: &mut PageCtx, id: Uuid, errors: Vec<String>) -> AppResult<ProposalPage> {
    // A dozen reads: on one connection (no read through the pool besides, see `Store::reading`).
    let store = ctx.state.store.reading().await?;
    let detail = store.proposal(id).await?.ok_or(AppError::NotFound)?;
    let tr = ctx.tr;
    let flags = flags_of(&store, &detail).await?.iter().map(|f| flag_text(&tr, f)).collect();
    let lingkungan: Vec<RegionCode> = detail
        .records
        .iter()
        .map(|r| r.figures.location.lingkungan.clone())
        .chain([detail.summary.lingkungan.clone()])
        .collect();
    let names = store.place_names(lingkungan.iter()).await?;
    let history = store.proposal_history(id).await?;
    let actors = public_actors(
        &store,
        &tr,
        detail
            .records
            .iter()
            .filter_map(|r| r.decided_by.as_deref())
            .chain(history.iter().map(|e| e.actor.as_str()))
            .chain([detail.proposer.as_str()]),
    )
    .await?;
    let columns = detail
        .records
        .iter()
        .map(|r| {
            let forum = match r.stage {
                Stage::ForumOpd => Some(format!("/renja/{}/{}", detail.summary.cycle_id, r.figures.opd_code)),
                stage => forum_region_of(&r.figures.location.lingkungan, stage).map(|region| {
                    forum_href(&domain::planning::ForumKey { cycle_id: detail.summary.cycle_id, stage, region })
                }),
            };
            StageColumn {
                stage: tr.stage(r.stage),
                status: tr.status(r.status),
                rank: r.rank.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
                kamus: r.figures.kamus_code.clone(),
                volume: format!("{} {}", format_volume(r.figures.volume), r.figures.unit),
                unit_price: tr.rupiah(r.figures.unit_price),
                cost: tr.rupiah(r.figures.cost),
                opd: r.figures.opd_code.clone(),
                location: format!(
                    "{} — {}",
                    names.get(&r.figures.location.lingkungan).cloned().unwrap_or_else(|| r
                        .figures
                        .location
                        .lingkungan
                        .to_string()),
                    r.figures.location.address
                ),
                reason: r.reason.clone().unwrap_or_default(),
                decided: match (&r.decided_by, &r.decided_at) {
                    (Some(by), Some(at)) => {
                        let at =
                            OffsetDateTime::parse(at, &Rfc3339).map(|t| tr.datetime(t)).unwrap_or_else(|_| at.clone());
                        format!("{} — {at}", actors.get(by).cloned().unwrap_or_default())
                    }
                    _ => String::new(),
                },
                forum,
            }
        })
        .collect();
    let mut timeline = Vec::new();
    for e in history {
        timeline.push(TimelineEntry {
            actor: actors.get(&e.actor).cloned().unwrap_or_default(),
            at: OffsetDateTime::parse(&e.at, &Rfc3339).map(|t| tr.datetime(t)).unwrap_or(e.at),
            what: tr.t(&format!("event.{}", e.kind)).to_string(),
            detail: timeline_detail(&tr, &e.payload),
            seq: e.seq,
            short_hash: e.hash.chars().take(12).collect(),
            pemda: e.pemda,
        });
    }
    let cycle = store.cycle(detail.summary.cycle_id).await?;
    let resident = ctx.user.as_ref().is_some_and(|u| u.grants.iter().any(|g| g.role == Role::Warga));
    let now = OffsetDateTime::now_utc();
    let can_support = resident && cycle.as_ref().is_some_and(|c| stage_open(c, Stage::RembukWarga, now));
    // The button shows where the forum that raised it is open and the user runs it; the command
    // asks the policy again.
    let entry = detail.summary.origin.entry_stage();
    let entry_region = detail.records.first().and_then(|r| forum_region_of(&r.figures.location.lingkungan, entry));
    let pokir = crate::views::proposals::pokir_of(&store, &detail.summary).await?;
    let may_add = match &pokir {
        Some(p) => domain::dprd::may_act_for(&ctx.actor(), &p.member.as_member()),
        None => {
            entry_region.is_some_and(|region| domain::musrenbang::may_add_photo(&ctx.actor(), entry, &region).is_ok())
        }
    };
    let can_add_photo = ctx.user.is_some() && cycle.as_ref().is_some_and(|c| stage_open(c, entry, now)) && may_add;
    if can_support || can_add_photo {
        ctx.ensure_csrf().await?;
    }
    let photos = store.photos(id).await?.into_iter().map(|p| p.id).collect();
    let place = place_of(&tr, &detail, &names);
    let line = if detail.may_be_on_a_renja_line() { store.lines_of_proposals(&[id]).await?.remove(&id) } else { None };
    let outcome = match line {
        Some((line, code)) => (Some(format!("/renja/baris/{line}")), tr.f("proposal.in_line", &[("code", &code)])),
        None => match detail.records.last() {
            Some(r) if matches!(r.status, Status::Rejected | Status::NotForwarded) => (
                None,
                tr.f(
                    "proposal.stopped_at",
                    &[
                        ("stage", tr.stage(r.stage)),
                        ("status", tr.status(r.status)),
                        ("reason", r.reason.as_deref().unwrap_or("—")),
                    ],
                ),
            ),
            Some(r) => {
                (None, tr.f("proposal.now_at", &[("stage", tr.stage(r.stage)), ("status", tr.status(r.status))]))
            }
            None => (None, String::new()),
        },
    };
    let priority = match (&detail.priority, detail.summary.lingkungan.pemda()) {
        (Some(code), Some(pemda)) => {
            let name = store.priorities(&pemda).await?.into_iter().find(|p| &p.code == code).map(|p| p.name);
            format!("{code} — {}", name.unwrap_or_default())
        }
        _ => String::new(),
    };
    Ok(ProposalPage {
        outcome,
        place,
        tiles: ctx.state.config.tile_url.clone(),
        id,
        title: detail.summary.title.clone(),
        problem: detail.problem.clone(),
        origin: tr.origin(detail.summary.origin),
        proposer: actors.get(&detail.proposer).cloned().unwrap_or_default(),
        bidang: tr.bidang(detail.bidang),
        fisik: detail.fisik,
        track: tr.track(detail.track),
        priority,
        member_href: pokir
            .as_ref()
            .map(|p| format!("{}?cycle={}", super::member::member_href(p.member.user_id), detail.summary.cycle_id))
            .unwrap_or_default(),
        pokir: pokir.map(|p| domain::views::PokirView { reses_date: tr.date_text(&p.reses_date), ..p }),
        supports: detail.summary.supports,
        can_support,
        flags,
        photos,
        can_add_photo,
        errors,
        columns,
        timeline,
        c: Chrome::new(ctx),
    })
}

/// A photo from the proposal page: multipart, one file, checked by its bytes in the store.
async fn upload_photo(
    mut ctx: PageCtx,
    Path(id): Path<String>,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let proposal_id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let upload = super::read_upload(multipart, "photo", AppError::invalid("photo", domain::Rule::PhotoType)).await?;
    ctx.check_csrf(upload.text("csrf"))?;
    let file = upload.file;
    ctx.require_user()?;
    let result = match file.filter(|f| !f.is_empty()) {
        None => Err(AppError::invalid("photo", domain::Rule::Required)),
        Some(bytes) => ctx
            .state
            .store
            .attach_photo(&ctx.actor(), proposal_id, bytes, OffsetDateTime::now_utc())
            .await
            .map_err(AppError::from),
    };
    match result {
        Ok(_) => {
            ctx.set_flash(ctx.tr.t("proposal.photo_added").to_string()).await?;
            Ok(Redirect::to(&format!("/proposals/{proposal_id}")).into_response())
        }
        Err(error) => {
            let errors = form_errors(&ctx.tr, error)?;
            let page = proposal_page(&mut ctx, proposal_id, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn photo(ctx: PageCtx, Path((id, photo)): Path<(String, String)>) -> AppResult<Response> {
    photo_response(&ctx.state, &id, &photo).await
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn support(ctx: PageCtx, Path(id): Path<String>, Form(form): Form<CsrfForm>) -> AppResult<Response> {
    ctx.check_csrf(&form.csrf)?;
    ctx.require_user()?;
    let proposal_id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    ctx.state
        .store
        .execute(
            &ctx.actor(),
            &Command::Musrenbang(MusrenbangCommand::SupportProposal { proposal_id }),
            OffsetDateTime::now_utc(),
        )
        .await?;
    ctx.set_flash(ctx.tr.t("proposal.supported").to_string()).await?;
    Ok(Redirect::to(&format!("/proposals/{proposal_id}")).into_response())
}

/// The explorer's query string: every part optional, the URL shareable as it stands.
#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    kecamatan: String,
    #[serde(default)]
    kelurahan: String,
    #[serde(default)]
    lingkungan: String,
    /// A region code at any level, as older links and the API give it.
    #[serde(default)]
    region: String,
    #[serde(default)]
    opd: String,
    #[serde(default)]
    origin: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    after: Option<Uuid>,
}

impl ListQuery {
    /// The narrowest region chosen: a lingkungan inside the kelurahan inside the kecamatan, a
    /// finer choice left from another parent being dropped.
    fn region(&self) -> AppResult<Option<RegionCode>> {
        let mut chosen: Option<RegionCode> = None;
        for (field, text) in [
            ("region", &self.region),
            ("kecamatan", &self.kecamatan),
            ("kelurahan", &self.kelurahan),
            ("lingkungan", &self.lingkungan),
        ] {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let code = RegionCode::parse(text).map_err(|e| AppError::invalid(field, e.into()))?;
            if chosen.as_ref().is_none_or(|outer| code.is_within(outer)) {
                chosen = Some(code);
            }
        }
        Ok(chosen)
    }

    /// This query's link with `after` set (or cleared), every other choice kept.
    fn href(&self, after: Option<Uuid>) -> String {
        let after = after.map(|a| a.to_string()).unwrap_or_default();
        let params: Vec<(&str, &str)> = [
            ("q", self.q.as_str()),
            ("cycle", &self.cycle),
            ("kecamatan", &self.kecamatan),
            ("kelurahan", &self.kelurahan),
            ("lingkungan", &self.lingkungan),
            ("region", &self.region),
            ("opd", &self.opd),
            ("origin", &self.origin),
            ("stage", &self.stage),
            ("status", &self.status),
            ("after", &after),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
        format!("/proposals?{}", serde_urlencoded::to_string(params).unwrap_or_default())
    }
}

struct ListRow {
    id: Uuid,
    title: String,
    lingkungan: String,
    lingkungan_code: String,
    place: String,
    opd: String,
    origin: &'static str,
    stage: &'static str,
    status: &'static str,
    status_key: &'static str,
    cost: String,
}

/// A select's choices: value and what people read.
type Choices = Vec<(String, String)>;

#[derive(Template, WebTemplate)]
#[template(path = "proposals.html")]
struct ProposalsPage {
    c: Chrome,
    q: String,
    cycle: String,
    kecamatan: String,
    kelurahan: String,
    lingkungan: String,
    region: String,
    opd: String,
    origin: String,
    stage: String,
    status: String,
    cycles: Choices,
    kecamatan_choices: Choices,
    kelurahan_choices: Choices,
    lingkungan_choices: Choices,
    opds: Choices,
    origins: Choices,
    stages: Choices,
    statuses: Choices,
    total: String,
    rows: Vec<ListRow>,
    first: Option<String>,
    next: Option<String>,
    /// The same filters as the API's points of a map, and as the Excel download.
    points_href: String,
    xlsx_href: String,
    tiles: String,
}

const LIST_PAGE: u64 = 50;

/// The public proposals explorer: filters chosen from names, words searched in titles and
/// addresses, the total found, pages by key.
/// The explorer's filter from its query: the words, the choices, the region, and the pemda whose
/// names the choices list (the cycle's, the region's, or the only one).
struct ExplorerFilter {
    filter: store::ProposalFilter,
    cycle: Option<domain::cycle::CycleFacts>,
    region: Option<RegionCode>,
    pemda: Option<RegionCode>,
}

async fn explorer_filter(store: &store::Store, query: &ListQuery) -> AppResult<ExplorerFilter> {
    let region = query.region()?;
    let mut filter = filter_of(
        None,
        Some(&query.stage),
        Some(&query.status),
        Some(&query.origin),
        Some(&query.opd),
        Some(&query.q),
    )?;
    filter.region = region.clone();
    let cycle = match query.cycle.trim() {
        "" => None,
        text => {
            let id = Uuid::parse_str(text)
                .map_err(|_| AppError::invalid("cycle", domain::Rule::Format { expected: "other" }))?;
            filter.cycle = Some(id);
            store.cycle(id).await?
        }
    };
    let pemda = match (&cycle, &region) {
        (Some(cycle), _) => Some(cycle.pemda.clone()),
        (None, Some(region)) => region.pemda(),
        (None, None) => match store.all_pemda().await?.as_slice() {
            [only] => Some(only.code.clone()),
            _ => None,
        },
    };
    filter.pemda = pemda.clone();
    Ok(ExplorerFilter { filter, cycle, region, pemda })
}

/// The explorer's list as an Excel workbook: every proposal the same filters find (up to
/// `views::xlsx::PROPOSALS_MAX`), not only the page shown.
async fn list_xlsx(ctx: PageCtx, Query(query): Query<ListQuery>) -> AppResult<axum::response::Response> {
    let ExplorerFilter { filter, cycle, pemda, .. } = explorer_filter(&ctx.state.store, &query).await?;
    let book = crate::views::xlsx::proposals(&ctx.state.store, &ctx.tr, &filter, ctx.tr.t("xlsx.proposals")).await?;
    let file = match (&cycle, &pemda) {
        (Some(cycle), _) => format!("usulan-{}-{}", cycle.pemda, cycle.tahun_anggaran),
        (None, Some(pemda)) => format!("usulan-{pemda}"),
        (None, None) => "usulan".to_string(),
    };
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

/// The most proposals the explorer counts for its total; beyond it, it says "more than" this, so
/// that a page's cost does not grow with the region's history.
const COUNT_MOST: u64 = 10_000;

/// The public proposals explorer: filters chosen from names, words searched in titles and
/// addresses, the total found (up to `COUNT_MOST`), pages by key.
async fn list(ctx: PageCtx, Query(query): Query<ListQuery>) -> AppResult<ProposalsPage> {
    let store = &ctx.state.store;
    let tr = ctx.tr;
    let ExplorerFilter { filter, region, pemda, .. } = explorer_filter(store, &query).await?;
    let rows = store.proposals(&filter, query.after, LIST_PAGE).await?;
    let total = store.proposal_count_up_to(&filter, COUNT_MOST).await?;
    let names = |regions: Vec<domain::Region>| -> Choices {
        regions.into_iter().map(|r| (r.code.to_string(), format!("{} ({})", r.name, r.code))).collect()
    };
    let chosen_at = |depth: usize| region.as_ref().and_then(|r| r.at_depth(depth));
    let (mut cycles, mut kecamatan_choices, mut kelurahan_choices, mut lingkungan_choices, mut opds) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut opd_names = HashMap::new();
    if let Some(pemda) = &pemda {
        cycles = store
            .cycles(pemda)
            .await?
            .iter()
            .map(|c| (c.id.to_string(), tr.f("tasks.cycle", &[("year", &c.tahun_anggaran.to_string())])))
            .collect();
        kecamatan_choices = names(store.children(pemda, None).await?);
        if let Some(kecamatan) = chosen_at(3) {
            kelurahan_choices = names(store.children(&kecamatan, None).await?);
        }
        if let Some(kelurahan) = chosen_at(4) {
            lingkungan_choices = names(store.children(&kelurahan, None).await?);
        }
        for o in store.opds(pemda).await? {
            opds.push((o.code.clone(), format!("{} ({})", o.name, o.code)));
            opd_names.insert(o.code, o.name);
        }
    }
    let place_names = store.place_names(rows.iter().map(|p| &p.lingkungan)).await?;
    let name_of = |code: Option<RegionCode>| code.and_then(|c| place_names.get(&c).cloned()).unwrap_or_default();
    let filter_query = {
        let region = region.as_ref().map(ToString::to_string).unwrap_or_default();
        let pairs = [
            ("cycle", query.cycle.trim()),
            ("region", region.as_str()),
            ("opd", query.opd.trim()),
            ("origin", query.origin.trim()),
            ("stage", query.stage.trim()),
            ("status", query.status.trim()),
            ("q", query.q.trim()),
        ];
        let kept: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    };
    let points_href = format!("/api/v1/proposals/points?{filter_query}");
    let xlsx_href = format!("/proposals.xlsx?{filter_query}");
    let next = (rows.len() as u64 == LIST_PAGE).then(|| rows.last().map(|p| query.href(Some(p.id)))).flatten();
    Ok(ProposalsPage {
        total: match total {
            Some(total) => tr.f("proposals.found", &[("count", &tr.number(total as i64))]),
            None => tr.f("proposals.found_more", &[("count", &tr.number(COUNT_MOST as i64))]),
        },
        rows: rows
            .iter()
            .map(|p| {
                let kelurahan = p.lingkungan.at_depth(4);
                let kecamatan = p.lingkungan.at_depth(3);
                ListRow {
                    id: p.id,
                    title: p.title.clone(),
                    lingkungan: name_of(Some(p.lingkungan.clone())),
                    lingkungan_code: p.lingkungan.to_string(),
                    place: format!("{}, {}", name_of(kelurahan), name_of(kecamatan)),
                    opd: opd_names.get(&p.opd_code).cloned().unwrap_or_else(|| p.opd_code.clone()),
                    origin: tr.origin(p.origin),
                    stage: tr.stage(p.stage),
                    status: tr.status(p.status),
                    status_key: p.status.as_str(),
                    cost: tr.rupiah(p.cost),
                }
            })
            .collect(),
        first: query.after.map(|_| query.href(None)),
        next,
        cycles,
        kecamatan_choices,
        kelurahan_choices,
        lingkungan_choices,
        opds,
        origins: Origin::ALL.iter().map(|o| (o.as_str().to_string(), tr.origin(*o).to_string())).collect(),
        stages: Stage::ALL.iter().map(|s| (s.as_str().to_string(), tr.stage(*s).to_string())).collect(),
        statuses: Status::ALL.iter().map(|s| (s.as_str().to_string(), tr.status(*s).to_string())).collect(),
        q: query.q,
        cycle: query.cycle,
        kecamatan: chosen_at(3).map(|c| c.to_string()).unwrap_or_default(),
        kelurahan: chosen_at(4).map(|c| c.to_string()).unwrap_or_default(),
        lingkungan: chosen_at(5).map(|c| c.to_string()).unwrap_or_default(),
        region: query.region,
        opd: query.opd,
        origin: query.origin,
        stage: query.stage,
        status: query.status,
        points_href,
        xlsx_href,
        tiles: ctx.state.config.tile_url.clone(),
        c: Chrome::new(&ctx),
    })
}
