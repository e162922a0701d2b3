//! Proposals gathered on paper, imported from the forum's Excel template: every row is checked
//! before anything is written, and either all of them become the forum's proposals (attributed
//! to the uploader, in one transaction) or none do and each refusal names its row and column.
//! Pages and the API share it.

use domain::cycle::Stage;
use domain::musrenbang::ProposalInput;
use domain::planning::{ForumKey, forum_region_of};
use domain::{Actor, Command, FieldError, MusrenbangCommand, RegionCode, Rule};
use reports::xlsx::{Book, Cell};
use reports::xlsx_in::{Limits, ReadError, Value, read_first_sheet};
use store::BatchOutcome;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::state::AppState;

pub const FILE_MAX_MB: u64 = 2;
pub const ROWS_MAX: usize = 5_000;

/// The template's columns: the header people see, and the field of a proposal it fills.
pub const COLUMNS: [(&str, &str); 10] = [
    ("judul", "title"),
    ("masalah", "problem"),
    ("kode_kamus", "kamus_code"),
    ("volume", "volume"),
    ("kode_lingkungan", "lingkungan"),
    ("alamat", "address"),
    ("lintang", "latitude"),
    ("bujur", "longitude"),
    ("jalur", "track"),
    ("kode_prioritas", "priority"),
];

fn limits() -> Limits {
    Limits {
        max_bytes: (FILE_MAX_MB * 1024 * 1024) as usize,
        max_unpacked: 40 * 1024 * 1024,
        max_rows: ROWS_MAX,
        max_columns: 64,
    }
}

/// Where a refusal points: the sheet's row (as Excel numbers it) and the template column.
pub fn row_field(sheet_row: usize, field: &str) -> String {
    // `Tr::field_label` shows index + 1, so the sheet's own row number is kept as index + 1.
    format!("rows[{}].{field}", sheet_row.saturating_sub(1))
}

/// The header and letter of a field's column in the uploaded sheet, for the report.
pub struct Located {
    pub row: Option<usize>,
    pub column: String,
}

/// Reads back where a refusal's field path points, for the report's row and column.
pub fn locate(field: &str) -> Located {
    let row = field
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .and_then(|(index, _)| index.parse::<usize>().ok())
        .map(|i| i + 1);
    let name = field.rsplit('.').next().unwrap_or(field);
    let column = COLUMNS.iter().find(|(_, f)| *f == name).map(|(h, _)| h.to_string()).unwrap_or_default();
    Located { row, column }
}

fn file_error(rule: Rule) -> Vec<FieldError> {
    vec![FieldError::new("file", rule)]
}

