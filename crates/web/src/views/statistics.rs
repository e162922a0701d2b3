//! A cycle's statistics as the page and the API both show them: the domain's outcomes per
//! kecamatan, OPD, bidang and origin, named, with the pagu they are held against.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::RegionCode;
use domain::cycle::CycleFacts;
use domain::kamus::Bidang;
use domain::planning::Origin;
use domain::statistics::{self, CycleStatistics, Levels};
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

/// What a cycle's statistics count, read from the store.
struct Counted {
    figures: CycleStatistics,
    ceilings: HashMap<RegionCode, i64>,
    opd_ceilings: HashMap<String, i64>,
    own_lines: (u64, i128),
}

/// Each cycle's counts with the journal's version they were read at. A cycle's counts change
/// only with an event, so a crowd reading the statistics costs one count per change, not one
/// per reader. A few cycles per pemda: the map stays small.
#[derive(Default)]
pub struct Counts(Mutex<HashMap<Uuid, (i64, Arc<Counted>)>>);

impl Counts {
    fn kept(&self, cycle: Uuid, version: i64) -> Option<Arc<Counted>> {
        let kept = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.get(&cycle).filter(|(at, _)| *at == version).map(|(_, counted)| counted.clone())
    }

    fn keep(&self, cycle: Uuid, version: i64, counted: Arc<Counted>) {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(cycle, (version, counted));
    }
}

/// The cycle's counts: kept ones while the journal has not grown, else read anew. The version
/// is read first, so counts kept under it are never older than it.
async fn counted(state: &AppState, cycle: Uuid) -> AppResult<Arc<Counted>> {
    let store = &state.store;
    let (version, _) = store.record_version().await?;
    if let Some(counted) = state.statistics.kept(cycle, version) {
        return Ok(counted);
    }
    let counted = Arc::new(Counted {
        figures: statistics::summarise(store.cycle_tallies(cycle).await?),
        ceilings: store.ceilings(cycle).await?,
        opd_ceilings: store.opd_ceilings(cycle).await?,
        own_lines: store.own_lines(cycle).await?,
    });
    state.statistics.keep(cycle, version, counted.clone());
    Ok(counted)
}

/// The statistics of `asked`, or of the newest cycle of the pemda this server shows in public.
pub async fn load(state: &AppState, asked: Option<Uuid>) -> AppResult<StatisticsView> {
    let store = &state.store;
    let cycle = cycle_or_newest_public(state, asked).await?;
    let cycles = store.cycles(&cycle.pemda).await?;
    let counted = counted(state, cycle.id).await?;
    let Counted { figures, ceilings, opd_ceilings, own_lines } = &*counted;

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
        bidang: figures.by_bidang.iter().map(|(b, l)| (*b, *l)).collect(),
        origin: figures.by_origin.iter().map(|(o, l)| (*o, *l)).collect(),
        own_lines: *own_lines,
        cycle,
        cycles,
    })
}
