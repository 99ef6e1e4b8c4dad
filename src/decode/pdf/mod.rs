//! PDF text layers → lines of cells.
//!
//! Two steps: the content-stream interpreter turns each page into a
//! [`page::PageContent`] (text runs with positions, ruling lines), and the
//! layout step turns those into table rows whose cells come from the ruling
//! grid.

mod cmap;
mod encoding;
mod font;
mod interp;
mod japan1;
pub mod layout;
pub mod page;
mod radicals;
mod sfnt;

use lopdf::{Document, LoadOptions, xref::XrefRecovery};

use super::{DecodeError, Decoded, Format};
use crate::diag::{Status, Warning};

/// Bounds on the work one PDF may cost. Exceeding one stops the document:
/// [`decode`] fails with a [`DecodeError::Limit`] that names the limit.
#[derive(Debug, Clone)]
pub struct PdfLimits {
    /// Largest decoded size of one stream (content, font, CMap, object
    /// stream), in bytes.
    pub max_stream_bytes: usize,
    /// Largest total of decoded content streams of a document, in bytes.
    pub max_document_bytes: usize,
    /// Most indirect objects in a document.
    pub max_objects: usize,
    /// Most content-stream operators interpreted in a document.
    pub max_operators: u64,
    /// Deepest nesting of Form XObjects.
    pub max_xobject_depth: u32,
    /// When the document's time is up, if it has a time limit.
    pub deadline: Option<Deadline>,
}

/// The document's deadline: the one type of [`crate::limits`].
pub use crate::limits::Deadline;

impl Default for PdfLimits {
    /// The defaults of [`crate::limits::Limits`], the one set of them.
    fn default() -> Self {
        crate::limits::Limits::default().pdf(None)
    }
}

/// Reads a PDF into lines of cells.
pub fn decode(bytes: &[u8], limits: &PdfLimits) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Pdf("empty PDF file (0 bytes)".into()));
    }
    let (doc, mut warnings) = load(bytes, limits)?;
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(DecodeError::Pdf(match doc.xref_recovery {
            Some(_) => "damaged PDF: no page could be recovered".into(),
            None => "PDF has no pages".into(),
        }));
    }

    let mut fonts = interp::FontCache::default();
    let mut budget = interp::Budget::default();
    let mut pages = Vec::with_capacity(page_ids.len());
    let mut failed: Vec<u32> = Vec::new();
    let mut first_error: Option<String> = None;
    for (&number, &id) in &page_ids {
        let read = interp::check_deadline(limits)
            .and_then(|()| interp::page(&doc, id, number, limits, &mut fonts, &mut budget));
        match read {
            Ok(p) => pages.push(p),
            // A limit stops the whole document: its cost is what the limit
            // bounds, so reading on would defeat it.
            Err(e) if e.limit_hit().is_some() => {
                let what = e.limit_hit().unwrap_or_default();
                return Err(DecodeError::Limit(format!("page {number}: {what}")));
            }
            Err(e) => {
                first_error.get_or_insert_with(|| format!("page {number}: {}", e.0));
                warnings.push(
                    Warning::new("page_unreadable", format!("page {number}: {}", e.0))
                        .at(Some(number), None),
                );
                failed.push(number);
            }
        }
    }

    let unmapped: u32 = pages.iter().map(|p| p.unmapped_glyphs).sum();
    if unmapped > 0 {
        let first = pages
            .iter()
            .find(|p| p.unmapped_glyphs > 0)
            .map(|p| p.number);
        warnings.push(
            Warning::new(
                "unmapped_glyphs",
                format!(
                    "{unmapped} glyphs could not be mapped to Unicode and were written as U+FFFD \
                     (first on page {})",
                    first.unwrap_or(0)
                ),
            )
            .at(first, None),
        );
    }

    let has_text = pages
        .iter()
        .any(|p| p.runs.iter().any(|r| !r.text.trim().is_empty()));
    let images: u32 = pages.iter().map(|p| p.image_count).sum();
    let mut lines = layout::assemble(&pages);
    warnings.extend(map_radicals(&mut lines));
    let count = page_ids.len() as u32;

    let (status, error) = if !failed.is_empty() {
        let list: Vec<String> = failed.iter().map(u32::to_string).collect();
        if pages.is_empty() {
            return Err(DecodeError::Pdf(format!(
                "no page could be read ({})",
                first_error.unwrap_or_default()
            )));
        }
        (
            Status::Partial,
            Some(format!(
                "{} of {count} pages could not be read (pages {}): {}",
                failed.len(),
                list.join(", "),
                first_error.unwrap_or_default()
            )),
        )
    } else if !has_text && images > 0 {
        (
            Status::NeedsOcr,
            Some(format!(
                "the PDF has no text layer ({images} images on {count} pages): OCR needed"
            )),
        )
    } else if !has_text {
        return Err(DecodeError::Pdf(format!(
            "the PDF has no text and no images on its {count} pages"
        )));
    } else if doc.xref_recovery == Some(XrefRecovery::Reconstructed) && damaged_tail(bytes) {
        (
            Status::Partial,
            Some(
                "damaged PDF (truncated, no trailer): text recovered from the objects that remain"
                    .into(),
            ),
        )
    } else {
        (Status::Ok, None)
    };

    Ok(Decoded {
        format: Format::Pdf,
        encoding: "pdf".into(),
        pages: Some(count),
        lines,
        status,
        error,
        warnings,
    })
}

