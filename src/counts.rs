//! Counts (responses, comments, themes, files) as floating-point numbers, for percentages,
//! means, chart positions and progress, and as 32-bit numbers, for lists held compactly: the one
//! place that says why those conversions are safe.

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

/// A count or position as `u32`, for lists held by the hundred thousand: no survey, cell or
/// codebook comes near 2^32, and an absurd one is clamped rather than failed.
pub fn as_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_convert_exactly() {
        assert!((as_f64(600) - 600.0).abs() < f64::EPSILON);
        assert!((as_f32(12) - 12.0).abs() < f32::EPSILON);
        assert_eq!(as_u32(70_000), 70_000);
        assert_eq!(as_u32(usize::MAX), u32::MAX);
    }
}
