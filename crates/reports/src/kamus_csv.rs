//! The kamus usulan as CSV (`kode,nama,satuan,harga_satuan,opd,bidang,fisik[,sub_kegiatan]`, or the English
//! headers `code,name,unit,unit_price,opd_code,bidang,fisik`): reading an upload into kamus
//! entries as typed, and writing a year's kamus in the same form, so a downloaded list can be
//! edited and uploaded again. Only the file's shape is checked here; the rules of each entry stay
//! in the domain, which takes the whole upload or refuses it, naming every broken row.

use crate::csv_table::{self, Column, optional, required};
use crate::spreadsheet::safe as spreadsheet_safe;
use domain::kamus::{KamusInput, KamusItem};

pub use crate::csv_table::ParseError;

/// The most entries one upload may carry (a pemda's kamus holds a few hundred to a few thousand).
pub const MAX_ROWS: usize = 5_000;

/// The header [`write`] puts on the first line.
pub const HEADER: [&str; 8] = ["kode", "nama", "satuan", "harga_satuan", "opd", "bidang", "fisik", "sub_kegiatan"];

/// The names each column may go by, Indonesian first; files made before the nomenclature may
/// leave out the sub kegiatan.
const COLUMNS: [Column; 8] = [
    required(&["kode", "code"]),
    required(&["nama", "name"]),
    required(&["satuan", "unit"]),
    required(&["harga_satuan", "unit_price", "harga"]),
    required(&["opd", "opd_code", "kode_opd"]),
    required(&["bidang"]),
    required(&["fisik"]),
    optional(&["sub_kegiatan", "kode_sub_kegiatan"]),
];

/// Parses an upload into kamus entries as typed, row `i` being the file's `i`-th data line.
pub fn parse(bytes: &[u8]) -> Result<Vec<KamusInput>, ParseError> {
    let rows = csv_table::read(bytes, &COLUMNS, MAX_ROWS)?;
    Ok(rows
        .into_iter()
        .map(|cells| {
            let mut cells = cells.into_iter();
            let mut next = || cells.next().unwrap_or_default();
            KamusInput {
                code: next(),
                name: next(),
                unit: next(),
                unit_price: next(),
                opd_code: next(),
                bidang: next(),
                fisik: next(),
                sub_kegiatan: next(),
            }
        })
        .collect())
}

