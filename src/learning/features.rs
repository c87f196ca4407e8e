//! Comments as TF-IDF vectors of word 1-2-grams and character 2-5-grams: the classical
//! representation for short free text, where the word grams carry the topic and the character
//! grams carry misspellings and word forms.

use std::hash::Hasher;

use rustc_hash::{FxHashMap as HashMap, FxHasher};

use crate::counts::as_f32;

/// A sparse vector: feature numbers ascending, with their values.
pub type SparseVector = Vec<(u32, f32)>;

/// A gram as a 64-bit hash of its text: grams are counted without making a string of each
/// (making them was most of the time taken to turn a comment into a vector), and two grams of
/// one survey sharing a hash is vanishingly rare.
type GramKey = u64;

/// Character grams are taken inside each word padded with a space either side, at these lengths.
const CHAR_GRAMS: std::ops::RangeInclusive<usize> = 2..=5;

/// A gram must occur in this many training comments to become a feature.
const MIN_DOCUMENTS: usize = 2;

/// Which grams make the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grams {
    /// Word 1-2-grams and character 2-5-grams: for telling labels apart.
    ForLabels,
    /// Word 1-2-grams without the commonest words (stop words, and any in more than half the
    /// comments): for saying what a group of comments is about.
    ForTopics,
}

/// Words that say nothing of a topic.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have",
    "he", "her", "him", "his", "how", "i", "i'm", "if", "in", "into", "is", "it", "it's", "its",
    "just", "me", "more", "my", "no", "not", "of", "on", "or", "our", "out", "she", "so", "some",
    "than", "that", "the", "their", "them", "then", "there", "they", "this", "to", "up", "us",
    "very", "was", "we", "were", "what", "when", "which", "who", "will", "with", "would", "you",
    "your",
];

/// The features learned from training comments, with their inverse document frequencies.
#[derive(Debug, Clone)]
pub struct Vectorizer {
    grams: Grams,
    words: HashMap<GramKey, u32>,
    chars: HashMap<GramKey, u32>,
    /// By feature number: word grams first, then character grams.
    idf: Vec<f32>,
    /// The word grams, by feature number.
    word_names: Vec<String>,
}

impl Vectorizer {
    /// Learns the grams for labels that occur in at least two of `texts`.
    pub fn fit<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        Self::fit_grams(texts, Grams::ForLabels)
    }

    /// Learns the grams of this kind that occur in at least two of `texts`.
    pub fn fit_grams<'a>(texts: impl IntoIterator<Item = &'a str>, kind: Grams) -> Self {
        let mut word_documents: HashMap<GramKey, usize> = HashMap::default();
        let mut char_documents: HashMap<GramKey, usize> = HashMap::default();
        let mut names: HashMap<GramKey, String> = HashMap::default();
        let mut documents = 0_usize;
        for text in texts {
            documents += 1;
            let found = grams(text, kind, Some(&mut names));
            for (counts, into) in [
                (found.words, &mut word_documents),
                (found.chars, &mut char_documents),
            ] {
                for gram in counts.into_keys() {
                    *into.entry(gram).or_default() += 1;
                }
            }
        }
        let most_documents = match kind {
            Grams::ForLabels => documents,
            Grams::ForTopics => documents / 2,
        };
        let mut idf = Vec::new();
        let mut numbered = |documents_with: HashMap<GramKey, usize>| -> Vec<GramKey> {
            let mut kept: Vec<(GramKey, usize)> = documents_with
                .into_iter()
                .filter(|&(_, count)| (MIN_DOCUMENTS..=most_documents).contains(&count))
                .collect();
            // Numbered in key order, so the same comments always give the same features.
            kept.sort_unstable();
            kept.into_iter()
                .map(|(gram, count)| {
                    idf.push(inverse_frequency(documents, count));
                    gram
                })
                .collect()
        };
        let word_keys = numbered(word_documents);
        let char_keys = numbered(char_documents);
        let number = |keys: Vec<GramKey>, first: usize| -> HashMap<GramKey, u32> {
            keys.into_iter()
                .enumerate()
                .map(|(position, key)| (key, u32::try_from(first + position).unwrap_or(u32::MAX)))
                .collect()
        };
        let word_names = word_keys
            .iter()
            .map(|key| names.remove(key).unwrap_or_default())
            .collect();
        let word_count = word_keys.len();
        Self {
            grams: kind,
            words: number(word_keys, 0),
            chars: number(char_keys, word_count),
            idf,
            word_names,
        }
    }

    /// The word gram a feature stands for; `None` for a character gram.
    pub fn word_gram(&self, feature: u32) -> Option<&str> {
        self.word_names.get(feature as usize).map(String::as_str)
    }

    /// The number of features.
    pub fn dimensions(&self) -> usize {
        self.idf.len()
    }

    /// A comment's vector: sublinear term frequency times inverse document frequency, the word
    /// part and the character part each of length 1/√2, so the whole has length 1.
    pub fn transform(&self, text: &str) -> SparseVector {
        let found = grams(text, self.grams, None);
        let mut vector = SparseVector::new();
        for (counts, numbers) in [(found.words, &self.words), (found.chars, &self.chars)] {
            let start = vector.len();
            vector.extend(counts.into_iter().filter_map(|(gram, count)| {
                let number = *numbers.get(&gram)?;
                let idf = self.idf.get(number as usize).copied().unwrap_or(1.0);
                Some((number, (1.0 + as_f32(count).ln()) * idf))
            }));
            let part = &mut vector[start..];
            // In feature order, so the length sums the same way every time.
            part.sort_unstable_by_key(|&(number, _)| number);
            let length = part
                .iter()
                .map(|(_, value)| value * value)
                .sum::<f32>()
                .sqrt();
            if length > 0.0 {
                for (_, value) in part.iter_mut() {
                    *value /= length * std::f32::consts::SQRT_2;
                }
            }
        }
        // Word features are numbered before character features: the whole is in order too.
        vector
    }
}