/// A volume typed as a number: the domain reads volumes as people type them, with a comma.
fn volume_text(value: &Value) -> String {
    match value {
        Value::Number(n) => {
            let text = format!("{n:.3}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            text.replace('.', ",")
        }
        other => other.text(),
    }
}

/// Checks the sheet's header: every template column there once, nothing else. Returns the
/// position of each template column.
fn columns_of(header: &[Value]) -> Result<Vec<usize>, Vec<FieldError>> {
    let names: Vec<String> = header.iter().map(|v| v.text().to_lowercase()).collect();
    let mut errors = Vec::new();
    let mut positions = Vec::new();
    for (header, _) in COLUMNS {
        match names.iter().position(|n| n == header) {
            Some(at) => positions.push(at),
            None => errors.push(FieldError::new(format!("columns.{header}"), Rule::MissingColumn)),
        }
    }
    for name in names.iter().filter(|n| !n.is_empty()) {
        if !COLUMNS.iter().any(|(h, _)| h == name) {
            errors.push(FieldError::new(format!("columns.{name}"), Rule::UnknownColumn));
        } else if names.iter().filter(|n| *n == name).count() > 1
            && !errors.iter().any(|e| e.field.ends_with(name.as_str()))
        {
            errors.push(FieldError::new(format!("columns.{name}"), Rule::DuplicateInUpload));
        }
    }
    if errors.is_empty() { Ok(positions) } else { Err(errors) }
}

/// The upload's rows as the forum's proposals, or the refusals of the file itself.
/// The rows of an upload as commands, each with its sheet row, and what the file's own checks
/// refused among them.
struct Parsed {
    commands: Vec<Command>,
    sheet_rows: Vec<usize>,
    refused: Vec<FieldError>,
}

fn commands_of(bytes: &[u8], key: &ForumKey) -> Result<Parsed, Vec<FieldError>> {
    let sheet = read_first_sheet(bytes, &limits()).map_err(|error| match error {
        ReadError::TooLarge { .. } => file_error(Rule::FileTooLarge { max_mb: FILE_MAX_MB }),
        ReadError::NotXlsx | ReadError::NoSheet => file_error(Rule::Format { expected: "xlsx" }),
        ReadError::UnpacksTooLarge { .. } => file_error(Rule::Format { expected: "xlsx_unpacked" }),
        ReadError::TooManyColumns { .. } => file_error(Rule::Format { expected: "xlsx_columns" }),
        ReadError::TooManyRows { max } => file_error(Rule::TooManyRows { max }),
        ReadError::Formula { cell } => {
            let row: usize = cell.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().unwrap_or(1);
            vec![FieldError::new(format!("rows[{}].{cell}", row.saturating_sub(1)), Rule::Formula)]
        }
    })?;
    let Some(header) = sheet.rows.first() else { return Err(file_error(Rule::Required)) };
    let positions = columns_of(header)?;
    let mut commands = Vec::new();
    let mut sheet_rows = Vec::new();
    let mut refused = Vec::new();
    for (index, row) in sheet.rows.iter().enumerate().skip(1) {
        let sheet_row = index + 1;
        let cell = |column: usize| row.get(positions[column]).cloned().unwrap_or(Value::Empty);
        if positions.iter().all(|&p| row.get(p).is_none_or(Value::is_empty)) {
            continue;
        }
        for (column, (_, field)) in COLUMNS.iter().enumerate() {
            if cell(column) == Value::Error {
                refused.push(FieldError::new(row_field(sheet_row, field), Rule::Format { expected: "other" }));
            }
        }
        let mut lingkungan = cell(4).text();
        // In a rembuk warga the lingkungan is the forum's own: the column may stay empty.
        if lingkungan.is_empty() && key.stage == Stage::RembukWarga {
            lingkungan = key.region.to_string();
        }
        if let Ok(code) = RegionCode::parse(&lingkungan)
            && forum_region_of(&code, key.stage).as_ref() != Some(&key.region)
        {
            refused.push(FieldError::new(row_field(sheet_row, "lingkungan"), Rule::OutsideForum));
        }
        commands.push(Command::Musrenbang(MusrenbangCommand::SubmitProposal(ProposalInput {
            proposal_id: Uuid::now_v7(),
            cycle_id: key.cycle_id,
            stage: key.stage,
            title: cell(0).text(),
            problem: cell(1).text(),
            kamus_code: cell(2).text(),
            volume: volume_text(&cell(3)),
            lingkungan,
            address: cell(5).text(),
            latitude: cell(6).text(),
            longitude: cell(7).text(),
            track: match cell(8).text() {
                empty if empty.is_empty() => "apbd".to_string(),
                track => track.to_lowercase(),
            },
            priority: cell(9).text(),
        })));
        sheet_rows.push(sheet_row);
    }
    if commands.is_empty() && refused.is_empty() {
        return Err(file_error(Rule::Required));
    }
    Ok(Parsed { commands, sheet_rows, refused })
}

/// What an import did.
pub enum Imported {
    /// Every row became a proposal of the forum.
    All(usize),
    /// Nothing was written; each refusal names its row and column (`rows[i].field`, `i + 1`
    /// being the sheet's row) or the file.
    Refused(Vec<FieldError>),
}

/// Imports `bytes` into the forum `key` for `actor`; `progress` hears how many rows were checked.
pub async fn import(
    state: &AppState,
    actor: &Actor,
    key: &ForumKey,
    bytes: &[u8],
    progress: &(dyn Fn(usize) + Send + Sync),
) -> AppResult<Imported> {
    let Parsed { commands, sheet_rows, mut refused } = match commands_of(bytes, key) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Imported::Refused(errors)),
    };
    // A row the file's own checks refused is not decided (its lingkungan may be another forum's,
    // which the rules would answer as a refusal of the whole import); the others are, so that
    // every mistake is reported at once, and then only checked, never written.
    let held: Vec<usize> =
        sheet_rows.iter().copied().filter(|r| refused.iter().any(|e| locate(&e.field).row == Some(*r))).collect();
    let (commands, sheet_rows): (Vec<Command>, Vec<usize>) =
        commands.into_iter().zip(sheet_rows).filter(|(_, row)| !held.contains(row)).unzip();
    let commit = refused.is_empty();
    let outcome =
        state.store.execute_all_or_report(actor, &commands, OffsetDateTime::now_utc(), commit, progress).await?;
    match outcome {
        BatchOutcome::Committed(_) if commit => Ok(Imported::All(commands.len())),
        BatchOutcome::Committed(_) => Ok(Imported::Refused(refused)),
        BatchOutcome::Refused(errors) => {
            for (index, error) in errors {
                let sheet_row = sheet_rows.get(index).copied().unwrap_or(0);
                match error {
                    domain::DomainError::Invalid(fields) => {
                        refused.extend(
                            fields.into_iter().map(|f| FieldError::new(row_field(sheet_row, &f.field), f.rule)),
                        );
                    }
                    // A refusal that is not a field's (the forum closed, the stage shut, no
                    // right to this forum) is the whole import's: said once, as the page says it.
                    other => return Err(other.into()),
                }
            }
            Ok(Imported::Refused(refused))
        }
    }
}

