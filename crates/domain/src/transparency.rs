//! The transparency log: each pemda's journal as a Merkle tree in the manner of Certificate
//! Transparency (RFC 6962/9162), signed checkpoints of it (C2SP tlog-checkpoint, a signed note),
//! and witnesses' cosignatures of those (C2SP tlog-cosignature). The leaves are the journal
//! entries' hashes in `seq` order: leaf hash = SHA-256(0x00 ‖ the entry's 32 bytes), interior
//! node = SHA-256(0x01 ‖ left ‖ right). Pure: hashes, proofs and signatures; where the tree's
//! hashes are kept, and where randomness comes from, is the caller's business.
//!
//! The tree's arithmetic and the formats come from the `tlog_tiles` and `signed_note` crates (the
//! Go checksum database's `tlog` and `note`, ported), so that what Rencana publishes is what
//! existing transparency-log tools read. Their hashes are kept at "stored hash indexes", one
//! number per complete subtree ([`tlog_tiles::stored_hash_index`]).

use std::cell::RefCell;
use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use signed_note::{Note, NoteError, Signer, StandardSigner, StandardVerifier, Verifier, VerifierList};
pub use tlog_tiles::Hash;
use tlog_tiles::{Checkpoint, HashReader};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LogError {
    #[error("a journal entry's hash is not 64 hexadecimal digits")]
    EntryHash,
    #[error("the tree lacks a hash the answer needs, or the sizes asked are out of order")]
    Tree,
    #[error("the checkpoint is not a well-formed C2SP checkpoint")]
    MalformedCheckpoint,
    #[error("the note is not a well-formed signed note")]
    MalformedNote,
    #[error("the note carries no valid signature of the expected key")]
    Unsigned,
    #[error("a signature of the expected key does not verify: the note was altered or forged")]
    BadSignature,
    #[error("the key is not a valid key: {0}")]
    Key(String),
}

fn tree_error(_: tlog_tiles::Error) -> LogError {
    LogError::Tree
}

/// The leaf of a journal entry: RFC 6962's leaf hash of its 32 hash bytes.
pub fn leaf_hash(entry_hash_hex: &str) -> Result<Hash, LogError> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(entry_hash_hex, &mut bytes).map_err(|_| LogError::EntryHash)?;
    Ok(tlog_tiles::record_hash(&bytes))
}

/// The stored hash index of leaf `i` (0-based): where its leaf hash is kept.
pub fn leaf_index(i: u64) -> u64 {
    tlog_tiles::stored_hash_index(0, i)
}

pub fn hash_hex(hash: &Hash) -> String {
    hex::encode(hash.0)
}

pub fn hash_from_hex(text: &str) -> Option<Hash> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text, &mut bytes).ok()?;
    Some(Hash(bytes))
}

/// Stored hashes fetched beforehand, by stored hash index. A store cannot answer the crates'
/// synchronous reads from an async database; it asks [`TreeRead::indexes`] what a read needs,
/// fetches those in one query, and answers from here.
#[derive(Debug, Default, Clone)]
pub struct KnownHashes(HashMap<u64, Hash>);

impl KnownHashes {
    pub fn insert(&mut self, index: u64, hash: Hash) {
        self.0.insert(index, hash);
    }

    pub fn get(&self, index: u64) -> Option<Hash> {
        self.0.get(&index).copied()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(u64, Hash)> for KnownHashes {
    fn from_iter<I: IntoIterator<Item = (u64, Hash)>>(iter: I) -> Self {
        KnownHashes(iter.into_iter().collect())
    }
}

impl HashReader for KnownHashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes.iter().map(|i| self.0.get(i).copied().ok_or(tlog_tiles::Error::IndexesNotInTree)).collect()
    }
}

/// Notes which hashes a read asks for, and answers none.
#[derive(Default)]
struct Wanted(RefCell<Vec<u64>>);

impl HashReader for Wanted {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        self.0.borrow_mut().extend_from_slice(indexes);
        Err(tlog_tiles::Error::IndexesNotInTree)
    }
}

