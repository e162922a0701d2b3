//! What the nomenclature page and the API show alike: one level of the tree, or a search.

use domain::nomenclature::{self, NomenclatureItem};
use domain::{RegionCode, Rule};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub(crate) struct NomenclatureLevelView {
    pub tahun_anggaran: i32,
    pub total: u64,
    /// From the urusan down to the entry asked for (empty at the top and for a search).
    pub path: Vec<NomenclatureItem>,
    pub items: Vec<NomenclatureItem>,
    /// The words searched for, when it is a search.
    pub query: Option<String>,
}

/// The children of `parent` (the urusan when it is empty) or, when `query` has words, what a
/// search finds. A `parent` that is no code is refused naming `parent`; one not in the list is
/// not found.
pub(crate) async fn nomenclature_level(
    state: &AppState,
    pemda: &RegionCode,
    tahun_anggaran: i32,
    parent: Option<&str>,
    query: Option<&str>,
) -> AppResult<NomenclatureLevelView> {
    let store = &state.store;
    let total = store.nomenclature_count(pemda, tahun_anggaran).await?;
    let query = query.map(str::trim).filter(|q| !q.is_empty());
    if let Some(query) = query
        && !domain::search::words(query).is_empty()
    {
        let items = store.nomenclature_search(pemda, tahun_anggaran, query).await?;
        return Ok(NomenclatureLevelView {
            tahun_anggaran,
            total,
            path: Vec::new(),
            items,
            query: Some(query.to_string()),
        });
    }
    let parent = parent.map(str::trim).filter(|p| !p.is_empty());
    let (path, items) = match parent {
        None => (Vec::new(), store.nomenclature_children(pemda, tahun_anggaran, None).await?),
        Some(text) => {
            let code = nomenclature::code_to_look_up(text)
                .ok_or_else(|| AppError::invalid("parent", Rule::Format { expected: "nomenclature_code" }))?;
            let path = store.nomenclature_path(pemda, tahun_anggaran, &code).await?;
            if path.is_empty() {
                return Err(AppError::NotFound);
            }
            (path, store.nomenclature_children(pemda, tahun_anggaran, Some(&code)).await?)
        }
    };
    Ok(NomenclatureLevelView { tahun_anggaran, total, path, items, query: query.map(str::to_string) })
}