/// The forum's template: the columns to fill, and beside them the forum's kamus and lingkungan
/// and how to fill each column.
pub async fn template(state: &AppState, tr: &Tr, key: &ForumKey) -> AppResult<Vec<u8>> {
    let store = &state.store;
    let cycle = store.cycle(key.cycle_id).await?.ok_or(AppError::NotFound)?;
    let mut book = Book::new();
    let headers: Vec<String> = COLUMNS.iter().map(|(h, _)| h.to_string()).collect();
    book.sheet(tr.t("import.sheet_rows"), &headers)?;
    book.sheet(tr.t("import.sheet_help"), &crate::views::xlsx::headers(tr, &["import.column", "import.how"]))?;
    for (header, field) in COLUMNS {
        book.row(&[Cell::from(header), Cell::from(tr.t(&format!("import.how.{field}")))])?;
    }
    let kamus = store.kamus(&cycle.pemda, cycle.tahun_anggaran).await?;
    let keys = ["xlsx.kamus_code", "xlsx.title", "xlsx.unit", "xlsx.unit_price"];
    book.sheet(tr.t("import.sheet_kamus"), &crate::views::xlsx::headers(tr, &keys))?;
    for item in kamus {
        book.row(&[
            Cell::Text(item.code),
            Cell::Text(item.name),
            Cell::Text(item.unit),
            Cell::Rupiah(item.unit_price),
        ])?;
    }
    let keys = ["xlsx.lingkungan_code", "xlsx.lingkungan"];
    book.sheet(tr.t("import.sheet_lingkungan"), &crate::views::xlsx::headers(tr, &keys))?;
    let lingkungan = store.lingkungan_within(&key.region).await?;
    for region in lingkungan {
        book.row(&[Cell::Text(region.code.to_string()), Cell::Text(region.name)])?;
    }
    crate::views::xlsx::finish(book).await
}