/// A read of the tree. Each makes one request for stored hashes, so that the hashes it needs are
/// known before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeRead {
    /// The root hash of the tree of `size` leaves.
    Root { size: u64 },
    /// The proof that leaf `index` (0-based) is in the tree of `size` leaves.
    Inclusion { size: u64, index: u64 },
    /// The proof that the tree of `from` leaves is a prefix of the tree of `to` leaves.
    Consistency { from: u64, to: u64 },
}

impl TreeRead {
    /// The stored hash indexes this read needs; none for a read that cannot be answered.
    pub fn indexes(self) -> Vec<u64> {
        let wanted = Wanted::default();
        let _ = self.run(&wanted);
        wanted.0.into_inner()
    }

    /// The root (for [`TreeRead::Root`]) or the proof's hashes, in RFC 6962 order.
    pub fn answer(self, known: &KnownHashes) -> Result<Vec<Hash>, LogError> {
        self.run(known)
    }

    fn run<R: HashReader>(self, reader: &R) -> Result<Vec<Hash>, LogError> {
        match self {
            TreeRead::Root { size } => Ok(vec![tlog_tiles::tree_hash(size, reader).map_err(tree_error)?]),
            TreeRead::Inclusion { size, index } => {
                if index >= size {
                    return Err(LogError::Tree);
                }
                tlog_tiles::prove_record(size, index, reader).map_err(tree_error)
            }
            TreeRead::Consistency { from, to } => {
                if from == 0 || from > to {
                    return Err(LogError::Tree);
                }
                tlog_tiles::prove_tree(to, from, reader).map_err(tree_error)
            }
        }
    }
}

/// The root of a tree of `size` leaves, from its stored hashes.
pub fn root(size: u64, known: &KnownHashes) -> Result<Hash, LogError> {
    TreeRead::Root { size }.answer(known)?.pop().ok_or(LogError::Tree)
}

/// Whether `proof` shows leaf `index` with hash `leaf` inside the tree of `size` with `root`.
pub fn verify_inclusion(size: u64, index: u64, leaf: Hash, proof: &[Hash], root: Hash) -> bool {
    index < size && tlog_tiles::check_record(&proof.to_vec(), size, root, index, leaf).is_ok()
}

/// Whether `proof` shows the tree of `from` leaves with `from_root` to be a prefix of the tree of
/// `to` leaves with `to_root`.
pub fn verify_consistency(from: u64, from_root: Hash, to: u64, to_root: Hash, proof: &[Hash]) -> bool {
    if from == to {
        return proof.is_empty() && from_root == to_root;
    }
    (1..to).contains(&from) && tlog_tiles::check_tree(&proof.to_vec(), to, to_root, from, from_root).is_ok()
}

/// Grows a tree leaf by leaf from the hashes at its right edge (the roots of the complete
/// subtrees that make up the tree so far), collecting the hashes each new leaf completes.
#[derive(Debug, Clone)]
pub struct TreeGrowth {
    size: u64,
    known: KnownHashes,
    added: Vec<(u64, Hash)>,
}

impl TreeGrowth {
    /// The stored hash indexes a tree of `size` must supply to grow: its right edge.
    pub fn edge_indexes(size: u64) -> Vec<u64> {
        if size == 0 { Vec::new() } else { tlog_tiles::sub_tree_index(0, size, Vec::new()) }
    }

