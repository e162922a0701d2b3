//! Printed documents as the pages and the API answer them: a document built from what a page
//! shows, typeset by the installation's printer, its SHA-256 journaled, the PDF sent. One
//! berita acara or list prints to the same bytes until its content changes, so reprinting it
//! records nothing new.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::documents::RecordDocument;
use std::collections::HashMap;

use domain::cycle::CycleFacts;
use domain::planning::{ForumKey, Meeting};
use domain::views::LineSummary;
use domain::{Actor, RegionCode};
use reports::print::{Block, Column, Document, Labels, Signature, terbilang};
use reports::xlsx::Cell;
use sha2::{Digest, Sha256};
use store::StoredDocument;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;

/// What a print is of, for its record.
pub struct Subject {
    pub pemda: RegionCode,
    pub cycle_id: Option<Uuid>,
    /// The page it prints.
    pub href: String,
    /// The download's file name, without extension.
    pub file: String,
}

impl Subject {
    /// A print of something in `cycle`: the page it prints, and its download's name.
    fn of(cycle: &CycleFacts, href: String, file: String) -> Subject {
        Subject { pemda: cycle.pemda.clone(), cycle_id: Some(cycle.id), href, file }
    }
}

/// A printed document and its record.
pub struct Print {
    pub pdf: Vec<u8>,
    pub record: StoredDocument,
    pub file: String,
}

impl IntoResponse for Print {
    fn into_response(self) -> Response {
        let file: String =
            self.file.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
        (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}.pdf\"")),
                (header::HeaderName::from_static("x-document-code"), self.record.code.clone()),
                (header::HeaderName::from_static("x-document-sha256"), self.record.sha256.clone()),
            ],
            self.pdf,
        )
            .into_response()
    }
}

/// Prints `document` and records it. Typesetting runs off the request threads, at most two at
/// once: a crowd printing on deadline day is told to come back rather than starve the forms.
pub async fn print(state: &AppState, actor: &Actor, document: Document, subject: Subject) -> AppResult<Print> {
    let printer = state.config.printer.clone().ok_or(AppError::NotFound)?;
    let _slot = state.prints.clone().try_acquire_owned().map_err(|_| AppError::Crowded { retry_after: 2 })?;
    let document = document.stamped(&state.config.public_url);
    let kind = document.kind.clone();
    // The record names the document fully: "Berita Acara — Rembuk warga Lingkungan I, Tahun …".
    let title = std::iter::once(document.title.clone())
        .chain(document.subtitle.iter().cloned())
        .collect::<Vec<_>>()
        .join(" — ");
    let code = document.stamp.code.clone();
    let printed = tokio::task::spawn_blocking(move || printer.print(&document))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let record = RecordDocument {
        pemda: subject.pemda,
        cycle_id: subject.cycle_id,
        kind,
        code,
        sha256: sha256_of(&printed.pdf),
        title,
        href: subject.href,
        pages: u32::try_from(printed.pages).unwrap_or(u32::MAX),
        bytes: printed.pdf.len() as u64,
    };
    let record = state.store.record_document(actor, record, time::OffsetDateTime::now_utc()).await?;
    Ok(Print { pdf: printed.pdf, record, file: subject.file })
}

/// The words every print carries around its content.
pub fn labels(tr: &Tr) -> Labels {
    Labels {
        page: tr.t("print.page").into(),
        of: tr.t("print.of").into(),
        check: tr.t("print.check").into(),
        code: tr.t("print.code").into(),
    }
}

/// "PEMERINTAH KOTA MEDAN", then the unit that holds the forum ("KECAMATAN MEDAN JOHOR").
async fn letterhead(
    state: &AppState,
    tr: &Tr,
    pemda: &RegionCode,
    unit: Option<&RegionCode>,
) -> AppResult<Vec<String>> {
    let pemda = state.store.pemda(pemda).await?.ok_or(AppError::NotFound)?;
    let mut lines = vec![tr.f("print.government", &[("pemda", &pemda.name)]).to_uppercase()];
    if let Some(code) = unit {
        let region = state.store.region(code).await?.ok_or(AppError::NotFound)?;
        lines.push(format!("{} {}", tr.level(region.level), region.name).to_uppercase());
    }
    Ok(lines)
}

/// A day `YYYY-MM-DD` as a berita acara opens: its weekday and its date in words of the month.
fn day_and_date(tr: &Tr, iso: &str) -> (String, String) {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(iso, format)
        .map(|d| tr.t(&format!("weekday.{}", d.weekday().number_days_from_monday())).to_string())
        .unwrap_or_default();
    (day, tr.date_text(iso))
}

/// How a berita acara opens: the sentence naming the day, the place and the forum, then its
/// facts; or, before the meeting is recorded, a sentence saying so.
fn opening(tr: &Tr, meeting: Option<&Meeting>, forum_name: &str, year: i32) -> Vec<Block> {
    let Some(m) = meeting else {
        return vec![Block::Paragraph { text: tr.f("print.ba.no_meeting", &[("forum", forum_name)]) }];
    };
    let (day, date) = day_and_date(tr, &m.date);
    vec![
        Block::Paragraph {
            text: tr.f(
                "print.ba.opening",
                &[
                    ("day", &day),
                    ("date", &date),
                    ("place", &m.place),
                    ("forum", forum_name),
                    ("year", &year.to_string()),
                ],
            ),
        },
        Block::Facts {
            rows: vec![
                (tr.t("print.ba.date").into(), format!("{day}, {date}")),
                (tr.t("print.ba.place").into(), m.place.clone()),
                (tr.t("print.ba.chair").into(), m.chair.clone()),
                (tr.t("print.ba.attendance").into(), tr.f("print.ba.people", &[("n", &m.attendees.len().to_string())])),
            ],
        },
    ]
}

