//! Lingkungan as CSV (`kelurahan,nomor,nama`): reading an upload into commands, and writing a
//! region's lingkungan in the same form, so a downloaded list can be edited and uploaded again.
//! Shape errors name the row; the rules themselves stay in the domain, which refuses the whole
//! batch or takes it all.

use crate::spreadsheet::{safe as spreadsheet_safe, unguard};
use domain::regions::AddLingkungan;
use domain::{FieldError, Region, RegionCode, Rule};

/// What a caller gets back when the file itself, or rows' shape, cannot be used.
pub type ParseError = Vec<FieldError>;

/// The most rows one upload may carry: a whole city's lingkungan with room to spare.
pub const MAX_ROWS: usize = 20_000;

/// Parses `bytes`; rows whose kelurahan is empty take `default_kelurahan` (the page's own), and
/// every row must lie within it when given.
pub fn parse(bytes: &[u8], within: Option<&RegionCode>) -> Result<Vec<AddLingkungan>, ParseError> {
    let bad_file = || vec![FieldError::new("file", Rule::Format { expected: "csv" })];
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
            return Err(vec![FieldError::new("rows", Rule::TooLong { max: MAX_ROWS })]);
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
            name: unguard(record.get(name_col).unwrap_or("")).to_string(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.is_empty() {
        return Err(vec![FieldError::new("rows", Rule::Required)]);
    }
    Ok(rows)
}

/// The lingkungan in `regions` as CSV with the upload's header, each row naming its kelurahan and
/// its local number.
pub fn write(regions: &[Region]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut lines = vec![["kelurahan".to_string(), "nomor".to_string(), "nama".to_string()]];
    for region in regions {
        let code = region.code.as_str();
        let (kelurahan, number) = code.rsplit_once('.').unwrap_or(("", code));
        lines.push([kelurahan.to_string(), number.to_string(), spreadsheet_safe(&region.name)]);
    }
    for line in lines {
        // Writing to memory cannot fail.
        let _ = writer.write_record(&line);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
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
        let errors = parse(csv.as_bytes(), Some(&code("12.71.01.1001"))).unwrap_err();
        assert_eq!(errors[0].field, "rows[0].kelurahan");
    }

    #[test]
    fn what_is_written_reads_back() {
        let regions = vec![
            Region {
                code: code("12.71.01.1001.001"),
                name: "Lingkungan I, Barat".into(),
                level: domain::RegionLevel::Lingkungan,
            },
            Region {
                code: code("12.71.01.1001.002"),
                name: "Lingkungan \"II\"".into(),
                level: domain::RegionLevel::Lingkungan,
            },
        ];
        let text = write(&regions);
        let rows = parse(text.as_bytes(), Some(&code("12.71.01.1001"))).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].kelurahan.as_str(), rows[0].number.as_str(), rows[0].name.as_str()),
            ("12.71.01.1001", "001", "Lingkungan I, Barat")
        );
        assert_eq!(rows[1].name, "Lingkungan \"II\"");
        let risky = vec![Region {
            code: code("12.71.01.1001.003"),
            name: "=HYPERLINK(1)".into(),
            level: domain::RegionLevel::Lingkungan,
        }];
        let text = write(&risky);
        assert!(text.contains(",'=HYPERLINK(1)"), "{text}");
        assert_eq!(parse(text.as_bytes(), None).unwrap()[0].name, "=HYPERLINK(1)");
    }

    #[test]
    fn a_file_without_the_columns_is_not_csv_for_us() {
        let errors = parse(b"foo,bar\n1,2\n", None).unwrap_err();
        assert_eq!(errors[0].rule, Rule::Format { expected: "csv" });
        let errors = parse(&[0xff, 0xfe, 0x00], None).unwrap_err();
        assert_eq!(errors[0].field, "file");
    }
}
