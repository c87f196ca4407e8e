//! Turning a model's scores into confidences: Platt's sigmoid, fitted on scores of comments held
//! out from training, so that "80 %" means about four in five such suggestions were right.

/// `confidence = 1 / (1 + exp(slope * score + offset))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    slope: f64,
    offset: f64,
}

impl Default for Calibration {
    /// Before anything is held out: the model's boundary is 50 %, a margin of 1 about 88 %.
    fn default() -> Self {
        Self {
            slope: -2.0,
            offset: 0.0,
        }
    }
}

/// Newton steps; the fit converges in a handful.
const ITERATIONS: usize = 50;

impl Calibration {
    /// Fits the sigmoid to held-out `(score, was right)` pairs by Platt's method (targets
    /// softened by the counts, so that a few examples do not give 0 % or 100 %).
    pub fn fit(held_out: &[(f32, bool)]) -> Self {
        let positives = held_out.iter().filter(|(_, right)| *right).count();
        let negatives = held_out.len() - positives;
        if positives == 0 || negatives == 0 {
            return Self::default();
        }
        let high =
            (crate::counts::as_f64(positives) + 1.0) / (crate::counts::as_f64(positives) + 2.0);
        let low = 1.0 / (crate::counts::as_f64(negatives) + 2.0);
        let (mut slope, mut offset) = (
            0.0_f64,
            ((crate::counts::as_f64(negatives) + 1.0) / (crate::counts::as_f64(positives) + 1.0))
                .ln(),
        );
        for _ in 0..ITERATIONS {
            // Gradient and Hessian of the cross-entropy in (slope, offset).
            let (mut g_slope, mut g_offset) = (0.0, 0.0);
            let (mut h_ss, mut h_so, mut h_oo) = (1e-12, 0.0, 1e-12);
            for &(score, right) in held_out {
                let score = f64::from(score);
                let target = if right { high } else { low };
                let p = 1.0 / (1.0 + (slope * score + offset).exp());
                let d = target - p;
                let w = p * (1.0 - p);
                g_slope += score * d;
                g_offset += d;
                h_ss += score * score * w;
                h_so += score * w;
                h_oo += w;
            }
            let determinant = h_ss * h_oo - h_so * h_so;
            if determinant.abs() < 1e-18 {
                break;
            }
            let step_slope = (h_oo * g_slope - h_so * g_offset) / determinant;
            let step_offset = (h_ss * g_offset - h_so * g_slope) / determinant;
            slope -= step_slope;
            offset -= step_offset;
            if step_slope.abs() < 1e-9 && step_offset.abs() < 1e-9 {
                break;
            }
        }
        if slope.is_finite() && offset.is_finite() && slope < 0.0 {
            Self { slope, offset }
        } else {
            Self::default()
        }
    }

    /// The score that gives `confidence` (0 to 1); minus infinity for 0, plus infinity for 1.
    #[allow(clippy::cast_possible_truncation)]
    pub fn score_at(&self, confidence: f32) -> f32 {
        let confidence = f64::from(confidence);
        // confidence = 1 / (1 + e^(slope * score + offset)) solved for the score.
        let score = (((1.0 - confidence) / confidence).ln() - self.offset) / self.slope;
        score as f32
    }

    /// The confidence, 0 to 1, of a score.
    #[allow(clippy::cast_possible_truncation)]
    pub fn confidence(&self, score: f32) -> f32 {
        (1.0 / (1.0 + (self.slope * f64::from(score) + self.offset).exp())) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_scores_read_as_more_confident_and_match_how_often_they_were_right() {
        // Right 1 in 5 times at a score of -1, 4 in 5 at +1.
        let mut held_out = Vec::new();
        for index in 0..100 {
            held_out.push((-1.0, index % 5 == 0));
            held_out.push((1.0, index % 5 != 0));
        }
        let calibration = Calibration::fit(&held_out);
        assert!((calibration.confidence(-1.0) - 0.2).abs() < 0.02);
        assert!((calibration.confidence(1.0) - 0.8).abs() < 0.02);
        assert!(calibration.confidence(0.5) < calibration.confidence(0.6));
        let even_odds = calibration.score_at(0.5);
        assert!((calibration.confidence(even_odds) - 0.5).abs() < 1e-4);
        assert_eq!(calibration.score_at(0.0), f32::NEG_INFINITY);
    }

    #[test]
    fn one_sided_evidence_keeps_the_default() {
        assert_eq!(Calibration::fit(&[(1.0, true)]), Calibration::default());
        assert!((Calibration::default().confidence(0.0) - 0.5).abs() < 1e-6);
    }
}
