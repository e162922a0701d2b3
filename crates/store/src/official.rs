//! The official list of regions (Kemendagri codes) from the npm package `idn-area-data` 4.0.1,
//! embedded at build time. Data licence: ODbL 1.0; the attribution is shown in every page footer.

use std::sync::LazyLock;

use domain::{Region, RegionCode};

pub const SOURCE: &str = "idn-area-data 4.0.1 (ODbL 1.0)";

const REGENCIES: &str = include_str!("../../../node_modules/idn-area-data/data/regencies.csv");
const DISTRICTS: &str = include_str!("../../../node_modules/idn-area-data/data/districts.csv");
const VILLAGES: &str = include_str!("../../../node_modules/idn-area-data/data/villages.csv");

/// One row of the official kabupaten/kota list.
struct Row {
    code: RegionCode,
    name: String,
}

fn parse(csv_text: &'static str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|record| {
            let code = RegionCode::parse(record.get(0)?).ok()?;
            Some(Row { code, name: record.get(2)?.to_string() })
        })
        .collect()
}

static REGENCY_ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| parse(REGENCIES));

/// A kabupaten or kota of the official list.
#[derive(Debug, Clone)]
pub struct OfficialPemda {
    pub code: RegionCode,
    pub name: String,
    /// Its kecamatan, then its kelurahan and desa.
    pub regions: Vec<Region>,
}

/// How many kabupaten/kota the official list holds.
pub fn pemda_count() -> usize {
    REGENCY_ROWS.len()
}

/// The pemda with this code and its whole tree, or `None` when the list has no such kabupaten/kota.
pub fn pemda(code: &RegionCode) -> Option<OfficialPemda> {
    let regency = REGENCY_ROWS.iter().find(|row| &row.code == code)?;
    let prefix = format!("{}.", code.as_str());
    // The two big lists are parsed only as far as this pemda's lines, on demand: most
    // processes never need them, and a whole parse would keep 80,000 rows in memory for nothing.
    let mut regions = regions_within(DISTRICTS, &prefix);
    regions.extend(regions_within(VILLAGES, &prefix));
    Some(OfficialPemda { code: regency.code.clone(), name: regency.name.clone(), regions })
}

/// Every kelurahan and desa of the country (about 84,000), for sizing a national benchmark.
pub fn all_villages() -> Vec<Region> {
    regions_within(VILLAGES, "")
}

/// The regions of one of the big lists whose codes start with `prefix`.
fn regions_within(text: &'static str, prefix: &str) -> Vec<Region> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|record| record.get(0).is_some_and(|c| c.starts_with(prefix)))
        .filter_map(|record| {
            let code = RegionCode::parse(record.get(0)?).ok()?;
            let level = code.level();
            Some(Region { code, name: record.get(2)?.to_string(), level })
        })
        .collect()
}

/// Every kabupaten/kota code and name, for listings and checks.
pub fn all_pemda() -> impl Iterator<Item = (&'static RegionCode, &'static str)> {
    REGENCY_ROWS.iter().map(|row| (&row.code, row.name.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::RegionLevel;

    fn count(pemda: &OfficialPemda, level: RegionLevel) -> usize {
        pemda.regions.iter().filter(|r| r.level == level).count()
    }

    #[test]
    fn medan_has_21_kecamatan_and_151_kelurahan() {
        let medan = pemda(&RegionCode::parse("12.71").unwrap()).unwrap();
        assert_eq!(medan.name, "Kota Medan");
        assert_eq!(count(&medan, RegionLevel::Kecamatan), 21);
        assert_eq!(count(&medan, RegionLevel::Kelurahan), 151);
    }

    #[test]
    fn semarang_has_its_own_counts() {
        let semarang = pemda(&RegionCode::parse("33.74").unwrap()).unwrap();
        assert_eq!(count(&semarang, RegionLevel::Kecamatan), 16);
        assert_eq!(count(&semarang, RegionLevel::Kelurahan) + count(&semarang, RegionLevel::Desa), 177);
    }

    #[test]
    fn every_official_pemda_loads() {
        assert_eq!(pemda_count(), 514);
        assert!(pemda(&RegionCode::parse("12.99").unwrap()).is_none());
    }
}
