//! `foiredact merge-logs`: the batch logs of several folders or shards as one.

use crate::batch;
use crate::error::exit;
use std::path::PathBuf;

pub fn merge_logs(dirs: &[PathBuf], out: &std::path::Path) -> u8 {
    match batch::merge_logs(dirs, out) {
        Ok(s) => {
            eprintln!(
                "foiredact: merged {} files: {} done, {} declined, {} failed; {} redactions",
                s.files, s.done, s.declined, s.failed, s.redactions
            );
            if s.done == s.files {
                exit::OK
            } else {
                exit::SOME_FAILED
            }
        }
        Err(e) => {
            eprintln!("foiredact: {e}");
            exit::USAGE
        }
    }
}
