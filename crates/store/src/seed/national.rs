//! The national size for benchmarks: Kota Medan's demo, then every other kabupaten/kota of the
//! official list with its lingkungan (dusun in a desa), its accounts, its perangkat daerah and a
//! planning cycle in the weeks of the musrenbang kelurahan/desa: every rembuk warga has raised,
//! ranked, minuted and closed, and about a quarter of the villages have decided, ranked and
//! closed their musrenbang; the rest have not met yet. Everything goes through the same
//! commands and rules as the demo, a pemda at a time.

use super::*;

/// The stage windows of a national cycle, in days from `now`: the musrenbang kelurahan/desa
/// open now.
const WINDOWS: [(Stage, i64, i64); 8] = [
    (Stage::RembukWarga, -70, -30),
    (Stage::MusrenbangKelurahan, -25, 60),
    (Stage::MusrenbangKecamatan, 65, 90),
    (Stage::Pokir, -40, 90),
    (Stage::ForumOpd, 95, 110),
    (Stage::MusrenbangRkpd, 110, 120),
    (Stage::RancanganAkhir, 120, 150),
    (Stage::Penetapan, 150, 180),
];

/// When the forums of a national cycle meet, in days before `now`: every rembuk warga within
/// the window, the villages spread over the weeks before and after today (those not positive
/// have not met yet: about a quarter have).
const REMBUK_DAYS_AGO: (i64, i64) = (31, 69);
const VILLAGE_DAYS_AGO: (i64, i64) = (-60, 19);

/// Why a village other than Medan's turns a proposal down: the demo's own reasons name the city.
const VILLAGE_REJECTIONS: [&str; 5] = [
    "Lokasi berada di jalan provinsi, bukan kewenangan pemerintah kabupaten/kota",
    "Sudah direalisasikan pada tahun anggaran 2026",
    "Lahan belum berstatus milik pemerintah daerah",
    "Lebih tepat dibiayai dari dana kelurahan atau dana desa",
    "Duplikasi dengan usulan lain di lokasi yang sama",
];

/// How far a national seed got: `done` of `total` pemda, the last one named, and the proposals
/// written so far.
#[derive(Debug, Clone)]
pub struct NationalProgress {
    pub done: usize,
    pub total: usize,
    pub pemda: String,
    pub proposals: u64,
}

/// What a national seed wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalSeeded {
    pub pemda: usize,
    pub proposals: u64,
}

/// Seeds Kota Medan's demo and then the first `pemda - 1` other kabupaten/kota of the official
/// list in code order (all of them when `pemda` is `None`), about `proposals` in all, as of
/// `now`. Each pemda other than Medan gets two accounts, `bappeda.<code>` (its Bappeda
/// administrator) and `kec.<code of its first kecamatan>` (that kecamatan's operator), both
/// with the demo password; the digits of the code without its dots. Needs a database without
/// the demo (it refuses one with it, as [`seed_demo_scaled`] does when cut short).
pub async fn seed_national(
    store: &Store,
    now: OffsetDateTime,
    pemda: Option<usize>,
    proposals: usize,
    progress: &mut dyn FnMut(NationalProgress),
) -> Result<NationalSeeded, AddPemdaError> {
    let medan = code(DEMO_PEMDA);
    let mut chosen: Vec<RegionCode> = std::iter::once(medan.clone())
        .chain(official::all_pemda().map(|(code, _)| code.clone()).filter(|code| code != &medan))
        .collect();
    chosen.truncate(pemda.unwrap_or(usize::MAX).max(1));
    let per_mille = per_mille_for(&chosen, proposals);
    let total = chosen.len();
    progress(NationalProgress { done: 0, total, pemda: String::new(), proposals: 0 });
    let scale = ((per_mille + 500) / 1000).max(1);
    if !seed_demo_rows(store, now, scale, &mut |_| {}).await? {
        return Err(AddPemdaError::AlreadySeeded);
    }
    let mut written = store.proposal_count(&crate::ProposalFilter { pemda: Some(medan), ..Default::default() }).await?;
    progress(NationalProgress { done: 1, total, pemda: "Kota Medan".into(), proposals: written });
    let password_hash = passwords::hash(DEMO_PASSWORD).await?;
    let shape = Shape {
        per_mille,
        rembuk_days_ago: REMBUK_DAYS_AGO,
        village_days_ago: VILLAGE_DAYS_AGO,
        rejections: &VILLAGE_REJECTIONS,
    };
    for (done, pemda) in chosen.iter().enumerate().skip(1) {
        let official = official::pemda(pemda).ok_or_else(|| AddPemdaError::Unknown(pemda.to_string()))?;
        written += seed_one(store, &official, &shape, &password_hash, now).await?;
        progress(NationalProgress { done: done + 1, total, pemda: official.name.clone(), proposals: written });
    }
    store.refresh_statistics().await?;
    Ok(NationalSeeded { pemda: total, proposals: written })
}

