//! How many threads the heavy passes (tagging, the summary) use.

/// The machine's cores, or 1 when that cannot be told.
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}
