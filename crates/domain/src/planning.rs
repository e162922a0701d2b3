//! Proposals and the forums that decide them: rembuk warga, musrenbang kelurahan, musrenbang
//! kecamatan. Each stage keeps its own record of a proposal (status, rank, figures, reason, who
//! and when); a decision writes only its own stage's record, so what a level below agreed is
//! never overwritten and the history shows every level side by side.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cycle::Stage;
use crate::kamus::KamusItem;
use crate::region::RegionCode;

/// Where a proposal was first raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Lingkungan,
    Kelurahan,
    Kecamatan,
    /// A DPRD member's pokok pikiran.
    Pokir,
}

impl Origin {
    pub const ALL: [Origin; 4] = [Origin::Lingkungan, Origin::Kelurahan, Origin::Kecamatan, Origin::Pokir];

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Lingkungan => "lingkungan",
            Origin::Kelurahan => "kelurahan",
            Origin::Kecamatan => "kecamatan",
            Origin::Pokir => "pokir",
        }
    }

    pub fn parse(s: &str) -> Option<Origin> {
        Origin::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The forum where a proposal of this origin enters.
    pub fn entry_stage(self) -> Stage {
        match self {
            Origin::Lingkungan => Stage::RembukWarga,
            Origin::Kelurahan => Stage::MusrenbangKelurahan,
            Origin::Kecamatan => Stage::MusrenbangKecamatan,
            Origin::Pokir => Stage::Pokir,
        }
    }

    pub fn for_stage(stage: Stage) -> Option<Origin> {
        match stage {
            Stage::RembukWarga => Some(Origin::Lingkungan),
            Stage::MusrenbangKelurahan => Some(Origin::Kelurahan),
            Stage::MusrenbangKecamatan => Some(Origin::Kecamatan),
            _ => None,
        }
    }
}

/// The two funding tracks of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    Apbd,
    DanaKelurahan,
}

impl Track {
    pub const ALL: [Track; 2] = [Track::Apbd, Track::DanaKelurahan];

    pub fn as_str(self) -> &'static str {
        match self {
            Track::Apbd => "apbd",
            Track::DanaKelurahan => "dana_kelurahan",
        }
    }

    pub fn parse(s: &str) -> Option<Track> {
        match s.trim() {
            "apbd" => Some(Track::Apbd),
            "dana_kelurahan" => Some(Track::DanaKelurahan),
            _ => None,
        }
    }
}

/// A stage's verdict on a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for this stage's forum.
    Pending,
    Accepted,
    AcceptedWithChanges,
    Rejected,
    /// Accepted at a rembuk warga but ranked below its forward cap when it closed.
    NotForwarded,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Pending, Status::Accepted, Status::AcceptedWithChanges, Status::Rejected, Status::NotForwarded];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Accepted => "accepted",
            Status::AcceptedWithChanges => "accepted_with_changes",
            Status::Rejected => "rejected",
            Status::NotForwarded => "not_forwarded",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == s)
    }

    pub fn is_accepted(self) -> bool {
        matches!(self, Status::Accepted | Status::AcceptedWithChanges)
    }
}

/// A point on the map, in millionths of a degree (about 11 cm): exact, and comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Point {
    pub lat_e6: i32,
    pub lon_e6: i32,
}

/// Indonesia's bounding box, with a margin for its outer islands.
pub const LAT_RANGE: (f64, f64) = (-11.5, 6.5);
pub const LON_RANGE: (f64, f64) = (94.5, 141.5);

impl Point {
    /// A point from decimal degrees, if it lies inside Indonesia's bounding box.
    pub fn from_degrees(lat: f64, lon: f64) -> Option<Point> {
        let inside = (LAT_RANGE.0..=LAT_RANGE.1).contains(&lat) && (LON_RANGE.0..=LON_RANGE.1).contains(&lon);
        inside.then(|| Point { lat_e6: (lat * 1e6).round() as i32, lon_e6: (lon * 1e6).round() as i32 })
    }

    pub fn lat(self) -> f64 {
        f64::from(self.lat_e6) / 1e6
    }

    pub fn lon(self) -> f64 {
        f64::from(self.lon_e6) / 1e6
    }

