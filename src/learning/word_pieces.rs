//! What words mean, learned elsewhere: a vector for each of the 30,522 word pieces of BERT's
//! uncased vocabulary, distilled from the sentence model all-MiniLM-L6-v2 (each piece passed alone
//! through the model; see `assets/word_pieces/README.md`). Comments that share no word can still
//! share a meaning ("waiting list" and "delays"), which TF-IDF grams cannot see; a few hundred
//! coded comments teach more with them.
//!
//! Text is cut into pieces as the model's own tokenizer does (BERT's: lower case without
//! accents, punctuation apart, then the longest pieces of the vocabulary first), so that each
//! piece's vector is the one the model gave it.

use std::sync::OnceLock;

use rustc_hash::FxHashMap as HashMap;
use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;

/// The vocabulary, one piece a line in the model's order.
const VOCABULARY: &str = include_str!("../../assets/word_pieces/vocab.txt");

/// The vectors: "CLWP", then the piece count and dimensions (u32, little-endian), then each
/// piece's scale (f32), then each piece's values (i8, times its scale).
const VECTORS: &[u8] = include_bytes!("../../assets/word_pieces/vectors.bin");

/// A word longer than this (in characters) is one unknown piece, as in the model's tokenizer.
const LONGEST_WORD: usize = 100;

/// The piece that stands for a word the vocabulary cannot spell.
const UNKNOWN: &str = "[UNK]";

/// Marks a piece that continues a word.
const CONTINUING: &str = "##";

/// The vocabulary and each piece's vector.
pub struct WordPieces {
    numbers: HashMap<&'static str, u32>,
    unknown: u32,
    dimensions: usize,
    scales: Vec<f32>,
    values: &'static [u8],
}

/// The shipped word pieces, read once.
pub fn word_pieces() -> &'static WordPieces {
    static SHIPPED: OnceLock<WordPieces> = OnceLock::new();
    SHIPPED.get_or_init(|| WordPieces::read(VOCABULARY, VECTORS))
}

impl WordPieces {
    /// Reads a vocabulary and its vectors; both are ours, shipped in the binary, so a mismatch
    /// is a build mistake.
    fn read(vocabulary: &'static str, vectors: &'static [u8]) -> Self {
        let numbers: HashMap<&'static str, u32> = vocabulary
            .lines()
            .enumerate()
            .map(|(number, piece)| (piece, u32::try_from(number).expect("a small vocabulary")))
            .collect();
        let word = |at: usize| {
            u32::from_le_bytes(vectors[at..at + 4].try_into().expect("four bytes")) as usize
        };
        assert_eq!(&vectors[..4], b"CLWP", "word piece vectors' header");
        let (pieces, dimensions) = (word(4), word(8));
        assert_eq!(pieces, numbers.len(), "a vector for every word piece");
        let scales_end = 12 + 4 * pieces;
        let scales = vectors[12..scales_end]
            .chunks_exact(4)
            .map(|bytes| f32::from_le_bytes(bytes.try_into().expect("four bytes")))
            .collect();
        let values = &vectors[scales_end..];
        assert_eq!(
            values.len(),
            pieces * dimensions,
            "word piece vectors' size"
        );
        Self {
            unknown: numbers[UNKNOWN],
            numbers,
            dimensions,
            scales,
            values,
        }
    }

    /// How many values a vector has.
    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    /// How many pieces there are.
    pub fn count(&self) -> usize {
        self.scales.len()
    }

    /// Adds `weight` times the piece's vector to `into`.
    pub fn add(&self, piece: u32, weight: f32, into: &mut [f32]) {
        let piece = piece as usize;
        let scale = weight * self.scales[piece];
        let values = &self.values[piece * self.dimensions..(piece + 1) * self.dimensions];
        for (sum, &value) in into.iter_mut().zip(values) {
            *sum += scale * f32::from(value.cast_signed());
        }
    }

