//! The home page: the public list of pemda, and for a logged-in user their roles and scopes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;
use domain::Scope;

use super::Chrome;
use crate::ctx::PageCtx;
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show))
}

struct PemdaCard {
    code: String,
    name: String,
    kecamatan: String,
    villages: String,
    lingkungan: String,
    cycles: Vec<CycleCard>,
}

/// A planning cycle as the public sees it: where it stands, its calendar, where to read it.
struct CycleCard {
    id: String,
    year: i32,
    adopted: bool,
    /// The stages open now, each with when it closes.
    open_now: Vec<String>,
    /// Every scheduled stage: name, opens, closes, open now.
    calendar: Vec<(&'static str, String, String, bool)>,
}

struct GrantLine {
    role: &'static str,
    scope_label: String,
    href: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    pemda_name: String,
    grants: Vec<GrantLine>,
    pemda: Vec<PemdaCard>,
}

async fn show(ctx: PageCtx) -> AppResult<HomePage> {
    let store = &ctx.state.store;
    let tr = ctx.tr;
    // A user sees their own pemda; the public sees every pemda on this server.
    let listed = match &ctx.user {
        Some(user) => store.pemda(&user.pemda).await?.into_iter().collect(),
        None => store.all_pemda().await?,
    };
    let mut pemda = Vec::with_capacity(listed.len());
    for p in &listed {
        let counts = store.region_counts(&p.code).await?;
        let now = time::OffsetDateTime::now_utc();
        let cycles = store
            .cycles(&p.code)
            .await?
            .into_iter()
            .map(|cycle| CycleCard {
                id: cycle.id.to_string(),
                year: cycle.tahun_anggaran,
                adopted: cycle.adopted,
                open_now: cycle
                    .windows
                    .iter()
                    .filter(|(_, w)| w.contains(now))
                    .map(|(stage, w)| {
                        tr.f("home.open_until", &[("stage", tr.stage(*stage)), ("closes", &tr.datetime(w.closes))])
                    })
                    .collect(),
                calendar: cycle
                    .windows
                    .iter()
                    .map(|(stage, w)| (tr.stage(*stage), tr.datetime(w.opens), tr.datetime(w.closes), w.contains(now)))
                    .collect(),
            })
            .collect();
        pemda.push(PemdaCard {
            code: p.code.to_string(),
            name: p.name.clone(),
            kecamatan: tr.number(counts.kecamatan as i64),
            villages: tr.number((counts.kelurahan + counts.desa) as i64),
            lingkungan: tr.number(counts.lingkungan as i64),
            cycles,
        });
    }
    let mut grants = Vec::new();
    let mut pemda_name = String::new();
    if let Some(user) = &ctx.user {
        pemda_name = listed.first().map(|p| p.name.clone()).unwrap_or_default();
        for grant in &user.grants {
            let (scope_label, href) = match &grant.scope {
                Scope::Pemda => (format!("{pemda_name} ({})", user.pemda), Some(format!("/regions/{}", user.pemda))),
                Scope::Region(code) => {
                    let name = store.region(code).await?.map(|r| r.name).unwrap_or_default();
                    (format!("{name} ({code})"), Some(format!("/regions/{code}")))
                }
                Scope::Opd(code) => (format!("OPD {code}"), None),
            };
            grants.push(GrantLine { role: tr.role(grant.role), scope_label, href });
        }
    }
    Ok(HomePage { c: Chrome::new(&ctx), pemda_name, grants, pemda })
}
