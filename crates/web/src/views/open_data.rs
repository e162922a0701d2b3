//! Open data: every proposal of a cycle as CSV or JSON, streamed a page at a time so that a
//! national database never sits in memory. The columns are described once, here, for the files
//! and for the data dictionary page alike.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::RegionCode;
use domain::cycle::CycleFacts;
use futures_util::StreamExt;
use serde::Serialize;
use store::{ProposalFilter, ProposalSummary, Store};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::AppResult;

/// How many proposals one read of the stream takes.
const CHUNK: u64 = 500;

/// The file formats a dataset is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// The columns of the proposals dataset, in order: name, and the catalogue key of its meaning.
pub const COLUMNS: [&str; 18] = [
    "id",
    "tahun_anggaran",
    "title",
    "origin",
    "stage",
    "status",
    "kecamatan_code",
    "kecamatan",
    "kelurahan_code",
    "kelurahan",
    "lingkungan_code",
    "lingkungan",
    "kamus_code",
    "opd_code",
    "opd",
    "cost",
    "supports",
    "created_at",
];

/// One proposal as the dataset gives it: a CSV row (the field names are the header) or a JSON
/// object. [`COLUMNS`] lists the same names for the data dictionary.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalRow {
    #[schema(value_type = String, format = Uuid)]
    pub id: Uuid,
    pub tahun_anggaran: i32,
    pub title: String,
    /// `lingkungan`, `kelurahan`, `kecamatan` or `pokir`.
    pub origin: &'static str,
    pub stage: &'static str,
    pub status: &'static str,
    pub kecamatan_code: String,
    pub kecamatan: String,
    pub kelurahan_code: String,
    pub kelurahan: String,
    pub lingkungan_code: String,
    pub lingkungan: String,
    pub kamus_code: String,
    pub opd_code: String,
    pub opd: String,
    /// Whole rupiah, at the latest stage.
    pub cost: i64,
    pub supports: i32,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl ProposalRow {
    fn of(
        tahun: i32,
        p: &ProposalSummary,
        names: &HashMap<RegionCode, String>,
        opds: &HashMap<String, String>,
    ) -> Self {
        let kelurahan = p.lingkungan.at_depth(4);
        let kecamatan = p.lingkungan.at_depth(3);
        let code = |c: &Option<RegionCode>| c.as_ref().map(ToString::to_string).unwrap_or_default();
        let name = |c: &Option<RegionCode>| c.as_ref().and_then(|c| names.get(c)).cloned().unwrap_or_default();
        ProposalRow {
            id: p.id,
            tahun_anggaran: tahun,
            title: p.title.clone(),
            origin: p.origin.as_str(),
            stage: p.stage.as_str(),
            status: p.status.as_str(),
            kecamatan_code: code(&kecamatan),
            kecamatan: name(&kecamatan),
            kelurahan_code: code(&kelurahan),
            kelurahan: name(&kelurahan),
            lingkungan_code: p.lingkungan.to_string(),
            lingkungan: names.get(&p.lingkungan).cloned().unwrap_or_default(),
            kamus_code: p.kamus_code.clone(),
            opd_code: p.opd_code.clone(),
            opd: opds.get(&p.opd_code).cloned().unwrap_or_default(),
            cost: p.cost,
            supports: p.supports,
            created_at: p.created_at.format(&Rfc3339).unwrap_or_default(),
        }
    }

    /// The row with every typed text guarded against spreadsheet formulas, for CSV.
    fn guarded(mut self) -> Self {
        for text in [&mut self.title, &mut self.kecamatan, &mut self.kelurahan, &mut self.lingkungan, &mut self.opd] {
            *text = reports::spreadsheet::safe(text);
        }
        self
    }
}

/// One page of rows as bytes of the format; `first` opens the file, `last` closes it.
fn encode(format: Format, rows: Vec<ProposalRow>, first: bool, last: bool) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        Format::Csv => {
            let mut writer = csv::WriterBuilder::new().has_headers(first).from_writer(&mut out);
            if first && rows.is_empty() {
                writer.write_record(COLUMNS)?;
            }
            for row in rows {
                writer.serialize(row.guarded()).map_err(std::io::Error::other)?;
            }
            writer.flush()?;
        }
        Format::Json => {
            if first {
                out.push(b'[');
            }
            for (i, row) in rows.iter().enumerate() {
                if !(first && i == 0) {
                    out.push(b',');
                }
                out.push(b'\n');
                serde_json::to_writer(&mut out, row)?;
            }
            if last {
                out.extend_from_slice(b"\n]\n");
            }
        }
    }
    Ok(out)
}

