//! The demo's earlier cycle, carried all the way through: every forum decided and closed, the
//! DPRD's reses and pokir, the forum OPD of every perangkat daerah (what reached it placed in
//! Renja lines or rejected with a reason), every Renja finalised within its pagu indikatif, the
//! musrenbang RKPD, the rancangan akhir and the RKPD adopted by Perkada; read-only since. Dated a
//! year before the open cycle. Two of its lines show the late-stage red flags: one that first
//! appears at the musrenbang RKPD with no proposal behind it, one whose pagu grows by a quarter
//! at the rancangan akhir.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use domain::renja::{LineContent, LineInput, LineText, OpdDecision};
use domain::{RenjaCommand, RkpdCommand};

use super::*;

/// The tahun anggaran of the demo's adopted cycle.
pub const ADOPTED_TAHUN_ANGGARAN: i32 = 2026;

/// Its windows, in days from its own "now" (a year before the demo's).
const WINDOWS: [(Stage, i64, i64); 8] = [
    (Stage::RembukWarga, -150, -120),
    (Stage::MusrenbangKelurahan, -110, -80),
    (Stage::Pokir, -100, -46),
    (Stage::MusrenbangKecamatan, -45, -30),
    (Stage::ForumOpd, -28, -12),
    (Stage::MusrenbangRkpd, -10, -6),
    (Stage::RancanganAkhir, -6, 0),
    (Stage::Penetapan, 0, 10),
];

const OPD_REJECTIONS: [&str; 4] = [
    "Sudah dianggarkan pada tahun berjalan",
    "Lokasi merupakan kewenangan provinsi",
    "Tidak sesuai prioritas renstra perangkat daerah",
    "Lahan belum tersedia; diusulkan kembali tahun depan",
];

/// Seeds the adopted cycle as of `now` (its own now: a year before the demo's).
pub(super) async fn seed_adopted_cycle(
    store: &Store,
    now: OffsetDateTime,
    progress: &mut dyn FnMut(SeedProgress),
) -> Result<(), AddPemdaError> {
    let pemda = code(DEMO_PEMDA);
    let official = official::pemda(&pemda).ok_or_else(|| AddPemdaError::Unknown(pemda.to_string()))?;
    let system = Actor::System { label: "demo".into() };
    let mut plan = DemoPlan::draw(&official, Uuid::now_v7(), &Shape::demo(1), "2026 ");
    let kecamatan: Vec<RegionCode> = plan.kecamatan.iter().map(|(c, _)| c.clone()).collect();
    for k in &kecamatan {
        plan.draw_kecamatan(k, 100);
    }
    let cycle_id = plan.cycle_id;
    let ceilings = plan.ceilings_over(None);
    let preparation = cycle_preparation(&plan, &pemda, ADOPTED_TAHUN_ANGGARAN, &WINDOWS, &ceilings, now);
    store.execute_batch(&system, &preparation, now - Duration::days(PREPARATION_DAYS)).await?;
    seed_lower_forums(store, &plan, now, progress).await?;
    seed_demo_pokir(
        store,
        &pemda,
        cycle_id,
        ADOPTED_TAHUN_ANGGARAN,
        now - Duration::days(75),
        now - Duration::days(70),
    )
    .await?;

    // Every musrenbang kecamatan decides, ranks, minutes and closes: what it accepted goes to
    // the OPD of its kamus item.
    let at = now - Duration::days(40);
    for k in &kecamatan {
        let forum = ForumKey { cycle_id, stage: Stage::MusrenbangKecamatan, region: k.clone() };
        let (mut commands, mut order) = plan.kecamatan_decisions(k);
        let mut dice = Dice::new(&format!("2026 musrenbang {k}"));
        dice.shuffle(&mut order);
        if !order.is_empty() {
            commands.push(Command::Musrenbang(MusrenbangCommand::RankForum { forum: forum.clone(), order }));
        }
        let meeting = kecamatan_minutes(&mut dice, &plan, k, at);
        commands.push(Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: forum.clone(), meeting }));
        commands.push(Command::Musrenbang(MusrenbangCommand::CloseForum { forum }));
        store.execute_batch(&system, &commands, at).await?;
    }
    progress(SeedProgress { stage: Stage::ForumOpd, done: 0, total: DEMO_OPD.len() });
    let lines = seed_forum_opd(store, &pemda, cycle_id, now - Duration::days(20)).await?;
    seed_rkpd(store, cycle_id, &lines, now).await?;
    Ok(())
}

/// A line the demo made, with what it needs to be saved again at a later stage.
struct SeededLine {
    id: Uuid,
    opd: String,
    content: LineContent,
}

fn line_input(line: &SeededLine, cycle_id: Uuid, stage: Stage) -> LineInput {
    LineInput {
        line_id: line.id,
        cycle_id,
        opd_code: line.opd.clone(),
        stage: Some(stage),
        text: LineText::of(&line.content),
    }
}

/// Rounds a positive amount up to a whole `unit`.
fn round_up(amount: i64, unit: i64) -> i64 {
    (amount + unit - 1) / unit * unit
}

