//! A pemda's log in one file, for checking away from the installation: `rencana audit export`
//! writes it, `rencana audit verify --from` checks it with nothing but the file and a key.
//!
//! JSON Lines, so that a journal of millions of entries is written and read in constant memory:
//! a header (`{"format": "rencana-log/1", "pemda", "origin", "verifier_key"}`), then one
//! `{"checkpoint": note}` per signed checkpoint, oldest first, each note with its witnesses'
//! cosignature lines, then one `{"entry": …}` per journal entry in `seq` order. The checkpoints
//! come first so that a reader holds each signed root before the entries that must give it.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use domain::RegionCode;
use domain::journal::JournalEntry;
use domain::transparency::{self, LogAudit};
use serde::{Deserialize, Serialize};
use store::Store;

pub const FORMAT: &str = "rencana-log/1";

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    pemda: String,
    origin: String,
    verifier_key: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Entry(JournalEntryLine),
    Checkpoint(String),
}

/// A journal entry as the file holds it: every field its hash covers.
#[derive(Serialize, Deserialize)]
struct JournalEntryLine {
    pemda: String,
    seq: i64,
    event_id: String,
    kind: String,
    actor: String,
    at: String,
    payload: String,
    prev_hash: String,
    hash: String,
}

impl From<JournalEntryLine> for JournalEntry {
    fn from(l: JournalEntryLine) -> Self {
        JournalEntry {
            pemda: l.pemda,
            seq: l.seq,
            event_id: l.event_id,
            kind: l.kind,
            actor: l.actor,
            at: l.at,
            payload: l.payload,
            prev_hash: l.prev_hash,
            hash: l.hash,
        }
    }
}

/// How many entries and checkpoints were written.
pub struct Exported {
    pub entries: i64,
    pub checkpoints: usize,
}

/// Writes `pemda`'s journal and checkpoints to `out`.
pub async fn export(
    store: &Store,
    pemda: &RegionCode,
    log: &web::TransparencyLog,
    out: &mut impl Write,
) -> anyhow::Result<Exported> {
    let header = Header {
        format: FORMAT.into(),
        pemda: pemda.to_string(),
        origin: transparency::origin(log.installation(), pemda.as_str()),
        verifier_key: log.verifier_key().into(),
    };
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b"\n")?;
    let mut checkpoints = Vec::new();
    let mut before = None;
    loop {
        let page = store.checkpoints(pemda, before, store::PAGE_MAX).await?;
        let Some(last) = page.last() else { break };
        before = Some(last.size);
        checkpoints.extend(page);
    }
    for c in checkpoints.iter().rev() {
        serde_json::to_writer(&mut *out, &Line::Checkpoint(c.cosigned_note()))?;
        out.write_all(b"\n")?;
    }
    // Entries after the last checkpoint are written too: the chain covers them, no root does.
    let mut entries = 0;
    let mut after = 0;
    loop {
        let page = store.journal_after(pemda, after, 2_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in page {
            let line = Line::Entry(JournalEntryLine {
                pemda: e.pemda,
                seq: e.seq,
                event_id: e.event_id,
                kind: e.kind,
                actor: e.actor,
                at: e.at,
                payload: e.payload,
                prev_hash: e.prev_hash,
                hash: e.hash,
            });
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
            entries += 1;
        }
    }
    out.flush()?;
    Ok(Exported { entries, checkpoints: checkpoints.len() })
}

/// What an offline check found.
#[derive(Debug)]
pub struct Verified {
    pub pemda: String,
    pub entries: i64,
    pub checkpoints: u64,
    /// Each finding, in words; empty when everything holds.
    pub problems: Vec<String>,
    /// The key the checkpoints were checked with came from the file itself, not the caller.
    pub key_from_file: bool,
}

/// Checks a file written by [`export`]: every checkpoint signed by `key` (or, without one, by the
/// key the file names: then the file is only shown consistent with itself), of this pemda's
/// origin, sizes growing; the chain whole; the tree rebuilt from the entries matching every
/// checkpoint's root. Reads the file once, in constant memory.
pub fn verify(input: impl BufRead, key: Option<&str>) -> anyhow::Result<Verified> {
    let mut lines = input.lines();
    let header: Header = match lines.next() {
        Some(line) => serde_json::from_str(&line?).context("the first line is not a rencana log header")?,
        None => bail!("the file is empty"),
    };
    if header.format != FORMAT {
        bail!("the file's format is {:?}, not {FORMAT}", header.format);
    }
    let verifier = key.unwrap_or(&header.verifier_key).to_string();
    let mut problems = Vec::new();
    if key.is_some_and(|k| k != header.verifier_key) {
        problems.push(
            "the file names another key than the one given; its checkpoints are checked with the given key".into(),
        );
    }
    let mut roots = Vec::new();
    let mut last_size = 0;
    let mut audit: Option<LogAudit> = None;
    let mut entries = 0;
    for (number, line) in lines.enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(&line)
            .with_context(|| format!("line {} is not an entry or a checkpoint", number + 2))?;
        match parsed {
            Line::Checkpoint(_) if audit.is_some() => {
                problems.push(format!("line {}: a checkpoint after the entries", number + 2));
            }
            Line::Checkpoint(note) => match transparency::open_checkpoint(&note, &verifier) {
                Ok(opened) if opened.origin != header.origin => problems.push(format!(
                    "a checkpoint of size {} is for {:?}, not this log ({:?}): replayed from another",
                    opened.size, opened.origin, header.origin
                )),
                Ok(opened) if opened.size <= last_size => problems.push(format!(
                    "a checkpoint of size {} comes after one of size {last_size}: replayed or out of order",
                    opened.size
                )),
                Ok(opened) => {
                    last_size = opened.size;
                    roots.push((opened.size, opened.root));
                }
                Err(error) => problems.push(format!("a checkpoint does not open with the key: {error}")),
            },
            Line::Entry(entry) => {
                let entry = JournalEntry::from(entry);
                if entry.pemda != header.pemda {
                    problems.push(format!("entry {} belongs to pemda {}", entry.seq, entry.pemda));
                }
                audit.get_or_insert_with(|| LogAudit::new(std::mem::take(&mut roots))).push(&entry);
                entries += 1;
            }
        }
    }
    let report = audit.unwrap_or_else(|| LogAudit::new(roots)).finish(None);
    if let Some(seq) = report.chain.first_broken {
        problems.push(format!("the chain breaks at entry {seq}: an entry was changed, removed or moved"));
    }
    if let Some(size) = report.first_mismatch {
        problems.push(format!(
            "the entries do not give the signed root of the checkpoint of size {size}: the history up to it was rewritten or cut short"
        ));
    }
    Ok(Verified {
        pemda: header.pemda,
        entries,
        checkpoints: report.checkpoints_matched,
        problems,
        key_from_file: key.is_none(),
    })
}
