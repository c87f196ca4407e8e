//! How long-running work reports progress and is asked to stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Shared progress of one job: a fraction done and a cancel flag, cheap to clone across threads.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Fraction done in millionths, so it fits an atomic integer.
    done_millionths: Arc<AtomicU32>,
    cancelled: Arc<AtomicBool>,
}

impl Progress {
    /// A fresh progress at zero, not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records how much is done, from 0.0 to 1.0.
    pub fn set_fraction(&self, fraction: f32) {
        let clamped = fraction.clamp(0.0, 1.0);
        // Rounded millionths of a clamped fraction always fit a u32.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let millionths = (clamped * 1_000_000.0).round() as u32;
        self.done_millionths.store(millionths, Ordering::Relaxed);
    }

    /// How much is done, from 0.0 to 1.0.
    pub fn fraction(&self) -> f32 {
        #[allow(clippy::cast_precision_loss)]
        let done = self.done_millionths.load(Ordering::Relaxed) as f32;
        done / 1_000_000.0
    }

    /// Asks the work to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the work has been asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fraction_is_clamped_and_shared_between_clones() {
        let progress = Progress::new();
        let seen_by_worker = progress.clone();
        seen_by_worker.set_fraction(1.7);
        assert!((progress.fraction() - 1.0).abs() < f32::EPSILON);
        seen_by_worker.set_fraction(0.25);
        assert!((progress.fraction() - 0.25).abs() < 1e-6);
    }

    #[test]
    fn cancel_is_seen_by_clones() {
        let progress = Progress::new();
        let seen_by_worker = progress.clone();
        assert!(!seen_by_worker.is_cancelled());
        progress.cancel();
        assert!(seen_by_worker.is_cancelled());
    }
}
