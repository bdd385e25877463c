//! `--shard auto`: which share of a batch this run takes, read from the variables the scheduler that
//! started it sets. Pure: the environment comes in as a map (`config` snapshots the process's), so
//! every mapping and every refusal is tested without touching the process environment. Knows no PDF
//! and writes nothing; imports only `error`.
//!
//! Shares are numbered as `--shard K/N` numbers them, K from 1 to N (`batch::in_shard`):
//!
//! | scheduler                | index variable              | its numbering        | N from                          |
//! |--------------------------|-----------------------------|----------------------|---------------------------------|
//! | Kubernetes Indexed Job   | `JOB_COMPLETION_INDEX`      | 0 .. completions - 1 | `--shard-count`                 |
//! | Slurm job array          | `SLURM_ARRAY_TASK_ID`       | see below            | `SLURM_ARRAY_TASK_COUNT`        |
//! | AWS Batch array job      | `AWS_BATCH_JOB_ARRAY_INDEX` | 0 .. size - 1        | `--shard-count`                 |
//! | GNU parallel             | `PARALLEL_SEQ`              | 1 .. jobs            | `--shard-count`                 |
//!
//! Kubernetes, AWS Batch and GNU parallel do not tell a job how many jobs there are, so
//! `--shard-count` says it. Slurm does (`SLURM_ARRAY_TASK_COUNT`); a `--shard-count` given as well
//! must agree with it.
//!
//! # Decisions
//! - Slurm arrays need not start at 0 or 1 (`--array=5-12`) nor step by 1 (`--array=0-14:2`): the
//!   share is `(SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP + 1` (the step
//!   taken as 1 when Slurm does not set it), and `--array=1-8`, `0-7`, `5-12` and `0-14:2` all give
//!   shares 1 to 8. An array whose indices are not evenly spaced (`--array=1,2,5`: from its lowest to
//!   its highest index by its step is not its count) is refused in every task, since numbering its
//!   tasks by their index would leave shares unrun; so is a task without `SLURM_ARRAY_TASK_MIN`.
//! - Index variables of two schedulers at once (GNU parallel started inside a Slurm array task, say)
//!   are refused, never resolved by a precedence: which split was meant cannot be known, and a wrong
//!   guess runs some shares twice and others never. `--shard K/N` is the way out.
//! - A variable that is set but empty, not a plain whole number (`+1`, ` 1`, `1.0`), or out of range
//!   is refused: a scheduler misconfigured is an officer's mistake, refused loudly.
//!
//! # Errors
//! `ErrorKind::Shard` with a [`ShardProblem`] that names the variables concerned.

use crate::error::{Error, ErrorKind, Result, ShardProblem};
use std::collections::BTreeMap;

pub const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
pub const SLURM_ID: &str = "SLURM_ARRAY_TASK_ID";
pub const SLURM_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
pub const SLURM_MIN: &str = "SLURM_ARRAY_TASK_MIN";
pub const SLURM_MAX: &str = "SLURM_ARRAY_TASK_MAX";
pub const SLURM_STEP: &str = "SLURM_ARRAY_TASK_STEP";
pub const AWS_INDEX: &str = "AWS_BATCH_JOB_ARRAY_INDEX";
pub const PARALLEL_SEQ: &str = "PARALLEL_SEQ";

/// The index variable of each scheduler, in the order the error message names them, with the
/// scheduler's name.
pub const SCHEDULERS: [(&str, &str); 4] = [
    (K8S_INDEX, "a Kubernetes Indexed Job"),
    (SLURM_ID, "a Slurm job array"),
    (AWS_INDEX, "an AWS Batch array job"),
    (PARALLEL_SEQ, "GNU parallel"),
];

/// Every variable `--shard auto` reads (for the caller's snapshot of the environment).
pub const VARIABLES: [&str; 8] = [
    K8S_INDEX,
    SLURM_ID,
    SLURM_COUNT,
    SLURM_MIN,
    SLURM_MAX,
    SLURM_STEP,
    AWS_INDEX,
    PARALLEL_SEQ,
];

/// This run's share: `k` of `n` (1-based, as `--shard K/N`), and where it came from, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub k: u64,
    pub n: u64,
    /// e.g. `PARALLEL_SEQ=2 (GNU parallel), --shard-count 3`.
    pub from: String,
}

fn problem(p: ShardProblem) -> Error {
    Error::new(ErrorKind::Shard(p))
}

/// A variable's value as a whole number: ASCII digits only, nothing else (`None` when unset).
fn number(env: &BTreeMap<String, String>, var: &'static str) -> Result<Option<u64>> {
    let Some(v) = env.get(var) else {
        return Ok(None);
    };
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problem(ShardProblem::Malformed {
            var,
            value: v.clone(),
        }));
    }
    v.parse().map(Some).map_err(|_| {
        problem(ShardProblem::Malformed {
            var,
            value: v.clone(),
        })
    })
}