/// Every OPD's forum: it rejects one item in twelve with a reason and places the rest in one
/// line per sub kegiatan (where the items lie, how many, the share it accommodated), sets its
/// ceiling a little above its lines, records its berita acara and finalises. Returns the lines.
async fn seed_forum_opd(
    store: &Store,
    pemda: &RegionCode,
    cycle_id: Uuid,
    at: OffsetDateTime,
) -> Result<Vec<SeededLine>, AddPemdaError> {
    let funded_by = demo_kamus_sub_kegiatan();
    let names: HashMap<String, String> = demo_nomenclature().into_iter().map(|n| (n.code, n.name)).collect();
    let fisik: HashMap<&str, bool> = DEMO_KAMUS.iter().map(|k| (k.code, k.fisik)).collect();
    let system = Actor::System { label: "demo".into() };
    let pu = forum_actor_of_opd(store, "opd.pupr", "1.03.01").await?;
    let mut all_lines = Vec::new();
    for (opd, opd_name) in DEMO_OPD {
        // Everything that reached the OPD, a page at a time.
        let mut items = Vec::new();
        loop {
            let page = store.renja(cycle_id, opd, items.len() as u64, crate::PAGE_MAX).await?;
            let read = page.items.len();
            items.extend(page.items);
            if read == 0 || items.len() as u64 >= page.items_total {
                break;
            }
        }
        if items.is_empty() {
            continue;
        }
        let mut dice = Dice::new(&format!("2026 forum opd {opd}"));
        let mut groups: BTreeMap<String, Vec<(Uuid, i64, RegionCode, String)>> = BTreeMap::new();
        let mut decisions = Vec::new();
        for (summary, record) in &items {
            let kamus = record.figures.kamus_code.clone();
            let sub = funded_by.get(kamus.as_str()).map(|s| s.to_string());
            match sub {
                Some(sub) if dice.below(12) != 0 => {
                    let kecamatan = domain::planning::forum_region_of(
                        &record.figures.location.lingkungan,
                        Stage::MusrenbangKecamatan,
                    )
                    .unwrap_or_else(|| pemda.clone());
                    groups.entry(sub).or_default().push((summary.id, record.figures.cost, kecamatan, kamus));
                }
                _ => decisions.push(Command::Renja(RenjaCommand::Decide {
                    proposal_id: summary.id,
                    decision: OpdDecision::Reject { reason: dice.text(&OPD_REJECTIONS).to_string() },
                })),
            }
        }
        let received = items.len() as i64;
        let accepted: i64 = groups.values().map(|g| g.len() as i64).sum();
        let mut lines = Vec::new();
        for (sub, items) in &groups {
            let locations: BTreeSet<RegionCode> = items.iter().map(|(_, _, k, _)| k.clone()).collect();
            let cost: i64 = items.iter().map(|(_, c, _, _)| *c).sum();
            let pagu = round_up(cost, 1_000_000);
            let first_kamus = items.first().map(|(_, _, _, k)| k.as_str()).unwrap_or_default();
            let content = LineContent {
                sub_kegiatan: sub.clone(),
                locations: locations.into_iter().collect(),
                output: domain::renja::Indicator {
                    description: format!(
                        "Lokasi {} yang ditangani",
                        names.get(sub).map_or("sub kegiatan", String::as_str)
                    ),
                    target: items.len() as i64 * 1000,
                    unit: "lokasi".into(),
                },
                outcome: domain::renja::Indicator {
                    description: format!("Usulan musrenbang dan pokir yang terakomodasi oleh {opd_name}"),
                    target: (accepted * 100 / received.max(1)).max(1) * 1000,
                    unit: "persen".into(),
                },
                pagu,
                funding: if fisik.get(first_kamus).copied().unwrap_or(false) {
                    domain::renja::FundingSource::Dau
                } else {
                    domain::renja::FundingSource::Pad
                },
                prakiraan_maju: round_up(pagu * 105 / 100, 1_000_000),
                priority: Some(demo_priority_of(first_kamus).to_string()),
            };
            let line = SeededLine { id: Uuid::now_v7(), opd: opd.to_string(), content };
            for (proposal_id, _, _, _) in items {
                decisions.push(Command::Renja(RenjaCommand::Decide {
                    proposal_id: *proposal_id,
                    decision: OpdDecision::Accept { line_id: line.id },
                }));
            }
            lines.push(line);
        }
        let total: i64 = lines.iter().map(|l| l.content.pagu).sum();
        let ceiling = round_up(total * 105 / 100, 100_000_000);
        store
            .execute(
                &system,
                &Command::Schedule(ScheduleCommand::SetOpdCeiling {
                    cycle_id,
                    opd_code: opd.to_string(),
                    amount: ceiling.to_string(),
                }),
                at,
            )
            .await?;
        let mut commands: Vec<Command> = lines
            .iter()
            .map(|l| Command::Renja(RenjaCommand::SaveLine(line_input(l, cycle_id, Stage::ForumOpd))))
            .collect();
        commands.extend(decisions);
        let chair = dice.person();
        let mut attendees = vec![
            (chair.clone(), format!("Kepala {opd_name}")),
            (dice.person(), "Sekretaris".to_string()),
            (dice.person(), "Kepala Bidang Perencanaan".to_string()),
            (dice.person(), "Perwakilan Bappeda".to_string()),
        ];
        let delegates: Vec<String> = (0..3).map(|_| dice.person()).collect();
        attendees.extend(delegates.iter().map(|d| (d.clone(), "Delegasi kecamatan".to_string())));
        commands.push(Command::Renja(RenjaCommand::RecordMeeting {
            cycle_id,
            opd_code: opd.to_string(),
            meeting: MeetingInput {
                date: meeting_date(at),
                place: format!("Aula {opd_name}"),
                chair,
                attendees,
                delegates,
            },
        }));
        commands.push(Command::Renja(RenjaCommand::Finalise { cycle_id, opd_code: opd.to_string() }));
        let actor = if opd == "1.03.01" { pu.clone() } else { None };
        store.execute_batch(actor.as_ref().unwrap_or(&system), &commands, at).await?;
        all_lines.extend(lines);
    }
    Ok(all_lines)
}

