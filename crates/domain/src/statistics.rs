//! A cycle's figures as people ask for them: how many proposals each level accepted and
//! rejected, and what the accepted ones cost, per kecamatan, OPD, bidang and origin. The store
//! counts stage records in groups; this folds the groups into those four views.

use std::collections::BTreeMap;

use crate::RegionCode;
use crate::cycle::Stage;
use crate::kamus::Bidang;
use crate::planning::{Origin, Status};

/// The forums whose decisions the statistics count, in the order a proposal meets them.
pub const LEVELS: [Stage; 4] =
    [Stage::RembukWarga, Stage::MusrenbangKelurahan, Stage::MusrenbangKecamatan, Stage::ForumOpd];

/// Stage records that share a stage, a status, a kecamatan, an OPD, a bidang and an origin,
/// counted, with the sum of their costs (a sum of bounded costs, kept wide so it cannot wrap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub stage: Stage,
    pub status: Status,
    pub kecamatan: RegionCode,
    pub opd: String,
    pub bidang: Bidang,
    pub origin: Origin,
    pub count: u64,
    pub cost: i128,
}

/// What one level decided about the proposals of one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub accepted: u64,
    /// Rejected, or accepted at a rembuk warga but ranked below what it may forward.
    pub rejected: u64,
    pub pending: u64,
    /// The accepted proposals' cost at this level, as the forum set it.
    pub accepted_cost: i128,
}

impl Outcome {
    pub fn decided(&self) -> u64 {
        self.accepted + self.rejected
    }

    fn add(&mut self, status: Status, count: u64, cost: i128) {
        if status.is_accepted() {
            self.accepted += count;
            self.accepted_cost += cost;
        } else if status == Status::Pending {
            self.pending += count;
        } else {
            self.rejected += count;
        }
    }
}

/// One outcome per level of `LEVELS`.
pub type Levels = [Outcome; LEVELS.len()];

/// A cycle's outcomes, whole and per kecamatan, OPD code, bidang and origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CycleStatistics {
    pub total: Levels,
    pub by_kecamatan: BTreeMap<RegionCode, Levels>,
    pub by_opd: BTreeMap<String, Levels>,
    pub by_bidang: BTreeMap<Bidang, Levels>,
    pub by_origin: BTreeMap<Origin, Levels>,
}

/// Folds counted groups into the cycle's views. Stages outside `LEVELS` (pokir, the RKPD
/// stages) do not decide proposals one by one and are left out.
pub fn summarise<I: IntoIterator<Item = Tally>>(tallies: I) -> CycleStatistics {
    let mut statistics = CycleStatistics::default();
    for tally in tallies {
        let Some(level) = LEVELS.iter().position(|s| *s == tally.stage) else { continue };
        let add = |levels: &mut Levels| levels[level].add(tally.status, tally.count, tally.cost);
        add(&mut statistics.total);
        add(statistics.by_kecamatan.entry(tally.kecamatan.clone()).or_default());
        add(statistics.by_opd.entry(tally.opd.clone()).or_default());
        add(statistics.by_bidang.entry(tally.bidang).or_default());
        add(statistics.by_origin.entry(tally.origin).or_default());
    }
    statistics
}

/// A wide sum as an amount, or `None` when it leaves the amounts money can hold.
pub fn amount(sum: i128) -> Option<i64> {
    i64::try_from(sum).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(stage: Stage, status: Status, kecamatan: &str, origin: Origin, count: u64, cost: i128) -> Tally {
        Tally {
            stage,
            status,
            kecamatan: RegionCode::parse(kecamatan).unwrap(),
            opd: "1.03.0.00.0.00.01.0000".into(),
            bidang: Bidang::InfrastrukturKewilayahan,
            origin,
            count,
            cost,
        }
    }

    #[test]
    fn each_level_counts_its_own_decisions() {
        let statistics = summarise([
            tally(Stage::MusrenbangKelurahan, Status::Accepted, "12.71.01", Origin::Lingkungan, 3, 300),
            tally(Stage::MusrenbangKelurahan, Status::AcceptedWithChanges, "12.71.01", Origin::Lingkungan, 1, 50),
            tally(Stage::MusrenbangKelurahan, Status::Rejected, "12.71.01", Origin::Lingkungan, 2, 999),
            tally(Stage::MusrenbangKecamatan, Status::Accepted, "12.71.01", Origin::Lingkungan, 2, 200),
            tally(Stage::MusrenbangKecamatan, Status::Pending, "12.71.02", Origin::Kelurahan, 4, 400),
            tally(Stage::RembukWarga, Status::NotForwarded, "12.71.02", Origin::Lingkungan, 5, 500),
        ]);
        let kelurahan = statistics.total[1];
        assert_eq!((kelurahan.accepted, kelurahan.rejected, kelurahan.pending), (4, 2, 0));
        assert_eq!(kelurahan.accepted_cost, 350, "rejected costs are not counted as accepted");
        assert_eq!(statistics.total[0].rejected, 5, "not forwarded counts as not carried on");
        let medan_kota = statistics.by_kecamatan[&RegionCode::parse("12.71.01").unwrap()];
        assert_eq!(medan_kota[2].accepted, 2);
        assert_eq!(statistics.by_kecamatan[&RegionCode::parse("12.71.02").unwrap()][2].pending, 4);
        assert_eq!(statistics.by_origin[&Origin::Kelurahan][2].pending, 4);
        assert_eq!(statistics.by_bidang[&Bidang::InfrastrukturKewilayahan][1].decided(), 6);
    }

    #[test]
    fn stages_that_decide_no_proposal_one_by_one_are_left_out() {
        let statistics = summarise([tally(Stage::Pokir, Status::Accepted, "12.71.01", Origin::Pokir, 1, 10)]);
        assert_eq!(statistics.total, Levels::default());
        assert!(statistics.by_origin.is_empty());
    }

    #[test]
    fn sums_beyond_an_amount_are_not_squeezed_into_one() {
        let many = i128::from(crate::money::AMOUNT_MAX) * 100_000;
        let statistics =
            summarise([tally(Stage::ForumOpd, Status::Accepted, "12.71.01", Origin::Pokir, 100_000, many)]);
        assert_eq!(amount(statistics.total[3].accepted_cost), None);
        assert_eq!(amount(1_250_000), Some(1_250_000));
    }
}
