//! Files kept with the record (photos now; documents later), through `object_store`: local disk
//! by default, S3-compatible storage when a region scales out. Each file is stored under the
//! SHA-256 of its bytes, so the journal's record of the hash proves which bytes were attached and
//! the same photo uploaded twice is kept once.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

/// The longest side a photo may have, in pixels: a 40-megapixel camera's, with room to spare.
pub const PHOTO_MAX_SIDE: u32 = 8_000;
/// What decoding one photo may allocate; a small image that claims to be huge is refused, not
/// allocated.
const PHOTO_MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// The JPEG quality photos are kept at: no visible loss on a phone's photo of a street.
const JPEG_QUALITY: u8 = 85;

/// A photo as it will be kept: its type and its bytes, encoded anew from the decoded pixels.
#[derive(Debug, Clone)]
pub struct CheckedPhoto {
    pub content_type: &'static str,
    pub bytes: Bytes,
}

/// Decodes an upload whole as a JPEG or PNG (judged by its content, never by a name or a
/// header the sender chose), within the size and dimension bounds, and encodes it again. What
/// is kept is then only pixels: nothing the sender appended (an HTML page after a PNG
/// signature), and none of the camera's metadata (the GPS position of a resident's house).
pub fn check_photo(bytes: &[u8]) -> std::result::Result<CheckedPhoto, domain::Rule> {
    use image::{ImageFormat, ImageReader, Limits};
    let max_mb = domain::planning::PHOTO_MAX_BYTES / (1024 * 1024);
    if bytes.len() as u64 > domain::planning::PHOTO_MAX_BYTES {
        return Err(domain::Rule::PhotoTooLarge { max_mb });
    }
    let reader =
        ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().map_err(|_| domain::Rule::PhotoType)?;
    let format = reader.format().filter(|f| matches!(f, ImageFormat::Jpeg | ImageFormat::Png));
    let Some(format) = format else { return Err(domain::Rule::PhotoType) };
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(PHOTO_MAX_SIDE);
    limits.max_image_height = Some(PHOTO_MAX_SIDE);
    limits.max_alloc = Some(PHOTO_MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|error| match error {
        image::ImageError::Limits(_) => domain::Rule::PhotoDimensions { max: PHOTO_MAX_SIDE },
        _ => domain::Rule::PhotoType,
    })?;
    let mut out = std::io::Cursor::new(Vec::new());
    let encoded = match format {
        ImageFormat::Png => decoded.write_to(&mut out, ImageFormat::Png),
        _ => {
            // JPEG has no alpha channel; the few JPEGs in other colour types are made RGB.
            let rgb = image::DynamicImage::ImageRgb8(decoded.to_rgb8());
            rgb.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
        }
    };
    encoded.map_err(|_| domain::Rule::PhotoType)?;
    let content_type = if format == ImageFormat::Png { "image/png" } else { "image/jpeg" };
    Ok(CheckedPhoto { content_type, bytes: Bytes::from(out.into_inner()) })
}

#[derive(Debug, Clone)]
pub struct Attachments {
    inner: Arc<dyn ObjectStore>,
}

fn storage_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Attachment(error.to_string())
}

/// Where a kind of file is kept: photos are encoded anew, scans kept as uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    Photos,
    Scans,
}

impl Shelf {
    /// Where a file of this shelf lies under the attachments' root: `photos/ab/abcd…`.
    pub fn place(self, sha256: &str) -> String {
        let dir = match self {
            Shelf::Photos => "photos",
            Shelf::Scans => "scans",
        };
        format!("{dir}/{}/{}", &sha256[..2.min(sha256.len())], sha256)
    }
}

fn object_path(shelf: Shelf, sha256: &str) -> ObjectPath {
    ObjectPath::from(shelf.place(sha256))
}

/// What [`Store::missing_attachments`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MissingAttachments {
    /// How many files the record names (a photo shown twice counts twice).
    pub named: u64,
    pub missing: u64,
    /// The places (as [`Shelf::place`] gives them) of the first few missing.
    pub first: Vec<String>,
}