/// The demo account of an OPD, if it is that OPD's.
async fn forum_actor_of_opd(store: &Store, username: &str, opd: &str) -> Result<Option<Actor>> {
    let Some((user, _)) = store.credentials(username).await? else { return Ok(None) };
    let actor = Actor::User(user.actor());
    let runs = domain::renja::runs_forum_opd(&actor, &code(DEMO_PEMDA), opd);
    Ok(runs.then_some(actor))
}

/// The musrenbang RKPD (its minutes and the five priorities agreed; three lines trimmed a
/// little, one new road line with no proposal behind it), the rancangan akhir (one line grown by
/// a quarter), and the adoption.
async fn seed_rkpd(
    store: &Store,
    cycle_id: Uuid,
    lines: &[SeededLine],
    now: OffsetDateTime,
) -> Result<(), AddPemdaError> {
    let system = Actor::System { label: "demo".into() };
    let mut dice = Dice::new("2026 musrenbang rkpd");
    let at = now - Duration::days(8);
    let chair = dice.person();
    let mut attendees = vec![
        (chair.clone(), "Wali Kota Medan".to_string()),
        (dice.person(), "Kepala Bappeda".to_string()),
        (dice.person(), "Ketua DPRD".to_string()),
    ];
    for (_, opd_name) in DEMO_OPD.iter().take(6) {
        attendees.push((dice.person(), format!("Kepala {opd_name}")));
    }
    let mut commands = vec![Command::Rkpd(RkpdCommand::RecordMusrenbang {
        cycle_id,
        meeting: MeetingInput {
            date: meeting_date(at),
            place: "Balai Kota Medan".into(),
            chair,
            attendees,
            delegates: Vec::new(),
        },
        priorities: DEMO_PRIORITIES.iter().map(|(code, _, _)| code.to_string()).collect(),
    })];
    for line in lines.iter().step_by(7).take(3) {
        let trimmed = LineContent { pagu: round_up(line.content.pagu * 95 / 100, 1_000_000), ..line.content.clone() };
        let trimmed = SeededLine { id: line.id, opd: line.opd.clone(), content: trimmed };
        commands.push(Command::Renja(RenjaCommand::SaveLine(line_input(&trimmed, cycle_id, Stage::MusrenbangRkpd))));
    }
    if let Some(road) = lines.iter().find(|l| l.opd == "1.03.01") {
        let content = LineContent {
            locations: vec![code("12.71.05")],
            output: domain::renja::Indicator {
                description: "Pelebaran ruas jalan kota (bukan usulan musrenbang)".into(),
                target: 1_500,
                unit: "Km".into(),
            },
            pagu: 2_400_000_000,
            prakiraan_maju: 0,
            ..road.content.clone()
        };
        let late = SeededLine { id: Uuid::now_v7(), opd: road.opd.clone(), content };
        commands.push(Command::Renja(RenjaCommand::SaveLine(line_input(&late, cycle_id, Stage::MusrenbangRkpd))));
    }
    store.execute_batch(&system, &commands, at).await?;
    if let Some(line) = lines.iter().find(|l| l.opd == "1.04.01").or(lines.first()) {
        let grown = LineContent { pagu: round_up(line.content.pagu * 125 / 100, 1_000_000), ..line.content.clone() };
        let grown = SeededLine { id: line.id, opd: line.opd.clone(), content: grown };
        let command = Command::Renja(RenjaCommand::SaveLine(line_input(&grown, cycle_id, Stage::RancanganAkhir)));
        store.execute(&system, &command, now - Duration::days(3)).await?;
    }
    let adopted_at = now + Duration::days(2);
    let date = adopted_at.date();
    let adopt = Command::Rkpd(RkpdCommand::Adopt {
        cycle_id,
        number: format!("Peraturan Wali Kota Medan Nomor 31 Tahun {}", date.year()),
        date: date.to_string(),
    });
    store.execute(&system, &adopt, adopted_at).await?;
    Ok(())
}
