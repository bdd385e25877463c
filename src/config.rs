//! Arguments become configuration, once: the rules a command uses, the pipeline's settings and
//! limits, and for `redact` the batch and publish configurations with the resume key. Everything a
//! subcommand needs from its arguments is resolved and checked here, so that an unreadable file or a
//! contradiction is one error (exit 2) before any work starts.
//!
//! The resume key (`--resume`: are an earlier run's outputs current?) is a hash of the resolved
//! configuration, serialised: the contents of every rule, data, terms and allow file in the order
//! they apply, and every setting that shapes an output. A file that cannot be read is an error, never
//! hashed as empty.

use crate::batch;
use crate::cli::{LabelArg, LayoutArg, LimitArgs, OcrArg, RedactArgs, RuleArgs, ShardArg};
use crate::error::{Error, ErrorKind, Result, ShardProblem};
use crate::model::LabelMode;
use crate::pipeline::{OcrMode, Settings};
use crate::plan::Layout;
use crate::rules::RuleSet;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Loads `--rules` (or the defaults), `--add-rules`, `--allow` and `--terms`. Rule files of the user's
/// have their examples run, as `rules check` does (a failing one is an error); `--rules` says on
/// stderr what it leaves uncovered.
pub fn rules(a: &RuleArgs) -> Result<RuleSet> {
    let mut rs = if a.rules.is_empty() {
        RuleSet::defaults()?
    } else {
        RuleSet::from_paths(&a.rules)?
    };
    if !a.add_rules.is_empty() {
        rs.add(&a.add_rules)?;
    }
    if !a.rules.is_empty() || !a.add_rules.is_empty() {
        let fails = crate::detect::check_examples(&rs);
        if !fails.is_empty() {
            return Err(Error::usage(format!(
                "the rules' examples do not all pass (as `foiredact rules check` reports them):\n  {}",
                fails.join("\n  ")
            )));
        }
    }
    if !a.rules.is_empty() {
        eprintln!("foiredact: note: {}", replaced_rules_note(&rs)?);
    }
    rs.keep_signatory = a.keep_signatory;
    if let Some(f) = &a.allow {
        rs.add_allow(&f.display().to_string(), &read_rule_file(f)?)?;
    }
    if let Some(t) = &a.terms {
        rs.add_terms(&t.display().to_string(), &read_rule_file(t)?)?;
    }
    Ok(rs)
}

fn read_rule_file(f: &Path) -> Result<String> {
    std::fs::read_to_string(f).map_err(|e| Error::rules(f.display().to_string(), 0, e.to_string()))
}

/// What `--rules` leaves out: the built-in rules' categories no rule of `rs` covers (and the Part
/// headings, without section rules).
pub fn replaced_rules_note(rs: &RuleSet) -> Result<String> {
    let defaults = RuleSet::defaults()?;
    let mut missing: Vec<&str> = defaults
        .rules
        .iter()
        .map(|r| r.category.as_str())
        .filter(|c| !rs.rules.iter().any(|r| r.category == *c))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "no rule now covers {} (personal data of these kinds is NOT redacted)",
            missing.join(", ")
        ));
    }
    if rs.sections.is_empty() {
        parts.push("no section rule finds Part headings (every document is all Part 1)".into());
    }
    Ok(format!(
        "--rules replaces the built-in rules{}; to add rules to them, use --add-rules",
        if parts.is_empty() {
            ": each of their categories is still covered".to_string()
        } else {
            format!(": {}", parts.join("; "))
        }
    ))
}

/// The pipeline's settings for a password and the limits given (the memory limit is set for the
/// process here: it is one for all files).
pub fn settings(password: Option<String>, l: &LimitArgs) -> Settings {
    let mut s = Settings {
        password,
        ..Default::default()
    };
    s.load.max_input_bytes = l.max_input_mb.saturating_mul(1 << 20);
    s.load.max_decompressed = l.max_stream_mb.saturating_mul(1 << 20);
    s.load.max_objects = l.max_objects;
    s.load.max_pages = l.max_pages;
    s.extract.max_stream_bytes = l.max_stream_mb.saturating_mul(1 << 20);
    s.extract.max_file_decoded = l.max_file_decompressed_mb.saturating_mul(1 << 20);
    s.extract.parse.max_ops = l.max_operators;
    s.extract.parse.max_depth = l.max_nesting;
    s.extract.max_form_depth = l.max_form_depth;
    s.extract.max_glyphs = l.max_glyphs;
    crate::memory::set_limit(if l.max_memory_mb == 0 {
        usize::MAX
    } else {
        l.max_memory_mb.saturating_mul(1 << 20)
    });
    s
}

pub fn ocr_mode(a: OcrArg) -> OcrMode {
    match a {
        OcrArg::Auto => OcrMode::Auto,
        OcrArg::Always => OcrMode::Always,
        OcrArg::Never => OcrMode::Never,
    }
}

/// The number of files processed at once: `--jobs`, else the number of cores.
pub fn jobs(j: Option<usize>) -> usize {
    j.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
    .max(1)
}

