//! A small streaming tokenizer for the XML parts of a workbook package.
//!
//! A sheet part is megabytes of machine-written `<c r="B2" t="s"><v>7</v></c>`; a general XML
//! reader that validates and decodes every event spent three times as long on it as the zip
//! inflate did. This one hands out tags and text as byte slices of its buffer, and only text a
//! caller keeps is checked as UTF-8 and has its entities decoded.

use std::io::Read;
use std::ops::Range;

/// Bytes read from the part at a time; the buffer grows when one token is longer.
const CHUNK: usize = 1 << 16;

/// The longest tag or text run accepted; a cell holds at most 32,767 characters, so only a
/// damaged or hostile part comes near it.
const MAX_TOKEN: usize = 16 << 20;

/// One piece of the document.
#[derive(Debug, PartialEq, Eq)]
pub enum Token<'buffer> {
    /// An opening or self-closing tag.
    Start(Tag<'buffer>),
    /// A closing tag's local name.
    End(&'buffer [u8]),
    /// Character data as written, entities not yet decoded; see [`decode_text`].
    Text(&'buffer [u8]),
    /// A CDATA section's content, taken literally.
    CData(&'buffer [u8]),
    /// The end of the part.
    Eof,
}

/// An opening tag.
#[derive(Debug, PartialEq, Eq)]
pub struct Tag<'buffer> {
    /// The name without its namespace prefix.
    pub name: &'buffer [u8],
    /// Whether it closes itself (`<c/>`).
    pub self_closing: bool,
    attributes: &'buffer [u8],
}

impl<'buffer> Tag<'buffer> {
    /// The attributes as (name without prefix, value as written).
    pub fn attributes(&self) -> Attributes<'buffer> {
        Attributes {
            rest: self.attributes,
        }
    }

    /// The value as written of the attribute whose name without prefix is `name`.
    pub fn attribute(&self, name: &[u8]) -> Option<&'buffer [u8]> {
        self.attributes()
            .find(|(found, _)| *found == name)
            .map(|(_, value)| value)
    }

    /// The attribute's value with entities decoded.
    pub fn text_attribute(&self, name: &[u8]) -> Option<String> {
        let mut value = String::new();
        decode_text(self.attribute(name)?, &mut value).ok()?;
        Some(value)
    }

    /// The attribute's value as a number.
    pub fn number_attribute<T: std::str::FromStr>(&self, name: &[u8]) -> Option<T> {
        std::str::from_utf8(self.attribute(name)?)
            .ok()?
            .trim()
            .parse()
            .ok()
    }
}

/// Prefixes a detail with the part it was found in, for the error message.
pub fn in_part(part: &str) -> impl Fn(String) -> String + '_ {
    move |detail| format!("{part}: {detail}")
}

/// The attributes of a tag, in order.
pub struct Attributes<'buffer> {
    rest: &'buffer [u8],
}

impl<'buffer> Iterator for Attributes<'buffer> {
    type Item = (&'buffer [u8], &'buffer [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest;
        let name_start = rest.iter().position(|byte| !byte.is_ascii_whitespace())?;
        let equals = name_start
            + rest
                .get(name_start..)?
                .iter()
                .position(|byte| *byte == b'=')?;
        let name = rest.get(name_start..equals)?.trim_ascii();
        let quote_at = equals
            + 1
            + rest
                .get(equals + 1..)?
                .iter()
                .position(|byte| !byte.is_ascii_whitespace())?;
        let quote = *rest.get(quote_at)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_start = quote_at + 1;
        let value_end = value_start
            + rest
                .get(value_start..)?
                .iter()
                .position(|byte| *byte == quote)?;
        self.rest = rest.get(value_end + 1..).unwrap_or_default();
        Some((local_name(name), rest.get(value_start..value_end)?))
    }
}

/// What the next token is, as ranges of the buffer, found before the buffer may be refilled.
enum Found {
    Start {
        name: Range<usize>,
        attributes: Range<usize>,
        self_closing: bool,
    },
    End(Range<usize>),
    Text(Range<usize>),
    CData(Range<usize>),
    Skipped,
    Eof,
}

/// Tokens read from a part as it streams in.
pub struct XmlStream<R> {
    input: R,
    buffer: Vec<u8>,
    /// The next unread byte.
    position: usize,
    /// How many bytes of the buffer hold data.
    filled: usize,
    /// Bytes dropped from the front of the buffer so far.
    dropped: u64,
    input_done: bool,
}

impl<R: Read> XmlStream<R> {
    /// Reads from `input`.
    pub fn new(input: R) -> Self {
        Self {
            input,
            buffer: vec![0; CHUNK],
            position: 0,
            filled: 0,
            dropped: 0,
            input_done: false,
        }
    }

