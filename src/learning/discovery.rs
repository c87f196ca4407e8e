//! What comments say that no theme covers: the comments put into groups of like ones (spherical
//! k-means over their topic words), each group with its key terms and the comments most typical
//! of it. The same comments always give the same groups.

use super::features::{Grams, SparseVector, Vectorizer};
use super::linear::{Example, to_unit_length};

/// Groups found when the number is not given.
pub const DEFAULT_GROUPS: usize = 8;

/// The seed that fixes the groups' starting points.
pub const DISCOVERY_SEED: u64 = 1;

/// Passes of k-means at most; it usually settles in far fewer.
const MAX_PASSES: usize = 40;

/// Key terms and typical comments shown per group.
const KEY_TERMS: usize = 6;
const EXAMPLES: usize = 3;

/// One group of comments.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The words and word pairs that weigh most in the group, heaviest first.
    pub key_terms: Vec<String>,
    /// The comments in the group, as positions in the texts given, in order.
    pub members: Vec<usize>,
    /// The members most like the group as a whole, most typical first, each reading
    /// differently.
    pub examples: Vec<usize>,
}

/// Puts `texts` into at most `groups` groups, largest first; `seed` fixes the start.
pub fn discover(texts: &[&str], groups: usize, seed: u64) -> Vec<Group> {
    let vectorizer = Vectorizer::fit_grams(texts.iter().copied(), Grams::ForTopics);
    let vectors: Vec<SparseVector> = texts
        .iter()
        .map(|text| vectorizer.transform(text))
        .collect();
    let dimensions = vectorizer.dimensions();
    let with_words: Vec<usize> = (0..texts.len())
        .filter(|&index| !vectors[index].is_empty())
        .collect();
    let groups = groups.min(with_words.len());
    if groups == 0 {
        return Vec::new();
    }
    let mut centroids = first_centroids(&vectors, &with_words, groups, dimensions, seed);
    let mut assignment = vec![usize::MAX; texts.len()];
    for _ in 0..MAX_PASSES {
        let mut moved = false;
        for &index in &with_words {
            let nearest = nearest(&centroids, &vectors[index]).0;
            if assignment[index] != nearest {
                assignment[index] = nearest;
                moved = true;
            }
        }
        if !moved {
            break;
        }
        centroids = (0..groups)
            .map(|group| {
                let members = with_words
                    .iter()
                    .filter(|&&index| assignment[index] == group);
                mean_direction(members.map(|&index| &vectors[index]), dimensions)
            })
            .collect();
    }
    let mut found: Vec<Group> = (0..groups)
        .filter_map(|group| {
            let members: Vec<usize> = with_words
                .iter()
                .copied()
                .filter(|&index| assignment[index] == group)
                .collect();
            if members.is_empty() {
                return None;
            }
            let centroid = &centroids[group];
            let mut terms: Vec<(usize, f32)> = centroid
                .iter()
                .enumerate()
                .filter(|(_, weight)| **weight > 0.0)
                .map(|(feature, weight)| (feature, *weight))
                .collect();
            terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let key_terms = terms
                .iter()
                .filter_map(|&(feature, _)| {
                    vectorizer
                        .word_gram(u32::try_from(feature).ok()?)
                        .map(str::to_owned)
                })
                .take(KEY_TERMS)
                .collect();
            let mut typical: Vec<(usize, f32)> = members
                .iter()
                .map(|&index| (index, vectors[index].dot(centroid)))
                .collect();
            typical.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            // Examples that read differently: short comments are often written word for word
            // by many people.
            let mut examples: Vec<usize> = Vec::new();
            let mut seen: Vec<String> = Vec::new();
            for &(index, _) in &typical {
                let reads = texts[index].trim().to_lowercase();
                if !seen.contains(&reads) {
                    seen.push(reads);
                    examples.push(index);
                }
                if examples.len() == EXAMPLES {
                    break;
                }
            }
            Some(Group {
                key_terms,
                examples,
                members,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members.cmp(&b.members))
    });
    found
}

/// k-means++ starting points: each next one picked with chance growing with its distance from
/// those already picked, by a seeded generator.
fn first_centroids(
    vectors: &[SparseVector],
    candidates: &[usize],
    groups: usize,
    dimensions: usize,
    seed: u64,
) -> Vec<Vec<f32>> {
    let mut random = fastrand::Rng::with_seed(seed);
    let dense = |index: usize| mean_direction(std::iter::once(&vectors[index]), dimensions);
    let mut centroids = vec![dense(candidates[random.usize(..candidates.len())])];
    while centroids.len() < groups {
        let distances: Vec<f32> = candidates
            .iter()
            .map(|&index| (1.0 - nearest(&centroids, &vectors[index]).1).max(0.0))
            .collect();
        let total: f32 = distances.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut pick = random.f32() * total;
        let chosen = distances
            .iter()
            .position(|&distance| {
                pick -= distance;
                pick <= 0.0
            })
            .unwrap_or(candidates.len() - 1);
        centroids.push(dense(candidates[chosen]));
    }
    centroids
}

/// The centroid most like the vector (cosine), with the likeness.
fn nearest(centroids: &[Vec<f32>], vector: &SparseVector) -> (usize, f32) {
    centroids
        .iter()
        .enumerate()
        .map(|(group, centroid)| (group, vector.dot(centroid)))
        .fold((0, f32::NEG_INFINITY), |best, next| {
            if next.1 > best.1 { next } else { best }
        })
}

/// The mean of the vectors, of length 1.
fn mean_direction<'a>(
    vectors: impl Iterator<Item = &'a SparseVector>,
    dimensions: usize,
) -> Vec<f32> {
    let mut sum = vec![0.0_f32; dimensions];
    for vector in vectors {
        vector.add_to(&mut sum, 1.0);
    }
    to_unit_length(&mut sum);
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_on_two_subjects_fall_into_two_groups_the_same_way_each_time() {
        let texts: Vec<String> = (0..40)
            .map(|index| {
                if index % 2 == 0 {
                    format!("the school bus transport was late again, route {index}")
                } else {
                    format!("speech therapy waiting list for therapy sessions, case {index}")
                }
            })
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let groups = discover(&texts, 2, 1);
        assert_eq!(groups.len(), 2);
        for group in &groups {
            assert_eq!(group.members.len(), 20);
            let parity = group.members[0] % 2;
            assert!(group.members.iter().all(|member| member % 2 == parity));
            assert_eq!(group.examples.len(), EXAMPLES);
            assert!(
                group
                    .examples
                    .iter()
                    .all(|example| group.members.contains(example))
            );
        }
        let terms: Vec<&String> = groups.iter().flat_map(|group| &group.key_terms).collect();
        assert!(
            terms.iter().any(|term| term.contains("therapy")),
            "{terms:?}"
        );
        assert!(terms.iter().any(|term| term.contains("bus")), "{terms:?}");
        assert!(!terms.iter().any(|term| *term == "the"));
        assert_eq!(discover(&texts, 2, 1), groups);
        let same = [
            "words are cheap",
            "Words are cheap ",
            "words are cheap",
            "cheap words again",
            "the bus is late",
            "the bus was late again",
            "a late bus",
            "bus timetable is late",
        ];
        let groups = discover(&same, 2, 1);
        let cheap = groups
            .iter()
            .find(|group| group.members.contains(&0))
            .expect("a group of the cheap words");
        let examples: Vec<&str> = cheap.examples.iter().map(|&index| same[index]).collect();
        assert_eq!(
            examples.len(),
            2,
            "one of the three alike, and the other: {examples:?}"
        );
        assert!(discover(&[], 3, 1).is_empty());
    }
}