/// How many rows of the photos and scans one read takes.
const NAMED_PAGE: u64 = 5_000;

impl crate::Store {
    /// Every photo and scan the record names, checked with `present`; those it does not find
    /// are counted and the first `shown` named. Read a page at a time by primary key, so that a
    /// large record's names never sit in memory together.
    pub async fn missing_attachments(
        &self,
        present: impl Fn(Shelf, &str) -> bool,
        shown: usize,
    ) -> Result<MissingAttachments> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

        use crate::entity::{photo, scan};
        let mut found = MissingAttachments::default();
        let mut check = |shelf: Shelf, sha256: &str| {
            found.named += 1;
            if !present(shelf, sha256) {
                found.missing += 1;
                if found.first.len() < shown {
                    found.first.push(shelf.place(sha256));
                }
            }
        };
        let mut after = None;
        loop {
            let mut page = photo::Entity::find()
                .select_only()
                .columns([photo::Column::Id, photo::Column::Sha256])
                .order_by_asc(photo::Column::Id)
                .limit(NAMED_PAGE);
            if let Some(id) = after {
                page = page.filter(photo::Column::Id.gt(id));
            }
            let rows: Vec<(uuid::Uuid, String)> = page.into_tuple().all(&self.read).await?;
            for (_, sha256) in &rows {
                check(Shelf::Photos, sha256);
            }
            match rows.last() {
                Some((id, _)) if rows.len() as u64 == NAMED_PAGE => after = Some(*id),
                _ => break,
            }
        }
        let mut after: Option<String> = None;
        loop {
            let mut page = scan::Entity::find()
                .select_only()
                .column(scan::Column::Sha256)
                .order_by_asc(scan::Column::Sha256)
                .limit(NAMED_PAGE);
            if let Some(sha256) = after.take() {
                page = page.filter(scan::Column::Sha256.gt(sha256));
            }
            let rows: Vec<String> = page.into_tuple().all(&self.read).await?;
            for sha256 in &rows {
                check(Shelf::Scans, sha256);
            }
            match rows.last() {
                Some(sha256) if rows.len() as u64 == NAMED_PAGE => after = Some(sha256.clone()),
                _ => break,
            }
        }
        Ok(found)
    }
}

/// The longest side a scanned page may have, in pixels: A3 at 600 dpi.
const SCAN_MAX_SIDE: u32 = 10_000;

/// Judges a scan of a signed berita acara by its content, never by its name or the type the
/// sender claimed: a PDF (its header and its end-of-file marker), or a JPEG or PNG whose header
/// reads as one within the bounds. Its bytes are kept as they are, so that its hash matches the
/// file its uploader holds; it is served back with this type and as an attachment.
pub fn check_scan(bytes: &[u8]) -> std::result::Result<&'static str, domain::Rule> {
    use image::{ImageFormat, ImageReader};
    let max_mb = domain::documents::SCAN_MAX_BYTES / (1024 * 1024);
    if bytes.len() as u64 > domain::documents::SCAN_MAX_BYTES {
        return Err(domain::Rule::FileTooLarge { max_mb });
    }
    if bytes.starts_with(b"%PDF-") {
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        let ends = tail.windows(5).any(|w| w == b"%%EOF");
        let has_xref = bytes.windows(9).any(|w| w == b"startxref");
        return if ends && has_xref { Ok("application/pdf") } else { Err(domain::Rule::ScanType) };
    }
    let reader =
        ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().map_err(|_| domain::Rule::ScanType)?;
    let content_type = match reader.format() {
        Some(ImageFormat::Jpeg) => "image/jpeg",
        Some(ImageFormat::Png) => "image/png",
        _ => return Err(domain::Rule::ScanType),
    };
    let (width, height) = reader.into_dimensions().map_err(|_| domain::Rule::ScanType)?;
    if width == 0 || height == 0 || width > SCAN_MAX_SIDE || height > SCAN_MAX_SIDE {
        return Err(domain::Rule::ScanType);
    }
    Ok(content_type)
}

