//! Property tests of the forums on a real database: random sequences of commands by random
//! actors, after each of which the rules the domain promises must still hold.
//! - a closed forum never changes;
//! - no forum closes with more accepted than its cap, or (kecamatan) over its ceiling;
//! - every decision other than a plain accept carries a reason, and a record's figures differ
//!   from what it received only with such a decision;
//! - what a lower stage agreed is never altered once it forwarded;
//! - nothing is forwarded into a forum that has closed or whose window is over, and no proposal
//!   waits in a closed forum;
//! - volumes, prices, costs and ceilings up to the type's limits are refused or exact;
//! - the journal verifies.
//!
//! The run also asks that its cases reached closes at every level (a chair step drives each
//! forum to its close), so the closing rules are checked against something.

use std::collections::HashMap;

use domain::accounts::{CreateUser, GrantInput};
use domain::cycle::{ForwardCaps, Stage, Window};
use domain::kamus::KamusInput;
use domain::money::AMOUNT_MAX;
use domain::musrenbang::{DecisionInput, MeetingInput, ProposalInput};
use domain::planning::{Figures, ForumFacts, ForumKey, StageRecord, Status};
use domain::regions::AddLingkungan;
use domain::schedule::CreateCycle;
use domain::{
    AccountCommand, Actor, Command, MasterDataCommand, MusrenbangCommand, RegionCode, RegionCommand, ScheduleCommand,
};
use proptest::prelude::*;
use store::Store;
use store::testing::database;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

/// One random step: who acts, and what they try.
#[derive(Debug, Clone)]
enum Step {
    /// The forum's chair does the next thing a forum needs to close: decide a pending proposal
    /// (accepting, or by `seed` rejecting with a reason), rank what it accepted, record the
    /// minutes, close.
    Chair {
        forum: usize,
        seed: u64,
    },
    Submit {
        actor: usize,
        lingkungan: usize,
        kamus: usize,
        volume: String,
    },
    Decide {
        actor: usize,
        proposal: usize,
        stage: usize,
        kind: usize,
        volume: String,
        reason: bool,
    },
    Rank {
        actor: usize,
        forum: usize,
        shuffle: u64,
    },
    Minutes {
        actor: usize,
        forum: usize,
    },
    Close {
        actor: usize,
        forum: usize,
    },
    Ceiling {
        amount: String,
    },
    /// Bappeda ends a stage's window now (`end`), or opens it again.
    Window {
        stage: usize,
        end: bool,
    },
}

/// Volumes as typed: mostly plain, sometimes at and past every bound and the type's limits.
fn volume() -> impl Strategy<Value = String> {
    let extreme = prop_oneof![
        Just("1000000".to_string()),
        Just("1000000,001".to_string()),
        Just("999999,999".to_string()),
        Just(i64::MAX.to_string()),
        Just(u64::MAX.to_string()),
        Just("0".to_string()),
        Just("1,".to_string()),
    ];
    prop_oneof![8 => (1..50u32).prop_map(|v| v.to_string()), 1 => extreme, 1 => any::<u64>().prop_map(|v| v.to_string())]
}

/// Ceilings as typed: small, at the bound, past it, and at the type's limits.
fn amount() -> impl Strategy<Value = String> {
    let extreme = prop_oneof![
        Just(AMOUNT_MAX.to_string()),
        Just((AMOUNT_MAX + 1).to_string()),
        Just(i64::MAX.to_string()),
        Just(u64::MAX.to_string()),
    ];
    prop_oneof![8 => (1..200u64).prop_map(|a| (a * 100_000).to_string()), 2 => extreme]
}

/// The actor of a step: mostly the one who runs the forum concerned (so forums do progress and
/// close), sometimes anyone (so refusals are tried too).
fn actor_for(right: usize) -> impl Strategy<Value = usize> {
    prop_oneof![4 => Just(right), 1 => 0..6usize]
}

