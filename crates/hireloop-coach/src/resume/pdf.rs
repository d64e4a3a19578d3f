//! Text from a PDF, with the reader contained.
//!
//! The PDF reader (pdf-extract over lopdf) panics on input it does not expect, by design, and
//! some hostile files would make it recurse until the stack overflows, which no `catch_unwind`
//! can contain, or inflate a few megabytes into gigabytes. So, in order:
//!
//! 1. every compressed stream is inflated into a counter, and a file that would unpack to more
//!    than [`MAX_INFLATED_BYTES`] is refused before the reader sees it;
//! 2. the document is parsed under `catch_unwind`; a password-protected one is refused;
//! 3. the page tree's parent links and the forms drawn inside forms are walked with a bound, and a
//!    loop or an explosion of nesting is refused — pdf-extract follows both without a limit;
//! 4. the text is extracted under `catch_unwind`.
//!
//! A panic is turned into [`ResumeError::Malformed`]. While the reader runs, a panic hook keeps the
//! panic quiet: the hook is installed once for the process, wraps the hook that was there, and is
//! silent only on a thread that is inside [`quietly`], so a panic anywhere else still prints as
//! usual and threads screening in parallel do not race on installing and restoring hooks. A
//! program that later replaces the panic hook with its own loses that quiet; the panic is still
//! contained. All of this relies on panics unwinding, as they do in every profile of the
//! workspace; a build with `panic = "abort"` would lose the containment.

use std::cell::Cell;
use std::collections::HashSet;
use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use flate2::read::{DeflateDecoder, ZlibDecoder};
use pdf_extract::{Dictionary, Document, Object, ObjectId, PlainTextOutput};

use super::{DocKind, ResumeError};

/// The most a PDF's compressed streams may unpack to, all together. A resume with embedded fonts
/// and a photo unpacks to a few megabytes.
pub const MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// How deep forms may be drawn inside forms, and how many form visits a document may need. Real
/// documents nest a handful of levels; the bound on visits stops a lattice of forms that each draw
/// the next ones twice, whose drawing would take exponential time.
const MAX_FORM_DEPTH: usize = 24;
const MAX_FORM_VISITS: usize = 100_000;

/// How many parent links a page may have before the root.
const MAX_PARENTS: usize = 64;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Runs `f`, turning a panic into `None` without printing it.
fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    // Unwind safety: `f` only reads the caller's bytes and builds its own values, which are all
    // dropped if it panics; nothing it could leave half-changed outlives the call.
    let out = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    out.ok()
}

fn malformed(detail: impl Into<String>) -> ResumeError {
    ResumeError::Malformed {
        kind: DocKind::Pdf,
        detail: detail.into(),
    }
}

/// The text of a PDF.
pub fn text(bytes: &[u8]) -> Result<String, ResumeError> {
    check_inflated_size(bytes, MAX_INFLATED_BYTES)?;
    quietly(|| extract(bytes)).unwrap_or_else(|| {
        Err(malformed(
            "the PDF reader gave up on it; the file is damaged or uses features the reader does not support",
        ))
    })
}

fn extract(bytes: &[u8]) -> Result<String, ResumeError> {
    let doc =
        Document::load_mem(bytes).map_err(|e| malformed(format!("cannot be parsed ({e})")))?;
    // lopdf decrypts a file whose user password is empty while loading it; one that needs a
    // password is left encrypted, with nothing readable in it.
    if doc.trailer.get(b"Encrypt").is_ok() && !doc.was_encrypted() {
        return Err(ResumeError::Encrypted { kind: DocKind::Pdf });
    }
    check_structure(&doc)?;
    let mut text = String::new();
    {
        let mut out = PlainTextOutput::new(&mut text);
        pdf_extract::output_doc(&doc, &mut out)
            .map_err(|e| malformed(format!("its text cannot be read ({e})")))?;
    }
    Ok(text)
}

