//! Scale-out on the schedulers officers' IT runs: `--shard auto` taking its share from the scheduler's
//! variables, three shards at once under GNU parallel into one output folder, and `merge-logs` over
//! them giving what one run gives. (The mapping of each scheduler's variables is unit-tested in
//! `src/shard.rs`; here the binary reads them from its environment.)

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The index variables of every scheduler `--shard auto` reads, and Slurm's others: removed from a
/// child's environment, so that a test run inside a Slurm job or a Kubernetes pod stays what it says.
const SCHEDULER_VARS: [&str; 8] = [
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "PARALLEL_SEQ",
];

fn clean(mut c: Command) -> Command {
    for v in SCHEDULER_VARS {
        c.env_remove(v);
    }
    c
}

/// The binary run with only `vars` of the schedulers' variables set.
fn run_env(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut c = clean(Command::new(bin()));
    c.args(args).envs(vars.iter().copied());
    c.output().expect("the binary runs")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Nine inputs, in the top folder and two sub-folders: the text samples, some twice under other
/// names (enough that each of three shares gets some).
fn inputs(d: &Path) -> PathBuf {
    let inp = d.join("in");
    let samples = [
        "decision-part1-part2.pdf",
        "decision-part2-only.pdf",
        "letter-contact.pdf",
        "decision-midpage.pdf",
    ];
    // (Named so that each of three shares takes three: `in_shard` hashes the relative path.)
    for (i, dir) in ["", "one", "two/three"].iter().enumerate() {
        std::fs::create_dir_all(inp.join(dir)).expect("mkdir");
        for j in 0..3 {
            let f = samples[(i + j) % samples.len()];
            std::fs::copy(
                repo().join("samples").join(f),
                inp.join(dir).join(format!("{j}-{f}")),
            )
            .expect("copy");
        }
    }
    inp
}

/// Every file under `dir` by relative path, batch logs (`summary*`, `redactions.*`, `manifest*` in
/// the top folder) aside.
fn outputs(dir: &Path) -> Vec<(String, PathBuf)> {
    files_under(dir)
        .into_iter()
        .filter(|(n, _)| {
            n.contains('/')
                || !(n.starts_with("summary")
                    || n.starts_with("manifest")
                    || n.starts_with("redactions."))
        })
        .collect()
}

/// A JSON log without what depends on when or how long it ran (keys naming a time or a duration).
fn timeless(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !(["_at", "_ms", "_secs"].iter().any(|t| k.ends_with(t))
                        || ["elapsed", "duration", "seconds", "started", "ended"]
                            .contains(&k.as_str()))
                })
                .map(|(k, v)| (k.clone(), timeless(v)))
                .collect(),
        ),
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(timeless).collect()),
        v => v.clone(),
    }
}

/// The outputs of two runs are the same: every PDF (and every other file) byte for byte, every
/// JSON log field by field, times aside.
fn assert_same_outputs(want: &Path, got: &Path) {
    let (w, g) = (outputs(want), outputs(got));
    assert_eq!(
        w.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        g.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "the same files"
    );
    assert!(w.iter().any(|(n, _)| n.ends_with(".pdf")), "{w:?}");
    for ((n, a), (_, b)) in w.iter().zip(&g) {
        if n.ends_with(".json") {
            assert_eq!(timeless(&read_json(a)), timeless(&read_json(b)), "{n}");
        } else {
            assert!(
                std::fs::read(a).expect("read") == std::fs::read(b).expect("read"),
                "{n} differs from the single run's"
            );
        }
    }
}

