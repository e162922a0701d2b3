//! The Kemendagri nomenclature as CSV (`kode,nama,indikator,satuan`, or the English headers
//! `code,name,indicator,unit`; the last two filled for sub kegiatan): reading an upload into rows
//! as typed, and writing a year's list in the same form. The rules of each row (code shapes,
//! parents, indicators) stay in the domain, which takes the whole file or refuses it.

use domain::masterdata::NOMENCLATURE_ROWS_MAX;
use domain::nomenclature::{NomenclatureInput, NomenclatureItem};

use crate::csv_table::{self, Column, ParseError, optional, required};
use crate::spreadsheet::safe as spreadsheet_safe;

/// The header [`write`] puts on the first line.
pub const HEADER: [&str; 4] = ["kode", "nama", "indikator", "satuan"];

const COLUMNS: [Column; 4] = [
    required(&["kode", "code"]),
    required(&["nama", "name", "uraian"]),
    optional(&["indikator", "indicator", "indikator_kinerja"]),
    optional(&["satuan", "unit"]),
];

/// Parses an upload, row `i` being the file's `i`-th data line.
pub fn parse(bytes: &[u8]) -> Result<Vec<NomenclatureInput>, ParseError> {
    let rows = csv_table::read(bytes, &COLUMNS, NOMENCLATURE_ROWS_MAX)?;
    Ok(rows
        .into_iter()
        .map(|cells| {
            let mut cells = cells.into_iter();
            let mut next = || cells.next().unwrap_or_default();
            NomenclatureInput { code: next(), name: next(), indicator: next(), unit: next() }
        })
        .collect())
}

/// The entries as CSV with the upload's Indonesian header.
pub fn write(items: &[NomenclatureItem]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(HEADER);
    for item in items {
        let _ = writer.write_record([
            item.code.clone(),
            spreadsheet_safe(&item.name),
            spreadsheet_safe(&item.indicator),
            spreadsheet_safe(&item.unit),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{FieldError, Rule};

    #[test]
    fn a_semicolon_file_with_a_bom_reads_in_order() {
        let text = "\u{feff}kode;nama;indikator;satuan\n1;URUSAN WAJIB;;\n1.03.10.2.01.0001;Pembangunan Jalan;Panjang Jalan yang Dibangun;Km\n;;;\n";
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].code, "1.03.10.2.01.0001");
        assert_eq!((rows[1].indicator.as_str(), rows[1].unit.as_str()), ("Panjang Jalan yang Dibangun", "Km"));
    }

    #[test]
    fn english_headers_and_no_indicator_columns() {
        let rows = parse(b"Name,Code\nURUSAN WAJIB,1\n").unwrap();
        assert_eq!((rows[0].code.as_str(), rows[0].name.as_str(), rows[0].unit.as_str()), ("1", "URUSAN WAJIB", ""));
        assert_eq!(
            parse(b"nama,satuan\nx,y\n").unwrap_err(),
            vec![FieldError::new("file", Rule::Format { expected: "csv" })]
        );
        assert_eq!(parse(b"kode,nama\n").unwrap_err(), vec![FieldError::new("rows", Rule::Required)]);
    }

    #[test]
    fn what_is_written_reads_back() {
        let items = vec![
            NomenclatureItem {
                code: "1".into(),
                name: "URUSAN WAJIB".into(),
                indicator: String::new(),
                unit: String::new(),
            },
            NomenclatureItem {
                code: "1.03.10.2.01.0001".into(),
                name: "Pembangunan Jalan, termasuk \"jembatan\"".into(),
                indicator: "=Panjang".into(),
                unit: "Km".into(),
            },
        ];
        let text = write(&items);
        assert!(text.starts_with("kode,nama,indikator,satuan\n"));
        let rows = parse(text.as_bytes()).unwrap();
        let mut errors = domain::error::Errors::default();
        let read: Vec<NomenclatureItem> =
            rows.iter().map(|row| domain::nomenclature::check_nomenclature(&mut errors, "", row)).collect();
        assert!(errors.is_empty());
        assert_eq!(read, items);
    }

    #[test]
    fn too_many_rows_are_refused_whole() {
        let mut text = String::from("kode,nama\n");
        for _ in 0..=NOMENCLATURE_ROWS_MAX {
            text.push_str("1,x\n");
        }
        assert_eq!(parse(text.as_bytes()).unwrap_err()[0].rule, Rule::TooLong { max: NOMENCLATURE_ROWS_MAX });
    }
}
