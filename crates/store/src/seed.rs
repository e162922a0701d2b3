//! Creating a pemda from the official list, and the demo that `make run` serves.

use std::collections::HashMap;

use domain::accounts::{CreateUser, GrantInput};
use domain::cycle::{ForwardCaps, Stage, Window};
use domain::dprd::{PokirInput, ResesInput};
use domain::kamus::{Bidang, KamusInput};
use domain::musrenbang::{DecisionInput, MeetingInput, ProposalInput};
use domain::nomenclature::NomenclatureInput;
use domain::planning::{ForumKey, LAT_RANGE, LON_RANGE, Track, cost_of};
use domain::regions::{AddLingkungan, CreatePemda};
use domain::rpjmd::PriorityInput;
use domain::schedule::CreateCycle;
use domain::{
    AccountCommand, Actor, Command, DprdCommand, MasterDataCommand, MusrenbangCommand, Region, RegionCode,
    RegionCommand, RegionLevel, ScheduleCommand,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{Result, Store, StoreError, official, passwords};

mod adopted;
mod national;

pub use adopted::ADOPTED_TAHUN_ANGGARAN;
pub use national::{NationalProgress, NationalSeeded, seed_national};

/// Why a pemda cannot be added from the official list.
#[derive(Debug, thiserror::Error)]
pub enum AddPemdaError {
    #[error("'{0}' is not a region code: {1}")]
    Malformed(String, domain::region::CodeError),
    #[error("{0} is not a kabupaten/kota code (write it as two parts, e.g. 12.71)")]
    NotPemda(String),
    #[error("no kabupaten/kota {0} in the official list ({src})", src = official::SOURCE)]
    Unknown(String),
    #[error(
        "the demo in this database is incomplete (cut short, or made by an earlier version); remove the data directory and run `rencana demo` again"
    )]
    IncompleteDemo,
    #[error("the demo is already in this database: a benchmark's data needs an empty one")]
    AlreadySeeded,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Creates the pemda `code` with all its kecamatan and kelurahan/desa from the official list.
    pub async fn add_official_pemda(
        &self,
        code: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<RegionCode, AddPemdaError> {
        let code = RegionCode::parse(code).map_err(|e| AddPemdaError::Malformed(code.to_string(), e))?;
        if !code.level().is_pemda() {
            return Err(AddPemdaError::NotPemda(code.to_string()));
        }
        let official = official::pemda(&code).ok_or_else(|| AddPemdaError::Unknown(code.to_string()))?;
        let command = Command::Regions(RegionCommand::CreatePemda(CreatePemda {
            code: official.code.clone(),
            name: official.name,
            source: official::SOURCE.to_string(),
            regions: official.regions,
        }));
        self.execute(actor, &command, now).await?;
        Ok(code)
    }
}

/// The password of every demo account; printed by `rencana demo` and shown on the login page in
/// demo mode only.
pub const DEMO_PASSWORD: &str = "Rencana-Demo-2027";
pub const DEMO_PEMDA: &str = "12.71";

/// One demo account per role: username, name, role, scope.
pub const DEMO_USERS: [(&str, &str, &str, &str); 9] = [
    ("bappeda", "Admin Bappeda Kota Medan", "bappeda_admin", ""),
    ("auditor", "Auditor Inspektorat", "auditor", ""),
    ("kec.medankota", "Operator Kecamatan Medan Kota", "operator_kecamatan", "12.71.01"),
    ("kel.pasarbaru", "Operator Kelurahan Pasar Baru", "operator_kelurahan", "12.71.01.1001"),
    ("kepling.pasarbaru1", "Kepala Lingkungan I Pasar Baru", "kepala_lingkungan", "12.71.01.1001.001"),
    ("warga.demo", "Warga Pasar Baru", "warga", "12.71.01.1001.001"),
    ("dprd.demo", "Anggota DPRD (demo)", "anggota_dprd", ""),
    ("opd.pupr", "Operator Dinas PUPR", "operator_opd", "1.03.01"),
    ("setwan.demo", "Staf Sekretariat DPRD (demo)", "sekretariat_dprd", ""),
];

/// How many lingkungan the demo gives a kelurahan: 8 to 18 depending on its code, about 2,000
/// across Medan's 151 kelurahan, as in the real city. A desa gets 2 to 6 dusun, as most have.
fn demo_lingkungan_count(village: &Region) -> usize {
    let code = village.code.as_str();
    let digits: usize = code.bytes().filter(u8::is_ascii_digit).map(|b| (b - b'0') as usize).sum();
    match village.level {
        RegionLevel::Desa => 2 + (digits * 3 + code.len()) % 5,
        _ => 8 + (digits * 7 + code.len()) % 11,
    }
}

/// What a village calls the neighbourhoods below it: lingkungan in a kelurahan, dusun in a desa.
fn neighbourhood_name(village: RegionLevel, number: usize) -> String {
    let kind = if village == RegionLevel::Desa { "Dusun" } else { "Lingkungan" };
    format!("{kind} {}", roman(number))
}

/// The lingkungan (dusun in a desa) the demo gives every village of `official`.
fn demo_lingkungan(official: &official::OfficialPemda) -> Vec<AddLingkungan> {
    let mut rows = Vec::new();
    for village in official.regions.iter().filter(|r| r.level.is_village()) {
        for number in 1..=demo_lingkungan_count(village) {
            rows.push(AddLingkungan {
                kelurahan: village.code.to_string(),
                number: number.to_string(),
                name: neighbourhood_name(village.level, number),
            });
        }
    }
    rows
}

/// How long before `now` the demo's foundation (regions, lingkungan, accounts, DPRD, OPD and
/// priorities) and each cycle's preparation (windows, nomenclature, kamus, ceilings) are dated,
/// so that the journal reads in order: the foundation before the adopted cycle, a year earlier.
const FOUNDATION_DAYS: i64 = 560;
const PREPARATION_DAYS: i64 = 160;
/// How far before the open cycle the adopted one runs.
const YEAR_DAYS: i64 = 365;

/// Seeds Kota Medan with its lingkungan, one account per role, its DPRD, the adopted cycle of
/// [`ADOPTED_TAHUN_ANGGARAN`] (see `adopted`) and the planning cycle of [`DEMO_TAHUN_ANGGARAN`]
/// at the musrenbang kecamatan (see [`seed_demo_cycle`]). Does nothing
/// when the demo is there whole; refuses a database where it is incomplete (cut short, or made
/// by an earlier version without the cycle), rather than guess what is missing.
pub async fn seed_demo(store: &Store, now: OffsetDateTime) -> Result<bool, AddPemdaError> {
    seed_demo_scaled(store, now, 1, &mut |_| {}).await
}

/// [`seed_demo`] with each rembuk warga raising `scale` times as much: about 6,000 proposals per
/// unit of scale, through the same commands and rules. `progress` hears how far it got.
pub async fn seed_demo_scaled(
    store: &Store,
    now: OffsetDateTime,
    scale: usize,
    progress: &mut dyn FnMut(SeedProgress),
) -> Result<bool, AddPemdaError> {
    let seeded = seed_demo_rows(store, now, scale, progress).await?;
    if seeded {
        store.refresh_statistics().await?;
    }
    Ok(seeded)
}

/// [`seed_demo_scaled`] without refreshing the statistics after it: for a seed that goes on to
/// load more (the national size) and refreshes them once at its end.
pub(crate) async fn seed_demo_rows(
    store: &Store,
    now: OffsetDateTime,
    scale: usize,
    progress: &mut dyn FnMut(SeedProgress),
) -> Result<bool, AddPemdaError> {
    let code = RegionCode::parse(DEMO_PEMDA).map_err(|e| AddPemdaError::Malformed(DEMO_PEMDA.into(), e))?;
    if store.pemda(&code).await?.is_some() {
        return if demo_is_complete(store, &code).await? { Ok(false) } else { Err(AddPemdaError::IncompleteDemo) };
    }
    let founded = now - Duration::days(FOUNDATION_DAYS);
    let pemda = seed_demo_foundation(store, founded).await?;
    seed_demo_dprd(store, &pemda, founded).await?;
    store.execute_batch(&Actor::System { label: "demo".into() }, &pemda_master_data(&pemda), founded).await?;
    adopted::seed_adopted_cycle(store, now - Duration::days(YEAR_DAYS), progress).await?;
    seed_demo_cycle(store, now, scale.max(1), progress).await?;
    Ok(true)
}

/// How far a seed got: the forums of one kind written so far, of how many.
#[derive(Debug, Clone, Copy)]
pub struct SeedProgress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

/// Whether the last step of [`seed_demo`] is there: the minutes of the one kecamatan forum the
/// demo runs to the end (every batch before it, the reses and pokir too, was committed before it).
async fn demo_is_complete(store: &Store, pemda: &RegionCode) -> Result<bool, AddPemdaError> {
    let last_user = DEMO_USERS[DEMO_USERS.len() - 1].0;
    if store.credentials(last_user).await?.is_none() {
        return Ok(false);
    }
    let Some(cycle) = store.cycles(pemda).await?.into_iter().find(|c| c.tahun_anggaran == DEMO_TAHUN_ANGGARAN) else {
        return Ok(false);
    };
    let key = ForumKey { cycle_id: cycle.id, stage: Stage::MusrenbangKecamatan, region: code(KECAMATAN_DECIDED) };
    Ok(store.forum_page(&key, 0, 0).await?.facts.meeting.is_some())
}

/// The foundation of the demo, dated `at`: Kota Medan from the official list, its lingkungan and
/// one account per role; nothing of a planning cycle. Tests that build their own cycle start here.
pub async fn seed_demo_foundation(store: &Store, at: OffsetDateTime) -> Result<RegionCode, AddPemdaError> {
    let actor = Actor::System { label: "demo".into() };
    let pemda = store.add_official_pemda(DEMO_PEMDA, &actor, at).await?;
    let official = official::pemda(&pemda).ok_or_else(|| AddPemdaError::Unknown(pemda.to_string()))?;
    let rows = demo_lingkungan(&official);
    store.execute(&actor, &Command::Regions(RegionCommand::AddLingkunganBatch(rows)), at).await?;
    let password_hash = passwords::hash(DEMO_PASSWORD).await?;
    for (username, name, role, scope) in DEMO_USERS {
        let command = demo_account(&pemda, username.into(), name.into(), &password_hash, role, scope.into());
        store.execute(&actor, &command, at).await?;
    }
    Ok(pemda)
}