/// How a berita acara closes: who attended with a line to sign each, the delegates under
/// `delegates` (a heading key; none for a forum that sends none), and the chair's signature.
fn closing(tr: &Tr, meeting: Option<&Meeting>, delegates: Option<&str>) -> (Vec<Block>, Vec<Signature>) {
    let mut blocks = vec![
        Block::Heading { text: tr.t("print.ba.attendees").into() },
        Block::Attendance {
            columns: [tr.t("print.col.name").into(), tr.t("print.col.role").into(), tr.t("print.col.signature").into()],
            rows: meeting
                .map(|m| m.attendees.iter().map(|a| (a.name.clone(), a.role.clone())).collect())
                .unwrap_or_default(),
            empty: tr.t("print.none").into(),
        },
    ];
    if let Some(heading) = delegates {
        blocks.push(Block::Heading { text: tr.t(heading).into() });
        blocks.push(Block::List {
            items: meeting.map(|m| m.delegates.clone()).unwrap_or_default(),
            empty: tr.t("print.none").into(),
        });
    }
    (blocks, vec![chair_signature(tr, meeting)])
}

/// Where the forum's chair signs: under their recorded name, or on a blank line.
fn chair_signature(tr: &Tr, meeting: Option<&Meeting>) -> Signature {
    Signature { role: tr.t("print.ba.chair").into(), name: meeting.map(|m| m.chair.clone()).unwrap_or_default() }
}

/// What a forum decided: the agreed in rank order with their total in words (against the pagu,
/// when it has one), then the others with why.
fn decisions(tr: &Tr, rows: ForumRows, ceiling: Option<(&str, i64)>) -> Vec<Block> {
    let mut blocks = vec![Block::Heading { text: tr.t("print.ba.agreed").into() }, rows.agreed_table(tr)];
    blocks.extend(total_paragraphs(tr, rows.accepted_cost, ceiling));
    blocks.push(Block::Heading { text: tr.t("print.ba.not_agreed").into() });
    blocks.push(Block::Table {
        columns: vec![
            Column::number(tr.t("print.col.no"), 1),
            Column::text(tr.t("print.col.proposal"), 6),
            Column::text(tr.t("print.col.location"), 4),
            Column::text(tr.t("print.col.status"), 3),
            Column::text(tr.t("print.col.reason"), 6),
        ],
        rows: rows.not_agreed,
        total: None,
        empty: tr.t("print.none").into(),
    });
    blocks
}

/// The agreed total in figures and words, and the pagu it is held against (`ceiling`: the
/// catalogue key naming the pagu, and the amount).
fn total_paragraphs(tr: &Tr, total: Option<i64>, ceiling: Option<(&str, i64)>) -> Vec<Block> {
    let mut blocks = Vec::new();
    if let Some(total) = total {
        blocks.push(Block::Paragraph {
            text: tr.f("print.ba.total", &[("amount", &tr.rupiah(total)), ("words", &terbilang(total))]),
        });
    }
    if let Some((key, amount)) = ceiling {
        blocks.push(Block::Paragraph { text: tr.f(key, &[("amount", &tr.rupiah(amount))]) });
    }
    blocks
}

/// The printed document every builder returns: the parts they share filled in.
fn document(
    kind: &str,
    tr: &Tr,
    letterhead: Vec<String>,
    title: &str,
    subtitle: Vec<String>,
    blocks: Vec<Block>,
    signatures: Vec<Signature>,
) -> Document {
    Document {
        kind: kind.into(),
        landscape: matches!(kind, "renja" | "rkpd"),
        letterhead,
        title: tr.t(title).into(),
        subtitle,
        blocks,
        signatures,
        labels: labels(tr),
        stamp: Default::default(),
    }
}

/// The berita acara of a musrenbang forum (rembuk warga, kelurahan, kecamatan): its meeting,
/// what it agreed in rank order with the total in words, what it did not agree and why, who
/// attended with a line to sign each, and its delegates.
pub async fn berita_acara(state: &AppState, tr: &Tr, key: &ForumKey) -> AppResult<(Document, Subject)> {
    let (cycle, forum_name, letterhead) = forum_heading(state, tr, key).await?;
    let view = state.store.forum(key).await?;
    let meeting = view.facts.meeting.as_ref();
    let rows = forum_rows(state, tr, &view.items, &cycle.pemda).await?;
    let mut blocks = opening(tr, meeting, &forum_name, cycle.tahun_anggaran);
    blocks.extend(decisions(tr, rows, view.facts.ceiling.map(|c| ("print.ba.ceiling", c))));
    let sends_delegates = key.stage != domain::cycle::Stage::MusrenbangKecamatan;
    let (end, signatures) = closing(tr, meeting, sends_delegates.then_some("print.ba.delegates"));
    blocks.extend(end);
    let subtitle = vec![forum_name, year_line(tr, cycle.tahun_anggaran)];
    let document = document("berita_acara", tr, letterhead, "print.ba.title", subtitle, blocks, signatures);
    Ok((document, forum_subject(&cycle, key, "berita-acara")))
}

