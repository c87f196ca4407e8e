//! Words of a comment with their places, lower-cased and stemmed, so rules match word forms.

use rust_stemmers::{Algorithm, Stemmer};

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the word's first character.
    pub start: usize,
    /// Byte offset just past the word.
    pub end: usize,
    /// The word in lower case, curly apostrophes made straight.
    pub lower: String,
    /// The word's Snowball English stem.
    pub stem: String,
}

/// Splits text into words and stems them.
pub struct Tokenizer {
    stemmer: Stemmer,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokenizer(English)")
    }
}

fn is_apostrophe(character: char) -> bool {
    matches!(character, '\'' | '\u{2019}')
}

impl Tokenizer {
    /// The words of `text`: runs of letters and digits, keeping apostrophes inside a word.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        for_each_word(text, |start, end, lower| {
            tokens.push(Token {
                start,
                end,
                lower: lower.to_owned(),
                stem: self.stem(lower),
            });
        });
        tokens
    }

    /// The stem of one lower-case word.
    pub fn stem(&self, lower: &str) -> String {
        self.stemmer.stem(lower).into_owned()
    }
}

/// Calls `visit` with the byte range and lower-case form of each word of `text`, in order: the
/// words of [`Tokenizer::tokens`] without stemming each one, for callers that stem each distinct
/// word once.
pub(super) fn for_each_word(text: &str, mut visit: impl FnMut(usize, usize, &str)) {
    let mut lower = String::new();
    let mut visit_word = |start: usize, end: usize| {
        lower.clear();
        let word = text.get(start..end).unwrap_or_default();
        if word.is_ascii() {
            // Most words of most comments: lower-cased byte by byte.
            lower.push_str(word);
            lower.make_ascii_lowercase();
            visit(start, end, &lower);
            return;
        }
        lower.extend(
            word.chars()
                .map(|character| {
                    if is_apostrophe(character) {
                        '\''
                    } else {
                        character
                    }
                })
                .flat_map(char::to_lowercase),
        );
        visit(start, end, &lower);
    };
    let mut start: Option<usize> = None;
    let mut characters = text.char_indices().peekable();
    while let Some((offset, character)) = characters.next() {
        let next_is_word = characters
            .peek()
            .is_some_and(|(_, next)| next.is_alphanumeric());
        let in_word = character.is_alphanumeric()
            || (is_apostrophe(character) && start.is_some() && next_is_word);
        match (in_word, start) {
            (true, None) => start = Some(offset),
            (false, Some(begin)) => {
                visit_word(begin, offset);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(begin) = start {
        visit_word(begin, text.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_apostrophes_and_byte_spans() {
        let tokenizer = Tokenizer::default();
        let tokens = tokenizer.tokens("Staff’s training—isn't 'good' (EHCPs)");
        let lowers: Vec<&str> = tokens.iter().map(|token| token.lower.as_str()).collect();
        assert_eq!(lowers, ["staff's", "training", "isn't", "good", "ehcps"]);
        let text = "Staff’s training—isn't 'good' (EHCPs)";
        assert_eq!(&text[tokens[1].start..tokens[1].end], "training");
        assert_eq!(tokens[1].stem, "train");
        assert_eq!(tokens[0].stem, "staff");
    }
}