    pub fn new(size: u64, edge: KnownHashes) -> Self {
        TreeGrowth { size, known: edge, added: Vec::new() }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn push(&mut self, leaf: Hash) -> Result<(), LogError> {
        let hashes = tlog_tiles::stored_hashes_for_record_hash(self.size, leaf, &self.known).map_err(tree_error)?;
        let first = tlog_tiles::stored_hash_index(0, self.size);
        for (offset, hash) in (0u64..).zip(hashes) {
            self.known.insert(first + offset, hash);
            self.added.push((first + offset, hash));
        }
        self.size += 1;
        Ok(())
    }

    pub fn root(&self) -> Result<Hash, LogError> {
        root(self.size, &self.known)
    }

    /// The hashes added since the last take, for the store to keep; only the right edge stays in
    /// memory, so a walk over millions of entries holds a few dozen hashes.
    pub fn take_added(&mut self) -> Vec<(u64, Hash)> {
        let edge = Self::edge_indexes(self.size);
        self.known.0.retain(|index, _| edge.contains(index));
        std::mem::take(&mut self.added)
    }
}

/// The origin line of a pemda's log: the installation's name and the pemda's code.
pub fn origin(installation: &str, pemda: &str) -> String {
    format!("{installation}/{pemda}")
}

/// Whether `name` may name a key or an installation: non-empty, no spaces, no `+`.
pub fn is_valid_name(name: &str) -> bool {
    signed_note::is_key_name_valid(name) && !name.contains('/')
}

const ALG_ED25519: u8 = 0x01;
const ALG_COSIGNATURE_V1: u8 = 0x04;

fn signing_key(name: &str, seed: [u8; 32], alg: u8) -> Result<(String, SigningKey, u32), LogError> {
    if !is_valid_name(name) {
        return Err(LogError::Key(format!("the name {name:?} is empty or holds a space, '+' or '/'")));
    }
    let key = SigningKey::from_bytes(&seed);
    let public = [&[alg][..], key.verifying_key().as_bytes()].concat();
    Ok((name.to_string(), key, signed_note::key_id(name, &public)))
}

fn verifier_text(name: &str, id: u32, alg: u8, key: &VerifyingKey) -> String {
    let public = [&[alg][..], key.as_bytes()].concat();
    format!("{name}+{id:08x}+{}", BASE64.encode(public))
}

/// The installation's key, which signs its checkpoints (Ed25519, signed-note type 0x01).
pub struct LogKey {
    signer: StandardSigner,
    verifier: String,
    secret: String,
}

/// Shows the public half only: a secret must never reach a log line.
impl std::fmt::Debug for LogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogKey").field("verifier_key", &self.verifier).finish_non_exhaustive()
    }
}

impl LogKey {
    /// A key named `name` from 32 random bytes the caller draws.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, LogError> {
        let (name, _, id) = signing_key(name, seed, ALG_ED25519)?;
        let secret = format!("PRIVATE+KEY+{name}+{id:08x}+{}", BASE64.encode([&[ALG_ED25519][..], &seed].concat()));
        Self::from_secret(&secret)
    }

    /// A key from its secret text (`PRIVATE+KEY+name+id+base64`, Go's note format).
    pub fn from_secret(secret: &str) -> Result<Self, LogError> {
        let secret = secret.trim();
        let signer = StandardSigner::new(secret).map_err(|e| LogError::Key(e.to_string()))?;
        // `PRIVATE+KEY+name+id+base64`: the name and id hold no `+`, the base64 may.
        let seed: [u8; 32] = secret
            .splitn(5, '+')
            .nth(4)
            .and_then(|b| BASE64.decode(b).ok())
            .and_then(|bytes| bytes.get(1..).and_then(|s| s.try_into().ok()))
            .ok_or_else(|| LogError::Key("the secret's key bytes".into()))?;
        let public = SigningKey::from_bytes(&seed).verifying_key();
        let verifier = verifier_text(signer.name(), signer.key_id(), ALG_ED25519, &public);
        Ok(LogKey { signer, verifier, secret: secret.to_string() })
    }

    pub fn name(&self) -> &str {
        self.signer.name()
    }

    /// The secret text, to be kept where only the server can read it.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The public verifier key (`name+id+base64`), which anyone checks checkpoints with.
    pub fn verifier_key(&self) -> &str {
        &self.verifier
    }

    /// The signed checkpoint of `origin`'s tree at `size` with `root`, as signed-note text.
    pub fn sign_checkpoint(&self, origin: &str, size: u64, root: Hash) -> Result<String, LogError> {
        let body = Checkpoint::new(origin, size, root, "").map_err(|_| LogError::MalformedCheckpoint)?.to_bytes();
        let mut note = Note::new(&body, &[]).map_err(|_| LogError::MalformedNote)?;
        note.add_sigs(&[&self.signer]).map_err(|_| LogError::MalformedNote)?;
        String::from_utf8(note.to_bytes()).map_err(|_| LogError::MalformedNote)
    }
}