/// A demo account with one grant and the demo password's `password_hash`.
fn demo_account(
    pemda: &RegionCode,
    username: String,
    name: String,
    password_hash: &str,
    role: &str,
    scope: String,
) -> Command {
    Command::Accounts(AccountCommand::CreateUser(CreateUser {
        pemda: pemda.clone(),
        user_id: Uuid::now_v7(),
        username,
        name,
        password_hash: password_hash.to_string(),
        grants: vec![GrantInput { role: role.into(), scope }],
    }))
}

/// How many dapil and members the demo's DPRD has: Medan's 50 seats in 5 dapil.
pub const DEMO_DAPIL: usize = 5;
pub const DEMO_MEMBERS: usize = 50;

/// The demo's DPRD, dated `at`, all of it invented: five dapil over Medan's kecamatan in code
/// order, fifty members (the demo account `dprd.demo` the first of dapil 1, the others
/// `dprd.01` …) with made-up names, fraksi and komisi, and `setwan.demo` assisting the members
/// of dapil 1. Every account has the demo password.
pub async fn seed_demo_dprd(store: &Store, pemda: &RegionCode, at: OffsetDateTime) -> Result<(), AddPemdaError> {
    const FRAKSI: [&str; 6] = [
        "Fraksi Pembangunan Kota",
        "Fraksi Karya Rakyat",
        "Fraksi Amanat Warga",
        "Fraksi Persatuan Nusantara",
        "Fraksi Keadilan Sejahtera",
        "Fraksi Gabungan Daerah",
    ];
    const KOMISI: [&str; 4] =
        ["Komisi A (Pemerintahan)", "Komisi B (Perekonomian)", "Komisi C (Keuangan)", "Komisi D (Pembangunan)"];
    const GIVEN: [&str; 10] = ["Ahmad", "Rina", "Budi", "Sari", "Hendra", "Dewi", "Rizky", "Maya", "Fajar", "Lestari"];
    const FAMILY: [&str; 10] =
        ["Siregar", "Nasution", "Lubis", "Harahap", "Sinaga", "Simanjuntak", "Tarigan", "Ginting", "Hasibuan", "Pohan"];
    let actor = Actor::System { label: "demo".into() };
    let official = official::pemda(pemda).ok_or_else(|| AddPemdaError::Unknown(pemda.to_string()))?;
    let kecamatan: Vec<String> =
        official.regions.iter().filter(|r| r.level == RegionLevel::Kecamatan).map(|r| r.code.to_string()).collect();
    let password_hash = passwords::hash(DEMO_PASSWORD).await?;
    let mut commands = Vec::new();
    let per_dapil = kecamatan.len().div_ceil(DEMO_DAPIL);
    for (i, share) in kecamatan.chunks(per_dapil).enumerate() {
        commands.push(Command::Dprd(DprdCommand::SaveDapil {
            pemda: pemda.clone(),
            code: format!("MEDAN-{}", i + 1),
            name: format!("Medan {}", i + 1),
            kecamatan: share.to_vec(),
        }));
    }
    for n in 0..DEMO_MEMBERS {
        let username = if n == 0 { "dprd.demo".to_string() } else { format!("dprd.{n:02}") };
        if n > 0 {
            let name = format!("{} {}", GIVEN[n % GIVEN.len()], FAMILY[(n / GIVEN.len() + n) % FAMILY.len()]);
            commands.push(demo_account(pemda, username.clone(), name, &password_hash, "anggota_dprd", String::new()));
        }
        let dapil = n % DEMO_DAPIL + 1;
        commands.push(Command::Dprd(DprdCommand::SaveMember {
            pemda: pemda.clone(),
            username,
            fraksi: FRAKSI[n % FRAKSI.len()].into(),
            komisi: KOMISI[n % KOMISI.len()].into(),
            dapil: format!("MEDAN-{dapil}"),
            assistants: if dapil == 1 { vec!["setwan.demo".into()] } else { Vec::new() },
        }));
    }
    store.execute_batch(&actor, &commands, at).await?;
    Ok(())
}

/// The tahun anggaran of the demo's planning cycle.
pub const DEMO_TAHUN_ANGGARAN: i32 = 2027;
/// The kecamatan whose musrenbang the demo has fully decided, ranked and minuted but not closed:
/// its accepted total is over its ceiling, so it shows the pagu check refusing to close.
pub const KECAMATAN_DECIDED: &str = "12.71.02";
/// The kecamatan whose musrenbang the demo has half decided.
pub const KECAMATAN_HALF_DECIDED: &str = "12.71.03";

fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).expect("a region code of the demo")
}

