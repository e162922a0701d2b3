//! Lists as Excel downloads: the answer every list page gives when asked for `.xlsx`, and the
//! proposals workbook the explorer and the open data share.

use std::collections::HashMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::RegionCode;
use reports::xlsx::{Book, Cell};
use store::{ProposalFilter, Store};

use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most proposals one workbook holds; the open data's CSV carries a whole cycle of any size.
pub const PROPOSALS_MAX: u64 = 100_000;

/// A workbook as a download named `file` (without extension).
pub fn download(file: &str, bytes: Vec<u8>) -> Response {
    let file: String =
        file.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
    (
        [
            (header::CONTENT_TYPE, CONTENT_TYPE.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.xlsx\"")),
        ],
        bytes,
    )
        .into_response()
}

/// Builds a workbook away from the request threads: zipping a large one takes a while.
pub async fn finish(book: Book) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || book.finish()).await.map_err(AppError::internal)?.map_err(AppError::internal)
}

/// Headers from catalogue keys, in the reader's language.
pub fn headers(tr: &Tr, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| tr.t(k).to_string()).collect()
}

/// The proposals `filter` finds, in key order, at most [`PROPOSALS_MAX`], one sheet; a second
/// sheet says when there were more.
pub async fn proposals(store: &Store, tr: &Tr, filter: &ProposalFilter, sheet: &str) -> AppResult<Book> {
    let mut book = Book::new();
    let keys = [
        "xlsx.title",
        "xlsx.kecamatan",
        "xlsx.kelurahan",
        "xlsx.lingkungan",
        "xlsx.lingkungan_code",
        "xlsx.opd",
        "xlsx.origin",
        "xlsx.stage",
        "xlsx.status",
        "xlsx.cost",
        "xlsx.supports",
        "xlsx.created_at",
        "xlsx.kamus_code",
        "xlsx.id",
    ];
    book.sheet(sheet, &headers(tr, &keys))?;
    let mut opds: HashMap<String, String> = HashMap::new();
    if let Some(pemda) = &filter.pemda {
        opds = store.opds(pemda).await?.into_iter().map(|o| (o.code, o.name)).collect();
    }
    let (mut after, mut written) = (None, 0u64);
    loop {
        let page = store.proposals(filter, after, 500.min(PROPOSALS_MAX - written)).await?;
        let names = store.place_names(page.iter().map(|p| &p.lingkungan)).await?;
        let name = |code: Option<RegionCode>| code.and_then(|c| names.get(&c).cloned()).unwrap_or_default();
        for p in &page {
            book.row(&[
                Cell::from(p.title.as_str()),
                Cell::Text(name(p.lingkungan.at_depth(3))),
                Cell::Text(name(p.lingkungan.at_depth(4))),
                Cell::Text(name(Some(p.lingkungan.clone()))),
                Cell::Text(p.lingkungan.to_string()),
                Cell::Text(opds.get(&p.opd_code).cloned().unwrap_or_else(|| p.opd_code.clone())),
                Cell::from(tr.origin(p.origin)),
                Cell::from(tr.stage(p.stage)),
                Cell::from(tr.status(p.status)),
                Cell::Rupiah(p.cost),
                Cell::Integer(i64::from(p.supports)),
                Cell::Time(p.created_at),
                Cell::Text(p.kamus_code.clone()),
                Cell::Text(p.id.to_string()),
            ])?;
        }
        written += page.len() as u64;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        if written >= PROPOSALS_MAX {
            if !store.proposals(filter, after, 1).await?.is_empty() {
                book.sheet(tr.t("xlsx.note"), &[tr.t("xlsx.note").to_string()])?;
                let note = tr.f("xlsx.truncated", &[("max", &tr.number(PROPOSALS_MAX as i64))]);
                book.row(&[Cell::Text(note)])?;
            }
            break;
        }
        if (page.len() as u64) < 500 {
            break;
        }
    }
    Ok(book)
}

/// The standard columns of Renja and RKPD lines, each line at its latest stage: what the pages
/// show, as numbers where they are figures.
pub struct LineSheet<'a> {
    pub names: &'a HashMap<String, domain::nomenclature::NomenclatureItem>,
    pub opds: &'a HashMap<String, String>,
    pub regions: &'a HashMap<RegionCode, String>,
}

pub const LINE_COLUMNS: [&str; 15] = [
    "xlsx.opd",
    "xlsx.program",
    "xlsx.kegiatan",
    "xlsx.sub_kegiatan_code",
    "xlsx.sub_kegiatan",
    "xlsx.locations",
    "xlsx.output",
    "xlsx.output_target",
    "xlsx.output_unit",
    "xlsx.outcome",
    "xlsx.outcome_target",
    "xlsx.outcome_unit",
    "xlsx.pagu",
    "xlsx.funding",
    "xlsx.prakiraan_maju",
];

impl LineSheet<'_> {
    pub fn row(&self, tr: &Tr, line: &domain::views::LineSummary) -> Option<Vec<Cell>> {
        let content = line.latest()?;
        let name = |code: Option<String>| {
            code.and_then(|c| self.names.get(&c).map(|n| format!("{} {}", c, n.name))).unwrap_or_default()
        };
        let ancestors = domain::nomenclature::ancestor_codes(&content.sub_kegiatan);
        let at = |depth: usize| ancestors.get(depth).cloned();
        let locations: Vec<String> =
            content.locations.iter().map(|c| self.regions.get(c).cloned().unwrap_or_else(|| c.to_string())).collect();
        Some(vec![
            Cell::Text(self.opds.get(&line.opd_code).cloned().unwrap_or_else(|| line.opd_code.clone())),
            Cell::Text(name(at(2))),
            Cell::Text(name(at(3))),
            Cell::Text(content.sub_kegiatan.clone()),
            Cell::Text(self.names.get(&content.sub_kegiatan).map(|n| n.name.clone()).unwrap_or_default()),
            Cell::Text(if locations.is_empty() { tr.t("xlsx.whole_pemda").to_string() } else { locations.join(", ") }),
            Cell::Text(content.output.description.clone()),
            Cell::Volume(content.output.target),
            Cell::Text(content.output.unit.clone()),
            Cell::Text(content.outcome.description.clone()),
            Cell::Volume(content.outcome.target),
            Cell::Text(content.outcome.unit.clone()),
            Cell::Rupiah(content.pagu),
            Cell::from(tr.t(&format!("funding.{}", content.funding.as_str()))),
            Cell::Rupiah(content.prakiraan_maju),
        ])
    }
}

/// The names a line sheet shows: each line's nomenclature with its ancestors, the OPD, the places.
pub async fn line_names(
    store: &store::Store,
    cycle: &domain::cycle::CycleFacts,
    lines: &[domain::views::LineSummary],
) -> AppResult<(
    HashMap<String, domain::nomenclature::NomenclatureItem>,
    HashMap<String, String>,
    HashMap<domain::RegionCode, String>,
)> {
    let codes: Vec<String> = lines.iter().filter_map(|l| l.latest().map(|c| c.sub_kegiatan.clone())).collect();
    let names = store.nomenclature_with_ancestors(&cycle.pemda, cycle.tahun_anggaran, &codes).await?;
    let opds = store.opds(&cycle.pemda).await?.into_iter().map(|o| (o.code, o.name)).collect();
    let places: Vec<domain::RegionCode> =
        lines.iter().filter_map(|l| l.latest()).flat_map(|c| c.locations.clone()).collect();
    let regions = store.region_names(&places).await?;
    Ok((names, opds, regions))
}