/// Where the stream stands.
struct Cursor {
    store: Store,
    filter: ProposalFilter,
    tahun: i32,
    format: Format,
    opds: HashMap<String, String>,
    after: Option<Uuid>,
    first: bool,
    done: bool,
}

impl Cursor {
    /// The next page of the file, or `None` once the last was given.
    async fn next_chunk(&mut self) -> Option<std::io::Result<Bytes>> {
        if self.done {
            return None;
        }
        let page = match self.store.proposals(&self.filter, self.after, CHUNK).await {
            Ok(page) => page,
            Err(error) => {
                // The answer began as 200: a broken read can only cut the file short.
                self.done = true;
                return Some(Err(std::io::Error::other(error)));
            }
        };
        let names = match self.store.place_names(page.iter().map(|p| &p.lingkungan)).await {
            Ok(names) => names,
            Err(error) => {
                self.done = true;
                return Some(Err(std::io::Error::other(error)));
            }
        };
        let last = (page.len() as u64) < CHUNK;
        self.after = page.last().map(|p| p.id);
        let rows = page.iter().map(|p| ProposalRow::of(self.tahun, p, &names, &self.opds)).collect();
        let first = std::mem::replace(&mut self.first, false);
        self.done = last;
        Some(encode(self.format, rows, first, last).map(Bytes::from))
    }
}

/// Every proposal of `cycle`, streamed as a download named after the pemda and the year.
pub async fn proposals(store: &Store, cycle: &CycleFacts, format: Format) -> AppResult<Response> {
    let opds = store.opds(&cycle.pemda).await?.into_iter().map(|o| (o.code, o.name)).collect();
    let cursor = Cursor {
        store: store.clone(),
        filter: ProposalFilter { cycle: Some(cycle.id), ..ProposalFilter::default() },
        tahun: cycle.tahun_anggaran,
        format,
        opds,
        after: None,
        first: true,
        done: false,
    };
    // Fused: the compression layer may ask once more after the end, which a bare unfold
    // answers with a panic.
    let stream = futures_util::stream::unfold(cursor, |mut cursor| async move {
        cursor.next_chunk().await.map(|chunk| (chunk, cursor))
    })
    .fuse();
    let file = format!("usulan-{}-{}.{}", cycle.pemda, cycle.tahun_anggaran, format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ProposalRow {
        ProposalRow {
            id: Uuid::nil(),
            tahun_anggaran: 2027,
            title: "=HYPERLINK(\"x\")".into(),
            origin: "lingkungan",
            stage: "rembuk_warga",
            status: "pending",
            kecamatan_code: "12.71.01".into(),
            kecamatan: "Medan Kota".into(),
            kelurahan_code: "12.71.01.1001".into(),
            kelurahan: "Pasar Baru".into(),
            lingkungan_code: "12.71.01.1001.001".into(),
            lingkungan: "Lingkungan I".into(),
            kamus_code: "PU-001".into(),
            opd_code: "1.03.01".into(),
            opd: "Dinas PU".into(),
            cost: 1_250_000,
            supports: 3,
            created_at: "2026-01-05T03:00:00Z".into(),
        }
    }

    #[test]
    fn csv_pages_join_into_one_file_with_one_header_and_guarded_cells() {
        let mut file = encode(Format::Csv, vec![sample()], true, false).unwrap();
        file.extend(encode(Format::Csv, vec![sample()], false, true).unwrap());
        let text = String::from_utf8(file).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert_eq!(text.lines().next().unwrap(), COLUMNS.join(","), "the header is the dictionary's columns");
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
        let empty = String::from_utf8(encode(Format::Csv, Vec::new(), true, true).unwrap()).unwrap();
        assert_eq!(empty.trim(), COLUMNS.join(","), "an empty cycle is a header alone");
    }

    #[test]
    fn json_pages_join_into_one_array_with_numbers_as_numbers() {
        let mut file = encode(Format::Json, vec![sample(), sample()], true, false).unwrap();
        file.extend(encode(Format::Json, vec![sample()], false, false).unwrap());
        file.extend(encode(Format::Json, Vec::new(), false, true).unwrap());
        let value: serde_json::Value = serde_json::from_slice(&file).unwrap();
        let items = value.as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0]["cost"], 1_250_000);
        assert_eq!(items[0]["title"], "=HYPERLINK(\"x\")", "JSON is not a spreadsheet: kept as typed");
        let keys: Vec<&String> = items[0].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), COLUMNS.len());
        let empty = encode(Format::Json, Vec::new(), true, true).unwrap();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&empty).unwrap(), serde_json::json!([]));
    }
}