/// The demo's perangkat daerah. Codes are `urusan.bidang urusan.unit` (Permendagri 90/2019's
/// bidang urusan, then the unit's number within it), as the demo account `opd.pupr` (1.03.01).
pub const DEMO_OPD: [(&str, &str); 14] = [
    ("1.01.01", "Dinas Pendidikan"),
    ("1.02.01", "Dinas Kesehatan"),
    ("1.03.01", "Dinas Pekerjaan Umum"),
    ("1.04.01", "Dinas Perumahan, Kawasan Permukiman dan Penataan Ruang"),
    ("1.05.01", "Badan Penanggulangan Bencana Daerah"),
    ("1.06.01", "Dinas Sosial"),
    ("2.07.01", "Dinas Ketenagakerjaan"),
    ("2.08.01", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"),
    ("2.09.01", "Dinas Ketahanan Pangan"),
    ("2.11.01", "Dinas Lingkungan Hidup"),
    ("2.15.01", "Dinas Perhubungan"),
    ("2.17.01", "Dinas Koperasi, Usaha Kecil dan Menengah"),
    ("2.19.01", "Dinas Pemuda dan Olahraga"),
    ("2.22.01", "Dinas Kebudayaan"),
];

/// One entry of the demo's kamus usulan, with what the demo needs to raise proposals of it.
struct DemoKamus {
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    /// Whole rupiah per unit.
    price: i64,
    opd: &'static str,
    bidang: Bidang,
    fisik: bool,
    /// How often residents ask for it, relative to the others.
    weight: u32,
    /// The volume asked, in whole units.
    volume: (i64, i64),
    /// `{tempat}` is a street or gang, `{ling}` the lingkungan.
    title: &'static str,
    problems: [&'static str; 2],
}

const INFRA: Bidang = Bidang::InfrastrukturKewilayahan;
const EKONOMI: Bidang = Bidang::EkonomiSda;
const SOSIAL: Bidang = Bidang::SosialBudayaPemerintahan;

#[rustfmt::skip]
const DEMO_KAMUS: [DemoKamus; 33] = [
    DemoKamus { code: "PU-001", name: "Pengaspalan jalan lingkungan (hotmix, lebar 3 m)", unit: "meter", price: 1_250_000, opd: "1.03.01", bidang: INFRA, fisik: true, weight: 12, volume: (50, 250),
        title: "Pengaspalan jalan {tempat}", problems: ["Jalan berlubang dan tergenang saat hujan, menyulitkan warga dan anak sekolah.", "Aspal lama sudah terkelupas; pengendara sepeda motor sering tergelincir."] },
    DemoKamus { code: "PU-002", name: "Pembetonan jalan lingkungan (rabat beton, lebar 3 m)", unit: "meter", price: 1_050_000, opd: "1.03.01", bidang: INFRA, fisik: true, weight: 8, volume: (40, 200),
        title: "Pembetonan jalan {tempat}", problems: ["Jalan masih tanah dan becek pada musim hujan.", "Permukaan jalan rusak berat dan sulit dilalui becak dan ambulans."] },
    DemoKamus { code: "PU-003", name: "Pemasangan paving block gang (lebar 2 m)", unit: "meter", price: 420_000, opd: "1.03.01", bidang: INFRA, fisik: true, weight: 8, volume: (30, 150),
        title: "Pemasangan paving block {tempat}", problems: ["Gang sempit masih tanah, licin dan berlumpur saat hujan.", "Paving lama rusak dan tidak rata sehingga membahayakan lansia."] },
    DemoKamus { code: "PU-004", name: "Pembangunan saluran drainase (U-ditch 40 x 40 cm)", unit: "meter", price: 1_350_000, opd: "1.03.01", bidang: INFRA, fisik: true, weight: 12, volume: (40, 200),
        title: "Pembangunan drainase {tempat}", problems: ["Belum ada saluran; air hujan menggenangi rumah warga.", "Banjir setinggi 30 cm setiap hujan deras karena air tidak mengalir."] },
    DemoKamus { code: "PU-005", name: "Normalisasi dan perbaikan saluran drainase", unit: "meter", price: 450_000, opd: "1.03.01", bidang: INFRA, fisik: true, weight: 8, volume: (50, 300),
        title: "Normalisasi drainase {tempat}", problems: ["Saluran tersumbat sedimen dan sampah; air meluap ke jalan.", "Dinding saluran runtuh di beberapa titik."] },
    DemoKamus { code: "PU-006", name: "Pembangunan gorong-gorong (box culvert)", unit: "unit", price: 35_000_000, opd: "1.03.01", bidang: INFRA, fisik: true, weight: 3, volume: (1, 3),
        title: "Pembangunan gorong-gorong {tempat}", problems: ["Gorong-gorong lama terlalu kecil sehingga air balik ke permukiman.", "Gorong-gorong amblas dan membahayakan kendaraan yang melintas."] },
    DemoKamus { code: "PU-007", name: "Pembangunan tembok penahan tanah (turap) saluran", unit: "meter", price: 2_750_000, opd: "1.03.01", bidang: INFRA, fisik: true, weight: 3, volume: (20, 100),
        title: "Pembangunan turap saluran {tempat}", problems: ["Tebing saluran longsor dan mengancam rumah warga di tepinya.", "Turap lama retak dan miring ke arah saluran."] },
    DemoKamus { code: "PKP-001", name: "Pemasangan lampu penerangan jalan umum (LED)", unit: "unit", price: 9_500_000, opd: "1.04.01", bidang: INFRA, fisik: true, weight: 8, volume: (3, 15),
        title: "Pemasangan lampu jalan {tempat}", problems: ["Jalan gelap pada malam hari dan rawan kejahatan.", "Belum ada lampu jalan sepanjang gang; warga pulang kerja malam merasa tidak aman."] },
    DemoKamus { code: "PKP-002", name: "Rehabilitasi rumah tidak layak huni", unit: "unit", price: 25_000_000, opd: "1.04.01", bidang: INFRA, fisik: true, weight: 4, volume: (2, 8),
        title: "Rehabilitasi rumah tidak layak huni {ling}", problems: ["Beberapa rumah warga miskin beratap bocor dan berdinding papan lapuk.", "Rumah warga lansia hampir roboh dan tidak memiliki jamban."] },
    DemoKamus { code: "PKP-003", name: "Pembangunan MCK komunal", unit: "unit", price: 150_000_000, opd: "1.04.01", bidang: INFRA, fisik: true, weight: 2, volume: (1, 1),
        title: "Pembangunan MCK umum {tempat}", problems: ["Sebagian warga belum memiliki jamban sehat dan membuang limbah ke parit.", "MCK umum yang ada rusak dan tidak berair."] },
    DemoKamus { code: "PKP-004", name: "Penataan taman dan ruang terbuka hijau lingkungan", unit: "paket", price: 75_000_000, opd: "1.04.01", bidang: INFRA, fisik: true, weight: 2, volume: (1, 1),
        title: "Penataan taman lingkungan {tempat}", problems: ["Lahan kosong milik Pemko tidak terawat dan menjadi tempat pembuangan sampah.", "Anak-anak tidak punya tempat bermain yang aman."] },
    DemoKamus { code: "DLH-001", name: "Pengadaan tong sampah terpilah", unit: "unit", price: 1_750_000, opd: "2.11.01", bidang: INFRA, fisik: true, weight: 3, volume: (5, 30),
        title: "Pengadaan tong sampah terpilah {ling}", problems: ["Warga membuang sampah ke parit karena tidak ada tempat sampah.", "Sampah menumpuk di pinggir jalan dan menimbulkan bau."] },
    DemoKamus { code: "DLH-002", name: "Pengadaan becak sampah bermotor", unit: "unit", price: 32_000_000, opd: "2.11.01", bidang: INFRA, fisik: true, weight: 2, volume: (1, 2),
        title: "Pengadaan becak sampah untuk {ling}", problems: ["Sampah rumah tangga hanya diangkut seminggu sekali.", "Gang terlalu sempit untuk truk sampah."] },
    DemoKamus { code: "DLH-003", name: "Penanaman pohon pelindung", unit: "batang", price: 350_000, opd: "2.11.01", bidang: INFRA, fisik: true, weight: 2, volume: (20, 100),
        title: "Penanaman pohon pelindung {tempat}", problems: ["Jalan gersang dan panas tanpa peneduh.", "Pohon lama ditebang saat pelebaran jalan dan belum diganti."] },
    DemoKamus { code: "DSH-001", name: "Pemasangan rambu lalu lintas", unit: "unit", price: 2_600_000, opd: "2.15.01", bidang: INFRA, fisik: true, weight: 2, volume: (2, 10),
        title: "Pemasangan rambu lalu lintas {tempat}", problems: ["Sering terjadi kecelakaan di persimpangan dekat sekolah.", "Kendaraan berat melintas di jalan lingkungan tanpa larangan."] },
    DemoKamus { code: "DSH-002", name: "Pemasangan cermin tikungan", unit: "unit", price: 3_200_000, opd: "2.15.01", bidang: INFRA, fisik: true, weight: 1, volume: (1, 4),
        title: "Pemasangan cermin tikungan {tempat}", problems: ["Tikungan tajam tanpa pandangan bebas; sering terjadi tabrakan.", "Pengendara dari gang tidak melihat kendaraan dari jalan utama."] },
    DemoKamus { code: "DSH-003", name: "Pembuatan marka jalan", unit: "meter", price: 85_000, opd: "2.15.01", bidang: INFRA, fisik: true, weight: 1, volume: (100, 500),
        title: "Pembuatan marka jalan {tempat}", problems: ["Marka jalan sudah pudar sehingga membingungkan pengendara.", "Belum ada zebra cross di depan sekolah."] },
    DemoKamus { code: "KES-001", name: "Paket peralatan posyandu", unit: "paket", price: 12_500_000, opd: "1.02.01", bidang: SOSIAL, fisik: true, weight: 4, volume: (1, 2),
        title: "Pengadaan peralatan posyandu {ling}", problems: ["Timbangan dan alat ukur tinggi badan balita di posyandu sudah rusak.", "Posyandu belum memiliki tensimeter dan alat ukur lingkar kepala."] },
    DemoKamus { code: "KES-002", name: "Pemberian makanan tambahan balita dan ibu hamil", unit: "paket", price: 15_000_000, opd: "1.02.01", bidang: SOSIAL, fisik: false, weight: 3, volume: (1, 2),
        title: "Pemberian makanan tambahan bagi balita {ling}", problems: ["Ada balita dengan berat badan di bawah garis merah.", "Angka stunting di lingkungan masih tinggi."] },
    DemoKamus { code: "KES-003", name: "Pengendalian vektor demam berdarah (fogging dan abatisasi)", unit: "kegiatan", price: 4_500_000, opd: "1.02.01", bidang: SOSIAL, fisik: false, weight: 2, volume: (1, 3),
        title: "Fogging dan abatisasi {ling}", problems: ["Beberapa warga terkena demam berdarah dalam tiga bulan terakhir.", "Banyak genangan air menjadi sarang nyamuk."] },
    DemoKamus { code: "DIK-001", name: "Rehabilitasi ruang kelas sekolah dasar negeri", unit: "ruang", price: 185_000_000, opd: "1.01.01", bidang: SOSIAL, fisik: true, weight: 2, volume: (1, 3),
        title: "Rehabilitasi ruang kelas SD Negeri dekat {tempat}", problems: ["Atap ruang kelas bocor dan plafon runtuh.", "Lantai kelas retak dan jendela rusak."] },
    DemoKamus { code: "DIK-002", name: "Pengadaan meubelair sekolah", unit: "paket", price: 45_000_000, opd: "1.01.01", bidang: SOSIAL, fisik: true, weight: 1, volume: (1, 2),
        title: "Pengadaan meja dan kursi SD Negeri dekat {tempat}", problems: ["Murid duduk berdesakan karena bangku rusak.", "Meja dan kursi sudah lapuk dimakan rayap."] },
    DemoKamus { code: "SOS-001", name: "Bantuan alat bantu penyandang disabilitas", unit: "paket", price: 7_500_000, opd: "1.06.01", bidang: SOSIAL, fisik: false, weight: 2, volume: (1, 3),
        title: "Bantuan kursi roda dan alat bantu dengar bagi warga {ling}", problems: ["Ada warga penyandang disabilitas yang belum memiliki alat bantu.", "Lansia tidak dapat ke posyandu karena tidak punya kursi roda."] },
    DemoKamus { code: "SOS-002", name: "Pelatihan keterampilan bagi keluarga miskin", unit: "paket", price: 35_000_000, opd: "1.06.01", bidang: SOSIAL, fisik: false, weight: 2, volume: (1, 1),
        title: "Pelatihan menjahit bagi keluarga prasejahtera {ling}", problems: ["Banyak ibu rumah tangga dari keluarga miskin tanpa penghasilan.", "Keluarga penerima bantuan ingin mandiri tetapi tidak punya keterampilan."] },
    DemoKamus { code: "UKM-001", name: "Pelatihan kewirausahaan dan pemasaran digital UMKM", unit: "paket", price: 30_000_000, opd: "2.17.01", bidang: EKONOMI, fisik: false, weight: 3, volume: (1, 1),
        title: "Pelatihan UMKM dan pemasaran daring {ling}", problems: ["Pelaku usaha kecil belum bisa menjual secara daring.", "Usaha rumahan belum memiliki izin dan kemasan yang layak."] },
    DemoKamus { code: "UKM-002", name: "Bantuan peralatan usaha mikro", unit: "paket", price: 10_000_000, opd: "2.17.01", bidang: EKONOMI, fisik: false, weight: 2, volume: (1, 3),
        title: "Bantuan peralatan usaha bagi pedagang kecil {ling}", problems: ["Pedagang kecil kehilangan modal usaha.", "Peralatan usaha warga sudah rusak dan tidak mampu diganti."] },
    DemoKamus { code: "NAK-001", name: "Pelatihan kerja berbasis kompetensi", unit: "paket", price: 40_000_000, opd: "2.07.01", bidang: EKONOMI, fisik: false, weight: 2, volume: (1, 1),
        title: "Pelatihan kerja las dan otomotif bagi pemuda {ling}", problems: ["Banyak pemuda putus sekolah yang menganggur.", "Lulusan SMA sulit mendapat pekerjaan tanpa sertifikat keahlian."] },
    DemoKamus { code: "BPB-001", name: "Pengadaan alat pemadam api ringan (APAR)", unit: "unit", price: 1_200_000, opd: "1.05.01", bidang: SOSIAL, fisik: true, weight: 2, volume: (5, 20),
        title: "Pengadaan APAR untuk permukiman padat {ling}", problems: ["Permukiman padat rawan kebakaran dan sulit dijangkau mobil pemadam.", "Tahun lalu terjadi kebakaran yang menghanguskan beberapa rumah."] },
    DemoKamus { code: "BPB-002", name: "Sosialisasi dan simulasi kesiapsiagaan bencana", unit: "kegiatan", price: 12_000_000, opd: "1.05.01", bidang: SOSIAL, fisik: false, weight: 1, volume: (1, 1),
        title: "Simulasi tanggap banjir dan kebakaran {ling}", problems: ["Warga belum tahu jalur evakuasi saat banjir.", "Belum ada relawan siaga bencana di lingkungan."] },
    DemoKamus { code: "PPA-001", name: "Sosialisasi pencegahan kekerasan terhadap perempuan dan anak", unit: "kegiatan", price: 8_500_000, opd: "2.08.01", bidang: SOSIAL, fisik: false, weight: 1, volume: (1, 1),
        title: "Sosialisasi perlindungan perempuan dan anak {ling}", problems: ["Ada kasus kekerasan dalam rumah tangga yang tidak dilaporkan.", "Orang tua belum memahami bahaya perundungan dan kekerasan daring."] },
    DemoKamus { code: "POR-001", name: "Pengadaan peralatan olahraga lingkungan", unit: "paket", price: 15_000_000, opd: "2.19.01", bidang: SOSIAL, fisik: true, weight: 1, volume: (1, 1),
        title: "Pengadaan peralatan olahraga untuk pemuda {ling}", problems: ["Pemuda tidak memiliki kegiatan positif sepulang sekolah.", "Lapangan ada tetapi peralatan sudah rusak."] },
    DemoKamus { code: "BUD-001", name: "Pengadaan alat kesenian tradisional", unit: "paket", price: 20_000_000, opd: "2.22.01", bidang: SOSIAL, fisik: true, weight: 1, volume: (1, 1),
        title: "Pengadaan alat musik tradisional sanggar {ling}", problems: ["Sanggar seni warga meminjam alat musik untuk setiap pertunjukan.", "Generasi muda mulai meninggalkan kesenian daerah."] },
    DemoKamus { code: "PGN-001", name: "Pengembangan pekarangan pangan lestari (urban farming)", unit: "paket", price: 25_000_000, opd: "2.09.01", bidang: EKONOMI, fisik: false, weight: 2, volume: (1, 1),
        title: "Urban farming kelompok wanita tani {ling}", problems: ["Lahan pekarangan tidak dimanfaatkan sementara harga sayur naik.", "Kelompok wanita tani belum memiliki bibit dan media tanam."] },
];

#[rustfmt::skip]
const STREETS: [&str; 32] = [
    "Jl. Sisingamangaraja", "Jl. Brigjend Katamso", "Jl. Halat", "Jl. Thamrin", "Jl. Asia", "Jl. Pandu",
    "Jl. Sutomo", "Jl. Krakatau", "Jl. Pancing", "Jl. Letda Sujono", "Jl. Setia Budi", "Jl. Dr. Mansyur",
    "Jl. Sei Batang Hari", "Jl. Kapten Muslim", "Jl. Gagak Hitam", "Jl. Marelan Raya", "Jl. Yos Sudarso",
    "Jl. Titi Kuning", "Jl. Karya Wisata", "Jl. Bunga Lau", "Jl. Jamin Ginting", "Jl. Perjuangan", "Jl. Pelita",
    "Jl. Rakyat", "Jl. Bilal", "Jl. Platina", "Jl. Garu", "Jl. Menteng Raya", "Jl. Denai", "Jl. Tuasan",
    "Jl. Karya", "Jl. Kenanga Raya",
];

#[rustfmt::skip]
const GANGS: [&str; 24] = [
    "Gg. Melati", "Gg. Mawar", "Gg. Kenanga", "Gg. Dahlia", "Gg. Anggrek", "Gg. Sepakat", "Gg. Rukun",
    "Gg. Damai", "Gg. Bersama", "Gg. Keluarga", "Gg. Musholla", "Gg. Sederhana", "Gg. Pinang", "Gg. Kelapa",
    "Gg. Langgar", "Gg. Masjid", "Gg. Pendidikan", "Gg. Sehat", "Gg. Bahagia", "Gg. Pertama", "Gg. Setia",
    "Gg. Jambu", "Gg. Rambutan", "Gg. Mangga",
];

#[rustfmt::skip]
const FIRST_NAMES: [&str; 32] = [
    "Ahmad", "Rina", "Budi", "Siti", "Darwin", "Maria", "Hendra", "Dewi", "Rudi", "Fitri", "Agus", "Yusuf",
    "Lestari", "Indra", "Nurhayati", "Joko", "Putri", "Andi", "Wati", "Syahrul", "Rahmat", "Ratna", "Ferdinand",
    "Sri", "Iwan", "Juliana", "Bambang", "Rosmawati", "Fauzi", "Lina", "Togar", "Mariani",
];

#[rustfmt::skip]
const FAMILY_NAMES: [&str; 24] = [
    "Siregar", "Nasution", "Harahap", "Lubis", "Simanjuntak", "Sitorus", "Tarigan", "Ginting", "Sembiring",
    "Pohan", "Saragih", "Daulay", "Hutagalung", "Batubara", "Matondang", "Purba", "Manurung", "Silalahi",
    "Panjaitan", "Rangkuti", "Situmorang", "Damanik", "Pane", "Hasibuan",
];

const RESIDENT_ROLES: [&str; 6] =
    ["Tokoh masyarakat", "Ketua PKK", "Perwakilan pemuda", "Tokoh agama", "Warga", "Kader posyandu"];

const CHANGE_REASONS: [&str; 3] = [
    "Volume disesuaikan dengan hasil peninjauan lapangan",
    "Volume dikurangi agar sesuai dengan kemampuan anggaran",
    "Panjang ruas disesuaikan dengan kondisi eksisting",
];

const KELURAHAN_REJECTIONS: [&str; 5] = [
    "Lokasi berada di jalan provinsi, bukan kewenangan Pemerintah Kota",
    "Sudah direalisasikan pada tahun anggaran 2026",
    "Lahan belum berstatus milik Pemerintah Kota Medan",
    "Lebih tepat dibiayai dari dana kelurahan",
    "Duplikasi dengan usulan lain di lokasi yang sama",
];

const KECAMATAN_REJECTIONS: [&str; 3] = [
    "Tidak termasuk prioritas kecamatan tahun ini; diusulkan kembali tahun depan",
    "Menjadi kewenangan Pemerintah Provinsi Sumatera Utara",
    "Telah dianggarkan melalui kegiatan OPD pada tahun berjalan",
];

/// Roughly where each of Medan's 21 kecamatan lies (latitude, longitude).
const KECAMATAN_CENTRES: [(f64, f64); 21] = [
    (3.575, 98.690),
    (3.585, 98.625),
    (3.605, 98.640),
    (3.565, 98.715),
    (3.600, 98.670),
    (3.680, 98.680),
    (3.505, 98.615),
    (3.770, 98.690),
    (3.540, 98.715),
    (3.580, 98.705),
    (3.535, 98.670),
    (3.710, 98.650),
    (3.720, 98.690),
    (3.595, 98.725),
    (3.575, 98.680),
    (3.565, 98.665),
    (3.575, 98.660),
    (3.605, 98.700),
    (3.590, 98.660),
    (3.605, 98.690),
    (3.555, 98.640),
];

/// The demo's dice: splitmix64 seeded by an FNV-1a hash of a key, so every run draws the same.
struct Dice(u64);

impl Dice {
    fn new(key: &str) -> Dice {
        let mut hash = 0xcbf2_9ce4_8422_2325_u64;
        for byte in key.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        Dice(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A whole number in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1).max(1) as u64) as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn text(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// A fraction in `-1.0..1.0`.
    fn spread(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 52) as f64 - 1.0
    }

    fn percent(&mut self) -> usize {
        self.below(100)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    fn person(&mut self) -> String {
        format!("{} {}", self.pick(&FIRST_NAMES), self.pick(&FAMILY_NAMES))
    }

    fn kamus(&mut self) -> &'static DemoKamus {
        let total: u32 = DEMO_KAMUS.iter().map(|k| k.weight).sum();
        let mut roll = self.below(total as usize) as u32;
        for item in &DEMO_KAMUS {
            if roll < item.weight {
                return item;
            }
            roll -= item.weight;
        }
        &DEMO_KAMUS[0]
    }
}

/// What a forum decided on a proposal the demo planned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Accept,
    /// A smaller volume (whole units), or when it cannot shrink a corrected address.
    Change {
        volume: i64,
        address: Option<String>,
        reason: &'static str,
    },
    Reject(&'static str),
}

impl Verdict {
    /// A forum's verdict: three in four accepted, one in ten with changes, the rest rejected
    /// with one of `rejections`. A corrected address carries the forum's `correction`.
    fn draw(
        dice: &mut Dice,
        volume: i64,
        address: &str,
        correction: &str,
        rejections: &'static [&'static str],
    ) -> Verdict {
        match dice.percent() {
            0..75 => Verdict::Accept,
            75..85 if volume >= 2 => Verdict::Change {
                volume: (volume * dice.between(60, 90) / 100).clamp(1, volume - 1),
                address: None,
                reason: dice.text(&CHANGE_REASONS),
            },
            75..85 => Verdict::Change {
                volume,
                address: Some(format!("{address} ({correction})")),
                reason: "Lokasi disesuaikan dengan hasil peninjauan lapangan",
            },
            _ => Verdict::Reject(dice.text(rejections)),
        }
    }

    /// The volume agreed, or `None` when rejected.
    fn volume(&self, before: i64) -> Option<i64> {
        match self {
            Verdict::Accept => Some(before),
            Verdict::Change { volume, .. } => Some(*volume),
            Verdict::Reject(_) => None,
        }
    }

    fn input(&self) -> DecisionInput {
        match self {
            Verdict::Accept => DecisionInput::Accept,
            Verdict::Change { volume, address, reason } => DecisionInput::AcceptWithChanges {
                volume: volume.to_string(),
                kamus_code: String::new(),
                lingkungan: String::new(),
                address: address.clone().unwrap_or_default(),
                opd_code: String::new(),
                reason: (*reason).to_string(),
            },
            Verdict::Reject(reason) => DecisionInput::Reject { reason: (*reason).to_string() },
        }
    }
}

/// One proposal of the demo, with its fate at each forum.
#[derive(Debug, Clone)]
struct PlannedProposal {
    input: ProposalInput,
    price: i64,
    volume: i64,
    at_kelurahan: Verdict,
    /// Only in the kecamatan the demo has (partly) decided.
    at_kecamatan: Option<Verdict>,
}

impl PlannedProposal {
    fn id(&self) -> Uuid {
        self.input.proposal_id
    }

    /// The volume that reaches the kecamatan, if the kelurahan accepted it.
    fn forwarded_volume(&self) -> Option<i64> {
        self.at_kelurahan.volume(self.volume)
    }

    // The demo's volumes and prices are small: every cost is far inside the bound, and a cost
    // that were not would make its proposal's submission fail loudly when seeded.
    fn forwarded_cost(&self) -> i64 {
        self.forwarded_volume().and_then(|v| cost_of(v * 1000, self.price).ok()).unwrap_or(0)
    }

    fn kecamatan_cost(&self) -> i64 {
        match (&self.at_kecamatan, self.forwarded_volume()) {
            (Some(verdict), Some(volume)) => {
                verdict.volume(volume).and_then(|v| cost_of(v * 1000, self.price).ok()).unwrap_or(0)
            }
            _ => 0,
        }
    }
}

struct PlannedLingkungan {
    code: RegionCode,
    /// "Lingkungan IV", or "Dusun IV" in a desa.
    name: String,
    /// Days before `now` its rembuk warga met.
    days_ago: i64,
    proposals: Vec<PlannedProposal>,
}

struct PlannedKelurahan {
    code: RegionCode,
    name: String,
    desa: bool,
    kecamatan: RegionCode,
    /// Where its proposals' points are drawn around, and the streets they name.
    centre: (f64, f64),
    streets: Vec<&'static str>,
    /// Days before `now` its musrenbang met; not yet met when not positive.
    days_ago: i64,
    lingkungan: Vec<PlannedLingkungan>,
    /// The kelurahan's own proposals, raised at its musrenbang.
    own: Vec<PlannedProposal>,
}

impl PlannedKelurahan {
    fn all(&self) -> impl Iterator<Item = &PlannedProposal> {
        self.lingkungan.iter().flat_map(|l| l.proposals.iter()).chain(self.own.iter())
    }

    /// Whether its musrenbang has met by `now`: only then are its own proposals raised and its
    /// decisions written.
    fn has_met(&self) -> bool {
        self.days_ago > 0
    }
}

/// The whole demo cycle, drawn before anything is written, so the ceilings can be set at the
/// start from the totals the forums will reach.
struct DemoPlan {
    cycle_id: Uuid,
    /// Mixed into every draw: the same city draws other proposals in another year.
    season: String,
    kecamatan: Vec<(RegionCode, String)>,
    kelurahan: Vec<PlannedKelurahan>,
}

/// A point near `centre`, at most `radius` degrees away in each direction, inside Indonesia.
fn near(dice: &mut Dice, centre: (f64, f64), radius: f64) -> (f64, f64) {
    let lat = (centre.0 + dice.spread() * radius).clamp(LAT_RANGE.0, LAT_RANGE.1);
    let lon = (centre.1 + dice.spread() * radius).clamp(LON_RANGE.0, LON_RANGE.1);
    (lat, lon)
}

/// Roughly where each province's capital lies (latitude, longitude), by its Kemendagri code:
/// where a pemda other than Medan is put, for a national benchmark's map points.
#[rustfmt::skip]
const PROVINCE_CENTRES: [(&str, (f64, f64)); 38] = [
    ("11", (5.55, 95.32)), ("12", (3.59, 98.67)), ("13", (-0.95, 100.35)), ("14", (0.51, 101.45)),
    ("15", (-1.61, 103.61)), ("16", (-2.98, 104.76)), ("17", (-3.80, 102.27)), ("18", (-5.43, 105.26)),
    ("19", (-2.13, 106.11)), ("21", (0.92, 104.45)), ("31", (-6.20, 106.82)), ("32", (-6.91, 107.61)),
    ("33", (-6.97, 110.42)), ("34", (-7.80, 110.36)), ("35", (-7.25, 112.75)), ("36", (-6.12, 106.15)),
    ("51", (-8.65, 115.22)), ("52", (-8.58, 116.12)), ("53", (-10.16, 123.60)), ("61", (-0.03, 109.33)),
    ("62", (-2.21, 113.92)), ("63", (-3.32, 114.59)), ("64", (-0.50, 117.15)), ("65", (2.84, 117.37)),
    ("71", (1.47, 124.84)), ("72", (-0.90, 119.87)), ("73", (-5.15, 119.43)), ("74", (-3.97, 122.51)),
    ("75", (0.54, 123.06)), ("76", (-2.68, 118.89)), ("81", (-3.70, 128.17)), ("82", (0.74, 127.57)),
    ("91", (-2.53, 140.72)), ("92", (-0.86, 134.06)), ("93", (-8.49, 140.40)), ("94", (-3.37, 135.50)),
    ("95", (-4.10, 138.95)), ("96", (-0.88, 131.25)),
];

/// Roughly where the `index`th kecamatan of `pemda` lies: Medan's own, or for another pemda a
/// point drawn near its province's capital (the official list has no coordinates).
fn kecamatan_centre(pemda: &RegionCode, index: usize) -> (f64, f64) {
    if pemda.as_str() == DEMO_PEMDA {
        return KECAMATAN_CENTRES[index % KECAMATAN_CENTRES.len()];
    }
    let province = pemda.as_str().split('.').next().unwrap_or_default();
    let capital = PROVINCE_CENTRES.iter().find(|(code, _)| *code == province).map_or((-2.5, 118.0), |(_, c)| *c);
    let town = near(&mut Dice::new(&format!("centre {pemda}")), capital, 0.6);
    near(&mut Dice::new(&format!("centre {pemda} {index}")), town, 0.08)
}

/// How a plan is drawn: how much each rembuk warga raises, when the forums met, and why
/// villages turn proposals down.
struct Shape {
    /// Proposals per rembuk warga, in thousandths of the demo's (2 to 4).
    per_mille: usize,
    /// The range of days before `now` the rembuk warga met.
    rembuk_days_ago: (i64, i64),
    /// The range of days before `now` the musrenbang kelurahan/desa meet; not positive for one
    /// that has not met yet.
    village_days_ago: (i64, i64),
    rejections: &'static [&'static str],
}