/// The share of `--shard auto` from the scheduler's variables in `env`; `count` is `--shard-count`.
pub fn from_env(env: &BTreeMap<String, String>, count: Option<u64>) -> Result<Share> {
    if count == Some(0) {
        return Err(problem(ShardProblem::BadCount));
    }
    let set: Vec<(&'static str, &'static str)> = SCHEDULERS
        .iter()
        .copied()
        .filter(|(v, _)| env.contains_key(*v))
        .collect();
    let (var, scheduler) = match set.as_slice() {
        [] => {
            return Err(problem(ShardProblem::NoScheduler {
                looked_for: SCHEDULERS.to_vec(),
            }))
        }
        [one] => *one,
        more => {
            return Err(problem(ShardProblem::Ambiguous {
                vars: more.iter().map(|(v, _)| *v).collect(),
            }))
        }
    };
    let value = number(env, var)?.expect("the variable is set (filtered above)");
    let count_of =
        |given: Option<u64>| given.ok_or_else(|| problem(ShardProblem::NoCount { scheduler }));
    let (k, n, from_count) = match var {
        K8S_INDEX | AWS_INDEX => (
            value.checked_add(1),
            count_of(count)?,
            format!("--shard-count {}", count.unwrap_or(0)),
        ),
        PARALLEL_SEQ => (
            Some(value),
            count_of(count)?,
            format!("--shard-count {}", count.unwrap_or(0)),
        ),
        _ => {
            let (k, n) = slurm(env, value, count)?;
            (Some(k), n, format!("{SLURM_COUNT}={n}"))
        }
    };
    match k {
        Some(k) if (1..=n).contains(&k) => Ok(Share {
            k,
            n,
            from: format!("{var}={value} ({scheduler}), {from_count}"),
        }),
        _ => Err(problem(ShardProblem::OutOfRange {
            var,
            value,
            shard: k.unwrap_or(u64::MAX),
            count: n,
        })),
    }
}

