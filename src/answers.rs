//! What survey answers look like in English: rating scales, choices joined in one cell, and
//! answers that say nothing. Shared by the importer (which tells column roles apart) and the
//! analysis (which orders and counts answers).

/// Agreement answers in scale order, lower-case.
pub const AGREEMENT_SCALE: [&str; 7] = [
    "strongly agree",
    "agree",
    "neither agree nor disagree",
    "disagree",
    "strongly disagree",
    "don't know",
    "not sure",
];

/// Satisfaction answers in scale order, lower-case.
pub const SATISFACTION_SCALE: [&str; 6] = [
    "very satisfied",
    "satisfied",
    "neither satisfied nor dissatisfied",
    "dissatisfied",
    "very dissatisfied",
    "don't know",
];

/// The rating scales closed questions use, each in display order.
pub const RATING_SCALES: [&[&str]; 3] = [
    &AGREEMENT_SCALE,
    &SATISFACTION_SCALE,
    &["yes", "no", "don't know", "not sure"],
];

/// The scale that holds every one of `answers` (compared lower-case), if one does.
pub fn rating_scale_of<'a>(
    answers: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'static [&'static str]> {
    RATING_SCALES.into_iter().find(|scale| {
        answers
            .clone()
            .into_iter()
            .all(|answer| scale.contains(&answer.to_lowercase().as_str()))
    })
}

/// The choices in one multiple-choice answer: joined with ";" (Microsoft Forms, SmartSurvey) or,
/// failing that, with ", " (Google Forms).
pub fn split_choices(answer: &str) -> impl Iterator<Item = &str> {
    let separator = if answer.contains(';') { ";" } else { ", " };
    answer
        .split(separator)
        .map(str::trim)
        .filter(|choice| !choice.is_empty())
}

/// Free-text answers that say nothing about the proposal, lower-case, without end punctuation.
const NON_ANSWERS: [&str; 28] = [
    "n/a",
    "n a",
    "na",
    "n.a",
    "not applicable",
    "none",
    "none really",
    "no",
    "nope",
    "nil",
    "nothing",
    "nothing to add",
    "nothing further",
    "nothing else",
    "no comment",
    "no comments",
    "no further comments",
    "no thanks",
    "no thank you",
    "not sure",
    "unsure",
    "don't know",
    "dont know",
    "do not know",
    "no idea",
    "no answer",
    "see above",
    "as above",
];

/// The longest answer, in bytes with its padding and punctuation, that may say nothing.
const NON_ANSWER_BYTES: usize = 64;

/// Whether a free-text answer says nothing ("n/a", "None.", "no comment", "-", "..."): such
/// answers are kept out of the comment counts.
#[inline]
pub fn is_non_answer(text: &str) -> bool {
    // Answers that say nothing are short; a longer one is a comment. Judged by its length
    // alone, a long answer's text is never read here (it may be far from the cache).
    if text.len() > NON_ANSWER_BYTES {
        return false;
    }
    let trimmed = text.trim_matches(|character: char| {
        character.is_whitespace() || (character.is_ascii_punctuation() && character != '/')
    });
    if trimmed.is_empty() || trimmed == "/" {
        return true;
    }
    // Longer answers are comments, whatever words they start with.
    if trimmed.len() > 24 {
        return false;
    }
    NON_ANSWERS
        .iter()
        .any(|nothing| same_ignoring_case(trimmed, nothing))
}

/// Whether `answer` reads as `listed` (lower-case ASCII), ignoring case and with a curly
/// apostrophe read as a straight one; compared without copying the answer.
fn same_ignoring_case(answer: &str, listed: &str) -> bool {
    let mut listed = listed.chars();
    answer
        .chars()
        .map(|character| match character {
            '\u{2019}' => '\'',
            other => other.to_ascii_lowercase(),
        })
        .all(|character| listed.next() == Some(character))
        && listed.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_split_on_semicolons_before_commas() {
        assert_eq!(
            split_choices("CAMHS;Portage, Early help;").collect::<Vec<_>>(),
            ["CAMHS", "Portage, Early help"]
        );
        assert_eq!(
            split_choices("CAMHS, Portage").collect::<Vec<_>>(),
            ["CAMHS", "Portage"]
        );
    }

    #[test]
    fn non_answers_are_told_from_comments() {
        for nothing in [
            "n/a",
            "N/A.",
            "None",
            "none!",
            "No comment",
            "Nothing",
            "not sure",
            "-",
            ".",
            "...",
            " -- ",
            "Don’t know",
            "NA",
        ] {
            assert!(is_non_answer(nothing), "{nothing:?}");
        }
        assert!(is_non_answer(&"-".repeat(40)));
        assert!(!is_non_answer(&format!("No comment {}", "x".repeat(80))));
        for comment in [
            "No one listened to us",
            "None of the staff were trained",
            "Nothing happened for 14 months",
            "Not sure the priorities are right for young people",
            "OK",
            "Yes",
        ] {
            assert!(!is_non_answer(comment), "{comment:?}");
        }
    }
}
