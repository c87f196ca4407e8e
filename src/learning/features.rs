//! Comments as TF-IDF vectors of word 1-2-grams and character 2-5-grams: the classical
//! representation for short free text, where the word grams carry the topic and the character
//! grams carry misspellings and word forms.

use rustc_hash::FxHashMap as HashMap;

use crate::counts::as_f32;

/// A sparse vector: feature numbers ascending, with their values.
pub type SparseVector = Vec<(u32, f32)>;

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
    words: HashMap<String, u32>,
    chars: HashMap<String, u32>,
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
        let mut word_documents: HashMap<String, usize> = HashMap::default();
        let mut char_documents: HashMap<String, usize> = HashMap::default();
        let mut documents = 0_usize;
        for text in texts {
            documents += 1;
            let (word_grams, char_grams) = grams(text, kind);
            for (counts, into) in [
                (word_grams, &mut word_documents),
                (char_grams, &mut char_documents),
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
        let mut numbered = |documents_with: HashMap<String, usize>| -> HashMap<String, u32> {
            let mut kept: Vec<(String, usize)> = documents_with
                .into_iter()
                .filter(|&(_, count)| (MIN_DOCUMENTS..=most_documents).contains(&count))
                .collect();
            // Numbered in gram order, so the same comments always give the same features.
            kept.sort_unstable();
            kept.into_iter()
                .map(|(gram, count)| {
                    let number = u32::try_from(idf.len()).unwrap_or(u32::MAX);
                    idf.push(inverse_frequency(documents, count));
                    (gram, number)
                })
                .collect()
        };
        let words = numbered(word_documents);
        let chars = numbered(char_documents);
        let mut word_names = vec![String::new(); words.len()];
        for (word, &number) in &words {
            if let Some(name) = word_names.get_mut(number as usize) {
                name.clone_from(word);
            }
        }
        Self {
            grams: kind,
            words,
            chars,
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
        let (word_grams, char_grams) = grams(text, self.grams);
        let mut vector = SparseVector::new();
        for (counts, numbers) in [(word_grams, &self.words), (char_grams, &self.chars)] {
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

/// The word 1-2-grams and (for labels) character grams of a text, with their counts.
fn grams(text: &str, kind: Grams) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|word| word.trim_matches('\''))
        .filter(|word| !word.is_empty())
        .collect();
    let is_topical = |word: &str| kind == Grams::ForLabels || !STOP_WORDS.contains(&word);
    let mut word_grams: HashMap<String, usize> = HashMap::default();
    for (index, word) in words.iter().enumerate() {
        if !is_topical(word) {
            continue;
        }
        *word_grams.entry((*word).to_owned()).or_default() += 1;
        if let Some(next) = words.get(index + 1).filter(|next| is_topical(next)) {
            *word_grams.entry(format!("{word} {next}")).or_default() += 1;
        }
    }
    let mut char_grams: HashMap<String, usize> = HashMap::default();
    if kind == Grams::ForTopics {
        return (word_grams, char_grams);
    }
    for word in &words {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(word.chars())
            .chain(std::iter::once(' '))
            .collect();
        for length in CHAR_GRAMS {
            for window in padded.windows(length) {
                *char_grams.entry(window.iter().collect()).or_default() += 1;
            }
        }
    }
    (word_grams, char_grams)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_is_a_unit_vector_of_the_grams_seen_twice() {
        let vectorizer = Vectorizer::fit(["The bus is late", "the bus was late", "a taxi"]);
        let words = &vectorizer.words;
        assert!(words.contains_key("bus") && words.contains_key("the bus"));
        assert!(!words.contains_key("taxi"), "seen once");
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
