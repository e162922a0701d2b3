//! The scans of signed berita acara, as the forum, Renja and RKPD pages and the API show them:
//! each kept byte for byte under its hash, public like the forum it belongs to.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::documents::ScanOf;
use store::StoredScan;

use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;

/// One scan in a forum's list.
pub struct ScanRow {
    pub href: String,
    /// "PDF", "JPEG" or "PNG", and its size.
    pub kind: &'static str,
    pub size: String,
    pub uploaded_by: String,
    pub at: String,
    pub sha256: String,
    pub entry_href: String,
    pub seq: i64,
}

/// A forum's scans and, for whoever may add one, where the form sends it.
pub struct ScanList {
    pub rows: Vec<ScanRow>,
    pub upload: Option<String>,
}

/// The page address of a scan's bytes.
pub fn scan_href(sha256: &str) -> String {
    format!("/pindaian/{sha256}")
}

/// The short name of a scan's type.
pub fn kind_of(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        _ => "PDF",
    }
}

pub fn scan_row(tr: &Tr, scan: &StoredScan) -> ScanRow {
    ScanRow {
        href: scan_href(&scan.sha256),
        kind: kind_of(&scan.content_type),
        size: tr.f("document.bytes", &[("n", &tr.number(scan.bytes))]),
        uploaded_by: scan.uploaded_by.clone().unwrap_or_default(),
        at: crate::views::print::recorded_at(tr, &scan.recorded_at),
        sha256: scan.sha256.clone(),
        entry_href: crate::views::print::entry_href(&scan.pemda_code, scan.seq),
        seq: scan.seq,
    }
}

/// A forum's scans, with `upload`, the upload form's address, for whoever may add one (the page
/// has checked who may; the store checks again).
pub async fn scan_list(
    store: &store::Store<impl store::Reads>,
    tr: &Tr,
    of: &ScanOf,
    upload: Option<String>,
) -> AppResult<ScanList> {
    let rows = store.scans_of(of).await?.iter().map(|s| scan_row(tr, s)).collect();
    Ok(ScanList { rows, upload })
}

/// A scan's bytes, as uploaded. It is served as a download in its own type, never sniffed and
/// sandboxed, so that a file that is more than it claims can do nothing in the portal's name;
/// its hash never changes, so it caches forever.
pub async fn scan_download(state: &AppState, sha256: &str) -> AppResult<Response> {
    if !domain::documents::is_sha256(sha256) {
        return Err(AppError::NotFound);
    }
    let (record, bytes) = state.store.scan_bytes(sha256).await?.ok_or(AppError::NotFound)?;
    let extension = kind_of(&record.content_type).to_ascii_lowercase();
    let name = format!("berita-acara-ttd-{}.{extension}", &sha256[..12]);
    Ok((
        [
            (header::CONTENT_TYPE, record.content_type),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_string()),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'; frame-ancestors 'none'".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// A scan found by its hash, with what it belongs to and its entry's proof in the signed log.
pub struct ScanCheck {
    pub scan: StoredScan,
    pub forum_title: String,
    pub forum_href: String,
    pub inclusion: Option<crate::views::print::InclusionCheck>,
}

/// The scan whose bytes hash to `sha256`, if one was uploaded, as a check shows it.
pub async fn scan_check(state: &AppState, tr: &Tr, sha256: &str) -> AppResult<Option<ScanCheck>> {
    let Some(scan) = state.store.scan(sha256).await? else { return Ok(None) };
    let (forum_title, forum_href) = forum_of_scan(state, tr, &scan).await?;
    let inclusion = crate::views::print::entry_inclusion(state, &scan.pemda_code, scan.seq).await?;
    Ok(Some(ScanCheck { scan, forum_title, forum_href, inclusion }))
}

/// The page of the forum a scan belongs to, and its name: what a reader who checked a file
/// learns it is.
async fn forum_of_scan(state: &AppState, tr: &Tr, scan: &StoredScan) -> AppResult<(String, String)> {
    let of = ScanOf::parse(scan.cycle_id, &scan.forum)
        .ok_or_else(|| store::StoreError::Corrupt(format!("scan forum {}", scan.forum)))?;
    Ok(match of {
        ScanOf::Musrenbang { key } => {
            let name = state.store.region(&key.region).await?.map(|r| r.name).unwrap_or_default();
            let title =
                tr.f("forum.title", &[("stage", tr.stage(key.stage)), ("region", &format!("{name} ({})", key.region))]);
            (title, crate::views::proposals::forum_href(&key))
        }
        ScanOf::ForumOpd { cycle_id, opd_code } => {
            (tr.f("scan.forum_opd", &[("opd", &opd_code)]), format!("/renja/{cycle_id}/{opd_code}"))
        }
        ScanOf::MusrenbangRkpd { cycle_id } => (tr.t("scan.musrenbang_rkpd").to_string(), format!("/rkpd/{cycle_id}")),
    })
}