    /// The box of latitudes and longitudes (millionths of a degree, both ends included) that
    /// holds every point within `metres` of this one: what a store searches by index before
    /// [`Point::distance_m`] judges each point found.
    pub fn box_around(self, metres: f64) -> ((i32, i32), (i32, i32)) {
        const METRES_PER_DEGREE: f64 = 6_371_000.0 * std::f64::consts::PI / 180.0;
        let dlat = metres / METRES_PER_DEGREE;
        // A degree of longitude is shortest at the box's edge farthest from the equator.
        let widest = (self.lat().abs() + dlat).min(89.0).to_radians().cos();
        let dlon = dlat / widest;
        let e6 = |degrees: f64| (degrees * 1e6).ceil() as i32 + 1;
        let (dlat, dlon) = (e6(dlat), e6(dlon));
        (
            (self.lat_e6.saturating_sub(dlat), self.lat_e6.saturating_add(dlat)),
            (self.lon_e6.saturating_sub(dlon), self.lon_e6.saturating_add(dlon)),
        )
    }

    /// Great-circle distance in metres.
    pub fn distance_m(self, other: Point) -> f64 {
        const EARTH_RADIUS_M: f64 = 6_371_000.0;
        let (lat1, lat2) = (self.lat().to_radians(), other.lat().to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon() - self.lon()).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    }
}

/// Where the work is to be done.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    pub lingkungan: RegionCode,
    /// Street or landmark, as people name it.
    pub address: String,
    pub point: Option<Point>,
}

pub use crate::money::{Milli, cost_of, format_volume, parse_volume};

/// The figures a stage agreed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub kamus_code: String,
    pub unit: String,
    pub unit_price: i64,
    pub volume: Milli,
    pub cost: i64,
    pub opd_code: String,
    pub location: Location,
}

impl Figures {
    /// A kamus item's figures at `volume`; an error when the cost passes its bound.
    pub fn from_kamus(
        item: &KamusItem,
        volume: Milli,
        location: Location,
    ) -> Result<Figures, crate::money::MoneyError> {
        Ok(Figures {
            kamus_code: item.code.clone(),
            unit: item.unit.clone(),
            unit_price: item.unit_price,
            volume,
            cost: cost_of(volume, item.unit_price)?,
            opd_code: item.opd_code.clone(),
            location,
        })
    }
}

/// One stage's record of one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    pub stage: Stage,
    pub status: Status,
    pub rank: Option<u32>,
    pub figures: Figures,
    pub reason: Option<String>,
    /// The journal name of who decided, and when (RFC 3339), once decided.
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

impl StageRecord {
    /// A proposal's record as it enters `stage`: no rank, no reason, not yet decided.
    pub fn entering(stage: Stage, status: Status, figures: Figures) -> Self {
        StageRecord { stage, status, rank: None, figures, reason: None, decided_by: None, decided_at: None }
    }
}

/// A proposal as the rules see it: what it is and each stage's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalFacts {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub origin: Origin,
    pub records: Vec<StageRecord>,
    /// The figures it was raised with (from the journal), for a decision at its entry stage.
    pub submitted: Option<Figures>,
}

impl ProposalFacts {
    pub fn record(&self, stage: Stage) -> Option<&StageRecord> {
        self.records.iter().find(|r| r.stage == stage)
    }

    /// The figures `stage` received: those it was raised with at its entry stage, otherwise
    /// those the stage below agreed and forwarded.
    pub fn received(&self, stage: Stage) -> Option<&Figures> {
        if stage == self.origin.entry_stage() {
            self.submitted.as_ref()
        } else if stage == Stage::ForumOpd && self.origin == Origin::Pokir {
            // A pokir goes from its member straight to the OPD it names.
            Some(&self.record(Stage::Pokir)?.figures)
        } else {
            Some(&self.record(stage.previous_forum()?)?.figures)
        }
    }

    /// The forum that holds the proposal at `stage`: its location's region at that level.
    pub fn forum_region(&self, stage: Stage) -> Option<RegionCode> {
        let record = self.record(stage)?;
        forum_region_of(&record.figures.location.lingkungan, stage)
    }
}

/// The region whose forum meets at `stage` over a place in `lingkungan`.
pub fn forum_region_of(lingkungan: &RegionCode, stage: Stage) -> Option<RegionCode> {
    let depth = stage.forum_depth()?;
    let mut code = lingkungan.clone();
    while code.depth() > depth {
        code = code.parent()?;
    }
    (code.depth() == depth).then_some(code)
}

