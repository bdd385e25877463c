//! The one per-file driver of every subcommand that works file by file (`redact`, `review`, `scan`,
//! `verify`): the inputs over `--jobs` workers, one file per job (a worker that runs out steals
//! single files, so all end together), a progress bar on a terminal, and a panic caught per file, so
//! that one file never stops the batch. Results come back in input order, whatever finished first,
//! so what a subcommand prints or writes from them is deterministic. No PDF knowledge.

use crate::error::{Error, ErrorKind, Result};
use rayon::prelude::*;

/// Where a finished file's messages go: above the progress bar, never through it.
pub struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    /// Prints a line to stderr (the bar is redrawn below it).
    pub fn say(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }
}

/// How the files of a run are driven.
#[derive(Debug, Clone, Copy)]
pub struct Driver {
    /// Files processed at once (at least 1).
    pub jobs: usize,
    /// Draw a progress bar (on a terminal, more than one file).
    pub progress: bool,
    /// What the bar says it is doing (empty: nothing), e.g. the first of two passes.
    pub label: &'static str,
}

impl Driver {
    /// The same driver, its bar saying `label`.
    pub fn labelled(self, label: &'static str) -> Driver {
        Driver { label, ..self }
    }
}

impl Driver {
    /// Runs `job` on every item (with its index) and returns the results in item order. A job that
    /// panics gives `Err` of kind `Internal` for its item (no text of the panic, which may quote the
    /// document); `done` is called once per item as it finishes (in completion order), to report it.
    pub fn run<T, R, J, D>(&self, items: &[T], job: J, done: D) -> Result<Vec<Result<R>>>
    where
        T: Sync,
        R: Send,
        J: Fn(usize, &T) -> Result<R> + Sync,
        D: Fn(&T, &Result<R>, &Progress) + Sync,
    {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs.max(1))
            .build()
            .map_err(|e| Error::usage(e.to_string()))?;
        let bar = if self.progress && items.len() > 1 {
            let b = indicatif::ProgressBar::new(items.len() as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg}{bar:40} {pos}/{len} files  {elapsed_precise} (eta {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            if !self.label.is_empty() {
                b.set_message(format!("{} ", self.label));
            }
            b
        } else {
            indicatif::ProgressBar::hidden()
        };
        let progress = Progress { bar };
        let results = pool.install(|| {
            items
                .par_iter()
                .with_max_len(1)
                .enumerate()
                .map(|(k, item)| {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(k, item)))
                        .unwrap_or_else(|_| {
                            Err(Error::new(ErrorKind::Internal(
                                "the redactor panicked on this file".into(),
                            )))
                        });
                    done(item, &r, &progress);
                    progress.bar.inc(1);
                    r
                })
                .collect()
        });
        progress.bar.finish_and_clear();
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_in_order_and_a_panic_is_one_files_error() {
        let items: Vec<u32> = (0..40).collect();
        for jobs in [1, 2, 4] {
            let done = std::sync::atomic::AtomicUsize::new(0);
            let d = Driver {
                jobs,
                progress: false,
                label: "",
            };
            let out = d
                .run(
                    &items,
                    |k, &x| {
                        assert!(x != 7, "file 7 breaks");
                        Ok(k as u32 * 10 + x)
                    },
                    |_, _, _| {
                        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    },
                )
                .expect("runs");
            assert_eq!(done.into_inner(), 40);
            for (k, r) in out.iter().enumerate() {
                match r {
                    Ok(v) => assert_eq!(*v, k as u32 * 11, "jobs {jobs}"),
                    Err(e) => {
                        assert_eq!(k, 7, "jobs {jobs}");
                        assert_eq!(e.code(), "internal");
                        assert!(!e.to_string().contains("breaks"), "{e}");
                    }
                }
            }
            assert_eq!(out.iter().filter(|r| r.is_err()).count(), 1);
        }
    }
}
