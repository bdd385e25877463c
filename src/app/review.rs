//! `foiredact review`: a review copy and a decisions file per input, and for a PDF the marked copy
//! (`<stem>.marked.pdf`, for review in a PDF editor).

use crate::batch;
use crate::cli::ReviewArgs;
use crate::error::exit;
use crate::formats::ReviewPaths;
use clap::Parser;

pub fn review(a: ReviewArgs) -> u8 {
    let (rules, inputs) = match super::rules_and_inputs(&a.rules, &a.inputs, true)
        .and_then(|x| batch::check_out(&a.out, &a.inputs).map(|_| x))
    {
        Ok(x) => x,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    let settings = crate::config::settings(a.password.clone(), &a.limits);
    // Where each input's review copy, decisions file and marked copy go.
    let targets: Vec<ReviewPaths> = inputs
        .iter()
        .map(|i| ReviewPaths::new(&a.out, &i.rel))
        .collect();
    // An earlier review (perhaps with the officer's edits in its decisions files) is never half
    // replaced: without --overwrite, nothing is written when any of its files is there.
    if !a.overwrite {
        if let Some(p) = targets
            .iter()
            .flat_map(ReviewPaths::all)
            .find(|p| p.exists())
        {
            eprintln!(
                "foiredact: output exists: {} (nothing was written: --overwrite replaces the earlier review, and any edits in its decisions files)",
                p.display()
            );
            return exit::USAGE;
        }
    }
    let driver = crate::driver::Driver {
        jobs: crate::config::jobs(a.jobs),
        progress: crate::config::progress(a.quiet),
        label: "",
    };
    // One request, one decision per text: pass one reads the batch for the texts it redacts.
    let mut settings = settings;
    if let Err(e) =
        batch::consistent_settings(a.consistent.on(), &inputs, &rules, &mut settings, &driver)
    {
        eprintln!("foiredact: {e}");
        return exit::USAGE;
    }
    let work: Vec<(&batch::Input, &ReviewPaths)> = inputs.iter().zip(&targets).collect();
    let made = driver.run(
        &work,
        |_, &(i, paths)| {
            std::fs::read(&i.path)
                .map_err(crate::error::Error::from)
                .and_then(|b| {
                    if batch::is_text(&i.path) {
                        crate::text::review(&b, &rules, a.log_text, settings.consistent.as_deref())
                            .map(|(copy, rows)| (copy, rows, None))
                    } else {
                        crate::review::review(&b, &rules, &settings, a.log_text).map(|mut r| {
                            let (copy, rows) = (std::mem::take(&mut r.copy), r.rows.clone());
                            (copy, rows, Some(r))
                        })
                    }
                })
                .and_then(|(copy, rows, reviewed)| {
                    let csvb = crate::formats::decisions_csv(&rows)?;
                    crate::output::write_atomic(&paths.copy, &copy, a.overwrite)?;
                    crate::output::write_atomic(&paths.decisions, &csvb, a.overwrite)?;
                    let reviewed = reviewed.map(|mut r| {
                        let m = std::mem::take(&mut r.marked);
                        (r, m)
                    });
                    if let (Some(path), Some((_, m))) = (&paths.marked, &reviewed) {
                        crate::output::write_atomic(path, m, a.overwrite)?;
                    }
                    // What the browser review shows (kept only with --serve).
                    Ok((rows.len(), reviewed.filter(|_| a.serve).map(|(r, _)| r)))
                })
        },
        |&(i, _), r, bar| match r {
            Ok((n, _)) => bar.say(&format!(
                "foiredact: {}: {n} proposed redactions marked",
                i.rel.display()
            )),
            Err(e) => bar.say(&format!("foiredact: {}", e.clone().with_path(&i.path))),
        },
    );
    let code = match &made {
        Ok(r) if r.iter().all(|r| r.is_ok()) => exit::OK,
        Ok(_) => exit::SOME_FAILED,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    if !a.serve {
        return code;
    }
    let made = made.unwrap_or_default();
    let docs: Vec<crate::serve::Reviewed> = inputs
        .into_iter()
        .zip(targets)
        .zip(made)
        .map(|((input, paths), r)| crate::serve::Reviewed {
            input,
            paths,
            made: r.map(|(_, r)| r),
        })
        .collect();
    let apply = match apply_config(&a) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    let exact = crate::settings::Settings {
        layout: crate::plan::Layout::Exact,
        ..settings
    };
    match crate::serve::run(
        docs,
        crate::serve::Setup {
            rules,
            settings: exact,
            apply,
            port: a.port.unwrap_or(0),
        },
    ) {
        Ok(()) => code,
        Err(e) => {
            eprintln!("foiredact: {e}");
            exit::USAGE
        }
    }
}

/// What "Apply" runs: `redact` of the review's inputs into --out with the review folder as the
/// decisions (the default settings of `redact`, with review's rules, password, limits and jobs).
fn apply_config(a: &ReviewArgs) -> crate::error::Result<crate::batch::Config> {
    let out = a.out.as_os_str();
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "foiredact".as_ref(),
        "redact".as_ref(),
        "--out".as_ref(),
        out,
        "--decisions".as_ref(),
        out,
        "--overwrite".as_ref(),
        "--quiet".as_ref(),
    ];
    if a.log_text {
        args.push("--log-text".as_ref());
    }
    args.push("--".as_ref());
    args.extend(a.inputs.iter().map(|p| p.as_os_str()));
    let mut r = match crate::cli::Cli::try_parse_from(args) {
        Ok(crate::cli::Cli {
            command: crate::cli::Command::Redact(r),
            ..
        }) => r,
        _ => {
            return Err(crate::error::Error::usage(
                "the redaction of --serve cannot be set up",
            ))
        }
    };
    r.rules = a.rules.clone();
    r.password = a.password.clone();
    r.jobs = a.jobs;
    r.limits = a.limits.clone();
    r.consistent = a.consistent;
    Ok(crate::config::Redact::try_from(*r)?.batch)
}
