//! A DPRD member's public page: who they are, their reses and their pokir in a cycle. Members'
//! acts are public duties; anyone may read this without an account.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;

use super::Chrome;
use crate::ctx::PageCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/anggota/{id}", get(show))
        .route("/anggota/{id}/pokir.xlsx", get(pokir_xlsx))
        .route("/anggota/{id}/pokir.pdf", get(pokir_pdf))
}

pub fn member_href(user_id: Uuid) -> String {
    format!("/anggota/{user_id}")
}

#[derive(Deserialize)]
struct CycleQuery {
    cycle: Option<Uuid>,
}

struct ResesRow {
    date: String,
    place: String,
    kelurahan: String,
    attendees: u32,
    aspirations: Vec<String>,
}

struct PokirRow {
    id: Uuid,
    title: String,
    stage: &'static str,
    status: &'static str,
    cost: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "member.html")]
struct MemberPage {
    c: Chrome,
    name: String,
    fraksi: String,
    komisi: String,
    dapil: String,
    /// Each cycle: link and year, the one shown marked.
    cycles: Vec<(String, String, bool)>,
    reses: Vec<ResesRow>,
    pokir: Vec<PokirRow>,
    total: String,
    xlsx_href: String,
    pdf_href: String,
}

/// The member a page names, the pemda's cycles, and the one shown (asked for, or the newest).
pub(crate) async fn member_in_cycle(
    store: &store::Store,
    id: &str,
    cycle: Option<Uuid>,
) -> AppResult<(Uuid, domain::views::MemberView, Vec<domain::cycle::CycleFacts>, domain::cycle::CycleFacts)> {
    let user_id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let account = store.user(user_id).await?.ok_or(AppError::NotFound)?;
    let member = store.member(&account.pemda, user_id).await?.ok_or(AppError::NotFound)?;
    let cycles = store.cycles(&account.pemda).await?;
    let shown = match cycle {
        Some(asked) => cycles.iter().find(|c| c.id == asked).ok_or(AppError::NotFound)?,
        None => cycles.first().ok_or(AppError::NotFound)?,
    }
    .clone();
    Ok((user_id, member, cycles, shown))
}

/// A member's pokir of a cycle as Excel, public like the page.
/// A member's pokir of a cycle as a PDF, journaled like every print.
async fn pokir_pdf(
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(query): Query<CycleQuery>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let (document, subject) = crate::views::print::pokir(&ctx.state, &ctx.tr, &id, query.cycle).await?;
    Ok(crate::views::print::print(&ctx.state, &ctx.actor(), document, subject).await?.into_response())
}

async fn pokir_xlsx(
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(query): Query<CycleQuery>,
) -> AppResult<axum::response::Response> {
    use reports::xlsx::{Book, Cell};
    let store = &ctx.state.store;
    let tr = ctx.tr;
    let (user_id, member, _, shown) = member_in_cycle(store, &id, query.cycle).await?;
    let pokir = store.pokir_of_member(shown.id, user_id).await?;
    let names = store.place_names(pokir.iter().map(|p| &p.lingkungan)).await?;
    let keys = [
        "xlsx.title",
        "xlsx.lingkungan",
        "xlsx.kamus_code",
        "xlsx.stage",
        "xlsx.status",
        "xlsx.cost",
        "xlsx.created_at",
        "xlsx.id",
    ];
    let mut book = Book::new();
    book.sheet(&format!("Pokir {}", shown.tahun_anggaran), &crate::views::xlsx::headers(&tr, &keys))?;
    for p in &pokir {
        book.row(&[
            Cell::Text(p.title.clone()),
            Cell::Text(names.get(&p.lingkungan).cloned().unwrap_or_else(|| p.lingkungan.to_string())),
            Cell::Text(p.kamus_code.clone()),
            Cell::from(tr.stage(p.stage)),
            Cell::from(tr.status(p.status)),
            Cell::Rupiah(p.cost),
            Cell::Time(p.created_at),
            Cell::Text(p.id.to_string()),
        ])?;
    }
    let file = format!("pokir-{}-{}", member.name, shown.tahun_anggaran);
    Ok(crate::views::xlsx::download(&file, crate::views::xlsx::finish(book).await?))
}

async fn show(ctx: PageCtx, Path(id): Path<String>, Query(query): Query<CycleQuery>) -> AppResult<MemberPage> {
    let store = &ctx.state.store;
    let tr = ctx.tr;
    let (user_id, member, cycles, shown) = member_in_cycle(store, &id, query.cycle).await?;
    let shown = &shown;
    let reses = store.reses_of(shown.id, user_id).await?;
    let pokir = store.pokir_of_member(shown.id, user_id).await?;
    let mut codes: Vec<_> = reses.iter().map(|r| r.kelurahan.clone()).collect();
    codes.sort();
    codes.dedup();
    let names = store.region_names(&codes).await?;
    let costs: Vec<i64> = pokir.iter().map(|p| p.cost).collect();
    Ok(MemberPage {
        name: member.name.clone(),
        fraksi: member.fraksi.clone(),
        komisi: member.komisi.clone(),
        dapil: member.dapil.clone(),
        cycles: cycles
            .iter()
            .map(|c| {
                let href = format!("{}?cycle={}", member_href(user_id), c.id);
                (href, tr.f("tasks.cycle", &[("year", &c.tahun_anggaran.to_string())]), c.id == shown.id)
            })
            .collect(),
        reses: reses
            .into_iter()
            .map(|r| ResesRow {
                date: r.date,
                place: r.place,
                kelurahan: names.get(&r.kelurahan).cloned().unwrap_or_else(|| r.kelurahan.to_string()),
                attendees: r.attendees,
                aspirations: r.aspirations,
            })
            .collect(),
        xlsx_href: format!("{}/pokir.xlsx?cycle={}", member_href(user_id), shown.id),
        pdf_href: format!("{}/pokir.pdf?cycle={}", member_href(user_id), shown.id),
        pokir: pokir
            .iter()
            .map(|p| PokirRow {
                id: p.id,
                title: p.title.clone(),
                stage: tr.stage(p.stage),
                status: tr.status(p.status),
                cost: tr.rupiah(p.cost),
            })
            .collect(),
        // Costs stored came through the rules' bounds; a sum that would not fit says so.
        total: domain::money::sum(costs).map_or_else(|_| tr.t("forum.total_too_large").to_string(), |t| tr.rupiah(t)),
        c: Chrome::new(&ctx),
    })
}
