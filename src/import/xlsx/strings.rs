//! The shared string table: every text a workbook's cells refer to by number, each cleaned into a
//! value once and then shared by every cell that uses it.

use std::io::Read;

use super::xml::{Token, XmlStream, decode_text, in_part};
use crate::import::cell_text::clean_text;
use crate::model::Value;
use crate::progress::Progress;

/// Strings read between looks at the cancel flag and updates of the progress fraction.
const STRINGS_PER_PROGRESS: usize = 16_384;

/// The strings of the shared strings part named `part`, `size` bytes long, in order. Rich text
/// runs are joined; phonetic readings (`rPh`) are left out. A cancelled read stops early.
///
/// # Errors
/// A damaged part, as a detail for the error message.
pub fn shared_strings<R: Read>(
    xml: &mut XmlStream<R>,
    part: &str,
    size: u64,
    progress: &Progress,
) -> Result<Vec<Value>, String> {
    let mut strings = Vec::new();
    let mut text = String::new();
    let mut in_text = false;
    let mut in_phonetic = false;
    loop {
        match xml.next_token().map_err(in_part(part))? {
            Token::Start(tag) => match tag.name {
                b"sst" => {
                    // The declared count is only a hint; a damaged file may claim billions.
                    let declared: usize = tag.number_attribute(b"uniqueCount").unwrap_or(0);
                    let plausible = usize::try_from(size / 16).unwrap_or(usize::MAX);
                    strings.reserve(declared.min(plausible));
                }
                b"si" if tag.self_closing => strings.push(Value::Empty),
                b"si" => text.clear(),
                b"t" => in_text = !tag.self_closing && !in_phonetic,
                b"rPh" => in_phonetic = !tag.self_closing,
                _ => {}
            },
            Token::Text(raw) if in_text => decode_text(raw, &mut text).map_err(in_part(part))?,
            Token::CData(raw) if in_text => text.push_str(&String::from_utf8_lossy(raw)),
            Token::End(name) => match name {
                b"t" => in_text = false,
                b"rPh" => in_phonetic = false,
                b"si" => {
                    strings.push(clean_text(&text));
                    if strings.len().is_multiple_of(STRINGS_PER_PROGRESS) {
                        if progress.is_cancelled() {
                            break;
                        }
                        progress.set_done_of(xml.position(), size);
                    }
                }
                _ => {}
            },
            Token::Eof => break,
            _ => {}
        }
    }
    Ok(strings)
}