/// The most a rembuk warga raises in a national seed, in thousandths of the demo's rate: 100
/// times it, about 300 proposals each, some 120 million over the country. A pemda's plan is
/// drawn in memory before it is written, so `--proposals` cannot ask for more.
const PER_MILLE_MAX: usize = 100_000;

/// Proposals per rembuk warga, in thousandths of the demo's, that raise about `proposals` in
/// the villages of `chosen` (each village adds about half a proposal of its own).
fn per_mille_for(chosen: &[RegionCode], proposals: usize) -> usize {
    let prefixes: std::collections::HashSet<&str> = chosen.iter().map(RegionCode::as_str).collect();
    let villages: Vec<Region> = official::all_villages()
        .into_iter()
        .filter(|v| v.code.as_str().get(..5).is_some_and(|p| prefixes.contains(p)))
        .collect();
    let lingkungan: usize = villages.iter().map(demo_lingkungan_count).sum();
    let raised = proposals.saturating_sub(villages.len() / 2);
    // Three proposals per rembuk warga at the demo's rate (2 to 4).
    (raised.saturating_mul(1000) / (3 * lingkungan.max(1))).clamp(1, PER_MILLE_MAX)
}

/// One pemda other than Medan, whole: its regions, lingkungan, accounts and master data a year
/// and a half before `now`, its cycle's preparation, and the forums of its plan. Returns how
/// many proposals it raised.
async fn seed_one(
    store: &Store,
    official: &official::OfficialPemda,
    shape: &Shape,
    password_hash: &str,
    now: OffsetDateTime,
) -> Result<u64, AddPemdaError> {
    let system = Actor::System { label: "demo".into() };
    let founded = now - Duration::days(FOUNDATION_DAYS);
    let pemda = store.add_official_pemda(official.code.as_str(), &system, founded).await?;
    let digits = |code: &RegionCode| code.as_str().replace('.', "");
    let mut foundation = vec![Command::Regions(RegionCommand::AddLingkunganBatch(demo_lingkungan(official)))];
    let first_kecamatan = official.regions.iter().find(|r| r.level == RegionLevel::Kecamatan);
    let accounts = std::iter::once((format!("bappeda.{}", digits(&pemda)), "Admin Bappeda", "bappeda_admin", None))
        .chain(
            first_kecamatan
                .map(|k| (format!("kec.{}", digits(&k.code)), "Operator Kecamatan", "operator_kecamatan", Some(k))),
        );
    for (username, title, role, scope) in accounts {
        let place = scope.map_or(official.name.as_str(), |k| k.name.as_str());
        let scope = scope.map(|k| k.code.to_string()).unwrap_or_default();
        foundation.push(demo_account(&pemda, username, format!("{title} {place}"), password_hash, role, scope));
    }
    foundation.extend(pemda_master_data(&pemda));
    store.execute_batch(&system, &foundation, founded).await?;

    let plan = DemoPlan::draw(official, Uuid::now_v7(), shape, "");
    let tahun_anggaran = DEMO_TAHUN_ANGGARAN;
    let preparation = cycle_preparation(&plan, &pemda, tahun_anggaran, &WINDOWS, &plan.ceilings_over(None), now);
    store.execute_batch(&system, &preparation, now - Duration::days(PREPARATION_DAYS)).await?;
    seed_lower_forums(store, &plan, now, &mut |_| {}).await?;
    let raised: usize = plan
        .kelurahan
        .iter()
        .map(|k| {
            k.lingkungan.iter().map(|l| l.proposals.len()).sum::<usize>() + if k.has_met() { k.own.len() } else { 0 }
        })
        .sum();
    Ok(raised as u64)
}

#[cfg(test)]
mod tests {
    use domain::{Role, Scope};

    use super::*;

    #[test]
    fn the_rate_drawn_raises_about_the_proposals_asked() {
        let all: Vec<RegionCode> = official::all_pemda().map(|(code, _)| code.clone()).collect();
        let per_mille = per_mille_for(&all, 5_000_000);
        let villages = official::all_villages();
        let lingkungan: usize = villages.iter().map(demo_lingkungan_count).sum();
        let expected = lingkungan * 3 * per_mille / 1000 + villages.len() / 2;
        assert!((4_900_000..=5_100_000).contains(&expected), "{per_mille} per mille gives {expected}");
        assert!(per_mille > 1000, "the national size raises more than the demo's rate: {per_mille}");
        assert_eq!(per_mille_for(&all, usize::MAX), PER_MILLE_MAX, "an absurd size is bounded");
        assert_eq!(per_mille_for(&all, 0), 1, "every rembuk warga raises something");
    }

