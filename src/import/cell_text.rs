//! A cell's text made ready for the survey: Excel's `_xHHHH_` escapes decoded (they stand for
//! characters XML cannot hold, `_x000D_` for a carriage return; workbooks carry them, and so do
//! text files made from workbooks by other tools), line ends unified, padding trimmed; and the
//! numbers written in cells read straight from their bytes.

use std::borrow::Cow;

use crate::model::Value;

/// `str::trim`, with a shortcut for the usual cell that starts and ends with a visible ASCII
/// character and so has nothing to trim: a million cells are trimmed in a large import.
#[inline]
pub fn trim(text: &str) -> &str {
    let visible = |byte: &u8| (b'!'..=b'~').contains(byte);
    let bytes = text.as_bytes();
    if bytes.first().is_some_and(visible) && bytes.last().is_some_and(visible) {
        text
    } else {
        text.trim()
    }
}

/// The whole number written by at most 12 ASCII digits, read straight from the bytes: every
/// cell reference, style, shared-string index and written date goes through here.
#[inline]
pub fn ascii_number(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    digits.iter().try_fold(0usize, |number, byte| {
        byte.is_ascii_digit()
            .then(|| number * 10 + usize::from(byte - b'0'))
    })
}

/// Cleans text from a cell: decodes Excel's `_xHHHH_` escapes, unifies line ends, trims.
pub fn clean_text(raw: &str) -> Value {
    // One scan finds both things that need rewriting; most cells have neither.
    if memchr::memchr2(b'_', b'\r', raw.as_bytes()).is_none() {
        return text_value(trim(raw));
    }
    clean_line_ends(&unescape_ooxml(raw))
}

/// Trimmed text as a value: empty text is no answer.
fn text_value(trimmed: &str) -> Value {
    if trimmed.is_empty() {
        Value::Empty
    } else {
        Value::Text(trimmed.into())
    }
}

/// Cleans text already free of escapes: unifies line ends and trims.
fn clean_line_ends(raw: &str) -> Value {
    let trimmed = trim(raw);
    if memchr::memchr(b'\r', trimmed.as_bytes()).is_none() {
        return text_value(trimmed);
    }
    text_value(trim(&trimmed.replace("\r\n", "\n").replace('\r', "\n")))
}

/// Decodes `_xHHHH_` escapes (UTF-16 code units, so an emoji comes as two); `_x005F_` escapes `_`.
#[inline]
fn unescape_ooxml(text: &str) -> Cow<'_, str> {
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
    fn x000d_escape_becomes_a_line_break() {
        assert_eq!(
            clean_text("ABC_x000D_\nDEF"),
            Value::Text("ABC\nDEF".into())
        );
        assert_eq!(clean_text("ABC\r\nDEF"), Value::Text("ABC\nDEF".into()));
    }

    #[test]
    fn whitespace_only_is_empty() {
        assert_eq!(clean_text("  \n "), Value::Empty);
    }

    #[test]
    fn trimming_takes_the_shortcut_only_when_nothing_needs_trimming() {
        for text in [
            "word",
            " padded\t",
            "\u{a0}no-break\u{a0}",
            "café",
            "",
            " ",
            "a\n",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn escapes_decode_to_characters() {
        assert_eq!(unescape_ooxml("a_x000D_b"), "a\rb");
        assert_eq!(unescape_ooxml("no escapes"), "no escapes");
        assert_eq!(unescape_ooxml("_x12_ short"), "_x12_ short");
        assert_eq!(unescape_ooxml("sad _xD83D__xDE1E_"), "sad \u{1F61E}");
        assert_eq!(unescape_ooxml("_x005F_x000D_"), "_x000D_");
    }
}