    /// How many bytes of the part have been tokenized.
    pub fn position(&self) -> u64 {
        self.dropped + self.position as u64
    }

    /// The next token; comments, processing instructions and declarations are skipped.
    ///
    /// # Errors
    /// A read error, or markup cut off by the end of the part.
    pub fn next_token(&mut self) -> Result<Token<'_>, String> {
        let mut found = self.find()?;
        while matches!(found, Found::Skipped) {
            found = self.find()?;
        }
        let buffer = &self.buffer;
        let slice = |range: Range<usize>| buffer.get(range).unwrap_or_default();
        Ok(match found {
            Found::Skipped | Found::Eof => Token::Eof,
            Found::Start {
                name,
                attributes,
                self_closing,
            } => Token::Start(Tag {
                name: local_name(slice(name)),
                self_closing,
                attributes: slice(attributes),
            }),
            Found::End(name) => Token::End(local_name(slice(name))),
            Found::Text(text) => Token::Text(slice(text)),
            Found::CData(text) => Token::CData(slice(text)),
        })
    }

    /// Finds the next whole token, reading more of the part until it is complete.
    #[inline(always)]
    fn find(&mut self) -> Result<Found, String> {
        loop {
            let start = self.position;
            let rest = self.buffer.get(start..self.filled).unwrap_or_default();
            if let Some((found, length)) = scan(rest, start, self.input_done)? {
                self.position = start + length;
                return Ok(found);
            }
            self.refill()?;
        }
    }

    /// Moves unread bytes to the front and reads more after them.
    fn refill(&mut self) -> Result<(), String> {
        if self.filled - self.position >= MAX_TOKEN {
            return Err("a tag or text run longer than 16 MB".to_owned());
        }
        self.buffer.copy_within(self.position..self.filled, 0);
        self.dropped += self.position as u64;
        self.filled -= self.position;
        self.position = 0;
        if self.buffer.len() - self.filled < CHUNK / 2 {
            self.buffer.resize(self.buffer.len() + CHUNK, 0);
        }
        let space = self.buffer.get_mut(self.filled..).unwrap_or_default();
        let read = loop {
            match self.input.read(space) {
                Ok(read) => break read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error.to_string()),
            }
        };
        if read == 0 {
            self.input_done = true;
        }
        self.filled += read;
        Ok(())
    }
}

