//! Text from a Word document (DOCX): the paragraphs and runs of `word/document.xml`.
//!
//! A DOCX is a zip archive, so the part is unpacked with a limit that holds whatever size the
//! archive claims: a small file that unpacks to gigabytes (a zip bomb) is refused. The XML reader
//! expands no entities beyond the five predefined ones and character references, so an entity
//! bomb has nothing to grow from.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipArchive;
use zip::result::ZipError;

use super::{DocKind, ResumeError};

/// The most `word/document.xml` may unpack to. The XML of a long resume is a few hundred
/// kilobytes.
pub const MAX_UNPACKED_BYTES: u64 = 32 * 1024 * 1024;

const DOCUMENT: &str = "word/document.xml";

fn malformed(detail: impl Into<String>) -> ResumeError {
    ResumeError::Malformed {
        kind: DocKind::Docx,
        detail: detail.into(),
    }
}

/// The text of a DOCX: one line per paragraph, tabs and breaks kept.
pub fn text(bytes: &[u8]) -> Result<String, ResumeError> {
    text_within(bytes, MAX_UNPACKED_BYTES)
}

fn text_within(bytes: &[u8], limit: u64) -> Result<String, ResumeError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| malformed(format!("not a readable zip archive ({e})")))?;
    let index = zip.index_for_name(DOCUMENT).ok_or_else(|| {
        malformed("a zip archive without word/document.xml, so not a Word document")
    })?;
    let part = zip.by_index(index).map_err(|e| match e {
        ZipError::UnsupportedArchive(m) if m == ZipError::PASSWORD_REQUIRED => {
            ResumeError::Encrypted {
                kind: DocKind::Docx,
            }
        }
        e => malformed(format!("{DOCUMENT} cannot be unpacked ({e})")),
    })?;
    let bomb = ResumeError::Bomb {
        kind: DocKind::Docx,
        limit,
    };
    if part.size() > limit {
        return Err(bomb);
    }
    // The archive's stated size may lie: read one byte past the limit to know.
    let mut xml = Vec::new();
    part.take(limit + 1)
        .read_to_end(&mut xml)
        .map_err(|e| malformed(format!("{DOCUMENT} cannot be unpacked ({e})")))?;
    if xml.len() as u64 > limit {
        return Err(bomb);
    }
    let xml = String::from_utf8(xml).map_err(|_| malformed(format!("{DOCUMENT} is not UTF-8")))?;
    paragraphs(&xml)
}

/// The text of WordprocessingML: `w:t` runs, `w:tab` and `w:br` inside runs, a line per `w:p`.
fn paragraphs(xml: &str) -> Result<String, ResumeError> {
    let mut r = Reader::from_str(xml);
    let mut out = String::new();
    let mut in_text = false;
    // Tab stops in paragraph properties are also `w:tab` elements, but they are not text.
    let mut in_properties = 0usize;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "pPr" | "rPr" => in_properties += 1,
                "tab" if in_properties == 0 => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "tab" if in_properties == 0 => out.push('\t'),
                "br" | "cr" | "p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "pPr" | "rPr" => in_properties = in_properties.saturating_sub(1),
                "p" => out.push('\n'),
                "tc" => out.push('\t'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => out.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) if in_text => {
                out.push_str(&t.into_inner());
            }
            Ok(Event::GeneralRef(e)) if in_text => {
                let c = match e.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*e {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                out.extend(c);
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(malformed(format!(
                    "{DOCUMENT} is not well-formed XML at byte {} ({e})",
                    r.error_position()
                )));
            }
            Ok(_) => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_runs_tabs_and_entities() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body>
            <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
              <w:r><w:t>Product Manager</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">Taobao &amp; Tmall</w:t></w:r></w:p>
            <w:p><w:r><w:t>Led &#x201C;checkout&#x201D;</w:t><w:br/><w:t>主导</w:t></w:r></w:p>
            <w:p/></w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml).unwrap(),
            "Product Manager\tTaobao & Tmall\nLed \u{201c}checkout\u{201d}\n主导\n\n"
        );
    }

    #[test]
    fn broken_xml_is_an_error() {
        let e = paragraphs("<w:document><w:p><w:t>x</w:p></w:document>").unwrap_err();
        assert!(e.to_string().contains("not well-formed"), "{e}");
    }
}