/// Maps the CJK radicals of the lines' cells to the kanji they stand for
/// (see [`radicals`]); a note says how many and where the first was.
fn map_radicals(lines: &mut [super::Line]) -> Option<Warning> {
    let mut count = 0u32;
    let mut first: Option<(Option<u32>, u32, (char, char))> = None;
    for line in lines.iter_mut() {
        for cell in &mut line.cells {
            if let Some((mapped, n, pair)) = radicals::map(cell) {
                *cell = mapped;
                count += n;
                first.get_or_insert((line.page, line.line, pair));
            }
        }
    }
    let (page, line, (from, to)) = first?;
    Some(
        Warning::new(
            "radicals_mapped",
            format!(
                "{count} CJK radical code points from the PDF's text layer were read as the \
                 kanji they stand for (first on page {}: {from} → {to})",
                page.unwrap_or(0)
            ),
        )
        .at(page, Some(line)),
    )
}

/// Opens a document: parsed, decrypted, with warnings about repairs.
fn load(bytes: &[u8], limits: &PdfLimits) -> Result<(Document, Vec<Warning>), DecodeError> {
    let options = LoadOptions {
        max_decompressed_size: Some(limits.max_stream_bytes),
        ..LoadOptions::default()
    };
    // Encrypted files are opened with the empty user password, which is
    // what owner-password-only files (permissions only) have.
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| {
        if let lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit }) = e {
            return DecodeError::Limit(format!(
                "an object stream decompresses to more than {limit} bytes \
                 (--max-stream-bytes; a decompression bomb?)"
            ));
        }
        DecodeError::Pdf(if damaged_tail(bytes) {
            format!(
                "truncated or damaged PDF: the end of the file (cross-reference table, \
                     trailer, %%EOF) is missing and no page tree could be recovered ({e})"
            )
        } else {
            format!("unreadable PDF: {e}")
        })
    })?;
    if doc.objects.len() > limits.max_objects {
        return Err(DecodeError::Limit(format!(
            "the PDF has {} objects, more than {} (--max-objects)",
            doc.objects.len(),
            limits.max_objects
        )));
    }
    let mut warnings = Vec::new();
    if doc.is_encrypted() {
        return Err(DecodeError::Pdf(
            "encrypted PDF that needs a user password".into(),
        ));
    }
    if let Some(state) = &doc.encryption_state
        && !state.permissions().contains(lopdf::Permissions::COPYABLE)
    {
        // Advisory for a reader holding the (empty) user password.
        warnings.push(Warning::new(
            "copy_restricted",
            "the PDF is encrypted with copying flagged off (owner password only; read with \
             the empty user password)",
        ));
    }
    // Lenient loading reads some damage silently: a trailer whose /Size
    // does not cover the objects found.
    let size = doc.trailer.get(b"Size").ok().and_then(|o| o.as_i64().ok());
    let highest = doc.objects.keys().next_back().map(|id| id.0 as i64);
    if doc.xref_recovery.is_none()
        && let (Some(size), Some(highest)) = (size, highest)
        && size <= highest
    {
        warnings.push(Warning::new(
            "pdf_repaired",
            format!(
                "damaged PDF read leniently: the trailer's /Size is {size} but objects are \
                 numbered up to {highest}"
            ),
        ));
    }
    if let Some(recovery) = doc.xref_recovery {
        let how = match recovery {
            XrefRecovery::Reconstructed => {
                "the cross-reference table was rebuilt by scanning the file"
            }
            _ => "cross-reference offsets were corrected",
        };
        warnings.push(Warning::new(
            "pdf_repaired",
            format!("damaged PDF repaired: {how}; objects may be missing"),
        ));
    }
    Ok((doc, warnings))
}

/// The pages of a PDF as the interpreter sees them, before layout; pages
/// that fail are left out. For inspecting and tuning the layout.
pub fn pages(bytes: &[u8], limits: &PdfLimits) -> Result<Vec<page::PageContent>, DecodeError> {
    let (doc, _) = load(bytes, limits)?;
    let mut fonts = interp::FontCache::default();
    let mut budget = interp::Budget::default();
    Ok(doc
        .get_pages()
        .iter()
        .filter_map(|(&n, &id)| interp::page(&doc, id, n, limits, &mut fonts, &mut budget).ok())
        .collect())
}