/// Refuses a file whose streams would unpack to more than `limit` bytes. Every place a stream may
/// start is tried, as zlib and, since lopdf falls back to it, as raw deflate.
fn check_inflated_size(bytes: &[u8], limit: u64) -> Result<(), ResumeError> {
    let mut total = 0u64;
    let mut at = 0;
    while let Some(i) = find(&bytes[at..], b"stream") {
        let keyword = at + i;
        at = keyword + b"stream".len();
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        // The data starts after the end of line that must follow the keyword.
        let mut data = at;
        if bytes.get(data) == Some(&b'\r') {
            data += 1;
        }
        if bytes.get(data) == Some(&b'\n') {
            data += 1;
        }
        if data == at {
            continue;
        }
        let budget = limit - total + 1;
        let n = match inflated_len(ZlibDecoder::new(&bytes[data..]), budget) {
            0 => inflated_len(DeflateDecoder::new(&bytes[data..]), budget),
            n => n,
        };
        total += n;
        if total > limit {
            return Err(ResumeError::Bomb {
                kind: DocKind::Pdf,
                limit,
            });
        }
    }
    Ok(())
}

/// How many bytes a decoder yields before it ends, fails or reaches `cap`.
fn inflated_len(mut r: impl Read, cap: u64) -> u64 {
    let mut buf = [0u8; 32 * 1024];
    let mut n = 0u64;
    while n < cap {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k as u64,
        }
    }
    n
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn loop_error(what: &str) -> ResumeError {
    malformed(format!("{what}; refused, as reading it would never end"))
}

/// Walks what pdf-extract follows without a bound: each page's parent links, and the forms its
/// resources draw, recursively, with the resources they inherit.
fn check_structure(doc: &Document) -> Result<(), ResumeError> {
    let mut visits = 0;
    for page in doc.page_iter() {
        let mut seen = HashSet::new();
        let mut node = page;
        let mut resources = None;
        loop {
            if !seen.insert(node) || seen.len() > MAX_PARENTS {
                return Err(loop_error("its page tree links back to itself"));
            }
            let Ok(dict) = doc.get_dictionary(node) else {
                break;
            };
            if resources.is_none() {
                resources = dict.get(b"Resources").ok().and_then(|r| as_dict(doc, r));
            }
            match dict.get(b"Parent").and_then(Object::as_reference) {
                Ok(parent) => node = parent,
                Err(_) => break,
            }
        }
        if let Some(resources) = resources {
            check_forms(doc, resources, &mut Vec::new(), &mut visits)?;
        }
    }
    Ok(())
}

fn as_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    doc.dereference(o).ok().and_then(|(_, o)| o.as_dict().ok())
}

fn check_forms(
    doc: &Document,
    resources: &Dictionary,
    path: &mut Vec<ObjectId>,
    visits: &mut usize,
) -> Result<(), ResumeError> {
    let Some(xobjects) = resources.get(b"XObject").ok().and_then(|x| as_dict(doc, x)) else {
        return Ok(());
    };
    for (_, x) in xobjects.iter() {
        // Only a referenced object can be reached again; a direct one has no id to loop through.
        let Ok(id) = x.as_reference() else { continue };
        if path.contains(&id) {
            return Err(loop_error("a form in it draws itself"));
        }
        *visits += 1;
        if path.len() >= MAX_FORM_DEPTH || *visits > MAX_FORM_VISITS {
            return Err(malformed(
                "it nests drawings inside drawings too deeply to be a resume",
            ));
        }
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        // Like pdf-extract, a form without resources of its own draws with its parent's.
        let inner = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| as_dict(doc, r))
            .unwrap_or(resources);
        path.push(id);
        check_forms(doc, inner, path, visits)?;
        path.pop();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_contained_and_quiet() {
        assert_eq!(quietly(|| 2 + 2), Some(4));
        let r: Option<()> = quietly(|| panic!("the reader gave up"));
        assert_eq!(r, None);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &b"%PDF-1.4\n"[..],
            b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
            b"%PDF-1.4\nstream\r\n\x78\x9c\x03\x00\x00\x00\x00\x01endstream",
        ] {
            assert!(text(bytes).is_err());
        }
    }

    #[test]
    fn an_inflation_bomb_is_refused() {
        use flate2::Compression;
        use flate2::write::ZlibEncoder;
        use std::io::Write;
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..3 {
            z.write_all(&zeros).unwrap();
        }
        let packed = z.finish().unwrap();
        let mut pdf = b"%PDF-1.4\n1 0 obj << /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        assert!(matches!(
            check_inflated_size(&pdf, 2 << 20),
            Err(ResumeError::Bomb { .. })
        ));
        assert!(check_inflated_size(&pdf, 4 << 20).is_ok());
    }
}
