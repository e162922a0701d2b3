//! The importer's reader against damaged and hostile files: truncated, bytes flipped, random
//! bytes behind a zip signature, cells of any text. It answers with a refusal or a sheet, never
//! a panic.

use proptest::prelude::*;
use reports::xlsx::{Cell, workbook};
use reports::xlsx_in::{Limits, read_first_sheet};

fn limits() -> Limits {
    Limits { max_bytes: 2_000_000, max_unpacked: 20_000_000, max_rows: 5_000, max_columns: 64 }
}

fn valid(cells: &[String]) -> Vec<u8> {
    let headers = vec!["judul".to_string(), "volume".to_string()];
    let rows = cells.iter().map(|c| vec![Cell::Text(c.clone()), Cell::Integer(c.len() as i64)]).collect();
    workbook(&[("Usulan".into(), headers, rows)]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn flipped_bytes_never_panic(cells in proptest::collection::vec("\\PC{0,30}", 0..20), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut bytes = valid(&cells);
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        let _ = read_first_sheet(&bytes, &limits());
    }

    #[test]
    fn truncated_files_never_panic(cells in proptest::collection::vec("\\PC{0,30}", 0..20), keep in 0usize..10_000) {
        let bytes = valid(&cells);
        let _ = read_first_sheet(&bytes[..keep.min(bytes.len())], &limits());
    }

    #[test]
    fn random_bytes_behind_a_zip_signature_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..4_000)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = read_first_sheet(&bytes, &limits());
    }

    #[test]
    fn any_text_in_a_cell_reads_back_as_written(cells in proptest::collection::vec("\\PC{1,30}", 1..20)) {
        let sheet = read_first_sheet(&valid(&cells), &limits()).unwrap();
        for (row, cell) in sheet.rows[1..].iter().zip(&cells) {
            prop_assert_eq!(row[0].text(), cell.trim());
        }
    }
}
