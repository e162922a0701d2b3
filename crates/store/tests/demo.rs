//! The demo at Medan's scale: the 2027 cycle with about 6,000 proposals, every rembuk warga and
//! musrenbang kelurahan closed, the musrenbang kecamatan open with proposals waiting.

use std::time::Instant;

use domain::cycle::Stage;
use domain::error::CloseProblem;
use domain::musrenbang::DecisionInput;
use domain::planning::{FlagCandidate, ForumFacts, ForumKey, RedFlag, Status, red_flags};
use domain::{Actor, Command, DomainError, MusrenbangCommand, RegionCode, RegionLevel};
use store::seed::{
    ADOPTED_TAHUN_ANGGARAN, AddPemdaError, DEMO_TAHUN_ANGGARAN, KECAMATAN_DECIDED, KECAMATAN_HALF_DECIDED,
};
use store::testing::database;
use store::{ProposalFilter, StoreError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

#[tokio::test]
async fn the_demo_holds_a_cycle_at_the_musrenbang_kecamatan() {
    let db = database().await.unwrap();
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let started = Instant::now();
    assert!(store::seed::seed_demo(store, now).await.unwrap());
    eprintln!("seed_demo on {}: {:.1?}", store.backend().name(), started.elapsed());
    assert!(!store::seed::seed_demo(store, now).await.unwrap(), "a second run changes nothing");

    let pemda = code("12.71");
    let cycle = store.cycles(&pemda).await.unwrap().into_iter().find(|c| c.tahun_anggaran == DEMO_TAHUN_ANGGARAN);
    let cycle = cycle.expect("the demo cycle");
    assert_eq!(cycle.open_stages(now), vec![Stage::MusrenbangKecamatan, Stage::Pokir]);
    assert_eq!(store.opds(&pemda).await.unwrap().len(), store::seed::DEMO_OPD.len());
    assert!((25..=40).contains(&store.kamus(&pemda, DEMO_TAHUN_ANGGARAN).await.unwrap().len()));
    // Medan's DPRD: 50 members in 5 dapil that share out its kecamatan.
    let dapil = store.dapil_list(&pemda).await.unwrap();
    assert_eq!(dapil.len(), store::seed::DEMO_DAPIL);
    let kecamatan = store.children(&pemda, None).await.unwrap();
    for k in &kecamatan {
        assert_eq!(dapil.iter().filter(|d| d.holds(&k.code)).count(), 1, "{} in one dapil", k.code);
    }
    let members = store.members(&pemda).await.unwrap();
    assert_eq!(members.len(), store::seed::DEMO_MEMBERS);
    assert!(members.iter().all(|m| dapil.iter().any(|d| d.code == m.dapil) && !m.name.is_empty()));
    let demo = members.iter().find(|m| m.username == "dprd.demo").expect("the demo member");
    assert_eq!(demo.assistants, ["setwan.demo"]);
    // Every member held a reses in their dapil and entered two pokir answering it.
    for member in &members {
        let reses = store.reses_of(cycle.id, member.user_id).await.unwrap();
        assert_eq!(reses.len(), 1, "{}", member.username);
        let area = dapil.iter().find(|d| d.code == member.dapil).unwrap();
        assert!(area.holds(&reses[0].kelurahan));
        let pokir = store.pokir_of_member(cycle.id, member.user_id).await.unwrap();
        assert_eq!(pokir.len(), 2, "{}", member.username);
        assert!(pokir.iter().all(|p| p.origin == domain::planning::Origin::Pokir && area.holds(&p.lingkungan)));
    }
    let priorities = store.priorities(&pemda).await.unwrap();
    assert_eq!(priorities.len(), store::seed::DEMO_PRIORITIES.len());
    assert!(priorities.iter().all(|p| !p.sasaran.is_empty()));
    // The nomenclature is there, and every kamus item is funded by one of its sub kegiatan.
    assert!(store.nomenclature_count(&pemda, DEMO_TAHUN_ANGGARAN).await.unwrap() >= 100);
    let urusan = store.nomenclature_children(&pemda, DEMO_TAHUN_ANGGARAN, None).await.unwrap();
    assert_eq!(urusan.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), ["1", "2"]);
    for item in store.kamus(&pemda, DEMO_TAHUN_ANGGARAN).await.unwrap() {
        let sub_kegiatan = item.sub_kegiatan.unwrap_or_else(|| panic!("{} has no sub kegiatan", item.code));
        let path = store.nomenclature_path(&pemda, DEMO_TAHUN_ANGGARAN, &sub_kegiatan).await.unwrap();
        assert_eq!(path.len(), 5, "{}: {sub_kegiatan} and the four levels above it", item.code);
        assert_eq!(path[4].level(), Some(domain::nomenclature::NomenclatureLevel::SubKegiatan));
        assert!(!path[4].indicator.is_empty() && !path[4].unit.is_empty());
    }

    // Every proposal of the cycle, a page at a time.
    let mut proposals = Vec::new();
    let mut after = None;
    loop {
        let filter = ProposalFilter { cycle: Some(cycle.id), ..ProposalFilter::default() };
        let page = store.proposals(&filter, after, 500).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        proposals.extend(page);
    }
    // Counted whole, and counted up to a bound: exact within it, "more" beyond it.
    let whole = ProposalFilter { cycle: Some(cycle.id), ..ProposalFilter::default() };
    let total = proposals.len() as u64;
    assert_eq!(store.proposal_count(&whole).await.unwrap(), total);
    assert_eq!(store.proposal_count_up_to(&whole, total).await.unwrap(), Some(total));
    assert_eq!(store.proposal_count_up_to(&whole, total + 1).await.unwrap(), Some(total));
    assert_eq!(store.proposal_count_up_to(&whole, total - 1).await.unwrap(), None);
    assert_eq!(store.proposal_count_up_to(&whole, 10).await.unwrap(), None);
    // A cycle is of one pemda: naming the pemda (or a region holding it) beside the cycle keeps
    // every proposal, naming another keeps none; so does a cycle that does not exist.
    let beside = |pemda: Option<&str>, region: Option<&str>| ProposalFilter {
        cycle: Some(cycle.id),
        pemda: pemda.map(code),
        region: region.map(code),
        ..ProposalFilter::default()
    };
    let first_page: Vec<_> = proposals.iter().take(50).map(|p| p.id).collect();
    for same in [
        beside(Some("12.71"), None),
        beside(None, Some("12.71")),
        beside(None, Some("12")),
        beside(Some("12.71"), Some("12")),
    ] {
        assert_eq!(store.proposal_count(&same).await.unwrap(), total, "{same:?}");
        assert_eq!(store.proposal_count_up_to(&same, 10).await.unwrap(), None, "{same:?}");
        let page: Vec<_> = store.proposals(&same, None, 50).await.unwrap().into_iter().map(|p| p.id).collect();
        assert_eq!(page, first_page, "{same:?}");
    }
    for none in [
        beside(Some("12.72"), None),
        beside(None, Some("12.72")),
        beside(None, Some("13")),
        beside(None, Some("12.72.01")),
        beside(Some("12.71"), Some("12.72")),
        ProposalFilter { cycle: Some(uuid::Uuid::from_u128(0x5eed)), ..ProposalFilter::default() },
    ] {
        assert_eq!(store.proposal_count(&none).await.unwrap(), 0, "{none:?}");
        assert_eq!(store.proposal_count_up_to(&none, 10).await.unwrap(), Some(0), "{none:?}");
        assert!(store.proposals(&none, None, 50).await.unwrap().is_empty(), "{none:?}");
        assert!(store.proposal_points(&none, 50).await.unwrap().is_empty(), "{none:?}");
    }
    let kecamatan_of_medan = store.children(&pemda, None).await.unwrap()[0].code.clone();
    let in_kecamatan = ProposalFilter { region: Some(kecamatan_of_medan.clone()), ..beside(Some("12.71"), None) };
    let in_kecamatan_alone = ProposalFilter { region: Some(kecamatan_of_medan), ..whole.clone() };
    assert_eq!(
        store.proposal_count(&in_kecamatan).await.unwrap(),
        store.proposal_count(&in_kecamatan_alone).await.unwrap()
    );
    let count = |f: &dyn Fn(&store::ProposalSummary) -> bool| proposals.iter().filter(|p| f(p)).count();
    eprintln!(
        "proposals: {} (of kelurahan {}); at kelurahan, rejected {}; at kecamatan, pending {}, accepted {}, with changes {}, rejected {}",
        proposals.len(),
        count(&|p| p.origin == domain::planning::Origin::Kelurahan),
        count(&|p| p.stage == Stage::MusrenbangKelurahan),
        count(&|p| p.stage == Stage::MusrenbangKecamatan && p.status == Status::Pending),
        count(&|p| p.stage == Stage::MusrenbangKecamatan && p.status == Status::Accepted),
        count(&|p| p.stage == Stage::MusrenbangKecamatan && p.status == Status::AcceptedWithChanges),
        count(&|p| p.stage == Stage::MusrenbangKecamatan && p.status == Status::Rejected),
    );
    assert!((5_500..=6_500).contains(&proposals.len()), "{}", proposals.len());
    assert_eq!(count(&|p| p.stage == Stage::RembukWarga), 0, "every rembuk warga closed and forwarded");
    assert!(count(&|p| p.origin == domain::planning::Origin::Kelurahan) > 0);
    let rejected_at_kelurahan = count(&|p| p.stage == Stage::MusrenbangKelurahan);
    assert!(rejected_at_kelurahan > proposals.len() / 10, "{rejected_at_kelurahan}");
    assert!(
        proposals.iter().filter(|p| p.stage == Stage::MusrenbangKelurahan).all(|p| p.status == Status::Rejected),
        "what stayed at the kelurahan was rejected there"
    );

    // Every musrenbang kelurahan closed with its minutes; every kecamatan open.
    let regions: Vec<RegionCode> = {
        let mut all = Vec::new();
        for kecamatan in store.children(&pemda, None).await.unwrap() {
            all.push(kecamatan.code.clone());
            all.extend(store.children(&kecamatan.code, None).await.unwrap().into_iter().map(|r| r.code));
        }
        all
    };
    let kelurahan: Vec<&RegionCode> = regions.iter().filter(|c| c.level() == RegionLevel::Kelurahan).collect();
    assert_eq!(kelurahan.len(), 151);
    for region in kelurahan {
        let key = ForumKey { cycle_id: cycle.id, stage: Stage::MusrenbangKelurahan, region: region.clone() };
        let forum = store.forum(&key).await.unwrap();
        assert!(forum.facts.closed, "{region}");
        assert!(forum.facts.meeting.is_some(), "{region}");
        assert!(forum.items.iter().all(|(_, record)| record.status != Status::Pending), "{region}");
    }
    let ceilings = store.ceilings(cycle.id).await.unwrap();
    let kecamatan: Vec<&RegionCode> = regions.iter().filter(|c| c.level() == RegionLevel::Kecamatan).collect();
    assert_eq!(kecamatan.len(), 21);
    for region in kecamatan {
        let key = ForumKey { cycle_id: cycle.id, stage: Stage::MusrenbangKecamatan, region: region.clone() };
        let forum = store.forum(&key).await.unwrap();
        assert!(!forum.facts.closed, "{region}");
        assert_eq!(forum.facts.ceiling, ceilings.get(region).copied(), "{region}");
        let pending = forum.items.iter().filter(|(_, r)| r.status == Status::Pending).count();
        match region.as_str() {
            KECAMATAN_DECIDED => {
                assert_eq!(pending, 0);
                assert!(forum.facts.meeting.is_some());
                assert!(forum.facts.accepted_cost().unwrap() > forum.facts.ceiling.unwrap(), "over its ceiling");
            }
            KECAMATAN_HALF_DECIDED => assert!(0 < pending && pending < forum.items.len(), "{pending}"),
            _ => {
                assert_eq!(pending, forum.items.len(), "{region}: nothing decided yet");
                assert!(pending > 0, "{region}");
                assert!(
                    forum.facts.accepted_cost().unwrap() <= forum.facts.ceiling.unwrap(),
                    "{region} fits its ceiling"
                );
            }
        }
    }

    // A forum page reads its page and counts the rest: the same items, in the same order, and
    // the same totals as the whole forum.
    // The first kecamatan, and the one whose minutes are recorded.
    let paged = regions.iter().filter(|c| c.level() == RegionLevel::Kecamatan);
    for region in paged.enumerate().filter(|(i, c)| *i < 6 || c.as_str() == KECAMATAN_DECIDED).map(|(_, c)| c) {
        let key = ForumKey { cycle_id: cycle.id, stage: Stage::MusrenbangKecamatan, region: region.clone() };
        let whole = store.forum(&key).await.unwrap();
        // The rules' entries, read apart, give the order: ranked by rank, then the unranked as
        // they arrived (by id).
        let mut expected: Vec<_> =
            whole.facts.entries.iter().map(|e| (e.rank.is_none(), e.rank, e.proposal_id)).collect();
        expected.sort();
        let shown: Vec<_> =
            whole.items.iter().map(|(summary, record)| (record.rank.is_none(), record.rank, summary.id)).collect();
        assert_eq!(shown, expected, "{region}: the forum's order");
        let mut paged = Vec::new();
        for offset in (0..whole.items.len() as u64).step_by(50) {
            let page = store.forum_page(&key, offset, 50).await.unwrap();
            assert_eq!(page.totals, store::ForumTotals::of(&whole.facts), "{region}");
            let facts_but_entries = ForumFacts { entries: Vec::new(), ..whole.facts.clone() };
            assert_eq!(page.facts, facts_but_entries, "{region}: a page has every fact but the entries");
            assert_eq!(page.first, offset);
            // A page's reads in a session, on one connection, read the same.
            let session = store.reading().await.unwrap();
            let in_session = session.forum_page(&key, offset, 50).await.unwrap();
            assert_eq!(
                (&in_session.facts, &in_session.totals, in_session.first, &in_session.items),
                (&page.facts, &page.totals, page.first, &page.items),
                "{region}: in a session"
            );
            paged.extend(page.items);
        }
        assert_eq!(paged, whole.items, "{region}");
        let beyond = store.forum_page(&key, 1_000_000, 50).await.unwrap();
        assert_eq!(beyond.first, (whole.items.len() as u64 - 1) / 50 * 50, "past the end shows the last page");
    }

    // The duplicate check's indexed search finds every neighbour that a search of the whole
    // cycle finds, for every proposal waiting in the kecamatan forums.
    let mut everyone = Vec::with_capacity(proposals.len());
    for proposal in &proposals {
        let detail = store.proposal(proposal.id).await.unwrap().unwrap();
        assert!(priorities.iter().any(|p| Some(&p.code) == detail.priority.as_ref()), "each names a priority");
        let latest = detail.records.last().unwrap();
        everyone.push(FlagCandidate::of(proposal.id, &latest.figures));
    }
    let prices: std::collections::HashMap<String, i64> =
        store.kamus(&pemda, DEMO_TAHUN_ANGGARAN).await.unwrap().into_iter().map(|k| (k.code, k.unit_price)).collect();
    let mut flagged = 0;
    for region in regions.iter().filter(|c| c.level() == RegionLevel::Kecamatan) {
        let key = ForumKey { cycle_id: cycle.id, stage: Stage::MusrenbangKecamatan, region: region.clone() };
        let page = store.forum_page(&key, 0, 100).await.unwrap();
        let subjects: Vec<FlagCandidate> =
            page.items.iter().map(|(summary, record)| FlagCandidate::of(summary.id, &record.figures)).collect();
        let found = store.flag_candidates(cycle.id, &subjects).await.unwrap();
        for ((_, record), subject) in page.items.iter().zip(&subjects) {
            let sorted = |flags: Vec<RedFlag>| {
                let mut flags: Vec<String> = flags.iter().map(|f| format!("{f:?}")).collect();
                flags.sort();
                flags
            };
            let indexed = sorted(red_flags(subject, &record.figures, &found, &prices));
            let whole = sorted(red_flags(subject, &record.figures, &everyone, &prices));
            assert_eq!(indexed, whole, "{}", subject.id);
            flagged += usize::from(!whole.is_empty());
        }
    }
    assert!(flagged > 100, "the demo has duplicates to find ({flagged})");

    // The demo accounts acted in their own forums.
    let in_pasar_baru = ProposalFilter { region: Some(code("12.71.01.1001.001")), ..ProposalFilter::default() };
    let first = store.proposals(&in_pasar_baru, None, 1).await.unwrap().remove(0);
    let detail = store.proposal(first.id).await.unwrap().unwrap();
    assert_eq!(detail.proposer, "user:kepling.pasarbaru1");
    let at_kelurahan = detail.records.iter().find(|r| r.stage == Stage::MusrenbangKelurahan).unwrap();
    assert_eq!(at_kelurahan.decided_by.as_deref(), Some("user:kel.pasarbaru"));
    assert!(store.verify_chain(&pemda).await.unwrap().valid);

    // The journal reads in order of time, and nothing in it lies in the future.
    let mut later = now;
    let mut before = None;
    loop {
        let page = store.journal(&pemda, before, 500).await.unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.seq);
        for entry in page {
            let at = OffsetDateTime::parse(&entry.at, &Rfc3339).unwrap();
            assert!(at <= later, "entry {} at {at} is after the next one ({later})", entry.seq);
            later = at;
        }
    }

    // The adopted cycle, a year earlier, carried all the way and read-only since.
    let adopted = store.cycles(&pemda).await.unwrap().into_iter().find(|c| c.tahun_anggaran == ADOPTED_TAHUN_ANGGARAN);
    let adopted = adopted.expect("the adopted cycle");
    assert!(adopted.adopted);
    let rkpd = store.rkpd(adopted.id).await.unwrap();
    let adoption = rkpd.adoption.clone().expect("adopted by Perkada");
    let latest: Vec<i64> = rkpd.lines.iter().map(|l| l.latest().unwrap().pagu).collect();
    assert_eq!(adoption.total, latest.iter().sum::<i64>());
    assert_eq!(adoption.lines as usize, rkpd.lines.len());
    assert!(rkpd.lines.len() >= 25, "{} lines", rkpd.lines.len());
    assert!(rkpd.musrenbang.is_some() && rkpd.priorities.len() == store::seed::DEMO_PRIORITIES.len());
    let flags: Vec<domain::renja::LineFlag> = rkpd
        .lines
        .iter()
        .flat_map(|l| {
            let pagu: Vec<(Stage, i64)> = l.stages.iter().map(|s| (s.stage, s.content.pagu)).collect();
            domain::renja::line_flags(l.first_stage, l.sources, &pagu)
        })
        .collect();
    assert!(flags.iter().any(|f| matches!(f, domain::renja::LineFlag::AppearedLate { .. })));
    assert!(flags.iter().any(|f| matches!(f, domain::renja::LineFlag::PaguGrew { .. })));
    for opd in store.opds(&pemda).await.unwrap() {
        let renja = store.renja(adopted.id, &opd.code, 0, 0).await.unwrap();
        if !renja.lines.is_empty() {
            assert!(renja.facts.finalised && renja.facts.meeting.is_some(), "{}", opd.code);
            let total: i64 = renja.facts.line_pagu.iter().sum();
            assert!(total <= renja.facts.ceiling.unwrap(), "{}: within its pagu", opd.code);
        }
    }
    // Lineage is total: whatever reached the forum OPD (forwarded by a kecamatan, or a pokir) is
    // carried by exactly one line, or carries the decision and reason that stopped it.
    let line_opd: std::collections::HashMap<uuid::Uuid, String> =
        rkpd.lines.iter().map(|l| (l.id, l.opd_code.clone())).collect();
    let mut after = None;
    let (mut carried, mut stopped, mut pokir_carried) = (0, 0, 0);
    loop {
        let filter =
            ProposalFilter { cycle: Some(adopted.id), stage: Some(Stage::ForumOpd), ..ProposalFilter::default() };
        let page = store.proposals(&filter, after, 500).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for proposal in page {
            let line = store.line_of_proposal(proposal.id).await.unwrap();
            match proposal.status {
                s if s.is_accepted() => {
                    let line = line.unwrap_or_else(|| panic!("{} accepted without a line", proposal.id));
                    assert_eq!(line_opd.get(&line), Some(&proposal.opd_code), "{} in a line of its OPD", proposal.id);
                    carried += 1;
                    pokir_carried += usize::from(proposal.origin == domain::planning::Origin::Pokir);
                }
                Status::Rejected => {
                    assert!(line.is_none());
                    let detail = store.proposal(proposal.id).await.unwrap().unwrap();
                    assert!(detail.records.last().unwrap().reason.as_deref().is_some_and(|r| !r.is_empty()));
                    stopped += 1;
                }
                other => panic!("{} left {other:?} in an adopted cycle", proposal.id),
            }
        }
    }
    eprintln!(
        "adopted cycle: {} lines, {carried} items carried ({pokir_carried} pokir), {stopped} stopped",
        rkpd.lines.len()
    );
    assert!(carried > 1_000 && stopped > 50 && pokir_carried > 50, "{carried} carried, {stopped} stopped");
    let system = Actor::System { label: "test".into() };
    let late = Command::Schedule(domain::ScheduleCommand::SetOpdCeiling {
        cycle_id: adopted.id,
        opd_code: "1.03.01".into(),
        amount: "1".into(),
    });
    assert!(matches!(store.execute(&system, &late, now).await, Err(StoreError::Domain(DomainError::Adopted))));

    // The fully decided kecamatan cannot close over its ceiling.
    let decided = ForumKey { cycle_id: cycle.id, stage: Stage::MusrenbangKecamatan, region: code(KECAMATAN_DECIDED) };
    let refused =
        store.execute(&system, &Command::Musrenbang(MusrenbangCommand::CloseForum { forum: decided }), now).await;
    assert!(
        matches!(refused, Err(StoreError::Domain(DomainError::CannotClose(CloseProblem::OverCeiling { .. })))),
        "{refused:?}"
    );

    // The operator of Medan Kota can decide what waits there, now.
    let operator = Actor::User(store.credentials("kec.medankota").await.unwrap().unwrap().0.actor());
    let waiting = ProposalFilter {
        region: Some(code("12.71.01")),
        stage: Some(Stage::MusrenbangKecamatan),
        status: Some(Status::Pending),
        ..ProposalFilter::default()
    };
    let next = store.proposals(&waiting, None, 1).await.unwrap().remove(0);
    let decide = Command::Musrenbang(MusrenbangCommand::DecideProposal {
        proposal_id: next.id,
        stage: Stage::MusrenbangKecamatan,
        decision: DecisionInput::Accept,
    });
    store.execute(&operator, &decide, now).await.unwrap();
    assert!(store.verify_chain(&pemda).await.unwrap().valid);
}

#[tokio::test]
async fn a_demo_without_its_cycle_is_refused_as_incomplete() {
    let db = database().await.unwrap();
    let now = OffsetDateTime::now_utc();
    store::seed::seed_demo_foundation(&db.store, now).await.unwrap();
    let result = store::seed::seed_demo(&db.store, now).await;
    assert!(matches!(result, Err(AddPemdaError::IncompleteDemo)), "{result:?}");
}
