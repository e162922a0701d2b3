//! Lists as Excel workbooks (rust_xlsxwriter): one sheet per logical table, the header row
//! frozen and filtered, rupiah as numbers with an Indonesian format, dates as dates (WIB).
//! Rows are written in order and kept on disk, not in memory (the crate's constant-memory
//! mode), so a list of a hundred thousand proposals costs what a few rows cost.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use time::{OffsetDateTime, UtcOffset};

/// One cell, typed, so that a spreadsheet sums amounts and sorts dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    /// Whole rupiah.
    Rupiah(i64),
    /// A volume in thousandths of its unit, as the domain keeps it.
    Volume(i64),
    Date(time::Date),
    /// Shown in WIB, like every time on the pages.
    Time(OffsetDateTime),
    Empty,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_string())
    }
}

/// Rupiah with Indonesian grouping whatever the reader's locale (`[$Rp-421]`: Indonesian).
const RUPIAH_FORMAT: &str = "[$Rp-421]#,##0";
const INTEGER_FORMAT: &str = "#,##0";
const VOLUME_FORMAT: &str = "#,##0.###";
const DATE_FORMAT: &str = "[$-421]d mmmm yyyy";
const TIME_FORMAT: &str = "[$-421]d mmmm yyyy hh:mm";
/// Column widths are estimated from the header and the first rows, within these bounds.
const WIDTH_MIN: f64 = 6.0;
const WIDTH_MAX: f64 = 60.0;
const ROWS_MEASURED: u32 = 200;

fn wib() -> UtcOffset {
    UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// An error writing a workbook: a sheet name Excel refuses, more rows than a sheet holds, or
/// the disk under the rows.
#[derive(Debug, thiserror::Error)]
#[error("the workbook could not be written: {0}")]
pub struct XlsxWriteError(#[from] XlsxError);

struct Open {
    index: usize,
    columns: u16,
    next_row: u32,
    widths: Vec<f64>,
}

/// A workbook written a sheet at a time and a row at a time.
pub struct Book {
    workbook: Workbook,
    header: Format,
    rupiah: Format,
    integer: Format,
    volume: Format,
    date: Format,
    time: Format,
    sheets: usize,
    open: Option<Open>,
}

impl Default for Book {
    fn default() -> Self {
        Self::new()
    }
}

impl Book {
    pub fn new() -> Book {
        Book {
            workbook: Workbook::new(),
            header: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_background_color(0xE8EEF4),
            rupiah: Format::new().set_num_format(RUPIAH_FORMAT),
            integer: Format::new().set_num_format(INTEGER_FORMAT),
            volume: Format::new().set_num_format(VOLUME_FORMAT),
            date: Format::new().set_num_format(DATE_FORMAT),
            time: Format::new().set_num_format(TIME_FORMAT),
            sheets: 0,
            open: None,
        }
    }

    /// Starts a sheet named `name` (cut to Excel's 31 characters, without the characters it
    /// refuses) with its header row; the rows pushed next go to it.
    pub fn sheet(&mut self, name: &str, headers: &[String]) -> Result<(), XlsxWriteError> {
        self.close_sheet()?;
        let name = sheet_name(name, self.sheets);
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(&name)?;
        for (column, header) in (0u16..).zip(headers) {
            sheet.write_string_with_format(0, column, header, &self.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        let widths = headers.iter().map(|h| width_of(h)).collect();
        let columns = u16::try_from(headers.len()).unwrap_or(u16::MAX);
        self.open = Some(Open { index: self.sheets, columns, next_row: 1, widths });
        self.sheets += 1;
        Ok(())
    }

    /// Writes the next row of the current sheet (cells beyond its header are dropped).
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), XlsxWriteError> {
        let Some(open) = self.open.as_mut() else { return Ok(()) };
        let sheet = self.workbook.worksheet_from_index(open.index)?;
        let row = open.next_row;
        for (column, cell) in (0..open.columns).zip(cells) {
            match cell {
                Cell::Text(text) => {
                    sheet.write_string(row, column, within_cell(text))?;
                }
                Cell::Integer(n) => {
                    sheet.write_number_with_format(row, column, *n as f64, &self.integer)?;
                }
                Cell::Rupiah(n) => {
                    sheet.write_number_with_format(row, column, *n as f64, &self.rupiah)?;
                }
                Cell::Volume(milli) => {
                    sheet.write_number_with_format(row, column, *milli as f64 / 1000.0, &self.volume)?;
                }
                Cell::Date(date) => {
                    sheet.write_datetime_with_format(row, column, excel_date(*date)?, &self.date)?;
                }
                Cell::Time(at) => {
                    sheet.write_datetime_with_format(row, column, excel_time(*at)?, &self.time)?;
                }
                Cell::Empty => {}
            }
            if row <= ROWS_MEASURED
                && let Some(width) = open.widths.get_mut(usize::from(column))
            {
                *width = width.max(cell_width(cell));
            }
        }
        open.next_row += 1;
        Ok(())
    }

    fn close_sheet(&mut self) -> Result<(), XlsxWriteError> {
        let Some(open) = self.open.take() else { return Ok(()) };
        let sheet = self.workbook.worksheet_from_index(open.index)?;
        for (column, width) in (0u16..).zip(&open.widths) {
            sheet.set_column_width(column, width.clamp(WIDTH_MIN, WIDTH_MAX))?;
        }
        if open.columns > 0 {
            sheet.autofilter(0, 0, open.next_row - 1, open.columns - 1)?;
        }
        Ok(())
    }

    /// The workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxWriteError> {
        self.close_sheet()?;
        if self.sheets == 0 {
            self.sheet("Data", &[])?;
            self.close_sheet()?;
        }
        Ok(self.workbook.save_to_buffer()?)
    }
}

/// A table given whole: its sheet's name, headers and rows.
pub type Table = (String, Vec<String>, Vec<Vec<Cell>>);

/// A whole workbook from tables given at once, one sheet each.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxWriteError> {
    let mut book = Book::new();
    for (name, headers, rows) in tables {
        book.sheet(name, headers)?;
        for row in rows {
            book.row(row)?;
        }
    }
    book.finish()
}

/// Excel's rules for a sheet name: at most 31 characters, none of `[]:*?/\`, not empty, not
/// starting or ending with an apostrophe.
fn sheet_name(name: &str, index: usize) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .filter(|c| !c.is_control())
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim().to_string();
    if cleaned.is_empty() { format!("Data {}", index + 1) } else { cleaned }
}