/// The daftar usulan prioritas of a forum: what it agreed, in rank order, with the total
/// against its pagu, signed by its chair.
pub async fn daftar_prioritas(state: &AppState, tr: &Tr, key: &ForumKey) -> AppResult<(Document, Subject)> {
    let (cycle, forum_name, letterhead) = forum_heading(state, tr, key).await?;
    let view = state.store.forum(key).await?;
    let rows = forum_rows(state, tr, &view.items, &cycle.pemda).await?;
    let mut blocks = vec![rows.agreed_table(tr)];
    blocks.extend(total_paragraphs(tr, rows.accepted_cost, view.facts.ceiling.map(|c| ("print.ba.ceiling", c))));
    let signatures = vec![chair_signature(tr, view.facts.meeting.as_ref())];
    let subtitle = vec![forum_name, year_line(tr, cycle.tahun_anggaran)];
    let document = document("daftar_prioritas", tr, letterhead, "print.daftar.title", subtitle, blocks, signatures);
    Ok((document, forum_subject(&cycle, key, "daftar-prioritas")))
}

fn year_line(tr: &Tr, year: i32) -> String {
    tr.f("print.year", &[("year", &year.to_string())])
}

/// A musrenbang forum's cycle, name and letterhead (the kelurahan's for a rembuk warga).
async fn forum_heading(state: &AppState, tr: &Tr, key: &ForumKey) -> AppResult<(CycleFacts, String, Vec<String>)> {
    let cycle = crate::views::proposals::forum_cycle(&state.store, key).await?;
    let region = state.store.region(&key.region).await?.ok_or(AppError::NotFound)?;
    let forum_name = tr.f("forum.title", &[("stage", tr.stage(key.stage)), ("region", &region.name)]);
    let unit =
        if key.stage == domain::cycle::Stage::RembukWarga { key.region.at_depth(4) } else { Some(key.region.clone()) };
    let letterhead = letterhead(state, tr, &cycle.pemda, unit.as_ref()).await?;
    Ok((cycle, forum_name, letterhead))
}

fn forum_subject(cycle: &CycleFacts, key: &ForumKey, what: &str) -> Subject {
    Subject::of(
        cycle,
        crate::views::proposals::forum_href(key),
        format!("{what}-{}-{}-{}", key.stage.as_str(), key.region, cycle.tahun_anggaran),
    )
}

/// An OPD's print named by its file (`berita-acara.pdf`, `daftar-prioritas.pdf`, `renja.pdf`).
pub async fn opd_document(
    state: &AppState,
    tr: &Tr,
    cycle: &CycleFacts,
    opd: &str,
    file: &str,
) -> AppResult<(Document, Subject)> {
    match file {
        "berita-acara.pdf" => renja_berita_acara(state, tr, cycle, opd).await,
        "daftar-prioritas.pdf" => renja_daftar_prioritas(state, tr, cycle, opd).await,
        "renja.pdf" => renja(state, tr, cycle, opd).await,
        _ => Err(AppError::NotFound),
    }
}

/// The RKPD's print named by its file (`berita-acara.pdf`, `rkpd.pdf`).
pub async fn rkpd_document(
    state: &AppState,
    tr: &Tr,
    cycle: &CycleFacts,
    file: &str,
) -> AppResult<(Document, Subject)> {
    match file {
        "berita-acara.pdf" => rkpd_berita_acara(state, tr, cycle).await,
        "rkpd.pdf" => rkpd(state, tr, cycle).await,
        _ => Err(AppError::NotFound),
    }
}

/// The pemda's letterhead with the OPD under it.
async fn opd_letterhead(state: &AppState, tr: &Tr, cycle: &CycleFacts, name: &str) -> AppResult<Vec<String>> {
    let mut lines = letterhead(state, tr, &cycle.pemda, None).await?;
    lines.push(name.to_uppercase());
    Ok(lines)
}

/// An OPD of a cycle, which must be the cycle's pemda's: its name.
async fn opd_of(state: &AppState, cycle: &CycleFacts, opd: &str) -> AppResult<String> {
    state.store.opds(&cycle.pemda).await?.into_iter().find(|o| o.code == opd).map(|o| o.name).ok_or(AppError::NotFound)
}

fn opd_subject(cycle: &CycleFacts, opd: &str, what: &str) -> Subject {
    Subject::of(cycle, format!("/renja/{}/{opd}", cycle.id), format!("{what}-{opd}-{}", cycle.tahun_anggaran))
}