impl Shape {
    /// The demo's own: every lingkungan met four to five months ago, every kelurahan three.
    fn demo(scale: usize) -> Shape {
        Shape {
            per_mille: scale.max(1) * 1000,
            rembuk_days_ago: (121, 148),
            village_days_ago: (82, 108),
            rejections: &KELURAHAN_REJECTIONS,
        }
    }
}

fn plan_proposal(
    dice: &mut Dice,
    cycle_id: Uuid,
    stage: Stage,
    lingkungan: &PlannedLingkungan,
    village: &PlannedKelurahan,
    rejections: &'static [&'static str],
) -> PlannedProposal {
    let kamus = dice.kamus();
    let street = *dice.pick(&village.streets);
    let gang = *dice.pick(&GANGS);
    let on_gang = dice.percent() < 60;
    let place = if on_gang { gang.to_string() } else { street.to_string() };
    let address = if on_gang { format!("{gang}, {street}") } else { street.to_string() };
    let title = kamus.title.replace("{tempat}", &place).replace("{ling}", &lingkungan.name);
    let volume = dice.between(kamus.volume.0, kamus.volume.1);
    let (latitude, longitude) = if kamus.fisik || dice.percent() < 30 {
        let (lat, lon) = near(dice, village.centre, 0.004);
        (format!("{lat:.6}"), format!("{lon:.6}"))
    } else {
        (String::new(), String::new())
    };
    // Dana kelurahan is a kelurahan's: a desa has its own village fund, outside this plan.
    let track = if dice.percent() < 7 && !village.desa { Track::DanaKelurahan } else { Track::Apbd };
    let problem = (*dice.pick(&kamus.problems)).to_string();
    let at_kelurahan = Verdict::draw(dice, volume, &address, "titik lokasi dikoreksi", rejections);
    PlannedProposal {
        input: ProposalInput {
            proposal_id: Uuid::now_v7(),
            cycle_id,
            stage,
            title,
            problem,
            kamus_code: kamus.code.to_string(),
            volume: volume.to_string(),
            lingkungan: lingkungan.code.to_string(),
            address,
            latitude,
            longitude,
            track: track.as_str().to_string(),
            priority: demo_priority_of(kamus.code).to_string(),
        },
        price: kamus.price,
        volume,
        at_kelurahan,
        at_kecamatan: None,
    }
}

