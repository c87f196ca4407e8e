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

/// `work` on each item, on every core, the results in order.
pub fn map_on_every_core<I: Sync, T: Send>(items: &[I], work: impl Fn(&I) -> T + Sync) -> Vec<T> {
    in_runs(items.len(), available(), |run| {
        run.map(|index| work(&items[index])).collect()
    })
}

/// `work` on each of `0..count`, the threads taking the next number whenever they are free, the
/// results in order. For items that take unlike times (one model per label: a common label's
/// takes longer), where runs cut in advance would leave a thread idle.
pub fn one_by_one<T: Send>(
    count: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    if threads < 2 || count < 2 {
        return (0..count).map(work).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let (work, next) = (&work, &next);
        let threads: Vec<_> = (0..threads.min(count))
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let item = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if item >= count {
                            return done;
                        }
                        done.push((item, work(item)));
                    }
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_unstable_by_key(|(item, _)| *item);
    done.into_iter().map(|(_, result)| result).collect()
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
                assert_eq!(
                    one_by_one(count, threads, |n| n * n),
                    square(0..count),
                    "{count} {threads}"
                );
            }
        }
    }
}