/// The berita acara of an OPD's forum: its meeting, what reached it and what it decided, the
/// Renja lines it agreed with their total against its pagu indikatif, who attended (the
/// kecamatan's delegates among them).
pub async fn renja_berita_acara(
    state: &AppState,
    tr: &Tr,
    cycle: &CycleFacts,
    opd: &str,
) -> AppResult<(Document, Subject)> {
    let name = opd_of(state, cycle, opd).await?;
    let view = crate::views::renja::whole_renja(&state.store, cycle.id, opd).await?;
    let meeting = view.facts.meeting.as_ref();
    let forum_name = tr.f("print.forum_opd", &[("opd", &name)]);
    let mut blocks = opening(tr, meeting, &forum_name, cycle.tahun_anggaran);
    let rows = forum_rows(state, tr, &view.items, &cycle.pemda).await?;
    blocks.extend(decisions(tr, rows, None));
    blocks.push(Block::Heading { text: tr.t("print.ba.renja").into() });
    let lines = LinePrint::read(state, cycle, &view.lines).await?;
    blocks.push(lines.table(tr, false, &view.lines));
    blocks.extend(total_paragraphs(
        tr,
        lines.total(&view.lines)?,
        view.facts.ceiling.map(|c| ("print.ba.opd_ceiling", c)),
    ));
    let (end, signatures) = closing(tr, meeting, Some("print.ba.opd_delegates"));
    blocks.extend(end);
    let letterhead = opd_letterhead(state, tr, cycle, &name).await?;
    let subtitle = vec![forum_name, year_line(tr, cycle.tahun_anggaran)];
    let document = document("berita_acara", tr, letterhead, "print.ba.title", subtitle, blocks, signatures);
    Ok((document, opd_subject(cycle, opd, "berita-acara-forum-opd")))
}

/// The daftar usulan prioritas of an OPD: what its forum accepted, with the total.
pub async fn renja_daftar_prioritas(
    state: &AppState,
    tr: &Tr,
    cycle: &CycleFacts,
    opd: &str,
) -> AppResult<(Document, Subject)> {
    let name = opd_of(state, cycle, opd).await?;
    let view = crate::views::renja::whole_renja(&state.store, cycle.id, opd).await?;
    let rows = forum_rows(state, tr, &view.items, &cycle.pemda).await?;
    let mut blocks = vec![rows.agreed_table(tr)];
    blocks.extend(total_paragraphs(tr, rows.accepted_cost, view.facts.ceiling.map(|c| ("print.ba.opd_ceiling", c))));
    let letterhead = opd_letterhead(state, tr, cycle, &name).await?;
    let subtitle = vec![tr.f("print.forum_opd", &[("opd", &name)]), year_line(tr, cycle.tahun_anggaran)];
    let signatures = vec![chair_signature(tr, view.facts.meeting.as_ref())];
    let document = document("daftar_prioritas", tr, letterhead, "print.daftar.title", subtitle, blocks, signatures);
    Ok((document, opd_subject(cycle, opd, "daftar-prioritas-opd")))
}

/// An OPD's Renja in the standard columns, across the page.
pub async fn renja(state: &AppState, tr: &Tr, cycle: &CycleFacts, opd: &str) -> AppResult<(Document, Subject)> {
    let name = opd_of(state, cycle, opd).await?;
    let view = state.store.renja(cycle.id, opd, 0, 1).await?;
    let lines = LinePrint::read(state, cycle, &view.lines).await?;
    let mut blocks = vec![lines.table(tr, false, &view.lines)];
    blocks.extend(total_paragraphs(
        tr,
        lines.total(&view.lines)?,
        view.facts.ceiling.map(|c| ("print.ba.opd_ceiling", c)),
    ));
    let letterhead = opd_letterhead(state, tr, cycle, &name).await?;
    let subtitle = vec![name.clone(), year_line(tr, cycle.tahun_anggaran)];
    let signatures = vec![Signature { role: tr.f("print.head_of", &[("unit", &name)]), name: String::new() }];
    let document = document("renja", tr, letterhead, "print.renja.title", subtitle, blocks, signatures);
    Ok((document, opd_subject(cycle, opd, "renja")))
}

/// The RKPD: every line in the standard columns by OPD, each OPD's total against its pagu,
/// and the adoption once it is adopted.
pub async fn rkpd(state: &AppState, tr: &Tr, cycle: &CycleFacts) -> AppResult<(Document, Subject)> {
    let view = state.store.rkpd(cycle.id).await?;
    let mut lines: Vec<LineSummary> = view.lines.clone();
    lines.sort_by(|a, b| {
        (a.opd_code.as_str(), a.latest().map(|c| c.sub_kegiatan.as_str()))
            .cmp(&(b.opd_code.as_str(), b.latest().map(|c| c.sub_kegiatan.as_str())))
    });
    let printed = LinePrint::read(state, cycle, &lines).await?;
    let mut blocks = Vec::new();
    if let Some(adoption) = &view.adoption {
        blocks.push(Block::Paragraph {
            text: tr.f("print.rkpd.adopted", &[("number", &adoption.number), ("date", &tr.date_text(&adoption.date))]),
        });
    }
    blocks.push(printed.table(tr, true, &lines));
    blocks.extend(total_paragraphs(tr, printed.total(&lines)?, None));
    blocks.push(Block::Heading { text: tr.t("print.rkpd.per_opd").into() });
    blocks.push(per_opd(state, tr, cycle, &lines, &printed).await?);
    let subtitle = vec![year_line(tr, cycle.tahun_anggaran)];
    let signatures = vec![Signature { role: tr.t("print.head_of_bappeda").into(), name: String::new() }];
    let letterhead = letterhead(state, tr, &cycle.pemda, None).await?;
    let document = document("rkpd", tr, letterhead, "print.rkpd.title", subtitle, blocks, signatures);
    let subject =
        Subject::of(cycle, format!("/rkpd/{}", cycle.id), format!("rkpd-{}-{}", cycle.pemda, cycle.tahun_anggaran));
    Ok((document, subject))
}

