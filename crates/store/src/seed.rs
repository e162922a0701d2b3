//! Creating a pemda from the official list, and the demo that `make run` serves.

use domain::command::{AddLingkungan, CreatePemda, CreateUser, GrantInput};
use domain::{Actor, Command, RegionCode, RegionLevel};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Store, StoreError, official, passwords};

/// Why a pemda cannot be added from the official list.
#[derive(Debug, thiserror::Error)]
pub enum AddPemdaError {
    #[error("'{0}' is not a region code: {1}")]
    Malformed(String, domain::region::CodeError),
    #[error("{0} is not a kabupaten/kota code (write it as two parts, e.g. 12.71)")]
    NotPemda(String),
    #[error("no kabupaten/kota {0} in the official list ({src})", src = official::SOURCE)]
    Unknown(String),
    #[error("the demo in this database was cut short; remove the data directory and run `rencana demo` again")]
    IncompleteDemo,
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
        let command = Command::CreatePemda(CreatePemda {
            code: official.code.clone(),
            name: official.name,
            source: official::SOURCE.to_string(),
            regions: official.regions,
        });
        self.execute(actor, &command, now).await?;
        Ok(code)
    }
}

/// The password of every demo account; printed by `rencana demo` and shown on the login page in
/// demo mode only.
pub const DEMO_PASSWORD: &str = "Rencana-Demo-2027";
pub const DEMO_PEMDA: &str = "12.71";

/// One demo account per role: username, name, role, scope.
pub const DEMO_USERS: [(&str, &str, &str, &str); 8] = [
    ("bappeda", "Admin Bappeda Kota Medan", "bappeda_admin", ""),
    ("auditor", "Auditor Inspektorat", "auditor", ""),
    ("kec.medankota", "Operator Kecamatan Medan Kota", "operator_kecamatan", "12.71.01"),
    ("kel.pasarbaru", "Operator Kelurahan Pasar Baru", "operator_kelurahan", "12.71.01.1001"),
    ("kepling.pasarbaru1", "Kepala Lingkungan I Pasar Baru", "kepala_lingkungan", "12.71.01.1001.001"),
    ("warga.demo", "Warga Pasar Baru", "warga", "12.71.01.1001.001"),
    ("dprd.demo", "Anggota DPRD (demo)", "anggota_dprd", ""),
    ("opd.pupr", "Operator Dinas PUPR", "operator_opd", "1.03.01"),
];

/// How many lingkungan the demo gives a kelurahan: 8 to 18 depending on its code, about 2,000
/// across Medan's 151 kelurahan, as in the real city.
fn demo_lingkungan_count(code: &RegionCode) -> usize {
    let digits: usize = code.as_str().bytes().filter(u8::is_ascii_digit).map(|b| (b - b'0') as usize).sum();
    8 + (digits * 7 + code.as_str().len()) % 11
}

/// Seeds Kota Medan with its lingkungan and one account per role. Does nothing when the demo is
/// there whole; refuses a database where it was cut short, rather than guess what is missing.
pub async fn seed_demo(store: &Store, now: OffsetDateTime) -> Result<bool, AddPemdaError> {
    let code = RegionCode::parse(DEMO_PEMDA).map_err(|e| AddPemdaError::Malformed(DEMO_PEMDA.into(), e))?;
    if store.pemda(&code).await?.is_some() {
        let last_user = DEMO_USERS[DEMO_USERS.len() - 1].0;
        return match store.credentials(last_user).await? {
            Some(_) => Ok(false),
            None => Err(AddPemdaError::IncompleteDemo),
        };
    }
    let actor = Actor::System { label: "demo".into() };
    let pemda = store.add_official_pemda(DEMO_PEMDA, &actor, now).await?;
    let official = official::pemda(&pemda).ok_or_else(|| AddPemdaError::Unknown(pemda.to_string()))?;
    let mut rows = Vec::new();
    for kelurahan in official.regions.iter().filter(|r| r.level == RegionLevel::Kelurahan) {
        for number in 1..=demo_lingkungan_count(&kelurahan.code) {
            rows.push(AddLingkungan {
                kelurahan: kelurahan.code.to_string(),
                number: number.to_string(),
                name: format!("Lingkungan {}", roman(number)),
            });
        }
    }
    store.execute(&actor, &Command::AddLingkunganBatch(rows), now).await?;
    let password_hash = passwords::hash(DEMO_PASSWORD).await?;
    for (username, name, role, scope) in DEMO_USERS {
        let command = Command::CreateUser(CreateUser {
            pemda: pemda.clone(),
            user_id: Uuid::now_v7(),
            username: username.into(),
            name: name.into(),
            password_hash: password_hash.clone(),
            grants: vec![GrantInput { role: role.into(), scope: scope.into() }],
        });
        store.execute(&actor, &command, now).await?;
    }
    Ok(true)
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
        let total: usize = medan
            .regions
            .iter()
            .filter(|r| r.level == RegionLevel::Kelurahan)
            .map(|r| demo_lingkungan_count(&r.code))
            .sum();
        assert!((1_800..=2_200).contains(&total), "{total}");
    }
}
