//! How many threads the heavy passes (tagging, the summary, filtering, training) use, and the
//! one way they share work among them.

use std::ops::Range;

/// The machine's cores, or 1 when that cannot be told.
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// `work` on `0..count` cut into one run per thread, each run on its own thread, the results
/// joined in order: the same as `work(0..count)` for any number of threads. A panic in a run
/// goes on as it would have on this thread.
pub fn in_runs<T: Send>(
    count: usize,
    threads: usize,
    work: impl Fn(Range<usize>) -> Vec<T> + Sync,
) -> Vec<T> {
    if threads < 2 || count < 2 {
        return work(0..count);
    }
    let run = count.div_ceil(threads);
    std::thread::scope(|scope| {
        let work = &work;
        let runs: Vec<_> = (0..count)
            .step_by(run)
            .map(|start| scope.spawn(move || work(start..(start + run).min(count))))
            .collect();
        runs.into_iter()
            .flat_map(|run| {
                run.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_joined_in_order_give_what_one_run_gives() {
        let square = |range: Range<usize>| range.map(|n| n * n).collect::<Vec<_>>();
        for count in [0, 1, 2, 7, 100] {
            for threads in [1, 2, 3, 8] {
                assert_eq!(
                    in_runs(count, threads, square),
                    square(0..count),
                    "{count} {threads}"
                );
            }
        }
    }
}