/// The entries as CSV with the upload's Indonesian header: prices in plain digits, `fisik` as
/// `ya` or `tidak`.
pub fn write(items: &[KamusItem]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(HEADER);
    for item in items {
        let _ = writer.write_record([
            spreadsheet_safe(&item.code),
            spreadsheet_safe(&item.name),
            spreadsheet_safe(&item.unit),
            item.unit_price.to_string(),
            spreadsheet_safe(&item.opd_code),
            item.bidang.as_str().to_string(),
            if item.fisik { "ya" } else { "tidak" }.to_string(),
            item.sub_kegiatan.clone().unwrap_or_default(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::kamus::Bidang;
    use domain::{FieldError, Rule};

    fn item(code: &str, name: &str) -> KamusItem {
        KamusItem {
            code: code.into(),
            name: name.into(),
            unit: "meter".into(),
            unit_price: 1_250_000,
            opd_code: "1.03.01".into(),
            bidang: Bidang::InfrastrukturKewilayahan,
            fisik: true,
            sub_kegiatan: None,
        }
    }

    #[test]
    fn indonesian_and_english_headers_in_any_order() {
        let id = "kode,nama,satuan,harga_satuan,opd,bidang,fisik\nJLN-01,Pengaspalan jalan,meter,1.250.000,1.03.01,infrastruktur_kewilayahan,ya\n";
        let rows = parse(id.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].code, "JLN-01");
        assert_eq!(rows[0].unit_price, "1.250.000");
        assert_eq!(rows[0].fisik, "ya");
        let en =
            "Name,Code,unit,UNIT_PRICE,opd_code,fisik,bidang\nPaving,JLN-01,meter,1250000,1.03.01,no,ekonomi_sda\n";
        let rows = parse(en.as_bytes()).unwrap();
        assert_eq!(
            (rows[0].code.as_str(), rows[0].name.as_str(), rows[0].bidang.as_str(), rows[0].fisik.as_str()),
            ("JLN-01", "Paving", "ekonomi_sda", "no")
        );
    }

    #[test]
    fn semicolons_from_an_indonesian_spreadsheet() {
        let text = "\u{feff}kode;nama;satuan;harga_satuan;opd;bidang;fisik\nA-1;Lampu jalan, LED;unit;2500000;1.03.01;infrastruktur_kewilayahan;ya\n";
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(rows[0].name, "Lampu jalan, LED");
        assert_eq!(rows[0].unit_price, "2500000");
    }

    #[test]
    fn rows_keep_their_place_and_trailing_blank_lines_go() {
        let text = "kode,nama,satuan,harga_satuan,opd,bidang,fisik\nA,a,m,1,x,ekonomi_sda,ya\n,,,,,,\nB,b,m,1,x,ekonomi_sda,ya\n,,,,,,\n,,,,,,\n";
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3, "the blank line between rows stays, for the domain to name");
        assert_eq!(rows[1], KamusInput::default());
        assert_eq!(rows[2].code, "B");
    }

    #[test]
    fn what_is_written_reads_back() {
        let mut risky = item("=1+1", "=HYPERLINK(\"x\")");
        risky.fisik = false;
        risky.bidang = Bidang::SosialBudayaPemerintahan;
        let items = vec![item("JLN-01", "Pengaspalan jalan, hotmix \"AC-WC\""), risky];
        let text = write(&items);
        assert!(text.starts_with("kode,nama,satuan,harga_satuan,opd,bidang,fisik,sub_kegiatan\n"), "{text}");
        assert!(text.contains("'=HYPERLINK"), "formulas are guarded: {text}");
        assert!(text.contains(",1250000,"), "{text}");
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "Pengaspalan jalan, hotmix \"AC-WC\"");
        assert_eq!(rows[0].fisik, "ya");
        assert_eq!(rows[1].code, "=1+1");
        assert_eq!(rows[1].name, "=HYPERLINK(\"x\")");
        assert_eq!((rows[1].bidang.as_str(), rows[1].fisik.as_str()), ("sosial_budaya_pemerintahan", "tidak"));
        // And the domain reads what was written as the same entries.
        let mut errors = domain::error::Errors::default();
        let checked = domain::kamus::check_kamus(&mut errors, "", &rows[0], |_| true, |_| true);
        assert!(errors.is_empty());
        assert_eq!(checked, items[0]);
    }

    #[test]
    fn a_file_without_the_columns_or_rows_is_refused() {
        let errors = parse(b"kode,nama\nA,a\n").unwrap_err();
        assert_eq!(errors, vec![FieldError::new("file", Rule::Format { expected: "csv" })]);
        let errors = parse(&[0xff, 0xfe, 0x00]).unwrap_err();
        assert_eq!(errors[0].field, "file");
        let errors = parse(b"kode,nama,satuan,harga_satuan,opd,bidang,fisik\n").unwrap_err();
        assert_eq!(errors, vec![FieldError::new("rows", Rule::Required)]);
        let errors = parse(b"").unwrap_err();
        assert_eq!(errors[0].field, "file");
    }

    #[test]
    fn too_many_rows_are_refused_whole() {
        let mut text = String::from("kode,nama,satuan,harga_satuan,opd,bidang,fisik\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("K{i},n,m,1,x,ekonomi_sda,ya\n"));
        }
        let errors = parse(text.as_bytes()).unwrap_err();
        assert_eq!(errors[0].rule, Rule::TooLong { max: MAX_ROWS });
    }
}