/// Whether `text` is a log's verifier key (`name+id+base64`, Ed25519).
pub fn check_verifier_key(text: &str) -> Result<(), LogError> {
    StandardVerifier::new(text.trim()).map(|_| ()).map_err(|e| LogError::Key(e.to_string()))
}

/// A checkpoint whose log signature verified.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCheckpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// The note's text, which cosignatures sign.
    pub body: String,
    /// Signature lines of keys other than the log's (witnesses), as they stand in the note.
    pub other_signatures: Vec<String>,
}

/// Opens a signed checkpoint with the log's verifier key: the signature must verify and the body
/// must be a checkpoint.
pub fn open_checkpoint(note: &str, log_verifier_key: &str) -> Result<VerifiedCheckpoint, LogError> {
    let verifier = StandardVerifier::new(log_verifier_key).map_err(|e| LogError::Key(e.to_string()))?;
    let parsed = Note::from_bytes(note.as_bytes()).map_err(|_| LogError::MalformedNote)?;
    let (_, unverified) = parsed.verify(&VerifierList::new(vec![Box::new(verifier)])).map_err(|e| match e {
        NoteError::UnverifiedNote => LogError::Unsigned,
        NoteError::InvalidSignature { .. } => LogError::BadSignature,
        _ => LogError::MalformedNote,
    })?;
    let checkpoint = Checkpoint::from_bytes(parsed.text()).map_err(|_| LogError::MalformedCheckpoint)?;
    let body = String::from_utf8(parsed.text().to_vec()).map_err(|_| LogError::MalformedNote)?;
    let other_signatures = unverified
        .iter()
        .filter_map(|s| String::from_utf8(s.to_bytes()).ok())
        .map(|l| l.trim_end().to_string())
        .collect();
    Ok(VerifiedCheckpoint {
        origin: checkpoint.origin().to_string(),
        size: checkpoint.size(),
        root: *checkpoint.hash(),
        body,
        other_signatures,
    })
}

/// A witness's key, which cosigns checkpoints it found consistent (C2SP tlog-cosignature/v1:
/// Ed25519 over a header with the time, signed-note type 0x04).
pub struct WitnessKey {
    name: String,
    key: SigningKey,
    id: u32,
}

fn cosigned_message(time: u64, body: &[u8]) -> Vec<u8> {
    [format!("cosignature/v1\ntime {time}\n").as_bytes(), body].concat()
}

impl WitnessKey {
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, LogError> {
        let (name, key, id) = signing_key(name, seed, ALG_COSIGNATURE_V1)?;
        Ok(WitnessKey { name, key, id })
    }

    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn verifier_key(&self) -> String {
        verifier_text(&self.name, self.id, ALG_COSIGNATURE_V1, &self.key.verifying_key())
    }

    /// The cosignature line (`— name base64(id ‖ time ‖ signature)`) of a checkpoint's body,
    /// made at `time` (Unix seconds).
    pub fn cosign(&self, body: &str, time: u64) -> String {
        let signature = self.key.sign(&cosigned_message(time, body.as_bytes()));
        let bytes = [&self.id.to_be_bytes()[..], &time.to_be_bytes(), &signature.to_bytes()].concat();
        format!("— {} {}", self.name, BASE64.encode(bytes))
    }
}