    /// Kota Batu (35.79) has desa and kelurahan both.
    #[tokio::test]
    async fn a_pemda_of_the_national_size_is_seeded_through_the_rules() {
        let db = crate::testing::database().await.unwrap();
        let now = OffsetDateTime::now_utc();
        let batu = code("35.79");
        let official = official::pemda(&batu).unwrap();
        let shape = Shape {
            per_mille: 1000,
            rembuk_days_ago: REMBUK_DAYS_AGO,
            village_days_ago: VILLAGE_DAYS_AGO,
            rejections: &VILLAGE_REJECTIONS,
        };
        let raised = seed_one(&db.store, &official, &shape, "not a real hash", now).await.unwrap();

        let filter = crate::ProposalFilter { pemda: Some(batu.clone()), ..Default::default() };
        assert_eq!(db.store.proposal_count(&filter).await.unwrap(), raised);
        assert!(raised > 50, "{raised}");
        let report = db.store.verify_chain(&batu).await.unwrap();
        assert!(report.valid && report.events > raised as i64, "{report:?}");

        let (bappeda, _) = db.store.credentials("bappeda.3579").await.unwrap().expect("its Bappeda account");
        assert_eq!((bappeda.pemda.clone(), bappeda.grants[0].role), (batu.clone(), Role::BappedaAdmin));
        let kecamatan = official.regions.iter().find(|r| r.level == RegionLevel::Kecamatan).unwrap();
        let username = format!("kec.{}", kecamatan.code.as_str().replace('.', ""));
        let (operator, _) = db.store.credentials(&username).await.unwrap().expect("its kecamatan operator");
        assert_eq!(operator.grants[0].scope, Scope::Region(kecamatan.code.clone()));

        // A desa has dusun, a kelurahan lingkungan.
        let desa = official.regions.iter().find(|r| r.level == RegionLevel::Desa).unwrap();
        let kelurahan = official.regions.iter().find(|r| r.level == RegionLevel::Kelurahan).unwrap();
        assert_eq!(db.store.children(&desa.code, None).await.unwrap()[0].name, "Dusun I");
        assert_eq!(db.store.children(&kelurahan.code, None).await.unwrap()[0].name, "Lingkungan I");

        // Some villages have met and closed their musrenbang; the others have theirs to come.
        let cycle = db.store.cycles(&batu).await.unwrap().remove(0);
        let mut met = 0;
        for village in official.regions.iter().filter(|r| r.level.is_village()) {
            let key = ForumKey { cycle_id: cycle.id, stage: Stage::MusrenbangKelurahan, region: village.code.clone() };
            met += usize::from(db.store.forum_page(&key, 0, 0).await.unwrap().facts.meeting.is_some());
        }
        assert!(met > 0 && met < 24, "{met} of 24 villages met");

        // A second pemda on the server: each list narrowed by a pemda keeps to its own, whether
        // the pemda is the only narrowing (its index) or beside another (compared unindexed).
        let seribu = code("31.01");
        let seribu_raised =
            seed_one(&db.store, &official::pemda(&seribu).unwrap(), &shape, "not a real hash", now).await.unwrap();
        let seribu_cycle = db.store.cycles(&seribu).await.unwrap().remove(0);
        let count = |filter: crate::ProposalFilter| {
            let store = db.store.clone();
            async move { store.proposal_count(&filter).await.unwrap() }
        };
        let of = |pemda: &RegionCode| crate::ProposalFilter { pemda: Some(pemda.clone()), ..Default::default() };
        assert_eq!(count(of(&batu)).await, raised);
        assert_eq!(count(of(&seribu)).await, seribu_raised);
        let by_region = crate::ProposalFilter { region: Some(seribu.clone()), ..Default::default() };
        assert_eq!(count(by_region).await, seribu_raised);
        assert_eq!(count(crate::ProposalFilter { cycle: Some(cycle.id), ..of(&batu) }).await, raised);
        assert_eq!(count(crate::ProposalFilter { cycle: Some(seribu_cycle.id), ..of(&batu) }).await, 0);
        let waiting =
            |pemda: &RegionCode| crate::ProposalFilter { stage: Some(Stage::MusrenbangKelurahan), ..of(pemda) };
        let in_both = count(crate::ProposalFilter { stage: Some(Stage::MusrenbangKelurahan), ..Default::default() });
        assert_eq!(count(waiting(&batu)).await + count(waiting(&seribu)).await, in_both.await);
        let page = db.store.proposals(&of(&seribu), None, 1_000).await.unwrap();
        assert!(page.iter().all(|p| p.lingkungan.as_str().starts_with("31.01.")) && page.len() as u64 == seribu_raised);
    }
}