impl DemoPlan {
    /// A plan of `official`'s villages drawn to `shape` (the demo's is [`Shape::demo`]; a
    /// benchmark's city raises more in the same forums). `season` is mixed into every draw.
    fn draw(official: &official::OfficialPemda, cycle_id: Uuid, shape: &Shape, season: &str) -> DemoPlan {
        let kecamatan: Vec<(RegionCode, String)> = official
            .regions
            .iter()
            .filter(|r| r.level == RegionLevel::Kecamatan)
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect();
        let mut kelurahan = Vec::new();
        for region in official.regions.iter().filter(|r| r.level.is_village()) {
            let mut dice = Dice::new(&format!("{season}{}", region.code));
            let parent = region.code.parent().expect("a village has a kecamatan");
            let index = kecamatan.iter().position(|(c, _)| c == &parent).unwrap_or(0);
            let centre = near(&mut dice, kecamatan_centre(&official.code, index), 0.012);
            let mut streets: Vec<&'static str> = (0..5).map(|_| dice.text(&STREETS)).collect();
            streets.sort_unstable();
            streets.dedup();
            let mut village = PlannedKelurahan {
                code: region.code.clone(),
                name: region.name.clone(),
                desa: region.level == RegionLevel::Desa,
                kecamatan: parent,
                centre,
                streets,
                days_ago: 0,
                lingkungan: Vec::new(),
                own: Vec::new(),
            };
            for number in 1..=demo_lingkungan_count(region) {
                let code = region.code.child_lingkungan(&number.to_string()).expect("a lingkungan number");
                let mut dice = Dice::new(&format!("{season}{code}"));
                // Rounded to the nearest, so that a whole multiple of the demo draws exactly
                // that many times as much.
                let count = ((2 + dice.below(3)) * shape.per_mille + 500) / 1000;
                let mut lingkungan = PlannedLingkungan {
                    code,
                    name: neighbourhood_name(region.level, number),
                    days_ago: 0,
                    proposals: Vec::new(),
                };
                let stage = Stage::RembukWarga;
                lingkungan.proposals = (0..count)
                    .map(|_| plan_proposal(&mut dice, cycle_id, stage, &lingkungan, &village, shape.rejections))
                    .collect();
                lingkungan.days_ago = dice.between(shape.rembuk_days_ago.0, shape.rembuk_days_ago.1);
                village.lingkungan.push(lingkungan);
            }
            let own_count = if dice.percent() < 35 { 1 + dice.below(2) } else { 0 };
            let own = (0..own_count)
                .map(|_| {
                    let lingkungan = &village.lingkungan[dice.below(village.lingkungan.len())];
                    plan_proposal(
                        &mut dice,
                        cycle_id,
                        Stage::MusrenbangKelurahan,
                        lingkungan,
                        &village,
                        shape.rejections,
                    )
                })
                .collect();
            village.own = own;
            village.days_ago = dice.between(shape.village_days_ago.0, shape.village_days_ago.1);
            kelurahan.push(village);
        }
        DemoPlan { cycle_id, season: season.to_string(), kecamatan, kelurahan }
    }

    /// The plan of the demo's open cycle: one kecamatan fully decided, one half.
    fn open(official: &official::OfficialPemda, cycle_id: Uuid, scale: usize) -> DemoPlan {
        let mut plan = DemoPlan::draw(official, cycle_id, &Shape::demo(scale), "");
        plan.draw_kecamatan(&code(KECAMATAN_DECIDED), 100);
        plan.draw_kecamatan(&code(KECAMATAN_HALF_DECIDED), 50);
        plan
    }