/// Three shards run at once under GNU parallel (`--shard auto`: PARALLEL_SEQ) into one output
/// folder, then `merge-logs` into that folder: every output equals one unsharded run's, and the
/// merged schedule and summary equal its logs. Merging again changes nothing; a shard's logs missing
/// are refused.
#[test]
fn three_shards_under_gnu_parallel_equal_one_run() {
    if !require_tool("parallel") {
        return;
    }
    // moreutils has a `parallel` of its own, without PARALLEL_SEQ.
    let v = Command::new("parallel")
        .arg("--version")
        .output()
        .expect("runs");
    if !String::from_utf8_lossy(&v.stdout).contains("GNU parallel") {
        skip(
            REQUIRE_TOOLS,
            "`parallel` is not GNU parallel (moreutils'?)",
        );
        return;
    }
    let d = tempdir();
    let inp = inputs(d.path());
    let whole = d.path().join("whole");
    let o = run_env(
        &[
            "redact",
            inp.to_str().expect("utf8"),
            "--out",
            whole.to_str().expect("utf8"),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(summary(&whole)["files"], 9);

    let shared = d.path().join("shared");
    let joblog = d.path().join("joblog.tsv");
    let mut c = clean(Command::new("parallel"));
    // -N0: each of the three arguments starts a job but is not passed to it; the job's share comes
    // from PARALLEL_SEQ.
    c.args(["-N0", "-j3", "--joblog"])
        .arg(&joblog)
        .arg(bin())
        .args(["redact"])
        .arg(&inp)
        .arg("--out")
        .arg(&shared)
        .args([
            "--shard",
            "auto",
            "--shard-count",
            "3",
            "--quiet",
            ":::",
            "1",
            "2",
            "3",
        ]);
    let o = c.output().expect("parallel runs");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    for k in 1..=3 {
        assert!(
            err(&o).contains(&format!(
                "share {k}/3, from PARALLEL_SEQ={k} (GNU parallel)"
            )),
            "{}",
            err(&o)
        );
    }

    // The three ran at once: each started before any had ended (GNU parallel's job log: Seq, Host,
    // Starttime, JobRuntime, Send, Receive, Exitval, ...).
    let log = std::fs::read_to_string(&joblog).expect("joblog");
    let jobs: Vec<(f64, f64, i64)> = log
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let num = |i: usize| f[i].trim().parse::<f64>().expect("a number");
            (num(2), num(2) + num(3), num(6) as i64)
        })
        .collect();
    assert_eq!(jobs.len(), 3, "{log}");
    assert!(jobs.iter().all(|j| j.2 == 0), "{log}");
    let last_start = jobs.iter().map(|j| j.0).fold(f64::MIN, f64::max);
    let first_end = jobs.iter().map(|j| j.1).fold(f64::MAX, f64::min);
    assert!(last_start < first_end, "the shards did not overlap: {log}");

    // Each shard wrote its own logs, took some inputs, and together they took each input once.
    let mut seen: Vec<String> = Vec::new();
    for k in 1..=3 {
        let s = read_json(&shared.join(format!("summary.shard-{k}-of-3.json")));
        let files: Vec<String> = s["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["file"].as_str().expect("file").to_string())
            .collect();
        assert!(!files.is_empty(), "shard {k} took no input");
        seen.extend(files);
    }
    seen.sort();
    let mut all: Vec<String> = summary(&whole)["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["file"].as_str().expect("file").to_string())
        .collect();
    all.sort();
    assert_eq!(seen, all);
    // No shard's temporary file is left (none was taken from under another's feet).
    assert!(
        !outputs(&shared).iter().any(|(n, _)| n.ends_with(".tmp")),
        "{:?}",
        outputs(&shared)
    );
    assert_same_outputs(&whole, &shared);

    // Merged into the shared folder itself, as the README's recipes do; and again.
    for round in 0..2 {
        run_ok(&[
            "merge-logs",
            shared.to_str().expect("utf8"),
            "--out",
            shared.to_str().expect("utf8"),
        ]);
        assert_eq!(
            std::fs::read_to_string(shared.join("redactions.csv")).expect("csv"),
            std::fs::read_to_string(whole.join("redactions.csv")).expect("csv"),
            "the merged schedule (round {round})"
        );
        assert_eq!(
            timeless(&summary(&shared)),
            timeless(&summary(&whole)),
            "the merged summary (round {round})"
        );
    }
    assert!(summary(&whole)["redactions"].as_u64() > Some(20));

    // A shard's logs missing (a job not run, or still running): refused, nothing merged.
    std::fs::remove_file(shared.join("summary.shard-2-of-3.json")).expect("rm");
    let merged = d.path().join("merged");
    let o = run(&[
        "merge-logs",
        shared.to_str().expect("utf8"),
        "--out",
        merged.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("summary.shard-2-of-3.json"), "{}", err(&o));
    assert!(!merged.exists());
}

/// `--shard auto` from the binary's environment: a share taken from a scheduler's variable, and
/// each refusal (exit 2, nothing written) naming the variables concerned.
#[test]
fn shard_auto_reads_the_schedulers_variables() {
    let d = tempdir();
    let inp = d.path().join("in");
    std::fs::create_dir_all(&inp).expect("mkdir");
    std::fs::copy(
        repo().join("samples/letter-contact.pdf"),
        inp.join("letter-contact.pdf"),
    )
    .expect("copy");
    let out = d.path().join("out");
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut v = vec![
            "redact".to_string(),
            inp.to_string_lossy().into_owned(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
            "--shard".into(),
            "auto".into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    type Vars = &'static [(&'static str, &'static str)];
    let refusals: &[(Vars, &[&str], &[&str])] = &[
        // (variables, extra arguments, what the message must name)
        (
            &[],
            &["--shard-count", "2"],
            &[
                "JOB_COMPLETION_INDEX",
                "SLURM_ARRAY_TASK_ID",
                "AWS_BATCH_JOB_ARRAY_INDEX",
                "PARALLEL_SEQ",
            ],
        ),
        (
            &[("PARALLEL_SEQ", "3")],
            &["--shard-count", "2"],
            &["PARALLEL_SEQ=3"],
        ),
        (
            &[("JOB_COMPLETION_INDEX", "x1")],
            &["--shard-count", "2"],
            &["JOB_COMPLETION_INDEX"],
        ),
        (
            &[("AWS_BATCH_JOB_ARRAY_INDEX", "0")],
            &[],
            &["--shard-count"],
        ),
        (
            &[("PARALLEL_SEQ", "1"), ("JOB_COMPLETION_INDEX", "0")],
            &["--shard-count", "2"],
            &["PARALLEL_SEQ", "JOB_COMPLETION_INDEX"],
        ),
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "5"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_MAX", "5"),
            ],
            &[],
            &["Slurm array task 5"],
        ),
    ];
    for (vars, extra, names) in refusals {
        let a = args(extra);
        let o = run_env(&a.iter().map(String::as_str).collect::<Vec<_>>(), vars);
        assert_eq!(o.status.code(), Some(2), "{vars:?}: {}", err(&o));
        for n in *names {
            assert!(err(&o).contains(n), "{vars:?}: {}", err(&o));
        }
        assert!(!out.exists(), "{vars:?}: nothing is written");
    }
    // --shard-count with a share given is a contradiction.
    let o = run_env(
        &[
            "redact",
            inp.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
            "--shard",
            "1/2",
            "--shard-count",
            "2",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(!out.exists());

    // A Slurm array --array=4-5: task 5 is share 2 of 2, and its logs are named so.
    let a = args(&[]);
    let o = run_env(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("SLURM_ARRAY_TASK_MIN", "4"),
            ("SLURM_ARRAY_TASK_MAX", "5"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("share 2/2"), "{}", err(&o));
    assert!(out.join("summary.shard-2-of-2.json").exists());
    assert!(!out.join("summary.json").exists());
}