/// A Slurm array task's share and the count (see the module's decisions). `id` is the task's index.
fn slurm(env: &BTreeMap<String, String>, id: u64, given: Option<u64>) -> Result<(u64, u64)> {
    let n = match (number(env, SLURM_COUNT)?, given) {
        (Some(s), Some(g)) if s != g => {
            return Err(problem(ShardProblem::CountMismatch {
                var: SLURM_COUNT,
                scheduler: s,
                given: g,
            }))
        }
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => {
            return Err(problem(ShardProblem::NoCount {
                scheduler: "a Slurm job array",
            }))
        }
    };
    if n == 0 {
        return Err(problem(ShardProblem::Malformed {
            var: SLURM_COUNT,
            value: "0".into(),
        }));
    }
    let min = number(env, SLURM_MIN)?.ok_or_else(|| {
        problem(ShardProblem::Malformed {
            var: SLURM_MIN,
            value: String::new(),
        })
    })?;
    let max = number(env, SLURM_MAX)?;
    let step = number(env, SLURM_STEP)?.unwrap_or(1);
    let uneven = || {
        problem(ShardProblem::UnevenArray {
            id,
            min,
            max,
            step,
            count: n,
        })
    };
    if step == 0 || id < min || !(id - min).is_multiple_of(step) {
        return Err(uneven());
    }
    if let Some(max) = max {
        if max < min || !(max - min).is_multiple_of(step) || (max - min) / step + 1 != n {
            return Err(uneven());
        }
    }
    Ok(((id - min) / step + 1, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Variables set, as rows of the tables below.
    type Vars = &'static [(&'static str, &'static str)];

    fn env(vars: &[(&str, &str)]) -> BTreeMap<String, String> {
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn share(vars: &[(&str, &str)], count: Option<u64>) -> Result<(u64, u64)> {
        from_env(&env(vars), count).map(|s| (s.k, s.n))
    }

    fn refused(vars: &[(&str, &str)], count: Option<u64>) -> ShardProblem {
        match from_env(&env(vars), count) {
            Err(Error {
                kind: ErrorKind::Shard(p),
                ..
            }) => p,
            other => panic!("expected a shard problem for {vars:?}, got {other:?}"),
        }
    }

    /// Each scheduler's numbering mapped onto `--shard K/N`'s 1..=N: first, last, and a middle task.
    #[test]
    fn each_scheduler_maps_onto_one_based_shares() {
        let rows: &[(Vars, Option<u64>, (u64, u64))] = &[
            // Kubernetes: 0-based completion index.
            (&[("JOB_COMPLETION_INDEX", "0")], Some(8), (1, 8)),
            (&[("JOB_COMPLETION_INDEX", "3")], Some(8), (4, 8)),
            (&[("JOB_COMPLETION_INDEX", "7")], Some(8), (8, 8)),
            // AWS Batch: 0-based array index.
            (&[("AWS_BATCH_JOB_ARRAY_INDEX", "0")], Some(3), (1, 3)),
            (&[("AWS_BATCH_JOB_ARRAY_INDEX", "2")], Some(3), (3, 3)),
            // GNU parallel: 1-based job sequence number.
            (&[("PARALLEL_SEQ", "1")], Some(3), (1, 3)),
            (&[("PARALLEL_SEQ", "3")], Some(3), (3, 3)),
            // Slurm --array=1-8.
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_MAX", "8"),
                    ("SLURM_ARRAY_TASK_STEP", "1"),
                ],
                None,
                (1, 8),
            ),
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "8"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_MAX", "8"),
                ],
                None,
                (8, 8),
            ),
            // Slurm --array=0-7.
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "0"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                    ("SLURM_ARRAY_TASK_MIN", "0"),
                    ("SLURM_ARRAY_TASK_MAX", "7"),
                ],
                None,
                (1, 8),
            ),
            // Slurm --array=5-12 (not starting at 0 or 1), with a matching --shard-count.
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "12"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                    ("SLURM_ARRAY_TASK_MIN", "5"),
                    ("SLURM_ARRAY_TASK_MAX", "12"),
                ],
                Some(8),
                (8, 8),
            ),
            // Slurm --array=0-14:2 (a step).
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "6"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                    ("SLURM_ARRAY_TASK_MIN", "0"),
                    ("SLURM_ARRAY_TASK_MAX", "14"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                ],
                None,
                (4, 8),
            ),
            // Other variables of other tools (not index variables) are no ambiguity.
            (
                &[
                    ("PARALLEL_SEQ", "2"),
                    ("PARALLEL_PID", "99"),
                    ("SLURM_JOB_ID", "7"),
                ],
                Some(2),
                (2, 2),
            ),
        ];
        for (vars, count, want) in rows {
            assert_eq!(share(vars, *count).ok(), Some(*want), "{vars:?} {count:?}");
        }
    }

    /// The shares of every task of an array are 1..=N, each once.
    #[test]
    fn every_task_of_an_array_takes_a_different_share() {
        let mut got: Vec<u64> = (3..=17)
            .step_by(2)
            .map(|id| {
                let id = id.to_string();
                share(
                    &[
                        ("SLURM_ARRAY_TASK_ID", id.as_str()),
                        ("SLURM_ARRAY_TASK_COUNT", "8"),
                        ("SLURM_ARRAY_TASK_MIN", "3"),
                        ("SLURM_ARRAY_TASK_MAX", "17"),
                        ("SLURM_ARRAY_TASK_STEP", "2"),
                    ],
                    None,
                )
                .expect("a share")
                .0
            })
            .collect();
        got.sort_unstable();
        assert_eq!(got, (1..=8).collect::<Vec<u64>>());
    }

    #[test]
    fn no_scheduler_names_every_variable_looked_for() {
        let p = refused(&[("HOME", "/root")], Some(3));
        assert_eq!(
            p,
            ShardProblem::NoScheduler {
                looked_for: vec![
                    ("JOB_COMPLETION_INDEX", "a Kubernetes Indexed Job"),
                    ("SLURM_ARRAY_TASK_ID", "a Slurm job array"),
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "an AWS Batch array job"),
                    ("PARALLEL_SEQ", "GNU parallel")
                ]
            }
        );
        let msg = p.to_string();
        for v in VARIABLES
            .iter()
            .filter(|v| SCHEDULERS.iter().any(|(s, _)| s == *v))
        {
            assert!(msg.contains(v), "{msg}");
        }
        assert!(msg.contains("--shard K/N"), "{msg}");
    }

    #[test]
    fn two_schedulers_at_once_are_refused() {
        assert_eq!(
            refused(
                &[
                    ("PARALLEL_SEQ", "1"),
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "2"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                ],
                Some(2)
            ),
            ShardProblem::Ambiguous {
                vars: vec!["SLURM_ARRAY_TASK_ID", "PARALLEL_SEQ"]
            }
        );
        assert!(matches!(
            refused(
                &[
                    ("JOB_COMPLETION_INDEX", "0"),
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "0")
                ],
                Some(2)
            ),
            ShardProblem::Ambiguous { .. }
        ));
    }

    #[test]
    fn malformed_values_are_refused_not_absorbed() {
        for bad in [
            "",
            " 1",
            "1 ",
            "+1",
            "-1",
            "1.0",
            "one",
            "0x1",
            "99999999999999999999999",
        ] {
            for var in [
                "JOB_COMPLETION_INDEX",
                "AWS_BATCH_JOB_ARRAY_INDEX",
                "PARALLEL_SEQ",
            ] {
                assert_eq!(
                    refused(&[(var, bad)], Some(3)),
                    ShardProblem::Malformed {
                        var,
                        value: bad.to_string()
                    },
                    "{var}={bad:?}"
                );
            }
        }
        // Slurm's count and lowest index are numbers too.
        assert_eq!(
            refused(
                &[
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "x"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                ],
                None
            ),
            ShardProblem::Malformed {
                var: "SLURM_ARRAY_TASK_COUNT",
                value: "x".into()
            }
        );
        assert!(matches!(
            refused(
                &[
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "2")
                ],
                None
            ),
            ShardProblem::Malformed {
                var: "SLURM_ARRAY_TASK_MIN",
                ..
            }
        ));
    }

    #[test]
    fn out_of_range_is_refused() {
        let rows: &[(Vars, Option<u64>, u64)] = &[
            (&[("JOB_COMPLETION_INDEX", "3")], Some(3), 4),
            (&[("AWS_BATCH_JOB_ARRAY_INDEX", "5")], Some(3), 6),
            (&[("PARALLEL_SEQ", "4")], Some(3), 4),
            (&[("PARALLEL_SEQ", "0")], Some(3), 0),
            (
                &[("JOB_COMPLETION_INDEX", "18446744073709551615")],
                Some(3),
                u64::MAX,
            ),
        ];
        for (vars, count, shard) in rows {
            match refused(vars, *count) {
                ShardProblem::OutOfRange {
                    shard: s, count: n, ..
                } => {
                    assert_eq!((s, Some(n)), (*shard, *count), "{vars:?}")
                }
                p => panic!("{vars:?}: {p:?}"),
            }
        }
        let msg = refused(&[("PARALLEL_SEQ", "4")], Some(3)).to_string();
        assert!(
            msg.contains("PARALLEL_SEQ=4") && msg.contains("1 to 3"),
            "{msg}"
        );
    }

    #[test]
    fn a_missing_or_contradicting_count_is_refused() {
        for var in [
            "JOB_COMPLETION_INDEX",
            "AWS_BATCH_JOB_ARRAY_INDEX",
            "PARALLEL_SEQ",
        ] {
            let p = refused(&[(var, "1")], None);
            assert!(matches!(p, ShardProblem::NoCount { .. }), "{var}: {p:?}");
            assert!(p.to_string().contains("--shard-count"), "{p}");
        }
        assert!(matches!(
            refused(
                &[("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "1")],
                None
            ),
            ShardProblem::NoCount { .. }
        ));
        assert_eq!(
            refused(
                &[
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                ],
                Some(4)
            ),
            ShardProblem::CountMismatch {
                var: "SLURM_ARRAY_TASK_COUNT",
                scheduler: 8,
                given: 4
            }
        );
        assert_eq!(
            refused(&[("PARALLEL_SEQ", "1")], Some(0)),
            ShardProblem::BadCount
        );
    }

    /// `--array=1,2,5` (count 3, lowest 1, highest 5) and a task off its step are refused in every
    /// task; so is an index below the lowest.
    #[test]
    fn uneven_slurm_arrays_are_refused() {
        for (id, step) in [("1", None), ("2", None), ("5", None), ("5", Some("1"))] {
            let mut vars = vec![
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_MAX", "5"),
            ];
            if let Some(s) = step {
                vars.push(("SLURM_ARRAY_TASK_STEP", s));
            }
            assert!(
                matches!(refused(&vars, None), ShardProblem::UnevenArray { .. }),
                "{vars:?}"
            );
        }
        for (id, min, step) in [("3", "0", "2"), ("0", "1", "1"), ("2", "0", "0")] {
            assert!(matches!(
                refused(
                    &[
                        ("SLURM_ARRAY_TASK_ID", id),
                        ("SLURM_ARRAY_TASK_COUNT", "4"),
                        ("SLURM_ARRAY_TASK_MIN", min),
                        ("SLURM_ARRAY_TASK_STEP", step),
                    ],
                    None
                ),
                ShardProblem::UnevenArray { .. }
            ));
        }
        // Without SLURM_ARRAY_TASK_MAX the count bounds the share.
        assert!(matches!(
            refused(
                &[
                    ("SLURM_ARRAY_TASK_ID", "9"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                ],
                None
            ),
            ShardProblem::OutOfRange { shard: 9, .. }
        ));
    }

    #[test]
    fn the_share_says_where_it_came_from() {
        let s = from_env(&env(&[("PARALLEL_SEQ", "2")]), Some(3)).expect("share");
        assert_eq!(s.from, "PARALLEL_SEQ=2 (GNU parallel), --shard-count 3");
    }
}
