//! Arguments become configuration once (`config`): the resume key is a hash of the resolved,
//! serialised configuration, rule file contents included; a rule source that cannot be read is an
//! error, never hashed as empty.

mod common;
use clap::Parser;
use common::*;
use foiredact::cli::{Cli, Command};
use foiredact::config::Redact;
use std::path::Path;

/// The resume key of `redact <dir>/in.pdf --out <dir>/out` with `extra` arguments.
fn key(dir: &Path, extra: &[&str]) -> Result<String, String> {
    let inp = dir.join("in.pdf");
    let out = dir.join("out");
    let mut args = vec![
        "foiredact".to_string(),
        "redact".into(),
        inp.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let Command::Redact(a) = Cli::try_parse_from(args).expect("parses").command else {
        panic!("not redact");
    };
    Redact::try_from(*a)
        .map(|r| r.batch.run_key)
        .map_err(|e| e.to_string())
}

const RULE: &str = r#"
[[rule]]
id = "case.ref"
category = "reference"
exemption = "s40(2)"
kind = "regex"
pattern = '\bZQ-\d{6}\b'
examples = ["Ref ZQ-123456 was"]
"#;

#[test]
fn the_resume_key_follows_contents_and_settings_that_shape_outputs() {
    let d = tempdir();
    let p = d.path();
    std::fs::write(p.join("in.pdf"), b"%PDF-1.4\n").expect("write");
    let terms = p.join("terms.txt");
    std::fs::write(&terms, "Quixote\n").expect("write");
    let rules = p.join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    std::fs::write(rules.join("extra.toml"), RULE).expect("write");
    let t = terms.to_str().expect("utf8");
    let r = rules.to_str().expect("utf8");
    let base = key(p, &["--terms", t, "--add-rules", r]).expect("key");
    assert_eq!(base.len(), 16, "{base}");
    // The same configuration, the same key; arguments that shape no output leave it alone.
    assert_eq!(
        key(p, &["--terms", t, "--add-rules", r]).as_ref(),
        Ok(&base)
    );
    assert_eq!(
        key(
            p,
            &["--terms", t, "--add-rules", r, "--jobs", "3", "--quiet"]
        )
        .as_ref(),
        Ok(&base)
    );
    // Resolved values, not the words typed: both bucket widths clamp to 100 ems.
    let b200 = key(p, &["--terms", t, "--add-rules", r, "--bucket-em", "200"]);
    let b100 = key(p, &["--terms", t, "--add-rules", r, "--bucket-em", "100"]);
    assert_eq!(b200, b100);
    assert_ne!(b100.as_ref(), Ok(&base));
    // Each setting that shapes outputs changes it.
    for extra in [
        &["--label", "category"][..],
        &["--layout", "exact"],
        &["--ocr", "never"],
        &["--keep-links"],
        &["--require-parts"],
        &["--allow-unreadable"],
        &["--log-text"],
        &["--keep-signatory"],
        &["--max-glyphs", "99"],
    ] {
        let mut a = vec!["--terms", t, "--add-rules", r];
        a.extend_from_slice(extra);
        assert_ne!(key(p, &a).as_ref(), Ok(&base), "{extra:?}");
    }
    // The contents of the terms and of a rule file change it; their paths alone do not matter.
    std::fs::write(&terms, "Quixote\nSancho Panza\n").expect("write");
    let more_terms = key(p, &["--terms", t, "--add-rules", r]).expect("key");
    assert_ne!(more_terms, base);
    std::fs::write(rules.join("extra.toml"), RULE.replace("ZQ", "ZR")).expect("write");
    let other_rule = key(p, &["--terms", t, "--add-rules", r]).expect("key");
    assert_ne!(other_rule, more_terms);
    // A data file beside the rules (a word list they may name) is part of the rules too.
    std::fs::write(rules.join("words.txt"), "alpha\n").expect("write");
    assert_ne!(
        key(p, &["--terms", t, "--add-rules", r]).as_ref(),
        Ok(&other_rule)
    );
}

#[test]
fn a_rule_source_that_cannot_be_read_is_an_error() {
    let d = tempdir();
    let p = d.path();
    std::fs::write(p.join("in.pdf"), b"%PDF-1.4\n").expect("write");
    let rules = p.join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    std::fs::write(rules.join("extra.toml"), RULE).expect("write");
    // A link to nothing in the rules folder: the old key skipped it (hashed as nothing).
    #[cfg(unix)]
    std::os::unix::fs::symlink(p.join("missing.txt"), rules.join("list.txt")).expect("symlink");
    let r = rules.to_str().expect("utf8");
    let e = key(p, &["--add-rules", r]).expect_err("an unreadable rule source is an error");
    assert!(e.contains("list.txt"), "{e}");
    // Through the binary: exit 2, nothing written.
    let out = p.join("out");
    let o = run(&[
        "redact",
        p.join("in.pdf").to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--add-rules",
        r,
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.join("summary.json").exists());
}