/// The token at the start of `rest` (which begins at buffer offset `start`) and its length, or
/// `None` when it runs past the bytes read so far. Inlined: returning the token through memory
/// stalled every call on store forwarding.
#[inline(always)]
fn scan(rest: &[u8], start: usize, input_done: bool) -> Result<Option<(Found, usize)>, String> {
    let Some(first) = rest.first() else {
        return Ok(input_done.then_some((Found::Eof, 0)));
    };
    if *first != b'<' {
        let length = match memchr::memchr(b'<', rest) {
            Some(length) => length,
            None if input_done => rest.len(),
            None => return Ok(None),
        };
        return Ok(Some((Found::Text(start..start + length), length)));
    }
    let cut_off = || {
        if input_done {
            Err("the XML ends in the middle of a tag".to_owned())
        } else {
            Ok(None)
        }
    };
    match rest.get(1) {
        None => cut_off(),
        Some(b'/') => match rest.iter().position(|byte| *byte == b'>') {
            Some(close) => {
                let name = rest.get(2..close).unwrap_or_default().trim_ascii();
                Ok(Some((
                    Found::End(start + 2..start + 2 + name.len()),
                    close + 1,
                )))
            }
            None => cut_off(),
        },
        Some(b'?') => skip_past(rest, b"?>", input_done),
        Some(b'!') => {
            if rest.starts_with(b"<![CDATA[") {
                match memchr::memmem::find(rest, b"]]>") {
                    Some(close) => Ok(Some((Found::CData(start + 9..start + close), close + 3))),
                    None => cut_off(),
                }
            } else if rest.starts_with(b"<!--") {
                skip_past(rest, b"-->", input_done)
            } else if rest.len() < 9 && !input_done {
                Ok(None)
            } else {
                skip_past(rest, b">", input_done)
            }
        }
        Some(_) => {
            let Some(close) = tag_end(rest) else {
                return cut_off();
            };
            let self_closing = close > 1 && rest.get(close - 1) == Some(&b'/');
            let inner_end = if self_closing { close - 1 } else { close };
            let name_end = rest
                .get(1..inner_end)
                .unwrap_or_default()
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(inner_end, |at| at + 1);
            let found = Found::Start {
                name: start + 1..start + name_end,
                attributes: start + name_end..start + inner_end,
                self_closing,
            };
            Ok(Some((found, close + 1)))
        }
    }
}

/// The index of the `>` closing the tag at the start of `rest`, skipping quoted values. Tags
/// are short, so a plain loop beats a vectorised search started afresh for each quote.
fn tag_end(rest: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (index, &byte) in rest.iter().enumerate() {
        match quote {
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None if byte == b'>' => return Some(index),
            None if byte == b'"' || byte == b'\'' => quote = Some(byte),
            None => {}
        }
    }
    None
}

fn skip_past(
    rest: &[u8],
    marker: &[u8],
    input_done: bool,
) -> Result<Option<(Found, usize)>, String> {
    match memchr::memmem::find(rest, marker) {
        Some(at) => Ok(Some((Found::Skipped, at + marker.len()))),
        None if input_done => Err("the XML ends inside a comment or declaration".to_owned()),
        None => Ok(None),
    }
}

/// A name without its namespace prefix.
fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|byte| *byte == b':') {
        Some(colon) => name.get(colon + 1..).unwrap_or_default(),
        None => name,
    }
}

/// Appends character data to `out`, checked as UTF-8, with line ends unified as XML requires
/// and `&amp;`, `&#10;` and the like decoded.
///
/// # Errors
/// Text that is not UTF-8.
pub fn decode_text(raw: &[u8], out: &mut String) -> Result<(), String> {
    let text = std::str::from_utf8(raw).map_err(|_| "text that is not UTF-8".to_owned())?;
    if memchr::memchr2(b'&', b'\r', raw).is_none() {
        out.push_str(text);
        return Ok(());
    }
    let mut rest = text;
    while let Some(ampersand) = memchr::memchr(b'&', rest.as_bytes()) {
        push_literal(rest.get(..ampersand).unwrap_or_default(), out);
        let after = rest.get(ampersand + 1..).unwrap_or_default();
        match decode_entity(after) {
            Some((character, length)) => {
                out.push(character);
                rest = after.get(length..).unwrap_or_default();
            }
            None => {
                // A stray `&` is kept as written rather than losing the answer.
                out.push('&');
                rest = after;
            }
        }
    }
    push_literal(rest, out);
    Ok(())
}

/// Appends text written literally, its `\r\n` and lone `\r` read as `\n`.
fn push_literal(text: &str, out: &mut String) {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        out.push_str(text);
    } else {
        out.push_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
    }
}

