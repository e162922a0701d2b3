//! Reading an uploaded CSV whose columns are found by their header names, as spreadsheets save
//! it: UTF-8 with or without a byte-order mark, with commas or (set to Indonesian, where the
//! comma is the decimal mark) semicolons, cells trimmed and unguarded (see `spreadsheet`).

use domain::{FieldError, Rule};

use crate::spreadsheet::unguard;

/// What a caller gets back when the file itself, or its shape, cannot be used.
pub type ParseError = Vec<FieldError>;

/// A column of an upload: the names it may go by (lower case, Indonesian first) and whether a
/// file may leave it out (its cells then read as empty).
pub struct Column {
    pub names: &'static [&'static str],
    pub optional: bool,
}

pub const fn required(names: &'static [&'static str]) -> Column {
    Column { names, optional: false }
}

pub const fn optional(names: &'static [&'static str]) -> Column {
    Column { names, optional: true }
}

pub fn bad_file() -> ParseError {
    vec![FieldError::new("file", Rule::Format { expected: "csv" })]
}

/// The header line says which separator the file uses.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.contains(';') && !header.contains(',') { b';' } else { b',' }
}

/// The cells of each data line, in the order of `columns`. Row `i` is the `i`-th data line of
/// the file, so that errors naming `rows[i]` point at the right line; blank lines at the end,
/// which spreadsheets like to leave, are dropped. More than `max_rows` lines, a missing required
/// column, or no row at all refuse the whole file.
pub fn read(bytes: &[u8], columns: &[Column], max_rows: usize) -> Result<Vec<Vec<String>>, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|_| bad_file())?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| bad_file())?.clone();
    let mut positions = Vec::with_capacity(columns.len());
    for column in columns {
        let found = headers.iter().position(|h| column.names.contains(&h.trim().to_lowercase().as_str()));
        match (found, column.optional) {
            (None, false) => return Err(bad_file()),
            (found, _) => positions.push(found),
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| bad_file())?;
        if rows.len() >= max_rows {
            return Err(vec![FieldError::new("rows", Rule::TooLong { max: max_rows })]);
        }
        let cell = |position: Option<usize>| {
            position.and_then(|p| record.get(p)).map(|text| unguard(text).to_string()).unwrap_or_default()
        };
        rows.push(positions.iter().map(|p| cell(*p)).collect::<Vec<String>>());
    }
    while rows.last().is_some_and(|row| row.iter().all(String::is_empty)) {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(vec![FieldError::new("rows", Rule::Required)]);
    }
    Ok(rows)
}
