//! How many threads a batch job uses: every batch function and setting in heatkit takes the same
//! `workers` (`None`: the default; `Some(n)`: exactly `n` threads).
//!
//! The default is every core, unless the `HEATKIT_WORKERS` environment variable gives a number
//! (`-1` or `all` for every core). A process that already runs one job per core (a Spark
//! executor, a Dask worker, a job pool) should set it to 1; the Python bindings do that
//! themselves when they find they are running inside one.
//!
//! ```
//! use heat_core::workers::{run_with, workers_from};
//! let on_two = workers_from(2).unwrap();
//! assert_eq!(on_two, Some(2));
//! assert_eq!(run_with(on_two, rayon::current_num_threads).unwrap(), 2);
//! ```

use std::sync::{Arc, Mutex};

use once_cell::sync::Lazy;
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::ArgumentError;

/// The environment variable that sets the default number of threads.
pub const WORKERS_ENV: &str = "HEATKIT_WORKERS";

/// The most threads a job may be given.
pub const MAX_WORKERS: usize = 1024;

const RANGE: &str = "-1 (all cores) or 1 to 1024";

/// The threads asked for by a number as users write it: `-1` every core, `1` to 1024 that many.
///
/// ```
/// use heat_core::workers::workers_from;
/// assert_eq!(workers_from(4).unwrap(), Some(4));
/// assert!(workers_from(-1).unwrap().unwrap() >= 1);
/// assert_eq!(workers_from(0).unwrap_err().to_string(), "workers must be -1 (all cores) or 1 to 1024, not 0");
/// ```
pub fn workers_from(value: i64) -> Result<Option<usize>, ArgumentError> {
    match value {
        -1 => Ok(Some(all_cores())),
        n if (1..=MAX_WORKERS as i64).contains(&n) => Ok(Some(n as usize)),
        n => Err(ArgumentError::out_of_range("workers", n, RANGE)),
    }
}

/// The default from `HEATKIT_WORKERS` (`None` when it is not set: every core). A value that is
/// not a number in range is an error naming the variable.
///
/// ```
/// // Not set here: every core.
/// assert_eq!(heat_core::workers::workers_from_env().unwrap(), None);
/// ```
pub fn workers_from_env() -> Result<Option<usize>, ArgumentError> {
    match std::env::var(WORKERS_ENV) {
        Err(_) => Ok(None),
        Ok(v) => parse_env(&v),
    }
}

fn parse_env(value: &str) -> Result<Option<usize>, ArgumentError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.eq_ignore_ascii_case("all") {
        return Ok(Some(all_cores()));
    }
    match v.parse::<i64>() {
        Ok(n) => workers_from(n).map_err(|_| ArgumentError::out_of_range(WORKERS_ENV, v, RANGE)),
        Err(_) => Err(ArgumentError::out_of_range(
            WORKERS_ENV,
            format!("{v:?}"),
            RANGE,
        )),
    }
}

fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Pools made so far, one per size (a process asks for few sizes; each is kept for reuse).
type Pools = Vec<(usize, Arc<ThreadPool>)>;
static POOLS: Lazy<Mutex<Pools>> = Lazy::new(|| Mutex::new(Vec::new()));

fn pool(threads: usize) -> Result<Arc<ThreadPool>, ArgumentError> {
    let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Ok(Arc::clone(p));
    }
    let p = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("heatkit-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| ArgumentError::Unusable {
            name: "workers".into(),
            reason: format!("cannot start {threads} threads: {e}"),
        })?;
    pools.push((threads, Arc::clone(&p)));
    Ok(p)
}

/// Runs `job` on `workers` threads: `Some(n)` exactly `n`, `None` the default
/// ([`workers_from_env`], else every core; inside another job, that job's threads). Everything
/// the job runs in parallel stays on those threads.
///
/// ```
/// use heat_core::workers::run_with;
/// assert_eq!(run_with(Some(1), rayon::current_num_threads).unwrap(), 1);
/// assert_eq!(run_with(None, || 6 * 7).unwrap(), 42);
/// ```
pub fn run_with<T: Send>(
    workers: Option<usize>,
    job: impl FnOnce() -> T + Send,
) -> Result<T, ArgumentError> {
    let threads = match workers {
        Some(n) => Some(n.clamp(1, MAX_WORKERS)),
        // Already on a pool's thread (a job inside a job): stay on that pool.
        None if rayon::current_thread_index().is_some() => None,
        None => workers_from_env()?,
    };
    match threads {
        // The default: rayon's own pool (every core), or the pool the caller is already in.
        None => Ok(job()),
        Some(n) if n == rayon::current_num_threads() => Ok(job()),
        Some(n) => Ok(pool(n)?.install(job)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_variable_is_read_strictly() {
        assert_eq!(parse_env("3").unwrap(), Some(3));
        assert_eq!(parse_env(" 1 ").unwrap(), Some(1));
        assert_eq!(parse_env("").unwrap(), None);
        assert_eq!(parse_env("ALL").unwrap(), Some(all_cores()));
        assert_eq!(parse_env("-1").unwrap(), Some(all_cores()));
        for bad in ["0", "1025", "two", "1.5"] {
            let e = parse_env(bad).unwrap_err();
            assert!(e.to_string().starts_with("HEATKIT_WORKERS must be "), "{e}");
        }
    }

    #[test]
    fn a_pool_is_made_once_per_size_and_jobs_stay_on_it() {
        let threads = |n| run_with(Some(n), rayon::current_num_threads).unwrap();
        assert_eq!((threads(3), threads(1), threads(3)), (3, 1, 3));
        // A job inside a job, with no number of its own, stays on the outer job's threads.
        let inner = run_with(Some(3), || {
            run_with(None, rayon::current_num_threads).unwrap()
        });
        assert_eq!(inner.unwrap(), 3);
        let pools = POOLS.lock().unwrap();
        assert_eq!(pools.iter().filter(|(n, _)| *n == 3).count(), 1);
    }
}