    /// Decides `percent` of what reaches the musrenbang of `kecamatan`.
    fn draw_kecamatan(&mut self, kecamatan: &RegionCode, percent: usize) {
        let mut dice = Dice::new(&format!("{}kecamatan {kecamatan}", self.season));
        for kelurahan in self.kelurahan.iter_mut().filter(|k| &k.kecamatan == kecamatan) {
            let proposals = kelurahan.lingkungan.iter_mut().flat_map(|l| l.proposals.iter_mut());
            for proposal in proposals.chain(kelurahan.own.iter_mut()) {
                let Some(volume) = proposal.forwarded_volume() else { continue };
                if dice.percent() < percent {
                    let address = match &proposal.at_kelurahan {
                        Verdict::Change { address: Some(address), .. } => address,
                        _ => &proposal.input.address,
                    };
                    let correction = "lokasi diverifikasi kecamatan";
                    let verdict = Verdict::draw(&mut dice, volume, address, correction, &KECAMATAN_REJECTIONS);
                    proposal.at_kecamatan = Some(verdict);
                }
            }
        }
    }

    /// The decisions the plan gives the musrenbang of `kecamatan`, and what it accepted (in the
    /// order it reached it, for a ranking to shuffle).
    fn kecamatan_decisions(&self, kecamatan: &RegionCode) -> (Vec<Command>, Vec<Uuid>) {
        let mut commands = Vec::new();
        let mut accepted = Vec::new();
        for proposal in self.proposals_in(kecamatan) {
            let Some(verdict) = &proposal.at_kecamatan else { continue };
            commands.push(Command::Musrenbang(MusrenbangCommand::DecideProposal {
                proposal_id: proposal.id(),
                stage: Stage::MusrenbangKecamatan,
                decision: verdict.input(),
            }));
            if !matches!(verdict, Verdict::Reject(_)) {
                accepted.push(proposal.id());
            }
        }
        (commands, accepted)
    }

    fn proposals_in<'a>(&'a self, kecamatan: &'a RegionCode) -> impl Iterator<Item = &'a PlannedProposal> + 'a {
        self.kelurahan.iter().filter(move |k| &k.kecamatan == kecamatan).flat_map(PlannedKelurahan::all)
    }

    /// The pagu indikatif kewilayahan of each kecamatan: a tenth above what its kelurahan
    /// forward, rounded up to Rp100 juta, except the fully decided one, which gets 85% of what
    /// it accepted (rounded down to Rp10 juta) and so cannot close without cutting.
    fn ceilings(&self) -> Vec<(RegionCode, i64)> {
        self.ceilings_over(Some(&code(KECAMATAN_DECIDED)))
    }

    /// The ceilings, `over` (if any) below what it accepted.
    fn ceilings_over(&self, over: Option<&RegionCode>) -> Vec<(RegionCode, i64)> {
        const HUNDRED_MILLION: i64 = 100_000_000;
        const TEN_MILLION: i64 = 10_000_000;
        self.kecamatan
            .iter()
            .map(|(kecamatan, _)| {
                let amount = if Some(kecamatan) == over {
                    let accepted: i64 = self.proposals_in(kecamatan).map(PlannedProposal::kecamatan_cost).sum();
                    accepted * 85 / 100 / TEN_MILLION * TEN_MILLION
                } else {
                    let forwarded: i64 = self.proposals_in(kecamatan).map(PlannedProposal::forwarded_cost).sum();
                    (forwarded * 11 / 10 / HUNDRED_MILLION + 1) * HUNDRED_MILLION
                };
                (kecamatan.clone(), amount)
            })
            .collect()
    }

    #[cfg(test)]
    fn proposal_count(&self) -> usize {
        self.kelurahan.iter().map(|k| k.all().count()).sum()
    }
}

/// The day a forum met, as its minutes write it (Medan's time, UTC+7).
fn meeting_date(at: OffsetDateTime) -> String {
    let local = at.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    let date = local.date();
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

fn rembuk_minutes(
    dice: &mut Dice,
    lingkungan: &PlannedLingkungan,
    kelurahan: &PlannedKelurahan,
    at: OffsetDateTime,
) -> MeetingInput {
    let chair = dice.person();
    let mut attendees = vec![(chair.clone(), format!("Kepala {}", lingkungan.name))];
    for _ in 0..3 + dice.below(5) {
        attendees.push((dice.person(), (*dice.pick(&RESIDENT_ROLES)).to_string()));
    }
    attendees.dedup_by(|a, b| a.0 == b.0);
    let delegates = attendees.iter().skip(1).take(2).map(|(name, _)| name.clone()).collect();
    let village = format!("{} {}", if kelurahan.desa { "Desa" } else { "Kelurahan" }, kelurahan.name);
    let place = if dice.percent() < 50 {
        format!("Balai Warga {}, {village}", lingkungan.name)
    } else {
        format!("Musholla {}, {village}", lingkungan.name)
    };
    MeetingInput { date: meeting_date(at), place, chair, attendees, delegates }
}

fn kelurahan_minutes(dice: &mut Dice, kelurahan: &PlannedKelurahan, at: OffsetDateTime) -> MeetingInput {
    let chair = dice.person();
    let (head, secretary, office) = if kelurahan.desa {
        ("Kepala Desa", "Sekretaris Desa", "Balai Desa")
    } else {
        ("Lurah", "Sekretaris Kelurahan", "Aula Kantor Lurah")
    };
    let mut attendees = vec![
        (chair.clone(), format!("{head} {}", kelurahan.name)),
        (dice.person(), secretary.to_string()),
        (dice.person(), "Ketua LPM".to_string()),
        (dice.person(), "Perwakilan Kecamatan".to_string()),
        (dice.person(), "Babinsa".to_string()),
        (dice.person(), "Bhabinkamtibmas".to_string()),
    ];
    for lingkungan in &kelurahan.lingkungan {
        attendees.push((dice.person(), format!("Kepala {}", lingkungan.name)));
    }
    let delegates = attendees.iter().skip(2).take(3).map(|(name, _)| name.clone()).collect();
    MeetingInput { date: meeting_date(at), place: format!("{office} {}", kelurahan.name), chair, attendees, delegates }
}

fn kecamatan_minutes(dice: &mut Dice, plan: &DemoPlan, kecamatan: &RegionCode, at: OffsetDateTime) -> MeetingInput {
    let name = plan.kecamatan.iter().find(|(c, _)| c == kecamatan).map_or("", |(_, n)| n.as_str());
    let chair = dice.person();
    let mut attendees = vec![
        (chair.clone(), format!("Camat {name}")),
        (dice.person(), "Sekretaris Camat".to_string()),
        (dice.person(), "Perwakilan Bappeda".to_string()),
        (dice.person(), "Perwakilan Dinas Pekerjaan Umum".to_string()),
        (dice.person(), "Anggota DPRD daerah pemilihan".to_string()),
    ];
    for kelurahan in plan.kelurahan.iter().filter(|k| &k.kecamatan == kecamatan) {
        attendees.push((dice.person(), format!("Lurah {}", kelurahan.name)));
    }
    let delegates = attendees.iter().skip(5).take(3).map(|(name, _)| name.clone()).collect();
    MeetingInput { date: meeting_date(at), place: format!("Aula Kantor Camat {name}"), chair, attendees, delegates }
}

/// Forums that met at the same moment with the same actor, written in one transaction: the
/// demo's forums are many and small, and a commit per forum costs more than the forum itself.
#[derive(Default)]
struct Sittings {
    at: Option<OffsetDateTime>,
    actor: Option<Actor>,
    commands: Vec<Command>,
}

impl Sittings {
    /// The most commands one transaction carries.
    const MAX: usize = 2_000;

    /// Adds one forum's commands, run by `actor` (the system when `None`) at `at`.
    async fn push(
        &mut self,
        store: &Store,
        actor: Option<Actor>,
        at: OffsetDateTime,
        commands: Vec<Command>,
    ) -> Result<()> {
        if self.at != Some(at) || self.actor != actor || self.commands.len() + commands.len() > Self::MAX {
            self.flush(store).await?;
            (self.at, self.actor) = (Some(at), actor);
        }
        self.commands.extend(commands);
        Ok(())
    }

    async fn flush(&mut self, store: &Store) -> Result<()> {
        let Some(at) = self.at.take() else { return Ok(()) };
        let system = Actor::System { label: "demo".into() };
        let commands = std::mem::take(&mut self.commands);
        store.execute_batch(self.actor.take().as_ref().unwrap_or(&system), &commands, at).await?;
        Ok(())
    }
}

/// The actor who runs a forum in the demo: the demo account whose scope it is, or the system.
async fn forum_actor(store: &Store, username: &str, scope: &RegionCode, region: &RegionCode) -> Result<Option<Actor>> {
    if scope != region {
        return Ok(None);
    }
    Ok(store.credentials(username).await?.map(|(user, _)| Actor::User(user.actor())))
}

/// The planning cycle of [`DEMO_TAHUN_ANGGARAN`] in the demo, as of `now`: about 6,000 proposals
/// raised in the rembuk warga of every lingkungan (ranked, minuted, closed four to five months
/// ago), decided, ranked, minuted and closed by every musrenbang kelurahan three months ago (some
/// adding their own), and waiting in the musrenbang kecamatan, open now. Kecamatan 12.71.01
/// (the demo accounts' own) has decided nothing yet; [`KECAMATAN_HALF_DECIDED`] half;
/// [`KECAMATAN_DECIDED`] everything, over its ceiling. Every change goes through
/// [`Store::execute_batch`]: the forums that met on one day, one transaction.
pub async fn seed_demo_cycle(
    store: &Store,
    now: OffsetDateTime,
    scale: usize,
    progress: &mut dyn FnMut(SeedProgress),
) -> Result<(), AddPemdaError> {
    let pemda = code(DEMO_PEMDA);
    let official = official::pemda(&pemda).ok_or_else(|| AddPemdaError::Unknown(pemda.to_string()))?;
    let system = Actor::System { label: "demo".into() };
    let plan = DemoPlan::open(&official, Uuid::now_v7(), scale);
    let cycle_id = plan.cycle_id;
    let windows = [
        (Stage::RembukWarga, -150, -120),
        (Stage::MusrenbangKelurahan, -110, -80),
        (Stage::MusrenbangKecamatan, -20, 90),
        // Pokir are entered from January, alongside the forums, and close before the forum OPD.
        (Stage::Pokir, -40, 60),
        (Stage::ForumOpd, 110, 130),
        (Stage::MusrenbangRkpd, 130, 140),
        (Stage::RancanganAkhir, 140, 170),
        (Stage::Penetapan, 170, 200),
    ];
    let preparation = cycle_preparation(&plan, &pemda, DEMO_TAHUN_ANGGARAN, &windows, &plan.ceilings(), now);
    store.execute_batch(&system, &preparation, now - Duration::days(PREPARATION_DAYS)).await?;
    seed_lower_forums(store, &plan, now, progress).await?;
    seed_demo_pokir(store, &pemda, cycle_id, DEMO_TAHUN_ANGGARAN, now - Duration::days(20), now - Duration::days(10))
        .await?;
    progress(SeedProgress { stage: Stage::MusrenbangKecamatan, done: 0, total: 2 });

    // Musrenbang kecamatan, open now: one half decided, one decided, ranked and minuted (last:
    // its minutes mark the demo complete).
    for (kecamatan, days_ago) in [(code(KECAMATAN_HALF_DECIDED), 2), (code(KECAMATAN_DECIDED), 1)] {
        let at = now - Duration::days(days_ago);
        let (mut commands, mut order) = plan.kecamatan_decisions(&kecamatan);
        if kecamatan.as_str() == KECAMATAN_DECIDED {
            let forum = ForumKey { cycle_id, stage: Stage::MusrenbangKecamatan, region: kecamatan.clone() };
            let mut dice = Dice::new(&format!("musrenbang {kecamatan}"));
            dice.shuffle(&mut order);
            commands.push(Command::Musrenbang(MusrenbangCommand::RankForum { forum: forum.clone(), order }));
            let meeting = kecamatan_minutes(&mut dice, &plan, &kecamatan, at);
            commands.push(Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum, meeting }));
        }
        store.execute_batch(&system, &commands, at).await?;
    }
    Ok(())
}