/// Which forum: one per cycle, stage and region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForumKey {
    pub cycle_id: Uuid,
    pub stage: Stage,
    pub region: RegionCode,
}

/// One who attended a forum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    pub role: String,
}

/// The minutes of a forum (what the berita acara prints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// The day it met, `YYYY-MM-DD`.
    pub date: String,
    pub place: String,
    pub chair: String,
    pub attendees: Vec<Attendee>,
    pub delegates: Vec<String>,
}

/// A proposal as a forum sees it at its stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumEntry {
    pub proposal_id: Uuid,
    pub status: Status,
    pub rank: Option<u32>,
    /// Its figures at the forum's stage: what goes up if it is forwarded.
    pub figures: Figures,
}

/// A forum as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumFacts {
    pub key: ForumKey,
    pub closed: bool,
    pub meeting: Option<Meeting>,
    pub entries: Vec<ForumEntry>,
    /// The pagu indikatif kewilayahan, for a kecamatan forum.
    pub ceiling: Option<i64>,
    /// Whether the forum this one forwards to has closed.
    pub upper_closed: bool,
}

impl ForumFacts {
    /// What the forum has accepted, in rank order (unranked last).
    pub fn accepted(&self) -> Vec<&ForumEntry> {
        let mut accepted: Vec<&ForumEntry> = self.entries.iter().filter(|e| e.status.is_accepted()).collect();
        accepted.sort_by_key(|e| e.rank.unwrap_or(u32::MAX));
        accepted
    }

    /// The total cost of what the forum accepted; an error only if the stored costs could not
    /// have come through the rules.
    pub fn accepted_cost(&self) -> Result<i64, crate::money::MoneyError> {
        crate::money::sum(self.accepted().iter().map(|e| e.figures.cost))
    }
}

/// A photo kept with a proposal: stored by its content's SHA-256, so the journal's record of it
/// proves which bytes were attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub id: Uuid,
    pub sha256: String,
    pub content_type: String,
    pub size: u64,
}

/// The most a photo may weigh.
pub const PHOTO_MAX_BYTES: u64 = 5 * 1024 * 1024;
/// How many photos one proposal may carry.
pub const PHOTOS_PER_PROPOSAL: usize = 10;

/// The content types a photo may have (the store decodes each upload to know it).
pub fn photo_kind_of(content_type: &str) -> Option<&'static str> {
    ["image/jpeg", "image/png"].into_iter().find(|k| *k == content_type)
}

/// The red flags a forum is shown (never blocking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum RedFlag {
    /// The unit price the stage used differs from the kamus price now.
    PriceDeparts { stage_unit_price: i64, kamus_unit_price: i64 },
    /// Another proposal of the same kamus item in the same cycle lies within 100 m.
    NearDuplicate { other: Uuid, metres: u32 },
    /// Another proposal of the same kamus item is on the same street of the same kelurahan.
    SameStreet { other: Uuid },
    /// How many possible duplicates were found beyond the [`DUPLICATES_NAMED`] named: at least
    /// this many more, since the search for them is bounded.
    MoreDuplicates { count: usize },
    /// A pokir costing more than [`POKIR_COST_MULTIPLE`] times what the cycle's other proposals
    /// of its kamus item typically cost (their median).
    PokirCostOutOfLine { cost: i64, typical: i64 },
    /// More than half of a member's pokir (at least [`POKIR_PATTERN_MIN`]) in one kelurahan.
    PokirConcentrated { kelurahan: RegionCode, count: usize, of: usize },
    /// At least [`POKIR_PATTERN_MIN`] pokir of a member with the same kamus item and cost: the
    /// pattern of one contractor's work spread over many names.
    PokirIdentical { kamus_code: String, cost: i64, count: usize },
}

/// How many of a proposal's possible duplicates its flags name, the nearest first; the others
/// are counted in one flag. A street with hundreds of proposals of one kamus item (a careless or
/// a hostile operator's) would otherwise make each of them list hundreds of lines, on every card
/// of a forum page.
pub const DUPLICATES_NAMED: usize = 5;

/// How many times the typical cost a pokir may reach before it is flagged.
pub const POKIR_COST_MULTIPLE: i64 = 3;
/// How many pokir make a pattern.
pub const POKIR_PATTERN_MIN: usize = 3;
/// How many other proposals of a kamus item make a typical cost.
pub const TYPICAL_COST_SAMPLES: usize = 5;