/// The berita acara of the musrenbang RKPD: its meeting, the priorities it agreed, each OPD's
/// lines and total against its pagu indikatif, who attended.
pub async fn rkpd_berita_acara(state: &AppState, tr: &Tr, cycle: &CycleFacts) -> AppResult<(Document, Subject)> {
    let view = state.store.rkpd(cycle.id).await?;
    let meeting = view.musrenbang.as_ref();
    let forum_name = tr.t("print.musrenbang_rkpd").to_string();
    let mut blocks = opening(tr, meeting, &forum_name, cycle.tahun_anggaran);
    let priorities: HashMap<String, String> =
        state.store.priorities(&cycle.pemda).await?.into_iter().map(|p| (p.code, p.name)).collect();
    blocks.push(Block::Heading { text: tr.t("print.rkpd.priorities").into() });
    blocks.push(Block::List {
        items: view
            .priorities
            .iter()
            .map(|code| priorities.get(code).map_or_else(|| code.clone(), |name| format!("{code} {name}")))
            .collect(),
        empty: tr.t("print.none").into(),
    });
    let printed = LinePrint::read(state, cycle, &view.lines).await?;
    blocks.push(Block::Heading { text: tr.t("print.rkpd.per_opd").into() });
    blocks.push(per_opd(state, tr, cycle, &view.lines, &printed).await?);
    let (end, signatures) = closing(tr, meeting, None);
    blocks.extend(end);
    let letterhead = letterhead(state, tr, &cycle.pemda, None).await?;
    let subtitle = vec![forum_name, year_line(tr, cycle.tahun_anggaran)];
    let document = document("berita_acara", tr, letterhead, "print.ba.title", subtitle, blocks, signatures);
    let subject = Subject::of(
        cycle,
        format!("/rkpd/{}", cycle.id),
        format!("berita-acara-musrenbang-rkpd-{}-{}", cycle.pemda, cycle.tahun_anggaran),
    );
    Ok((document, subject))
}

/// The rekapitulasi of a cycle: at each forum level what was accepted, rejected and pending and
/// the accepted cost; then each kecamatan at the musrenbang kecamatan and each OPD at its forum,
/// against their pagu.
pub async fn rekapitulasi(state: &AppState, tr: &Tr, cycle: Option<uuid::Uuid>) -> AppResult<(Document, Subject)> {
    use domain::statistics::{LEVELS, Levels};
    let view = crate::views::statistics::load(state, cycle).await?;
    let cost = |amount: i128| i64::try_from(amount).map(|a| tr.rupiah(a)).unwrap_or_default();
    let level_row = |name: String, levels: &Levels, index: usize, pagu: Option<i64>| {
        let outcome = &levels[index];
        let over = pagu.is_some_and(|p| outcome.accepted_cost > i128::from(p));
        vec![
            name,
            tr.number(outcome.accepted as i64),
            tr.number(outcome.rejected as i64),
            tr.number(outcome.pending as i64),
            cost(outcome.accepted_cost),
            pagu.map(|p| tr.rupiah(p)).unwrap_or_default(),
            if over { tr.t("statistics.over").to_string() } else { String::new() },
        ]
    };
    let columns = |first: &str| {
        vec![
            Column::text(tr.t(first), 5),
            Column::number(tr.t("xlsx.accepted"), 2),
            Column::number(tr.t("xlsx.rejected"), 2),
            Column::number(tr.t("xlsx.pending"), 2),
            Column::number(tr.t("xlsx.accepted_cost"), 3),
            Column::number(tr.t("print.col.ceiling"), 3),
            Column::text(tr.t("print.col.note"), 2),
        ]
    };
    let table = |first: &str, rows: Vec<Vec<String>>| Block::Table {
        columns: columns(first),
        rows,
        total: None,
        empty: tr.t("print.none").into(),
    };
    let stage_index = |stage: domain::cycle::Stage| LEVELS.iter().position(|s| *s == stage).unwrap_or(0);
    let kecamatan_level = stage_index(domain::cycle::Stage::MusrenbangKecamatan);
    let opd_level = stage_index(domain::cycle::Stage::ForumOpd);
    let blocks = vec![
        Block::Heading { text: tr.t("print.rekap.levels").into() },
        table(
            "print.col.level",
            LEVELS
                .iter()
                .enumerate()
                .map(|(i, stage)| level_row(tr.stage(*stage).into(), &view.total, i, None))
                .collect(),
        ),
        Block::Heading {
            text: tr.f("print.rekap.kecamatan", &[("stage", tr.stage(domain::cycle::Stage::MusrenbangKecamatan))]),
        },
        table(
            "xlsx.kecamatan",
            view.kecamatan.iter().map(|g| level_row(g.name.clone(), &g.levels, kecamatan_level, g.pagu)).collect(),
        ),
        Block::Heading { text: tr.f("print.rekap.opd", &[("stage", tr.stage(domain::cycle::Stage::ForumOpd))]) },
        table(
            "print.col.opd",
            view.opd.iter().map(|g| level_row(g.name.clone(), &g.levels, opd_level, g.pagu)).collect(),
        ),
    ];
    let cycle = view.cycle;
    let letterhead = letterhead(state, tr, &cycle.pemda, None).await?;
    let subtitle = vec![year_line(tr, cycle.tahun_anggaran)];
    let signatures = vec![Signature { role: tr.t("print.head_of_bappeda").into(), name: String::new() }];
    let document = document("rekapitulasi", tr, letterhead, "print.rekap.title", subtitle, blocks, signatures);
    let subject = Subject::of(
        &cycle,
        format!("/statistics?cycle={}", cycle.id),
        format!("rekapitulasi-{}-{}", cycle.pemda, cycle.tahun_anggaran),
    );
    Ok((document, subject))
}

