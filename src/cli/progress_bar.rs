//! A progress bar on stderr while a long command works, drawn from the [`Progress`] its steps
//! report to; nothing is drawn when stderr is not a terminal (a script, a pipe, a log file).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::progress::Progress;

/// How often the bar looks at the work's progress.
const REFRESH: Duration = Duration::from_millis(100);

/// Steps of the bar: the fraction done in thousandths.
const STEPS: u64 = 1_000;

/// A bar following one [`Progress`].
pub struct ProgressLine {
    bar: ProgressBar,
    finished: Arc<AtomicBool>,
    follower: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// Starts a bar following `progress`, unless `quiet` or stderr is not a terminal.
    pub fn start(progress: &Progress, quiet: bool) -> Option<Self> {
        if quiet || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::new(STEPS);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {percent:>3}% {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let finished = Arc::new(AtomicBool::new(false));
        let follower = {
            let (bar, finished, progress) = (bar.clone(), Arc::clone(&finished), progress.clone());
            std::thread::Builder::new()
                .name("progress bar".to_owned())
                .spawn(move || {
                    while !finished.load(Ordering::Relaxed) {
                        bar.set_position(thousandths(progress.fraction()));
                        std::thread::sleep(REFRESH);
                    }
                })
                .ok()
        };
        Some(Self {
            bar,
            finished,
            follower,
        })
    }

    /// Says what is being done now.
    pub fn stage(&self, message: String) {
        self.bar.set_message(message);
    }

    /// Prints with the bar taken off the screen meanwhile, so the two do not mix.
    pub fn suspend(&self, print: impl FnOnce()) {
        self.bar.suspend(print);
    }

    /// Takes the bar off the screen.
    pub fn finish(mut self) {
        self.finished.store(true, Ordering::Relaxed);
        if let Some(follower) = self.follower.take() {
            let _ = follower.join();
        }
        self.bar.finish_and_clear();
    }
}

/// A fraction as thousandths of the bar.
fn thousandths(fraction: f32) -> u64 {
    // A fraction of 0 to 1 times a thousand always fits.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let steps = (fraction.clamp(0.0, 1.0) * 1_000.0).round() as u64;
    steps
}
