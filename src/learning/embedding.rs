//! Comments as points in the word pieces' space of meanings: a comment's vector is the mean of its
//! pieces' vectors, each weighted by how rare the piece is among the training comments (so "the"
//! says little), less the training comments' mean (what every comment shares), at unit length.

use super::linear::to_unit_length;
use super::word_pieces::{WordPieces, word_pieces};
use crate::counts::as_f32;

/// What the training comments taught: how rare each piece is, and their mean vector.
#[derive(Debug, Clone)]
pub struct Embedding {
    idf: Vec<f32>,
    mean: Vec<f32>,
}

impl Embedding {
    /// Learns the pieces' rarity and the mean vector from `texts`, and returns their vectors.
    pub fn fit(texts: &[&str]) -> (Self, Vec<Vec<f32>>) {
        let shipped = word_pieces();
        let pieces = crate::cores::map_on_every_core(texts, |text| shipped.pieces(text));
        let mut documents = vec![0_usize; shipped.count()];
        let mut seen = vec![false; shipped.count()];
        for own in &pieces {
            for &piece in own {
                let piece = piece as usize;
                if !seen[piece] {
                    seen[piece] = true;
                    documents[piece] += 1;
                }
            }
            for &piece in own {
                seen[piece as usize] = false;
            }
        }
        let texts_plus_one = as_f32(texts.len() + 1);
        let idf = documents
            .iter()
            .map(|&count| (texts_plus_one / as_f32(count + 1)).ln() + 1.0)
            .collect();
        let mut embedding = Self {
            idf,
            mean: vec![0.0; shipped.dimensions()],
        };
        let means = crate::cores::map_on_every_core(&pieces, |own| embedding.mean_of(shipped, own));
        for vector in &means {
            for (sum, value) in embedding.mean.iter_mut().zip(vector) {
                *sum += value;
            }
        }
        let count = as_f32(texts.len().max(1));
        for sum in &mut embedding.mean {
            *sum /= count;
        }
        let vectors = means
            .into_iter()
            .map(|vector| embedding.centred(vector))
            .collect();
        (embedding, vectors)
    }

    /// How many values a vector has.
    pub fn dimensions(&self) -> usize {
        self.mean.len()
    }

    /// A text's vector.
    pub fn transform(&self, text: &str) -> Vec<f32> {
        let shipped = word_pieces();
        self.centred(self.mean_of(shipped, &shipped.pieces(text)))
    }

    /// The rarity-weighted mean of the pieces' vectors (zero for none).
    fn mean_of(&self, shipped: &WordPieces, pieces: &[u32]) -> Vec<f32> {
        let mut sum = vec![0.0; shipped.dimensions()];
        let mut weights = 0.0;
        for &piece in pieces {
            let weight = self.idf[piece as usize];
            shipped.add(piece, weight, &mut sum);
            weights += weight;
        }
        if weights > 0.0 {
            for value in &mut sum {
                *value /= weights;
            }
        }
        sum
    }

    /// Less the training mean, at unit length.
    fn centred(&self, mut vector: Vec<f32>) -> Vec<f32> {
        for (value, mean) in vector.iter_mut().zip(&self.mean) {
            *value -= mean;
        }
        to_unit_length(&mut vector);
        vector
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn comments_that_mean_alike_are_near_without_sharing_a_word() {
        let texts = [
            "the waiting list is far too long",
            "the teachers were kind and caring",
            "transport to school is unreliable",
            "nobody replied to my emails",
        ];
        let (embedding, vectors) = Embedding::fit(&texts);
        for vector in &vectors {
            let length = cosine(vector, vector).sqrt();
            assert!((length - 1.0).abs() < 1e-4, "unit length, not {length}");
        }
        let delays = embedding.transform("we waited months for an assessment");
        let kindness = embedding.transform("staff are lovely and supportive");
        assert!(cosine(&delays, &vectors[0]) > cosine(&delays, &vectors[1]));
        assert!(cosine(&kindness, &vectors[1]) > cosine(&kindness, &vectors[0]));
        assert_eq!(embedding.transform(texts[2]), vectors[2]);
    }
}