/// Whether to draw a progress bar: stderr is a terminal and `--quiet` was not given.
pub fn progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// The variables `--shard auto` reads (`shard::VARIABLES`), as the process has them: the one place
/// the scheduler's environment is read. A value that is not Unicode is kept (lossily), to be refused
/// as malformed rather than taken as unset.
pub fn scheduler_env() -> BTreeMap<String, String> {
    crate::shard::VARIABLES
        .iter()
        .filter_map(|v| {
            std::env::var_os(v).map(|x| (v.to_string(), x.to_string_lossy().into_owned()))
        })
        .collect()
}

/// `--shard` and `--shard-count` as the share taken (1-based, with where it came from); `env` holds
/// the scheduler's variables ([`scheduler_env`]).
pub fn shard(
    arg: Option<ShardArg>,
    count: Option<u64>,
    env: &BTreeMap<String, String>,
) -> Result<Option<crate::shard::Share>> {
    match (arg, count) {
        (None, None) => Ok(None),
        (None, Some(_)) | (Some(ShardArg::Fixed { .. }), Some(_)) => {
            Err(Error::new(ErrorKind::Shard(ShardProblem::BadCount)))
        }
        (Some(ShardArg::Fixed { k, n }), None) => Ok(Some(crate::shard::Share {
            k,
            n,
            from: format!("--shard {k}/{n}"),
        })),
        (Some(ShardArg::Auto), c) => crate::shard::from_env(env, c).map(Some),
    }
}

/// Everything `redact` runs with.
pub struct Redact {
    pub rules: RuleSet,
    pub batch: batch::Config,
    /// `--publish`: the release made after redacting.
    pub publish: Option<crate::publish::Config>,
}

impl TryFrom<RedactArgs> for Redact {
    type Error = Error;

    fn try_from(a: RedactArgs) -> Result<Redact> {
        let shard = shard(a.shard, a.shard_count, &scheduler_env())?;
        if let (Some(s), Some(ShardArg::Auto)) = (&shard, a.shard) {
            eprintln!(
                "foiredact: --shard auto: share {}/{}, from {}",
                s.k, s.n, s.from
            );
        }
        let rules = rules(&a.rules)?;
        batch::check_out(&a.out, &a.inputs)?;
        if a.publish.is_some() && a.shard.is_some() {
            return Err(Error::usage(
                "--publish needs the whole batch: run `foiredact publish` after merging the shards",
            ));
        }
        if let Some(d) = &a.decisions {
            if d.is_file() && (a.inputs.len() != 1 || !a.inputs[0].is_file()) {
                return Err(Error::usage(
                    "--decisions names one file: give one input PDF (or a folder of decisions files)",
                ));
            }
        }
        let publish = a.publish.clone().map(|site| crate::publish::Config {
            redact_out: a.out.clone(),
            site,
            include_part2: a.publish_opts.include_part2,
            overwrite: a.overwrite,
            decisions: a.decisions.clone(),
            site_title: a.publish_opts.site_title.clone(),
            lang: a.publish_opts.lang.clone(),
        });
        let reviewer = a
            .reviewer
            .clone()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(batch::os_user);
        let mut settings = settings(a.password.clone(), &a.limits);
        settings.time_limit =
            (a.time_limit > 0).then(|| std::time::Duration::from_secs(a.time_limit));
        settings.ocr = ocr_mode(a.ocr);
        settings.ocr_layer = a.ocr_layer;
        settings.visual = match a.verify_visual {
            crate::cli::VisualArg::Auto => crate::verify::VisualMode::Auto,
            crate::cli::VisualArg::All => crate::verify::VisualMode::All,
            crate::cli::VisualArg::Never => crate::verify::VisualMode::Never,
        };
        settings.min_ocr_confidence = Some(a.min_ocr_confidence.clamp(0.0, 100.0));
        settings.allow_unreadable = a.allow_unreadable;
        settings.keep_links = a.keep_links;
        settings.keep_unused_glyphs = a.keep_unused_glyphs;
        settings.require_parts = a.require_parts;
        settings.label = match a.label {
            LabelArg::Code => LabelMode::Code,
            LabelArg::Category => LabelMode::Category,
            LabelArg::None => LabelMode::None,
        };
        settings.layout = match a.layout {
            LayoutArg::Exact => Layout::Exact,
            LayoutArg::Safe => Layout::Safe {
                bucket_em: a.bucket_em.clamp(0.5, 100.0),
                min_anonymity: a.min_anonymity,
            },
        };
        let run_key = resume_key(&a, &settings)?;
        let batch = batch::Config {
            consistent: a.consistent.on(),
            reviewer,
            select: None,
            decisions: a.decisions,
            resume: a.resume,
            shard: shard.map(|s| (s.k, s.n)),
            run_key,
            inputs: a.inputs,
            out: a.out,
            jobs: jobs(a.jobs),
            overwrite: a.overwrite,
            log_text: a.log_text,
            progress: progress(a.quiet),
            settings,
        };
        Ok(Redact {
            rules,
            batch,
            publish,
        })
    }
}

