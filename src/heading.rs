//! Question headings compared as words: the one place that says when two headings are the same
//! question and when a heading mentions a word. It imports nothing of ours, so the importer, the
//! analysis and the project can all use it without tying themselves to each other.

/// A heading reduced to lower-case words, so "Any other comments?" matches "any other comments"
/// and "ÉCOLE" matches "école".
pub fn normalise_heading(name: &str) -> String {
    let mut normalised = String::with_capacity(name.len());
    for word in words(name) {
        if !normalised.is_empty() {
            normalised.push(' ');
        }
        normalised.push_str(&word);
    }
    normalised
}

/// Whether `heading` mentions `phrase` as whole words, ignoring case and punctuation: "age" is in
/// "Your age group" but not in "message". A phrase ending in `*` matches any ending of its last
/// word ("disab*" is in "Do you have a disability?").
pub fn mentions(heading: &str, phrase: &str) -> bool {
    let (phrase, open_ended) = match phrase.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (phrase, false),
    };
    let wanted: Vec<String> = words(phrase).collect();
    let Some((last, leading)) = wanted.split_last() else {
        return false;
    };
    let heading: Vec<String> = words(heading).collect();
    heading.windows(wanted.len()).any(|window| {
        let Some((window_last, window_leading)) = window.split_last() else {
            return false;
        };
        window_leading == leading
            && if open_ended {
                window_last.starts_with(last.as_str())
            } else {
                window_last == last
            }
    })
}

/// Whether `heading` mentions any of `phrases`, as [`mentions`] does.
pub fn mentions_any(heading: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|phrase| mentions(heading, phrase))
}

/// The heading's words, lower-cased; apostrophes inside a word keep it whole ("don't").
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|character: char| !(character.is_alphanumeric() || is_apostrophe(character)))
        .map(|word| word.trim_matches(is_apostrophe))
        .filter(|word| !word.is_empty())
        .map(|word| word.replace('\u{2019}', "'").to_lowercase())
}

fn is_apostrophe(character: char) -> bool {
    matches!(character, '\'' | '\u{2019}')
}

/// Words in a heading that say the column tells who the respondent is (parent, young person,
/// professional ...): the attribute the analysis splits the themes by.
pub const RESPONDENT_TYPE_HINTS: [&str; 7] = [
    "describes you",
    "responding as",
    "on behalf of",
    "respondent*",
    "are you",
    "capacity",
    "role",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_normalise_case_and_punctuation() {
        assert_eq!(
            normalise_heading("  Any other   comments?"),
            "any other comments"
        );
        assert_eq!(
            normalise_heading("Q1 - Views (optional)"),
            "q1 views optional"
        );
        assert_eq!(normalise_heading("ÉCOLE Ñandú"), "école ñandú");
        assert_eq!(normalise_heading("Don’t know"), "don't know");
    }

    #[test]
    fn role_hints_match_whole_words_only() {
        assert!(mentions("What is your age?", "age"));
        assert!(!mentions("Any message for us?", "age"));
        assert!(!mentions("Are there enough resources?", "source"));
        assert!(mentions("Source", "source"));
        assert!(!mentions("Is the childcare you receive enough?", "are you"));
        assert!(mentions("Are you a parent or carer?", "are you"));
        assert!(mentions("Do you have a disability?", "disab*"));
        assert!(!mentions("Is the taxi ok?", "disab*"));
        assert!(mentions(
            "Which of these best describes you?",
            "describes you"
        ));
        assert!(!mentions("Anything", ""));
    }
}
