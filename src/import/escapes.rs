//! Excel's `_xHHHH_` escapes, which stand for characters XML cannot hold (`_x000D_` for a carriage
//! return). Workbooks carry them, and so do text files made from workbooks by other tools.

use std::borrow::Cow;

/// Decodes `_xHHHH_` escapes (UTF-16 code units, so an emoji comes as two); `_x005F_` escapes `_`.
#[inline]
pub fn unescape_ooxml(text: &str) -> Cow<'_, str> {
    if !may_hold_escape(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut decoded = String::with_capacity(text.len());
    let mut units: Vec<u16> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(unit) = escaped_unit(rest) {
            units.push(unit);
            rest = rest.get(7..).unwrap_or_default();
            continue;
        }
        if !units.is_empty() {
            decoded.extend(
                char::decode_utf16(units.drain(..))
                    .map(|decoded_char| decoded_char.unwrap_or(char::REPLACEMENT_CHARACTER)),
            );
        }
        let mut characters = rest.chars();
        if let Some(character) = characters.next() {
            decoded.push(character);
        }
        rest = characters.as_str();
    }
    decoded.extend(
        char::decode_utf16(units)
            .map(|decoded_char| decoded_char.unwrap_or(char::REPLACEMENT_CHARACTER)),
    );
    Cow::Owned(decoded)
}

/// Whether `_x` occurs, found by its rare first byte: most cells hold no `_` at all, and a
/// substring searcher costs more to set up than this scan takes.
#[inline]
fn may_hold_escape(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'_', bytes).any(|at| bytes.get(at + 1) == Some(&b'x'))
}

/// The code unit of an `_xHHHH_` escape at the start of `text`.
fn escaped_unit(text: &str) -> Option<u16> {
    let escape = text.get(..7)?;
    let digits = escape.strip_prefix("_x")?.strip_suffix('_')?;
    if !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_to_characters() {
        assert_eq!(unescape_ooxml("a_x000D_b"), "a\rb");
        assert_eq!(unescape_ooxml("no escapes"), "no escapes");
        assert_eq!(unescape_ooxml("_x12_ short"), "_x12_ short");
        assert_eq!(unescape_ooxml("sad _xD83D__xDE1E_"), "sad \u{1F61E}");
        assert_eq!(unescape_ooxml("_x005F_x000D_"), "_x000D_");
    }
}