/// The rembuk warga and musrenbang kelurahan of a demo cycle, each on the day the plan gives it
/// (days before `now`): raised, decided, ranked, minuted and closed.
async fn seed_lower_forums(
    store: &Store,
    plan: &DemoPlan,
    now: OffsetDateTime,
    progress: &mut dyn FnMut(SeedProgress),
) -> Result<(), AddPemdaError> {
    let cycle_id = plan.cycle_id;
    // Rembuk warga, in the order the lingkungan met.
    let mut rembuk: Vec<(&PlannedKelurahan, &PlannedLingkungan)> =
        plan.kelurahan.iter().flat_map(|k| k.lingkungan.iter().map(move |l| (k, l))).collect();
    rembuk.sort_by_key(|(_, l)| (std::cmp::Reverse(l.days_ago), l.code.clone()));
    let kepling_scope = code("12.71.01.1001.001");
    let mut sittings = Sittings::default();
    let total = rembuk.len();
    for (done, (kelurahan, lingkungan)) in rembuk.into_iter().enumerate() {
        if done % 100 == 0 {
            progress(SeedProgress { stage: Stage::RembukWarga, done, total });
        }
        let at = now - Duration::days(lingkungan.days_ago);
        let forum = ForumKey { cycle_id, stage: Stage::RembukWarga, region: lingkungan.code.clone() };
        let mut commands: Vec<Command> = lingkungan
            .proposals
            .iter()
            .map(|p| Command::Musrenbang(MusrenbangCommand::SubmitProposal(p.input.clone())))
            .collect();
        let mut order: Vec<Uuid> = lingkungan.proposals.iter().map(PlannedProposal::id).collect();
        let mut dice = Dice::new(&format!("{}rembuk {}", plan.season, lingkungan.code));
        dice.shuffle(&mut order);
        commands.push(Command::Musrenbang(MusrenbangCommand::RankForum { forum: forum.clone(), order }));
        let meeting = rembuk_minutes(&mut dice, lingkungan, kelurahan, at);
        commands.push(Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: forum.clone(), meeting }));
        commands.push(Command::Musrenbang(MusrenbangCommand::CloseForum { forum }));
        let actor = forum_actor(store, "kepling.pasarbaru1", &kepling_scope, &lingkungan.code).await?;
        sittings.push(store, actor, at, commands).await?;
        if let Some(warga) = forum_actor(store, "warga.demo", &kepling_scope, &lingkungan.code).await? {
            let supports: Vec<Command> = lingkungan
                .proposals
                .iter()
                .take(2)
                .map(|p| Command::Musrenbang(MusrenbangCommand::SupportProposal { proposal_id: p.id() }))
                .collect();
            sittings.push(store, Some(warga), at, supports).await?;
        }
    }

    // Musrenbang kelurahan, in the order they met; those still to meet are left waiting.
    let mut kelurahan_order: Vec<&PlannedKelurahan> = plan.kelurahan.iter().filter(|k| k.has_met()).collect();
    kelurahan_order.sort_by_key(|k| (std::cmp::Reverse(k.days_ago), k.code.clone()));
    let lurah_scope = code("12.71.01.1001");
    let total = kelurahan_order.len();
    for (done, kelurahan) in kelurahan_order.into_iter().enumerate() {
        if done % 10 == 0 {
            progress(SeedProgress { stage: Stage::MusrenbangKelurahan, done, total });
        }
        let at = now - Duration::days(kelurahan.days_ago);
        let forum = ForumKey { cycle_id, stage: Stage::MusrenbangKelurahan, region: kelurahan.code.clone() };
        let mut commands: Vec<Command> = kelurahan
            .own
            .iter()
            .map(|p| Command::Musrenbang(MusrenbangCommand::SubmitProposal(p.input.clone())))
            .collect();
        let mut order = Vec::new();
        for proposal in kelurahan.all() {
            let decision = proposal.at_kelurahan.input();
            let stage = Stage::MusrenbangKelurahan;
            commands.push(Command::Musrenbang(MusrenbangCommand::DecideProposal {
                proposal_id: proposal.id(),
                stage,
                decision,
            }));
            if proposal.forwarded_volume().is_some() {
                order.push(proposal.id());
            }
        }
        let mut dice = Dice::new(&format!("{}musrenbang {}", plan.season, kelurahan.code));
        dice.shuffle(&mut order);
        if !order.is_empty() {
            commands.push(Command::Musrenbang(MusrenbangCommand::RankForum { forum: forum.clone(), order }));
        }
        let meeting = kelurahan_minutes(&mut dice, kelurahan, at);
        commands.push(Command::Musrenbang(MusrenbangCommand::RecordMeeting { forum: forum.clone(), meeting }));
        commands.push(Command::Musrenbang(MusrenbangCommand::CloseForum { forum }));
        let actor = forum_actor(store, "kel.pasarbaru", &lurah_scope, &kelurahan.code).await?;
        sittings.push(store, actor, at, commands).await?;
    }
    sittings.flush(store).await?;
    Ok(())
}

/// What residents tell members at the demo's reses, and the pokir that answer them: the kamus
/// item of each.
const RESES_ASPIRATIONS: [(&str, &str); 6] = [
    ("Jalan lingkungan rusak dan berlubang sejak dua tahun", "PU-001"),
    ("Banjir setiap hujan karena drainase tersumbat", "PU-004"),
    ("Gang gelap tanpa lampu jalan", "PKP-001"),
    ("Posyandu kekurangan alat timbang dan ukur", "KES-001"),
    ("Pelatihan usaha untuk ibu-ibu rumah tangga", "UKM-001"),
    ("Sampah menumpuk di pinggir jalan", "DLH-001"),
];

/// Each demo member's reses (one, in a kelurahan of their dapil, 20 days ago) and two pokir
/// answering its first aspirations (10 days ago), entered by the member themself; with the
/// pokir window open now, the demo's members can add more. Runs between the kelurahan forums
/// and the kecamatan decisions, in the order of their days.
async fn seed_demo_pokir(
    store: &Store,
    pemda: &RegionCode,
    cycle_id: Uuid,
    tahun_anggaran: i32,
    reses_at: OffsetDateTime,
    pokir_at: OffsetDateTime,
) -> Result<()> {
    let dapil = store.dapil_list(pemda).await?;
    let kamus: HashMap<String, domain::kamus::KamusItem> =
        store.kamus(pemda, tahun_anggaran).await?.into_iter().map(|k| (k.code.clone(), k)).collect();
    let mut sittings = Vec::new();
    for (n, member) in store.members(pemda).await?.into_iter().enumerate() {
        let Some((user, _)) = store.credentials(&member.username).await? else { continue };
        let actor = Actor::User(user.actor());
        let Some(area) = dapil.iter().find(|d| d.code == member.dapil) else { continue };
        let kecamatan = &area.kecamatan[n % area.kecamatan.len()];
        let villages = store.children(kecamatan, None).await?;
        let Some(kelurahan) = villages.get(n % villages.len().max(1)) else { continue };
        let lingkungan = store.children(&kelurahan.code, None).await?;
        let reses_id = Uuid::now_v7();
        let heard: Vec<(&str, &str)> = (0..3).map(|i| RESES_ASPIRATIONS[(n + i) % RESES_ASPIRATIONS.len()]).collect();
        let mut commands = vec![Command::Dprd(DprdCommand::RecordReses(ResesInput {
            reses_id,
            cycle_id,
            member: member.user_id,
            date: reses_at.date().to_string(),
            place: format!("Balai warga {}", kelurahan.name),
            kelurahan: kelurahan.code.to_string(),
            attendees: (30 + n % 40).to_string(),
            minutes: format!(
                "Reses masa sidang I di {}. Warga menyampaikan aspirasi yang dicatat di bawah.",
                kelurahan.name
            ),
            aspirations: heard.iter().map(|(text, _)| *text).collect::<Vec<_>>().join("\n"),
        }))];
        for (i, (text, kamus_code)) in heard.iter().take(2).enumerate() {
            let Some(item) = kamus.get(*kamus_code) else { continue };
            let Some(place) = lingkungan.get((n + i) % lingkungan.len().max(1)) else { continue };
            let volume = if item.unit == "meter" { 100 + 10 * (n % 10) } else { 1 + n % 3 };
            commands.push(Command::Dprd(DprdCommand::SubmitPokir(PokirInput {
                proposal_id: Uuid::now_v7(),
                cycle_id,
                member: member.user_id,
                reses_id,
                aspiration: (i + 1).to_string(),
                title: format!("{} di {}", item.name, place.name),
                problem: (*text).to_string(),
                kamus_code: item.code.clone(),
                volume: volume.to_string(),
                lingkungan: place.code.to_string(),
                address: format!("{}, {}", GANGS[(n + i) % GANGS.len()], STREETS[n % STREETS.len()]),
                latitude: String::new(),
                longitude: String::new(),
                track: Track::Apbd.as_str().to_string(),
                priority: demo_priority_of(kamus_code).to_string(),
            })));
        }
        let pokir = commands.split_off(1);
        sittings.push((actor, commands, pokir));
    }
    // Every reses before every pokir, so that the journal reads in time order.
    for (actor, reses, _) in &sittings {
        store.execute_batch(actor, reses, reses_at).await?;
    }
    for (actor, _, pokir) in &sittings {
        store.execute_batch(actor, pokir, pokir_at).await?;
    }
    Ok(())
}