/// What makes an earlier run's outputs current (`--resume`), serialised and hashed.
#[derive(serde::Serialize)]
struct ResumeKey<'a> {
    /// The contents of the rule files (`--rules` folders walked in name order, data files
    /// included; the built-in rules when none), then `--add-rules`, `--terms` and `--allow`, each
    /// by kind and the hash of its bytes.
    sources: Vec<(&'static str, String)>,
    keep_signatory: bool,
    layout: String,
    log_text: bool,
    ocr: String,
    ocr_layer: bool,
    verify_visual: crate::cli::VisualArg,
    min_ocr_confidence: f64,
    allow_unreadable: bool,
    label: String,
    keep_links: bool,
    keep_unused_glyphs: bool,
    require_parts: bool,
    limits: &'a LimitArgs,
    decisions: Option<String>,
}

/// The resume key of a `redact` run: the hash of its resolved, serialised configuration.
pub fn resume_key(a: &RedactArgs, s: &Settings) -> Result<String> {
    let key = ResumeKey {
        sources: rule_sources(&a.rules)?,
        keep_signatory: a.rules.keep_signatory,
        layout: format!("{:?}", s.layout),
        log_text: a.log_text,
        ocr: format!("{:?}", s.ocr),
        ocr_layer: s.ocr_layer,
        verify_visual: a.verify_visual,
        min_ocr_confidence: s.min_ocr_confidence.unwrap_or_default(),
        allow_unreadable: s.allow_unreadable,
        label: format!("{:?}", s.label),
        keep_links: s.keep_links,
        keep_unused_glyphs: s.keep_unused_glyphs,
        require_parts: s.require_parts,
        limits: &a.limits,
        decisions: a
            .decisions
            .as_ref()
            .map(|d| d.to_string_lossy().into_owned()),
    };
    let bytes = serde_json::to_vec(&key).map_err(|e| Error::usage(e.to_string()))?;
    Ok(format!("{:016x}", crate::hash::fnv64(&bytes)))
}

/// Every rule source of a run, by kind and content hash, in the order it applies.
fn rule_sources(a: &RuleArgs) -> Result<Vec<(&'static str, String)>> {
    let hash = |b: &[u8]| format!("{:016x}", crate::hash::fnv64(b));
    let mut out = Vec::new();
    let files = |kind: &'static str, paths: &[PathBuf], out: &mut Vec<_>| -> Result<()> {
        for p in paths {
            for e in walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
            {
                let e = e.map_err(|e| Error::rules(p.display().to_string(), 0, e.to_string()))?;
                if e.file_type().is_file() {
                    let b = std::fs::read(e.path()).map_err(|x| {
                        Error::rules(e.path().display().to_string(), 0, x.to_string())
                    })?;
                    out.push((kind, hash(&b)));
                }
            }
        }
        Ok(())
    };
    if a.rules.is_empty() {
        // The metadata rules shape only what `publish` shows, not the redacted outputs.
        for (n, src) in crate::rules::DEFAULT_RULES
            .iter()
            .chain(crate::rules::DEFAULT_DATA)
            .filter(|(n, _)| *n != crate::rules::PUBLISH_RULES)
        {
            out.push(("built-in", format!("{n}:{}", hash(src.as_bytes()))));
        }
    } else {
        files("rules", &a.rules, &mut out)?;
    }
    files("add-rules", &a.add_rules, &mut out)?;
    if let Some(t) = &a.terms {
        files("terms", std::slice::from_ref(t), &mut out)?;
    }
    if let Some(t) = &a.allow {
        files("allow", std::slice::from_ref(t), &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> BTreeMap<String, String> {
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn shard_given_or_taken_from_the_scheduler() {
        let sched = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(shard(None, None, &sched).ok(), Some(None));
        // A share given is taken as given, whatever the environment says.
        let s = shard(Some(ShardArg::Fixed { k: 3, n: 4 }), None, &sched)
            .expect("a share")
            .expect("sharded");
        assert_eq!((s.k, s.n), (3, 4));
        let s = shard(Some(ShardArg::Auto), Some(4), &sched)
            .expect("a share")
            .expect("sharded");
        assert_eq!((s.k, s.n), (2, 4));
        assert!(s.from.contains("JOB_COMPLETION_INDEX=1"), "{}", s.from);
        // --shard-count goes with --shard auto only.
        for arg in [None, Some(ShardArg::Fixed { k: 1, n: 4 })] {
            assert_eq!(
                shard(arg, Some(4), &sched).map_err(|e| e.kind),
                Err(ErrorKind::Shard(ShardProblem::BadCount))
            );
        }
        // auto with nothing set is refused, as a usage error would be.
        assert!(matches!(
            shard(Some(ShardArg::Auto), Some(4), &env(&[])).map_err(|e| e.kind),
            Err(ErrorKind::Shard(ShardProblem::NoScheduler { .. }))
        ));
    }
}
