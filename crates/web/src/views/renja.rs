//! What the Renja and RKPD pages and API share: reading an OPD's decision as typed, a line's
//! flags in words, and the RKPD grouped under its nomenclature with its totals.

use std::collections::{BTreeMap, HashMap};

use domain::cycle::Stage;
use domain::nomenclature::{NomenclatureItem, ancestor_codes};
use domain::renja::{LineFlag, OpdDecision, line_flags};
use domain::views::{LineSummary, RkpdView};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

/// The decisions an OPD takes, as forms and the API name them.
pub const OPD_DECISIONS: [&str; 4] = ["accept", "accept_with_changes", "reject", "redirect"];

/// The decision a form or a JSON body names; a line id that does not parse names no line, which
/// the rule then refuses as unknown.
pub fn opd_decision(
    decision: &str,
    line: &str,
    volume: String,
    reason: String,
    opd_code: String,
) -> AppResult<OpdDecision> {
    let line_id = || Uuid::parse_str(line.trim()).unwrap_or(Uuid::nil());
    Ok(match decision.trim() {
        "accept" => OpdDecision::Accept { line_id: line_id() },
        "accept_with_changes" => OpdDecision::AcceptWithChanges { line_id: line_id(), volume, reason },
        "reject" => OpdDecision::Reject { reason },
        "redirect" => OpdDecision::Redirect { opd_code, reason },
        "" => return Err(AppError::invalid("decision", domain::Rule::Required)),
        _ => return Err(AppError::invalid("decision", domain::Rule::Format { expected: "opd_decision" })),
    })
}

/// A line's flags (see [`line_flags`]).
pub fn flags_of(line: &LineSummary) -> Vec<LineFlag> {
    let pagu: Vec<(Stage, i64)> = line.stages.iter().map(|s| (s.stage, s.content.pagu)).collect();
    line_flags(line.first_stage, line.sources, &pagu)
}

/// A flag in words.
pub struct LineFlagText(pub String);

pub fn line_flags_text(tr: &Tr, line: &LineSummary) -> Vec<LineFlagText> {
    flags_of(line)
        .into_iter()
        .map(|flag| {
            LineFlagText(match flag {
                LineFlag::AppearedLate { stage } => tr.f("flag.line_appeared_late", &[("stage", tr.stage(stage))]),
                LineFlag::PaguGrew { from, to, before, after } => tr.f(
                    "flag.line_pagu_grew",
                    &[
                        ("from", tr.stage(from)),
                        ("to", tr.stage(to)),
                        ("before", &tr.rupiah(before)),
                        ("after", &tr.rupiah(after)),
                        ("percent", &domain::renja::PAGU_GROWTH_FLAG_PERCENT.to_string()),
                    ],
                ),
            })
        })
        .collect()
}

/// A row of the RKPD: a heading of the nomenclature (urusan to sub kegiatan) with the total of
/// the lines under it, or a line.
pub struct RkpdGroupRow {
    /// 1 (urusan) to 5 (sub kegiatan); 6 for a line.
    pub depth: usize,
    pub code: String,
    pub name: String,
    pub total: String,
    /// For a line: where to read it, its OPD, where the work is, how many items it carries.
    pub href: String,
    pub opd: String,
    pub place: String,
    pub sources: u64,
}

/// One row of a summary: what is counted, how many, their amount in words.
pub type TotalRow = (String, usize, String);

/// The RKPD's totals: per OPD, per kecamatan, per priority, per origin of the items carried.
#[derive(Default)]
pub struct RkpdTotals {
    pub total: String,
    pub lines: usize,
    /// (name, count, amount)
    pub per_opd: Vec<TotalRow>,
    pub per_kecamatan: Vec<TotalRow>,
    pub per_priority: Vec<TotalRow>,
    /// Items carried per origin (count, their cost at the forum OPD), and the OPD's own
    /// initiative: lines that carry no item, with their pagu.
    pub per_origin: Vec<TotalRow>,
}

/// Sums amounts exactly; a sum past any valid amount is shown as such, never wrapped.
#[derive(Default, Clone, Copy)]
struct Sum {
    count: usize,
    amount: Option<i64>,
}

impl Sum {
    fn add(&mut self, amount: i64) {
        self.count += 1;
        self.amount = match (self.count, self.amount) {
            (1, _) => Some(amount),
            (_, Some(sum)) => domain::money::sum([sum, amount]).ok(),
            (_, None) => None,
        };
    }

    fn text(&self, tr: &Tr) -> String {
        self.amount.map_or_else(|| tr.t("forum.total_too_large").to_string(), |a| tr.rupiah(a))
    }
}

fn rows(tr: &Tr, sums: BTreeMap<String, Sum>) -> Vec<TotalRow> {
    sums.into_iter().map(|(name, sum)| (name, sum.count, sum.text(tr))).collect()
}