/// What the pemda keeps across cycles: its perangkat daerah and its RPJMD priorities.
fn pemda_master_data(pemda: &RegionCode) -> Vec<Command> {
    let mut commands = Vec::new();
    for (code, name) in DEMO_OPD {
        commands.push(Command::MasterData(MasterDataCommand::CreateOpd {
            pemda: pemda.clone(),
            code: code.into(),
            name: name.into(),
        }));
    }
    for (code, name, sasaran) in DEMO_PRIORITIES {
        commands.push(Command::MasterData(MasterDataCommand::SavePriority {
            pemda: pemda.clone(),
            input: PriorityInput { code: code.into(), name: name.into(), sasaran: sasaran.join("\n") },
        }));
    }
    commands
}

/// Bappeda's preparation of a cycle: the cycle, its stage windows (days from `now`), no forward
/// caps, the year's nomenclature and kamus usulan, and the ceilings per kecamatan.
fn cycle_preparation(
    plan: &DemoPlan,
    pemda: &RegionCode,
    tahun_anggaran: i32,
    windows: &[(Stage, i64, i64)],
    ceilings: &[(RegionCode, i64)],
    now: OffsetDateTime,
) -> Vec<Command> {
    let cycle_id = plan.cycle_id;
    let day = Duration::days;
    let mut commands = vec![Command::Schedule(ScheduleCommand::CreateCycle(CreateCycle {
        pemda: pemda.clone(),
        cycle_id,
        tahun_anggaran,
    }))];
    for (stage, opens, closes) in windows {
        let window = Window { opens: now + day(*opens), closes: now + day(*closes) };
        commands.push(Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id, stage: *stage, window }));
    }
    commands.push(Command::Schedule(ScheduleCommand::SetCycleSettings {
        cycle_id,
        caps: ForwardCaps::default(),
        online_proposals: false,
    }));
    commands.push(Command::MasterData(MasterDataCommand::ImportNomenclature {
        pemda: pemda.clone(),
        tahun_anggaran,
        rows: demo_nomenclature(),
    }));
    let funded_by = demo_kamus_sub_kegiatan();
    let items = DEMO_KAMUS
        .iter()
        .map(|k| KamusInput {
            code: k.code.into(),
            name: k.name.into(),
            unit: k.unit.into(),
            unit_price: k.price.to_string(),
            opd_code: k.opd.into(),
            bidang: k.bidang.as_str().into(),
            fisik: if k.fisik { "ya" } else { "tidak" }.into(),
            sub_kegiatan: funded_by.get(k.code).map(|code| code.to_string()).unwrap_or_default(),
        })
        .collect();
    commands.push(Command::MasterData(MasterDataCommand::UpsertKamus {
        pemda: pemda.clone(),
        tahun_anggaran,
        items,
        batch: true,
    }));
    for (kecamatan, amount) in ceilings {
        commands.push(Command::Schedule(ScheduleCommand::SetCeiling {
            cycle_id,
            kecamatan: kecamatan.to_string(),
            amount: amount.to_string(),
        }));
    }
    commands
}

/// The demo's RPJMD priorities: invented for the demo, in the manner of a city's RPJMD (code,
/// name, sasaran).
pub const DEMO_PRIORITIES: [(&str, &str, &[&str]); 5] = [
    (
        "P1",
        "Infrastruktur kota yang tangguh dan bebas banjir",
        &[
            "Meningkatnya kemantapan jalan kota",
            "Berkurangnya luas dan lama genangan",
            "Meningkatnya hunian dan permukiman yang layak",
        ],
    ),
    (
        "P2",
        "Pelayanan kesehatan dan pendidikan yang merata",
        &["Menurunnya prevalensi stunting", "Meningkatnya ruang kelas dalam kondisi baik"],
    ),
    (
        "P3",
        "Ekonomi kerakyatan dan UMKM yang berdaya saing",
        &["Meningkatnya usaha mikro yang naik kelas", "Menurunnya tingkat pengangguran terbuka"],
    ),
    (
        "P4",
        "Perlindungan sosial, keselamatan dan pemberdayaan masyarakat",
        &["Meningkatnya keluarga miskin yang berdaya", "Meningkatnya kesiapsiagaan warga menghadapi bencana"],
    ),
    (
        "P5",
        "Kota yang bersih, hijau dan tertib",
        &["Meningkatnya sampah yang terkelola", "Menurunnya kecelakaan lalu lintas di jalan lingkungan"],
    ),
];

/// The priority a demo proposal serves, by the kind of work its kamus item is.
fn demo_priority_of(kamus_code: &str) -> &'static str {
    match kamus_code.split('-').next().unwrap_or_default() {
        "PU" | "PKP" => "P1",
        "KES" | "DIK" => "P2",
        "UKM" | "NAK" | "PGN" => "P3",
        "DLH" | "DSH" => "P5",
        _ => "P4",
    }
}

/// A real subset of the Kemendagri nomenclature (education, health, public works, housing,
/// disaster, social affairs and the bidang the demo's kamus draws on), as a Bappeda would upload
/// it. The demo's own files are `;`-separated and never quoted, so a line splits on `;`.
const DEMO_NOMENCLATURE: &str = include_str!("../data/nomenklatur_demo.csv");
/// Which sub kegiatan funds each kamus item of the demo.
const DEMO_KAMUS_SUB_KEGIATAN: &str = include_str!("../data/kamus_sub_kegiatan_demo.csv");

fn demo_cells(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines().skip(1).filter(|line| !line.trim().is_empty()).map(|line| line.split(';').collect())
}

fn demo_nomenclature() -> Vec<NomenclatureInput> {
    demo_cells(DEMO_NOMENCLATURE)
        .map(|cells| {
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_string();
            NomenclatureInput { code: cell(0), name: cell(1), indicator: cell(2), unit: cell(3) }
        })
        .collect()
}

fn demo_kamus_sub_kegiatan() -> HashMap<&'static str, &'static str> {
    demo_cells(DEMO_KAMUS_SUB_KEGIATAN).filter_map(|cells| Some((*cells.first()?, *cells.get(1)?))).collect()
}

/// Lingkungan in Medan are numbered in Roman numerals (Lingkungan I, II, …).
fn roman(mut n: usize) -> String {
    const NUMERALS: [(usize, &str); 9] =
        [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"), (0, ""), (0, "")];
    let mut out = String::new();
    for (value, numeral) in NUMERALS.iter().filter(|(v, _)| *v > 0) {
        while n >= *value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        assert_eq!(roman(1), "I");
        assert_eq!(roman(4), "IV");
        assert_eq!(roman(9), "IX");
        assert_eq!(roman(14), "XIV");
        assert_eq!(roman(18), "XVIII");
    }

    #[test]
    fn the_demo_has_about_two_thousand_lingkungan() {
        let medan = official::pemda(&RegionCode::parse("12.71").unwrap()).unwrap();
        let total: usize =
            medan.regions.iter().filter(|r| r.level == RegionLevel::Kelurahan).map(demo_lingkungan_count).sum();
        assert!((1_800..=2_200).contains(&total), "{total}");
    }

    fn medan_plan() -> DemoPlan {
        DemoPlan::open(&official::pemda(&code(DEMO_PEMDA)).unwrap(), Uuid::nil(), 1)
    }

    #[test]
    fn the_demo_cycle_has_medans_scale_and_plausible_verdicts() {
        let plan = medan_plan();
        let total = plan.proposal_count();
        assert!((5_500..=6_500).contains(&total), "{total}");
        let verdicts: Vec<&Verdict> = plan.kelurahan.iter().flat_map(|k| k.all()).map(|p| &p.at_kelurahan).collect();
        let share = |f: fn(&Verdict) -> bool| verdicts.iter().filter(|v| f(v)).count() * 100 / total;
        assert!((72..=78).contains(&share(|v| *v == Verdict::Accept)));
        assert!((8..=12).contains(&share(|v| matches!(v, Verdict::Change { .. }))));
        assert!((12..=18).contains(&share(|v| matches!(v, Verdict::Reject(_)))));
        let own: usize = plan.kelurahan.iter().map(|k| k.own.len()).sum();
        assert!((30..=120).contains(&own), "{own} proposals of kelurahan");
        for proposal in plan.kelurahan.iter().flat_map(|k| k.all()) {
            let input = &proposal.input;
            assert!(!input.title.contains('{'), "{}", input.title);
            if let (Ok(lat), Ok(lon)) = (input.latitude.parse::<f64>(), input.longitude.parse::<f64>()) {
                assert!((3.48..=3.80).contains(&lat) && (98.59..=98.75).contains(&lon), "{lat},{lon}");
            }
        }
    }

    #[test]
    fn one_kecamatan_is_over_its_ceiling_and_the_others_fit() {
        let plan = medan_plan();
        let ceilings = plan.ceilings();
        assert_eq!(ceilings.len(), 21);
        for (kecamatan, ceiling) in ceilings {
            let forwarded: i64 = plan.proposals_in(&kecamatan).map(PlannedProposal::forwarded_cost).sum();
            let accepted: i64 = plan.proposals_in(&kecamatan).map(PlannedProposal::kecamatan_cost).sum();
            assert!(forwarded > 0, "{kecamatan}");
            if kecamatan.as_str() == KECAMATAN_DECIDED {
                assert!(0 < ceiling && ceiling < accepted, "{kecamatan}: {ceiling} < {accepted}");
            } else {
                assert!(ceiling >= forwarded, "{kecamatan}: {ceiling} >= {forwarded}");
            }
        }
    }

    #[test]
    fn the_plan_is_the_same_on_every_run() {
        let (a, b) = (medan_plan(), medan_plan());
        let titles = |plan: &DemoPlan| -> Vec<String> {
            plan.kelurahan.iter().flat_map(|k| k.all()).map(|p| p.input.title.clone()).collect()
        };
        assert_eq!(titles(&a), titles(&b));
        assert_eq!(a.ceilings(), b.ceilings());
    }
}
