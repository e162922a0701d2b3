//! Region codes as Kemendagri writes them: `12` → `12.71` → `12.71.01` → `12.71.01.1001`,
//! and below them the lingkungan (or RW), which have only local numbers (`12.71.01.1001.001`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The administrative level of a region, named as its users name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Provinsi,
    Kabupaten,
    Kota,
    Kecamatan,
    Kelurahan,
    Desa,
    Lingkungan,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Provinsi => "provinsi",
            RegionLevel::Kabupaten => "kabupaten",
            RegionLevel::Kota => "kota",
            RegionLevel::Kecamatan => "kecamatan",
            RegionLevel::Kelurahan => "kelurahan",
            RegionLevel::Desa => "desa",
            RegionLevel::Lingkungan => "lingkungan",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "provinsi" => RegionLevel::Provinsi,
            "kabupaten" => RegionLevel::Kabupaten,
            "kota" => RegionLevel::Kota,
            "kecamatan" => RegionLevel::Kecamatan,
            "kelurahan" => RegionLevel::Kelurahan,
            "desa" => RegionLevel::Desa,
            "lingkungan" => RegionLevel::Lingkungan,
            _ => return None,
        })
    }

    /// A pemda (one tenant) is a kabupaten or a kota.
    pub fn is_pemda(self) -> bool {
        matches!(self, RegionLevel::Kabupaten | RegionLevel::Kota)
    }

    /// Kelurahan and desa sit at the same depth and play the same part in the cycle.
    pub fn is_village(self) -> bool {
        matches!(self, RegionLevel::Kelurahan | RegionLevel::Desa)
    }
}

/// Why a text is not a region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("region code is empty")]
    Empty,
    #[error("region code has too many parts")]
    TooDeep,
    #[error("part {position} of the region code must have {expected} digits")]
    BadPart { position: usize, expected: &'static str },
}

/// A dotted Kemendagri region code, validated and normalised (lingkungan numbers padded to three
/// digits so that `1` and `001` cannot name two different places).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

/// Digits allowed in each part: province, regency, district, village, lingkungan.
/// The digits each part of a code has (min, max, as said to a person): province, kabupaten/kota,
/// kecamatan, kelurahan/desa, lingkungan.
pub const PART_WIDTHS: [(usize, usize, &str); 5] = [(2, 2, "2"), (2, 2, "2"), (2, 2, "2"), (4, 4, "4"), (1, 3, "1–3")];

impl RegionCode {
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CodeError::Empty);
        }
        let parts: Vec<&str> = text.split('.').collect();
        if parts.len() > PART_WIDTHS.len() {
            return Err(CodeError::TooDeep);
        }
        let mut normalised = Vec::with_capacity(parts.len());
        for (index, part) in parts.iter().enumerate() {
            let (min, max, expected) = PART_WIDTHS[index];
            let valid = (min..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
            if !valid {
                return Err(CodeError::BadPart { position: index + 1, expected });
            }
            if index == 4 {
                normalised.push(format!("{:0>3}", part));
            } else {
                normalised.push((*part).to_string());
            }
        }
        Ok(RegionCode(normalised.join(".")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parts(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    pub fn depth(&self) -> usize {
        self.parts().count()
    }

    /// The level follows from the code: regencies numbered 71 and up are kota, villages numbered
    /// 1xxx are kelurahan (Kemendagri's convention).
    pub fn level(&self) -> RegionLevel {
        let parts: Vec<&str> = self.parts().collect();
        match parts.len() {
            1 => RegionLevel::Provinsi,
            2 if parts[1].starts_with('7') => RegionLevel::Kota,
            2 => RegionLevel::Kabupaten,
            3 => RegionLevel::Kecamatan,
            4 if parts[3].starts_with('1') => RegionLevel::Kelurahan,
            4 => RegionLevel::Desa,
            _ => RegionLevel::Lingkungan,
        }
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.0.rfind('.').map(|i| RegionCode(self.0[..i].to_string()))
    }

    /// The pemda (kabupaten/kota) this region belongs to, if it lies at or below that level.
    pub fn pemda(&self) -> Option<RegionCode> {
        self.at_depth(2)
    }

    /// The region at `depth` parts that holds this one (itself at its own depth): its
    /// kecamatan at 3, its kelurahan at 4.
    pub fn at_depth(&self, depth: usize) -> Option<RegionCode> {
        let parts: Vec<&str> = self.parts().collect();
        (depth >= 1 && parts.len() >= depth).then(|| RegionCode(parts[..depth].join(".")))
    }

    /// True when `self` is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        self.0 == ancestor.0
            || (self.0.starts_with(&ancestor.0) && self.0.as_bytes().get(ancestor.0.len()) == Some(&b'.'))
    }

    /// The code of a lingkungan with local number `number` under this kelurahan or desa.
    pub fn child_lingkungan(&self, number: &str) -> Result<RegionCode, CodeError> {
        RegionCode::parse(&format!("{}.{}", self.0, number.trim()))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> String {
        code.0
    }
}

/// A region as the rules need to see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn levels_follow_kemendagri_conventions() {
        assert_eq!(code("12").level(), RegionLevel::Provinsi);
        assert_eq!(code("12.71").level(), RegionLevel::Kota);
        assert_eq!(code("12.01").level(), RegionLevel::Kabupaten);
        assert_eq!(code("12.71.01").level(), RegionLevel::Kecamatan);
        assert_eq!(code("12.71.01.1001").level(), RegionLevel::Kelurahan);
        assert_eq!(code("12.01.01.2001").level(), RegionLevel::Desa);
        assert_eq!(code("12.71.01.1001.7").level(), RegionLevel::Lingkungan);
    }

    #[test]
    fn lingkungan_numbers_are_padded() {
        assert_eq!(code("12.71.01.1001.7").as_str(), "12.71.01.1001.007");
        assert_eq!(code("12.71.01.1001").child_lingkungan("12").unwrap().as_str(), "12.71.01.1001.012");
    }

    #[test]
    fn malformed_codes_name_the_part() {
        assert_eq!(RegionCode::parse(""), Err(CodeError::Empty));
        assert_eq!(RegionCode::parse("1271"), Err(CodeError::BadPart { position: 1, expected: "2" }));
        assert_eq!(RegionCode::parse("12.7a"), Err(CodeError::BadPart { position: 2, expected: "2" }));
        assert_eq!(RegionCode::parse("12.71.01.101"), Err(CodeError::BadPart { position: 4, expected: "4" }));
        assert_eq!(RegionCode::parse("12.71.01.1001.1234"), Err(CodeError::BadPart { position: 5, expected: "1–3" }));
        assert_eq!(RegionCode::parse("12.71.01.1001.001.1"), Err(CodeError::TooDeep));
    }

    #[test]
    fn within_respects_part_boundaries() {
        assert!(code("12.71.01.1001").is_within(&code("12.71")));
        assert!(code("12.71").is_within(&code("12.71")));
        assert!(!code("12.71.01.1001").is_within(&code("12.71.01.1002")));
        assert!(!code("12.72.01").is_within(&code("12.71")));
        assert_eq!(code("12.71.01.1001").pemda(), Some(code("12.71")));
        assert_eq!(code("12").pemda(), None);
    }
}