fn step() -> impl Strategy<Value = Step> {
    let forum_step = |make: fn(usize, usize, u64) -> Step| {
        (0..5usize, any::<u64>())
            .prop_flat_map(move |(forum, seed)| actor_for(forum).prop_map(move |actor| make(actor, forum, seed)))
    };
    prop_oneof![
        3 => (0..2usize, 0..2usize, volume()).prop_flat_map(|(lingkungan, kamus, volume)| actor_for(lingkungan).prop_map(move |actor| Step::Submit { actor, lingkungan, kamus, volume: volume.clone() })),
        5 => (0..12usize, 0..2usize, 0..3usize, volume(), proptest::bool::weighted(0.8))
            .prop_flat_map(|(proposal, stage, kind, volume, reason)| actor_for(2 + stage).prop_map(move |actor| Step::Decide { actor, proposal, stage, kind, volume: volume.clone(), reason })),
        3 => forum_step(|actor, forum, shuffle| Step::Rank { actor, forum, shuffle }),
        1 => forum_step(|actor, forum, _| Step::Minutes { actor, forum }),
        1 => forum_step(|actor, forum, _| Step::Close { actor, forum }),
        1 => amount().prop_map(|amount| Step::Ceiling { amount }),
        1 => (0..3usize, proptest::bool::weighted(0.3)).prop_map(|(stage, end)| Step::Window { stage, end }),
        10 => (0..5usize, any::<u64>()).prop_map(|(forum, seed)| Step::Chair { forum, seed }),
    ]
}

const LINGKUNGAN: [&str; 2] = ["12.71.01.1001.001", "12.71.01.1001.002"];
/// The actors: two kepala lingkungan, the kelurahan and kecamatan operators, another
/// kelurahan's operator, and a resident.
const USERS: [(&str, &str, &str); 6] = [
    ("kl.satu", "kepala_lingkungan", "12.71.01.1001.001"),
    ("kl.dua", "kepala_lingkungan", "12.71.01.1001.002"),
    ("op.kel", "operator_kelurahan", "12.71.01.1001"),
    ("op.kec", "operator_kecamatan", "12.71.01"),
    ("op.lain", "operator_kelurahan", "12.71.01.1002"),
    ("warga.x", "warga", "12.71.01.1001.001"),
];

struct World {
    store: Store,
    cycle: Uuid,
    actors: Vec<Actor>,
    proposals: Vec<Uuid>,
    forums: Vec<ForumKey>,
    admin: Actor,
    open: Window,
}

async fn world() -> (store::testing::TestDatabase, World) {
    let db = database().await.unwrap();
    let store = db.store.clone();
    let now = OffsetDateTime::now_utc();
    let admin = Actor::System { label: "property".into() };
    store.add_official_pemda("12.71", &admin, now).await.unwrap();
    let rows = ["1001", "1002"]
        .iter()
        .flat_map(|k| {
            (1..=2).map(move |n| AddLingkungan {
                kelurahan: format!("12.71.01.{k}"),
                number: n.to_string(),
                name: format!("L{n}"),
            })
        })
        .collect();
    store.execute(&admin, &Command::Regions(RegionCommand::AddLingkunganBatch(rows)), now).await.unwrap();
    let pemda = code("12.71");
    let mut actors = Vec::new();
    for (username, role, scope) in USERS {
        let id = Uuid::now_v7();
        let command = Command::Accounts(AccountCommand::CreateUser(CreateUser {
            pemda: pemda.clone(),
            user_id: id,
            username: username.into(),
            name: username.into(),
            password_hash: "x".into(),
            grants: vec![GrantInput { role: role.into(), scope: scope.into() }],
        }));
        store.execute(&admin, &command, now).await.unwrap();
        actors.push(Actor::User(store.user(id).await.unwrap().unwrap().actor()));
    }
    let cycle = Uuid::now_v7();
    let open = Window { opens: now - Duration::days(1), closes: now + Duration::days(30) };
    let mut setup = vec![Command::Schedule(ScheduleCommand::CreateCycle(CreateCycle {
        pemda: pemda.clone(),
        cycle_id: cycle,
        tahun_anggaran: 2030,
    }))];
    setup.extend(Stage::FORUMS.iter().map(|stage| {
        Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id: cycle, stage: *stage, window: open })
    }));
    let caps = ForwardCaps { rembuk_warga: Some(4), musrenbang_kelurahan: Some(3), musrenbang_kecamatan: None };
    setup.push(Command::Schedule(ScheduleCommand::SetCycleSettings { cycle_id: cycle, caps, online_proposals: true }));
    setup.push(Command::MasterData(MasterDataCommand::CreateOpd {
        pemda: pemda.clone(),
        code: "1.03".into(),
        name: "PU".into(),
    }));
    let item = KamusInput {
        code: "K".into(),
        name: "Jalan".into(),
        unit: "meter".into(),
        unit_price: "100.000".into(),
        opd_code: "1.03".into(),
        bidang: "infrastruktur_kewilayahan".into(),
        fisik: "ya".into(),
        sub_kegiatan: String::new(),
    };
    // The dearest unit the kamus takes: with a large volume, a cost past every bound.
    let dear = KamusInput {
        code: "M".into(),
        name: "Jembatan".into(),
        unit: "unit".into(),
        unit_price: domain::money::PRICE_MAX.to_string(),
        ..item.clone()
    };
    setup.push(Command::MasterData(MasterDataCommand::UpsertKamus {
        pemda,
        tahun_anggaran: 2030,
        items: vec![item, dear],
        batch: false,
    }));
    // A pagu to start from, so that a kecamatan can close until a Ceiling step changes it.
    setup.push(Command::Schedule(ScheduleCommand::SetCeiling {
        cycle_id: cycle,
        kecamatan: "12.71.01".into(),
        amount: "1.000.000.000".into(),
    }));
    store.execute_batch(&admin, &setup, now).await.unwrap();
    let forums = vec![
        ForumKey { cycle_id: cycle, stage: Stage::RembukWarga, region: code(LINGKUNGAN[0]) },
        ForumKey { cycle_id: cycle, stage: Stage::RembukWarga, region: code(LINGKUNGAN[1]) },
        ForumKey { cycle_id: cycle, stage: Stage::MusrenbangKelurahan, region: code("12.71.01.1001") },
        ForumKey { cycle_id: cycle, stage: Stage::MusrenbangKecamatan, region: code("12.71.01") },
        ForumKey { cycle_id: cycle, stage: Stage::MusrenbangKelurahan, region: code("12.71.01.1002") },
    ];
    let world = World { store, cycle, actors, proposals: Vec::new(), forums, admin, open };
    (db, world)
}

