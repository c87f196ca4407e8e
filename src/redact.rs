//! Personal data masked inside comments wherever comments leave the app: email addresses, phone
//! numbers (UK and international), UK postcodes, and the names the survey's personal-data columns
//! hold.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::{ColumnRole, Survey, ValueRef};

/// What stands in for each kind of personal data.
const EMAIL: &str = "[email removed]";
const PHONE: &str = "[phone removed]";
const POSTCODE: &str = "[postcode removed]";
const NAME: &str = "[name removed]";

/// Digits a phone number has: a UK number 10 or 11, an international one up to 15.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 10..=15;

/// Letters a name needs to be masked: shorter ones ("Al", "Jo") are too often something else.
const SHORTEST_NAME: usize = 3;

static EMAIL_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+").expect("a valid pattern")
});

/// A run of digits and separators that starts like a phone number: "+", "00" or a UK "0".
static PHONE_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+|(?-u:\b)0)[0-9 ().-]{8,20}[0-9]").expect("a valid pattern")
});

/// A UK postcode: outward code, optional space, inward code.
static POSTCODE_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)\b(?:GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\b")
        .expect("a valid pattern")
});

/// Masks personal data in comments.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Names from the personal-data columns, as written there with a capital.
    names: HashSet<String>,
}

impl Redactor {
    /// A redactor that also masks the names held in `survey`'s personal-data columns.
    pub fn new(survey: &Survey) -> Self {
        let mut names = HashSet::new();
        for column in survey
            .columns
            .iter()
            .filter(|column| column.role == ColumnRole::Personal)
        {
            for value in &column.values {
                let ValueRef::Text(text) = value else {
                    continue;
                };
                if text.contains('@') {
                    continue;
                }
                names.extend(
                    words(text)
                        .filter(|word| word.chars().count() >= SHORTEST_NAME)
                        .filter(|word| word.chars().all(char::is_alphabetic))
                        .map(capitalised),
                );
            }
        }
        Self { names }
    }

    /// The text with its personal data masked; borrowed when there is none.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        // Every address, number and postcode has an @ or a digit: most comments have neither.
        let mut text = Cow::Borrowed(text);
        if !text
            .bytes()
            .any(|byte| byte == b'@' || byte.is_ascii_digit())
        {
            return self.without_names(text);
        }
        for (pattern, mask) in [(&*EMAIL_PATTERN, EMAIL), (&*POSTCODE_PATTERN, POSTCODE)] {
            if pattern.is_match(&text) {
                text = Cow::Owned(pattern.replace_all(&text, mask).into_owned());
            }
        }
        if PHONE_PATTERN.is_match(&text) {
            let masked = PHONE_PATTERN.replace_all(&text, |found: &regex::Captures<'_>| {
                let number = &found[0];
                let digits = number.chars().filter(char::is_ascii_digit).count();
                if PHONE_DIGITS.contains(&digits) {
                    PHONE.to_owned()
                } else {
                    number.to_owned()
                }
            });
            if let Cow::Owned(masked) = masked {
                text = Cow::Owned(masked);
            }
        }
        self.without_names(text)
    }

    /// The text with the respondents' names masked.
    fn without_names<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        if !self.names.is_empty() && words(&text).any(|word| self.names.contains(word)) {
            Cow::Owned(self.mask_names(&text))
        } else {
            text
        }
    }

    /// The text with every word that is a known name (as capitalised there) masked.
    fn mask_names(&self, text: &str) -> String {
        let mut masked = String::with_capacity(text.len());
        let mut last = 0;
        for (start, word) in word_positions(text) {
            if self.names.contains(word) {
                masked.push_str(&text[last..start]);
                masked.push_str(NAME);
                last = start + word.len();
            }
        }
        masked.push_str(&text[last..]);
        masked
    }
}

/// The words of a text: runs of letters, digits and apostrophes.
fn words(text: &str) -> impl Iterator<Item = &str> {
    word_positions(text).map(|(_, word)| word)
}

/// The words of a text with the byte where each starts.
fn word_positions(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '\'';
    text.char_indices()
        .filter(move |&(at, c)| is_word(c) && !text[..at].chars().next_back().is_some_and(is_word))
        .map(move |(start, _)| {
            let end = text[start..]
                .find(|c: char| !is_word(c))
                .map_or(text.len(), |length| start + length);
            (start, &text[start..end])
        })
}

/// `text` masked by `redactor`, or as it is when there is none (masking turned off).
pub fn masked<'a>(redactor: Option<&Redactor>, text: &'a str) -> Cow<'a, str> {
    redactor.map_or(Cow::Borrowed(text), |redactor| redactor.redact(text))
}

/// "sarah" and "SARAH" as a comment would write the name: "Sarah".
fn capitalised(word: &str) -> String {
    let mut letters = word.chars();
    letters.next().map_or_else(String::new, |first| {
        first
            .to_uppercase()
            .chain(letters.flat_map(char::to_lowercase))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnRole, Value};

    fn survey_with_names(names: &[&str]) -> Survey {
        Survey {
            sources: Vec::new(),
            columns: vec![Column {
                name: "Your name".to_owned(),
                role: ColumnRole::Personal,
                role_reason: String::new(),
                source_index: Some(0),
                values: names.iter().map(|name| Value::from(*name)).collect(),
            }],
            source_rows: (0..crate::counts::as_u32(names.len())).collect(),
            respondent_group: None,
        }
    }

    #[test]
    fn emails_phones_postcodes_and_respondents_names_are_masked() {
        let redactor = Redactor::new(&survey_with_names(&["sarah JONES", "sam@example.org"]));
        let comment = "Ring me on 07700 900123 or +44 (0)20 7946 0958, or write to \
                       sarah.jones@example.co.uk at NG1 5AB. Sarah Jones said it was late.";
        assert_eq!(
            redactor.redact(comment),
            "Ring me on [phone removed] or [phone removed], or write to [email removed] at \
             [postcode removed]. [name removed] [name removed] said it was late."
        );
    }

    #[test]
    fn ordinary_numbers_words_and_untouched_text_are_left_alone() {
        let redactor = Redactor::new(&survey_with_names(&["Will Hope"]));
        let comment = "In 2019 we waited 18 months; £1,200,000 was cut. It will help, we hope.";
        assert!(matches!(redactor.redact(comment), Cow::Borrowed(_)));
        // A name is masked as written with a capital, not the everyday word.
        assert_eq!(redactor.redact("Will said so"), "[name removed] said so");
    }
}
