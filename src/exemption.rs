//! Exemption codes an officer or a rule file names: the message for one not in the table, with the
//! nearest valid codes. A leaf: decisions, rules and the pipeline use it; it uses nothing of theirs.

/// Exemption codes of the table nearest to `code`: those with the same section number first, then
/// by edit distance; at most three.
pub fn nearest_codes(code: &str, table: &[(String, String)]) -> Vec<String> {
    let norm = |s: &str| -> String {
        let l = s.to_ascii_lowercase();
        let l = l
            .replace("section", "s")
            .replace("regulation", "reg")
            .replace("reg.", "reg");
        l.chars().filter(|c| !c.is_whitespace()).collect()
    };
    let digits = |s: &str| -> String {
        s.chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit())
            .collect()
    };
    let want = norm(code);
    let want_num = digits(&want);
    let mut scored: Vec<(bool, usize, &str)> = table
        .iter()
        .map(|(c, _)| {
            let n = norm(c);
            (
                want_num.is_empty() || digits(&n) != want_num,
                levenshtein(&want, &n),
                c.as_str(),
            )
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, _, c)| c.to_string())
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The message for an exemption code not in the table: the code (a short code is not personal
/// data, but a long cell might be, so it is shown only when short) and the nearest valid codes.
pub fn unknown_code(code: &str, table: &[(String, String)]) -> String {
    let shown = if code.chars().count() <= 16 && !code.contains(['\n', '@']) {
        format!("exemption '{code}'")
    } else {
        "the exemption".to_string()
    };
    format!(
        "{shown} is not in the exemptions table (nearest: {})",
        nearest_codes(code, table).join(", ")
    )
}
