//! Learning from people's coding: a text classifier that suggests themes for comments not yet
//! coded, and the measures that say how far to trust it.

mod calibration;
mod discovery;
mod embedding;
mod features;
mod linear;
pub mod metrics;
mod multilabel;
mod sentiment;
mod sentiment_model;
mod suggestions;
mod word_pieces;

pub use discovery::{DEFAULT_GROUPS, DISCOVERY_SEED, Group, discover};
pub use features::{Grams, SparseVector, Vectorizer};
pub use metrics::{Counts, Scores};
pub use multilabel::{Classifier, Options, fold_numbers, held_out_best};
pub use sentiment::{
    Sentiment, SentimentReader, by_theme as sentiment_by_theme, read_all as read_sentiments,
};
pub use sentiment_model::{FEWEST_READINGS, LearnedSentiment, learn_sentiment};
pub use suggestions::{
    FEWEST_CODED, FEWEST_EXAMPLES, LEAST_CONFIDENCE, NotLearned, Suggestion, Suggestions,
    ThemeQuality, learn,
};
