//! The red-flag list: a cycle's proposals checked a slice at a time (their latest figures against
//! their neighbours and the kamus, pokir against their typical cost and their member's other
//! pokir), the flagged ones kept. Page and API read the same slices.

use std::collections::HashMap;

use domain::cycle::CycleFacts;
use domain::planning::{FlagCandidate, Origin, RedFlag, StageRecord, red_flags};
use store::ProposalSummary;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::AppState;
use crate::views::proposals::{pokir_flags, unit_prices};

/// How many proposals one request checks: two reads of the store's largest page.
pub const SLICE: u64 = 1_000;

/// What one slice found.
pub struct FlaggedSlice {
    /// The flagged proposals of the slice, with their latest record and their flags.
    pub flagged: Vec<(ProposalSummary, StageRecord, Vec<RedFlag>)>,
    /// How many proposals the slice checked.
    pub checked: usize,
    /// Where the next slice starts, if the cycle has more.
    pub next: Option<Uuid>,
}

/// Checks the `SLICE` proposals of `cycle` after `after`.
pub async fn slice(state: &AppState, cycle: &CycleFacts, after: Option<Uuid>) -> AppResult<FlaggedSlice> {
    let store = &state.store;
    let mut result = FlaggedSlice { flagged: Vec::new(), checked: 0, next: None };
    let mut cursor = after;
    let mut member_flags: HashMap<Uuid, Vec<RedFlag>> = HashMap::new();
    let mut left = SLICE;
    while left > 0 {
        let batch = store.latest_records(cycle.id, cursor, std::cmp::min(left, store::PAGE_MAX)).await?;
        let Some((last, _)) = batch.last() else {
            return Ok(FlaggedSlice { next: None, ..result });
        };
        cursor = Some(last.id);
        left = left.saturating_sub(batch.len() as u64);
        result.checked += batch.len();
        let full = batch.len() as u64 == std::cmp::min(SLICE, store::PAGE_MAX);
        let mut codes: Vec<String> = batch.iter().map(|(_, r)| r.figures.kamus_code.clone()).collect();
        codes.sort();
        codes.dedup();
        let prices = unit_prices(&store.kamus_items(&cycle.pemda, cycle.tahun_anggaran, &codes).await?);
        let subjects: Vec<FlagCandidate> =
            batch.iter().map(|(summary, record)| FlagCandidate::of(summary.id, &record.figures)).collect();
        let neighbours = store.flag_candidates(cycle.id, &subjects).await?;
        for ((summary, record), subject) in batch.into_iter().zip(&subjects) {
            let mut flags = red_flags(subject, &record.figures, &neighbours, &prices);
            if summary.origin == Origin::Pokir {
                flags.extend(pokir_flags(store, cycle.id, summary.id, &record.figures, &mut member_flags).await?);
            }
            if !flags.is_empty() {
                result.flagged.push((summary, record, flags));
            }
        }
        if !full {
            return Ok(FlaggedSlice { next: None, ..result });
        }
    }
    result.next = cursor;
    Ok(result)
}
