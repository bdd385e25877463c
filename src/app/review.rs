//! `foiredact review`: a review copy and a decisions file per input, and for a PDF the marked copy
//! (`<stem>.marked.pdf`, for review in a PDF editor).

use crate::batch;
use crate::cli::ReviewArgs;
use crate::error::exit;
use crate::formats::ReviewPaths;

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
                        crate::review::review(&b, &rules, &settings, a.log_text)
                            .map(|r| (r.copy, r.rows, Some(r.marked)))
                    }
                })
                .and_then(|(copy, rows, marked)| {
                    let csvb = crate::formats::decisions_csv(&rows)?;
                    crate::output::write_atomic(&paths.copy, &copy, a.overwrite)?;
                    crate::output::write_atomic(&paths.decisions, &csvb, a.overwrite)?;
                    if let (Some(path), Some(m)) = (&paths.marked, marked) {
                        crate::output::write_atomic(path, &m, a.overwrite)?;
                    }
                    Ok(rows.len())
                })
        },
        |&(i, _), r, bar| match r {
            Ok(n) => bar.say(&format!(
                "foiredact: {}: {n} proposed redactions marked",
                i.rel.display()
            )),
            Err(e) => bar.say(&format!("foiredact: {}", e.clone().with_path(&i.path))),
        },
    );
    match made {
        Ok(r) if r.iter().all(|r| r.is_ok()) => exit::OK,
        Ok(_) => exit::SOME_FAILED,
        Err(e) => {
            eprintln!("foiredact: {e}");
            exit::USAGE
        }
    }
}
