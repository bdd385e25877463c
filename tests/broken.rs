//! Broken, hostile and enormous inputs (`samples/broken/`, made by `samples/broken/make_broken.py`):
//! every one gets an output or a clear reason, never a panic, a hang or a partial output.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn broken_dir() -> PathBuf {
    repo().join("samples/broken")
}

/// The broken samples, sorted by name.
fn broken_pdfs() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(broken_dir())
        .expect("samples/broken exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.to_ascii_lowercase().ends_with(".pdf"))
        .collect();
    v.sort();
    v
}

/// Every file under `dir` (recursively) whose name looks like one of the writer's temporary files.
fn leftover_tmp(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if name.starts_with(".foiredact-") && name.ends_with(".tmp") {
                found.push(p);
            }
        }
    }
    found
}

fn redact(input: &Path, out: &Path) -> (std::process::Output, Duration) {
    let t = Instant::now();
    let o = run(&[
        "redact",
        input.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--quiet",
    ]);
    (o, t.elapsed())
}

#[test]
fn every_broken_input_gets_an_answer() {
    let pdfs = broken_pdfs();
    assert!(
        pdfs.len() >= 9,
        "samples/broken holds the broken inputs (python3 samples/broken/make_broken.py): {pdfs:?}"
    );
    let d = tempdir();
    let out = d.path().join("out");
    let (o, took) = redact(&broken_dir(), &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        took < Duration::from_secs(60),
        "the broken samples took {took:?} (a hang?)"
    );
    assert_eq!(o.status.code(), Some(1), "exit code; stderr: {stderr}");
    let s = summary(&out);
    assert_eq!(
        s["files"].as_u64(),
        Some(pdfs.len() as u64),
        "every input is counted"
    );
    let mut problems = Vec::new();
    for name in &pdfs {
        let Some(r) = result(&s, name) else {
            problems.push(format!("{name}: not in summary.json"));
            continue;
        };
        let status = r["status"].as_str().unwrap_or_default();
        let error = r["error"].as_str().unwrap_or_default();
        let reason = r["reason"].as_str().unwrap_or_default();
        let outputs: Vec<&str> = r["outputs"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        if error == "internal" {
            problems.push(format!("{name}: a caught panic: {reason}"));
        }
        match status {
            "declined" | "failed" => {
                if reason.trim().is_empty() {
                    problems.push(format!("{name}: {status} without a reason"));
                }
                if error.is_empty() {
                    problems.push(format!("{name}: {status} without an error code"));
                }
                if !outputs.is_empty() {
                    problems.push(format!("{name}: {status} but lists outputs {outputs:?}"));
                }
                let stem = name.trim_end_matches(".pdf");
                for suffix in ["part1.pdf", "part2.pdf", "redactions.json"] {
                    if out.join(format!("{stem}.{suffix}")).exists() {
                        problems.push(format!("{name}: {status} but {stem}.{suffix} was written"));
                    }
                }
            }
            "done" => {
                // A legitimately repaired file: its outputs meet the tool's own standard.
                if outputs.is_empty() {
                    problems.push(format!("{name}: done without outputs"));
                }
                for f in &outputs {
                    let p = out.join(f);
                    match std::fs::read(&p) {
                        Err(e) => problems.push(format!("{name}: output {f} missing: {e}")),
                        Ok(b) if f.ends_with(".pdf") && !b.starts_with(b"%PDF-") => {
                            problems.push(format!("{name}: output {f} does not start with %PDF-"))
                        }
                        Ok(_) => {}
                    }
                }
            }
            other => problems.push(format!("{name}: unknown status {other:?}")),
        }
    }
    // Files that nothing can repair are never done, and say why in the expected terms.
    let must = [
        ("empty.pdf", "load"),
        ("not-a-pdf.pdf", "load"),
        ("wrong-password.pdf", "encrypted"),
    ];
    for (name, code) in must {
        if let Some(r) = result(&s, name) {
            if r["status"] != "declined" || r["error"] != code {
                problems.push(format!(
                    "{name}: want declined/{code}, got {}/{}: {}",
                    r["status"], r["error"], r["reason"]
                ));
            }
        }
    }
    for name in ["bomb.pdf", "truncated.pdf", "cyclic-xobject.pdf"] {
        if let Some(r) = result(&s, name) {
            if r["status"] == "done" {
                problems.push(format!("{name}: done, but it cannot be read whole"));
            }
        }
    }
    let tmp = leftover_tmp(&out);
    if !tmp.is_empty() {
        problems.push(format!("temporary files left behind: {tmp:?}"));
    }
    assert!(problems.is_empty(), "{problems:#?}\nstderr: {stderr}");
}

#[test]
fn decompression_bomb_is_declined_quickly() {
    let d = tempdir();
    let out = d.path().join("out");
    // The child's own CPU time and peak memory (wait4), not the wall clock: the same on a busy
    // machine, and a bomb inflated even in part would show in both.
    let (code, stderr, cpu, max_rss_kib) = redact_measured(&broken_dir().join("bomb.pdf"), &out);
    assert!(
        cpu < Duration::from_secs(10),
        "the 4 GiB bomb took {cpu:?} of CPU to decline (debug build)"
    );
    assert!(
        max_rss_kib < 1 << 20,
        "the 4 GiB bomb made the run grow to {max_rss_kib} KiB"
    );
    assert_eq!(code, Some(1), "{stderr}");
    let s = summary(&out);
    let r = result(&s, "bomb.pdf").expect("bomb.pdf in summary.json");
    assert_eq!(r["status"], "declined", "{r}");
    assert_eq!(r["error"], "limit", "declined as over a limit: {r}");
    let reason = r["reason"].as_str().unwrap_or_default().to_lowercase();
    assert!(
        reason.contains("more than"),
        "the reason names the limit: {reason}"
    );
    assert!(leftover_tmp(&out).is_empty());
}

/// `redact` of one input, with the exit code, stderr, and the child's CPU time (user + system) and
/// peak resident memory in KiB, as the kernel counted them for that process alone.
#[cfg(unix)]
#[allow(unsafe_code)] // wait4: the only way to one child's own rusage
#[allow(clippy::zombie_processes)] // (wait4 reaps it)
fn redact_measured(input: &Path, out: &Path) -> (Option<i32>, String, Duration, i64) {
    let err_path = out.with_extension("stderr");
    let child = std::process::Command::new(bin())
        .args([
            "redact",
            input.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
            "--quiet",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("runs");
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill; the pid is our own child's.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: wait4 on our own child, with valid pointers to the two out values.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(got, pid, "wait4 waited for the child");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    let cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    (code, stderr, cpu, ru.ru_maxrss)
}

/// Every limit has a flag: set low, it declines a good file with that limit named (exit 1, no output);
/// at its default the same file is done.
#[test]
fn every_limit_flag_declines_with_the_limit_named() {
    let sample = repo().join("samples/decision-part1-part2.pdf");
    let cases: &[(&[&str], &str)] = &[
        (&["--max-input-mb", "0"], "input is larger than"),
        (&["--max-stream-mb", "0"], "decodes to more than"),
        (
            &["--max-file-decompressed-mb", "0"],
            "--max-file-decompressed-mb",
        ),
        (&["--max-objects", "3"], "objects"),
        (&["--max-pages", "1"], "more than 1 pages"),
        (&["--max-operators", "3"], "too many operators"),
        (&["--max-glyphs", "5"], "glyphs on the page"),
        (&["--max-memory-mb", "1"], "memory limit of 1 MB"),
        (&["--time-limit", "1", "--max-form-depth", "0"], ""),
    ];
    let d = tempdir();
    for (k, (flags, named)) in cases.iter().enumerate() {
        let out = d.path().join(format!("o{k}"));
        let mut args = vec![
            "redact",
            sample.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
        ];
        args.extend_from_slice(flags);
        let o = run(&args);
        if named.is_empty() {
            // A form depth of 0 with no forms on the page changes nothing.
            assert_eq!(o.status.code(), Some(0), "{flags:?}");
            continue;
        }
        assert_eq!(o.status.code(), Some(1), "{flags:?}");
        let r = &summary(&out)["results"][0];
        let reason = r["reason"].as_str().expect("reason");
        assert!(
            r["status"] == "declined" && reason.contains("limit") && reason.contains(named),
            "{flags:?}: {reason}"
        );
        assert!(!out.join("decision-part1-part2.part1.pdf").exists());
    }
    let o = run(&[
        "redact",
        sample.to_str().expect("utf8"),
        "--out",
        d.path().join("default").to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
}

/// Files encrypted with an empty user password (RC4 40 and 128 bits, AES 128 and 256) open without a
/// password, are redacted, and are written unencrypted. Made with qpdf (skips without it).
#[test]
fn empty_password_encryption_of_every_kind_opens() {
    if !require_tool("qpdf") {
        return;
    }
    let d = tempdir();
    let src = repo().join("samples/letter-contact.pdf");
    let kinds: &[(&str, &[&str])] = &[
        ("rc4-40", &["40"]),
        ("rc4-128", &["128", "--use-aes=n"]),
        ("aes-128", &["128", "--use-aes=y"]),
        ("aes-256", &["256"]),
    ];
    for (name, args) in kinds {
        let enc = d.path().join(format!("{name}.pdf"));
        let mut cmd = std::process::Command::new("qpdf");
        if name.starts_with("rc4") {
            cmd.arg("--allow-weak-crypto");
        }
        cmd.args(["--encrypt", "", "owner-secret"])
            .args(*args)
            .arg("--")
            .arg(&src)
            .arg(&enc);
        let o = cmd.output().expect("qpdf");
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = d.path().join(format!("out-{name}"));
        run_ok(&[
            "redact",
            enc.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
        ]);
        let part1 = out.join(format!("{name}.part1.pdf"));
        let doc = lopdf::Document::load(&part1).expect("loads");
        assert!(!doc.is_encrypted(), "{name}: written unencrypted");
        assert!(doc.trailer.get(b"Encrypt").is_err(), "{name}");
        let redactions = summary(&out)["results"][0]["redactions"]
            .as_u64()
            .unwrap_or(0);
        assert!(redactions > 5, "{name}: redacted ({redactions})");
    }
}
