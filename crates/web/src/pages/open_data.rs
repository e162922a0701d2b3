//! The open data page: what can be downloaded, under which licence, and what each column means.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;

use super::Chrome;
use crate::ctx::PageCtx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::views::open_data::COLUMNS;

pub fn router() -> Router<AppState> {
    Router::new().route("/data", get(show))
}

struct Download {
    pemda: String,
    year: i32,
    cycle: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "data.html")]
struct DataPage {
    c: Chrome,
    downloads: Vec<Download>,
    /// Each column: its name, what it holds.
    columns: Vec<(&'static str, &'static str)>,
}

async fn show(ctx: PageCtx) -> AppResult<DataPage> {
    let store = &ctx.state.store;
    let mut downloads = Vec::new();
    for pemda in store.all_pemda().await? {
        for cycle in store.cycles(&pemda.code).await? {
            downloads.push(Download {
                pemda: pemda.name.clone(),
                year: cycle.tahun_anggaran,
                cycle: cycle.id.to_string(),
            });
        }
    }
    let columns = COLUMNS.iter().map(|name| (*name, ctx.tr.t(&format!("data.column.{name}")))).collect();
    Ok(DataPage { downloads, columns, c: Chrome::new(&ctx) })
}