/// The most characters Excel keeps in a cell.
const CELL_CHARS_MAX: usize = 32_767;

/// Text cut to what a cell holds, ending in an ellipsis when cut (a journal payload can be
/// longer); the file stays one Excel opens instead of failing to be written.
fn within_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(CELL_CHARS_MAX - 1) {
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..cut])),
        None => std::borrow::Cow::Borrowed(text),
    }
}

fn width_of(text: &str) -> f64 {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0) as f64 + 2.0
}

fn cell_width(cell: &Cell) -> f64 {
    match cell {
        Cell::Text(text) => width_of(text),
        Cell::Integer(n) => width_of(&n.to_string()) * 1.3,
        Cell::Rupiah(n) => width_of(&n.to_string()) * 1.3 + 3.0,
        Cell::Volume(n) => width_of(&n.to_string()) * 1.3,
        Cell::Date(_) => 18.0,
        Cell::Time(_) => 24.0,
        Cell::Empty => 0.0,
    }
}

fn excel_date(date: time::Date) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(date.year()).map_err(|_| XlsxError::DateTimeRangeError("year".into()))?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day())
}

fn excel_time(at: OffsetDateTime) -> Result<ExcelDateTime, XlsxError> {
    let local = at.to_offset(wib());
    excel_date(local.date())?.and_hms(u16::from(local.hour()), local.minute(), local.second())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts of the zip the tests look into, read with the same reader the importer uses
    /// would be better; here the XML is small enough to search as text once inflated.
    fn sheet_xml(bytes: &[u8], n: usize) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut file = archive.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut file, &mut text).unwrap();
        text
    }

    #[test]
    fn a_sheet_has_its_header_frozen_filtered_and_typed_cells() {
        let date = time::macros::date!(2026 - 12 - 4);
        let at = time::macros::datetime!(2026-12-04 03:00 UTC);
        let rows = vec![
            vec![
                Cell::from("Jalan =SUM(A1)"),
                Cell::Rupiah(1_250_000),
                Cell::Date(date),
                Cell::Time(at),
                Cell::Integer(3),
            ],
            vec![Cell::from("Drainase"), Cell::Rupiah(0), Cell::Empty, Cell::Empty, Cell::Integer(-1)],
        ];
        let headers: Vec<String> = ["Judul", "Biaya", "Tanggal", "Waktu (WIB)", "Dukungan"].map(String::from).to_vec();
        let bytes = workbook(&[("Usulan: prioritas/2027".into(), headers, rows)]).unwrap();
        assert!(bytes.starts_with(b"PK"));
        let xml = sheet_xml(&bytes, 1);
        assert!(xml.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), "{xml}");
        assert!(xml.contains(r#"<autoFilter ref="A1:E3"/>"#), "{xml}");
        assert!(xml.contains("<v>1250000</v>"), "rupiah is a number");
        assert!(xml.contains("Jalan =SUM(A1)") && !xml.contains("<f>"), "text stays text, never a formula");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).unwrap();
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
        assert!(styles.contains("[$Rp-421]#,##0") && styles.contains("[$-421]d mmmm yyyy"), "{styles}");
        let mut book = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("xl/workbook.xml").unwrap(), &mut book).unwrap();
        assert!(book.contains(r#"name="Usulan- prioritas-2027""#), "{book}");
    }

    #[test]
    fn text_longer_than_a_cell_holds_is_cut_not_refused() {
        let long = "x".repeat(40_000);
        let bytes = workbook(&[("S".into(), vec!["A".into()], vec![vec![Cell::Text(long)]])]).unwrap();
        let xml = sheet_xml(&bytes, 1);
        assert!(xml.contains(&format!("{}…", "x".repeat(32_766))) && !xml.contains(&"x".repeat(32_767)));
    }

    #[test]
    fn each_table_is_its_own_sheet_and_an_empty_book_still_opens() {
        let one = vec!["A".to_string()];
        let bytes =
            workbook(&[("Satu".into(), one.clone(), vec![]), ("Dua".into(), one, vec![vec![Cell::Integer(1)]])])
                .unwrap();
        assert!(sheet_xml(&bytes, 2).contains("<v>1</v>"));
        assert!(Book::new().finish().unwrap().starts_with(b"PK"));
        assert_eq!(sheet_name("", 4), "Data 5");
        assert_eq!(sheet_name(&"x".repeat(40), 0).len(), 31);
    }
}
