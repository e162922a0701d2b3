//! The hash chain of the journal. Each pemda's events are numbered from 1; each entry's hash
//! covers its own content and its predecessor's hash, so that editing, removing or reordering any
//! stored event breaks every hash after it and verification names the first broken entry.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The journal's timestamps: UTC, microseconds, RFC 3339 (see [`JournalEntry::at`]).
pub fn journal_time(now: time::OffsetDateTime) -> String {
    let now = now.to_offset(time::UtcOffset::UTC);
    let micros = now.replace_nanosecond(now.microsecond() * 1_000).unwrap_or(now);
    micros.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The hash that the first entry of every chain points back to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored journal entry, exactly as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalEntry {
    pub pemda: String,
    pub seq: i64,
    pub event_id: String,
    pub kind: String,
    pub actor: String,
    /// RFC 3339, UTC, microseconds: stored as text so the hashed bytes never depend on how a
    /// database rounds its timestamps.
    pub at: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl JournalEntry {
    /// The hash of this entry's content and its predecessor's hash. The fields go in a fixed
    /// order, each length-prefixed, so that no two different entries hash the same input.
    pub fn recompute_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let seq = self.seq.to_string();
        let fields =
            [&self.prev_hash, &self.pemda, &seq, &self.event_id, &self.kind, &self.actor, &self.at, &self.payload];
        for field in fields {
            hasher.update(field.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(field.as_bytes());
            hasher.update(b"\n");
        }
        hex::encode(hasher.finalize())
    }
}

/// The outcome of checking one pemda's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub valid: bool,
    pub events: i64,
    pub head: String,
    pub first_broken: Option<i64>,
}

/// Walks a chain in sequence order, one entry at a time, so that a chain of millions of events
/// can be checked in constant memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    first_broken: Option<i64>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { expected_seq: 1, prev_hash: GENESIS_HASH.to_string(), first_broken: None }
    }
}

impl ChainVerifier {
    /// A verifier that continues after entry `seq`, whose hash was `hash` when an earlier walk
    /// verified the chain up to it: checking only what came since costs what was added, not
    /// the whole history. It trusts that earlier walk; only a walk from the start (`default`)
    /// would see an entry before `seq` edited since.
    pub fn resume(seq: i64, hash: &str) -> Self {
        ChainVerifier { expected_seq: seq + 1, prev_hash: hash.to_string(), first_broken: None }
    }

    pub fn push(&mut self, entry: &JournalEntry) {
        if self.first_broken.is_none() {
            let intact = entry.seq == self.expected_seq
                && entry.prev_hash == self.prev_hash
                && entry.recompute_hash() == entry.hash;
            if !intact {
                self.first_broken = Some(self.expected_seq);
            }
        }
        self.expected_seq += 1;
        self.prev_hash = entry.hash.clone();
    }

    /// `recorded_head` is the head the database keeps beside the chain: a chain cut short at its
    /// end still has every remaining link intact, and only the head betrays it.
    pub fn finish(self, recorded_head: Option<(i64, &str)>) -> ChainReport {
        let events = self.expected_seq - 1;
        let mut first_broken = self.first_broken;
        if first_broken.is_none()
            && let Some((head_seq, head_hash)) = recorded_head
            && (head_seq != events || head_hash != self.prev_hash)
        {
            first_broken = Some(events.min(head_seq) + 1);
        }
        ChainReport { valid: first_broken.is_none(), events, head: self.prev_hash, first_broken }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<JournalEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let payload = format!("{{\"n\":{seq}}}");
                let at = "2026-11-29T00:00:00.000000Z".to_string();
                let mut entry = JournalEntry {
                    pemda: "12.71".into(),
                    seq,
                    event_id: "id".into(),
                    kind: "k".into(),
                    actor: "a".into(),
                    at,
                    payload,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                entry.hash = entry.recompute_hash();
                prev = entry.hash.clone();
                entry
            })
            .collect()
    }

    #[test]
    fn a_resumed_walk_checks_only_what_came_after_and_still_catches_it() {
        let entries = chain(10);
        let mut verifier = ChainVerifier::resume(6, &entries[5].hash);
        entries[6..].iter().for_each(|e| verifier.push(e));
        let head = (10, entries[9].hash.as_str());
        let report = verifier.finish(Some(head));
        assert_eq!((report.valid, report.events), (true, 10));

        let mut edited = entries.clone();
        edited[7].payload = "{\"n\":0}".into();
        let mut verifier = ChainVerifier::resume(6, &entries[5].hash);
        edited[6..].iter().for_each(|e| verifier.push(e));
        assert_eq!(verifier.finish(Some(head)).first_broken, Some(8));

        // Resumed from a hash the entry no longer has: the first new link fails.
        let mut verifier = ChainVerifier::resume(6, GENESIS_HASH);
        entries[6..].iter().for_each(|e| verifier.push(e));
        assert_eq!(verifier.finish(Some(head)).first_broken, Some(7));
    }

    fn verify(entries: &[JournalEntry], head: Option<(i64, &str)>) -> ChainReport {
        let mut verifier = ChainVerifier::default();
        entries.iter().for_each(|e| verifier.push(e));
        verifier.finish(head)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(5);
        let head = entries[4].hash.clone();
        let report = verify(&entries, Some((5, &head)));
        assert!(report.valid);
        assert_eq!(report.events, 5);
        assert_eq!(report.head, head);
    }

    #[test]
    fn an_edited_payload_breaks_at_that_entry() {
        let mut entries = chain(5);
        entries[2].payload = "{\"n\":99}".into();
        let report = verify(&entries, None);
        assert_eq!(report.first_broken, Some(3));
        assert!(!report.valid);
    }

    #[test]
    fn a_removed_entry_breaks_where_it_was() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify(&entries, None).first_broken, Some(2));
    }

    #[test]
    fn a_truncated_tail_is_caught_by_the_head() {
        let entries = chain(5);
        let head = entries[4].hash.clone();
        assert_eq!(verify(&entries[..3], Some((5, &head))).first_broken, Some(4));
    }

    #[test]
    fn an_empty_chain_is_valid() {
        let report = verify(&[], None);
        assert!(report.valid);
        assert_eq!(report.head, GENESIS_HASH);
    }

    proptest::proptest! {
        /// Whatever single stored field of whichever entry is edited, verification names that entry.
        #[test]
        fn any_single_edit_is_found_where_it_was_made(length in 1i64..40, at in 0usize..40, field in 0usize..7, text in "[a-z0-9]{1,8}") {
            let mut entries = chain(length);
            let index = at % entries.len();
            let entry = &mut entries[index];
            let edit = |value: &mut String| { value.push_str(&text); };
            match field {
                0 => edit(&mut entry.pemda),
                1 => entry.seq += 1000,
                2 => edit(&mut entry.event_id),
                3 => edit(&mut entry.kind),
                4 => edit(&mut entry.actor),
                5 => edit(&mut entry.at),
                _ => edit(&mut entry.payload),
            }
            let head = chain(length).last().map(|e| e.hash.clone()).unwrap_or_default();
            let report = verify(&entries, Some((length, &head)));
            proptest::prop_assert_eq!(report.first_broken, Some(index as i64 + 1));
        }
    }
}