fn meeting() -> MeetingInput {
    MeetingInput {
        date: "2030-01-01".into(),
        place: "Balai".into(),
        chair: "Ketua".into(),
        attendees: vec![("Ani".into(), "warga".into())],
        delegates: vec![],
    }
}

fn shuffled(mut ids: Vec<Uuid>, seed: u64) -> Vec<Uuid> {
    let mut state = seed | 1;
    for i in (1..ids.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        ids.swap(i, (state % (i as u64 + 1)) as usize);
    }
    ids
}

impl World {
    fn command(
        &self,
        step: &Step,
        store_view: &HashMap<ForumKey, Vec<Uuid>>,
        forums: &HashMap<ForumKey, ForumFacts>,
    ) -> Option<(Actor, Command)> {
        let now_proposal = |index: usize| self.proposals.get(index % self.proposals.len().max(1)).copied();
        Some(match step {
            Step::Submit { actor, lingkungan, kamus, volume } => (
                self.actors[*actor].clone(),
                Command::Musrenbang(MusrenbangCommand::SubmitProposal(ProposalInput {
                    proposal_id: Uuid::now_v7(),
                    cycle_id: self.cycle,
                    stage: Stage::RembukWarga,
                    title: "Usulan".into(),
                    problem: "Masalah".into(),
                    kamus_code: ["K", "M"][*kamus].into(),
                    volume: volume.clone(),
                    lingkungan: LINGKUNGAN[*lingkungan].into(),
                    address: "Jl. A".into(),
                    latitude: String::new(),
                    longitude: String::new(),
                    track: "apbd".into(),
                    priority: String::new(),
                })),
            ),
            Step::Decide { actor, proposal, stage, kind, volume, reason } => {
                let stage = [Stage::MusrenbangKelurahan, Stage::MusrenbangKecamatan][*stage];
                let reason = if *reason { "Alasan".to_string() } else { String::new() };
                let decision = match kind {
                    0 => DecisionInput::Accept,
                    1 => DecisionInput::AcceptWithChanges {
                        volume: volume.to_string(),
                        kamus_code: String::new(),
                        lingkungan: String::new(),
                        address: String::new(),
                        opd_code: String::new(),
                        reason,
                    },
                    _ => DecisionInput::Reject { reason },
                };
                (
                    self.actors[*actor].clone(),
                    Command::Musrenbang(MusrenbangCommand::DecideProposal {
                        proposal_id: now_proposal(*proposal)?,
                        stage,
                        decision,
                    }),
                )
            }
            Step::Rank { actor, forum, shuffle } => {
                let key = self.forums[*forum].clone();
                let accepted = store_view.get(&key).cloned().unwrap_or_default();
                (
                    self.actors[*actor].clone(),
                    Command::Musrenbang(MusrenbangCommand::RankForum {
                        forum: key,
                        order: shuffled(accepted, *shuffle),
                    }),
                )
            }
            Step::Minutes { actor, forum } => (
                self.actors[*actor].clone(),
                Command::Musrenbang(MusrenbangCommand::RecordMeeting {
                    forum: self.forums[*forum].clone(),
                    meeting: meeting(),
                }),
            ),
            Step::Close { actor, forum } => (
                self.actors[*actor].clone(),
                Command::Musrenbang(MusrenbangCommand::CloseForum { forum: self.forums[*forum].clone() }),
            ),
            Step::Ceiling { amount } => (
                self.admin.clone(),
                Command::Schedule(ScheduleCommand::SetCeiling {
                    cycle_id: self.cycle,
                    kecamatan: "12.71.01".into(),
                    amount: amount.clone(),
                }),
            ),
            Step::Chair { forum, seed } => {
                let key = self.forums[*forum].clone();
                let facts = forums.get(&key)?;
                let chair = self.actors[*forum].clone();
                // A diligent chair closes only after the forums below have closed.
                let below_open = self.forums.iter().any(|lower| {
                    Some(lower.stage) == key.stage.previous_forum()
                        && lower.region.parent().as_ref() == Some(&key.region)
                        && forums.get(lower).is_some_and(|f| !f.closed)
                });
                let pending = facts.entries.iter().find(|e| e.status == Status::Pending);
                let ranked = facts.accepted().iter().enumerate().all(|(i, e)| e.rank == Some(i as u32 + 1));
                let changed = facts.entries.iter().find(|e| e.status == Status::AcceptedWithChanges);
                let deciding = key.stage != Stage::RembukWarga;
                // A kecamatan over its pagu drops its costliest accepted proposal, as its operator would.
                let over_ceiling = facts.ceiling.is_some_and(|c| facts.accepted_cost().is_ok_and(|t| t > c));
                let costliest = facts.accepted().into_iter().max_by_key(|e| e.figures.cost).map(|e| e.proposal_id);
                let command = if let Some(proposal_id) = costliest.filter(|_| deciding && over_ceiling) {
                    let decision = DecisionInput::Reject { reason: "Melebihi pagu kecamatan".into() };
                    Command::Musrenbang(MusrenbangCommand::DecideProposal { proposal_id, stage: key.stage, decision })
                } else if let Some(entry) = changed.filter(|_| deciding && seed % 2 == 0) {
                    // The re-decision that once kept changed figures without their reason.
                    Command::Musrenbang(MusrenbangCommand::DecideProposal {
                        proposal_id: entry.proposal_id,
                        stage: key.stage,
                        decision: DecisionInput::Accept,
                    })
                } else if let Some(entry) = pending.filter(|_| deciding) {
                    let decision = match seed % 4 {
                        0 => DecisionInput::Reject { reason: "Belum prioritas".into() },
                        1 => DecisionInput::AcceptWithChanges {
                            volume: "3".into(),
                            kamus_code: String::new(),
                            lingkungan: String::new(),
                            address: String::new(),
                            opd_code: String::new(),
                            reason: "Disesuaikan dengan pagu".into(),
                        },
                        _ => DecisionInput::Accept,
                    };
                    Command::Musrenbang(MusrenbangCommand::DecideProposal {
                        proposal_id: entry.proposal_id,
                        stage: key.stage,
                        decision,
                    })
                } else if !ranked {
                    Command::Musrenbang(MusrenbangCommand::RankForum {
                        forum: key,
                        order: facts.accepted().iter().map(|e| e.proposal_id).collect(),
                    })
                } else if facts.meeting.is_none() {
                    Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: key, meeting: meeting() })
                } else if below_open {
                    return None;
                } else {
                    Command::Musrenbang(MusrenbangCommand::CloseForum { forum: key })
                };
                (chair, command)
            }
            Step::Window { stage, end } => {
                let now = OffsetDateTime::now_utc();
                let past = Window { opens: now - Duration::days(2), closes: now - Duration::hours(1) };
                let window = if *end { past } else { self.open };
                (
                    self.admin.clone(),
                    Command::Schedule(ScheduleCommand::SetStageWindow {
                        cycle_id: self.cycle,
                        stage: Stage::FORUMS[*stage],
                        window,
                    }),
                )
            }
        })
    }
}

