//! `foiredact scan`: what would be redacted, one line per proposal (masked), nothing written.

use crate::batch;
use crate::cli::ScanArgs;
use crate::error::{exit, mask};
use std::io::Write;

pub fn scan(a: ScanArgs) -> u8 {
    let (rules, inputs) = match super::rules_and_inputs(&a.rules, &a.inputs, true) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    let mut settings = crate::config::settings(a.password, &a.limits);
    let mut code = exit::OK;
    let mut out = std::io::stdout().lock();
    if !a.json && writeln!(out, "file\tpage\tpart\trule\tcategory\texemption\ttext").is_err() {
        return code;
    }
    let driver = crate::driver::Driver {
        jobs: crate::config::jobs(a.jobs),
        progress: crate::config::progress(a.quiet),
        label: "",
    };
    if let Err(e) =
        batch::consistent_settings(a.consistent.on(), &inputs, &rules, &mut settings, &driver)
    {
        eprintln!("foiredact: {e}");
        return exit::USAGE;
    }
    let read = match driver.run(
        &inputs,
        |_, i| {
            std::fs::read(&i.path)
                .map_err(crate::error::Error::from)
                .and_then(|b| {
                    if batch::is_text(&i.path) {
                        crate::text::process(
                            &b,
                            &rules,
                            settings.label,
                            None,
                            settings.consistent.as_deref(),
                        )
                    } else {
                        crate::pipeline::plan_only(&b, &rules, &settings)
                    }
                })
                .map(|doc| doc.boxes)
        },
        |i, r, bar| {
            if let Err(e) = r {
                bar.say(&format!("foiredact: {}", e.clone().with_path(&i.path)));
            }
        },
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    // Printed in input order, whatever finished first.
    let (mut total, mut files, mut unread) = (0usize, 0usize, 0usize);
    for (i, result) in inputs.iter().zip(read) {
        match result {
            Err(_) => {
                code = exit::SOME_FAILED;
                unread += 1;
            }
            Ok(boxes) => {
                files += 1;
                total += boxes.len();
                for b in &boxes {
                    let text = if a.log_text {
                        b.text.expose().clone()
                    } else {
                        mask(b.text.expose())
                    };
                    let line = if a.json {
                        serde_json::json!({"file": i.rel.to_string_lossy(), "page": b.page, "part": b.part, "rule": b.why.rule, "category": b.why.category, "exemption": b.why.exemption, "cause": b.why.cause, "text": text}).to_string()
                    } else {
                        format!(
                            "{}\tpage {}\tpart {}\t{}\t{}\t{}\t{}",
                            i.rel.display(),
                            b.page,
                            b.part,
                            b.why.rule,
                            b.why.category,
                            b.why.exemption,
                            text
                        )
                    };
                    if writeln!(out, "{line}").is_err() {
                        return code;
                    }
                }
            }
        }
    }
    let _ = out.flush();
    eprintln!(
        "foiredact: {total} proposed redactions in {files} files{}",
        if unread > 0 {
            format!("; {unread} files could not be read")
        } else {
            String::new()
        }
    );
    code
}