/// A DPRD member's pokir of a cycle: each with its place, its stage and status, its cost; the
/// total in words.
pub async fn pokir(
    state: &AppState,
    tr: &Tr,
    member: &str,
    cycle: Option<uuid::Uuid>,
) -> AppResult<(Document, Subject)> {
    let store = &state.store;
    let (user_id, member, _, cycle) = crate::pages::member::member_in_cycle(store, member, cycle).await?;
    let pokir = store.pokir_of_member(cycle.id, user_id).await?;
    let names = store.place_names(pokir.iter().map(|p| &p.lingkungan)).await?;
    let rows = pokir
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                (i + 1).to_string(),
                p.title.clone(),
                names.get(&p.lingkungan).cloned().unwrap_or_else(|| p.lingkungan.to_string()),
                tr.stage(p.stage).to_string(),
                tr.status(p.status).to_string(),
                tr.rupiah(p.cost),
            ]
        })
        .collect();
    let total = if pokir.is_empty() {
        None
    } else {
        Some(domain::money::sum(pokir.iter().map(|p| p.cost)).map_err(|_| AppError::broken("a member's pokir cost"))?)
    };
    let mut blocks = vec![
        Block::Facts {
            rows: vec![
                (tr.t("print.pokir.fraksi").into(), member.fraksi.clone()),
                (tr.t("print.pokir.komisi").into(), member.komisi.clone()),
                (tr.t("print.pokir.dapil").into(), member.dapil.clone()),
            ],
        },
        Block::Table {
            columns: vec![
                Column::number(tr.t("print.col.no"), 1),
                Column::text(tr.t("print.col.proposal"), 6),
                Column::text(tr.t("print.col.location"), 4),
                Column::text(tr.t("print.col.stage"), 3),
                Column::text(tr.t("print.col.status"), 3),
                Column::number(tr.t("print.col.cost"), 3),
            ],
            rows,
            total: None,
            empty: tr.t("print.none").into(),
        },
    ];
    blocks.extend(total_paragraphs(tr, total, None));
    let letterhead = vec![tr.t("print.pokir.dprd").to_uppercase()];
    let subtitle = vec![member.name.clone(), year_line(tr, cycle.tahun_anggaran)];
    let signatures = vec![Signature { role: tr.t("print.pokir.member").into(), name: member.name.clone() }];
    let document = document("pokir", tr, letterhead, "print.pokir.title", subtitle, blocks, signatures);
    let subject = Subject::of(
        &cycle,
        format!("/anggota/{}?cycle={}", user_id, cycle.id),
        format!("pokir-{}-{}", member.username, cycle.tahun_anggaran),
    );
    Ok((document, subject))
}

/// Each OPD's lines and pagu against its pagu indikatif.
async fn per_opd(
    state: &AppState,
    tr: &Tr,
    cycle: &CycleFacts,
    lines: &[LineSummary],
    printed: &LinePrint,
) -> AppResult<Block> {
    let ceilings = state.store.opd_ceilings(cycle.id).await?;
    let mut opds: Vec<(&String, &String)> = printed.opds.iter().collect();
    opds.sort();
    let mut rows = Vec::new();
    for (code, name) in opds {
        let own: Vec<&LineSummary> = lines.iter().filter(|l| &l.opd_code == code).collect();
        let total = domain::money::sum(own.iter().filter_map(|l| l.latest()).map(|c| c.pagu))
            .map_err(|_| AppError::broken("an OPD's pagu"))?;
        rows.push(vec![
            name.clone(),
            tr.number(own.len() as i64),
            tr.rupiah(total),
            ceilings.get(code).map(|c| tr.rupiah(*c)).unwrap_or_default(),
        ]);
    }
    Ok(Block::Table {
        columns: vec![
            Column::text(tr.t("print.col.opd"), 6),
            Column::number(tr.t("print.col.lines"), 2),
            Column::number(tr.t("print.col.pagu"), 3),
            Column::number(tr.t("print.col.ceiling"), 3),
        ],
        rows,
        total: None,
        empty: tr.t("print.none").into(),
    })
}

/// Renja lines as printed: the standard columns of the workbook (`LineSheet`), joined into the
/// fewer, wider columns a page holds.
struct LinePrint {
    names: HashMap<String, domain::nomenclature::NomenclatureItem>,
    opds: HashMap<String, String>,
    regions: HashMap<RegionCode, String>,
}

