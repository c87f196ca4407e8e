//! Counts (responses, comments, themes, files) as floating-point numbers, for percentages,
//! means, chart positions and progress: the one place that says why that conversion is safe.

/// A count as `f64`: exact for every count below 2^53, far beyond any survey.
#[allow(clippy::cast_precision_loss)]
pub fn as_f64(count: usize) -> f64 {
    count as f64
}

/// A count as `f32`, for sizes and shares on screen: exact below 2^24, and a rounded value is
/// still right to the pixel beyond it.
#[allow(clippy::cast_precision_loss)]
pub fn as_f32(count: usize) -> f32 {
    count as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_convert_exactly() {
        assert!((as_f64(600) - 600.0).abs() < f64::EPSILON);
        assert!((as_f32(12) - 12.0).abs() < f32::EPSILON);
    }
}