/// A witness's public key, as the installation keeps it to check the cosignatures it is sent.
#[derive(Debug, Clone)]
pub struct WitnessVerifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl WitnessVerifier {
    pub fn parse(text: &str) -> Result<Self, LogError> {
        let bad = |what: &str| LogError::Key(format!("a witness key is name+id+base64; {what}"));
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("three parts"));
        };
        let bytes = BASE64.decode(key).map_err(|_| bad("base64"))?;
        if bytes.first() != Some(&ALG_COSIGNATURE_V1) || !is_valid_name(name) {
            return Err(bad("type 0x04 and a valid name"));
        }
        let key = bytes[1..]
            .try_into()
            .ok()
            .and_then(|k| VerifyingKey::from_bytes(k).ok())
            .ok_or_else(|| bad("32 key bytes"))?;
        let expected = signed_note::key_id(name, &bytes);
        if u32::from_str_radix(id, 16).ok() != Some(expected) || id.len() != 8 {
            return Err(bad("an id that matches the key"));
        }
        Ok(WitnessVerifier { name: name.to_string(), id: expected, key })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn to_text(&self) -> String {
        verifier_text(&self.name, self.id, ALG_COSIGNATURE_V1, &self.key)
    }

    /// The time a cosignature line of `body` was made at, if it is this witness's and verifies.
    pub fn check(&self, body: &str, line: &str) -> Option<u64> {
        let rest = line.trim_end().strip_prefix("— ")?;
        let (name, encoded) = rest.split_once(' ')?;
        let bytes = BASE64.decode(encoded).ok()?;
        if name != self.name || bytes.len() != 4 + 8 + 64 || bytes[..4] != self.id.to_be_bytes() {
            return None;
        }
        let time = u64::from_be_bytes(bytes[4..12].try_into().ok()?);
        let signature = ed25519_dalek::Signature::from_bytes(bytes[12..].try_into().ok()?);
        self.key.verify_strict(&cosigned_message(time, body.as_bytes()), &signature).ok().map(|_| time)
    }
}

impl Verifier for WitnessVerifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(body) = std::str::from_utf8(msg) else { return false };
        let line = format!("— {} {}", self.name, BASE64.encode([&self.id.to_be_bytes()[..], sig].concat()));
        self.check(body, &line).is_some()
    }
}

/// Rebuilds a pemda's tree from its journal, entry by entry, and holds each checkpoint's root
/// against the tree at its size: a history rewritten and re-chained after a checkpoint was signed
/// keeps a valid chain but not the signed roots. Constant memory: the chain's last hash and the
/// tree's right edge.
#[derive(Debug, Clone)]
pub struct LogAudit {
    chain: crate::journal::ChainVerifier,
    growth: TreeGrowth,
    /// Sizes and roots still to reach, the smallest last.
    pending: Vec<(u64, Hash)>,
    checked: u64,
    first_mismatch: Option<u64>,
    leaf_error: Option<u64>,
}

/// What a [`LogAudit`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogAuditReport {
    pub chain: crate::journal::ChainReport,
    /// Checkpoints whose root matched the tree rebuilt at their size.
    pub checkpoints_matched: u64,
    /// The size of the first checkpoint whose root the journal does not give, or that the
    /// journal is too short to reach.
    pub first_mismatch: Option<u64>,
}

impl LogAuditReport {
    pub fn valid(&self) -> bool {
        self.chain.valid && self.first_mismatch.is_none()
    }
}

impl LogAudit {
    /// `checkpoints` are (size, root) pairs whose signatures the caller has verified.
    pub fn new(mut checkpoints: Vec<(u64, Hash)>) -> Self {
        checkpoints.sort_by_key(|c| std::cmp::Reverse(c.0));
        LogAudit {
            chain: Default::default(),
            growth: TreeGrowth::new(0, KnownHashes::default()),
            pending: checkpoints,
            checked: 0,
            first_mismatch: None,
            leaf_error: None,
        }
    }

    pub fn push(&mut self, entry: &crate::journal::JournalEntry) {
        self.chain.push(entry);
        let grown = leaf_hash(&entry.hash).and_then(|leaf| self.growth.push(leaf));
        if grown.is_err() {
            self.leaf_error.get_or_insert(u64::try_from(entry.seq).unwrap_or(0));
            return;
        }
        if self.growth.size().is_multiple_of(4_096) {
            self.growth.take_added();
        }
        while let Some(&(size, root)) = self.pending.last() {
            if size > self.growth.size() {
                break;
            }
            self.pending.pop();
            if size == self.growth.size() && self.growth.root().ok() == Some(root) && self.leaf_error.is_none() {
                self.checked += 1;
            } else {
                self.first_mismatch = Some(self.first_mismatch.map_or(size, |m| m.min(size)));
            }
        }
    }