/// Every record of every proposal, by proposal and stage.
async fn records(world: &World) -> HashMap<(Uuid, Stage), StageRecord> {
    let mut all = HashMap::new();
    for id in &world.proposals {
        if let Some(detail) = world.store.proposal(*id).await.unwrap() {
            // The proposal's row shows where it stands: its latest record's stage, status and
            // figures (the lists read them there, not from the records).
            let latest = detail.records.iter().max_by_key(|r| r.stage).expect("a proposal has a record");
            let summary = &detail.summary;
            let shown = (summary.stage, summary.status, summary.cost, &summary.lingkungan, &summary.kamus_code);
            let figures = &latest.figures;
            let stands = (latest.stage, latest.status, figures.cost, &figures.location.lingkungan, &figures.kamus_code);
            assert_eq!(shown, stands, "the row of {id} does not show its latest record");
            for record in detail.records {
                all.insert((*id, record.stage), record);
            }
        }
    }
    all
}

/// How many forums closed, per stage, over all the cases of a run.
type Closes = std::sync::Arc<std::sync::Mutex<HashMap<Stage, usize>>>;

async fn run(steps: Vec<Step>, closes: Closes) -> Result<(), TestCaseError> {
    let (_db, mut world) = world().await;
    let mut submitted: HashMap<Uuid, Figures> = HashMap::new();
    for step in steps {
        let now = OffsetDateTime::now_utc();
        // What each forum has accepted now, for rankings that are sometimes right.
        let mut accepted = HashMap::new();
        let mut closed = HashMap::new();
        for key in &world.forums {
            let view = world.store.forum(key).await.unwrap();
            let ids: Vec<Uuid> = view.facts.accepted().iter().map(|e| e.proposal_id).collect();
            closed.insert(key.clone(), (view.facts.closed, view.facts.clone()));
            accepted.insert(key.clone(), ids);
        }
        let before = records(&world).await;
        let facts: HashMap<ForumKey, ForumFacts> = closed.iter().map(|(k, (_, f))| (k.clone(), f.clone())).collect();
        let Some((actor, command)) = world.command(&step, &accepted, &facts) else { continue };
        let result = world.store.execute(&actor, &command, now).await;
        if let (Ok(_), Command::Musrenbang(MusrenbangCommand::SubmitProposal(input))) = (&result, &command) {
            world.proposals.push(input.proposal_id);
        }
        let after = records(&world).await;
        if let (Ok(_), Command::Musrenbang(MusrenbangCommand::SubmitProposal(input))) = (&result, &command) {
            let record = &after[&(input.proposal_id, Stage::RembukWarga)];
            prop_assert!((1..=domain::money::VOLUME_MAX).contains(&record.figures.volume));
            prop_assert!((0..=AMOUNT_MAX).contains(&record.figures.cost));
            submitted.insert(input.proposal_id, record.figures.clone());
        }

        // A closed forum never changes: the records at its stage in its region are as they were.
        for (key, (was_closed, _)) in &closed {
            if !*was_closed {
                continue;
            }
            for ((id, stage), record) in &before {
                let in_forum = *stage == key.stage
                    && domain::planning::forum_region_of(&record.figures.location.lingkungan, *stage).as_ref()
                        == Some(&key.region);
                if in_forum {
                    prop_assert_eq!(after.get(&(*id, *stage)), Some(record), "closed forum changed by {:?}", command);
                }
            }
        }
        // What a closing forum let through fits its cap and ceiling.
        if let (Ok(_), Command::Musrenbang(MusrenbangCommand::CloseForum { forum })) = (&result, &command) {
            *closes.lock().unwrap().entry(forum.stage).or_default() += 1;
            if std::env::var("PROPERTY_TRACE").is_ok() {
                eprintln!("closed {:?} {}", forum.stage, forum.region);
            }
            let (_, facts) = &closed[forum];
            let cycle = world.store.cycle(world.cycle).await.unwrap().unwrap();
            // A rembuk warga over its cap forwards its first `cap` and records the rest as
            // not forwarded; the others must have brought their list under the cap themselves.
            let after_close = world.store.forum(forum).await.unwrap().facts;
            let forwarded = after_close.accepted().len();
            if let Some(cap) = cycle.caps.for_stage(forum.stage) {
                prop_assert!(forwarded <= cap as usize);
                if forum.stage != Stage::RembukWarga {
                    prop_assert!(facts.accepted().len() <= cap as usize);
                }
            }
            let not_forwarded = after_close.entries.iter().filter(|e| e.status == Status::NotForwarded).count();
            prop_assert_eq!(forwarded + not_forwarded, facts.accepted().len());
            if forum.stage == Stage::MusrenbangKecamatan {
                prop_assert!(facts.ceiling.is_some_and(|c| facts.accepted_cost().is_ok_and(|total| total <= c)));
            }
            prop_assert!(facts.entries.iter().all(|e| e.status != Status::Pending));
            // What went up reached a forum that can still decide it.
            if forwarded > 0
                && let Some(next) = forum.stage.next_forum()
            {
                prop_assert!(cycle.windows.get(&next).is_none_or(|w| now < w.closes), "forwarded into an ended stage");
                let upper =
                    world.forums.iter().find(|k| k.stage == next && forum.region.parent().as_ref() == Some(&k.region));
                if let Some(upper) = upper {
                    prop_assert!(!closed[upper].0, "forwarded into a closed forum");
                }
            }
        }
        // No proposal waits in a closed forum.
        for key in &world.forums {
            let facts = world.store.forum(key).await.unwrap().facts;
            if facts.closed {
                prop_assert!(facts.entries.iter().all(|e| e.status != Status::Pending), "pending in closed {:?}", key);
            }
        }
        // Every non-plain decision has its reason; earlier stages' records never move.
        for ((id, stage), record) in &after {
            if matches!(record.status, Status::Rejected | Status::AcceptedWithChanges) {
                prop_assert!(record.reason.as_deref().is_some_and(|r| !r.trim().is_empty()), "{:?}", record);
            }
            // Figures differ from what the stage received only with a reasoned change.
            let received = match stage.previous_forum().and_then(|below| after.get(&(*id, below))) {
                Some(below) => Some(&below.figures),
                None => submitted.get(id),
            };
            if record.status != Status::AcceptedWithChanges
                && let Some(received) = received
            {
                prop_assert_eq!(&record.figures, received, "figures changed without a reason: {:?}", record);
            }
            prop_assert!((0..=AMOUNT_MAX).contains(&record.figures.cost));
            let moved_on = after.keys().any(|(other, later)| other == id && later > stage);
            if moved_on && let Some(old) = before.get(&(*id, *stage)) {
                let was_forwarded = before.keys().any(|(other, later)| other == id && later > stage);
                if was_forwarded {
                    prop_assert_eq!(old, record, "a lower stage's record changed");
                }
            }
        }
    }
    let report = world.store.verify_chain(&code("12.71")).await.unwrap();
    prop_assert!(report.valid, "{:?}", report);
    Ok(())
}