/// A pokir of a member, as the pattern flags read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PokirPattern {
    pub kamus_code: String,
    pub cost: i64,
    pub kelurahan: Option<RegionCode>,
}

/// The flags of a member's pokir taken together: concentrated in one kelurahan, or identical.
pub fn pokir_pattern_flags(pokir: &[PokirPattern]) -> Vec<RedFlag> {
    let mut flags = Vec::new();
    let of = pokir.len();
    if of < POKIR_PATTERN_MIN {
        return flags;
    }
    let mut by_kelurahan: std::collections::BTreeMap<&RegionCode, usize> = Default::default();
    let mut identical: std::collections::BTreeMap<(&str, i64), usize> = Default::default();
    for p in pokir {
        if let Some(k) = &p.kelurahan {
            *by_kelurahan.entry(k).or_default() += 1;
        }
        *identical.entry((p.kamus_code.as_str(), p.cost)).or_default() += 1;
    }
    for (kelurahan, count) in by_kelurahan {
        if count >= POKIR_PATTERN_MIN && count * 2 > of {
            flags.push(RedFlag::PokirConcentrated { kelurahan: kelurahan.clone(), count, of });
        }
    }
    for ((kamus_code, cost), count) in identical {
        if count >= POKIR_PATTERN_MIN {
            flags.push(RedFlag::PokirIdentical { kamus_code: kamus_code.to_string(), cost, count });
        }
    }
    flags
}

/// The cost flag of a pokir against the costs of the cycle's other proposals of its kamus item:
/// none until there are [`TYPICAL_COST_SAMPLES`] of them to judge by.
pub fn pokir_cost_flag(cost: i64, others: &[i64]) -> Option<RedFlag> {
    if others.len() < TYPICAL_COST_SAMPLES {
        return None;
    }
    let mut sorted = others.to_vec();
    sorted.sort_unstable();
    let typical = sorted[sorted.len() / 2];
    // In i128: a cost near the bound times three does not fit an i64.
    (i128::from(cost) > i128::from(typical) * i128::from(POKIR_COST_MULTIPLE))
        .then_some(RedFlag::PokirCostOutOfLine { cost, typical })
}

/// How near two proposals of one kamus item must be to look like one need asked twice.
pub const DUPLICATE_RADIUS_M: f64 = 100.0;

/// A street name reduced to what tells streets apart: lower case, without "jalan"/"jl." and
/// punctuation, so "Jl. Sei Batang Hari" and "jalan sei batanghari" match.
pub fn street_key(address: &str) -> String {
    let lowered = address.to_lowercase();
    let words: Vec<&str> = lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter(|w| !matches!(*w, "jalan" | "jl" | "jln" | "gang" | "gg" | "no" | "nomor"))
        .collect();
    words.concat()
}

/// A proposal among others, for the duplicate check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagCandidate {
    pub id: Uuid,
    pub kamus_code: String,
    pub kelurahan: Option<RegionCode>,
    pub street: String,
    pub point: Option<Point>,
}

impl FlagCandidate {
    pub fn of(id: Uuid, figures: &Figures) -> FlagCandidate {
        FlagCandidate {
            id,
            kamus_code: figures.kamus_code.clone(),
            kelurahan: forum_region_of(&figures.location.lingkungan, Stage::MusrenbangKelurahan),
            street: street_key(&figures.location.address),
            point: figures.location.point,
        }
    }
}