    pub fn finish(self, recorded_head: Option<(i64, &str)>) -> LogAuditReport {
        let mut first_mismatch = self.first_mismatch;
        if let Some(&(size, _)) = self.pending.iter().min_by_key(|p| p.0) {
            first_mismatch = Some(first_mismatch.map_or(size, |m| m.min(size)));
        }
        LogAuditReport { chain: self.chain.finish(recorded_head), checkpoints_matched: self.checked, first_mismatch }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn entry_hash(i: u64) -> String {
        hex::encode(Sha256::digest(i.to_be_bytes()))
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&entry_hash(i)).unwrap()).collect()
    }

    /// RFC 6962's MTH, written out from its definition, to hold the crates' arithmetic against.
    fn reference_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => Hash(Sha256::digest([]).into()),
            1 => leaves[0],
            n => {
                let mut k = 1;
                while k * 2 < n {
                    k *= 2;
                }
                let mut hasher = Sha256::new();
                hasher.update([1u8]);
                hasher.update(reference_root(&leaves[..k]).0);
                hasher.update(reference_root(&leaves[k..]).0);
                Hash(hasher.finalize().into())
            }
        }
    }

    /// RFC 9162 §2.1.3.2, written out, to check the proofs' order is the standard one.
    fn rfc9162_inclusion(index: u64, size: u64, leaf: Hash, proof: &[Hash], root: Hash) -> bool {
        if index >= size {
            return false;
        }
        let (mut f_n, mut s_n) = (index, size - 1);
        let mut r = leaf;
        for p in proof {
            if s_n == 0 {
                return false;
            }
            let mut hasher = Sha256::new();
            hasher.update([1u8]);
            if f_n & 1 == 1 || f_n == s_n {
                hasher.update(p.0);
                hasher.update(r.0);
                r = Hash(hasher.finalize().into());
                if f_n & 1 == 0 {
                    while f_n & 1 == 0 && f_n != 0 {
                        f_n >>= 1;
                        s_n >>= 1;
                    }
                }
            } else {
                hasher.update(r.0);
                hasher.update(p.0);
                r = Hash(hasher.finalize().into());
            }
            f_n >>= 1;
            s_n >>= 1;
        }
        s_n == 0 && r == root
    }

    fn grown(n: u64) -> (TreeGrowth, KnownHashes) {
        let mut growth = TreeGrowth::new(0, KnownHashes::default());
        let mut all = KnownHashes::default();
        for leaf in leaves(n) {
            growth.push(leaf).unwrap();
            for (i, h) in growth.take_added() {
                all.insert(i, h);
            }
        }
        (growth, all)
    }

    fn answered(read: TreeRead, all: &KnownHashes) -> Vec<Hash> {
        let known: KnownHashes = read.indexes().into_iter().map(|i| (i, all.read_hashes(&[i]).unwrap()[0])).collect();
        read.answer(&known).unwrap()
    }

    #[test]
    fn roots_match_rfc_6962_for_every_size_and_growth_resumes_from_the_edge() {
        let all_leaves = leaves(300);
        let (_, all) = grown(300);
        for size in 1..=300u64 {
            let root = answered(TreeRead::Root { size }, &all)[0];
            assert_eq!(root, reference_root(&all_leaves[..size as usize]), "size {size}");
        }
        // Resumed from the edge of 77, the tree grows to the same root as grown whole.
        let edge: KnownHashes =
            TreeGrowth::edge_indexes(77).into_iter().map(|i| (i, all.read_hashes(&[i]).unwrap()[0])).collect();
        let mut resumed = TreeGrowth::new(77, edge);
        all_leaves[77..].iter().for_each(|l| resumed.push(*l).unwrap());
        assert_eq!(resumed.root().unwrap(), reference_root(&all_leaves));
    }

    #[test]
    fn inclusion_and_consistency_proofs_verify_for_every_size_up_to_a_few_thousand() {
        let n = 2_100u64;
        let all_leaves = leaves(n);
        let (_, all) = grown(n);
        let roots: Vec<Hash> = (1..=n).map(|size| answered(TreeRead::Root { size }, &all)[0]).collect();
        for size in 1..=n {
            let root = roots[size as usize - 1];
            // The first, the last and a stride of leaves at every size; every leaf at small sizes.
            let indexes: Vec<u64> =
                if size <= 64 { (0..size).collect() } else { vec![0, size / 3, size / 2, size - 1] };
            for index in indexes {
                let proof = answered(TreeRead::Inclusion { size, index }, &all);
                let leaf = all_leaves[index as usize];
                assert!(verify_inclusion(size, index, leaf, &proof, root), "inclusion {index} in {size}");
                assert!(rfc9162_inclusion(index, size, leaf, &proof, root), "RFC 9162 order, {index} in {size}");
                assert!(!verify_inclusion(size, index, all_leaves[(index as usize + 1) % n as usize], &proof, root));
            }
            for from in [1, size / 2, size.saturating_sub(1)].into_iter().filter(|f| (1..=size).contains(f)) {
                let proof = answered(TreeRead::Consistency { from, to: size }, &all);
                assert!(verify_consistency(from, roots[from as usize - 1], size, root, &proof), "{from} → {size}");
                if from < size {
                    let wrong = reference_root(&all_leaves[1..from as usize + 1]);
                    assert!(!verify_consistency(from, wrong, size, root, &proof));
                }
            }
        }
        assert_eq!(TreeRead::Inclusion { size: 3, index: 3 }.answer(&all), Err(LogError::Tree));
        assert_eq!(TreeRead::Consistency { from: 4, to: 3 }.answer(&all), Err(LogError::Tree));
        assert_eq!(TreeRead::Root { size: 5 }.answer(&KnownHashes::default()), Err(LogError::Tree));
    }

    #[test]
    fn a_checkpoint_opens_with_its_key_and_not_once_altered_or_with_another_key() {
        let key = LogKey::from_seed("rencana.example.go.id", [7; 32]).unwrap();
        let again = LogKey::from_secret(key.secret()).unwrap();
        assert_eq!(again.verifier_key(), key.verifier_key());
        // A seed whose base64 holds `+` and `/` reads back too (the secret's own separator).
        let plus = LogKey::from_seed("rencana.example.go.id", [0xfb; 32]).unwrap();
        assert!(plus.secret().matches('+').count() > 4, "{}", plus.secret());
        assert_eq!(LogKey::from_secret(plus.secret()).unwrap().verifier_key(), plus.verifier_key());
        let root = leaf_hash(&entry_hash(1)).unwrap();
        let origin = origin(key.name(), "12.71");
        let note = key.sign_checkpoint(&origin, 42, root).unwrap();
        assert!(note.starts_with(&format!(
            "rencana.example.go.id/12.71\n42\n{}\n\n— rencana.example.go.id ",
            BASE64.encode(root.0)
        )));
        let opened = open_checkpoint(&note, key.verifier_key()).unwrap();
        assert_eq!((opened.origin.as_str(), opened.size, opened.root), (origin.as_str(), 42, root));

        let forged = note.replacen("\n42\n", "\n43\n", 1);
        assert_eq!(open_checkpoint(&forged, key.verifier_key()), Err(LogError::BadSignature));
        let other = LogKey::from_seed("rencana.example.go.id", [8; 32]).unwrap();
        assert_eq!(
            open_checkpoint(&other.sign_checkpoint(&origin, 42, root).unwrap(), key.verifier_key()),
            Err(LogError::Unsigned)
        );
        assert_eq!(open_checkpoint("not a note", key.verifier_key()), Err(LogError::MalformedNote));
        assert!(LogKey::from_seed("has space", [1; 32]).is_err());
    }

    fn journal(n: i64, payload: impl Fn(i64) -> String) -> Vec<crate::journal::JournalEntry> {
        let mut prev = crate::journal::GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut entry = crate::journal::JournalEntry {
                    pemda: "12.71".into(),
                    seq,
                    event_id: format!("e{seq}"),
                    kind: "k".into(),
                    actor: "a".into(),
                    at: "2026-12-04T00:00:00.000000Z".into(),
                    payload: payload(seq),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                entry.hash = entry.recompute_hash();
                prev = entry.hash.clone();
                entry
            })
            .collect()
    }

    fn audit(entries: &[crate::journal::JournalEntry], checkpoints: &[(u64, Hash)]) -> LogAuditReport {
        let mut audit = LogAudit::new(checkpoints.to_vec());
        entries.iter().for_each(|e| audit.push(e));
        audit.finish(None)
    }

    #[test]
    fn a_history_rewritten_and_rechained_after_a_checkpoint_is_caught_by_the_signed_roots() {
        let honest = journal(5_000, |seq| format!("{{\"n\":{seq}}}"));
        let mut growth = TreeGrowth::new(0, KnownHashes::default());
        let mut checkpoints = Vec::new();
        for (i, e) in honest.iter().enumerate() {
            growth.push(leaf_hash(&e.hash).unwrap()).unwrap();
            if (i + 1) % 1_000 == 0 || i + 1 == 1 {
                checkpoints.push((growth.size(), growth.root().unwrap()));
            }
        }
        let report = audit(&honest, &checkpoints);
        assert!(report.valid());
        assert_eq!(report.checkpoints_matched, 6);

        // An event edited, with every later hash recomputed: the chain is whole again, but the
        // first checkpoint after the edit no longer matches.
        let rewritten =
            journal(5_000, |seq| if seq == 2_500 { "{\"n\":0}".into() } else { format!("{{\"n\":{seq}}}") });
        let report = audit(&rewritten, &checkpoints);
        assert!(report.chain.valid);
        assert_eq!(report.first_mismatch, Some(3_000));

        // One deleted, or two swapped, without re-chaining: the chain says where.
        let mut deleted = honest.clone();
        deleted.remove(1_234);
        assert_eq!(audit(&deleted, &checkpoints).chain.first_broken, Some(1_235));
        let mut swapped = honest.clone();
        swapped.swap(10, 11);
        assert_eq!(audit(&swapped, &checkpoints).chain.first_broken, Some(11));

        // A journal shorter than a checkpoint it signed: cut short.
        assert_eq!(audit(&honest[..4_500], &checkpoints).first_mismatch, Some(5_000));
        // A checkpoint with another root (forged, or of another history) at a size reached.
        let forged = [(1_000, checkpoints[2].1)];
        assert_eq!(audit(&honest, &forged).first_mismatch, Some(1_000));
    }

    #[test]
    fn a_cosignature_verifies_for_its_body_and_time_only() {
        let witness = WitnessKey::from_seed("inspektorat.example", [9; 32]).unwrap();
        let verifier = WitnessVerifier::parse(&witness.verifier_key()).unwrap();
        assert_eq!(verifier.to_text(), witness.verifier_key());
        let key = LogKey::from_seed("rencana.example.go.id", [7; 32]).unwrap();
        let note = key.sign_checkpoint("rencana.example.go.id/12.71", 5, leaf_hash(&entry_hash(2)).unwrap()).unwrap();
        let body = open_checkpoint(&note, key.verifier_key()).unwrap().body;
        let line = witness.cosign(&body, 1_790_000_000);
        assert_eq!(verifier.check(&body, &line), Some(1_790_000_000));
        assert_eq!(verifier.check(&body.replacen("\n5\n", "\n6\n", 1), &line), None);
        let later = line.replacen(&line[line.len() - 10..], "AAAAAAAAAA", 1);
        assert_eq!(verifier.check(&body, &later), None);
        // The log's verifier still opens the note with the cosignature appended, and keeps it.
        let cosigned = format!("{note}{line}\n");
        assert_eq!(open_checkpoint(&cosigned, key.verifier_key()).unwrap().other_signatures, vec![line]);
        assert!(WitnessVerifier::parse(key.verifier_key()).is_err(), "a log key is not a witness key");
    }
}