/// Whether the file lacks its end (`%%EOF` in the last kilobyte), as a
/// truncated download does.
fn damaged_tail(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    !tail.windows(5).any(|w| w == b"%%EOF")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Object, Stream, dictionary};

    /// A one-page PDF whose page draws `content` with Helvetica as /F1 and
    /// the given XObjects.
    fn pdf(content: &[u8], xobjects: impl FnOnce(&mut Document) -> lopdf::Dictionary) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let xobjects = xobjects(&mut doc);
        let contents = doc.add_object(Stream::new(lopdf::Dictionary::new(), content.to_vec()));
        let pages_id = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font }, "XObject" => xobjects },
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    }

    fn form(
        doc: &mut Document,
        content: &[u8],
        matrix: Option<[f32; 6]>,
        xobjects: lopdf::Dictionary,
    ) -> lopdf::ObjectId {
        let mut dict = dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => xobjects },
        };
        if let Some(m) = matrix {
            dict.set(
                "Matrix",
                m.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>(),
            );
        }
        doc.add_object(Stream::new(dict, content.to_vec()))
    }

    #[test]
    fn text_inherited_resources_forms_and_inline_images() {
        let bytes = pdf(
            b"BT /F1 10 Tf 72 700 Td (Hello) Tj ET /Fm1 Do BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI",
            |doc| {
                let f = form(
                    doc,
                    b"BT /F1 10 Tf 0 0 Td (World) Tj ET",
                    Some([1.0, 0.0, 0.0, 1.0, 72.0, 600.0]),
                    lopdf::Dictionary::new(),
                );
                dictionary! { "Fm1" => f }
            },
        );
        let pages = pages(&bytes, &PdfLimits::default()).expect("pages");
        let p = &pages[0];
        assert_eq!(p.image_count, 1);
        let runs: Vec<(&str, f32, f32)> = p
            .runs
            .iter()
            .map(|r| (r.text.as_str(), r.glyphs[0].x, r.glyphs[0].y))
            .collect();
        assert_eq!(runs, [("Hello", 72.0, 700.0), ("World", 72.0, 600.0)]);
        // Helvetica 'H' is 722/1000 em.
        assert!((p.runs[0].glyphs[0].advance - 7.22).abs() < 0.01);
        let d = decode(&bytes, &PdfLimits::default()).expect("decode");
        assert_eq!(d.status, Status::Ok);
        assert_eq!(d.pages, Some(1));
    }

    #[test]
    fn self_drawing_forms_stop_and_deep_nesting_hits_the_limit() {
        // A form that draws itself: drawn once, no error.
        let bytes = pdf(b"/Fm1 Do BT /F1 10 Tf 72 700 Td (x) Tj ET", |doc| {
            let id = doc.new_object_id();
            let dict = dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                "Resources" => dictionary! { "XObject" => dictionary! { "Fm1" => id } },
            };
            doc.objects
                .insert(id, Object::Stream(Stream::new(dict, b"/Fm1 Do".to_vec())));
            dictionary! { "Fm1" => id }
        });
        let d = decode(&bytes, &PdfLimits::default()).expect("decode");
        assert_eq!(d.status, Status::Ok);

        // A chain of 20 forms against a depth limit of 12.
        let bytes = pdf(b"/Fm0 Do BT /F1 10 Tf 72 700 Td (x) Tj ET", |doc| {
            let mut next: Option<lopdf::ObjectId> = None;
            for _ in 0..20 {
                let xobjects = match next {
                    Some(id) => dictionary! { "Fm0" => id },
                    None => lopdf::Dictionary::new(),
                };
                next = Some(form(doc, b"/Fm0 Do", None, xobjects));
            }
            dictionary! { "Fm0" => next.expect("forms") }
        });
        match decode(&bytes, &PdfLimits::default()) {
            Err(e) => assert!(e.to_string().contains("max_xobject_depth"), "{e}"),
            Ok(d) => panic!("{:?}", d.error),
        }
    }

    #[test]
    fn actual_text_replaces_the_glyphs_of_its_span() {
        // `XY` stands for one kanji; `z` outside the span keeps its own text.
        let bytes = pdf(
            b"BT /F1 10 Tf 72 700 Td /Span <</ActualText <FEFF9577>>> BDC (XY) Tj EMC (z) Tj ET",
            |_| lopdf::Dictionary::new(),
        );
        let pages = pages(&bytes, &PdfLimits::default()).expect("pages");
        // The two operators follow on along one baseline: one run.
        let texts: Vec<&str> = pages[0].runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["長z"]);
        let ends: Vec<u32> = pages[0].runs[0].glyphs.iter().map(|g| g.text_end).collect();
        assert_eq!(ends, [3, 3, 4]);
    }

    #[test]
    fn rules_from_strokes_and_thin_fills() {
        let bytes = pdf(
            b"1 0 0 1 10 20 cm 0 0 m 100 0 l S 50 50 0.5 100 re f 200 200 100 50 re S 300 300 100 100 re f",
            |_| lopdf::Dictionary::new(),
        );
        let pages = pages(&bytes, &PdfLimits::default()).expect("pages");
        let rules: Vec<[f32; 4]> = pages[0]
            .rules
            .iter()
            .map(|r| [r.x0, r.y0, r.x1, r.y1])
            .collect();
        assert_eq!(
            rules,
            [
                [10.0, 20.0, 110.0, 20.0],
                [60.0, 70.0, 60.5, 170.0],
                [210.0, 220.0, 310.0, 220.0],
                [210.0, 270.0, 310.0, 270.0],
                [210.0, 220.0, 210.0, 270.0],
                [310.0, 220.0, 310.0, 270.0],
            ]
        );
    }
}