/// The RKPD's lines under their urusan, bidang, program, kegiatan and sub kegiatan (in code
/// order, each heading with its total), and its totals. A line counts at its latest figures.
pub fn rkpd_groups(
    tr: &Tr,
    view: &RkpdView,
    names: &HashMap<String, NomenclatureItem>,
    opd_names: &HashMap<String, String>,
    kecamatan: &HashMap<String, String>,
    priority_names: &HashMap<String, String>,
) -> (Vec<RkpdGroupRow>, RkpdTotals) {
    let mut lines: Vec<(&LineSummary, &domain::renja::LineContent)> =
        view.lines.iter().filter_map(|l| Some((l, l.latest()?))).collect();
    lines.sort_by(|a, b| (&a.1.sub_kegiatan, &a.0.opd_code, a.0.id).cmp(&(&b.1.sub_kegiatan, &b.0.opd_code, b.0.id)));
    let mut heading_sums: HashMap<String, Sum> = HashMap::new();
    let mut all = Sum::default();
    let (mut per_opd, mut per_kecamatan, mut per_priority, mut per_origin) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::<String, Sum>::new());
    let whole = tr.t("renja.across_kecamatan").to_string();
    for (line, content) in &lines {
        all.add(content.pagu);
        let mut codes = ancestor_codes(&content.sub_kegiatan);
        codes.push(content.sub_kegiatan.clone());
        for code in codes {
            heading_sums.entry(code).or_default().add(content.pagu);
        }
        per_opd
            .entry(opd_names.get(&line.opd_code).cloned().unwrap_or(line.opd_code.clone()))
            .or_insert_with(Sum::default)
            .add(content.pagu);
        let mut places: Vec<String> = content
            .locations
            .iter()
            .filter_map(|l| domain::planning::forum_region_of(l, Stage::MusrenbangKecamatan))
            .map(|k| k.to_string())
            .collect();
        places.sort();
        places.dedup();
        let place = match places.as_slice() {
            [one] => kecamatan.get(one).cloned().unwrap_or(one.clone()),
            _ => whole.clone(),
        };
        per_kecamatan.entry(place).or_insert_with(Sum::default).add(content.pagu);
        let priority = match &content.priority {
            Some(code) => format!("{code} {}", priority_names.get(code).cloned().unwrap_or_default()),
            None => tr.t("rkpd.no_priority").to_string(),
        };
        per_priority.entry(priority).or_insert_with(Sum::default).add(content.pagu);
        if line.sources == 0 {
            per_origin.entry(tr.t("rkpd.opd_initiative").to_string()).or_default().add(content.pagu);
        }
    }
    for source in &view.sources {
        per_origin.entry(tr.origin(source.origin).to_string()).or_default().add(source.cost);
    }
    let mut out = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for (line, content) in &lines {
        let mut codes = ancestor_codes(&content.sub_kegiatan);
        codes.push(content.sub_kegiatan.clone());
        for (depth, code) in codes.iter().enumerate() {
            if shown.contains(code) {
                continue;
            }
            shown.push(code.clone());
            out.push(RkpdGroupRow {
                depth: depth + 1,
                code: code.clone(),
                name: names.get(code).map(|n| n.name.clone()).unwrap_or_default(),
                total: heading_sums.get(code).map(|s| s.text(tr)).unwrap_or_default(),
                href: String::new(),
                opd: String::new(),
                place: String::new(),
                sources: 0,
            });
        }
        out.push(RkpdGroupRow {
            depth: 6,
            code: content.sub_kegiatan.clone(),
            name: format!(
                "{}: {} {}",
                content.output.description,
                domain::money::format_volume(content.output.target),
                content.output.unit
            ),
            total: tr.rupiah(content.pagu),
            href: format!("/renja/baris/{}", line.id),
            opd: opd_names.get(&line.opd_code).cloned().unwrap_or(line.opd_code.clone()),
            place: if content.locations.is_empty() {
                tr.t("renja.whole_pemda").to_string()
            } else {
                content.locations.len().to_string()
            },
            sources: line.sources,
        });
    }
    let totals = RkpdTotals {
        total: all.text(tr),
        lines: lines.len(),
        per_opd: rows(tr, per_opd),
        per_kecamatan: rows(tr, per_kecamatan),
        per_priority: rows(tr, per_priority),
        per_origin: rows(tr, per_origin),
    };
    (out, totals)
}

/// An OPD's Renja with everything that reached its forum, not one page of it: for the files
/// that print or export it whole.
pub async fn whole_renja(
    store: &store::Store,
    cycle_id: uuid::Uuid,
    opd: &str,
) -> crate::error::AppResult<domain::views::RenjaView> {
    let mut view = store.renja(cycle_id, opd, 0, store::PAGE_MAX).await?;
    while (view.items.len() as u64) < view.items_total {
        let more = store.renja(cycle_id, opd, view.items.len() as u64, store::PAGE_MAX).await?.items;
        if more.is_empty() {
            break;
        }
        view.items.extend(more);
    }
    Ok(view)
}