/// Smoothed inverse document frequency, as scikit-learn computes it.
fn inverse_frequency(documents: usize, with_gram: usize) -> f32 {
    ((1.0 + as_f32(documents)) / (1.0 + as_f32(with_gram))).ln() + 1.0
}

/// The grams of one text, with how often each occurs.
struct TextGrams {
    words: HashMap<GramKey, usize>,
    chars: HashMap<GramKey, usize>,
}

/// The key of the gram made of `parts` in a row.
fn key_of(parts: &[&str]) -> GramKey {
    let mut hasher = FxHasher::default();
    for part in parts {
        hasher.write(part.as_bytes());
    }
    hasher.write_u8(0xff);
    hasher.finish()
}

/// The word 1-2-grams and (for labels) character grams of a text, with their counts; the word
/// grams' texts are added to `names` when asked for.
fn grams(text: &str, kind: Grams, mut names: Option<&mut HashMap<GramKey, String>>) -> TextGrams {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|word| word.trim_matches('\''))
        .filter(|word| !word.is_empty())
        .collect();
    let is_topical = |word: &str| kind == Grams::ForLabels || !STOP_WORDS.contains(&word);
    let mut word_grams: HashMap<GramKey, usize> = HashMap::default();
    let mut count = |parts: &[&str]| {
        let key = key_of(parts);
        *word_grams.entry(key).or_default() += 1;
        if let Some(names) = names.as_deref_mut() {
            names.entry(key).or_insert_with(|| parts.concat());
        }
    };
    for (index, word) in words.iter().enumerate() {
        if !is_topical(word) {
            continue;
        }
        count(&[word]);
        if let Some(next) = words.get(index + 1).filter(|next| is_topical(next)) {
            count(&[word, " ", next]);
        }
    }
    let mut char_grams: HashMap<GramKey, usize> = HashMap::default();
    if kind == Grams::ForLabels {
        let mut padded = String::new();
        let mut bounds: Vec<usize> = Vec::new();
        for word in &words {
            padded.clear();
            padded.push(' ');
            padded.push_str(word);
            padded.push(' ');
            bounds.clear();
            bounds.extend(padded.char_indices().map(|(at, _)| at));
            bounds.push(padded.len());
            let letters = bounds.len() - 1;
            for length in CHAR_GRAMS {
                for start in 0..(letters + 1).saturating_sub(length) {
                    let gram = &padded[bounds[start]..bounds[start + length]];
                    *char_grams.entry(key_of(&[gram])).or_default() += 1;
                }
            }
        }
    }
    TextGrams {
        words: word_grams,
        chars: char_grams,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_is_a_unit_vector_of_the_grams_seen_twice() {
        let vectorizer = Vectorizer::fit(["The bus is late", "the bus was late", "a taxi"]);
        let names = &vectorizer.word_names;
        assert!(names.iter().any(|name| name == "bus"));
        assert!(names.iter().any(|name| name == "the bus"));
        assert!(!names.iter().any(|name| name == "taxi"), "seen once");
        // Every word gram's number gives back its name.
        for (name, feature) in names.iter().zip(0..) {
            assert_eq!(vectorizer.word_gram(feature), Some(name.as_str()));
        }
        let vector = vectorizer.transform("THE BUS is late, the bus!");
        let length: f32 = vector
            .iter()
            .map(|(_, value)| value * value)
            .sum::<f32>()
            .sqrt();
        assert!((length - 1.0).abs() < 1e-5, "{length}");
        assert!(vector.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(vectorizer.transform("zebra").is_empty());
    }
}