/// Runs the cases, then asks that every level closed forums in them: a run whose steps never
/// reach a close would check the closing rules against nothing.
#[test]
fn forums_keep_their_promises() {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let closes = Closes::default();
    // One fixed sequence of cases by default, so that the count of closes below is the same on
    // every run (random runs reach a kecamatan close in one case out of several, and a count
    // that flickers would make the suite flaky). The default seed is one whose cases close
    // forums at every level and re-decide changed figures (seen: 11 rembuk warga, 15 kelurahan,
    // 8 kecamatan closes); `PROPERTY_SEED=<any text>` explores others.
    let seed = std::env::var("PROPERTY_SEED").unwrap_or_else(|_| "d".into());
    let mut seed_bytes = [0u8; 32];
    for (i, b) in seed.bytes().enumerate() {
        seed_bytes[i % 32] ^= b.wrapping_add(i as u8);
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let config = Config { cases: 16, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&proptest::collection::vec(step(), 20..90), |steps| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(run(steps, closes.clone()))
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    let closes = closes.lock().unwrap().clone();
    eprintln!("forums closed over the cases: {closes:?}");
    for (stage, least) in [(Stage::RembukWarga, 6), (Stage::MusrenbangKelurahan, 6), (Stage::MusrenbangKecamatan, 2)] {
        let closed = closes.get(&stage).copied().unwrap_or(0);
        assert!(closed >= least, "only {closed} {stage:?} forums closed in the cases (at least {least})");
    }
}
