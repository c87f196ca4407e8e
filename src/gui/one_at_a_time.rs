//! Work redone on another thread whenever what it reads changes, such as a search typed letter by
//! letter: one run at a time however fast the changes come, and only the latest result used.

/// The runs begun of one kind of background work, and whether one is under way.
#[derive(Debug, Default)]
pub struct OneAtATime {
    /// A run is under way.
    running: bool,
    /// Counts the runs begun and the ones given up: a run's result is used only if its number
    /// is still the latest.
    round: u64,
    /// What the run reads changed while it was under way.
    again: bool,
}

/// What to do with a run's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Use it: nothing changed while it ran.
    Latest,
    /// Drop it and run again: what it read changed while it ran.
    Again,
    /// Drop it: it was given up, and something newer stands.
    Stale,
}

impl OneAtATime {
    /// Whether a run is under way.
    pub fn running(&self) -> bool {
        self.running
    }

    /// Marks a run begun and gives its number, for [`OneAtATime::finished`]; `None` while one
    /// is under way, which is then told to run again when it is done.
    pub fn start(&mut self) -> Option<u64> {
        if self.running {
            self.again = true;
            return None;
        }
        self.round += 1;
        self.running = true;
        self.again = false;
        Some(self.round)
    }

    /// Marks the run numbered `round` done and says what to do with its result.
    pub fn finished(&mut self, round: u64) -> Finished {
        if !self.running || round != self.round {
            return Finished::Stale;
        }
        self.running = false;
        if std::mem::take(&mut self.again) {
            Finished::Again
        } else {
            Finished::Latest
        }
    }

    /// Gives up the run under way, if any: something newer was worked out without it.
    pub fn stop(&mut self) {
        self.running = false;
        self.again = false;
        self.round += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_during_a_run_runs_it_again_once_and_a_given_up_run_is_stale() {
        let mut runs = OneAtATime::default();
        let first = runs.start().expect("nothing under way");
        assert!(runs.running());
        assert_eq!(runs.start(), None);
        assert_eq!(runs.start(), None);
        assert_eq!(runs.finished(first), Finished::Again);
        assert!(!runs.running());

        let second = runs.start().expect("the first is done");
        assert_eq!(runs.finished(second), Finished::Latest);
        assert_eq!(runs.finished(second), Finished::Stale);

        let third = runs.start().expect("the second is done");
        runs.stop();
        assert!(!runs.running());
        assert_eq!(runs.finished(third), Finished::Stale);
        let fourth = runs.start().expect("the third was given up");
        assert_eq!(runs.finished(third), Finished::Stale);
        assert_eq!(runs.finished(fourth), Finished::Latest);
    }
}
