//! How long-running work reports progress and is asked to stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Shared progress of one job: a fraction done and a cancel flag, cheap to clone across threads.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Fraction done in millionths, so it fits an atomic integer.
    done_millionths: Arc<AtomicU32>,
    cancelled: Arc<AtomicBool>,
    /// The share of the whole job this handle reports on: fractions given to it map onto
    /// `start..start + width` of the shared total.
    start: f32,
    width: f32,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            done_millionths: Arc::default(),
            cancelled: Arc::default(),
            start: 0.0,
            width: 1.0,
        }
    }
}

impl Progress {
    /// A fresh progress at zero, not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// A handle for one step of the job, taking `width` of this handle's range from `start`
    /// (both fractions of it): its 0.0 to 1.0 moves the shared total along that stretch only,
    /// so the bar does not run to the end once per step. Cancelling is shared.
    pub fn step(&self, start: f32, width: f32) -> Self {
        Self {
            done_millionths: Arc::clone(&self.done_millionths),
            cancelled: Arc::clone(&self.cancelled),
            start: self.start + self.width * start.clamp(0.0, 1.0),
            width: self.width * width.clamp(0.0, 1.0),
        }
    }

    /// Records how much of this step is done, from 0.0 to 1.0.
    pub fn set_fraction(&self, fraction: f32) {
        let clamped = (self.start + self.width * fraction.clamp(0.0, 1.0)).clamp(0.0, 1.0);
        // Rounded millionths of a clamped fraction always fit a u32.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let millionths = (clamped * 1_000_000.0).round() as u32;
        self.done_millionths.store(millionths, Ordering::Relaxed);
    }

    /// Records how much of this step is done as `done` of `total` units (bytes, rows ...).
    pub fn set_done_of(&self, done: u64, total: u64) {
        // Counts of bytes or comments; f32's precision is plenty for a progress bar.
        #[allow(clippy::cast_precision_loss)]
        self.set_fraction(done as f32 / total.max(1) as f32);
    }

    /// How much of the whole job is done, from 0.0 to 1.0.
    pub fn fraction(&self) -> f32 {
        // At most a million millionths, exact in f32.
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
    fn steps_move_their_own_stretch_of_the_total() {
        let progress = Progress::new();
        let reading = progress.step(0.0, 0.4);
        let tagging = progress.step(0.4, 0.5);
        reading.set_fraction(0.5);
        assert!((progress.fraction() - 0.2).abs() < 1e-6);
        reading.step(0.5, 0.5).set_fraction(1.0);
        assert!((progress.fraction() - 0.4).abs() < 1e-6);
        tagging.set_fraction(1.0);
        assert!((progress.fraction() - 0.9).abs() < 1e-6);
        tagging.cancel();
        assert!(progress.is_cancelled());
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
