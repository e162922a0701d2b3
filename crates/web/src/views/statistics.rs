//! A cycle's statistics as the page and the API both show them: the domain's outcomes per
//! kecamatan, OPD, bidang and origin, named, with the pagu they are held against.

use std::collections::HashMap;

use domain::cycle::CycleFacts;
use domain::kamus::Bidang;
use domain::planning::Origin;
use domain::statistics::{self, Levels};
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::AppState;
use crate::views::regions::cycle_or_newest_public;

/// A kecamatan or an OPD with its outcomes and its pagu, if one is set.
pub struct Group {
    pub code: String,
    pub name: String,
    pub levels: Levels,
    pub pagu: Option<i64>,
}

pub struct StatisticsView {
    pub cycle: CycleFacts,
    /// The pemda's cycles, newest first, to choose from.
    pub cycles: Vec<CycleFacts>,
    pub total: Levels,
    /// By name; the kecamatan pagu is held against what its musrenbang accepted.
    pub kecamatan: Vec<Group>,
    /// By name; the OPD's pagu indikatif is held against what its forum accepted.
    pub opd: Vec<Group>,
    pub bidang: Vec<(Bidang, Levels)>,
    pub origin: Vec<(Origin, Levels)>,
    /// Renja lines with no proposal behind them (an OPD's own): how many, and their pagu.
    pub own_lines: (u64, i128),
}

/// The statistics of `asked`, or of the newest cycle of the pemda this server shows in public.
pub async fn load(state: &AppState, asked: Option<Uuid>) -> AppResult<StatisticsView> {
    let store = &state.store;
    let cycle = cycle_or_newest_public(state, asked).await?;
    let cycles = store.cycles(&cycle.pemda).await?;
    let figures = statistics::summarise(store.cycle_tallies(cycle.id).await?);
    let ceilings = store.ceilings(cycle.id).await?;
    let opd_ceilings = store.opd_ceilings(cycle.id).await?;
    let own_lines = store.own_lines(cycle.id).await?;

    let mut kecamatan_codes: Vec<_> = figures.by_kecamatan.keys().chain(ceilings.keys()).cloned().collect();
    kecamatan_codes.sort();
    kecamatan_codes.dedup();
    let names = store.region_names(&kecamatan_codes).await?;
    let mut kecamatan: Vec<Group> = kecamatan_codes
        .into_iter()
        .map(|code| Group {
            name: names.get(&code).cloned().unwrap_or_else(|| code.to_string()),
            levels: figures.by_kecamatan.get(&code).copied().unwrap_or_default(),
            pagu: ceilings.get(&code).copied(),
            code: code.to_string(),
        })
        .collect();
    kecamatan.sort_by(|a, b| a.name.cmp(&b.name));

    let opd_names: HashMap<String, String> =
        store.opds(&cycle.pemda).await?.into_iter().map(|o| (o.code.to_string(), o.name)).collect();
    let mut opd_codes: Vec<&String> = figures.by_opd.keys().chain(opd_ceilings.keys()).collect();
    opd_codes.sort();
    opd_codes.dedup();
    let mut opd: Vec<Group> = opd_codes
        .into_iter()
        .map(|code| Group {
            code: code.clone(),
            name: opd_names.get(code).cloned().unwrap_or_else(|| code.clone()),
            levels: figures.by_opd.get(code).copied().unwrap_or_default(),
            pagu: opd_ceilings.get(code).copied(),
        })
        .collect();
    opd.sort_by(|a, b| a.name.cmp(&b.name));

    Ok(StatisticsView {
        total: figures.total,
        kecamatan,
        opd,
        bidang: figures.by_bidang.into_iter().collect(),
        origin: figures.by_origin.into_iter().collect(),
        own_lines,
        cycle,
        cycles,
    })
}
