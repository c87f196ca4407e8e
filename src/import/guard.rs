//! A boundary around the spreadsheet readers: a panic inside them on a malformed file (found by the
//! fuzz test in calamine's compound-file reader) becomes an error naming the file, not a crash.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::report::ImportError;

thread_local! {
    /// Whether this thread is inside [`guarded`], where a panic is reported as an error instead.
    static INSIDE_GUARD: Cell<bool> = const { Cell::new(false) };
}

/// Panics caught whose location is in this crate's own sources: bugs of ours, not a dependency's.
static OWN_PANICS: AtomicUsize = AtomicUsize::new(0);

/// How many panics in this crate's own code the import boundary has caught while the hook of
/// [`install_panic_hook`] was in place, so the fuzz test can fail on them; a panic in a
/// dependency's reader is only reported as a damaged file.
pub fn own_panics_caught() -> usize {
    OWN_PANICS.load(Ordering::Relaxed)
}

/// Installs the process-wide panic hook that keeps a dependency's panic inside the import
/// boundary quiet (it is reported once, as a damaged file) and counts panics in our own code
/// there. Programs call it once at start; a library must not change a process-wide hook itself.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Dependencies are built from absolute registry paths, this crate from `src/`.
        let ours = info
            .location()
            .is_some_and(|location| location.file().starts_with("src/"));
        let inside = INSIDE_GUARD.with(Cell::get);
        if ours && inside {
            OWN_PANICS.fetch_add(1, Ordering::Relaxed);
        }
        if ours || !inside {
            previous(info);
        }
    }));
}

/// Runs `read`, turning a panic inside it into [`ImportError::Corrupt`] for `path`.
///
/// # Errors
/// What `read` returns, or `Corrupt` when it panicked.
pub fn guarded<T>(
    path: &Path,
    read: impl FnOnce() -> Result<T, ImportError>,
) -> Result<T, ImportError> {
    let was_inside = INSIDE_GUARD.with(|inside| inside.replace(true));
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(read));
    INSIDE_GUARD.with(|inside| inside.set(was_inside));
    outcome.unwrap_or_else(|_| {
        Err(ImportError::Corrupt {
            path: path.to_owned(),
            detail: "its internal structure is invalid".to_owned(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_reader_becomes_a_damaged_file_error() {
        install_panic_hook();
        let outcome: Result<(), ImportError> =
            guarded(Path::new("odd.xls"), || panic!("reader bug"));
        let error = outcome.expect_err("caught");
        assert!(matches!(error, ImportError::Corrupt { .. }));
        assert!(error.to_string().ends_with("odd.xls"));
        assert_eq!(guarded(Path::new("fine.xls"), || Ok(3)).ok(), Some(3));
        assert!(
            own_panics_caught() >= 1,
            "a panic in src/ is counted as ours"
        );
    }
}
