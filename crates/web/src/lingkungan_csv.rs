//! Reading a CSV of lingkungan (`kelurahan,nomor,nama`) into commands. Shape errors name the
//! line; the rules themselves stay in the domain, which refuses the whole batch or takes it all.

use domain::command::AddLingkungan;
use domain::{FieldError, RegionCode, Rule};

use crate::error::AppError;

/// The most rows one upload may carry: a whole city's lingkungan with room to spare.
pub const MAX_ROWS: usize = 20_000;

/// Parses `bytes`; rows whose kelurahan is empty take `default_kelurahan` (the page's own), and
/// every row must lie within it when given.
pub fn parse(bytes: &[u8], within: Option<&RegionCode>) -> Result<Vec<AddLingkungan>, AppError> {
    let bad_file = || AppError::Invalid(vec![FieldError::new("file", Rule::Format { expected: "csv" })]);
    let text = std::str::from_utf8(bytes).map_err(|_| bad_file())?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| bad_file())?.clone();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.to_lowercase().as_str()));
    let (Some(kelurahan_col), Some(number_col), Some(name_col)) = (
        column(&["kelurahan", "desa", "kelurahan_desa"]),
        column(&["nomor", "number", "no"]),
        column(&["nama", "name"]),
    ) else {
        return Err(bad_file());
    };
    let default_kelurahan = within.filter(|code| code.level().is_village());
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| bad_file())?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(AppError::Invalid(vec![FieldError::new("rows", Rule::TooLong { max: MAX_ROWS })]));
        }
        let mut kelurahan = record.get(kelurahan_col).unwrap_or("").to_string();
        if kelurahan.is_empty()
            && let Some(default) = default_kelurahan
        {
            kelurahan = default.to_string();
        }
        let outside = match (RegionCode::parse(&kelurahan), within) {
            (Ok(code), Some(within)) => !code.is_within(within),
            _ => false,
        };
        if outside {
            errors.push(FieldError::new(format!("rows[{index}].kelurahan"), Rule::UnknownRegion));
        }
        rows.push(AddLingkungan {
            kelurahan,
            number: record.get(number_col).unwrap_or("").to_string(),
            name: record.get(name_col).unwrap_or("").to_string(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if rows.is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("rows", Rule::Required)]));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn rows_take_the_page_kelurahan_when_empty() {
        let csv = "kelurahan,nomor,nama\n,1,Lingkungan I\n12.71.01.1001,2,Lingkungan II\n";
        let rows = parse(csv.as_bytes(), Some(&code("12.71.01.1001"))).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].kelurahan, "12.71.01.1001");
        assert_eq!(rows[1].name, "Lingkungan II");
    }

    #[test]
    fn rows_outside_the_page_are_refused() {
        let csv = "kelurahan,nomor,nama\n12.71.02.1001,1,Lingkungan I\n";
        let Err(AppError::Invalid(errors)) = parse(csv.as_bytes(), Some(&code("12.71.01.1001"))) else { panic!() };
        assert_eq!(errors[0].field, "rows[0].kelurahan");
    }

    #[test]
    fn a_file_without_the_columns_is_not_csv_for_us() {
        let Err(AppError::Invalid(errors)) = parse(b"foo,bar\n1,2\n", None) else { panic!() };
        assert_eq!(errors[0].rule, Rule::Format { expected: "csv" });
        let Err(AppError::Invalid(errors)) = parse(&[0xff, 0xfe, 0x00], None) else { panic!() };
        assert_eq!(errors[0].field, "file");
    }
}
