//! Reading an uploaded Excel workbook (calamine): its first sheet as typed values, with every
//! refusal a careless or hostile upload calls for — not a workbook, too large packed or unpacked,
//! too many rows, a formula anywhere — said before anything is read into the application.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

/// Bounds of what an upload may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    /// The sum of the workbook's parts once unpacked: a small zip can unpack to gigabytes.
    pub max_unpacked: u64,
    /// Data rows, the header not counted.
    pub max_rows: usize,
    pub max_columns: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("the file is not an Excel workbook (.xlsx)")]
    NotXlsx,
    #[error("the workbook unpacks to more than {max} bytes")]
    UnpacksTooLarge { max: u64 },
    #[error("the workbook has no sheet")]
    NoSheet,
    #[error("cell {cell} holds a formula; paste values only")]
    Formula { cell: String },
    #[error("more than {max} rows")]
    TooManyRows { max: usize },
    #[error("more than {max} columns")]
    TooManyColumns { max: usize },
}

/// One cell as typed in the sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Date(time::Date),
    Bool(bool),
    /// A cell Excel itself shows as an error (`#N/A`, `#DIV/0!` …).
    Error,
    Empty,
}

impl Value {
    /// The cell as text, as a person would read it: numbers without a needless `.0`.
    pub fn text(&self) -> String {
        match self {
            Value::Text(text) => text.trim().to_string(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::Date(date) => date.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Error => "#ERROR".into(),
            Value::Empty => String::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// A sheet's rows from A1: the first row is the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Value>>,
}

/// The column letters of a 0-based index, as Excel names them (0 → A, 26 → AA).
pub fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Excel's day count: 1 is 1 January 1900, and (a bug kept for Lotus 1-2-3) 60 is a
/// 29 February 1900 that never was; serials after it count from 30 December 1899.
fn date_of_serial(serial: f64) -> Option<time::Date> {
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    let days = serial.floor();
    if !(1.0..=2_958_465.0).contains(&days) {
        return None;
    }
    let days = if days < 61.0 { days + 1.0 } else { days };
    epoch.checked_add(time::Duration::days(days as i64))
}

/// Checks what the zip says it unpacks to before anything is inflated.
fn check_unpacked(bytes: &[u8], max: u64) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::NotXlsx)?;
    if archive.len() > 10_000 {
        return Err(ReadError::UnpacksTooLarge { max });
    }
    // Each part is inflated once into nothing, counting, and never beyond what is left of the
    // bound: a part that declares little and inflates to much (a zip bomb) is stopped there,
    // before calamine would build its cells in memory.
    let mut left = max;
    for index in 0..archive.len() {
        let part = archive.by_index(index).map_err(|_| ReadError::NotXlsx)?;
        let inflated = std::io::copy(&mut std::io::Read::take(part, left.saturating_add(1)), &mut std::io::sink())
            .map_err(|_| ReadError::NotXlsx)?;
        if inflated > left {
            return Err(ReadError::UnpacksTooLarge { max });
        }
        left -= inflated;
    }
    Ok(())
}

/// The first sheet of an .xlsx upload.
pub fn read_first_sheet(bytes: &[u8], limits: &Limits) -> Result<Sheet, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge { max: limits.max_bytes });
    }
    // The type is told by content: a zip, holding a workbook.
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(ReadError::NotXlsx);
    }
    check_unpacked(bytes, limits.max_unpacked)?;
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| ReadError::NotXlsx)?;
    let name = workbook.sheet_names().first().cloned().ok_or(ReadError::NoSheet)?;
    let formulas = workbook.worksheet_formula(&name).map_err(|_| ReadError::NotXlsx)?;
    if let Some((row, column, _)) = formulas.used_cells().find(|(_, _, f)| !f.trim().is_empty()) {
        let (top, left) = formulas.start().unwrap_or((0, 0));
        let cell = format!("{}{}", column_letters(left as usize + column), top as usize + row + 1);
        return Err(ReadError::Formula { cell });
    }
    let range = workbook.worksheet_range(&name).map_err(|_| ReadError::NotXlsx)?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let (top, left) = (top as usize, left as usize);
    let (height, width) = range.get_size();
    if left + width > limits.max_columns {
        return Err(ReadError::TooManyColumns { max: limits.max_columns });
    }
    if (top + height).saturating_sub(1) > limits.max_rows {
        return Err(ReadError::TooManyRows { max: limits.max_rows });
    }
    let mut rows = vec![Vec::new(); top];
    for row in range.rows() {
        let mut values = vec![Value::Empty; left];
        values.extend(row.iter().map(|cell| match cell {
            Data::String(text) => Value::Text(text.clone()),
            Data::Int(n) => Value::Number(*n as f64),
            Data::Float(f) => Value::Number(*f),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(dt) => date_of_serial(dt.as_f64()).map_or(Value::Error, Value::Date),
            Data::DateTimeIso(text) | Data::DurationIso(text) => Value::Text(text.clone()),
            Data::Error(_) => Value::Error,
            Data::Empty => Value::Empty,
        }));
        rows.push(values);
    }
    // Rows a spreadsheet leaves empty at the end are not data.
    while rows.last().is_some_and(|r| r.iter().all(Value::is_empty)) {
        rows.pop();
    }
    Ok(Sheet { name, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xlsx::{Cell, workbook};

    fn limits() -> Limits {
        Limits { max_bytes: 2_000_000, max_unpacked: 20_000_000, max_rows: 100, max_columns: 20 }
    }

    #[test]
    fn what_the_writer_wrote_reads_back_typed() {
        let date = time::macros::date!(2026 - 12 - 4);
        let headers = vec!["Judul".to_string(), "Biaya".to_string(), "Tanggal".to_string(), "Volume".to_string()];
        let rows =
            vec![vec![Cell::from("Jalan lingkungan"), Cell::Rupiah(1_250_000), Cell::Date(date), Cell::Volume(2_500)]];
        let bytes = workbook(&[("Usulan".into(), headers, rows)]).unwrap();
        let sheet = read_first_sheet(&bytes, &limits()).unwrap();
        assert_eq!(sheet.name, "Usulan");
        assert_eq!(sheet.rows[0][0], Value::Text("Judul".into()));
        assert_eq!(sheet.rows[1][0].text(), "Jalan lingkungan");
        assert_eq!(sheet.rows[1][1].text(), "1250000");
        assert_eq!(sheet.rows[1][2], Value::Date(date));
        assert_eq!(sheet.rows[1][3], Value::Number(2.5));
    }

    #[test]
    fn what_is_not_a_plain_workbook_is_refused_before_it_is_read() {
        assert_eq!(read_first_sheet(b"judul,biaya\n", &limits()), Err(ReadError::NotXlsx));
        assert_eq!(read_first_sheet(b"PK\x03\x04garbage", &limits()), Err(ReadError::NotXlsx));
        let small = Limits { max_bytes: 10, ..limits() };
        assert_eq!(read_first_sheet(&[0u8; 11], &small), Err(ReadError::TooLarge { max: 10 }));
        let headers = vec!["A".to_string()];
        let many: Vec<Vec<Cell>> = (0..101).map(|i| vec![Cell::Integer(i)]).collect();
        let bytes = workbook(&[("S".into(), headers.clone(), many)]).unwrap();
        assert_eq!(read_first_sheet(&bytes, &limits()), Err(ReadError::TooManyRows { max: 100 }));
        let tight = Limits { max_unpacked: 1_000, ..limits() };
        assert_eq!(read_first_sheet(&bytes, &tight), Err(ReadError::UnpacksTooLarge { max: 1_000 }));
    }

    #[test]
    fn a_zip_bomb_is_stopped_while_it_inflates() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..30 {
            std::io::Write::write_all(&mut zip, &zeros).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 200_000, "30 MB of zeros packs small: {}", bytes.len());
        assert_eq!(read_first_sheet(&bytes, &limits()), Err(ReadError::UnpacksTooLarge { max: 20_000_000 }));
    }

    #[test]
    fn a_formula_anywhere_is_named_by_its_cell() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Judul").unwrap();
        sheet.write_string(1, 0, "Jalan").unwrap();
        sheet.write_formula(2, 1, "=1+1").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert_eq!(read_first_sheet(&bytes, &limits()), Err(ReadError::Formula { cell: "B3".into() }));
    }

    #[test]
    fn columns_and_serial_dates_are_named_as_excel_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(date_of_serial(46_360.0), Some(time::macros::date!(2026 - 12 - 04)));
        assert_eq!(date_of_serial(1.0), Some(time::macros::date!(1900 - 01 - 01)));
        assert_eq!(date_of_serial(-3.0), None);
    }
}
