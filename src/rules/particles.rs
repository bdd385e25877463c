//! Particles of surnames: the lower-case words that belong to the surname after them ("van der Berg",
//! "de la Cruz", "bin Salleh", "al-Rashid"). One list, read by the `names` rule (a first name, particles
//! and a surname are one name) and by `detect::spread` (the surname of a name found, and a name that runs
//! on over such a surname). Pure text.

/// Lower-case words that belong to the surname after them (van der Berg, de la Cruz, bin Salman).
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "del", "della", "dello", "di", "da", "du", "des", "la", "le",
    "dos", "das", "do", "bin", "binti", "bint", "ibn", "al", "el", "ter", "ten", "ap", "ó", "ní",
    "zu", "af",
];

/// Whether `w` is a particle: in lower case only ("De" at the start of a name is a given name's or a
/// surname's own).
pub fn is_particle(w: &str) -> bool {
    w.chars().all(char::is_lowercase) && PARTICLES.contains(&w)
}

/// A word a surname is made of: a capital first, letters (with `-`, `'` or `’` between them), two
/// letters at least.
pub fn is_name_word(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && w.chars().next().is_some_and(char::is_uppercase)
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
        && !w.ends_with(['-', '\'', '’'])
}

/// Where a name that ends at `end` in `text` ends once it runs on over a surname with particles
/// ("Ana María| de la Cruz", "Pieter| van der Berg", "Abdullah| al-Rashid"): one to three particles and
/// a name word, or a particle joined to the name word by a hyphen, on the same line. `None` when no
/// such surname follows.
pub fn particle_tail(text: &str, end: usize) -> Option<usize> {
    let rest = text.get(end..)?;
    let mut at = end;
    let mut particles = 0;
    let mut words = rest.split(' ');
    // The name's own end is followed by one space (the split's first piece is empty).
    if words.next() != Some("") {
        return None;
    }
    at += 1;
    for w in words {
        if particles < 3 && is_particle(w) {
            particles += 1;
            at += w.len() + 1;
            continue;
        }
        // The word up to the first character no name holds (a full stop, a line end).
        let core = w
            .split(|c: char| !(c.is_alphabetic() || matches!(c, '-' | '\'' | '’')))
            .next()
            .unwrap_or("")
            .trim_end_matches(['-', '\'', '’']);
        if is_name_word(core) {
            return (particles > 0).then_some(at + core.len());
        }
        // "al-Rashid", "el-Sayed": the particle written onto the surname.
        let (p, name) = core.split_once('-')?;
        return (is_particle(p) && is_name_word(name)).then_some(at + core.len());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_runs_on_over_a_surname_with_particles() {
        let t = "Resident: Ana María de la Cruz. Then Pieter van der Berg\nand Jo de\nSmith, Abdullah al-Rashid \
                 and Sam al-\nRashid or Rui el-";
        let end = |w: &str| t.find(w).unwrap() + w.len();
        let tail = |w: &str| particle_tail(t, end(w)).map(|e| &t[end(w)..e]);
        assert_eq!(tail("Ana María"), Some(" de la Cruz"));
        assert_eq!(tail("Pieter"), Some(" van der Berg"));
        assert_eq!(tail("Jo"), None, "not over a line end");
        assert_eq!(tail("Resident:"), None, "no particle");
        assert_eq!(tail("Abdullah"), Some(" al-Rashid"));
        assert_eq!(tail("Sam"), None, "not over a line end");
        assert_eq!(tail("Rui"), None, "no name after the hyphen");
        assert_eq!(tail("Then"), None, "a name word without a particle");
    }
}