impl LinePrint {
    async fn read(state: &AppState, cycle: &CycleFacts, lines: &[LineSummary]) -> AppResult<LinePrint> {
        let (names, opds, regions) = crate::views::xlsx::line_names(&state.store, cycle, lines).await?;
        Ok(LinePrint { names, opds, regions })
    }

    fn total(&self, lines: &[LineSummary]) -> AppResult<Option<i64>> {
        if lines.is_empty() {
            return Ok(None);
        }
        domain::money::sum(lines.iter().filter_map(|l| l.latest()).map(|c| c.pagu))
            .map(Some)
            .map_err(|_| AppError::broken("a Renja's pagu"))
    }

    fn table(&self, tr: &Tr, with_opd: bool, lines: &[LineSummary]) -> Block {
        let sheet = crate::views::xlsx::LineSheet { names: &self.names, opds: &self.opds, regions: &self.regions };
        let text = |cell: &Cell| cell_text(tr, cell);
        let rows = lines
            .iter()
            .filter_map(|line| sheet.row(tr, line))
            .map(|c| {
                let mut row = Vec::new();
                if with_opd {
                    row.push(text(&c[0]));
                }
                row.extend([
                    text(&c[1]),
                    text(&c[2]),
                    format!("{} {}", text(&c[3]), text(&c[4])),
                    text(&c[5]),
                    format!("{}: {} {}", text(&c[6]), text(&c[7]), text(&c[8])),
                    format!("{}: {} {}", text(&c[9]), text(&c[10]), text(&c[11])),
                    text(&c[12]),
                    text(&c[13]),
                    text(&c[14]),
                ]);
                row
            })
            .collect();
        let mut columns = Vec::new();
        if with_opd {
            columns.push(Column::text(tr.t("print.col.opd"), 3));
        }
        columns.extend([
            Column::text(tr.t("xlsx.program"), 3),
            Column::text(tr.t("xlsx.kegiatan"), 3),
            Column::text(tr.t("xlsx.sub_kegiatan"), 4),
            Column::text(tr.t("xlsx.locations"), 3),
            Column::text(tr.t("xlsx.output"), 4),
            Column::text(tr.t("xlsx.outcome"), 4),
            Column::number(tr.t("print.col.pagu"), 3),
            Column::text(tr.t("xlsx.funding"), 2),
            Column::number(tr.t("xlsx.prakiraan_maju"), 3),
        ]);
        Block::Table { columns, rows, total: None, empty: tr.t("print.none").into() }
    }
}

/// A workbook's cell as printed: rupiah and volumes the Indonesian way, times in WIB.
fn cell_text(tr: &Tr, cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Integer(n) => tr.number(*n),
        Cell::Rupiah(amount) => tr.rupiah(*amount),
        Cell::Volume(volume) => domain::money::format_volume(*volume),
        Cell::Date(date) => tr.date_text(&date.to_string()),
        Cell::Time(at) => tr.datetime(*at),
        Cell::Empty => String::new(),
    }
}

/// A forum's proposals as printed rows: the agreed in rank order, the others with why.
struct ForumRows {
    agreed: Vec<Vec<String>>,
    not_agreed: Vec<Vec<String>>,
    accepted_cost: Option<i64>,
}

impl ForumRows {
    fn agreed_table(&self, tr: &Tr) -> Block {
        let total = self.accepted_cost.map(|cost| {
            vec![
                String::new(),
                tr.t("print.col.total").into(),
                String::new(),
                String::new(),
                tr.rupiah(cost),
                String::new(),
            ]
        });
        Block::Table {
            columns: vec![
                Column::number(tr.t("print.col.rank"), 2),
                Column::text(tr.t("print.col.proposal"), 6),
                Column::text(tr.t("print.col.location"), 4),
                Column::number(tr.t("print.col.volume"), 2),
                Column::number(tr.t("print.col.cost"), 3),
                Column::text(tr.t("print.col.opd"), 3),
            ],
            rows: self.agreed.clone(),
            total,
            empty: tr.t("print.none").into(),
        }
    }
}