impl Attachments {
    /// Files under a directory on this machine (created when missing).
    pub fn local(dir: &Path) -> Result<Attachments> {
        std::fs::create_dir_all(dir).map_err(storage_error)?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(storage_error)?;
        Ok(Attachments { inner: Arc::new(store) })
    }

    /// Files in memory, for tests.
    pub fn memory() -> Attachments {
        Attachments { inner: Arc::new(object_store::memory::InMemory::new()) }
    }

    /// Stores `bytes` and returns their SHA-256 (hex).
    pub async fn put(&self, shelf: Shelf, bytes: Bytes) -> Result<String> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        self.inner.put(&object_path(shelf, &sha256), PutPayload::from(bytes)).await.map_err(storage_error)?;
        Ok(sha256)
    }

    /// The bytes stored under `sha256`, if any.
    pub async fn get(&self, shelf: Shelf, sha256: &str) -> Result<Option<Bytes>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        match self.inner.get(&object_path(shelf, sha256)).await {
            Ok(result) => Ok(Some(result.bytes().await.map_err(storage_error)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(other) => Err(storage_error(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_images_are_kept_and_kept_anew() {
        let png = crate::testing::png(3, 2);
        let checked = check_photo(&png).unwrap();
        assert_eq!(checked.content_type, "image/png");
        let jpeg = crate::testing::jpeg(4, 4);
        assert_eq!(check_photo(&jpeg).unwrap().content_type, "image/jpeg");

        // A PNG signature with a page behind it, or a valid PNG with one appended.
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(b"<html><script>alert(1)</script></html>");
        assert_eq!(check_photo(&fake).unwrap_err(), domain::Rule::PhotoType);
        let mut polyglot = png.clone();
        polyglot.extend_from_slice(b"<html><script>alert(1)</script></html>");
        let kept = check_photo(&polyglot).unwrap();
        assert!(!kept.bytes.windows(6).any(|w| w == b"<html>"), "only the pixels are kept");
        let mut jpeg_magic = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpeg_magic.extend_from_slice(b"not really a jpeg");
        assert_eq!(check_photo(&jpeg_magic).unwrap_err(), domain::Rule::PhotoType);
        assert_eq!(check_photo(b"GIF89a").unwrap_err(), domain::Rule::PhotoType);
        assert_eq!(check_photo(&[]).unwrap_err(), domain::Rule::PhotoType);

        // A header that claims more pixels than any photo has is refused before allocating.
        let mut huge = crate::testing::png(1, 1);
        huge[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        assert!(check_photo(&huge).is_err());
    }

    #[test]
    fn a_scan_is_judged_by_its_content() {
        let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\nstartxref\n9\n%%EOF\n";
        assert_eq!(check_scan(pdf), Ok("application/pdf"));
        assert_eq!(check_scan(&crate::testing::png(30, 40)), Ok("image/png"));
        assert_eq!(check_scan(&crate::testing::jpeg(30, 40)), Ok("image/jpeg"));
        // A page renamed .pdf, a PDF cut short, a GIF, nothing.
        assert_eq!(check_scan(b"<html><script>alert(1)</script></html>"), Err(domain::Rule::ScanType));
        assert_eq!(check_scan(&pdf[..30]), Err(domain::Rule::ScanType));
        assert_eq!(check_scan(b"GIF89a\x01\x00\x01\x00"), Err(domain::Rule::ScanType));
        assert_eq!(check_scan(&[]), Err(domain::Rule::ScanType));
        let mut jpeg_magic = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpeg_magic.extend_from_slice(b"not really a jpeg");
        assert_eq!(check_scan(&jpeg_magic), Err(domain::Rule::ScanType));
        let big = vec![b'%'; domain::documents::SCAN_MAX_BYTES as usize + 1];
        assert_eq!(check_scan(&big), Err(domain::Rule::FileTooLarge { max_mb: 6 }));
    }
}