/// The character an entity after `&` stands for, and how many bytes it takes up to its `;`.
fn decode_entity(after: &str) -> Option<(char, usize)> {
    let semicolon = after.get(..after.len().min(12))?.find(';')?;
    let entity = after.get(..semicolon)?;
    let character = match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let number = entity.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((character, semicolon + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `xml`, read through a reader that hands out `chunk` bytes at a time.
    fn tokens(xml: &str, chunk: usize) -> Vec<String> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let length = self.1.min(self.0.len()).min(out.len());
                out[..length].copy_from_slice(&self.0[..length]);
                self.0 = &self.0[length..];
                Ok(length)
            }
        }
        let mut stream = XmlStream::new(Trickle(xml.as_bytes(), chunk));
        let mut seen = Vec::new();
        loop {
            let token = stream.next_token().expect("well formed");
            let shown = match token {
                Token::Eof => break,
                Token::Start(tag) => {
                    let attributes: Vec<String> = tag
                        .attributes()
                        .map(|(name, value)| {
                            format!(
                                "{}={}",
                                String::from_utf8_lossy(name),
                                String::from_utf8_lossy(value)
                            )
                        })
                        .collect();
                    format!(
                        "<{}{}{}>",
                        String::from_utf8_lossy(tag.name),
                        attributes
                            .iter()
                            .map(|attribute| format!(" {attribute}"))
                            .collect::<String>(),
                        if tag.self_closing { "/" } else { "" }
                    )
                }
                Token::End(name) => format!("</{}>", String::from_utf8_lossy(name)),
                Token::Text(text) => {
                    let mut decoded = String::new();
                    decode_text(text, &mut decoded).expect("utf-8");
                    format!("text {decoded}")
                }
                Token::CData(text) => format!("cdata {}", String::from_utf8_lossy(text)),
            };
            seen.push(shown);
        }
        seen
    }

    const DOCUMENT: &str = "<?xml version=\"1.0\"?>\n<!-- note --><x:row r=\"2\" spans='1:3'>\
        <x:c r=\"A2\" t=\"s\"><x:v>7</x:v></x:c><c r=\"B2\" s=\"1\"/>\
        <t xml:space=\"preserve\">a &amp; b &lt;c&gt; &#163;&#x1F61E; a > b &bogus</t>\
        <![CDATA[<kept & raw>]]><e a=\"x>y\" /></x:row >";

    #[test]
    fn tags_text_and_entities() {
        let expected = [
            "text \n",
            "<row r=2 spans=1:3>",
            "<c r=A2 t=s>",
            "<v>",
            "text 7",
            "</v>",
            "</c>",
            "<c r=B2 s=1/>",
            "<t space=preserve>",
            "text a & b <c> £\u{1F61E} a > b &bogus",
            "</t>",
            "cdata <kept & raw>",
            "<e a=x>y/>",
            "</row>",
        ];
        assert_eq!(tokens(DOCUMENT, 1 << 16), expected);
    }

    #[test]
    fn tokens_split_across_reads_come_out_whole() {
        let whole = tokens(DOCUMENT, 1 << 16);
        for chunk in [1, 2, 3, 7, 13] {
            assert_eq!(tokens(DOCUMENT, chunk), whole, "chunk {chunk}");
        }
    }

    #[test]
    fn a_cut_off_tag_is_an_error() {
        let mut stream = XmlStream::new("<row><c r=\"A1".as_bytes());
        assert!(matches!(stream.next_token(), Ok(Token::Start(_))));
        assert!(stream.next_token().is_err());
    }

    #[test]
    fn line_ends_are_unified_but_character_references_kept() {
        let mut decoded = String::new();
        decode_text(b"a\r\nb\rc&#13;d", &mut decoded).expect("utf-8");
        assert_eq!(decoded, "a\nb\nc\rd");
    }

    #[test]
    fn invalid_utf8_text_is_an_error() {
        let mut decoded = String::new();
        assert!(decode_text(b"\xFF\xFE", &mut decoded).is_err());
    }
}