    /// The pieces of `text`, by number, in order: words split at white space, each punctuation
    /// mark and CJK ideograph a word of its own.
    pub fn pieces(&self, text: &str) -> Vec<u32> {
        let mut pieces = Vec::new();
        let mut word = String::new();
        let mut candidate = String::new();
        for character in normalized(text) {
            let alone = is_punctuation(character) || is_cjk(character);
            if alone || character.is_whitespace() {
                self.spell(&word, &mut candidate, &mut pieces);
                word.clear();
            }
            if alone {
                let mut buffer = [0; 4];
                self.spell(
                    character.encode_utf8(&mut buffer),
                    &mut candidate,
                    &mut pieces,
                );
            } else if !character.is_whitespace() {
                word.push(character);
            }
        }
        self.spell(&word, &mut candidate, &mut pieces);
        pieces
    }

    /// Spells one word with the longest pieces first; a word it cannot spell is one unknown.
    /// `candidate` is room to look pieces up in, kept between words.
    fn spell(&self, word: &str, candidate: &mut String, pieces: &mut Vec<u32>) {
        if word.is_empty() {
            return;
        }
        if word.chars().count() > LONGEST_WORD {
            pieces.push(self.unknown);
            return;
        }
        let spelled_from = pieces.len();
        let mut start = 0;
        while start < word.len() {
            let found = word[start..]
                .char_indices()
                .map(|(offset, character)| start + offset + character.len_utf8())
                .rev()
                .find_map(|end| {
                    candidate.clear();
                    if start > 0 {
                        candidate.push_str(CONTINUING);
                    }
                    candidate.push_str(&word[start..end]);
                    self.numbers
                        .get(candidate.as_str())
                        .map(|&number| (number, end))
                });
            let Some((number, end)) = found else {
                pieces.truncate(spelled_from);
                pieces.push(self.unknown);
                return;
            };
            pieces.push(number);
            start = end;
        }
    }
}

/// `text` as BERT's uncased tokenizer reads it: control characters dropped, accents stripped
/// (decomposed, their marks dropped), lower case.
fn normalized(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|&character| character != '\0' && character != '\u{FFFD}' && !is_control(character))
        .nfd()
        .filter(|&character| {
            character.is_ascii()
                || get_general_category(character) != GeneralCategory::NonspacingMark
        })
        .flat_map(char::to_lowercase)
}

/// Control, format, private-use and unassigned characters, but not tabs and line ends (white
/// space).
fn is_control(character: char) -> bool {
    if character.is_ascii() {
        return character.is_ascii_control() && !matches!(character, '\t' | '\n' | '\r');
    }
    matches!(
        get_general_category(character),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
    )
}

/// ASCII punctuation and symbols, and Unicode's punctuation.
fn is_punctuation(character: char) -> bool {
    if character.is_ascii() {
        return character.is_ascii_punctuation();
    }
    matches!(
        get_general_category(character),
        GeneralCategory::ConnectorPunctuation
            | GeneralCategory::DashPunctuation
            | GeneralCategory::OpenPunctuation
            | GeneralCategory::ClosePunctuation
            | GeneralCategory::InitialPunctuation
            | GeneralCategory::FinalPunctuation
            | GeneralCategory::OtherPunctuation
    )
}

/// CJK ideographs, which BERT's tokenizer sets apart one by one.
fn is_cjk(character: char) -> bool {
    matches!(
        u32::from(character),
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B820..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each text's pieces as the model's own tokenizer (Hugging Face `tokenizers`, from the
    /// model's tokenizer.json) numbers them.
    #[test]
    fn texts_are_cut_into_the_pieces_the_model_was_given() {
        let shipped = word_pieces();
        let cases: [(&str, &[u32]); 6] = [
            (
                "The SENCo said: \"waiting-lists\" aren't fair!",
                &[
                    1996, 12411, 3597, 2056, 1024, 1000, 3403, 1011, 7201, 1000, 4995, 1005, 1056,
                    4189, 999,
                ],
            ),
            // Accents stripped: "cafe naive resume".
            ("Café naïve résumé", &[7668, 15743, 13746]),
            // "eh", "##cp", "##s".
            ("EHCPs", &[15501, 21906, 2015]),
            // Longer than any word: unknown.
            (&"x".repeat(101), &[100]),
            ("日本 text", &[1864, 1876, 3793]),
            // A control character is dropped, joining the words around it.
            (
                "tab\tand\u{85}control\u{200b}",
                &[21628, 1998, 8663, 13181, 2140],
            ),
        ];
        for (text, pieces) in cases {
            assert_eq!(shipped.pieces(text), pieces, "{text:?}");
        }
        assert_eq!(shipped.count(), 30_522);
    }
}