async fn forum_rows(
    state: &AppState,
    tr: &Tr,
    items: &[(domain::views::ProposalSummary, domain::planning::StageRecord)],
    pemda: &RegionCode,
) -> AppResult<ForumRows> {
    let mut lingkungan: Vec<RegionCode> = items.iter().map(|(_, r)| r.figures.location.lingkungan.clone()).collect();
    lingkungan.sort();
    lingkungan.dedup();
    let names = state.store.region_names(&lingkungan).await?;
    let opds: std::collections::HashMap<String, String> =
        state.store.opds(pemda).await?.into_iter().map(|o| (o.code, o.name)).collect();
    let mut accepted: Vec<_> = items.iter().filter(|(_, r)| r.status.is_accepted()).collect();
    accepted.sort_by_key(|(_, r)| r.rank.unwrap_or(u32::MAX));
    let place = |r: &domain::planning::StageRecord| {
        let name = names
            .get(&r.figures.location.lingkungan)
            .cloned()
            .unwrap_or_else(|| r.figures.location.lingkungan.to_string());
        if r.figures.location.address.is_empty() { name } else { format!("{name}, {}", r.figures.location.address) }
    };
    let agreed = accepted
        .iter()
        .enumerate()
        .map(|(i, (summary, r))| {
            vec![
                r.rank.map_or_else(|| (i + 1).to_string(), |rank| rank.to_string()),
                summary.title.clone(),
                place(r),
                format!("{} {}", domain::money::format_volume(r.figures.volume), r.figures.unit),
                tr.rupiah(r.figures.cost),
                opds.get(&r.figures.opd_code).cloned().unwrap_or_else(|| r.figures.opd_code.clone()),
            ]
        })
        .collect();
    let not_agreed = items
        .iter()
        .filter(|(_, r)| !r.status.is_accepted())
        .enumerate()
        .map(|(i, (summary, r))| {
            vec![
                (i + 1).to_string(),
                summary.title.clone(),
                place(r),
                tr.status(r.status).to_string(),
                r.reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let accepted_cost = if accepted.is_empty() {
        None
    } else {
        Some(
            domain::money::sum(accepted.iter().map(|(_, r)| r.figures.cost))
                .map_err(|_| AppError::broken("a forum's cost"))?,
        )
    };
    Ok(ForumRows { agreed, not_agreed, accepted_cost })
}

/// A recorded print as its public page and the API show it.
pub struct RecordView {
    pub record: StoredDocument,
    /// Whether the latest signed checkpoint includes its journal entry, and the proof held.
    pub inclusion: Option<InclusionCheck>,
}

pub struct InclusionCheck {
    pub tree_size: i64,
    pub verified: bool,
    pub root: String,
    pub hashes: Vec<String>,
}

/// The record of a print and, once a signed checkpoint covers its journal entry, the entry's
/// inclusion proof checked here.
pub async fn record_view(state: &AppState, record: StoredDocument) -> AppResult<RecordView> {
    let inclusion = entry_inclusion(state, &record.pemda_code, record.seq).await?;
    Ok(RecordView { record, inclusion })
}

/// When a print or a scan was recorded, the Indonesian way (as stored if it does not read as a
/// time).
pub fn recorded_at(tr: &Tr, at: &str) -> String {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .map(|t| tr.datetime(t))
        .unwrap_or_else(|_| at.to_string())
}

/// The page of a journal entry, with its proof.
pub fn entry_href(pemda: &str, seq: i64) -> String {
    format!("/audit/entry?pemda={pemda}&seq={seq}")
}

/// Whether the latest signed checkpoint of `pemda` includes its entry `seq` (a print's, a
/// scan's), with the proof checked here.
pub async fn entry_inclusion(state: &AppState, pemda: &str, seq: i64) -> AppResult<Option<InclusionCheck>> {
    let pemda = RegionCode::parse(pemda).map_err(|_| AppError::broken("a record's pemda code"))?;
    let entry = state.store.journal_entry(&pemda, seq).await?.ok_or(AppError::broken("a record's entry"))?;
    Ok(crate::views::transparency::checked_inclusion(state, &pemda, seq, &entry.hash).await?.map(
        |(inclusion, verified)| InclusionCheck {
            tree_size: inclusion.tree_size,
            verified,
            root: domain::transparency::hash_hex(&inclusion.root),
            hashes: inclusion.hashes.iter().map(domain::transparency::hash_hex).collect(),
        },
    ))
}

/// The prints recorded under a printed code, as typed (any case, spaces around ignored), each
/// with its proof; a code of the wrong shape, or one nothing was printed under, is not found.
pub async fn records_with_code(state: &AppState, typed: &str) -> AppResult<(String, Vec<RecordView>)> {
    let code = typed.trim().to_ascii_uppercase();
    if !domain::documents::is_code(&code) {
        return Err(AppError::NotFound);
    }
    let records = state.store.documents_with_code(&code).await?;
    if records.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut views = Vec::with_capacity(records.len());
    for record in records {
        views.push(record_view(state, record).await?);
    }
    Ok((code, views))
}

/// The hash a reader typed: 64 hex digits, any case, spaces around ignored.
pub fn typed_sha256(text: &str) -> AppResult<String> {
    let hash = text.trim().to_ascii_lowercase();
    if hash.is_empty() {
        return Err(AppError::invalid("sha256", domain::Rule::Required));
    }
    if !domain::documents::is_sha256(&hash) {
        return Err(AppError::invalid("sha256", domain::Rule::Format { expected: "sha256" }));
    }
    Ok(hash)
}

/// The SHA-256 of an uploaded file to check, which must be a PDF, a JPEG or a PNG (judged by
/// its first bytes): any other file is neither a Rencana print nor a signed scan, and saying so
/// helps more than "no match".
pub fn uploaded_file_sha256(bytes: &[u8]) -> AppResult<String> {
    if bytes.is_empty() {
        return Err(AppError::invalid("file", domain::Rule::Required));
    }
    let known = [&b"%PDF-"[..], &[0xFF, 0xD8, 0xFF][..], &b"\x89PNG\r\n\x1a\n"[..]];
    if !known.iter().any(|magic| bytes.starts_with(magic)) {
        return Err(AppError::invalid("file", domain::Rule::ScanType));
    }
    Ok(sha256_of(bytes))
}

/// The SHA-256 of an uploaded file, lowercase hex.
pub fn sha256_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