/// The flags of `subject` among `others` (same cycle), given the kamus prices now.
pub fn red_flags(
    subject: &FlagCandidate,
    figures: &Figures,
    others: &[FlagCandidate],
    kamus: &HashMap<String, i64>,
) -> Vec<RedFlag> {
    let mut flags = Vec::new();
    if let Some(&price) = kamus.get(&figures.kamus_code)
        && price != figures.unit_price
    {
        flags.push(RedFlag::PriceDeparts { stage_unit_price: figures.unit_price, kamus_unit_price: price });
    }
    let mut seen = HashSet::new();
    let (mut near, mut same_street) = (Vec::new(), Vec::new());
    for other in others.iter().filter(|o| o.id != subject.id && o.kamus_code == subject.kamus_code) {
        if let (Some(a), Some(b)) = (subject.point, other.point) {
            let metres = a.distance_m(b);
            if metres <= DUPLICATE_RADIUS_M && seen.insert(other.id) {
                near.push((metres.round() as u32, other.id));
                continue;
            }
        }
        let on_its_street =
            !subject.street.is_empty() && subject.street == other.street && subject.kelurahan == other.kelurahan;
        if on_its_street && seen.insert(other.id) {
            same_street.push(other.id);
        }
    }
    near.sort_unstable();
    same_street.sort_unstable();
    let found = near.len() + same_street.len();
    let duplicates = near
        .into_iter()
        .map(|(metres, other)| RedFlag::NearDuplicate { other, metres })
        .chain(same_street.into_iter().map(|other| RedFlag::SameStreet { other }));
    flags.extend(duplicates.take(DUPLICATES_NAMED));
    if found > DUPLICATES_NAMED {
        flags.push(RedFlag::MoreDuplicates { count: found - DUPLICATES_NAMED });
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_must_lie_in_indonesia() {
        assert!(Point::from_degrees(3.5952, 98.6722).is_some(), "Medan");
        assert!(Point::from_degrees(-8.65, 115.22).is_some(), "Denpasar");
        assert!(Point::from_degrees(51.5, -0.12).is_none(), "London");
        assert!(Point::from_degrees(3.59, 198.67).is_none());
    }

    proptest::proptest! {
        #[test]
        fn the_box_around_a_point_holds_every_point_within_the_radius(
            lat in -11_500_000i32..6_500_000, lon in 94_500_000i32..141_500_000,
            dlat in -2_000i32..2_000, dlon in -2_000i32..2_000,
        ) {
            let centre = Point { lat_e6: lat, lon_e6: lon };
            let other = Point { lat_e6: lat + dlat, lon_e6: lon + dlon };
            let ((south, north), (west, east)) = centre.box_around(DUPLICATE_RADIUS_M);
            if centre.distance_m(other) <= DUPLICATE_RADIUS_M {
                proptest::prop_assert!((south..=north).contains(&other.lat_e6), "{centre:?} {other:?}");
                proptest::prop_assert!((west..=east).contains(&other.lon_e6), "{centre:?} {other:?}");
            }
        }
    }

    #[test]
    fn pokir_patterns_and_costs_are_flagged() {
        let kel = |c: &str| Some(RegionCode::parse(c).unwrap());
        let p = |kamus: &str, cost: i64, k: &str| PokirPattern { kamus_code: kamus.into(), cost, kelurahan: kel(k) };
        assert_eq!(pokir_pattern_flags(&[p("A", 1, "12.71.01.1001"), p("A", 1, "12.71.01.1001")]), []);
        let flags = pokir_pattern_flags(&[
            p("A", 5, "12.71.01.1001"),
            p("A", 5, "12.71.01.1001"),
            p("A", 5, "12.71.01.1001"),
            p("B", 9, "12.71.02.1001"),
        ]);
        assert_eq!(
            flags,
            [
                RedFlag::PokirConcentrated { kelurahan: RegionCode::parse("12.71.01.1001").unwrap(), count: 3, of: 4 },
                RedFlag::PokirIdentical { kamus_code: "A".into(), cost: 5, count: 3 },
            ]
        );
        assert_eq!(pokir_cost_flag(400, &[100, 90, 110, 100]), None, "too few to judge by");
        assert_eq!(pokir_cost_flag(300, &[100, 90, 110, 100, 95]), None);
        assert_eq!(
            pokir_cost_flag(301, &[100, 90, 110, 100, 95]),
            Some(RedFlag::PokirCostOutOfLine { cost: 301, typical: 100 })
        );
        assert!(pokir_cost_flag(i64::MAX, &[i64::MAX / 2; 5]).is_none(), "no overflow near the bound");
    }

    #[test]
    fn distances_in_metres() {
        let a = Point::from_degrees(3.5952, 98.6722).unwrap();
        let b = Point::from_degrees(3.5960, 98.6722).unwrap();
        let d = a.distance_m(b);
        assert!((85.0..95.0).contains(&d), "{d}");
    }

    #[test]
    fn forums_follow_the_location() {
        let l = RegionCode::parse("12.71.01.1001.003").unwrap();
        assert_eq!(forum_region_of(&l, Stage::RembukWarga), Some(l.clone()));
        assert_eq!(forum_region_of(&l, Stage::MusrenbangKelurahan).unwrap().as_str(), "12.71.01.1001");
        assert_eq!(forum_region_of(&l, Stage::MusrenbangKecamatan).unwrap().as_str(), "12.71.01");
        assert_eq!(forum_region_of(&l, Stage::Pokir), None);
    }

    /// A proposal's figures in one lingkungan of Medan, as the duplicate checks compare them.
    fn figures(address: &str, point: Option<Point>, kamus: &str) -> Figures {
        Figures {
            kamus_code: kamus.into(),
            unit: "meter".into(),
            unit_price: 100,
            volume: 1000,
            cost: 100,
            opd_code: "1.03".into(),
            location: Location {
                lingkungan: RegionCode::parse("12.71.01.1001.001").unwrap(),
                address: address.into(),
                point,
            },
        }
    }

    #[test]
    fn duplicates_are_near_or_on_the_same_street() {
        assert_eq!(street_key("Jl. Sei Batang Hari No. 5"), "seibatanghari5");
        assert_eq!(street_key("jalan Sei  Batang-Hari no 5"), "seibatanghari5");
        let here = Point::from_degrees(3.5952, 98.6722);
        let near = Point::from_degrees(3.5955, 98.6722);
        let far = Point::from_degrees(3.6100, 98.6722);
        let subject = figures("Jl. Merdeka", here, "JLN");
        let ids: Vec<Uuid> = (1..=4).map(Uuid::from_u128).collect();
        let others = vec![
            FlagCandidate::of(ids[1], &figures("Jl. Lain", near, "JLN")),
            FlagCandidate::of(ids[2], &figures("Jalan Merdeka", far, "JLN")),
            FlagCandidate::of(ids[3], &figures("Jl. Merdeka", near, "DRAINASE")),
        ];
        let kamus = HashMap::from([("JLN".to_string(), 120)]);
        let flags = red_flags(&FlagCandidate::of(ids[0], &subject), &subject, &others, &kamus);
        assert_eq!(flags.len(), 3, "{flags:?}");
        assert!(matches!(flags[0], RedFlag::PriceDeparts { stage_unit_price: 100, kamus_unit_price: 120 }));
        assert!(matches!(flags[1], RedFlag::NearDuplicate { other, metres } if other == ids[1] && metres < 40));
        assert_eq!(flags[2], RedFlag::SameStreet { other: ids[2] });
    }

    #[test]
    fn a_crowd_of_duplicates_is_named_nearest_first_and_the_rest_counted() {
        let figures = |address: &str, point: Option<Point>| figures(address, point, "JLN");
        let subject = figures("Jl. Merdeka", Point::from_degrees(3.5952, 98.6722));
        // Ten on the same street without a point, listed first, and two near by, the nearer last.
        let mut others: Vec<FlagCandidate> =
            (10..20).map(|n| FlagCandidate::of(Uuid::from_u128(n), &figures("Jl. Merdeka", None))).collect();
        others.push(FlagCandidate::of(Uuid::from_u128(2), &figures("Jl. Lain", Point::from_degrees(3.5957, 98.6722))));
        others.push(FlagCandidate::of(Uuid::from_u128(3), &figures("Jl. Lain", Point::from_degrees(3.5953, 98.6722))));
        let flags = red_flags(&FlagCandidate::of(Uuid::from_u128(1), &subject), &subject, &others, &HashMap::new());
        assert_eq!(flags.len(), DUPLICATES_NAMED + 1, "{flags:?}");
        assert!(matches!(flags[0], RedFlag::NearDuplicate { other, .. } if other == Uuid::from_u128(3)));
        assert!(matches!(flags[1], RedFlag::NearDuplicate { other, .. } if other == Uuid::from_u128(2)));
        assert_eq!(flags[2], RedFlag::SameStreet { other: Uuid::from_u128(10) });
        assert_eq!(flags[DUPLICATES_NAMED], RedFlag::MoreDuplicates { count: 12 - DUPLICATES_NAMED });
        // At the bound, nothing is counted.
        let flags =
            red_flags(&FlagCandidate::of(Uuid::from_u128(1), &subject), &subject, &others[..5], &HashMap::new());
        assert!(!flags.iter().any(|f| matches!(f, RedFlag::MoreDuplicates { .. })), "{flags:?}");
    }
}
