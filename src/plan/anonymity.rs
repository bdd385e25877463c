//! The anonymity set of a name's box: how many names of the reference lists (the default first-name
//! and surname lists the `person` rule reads) would have given a box of the same width in the same
//! font and size. Someone with the output, the font and a list of names learns no more than that the
//! name is one of these; `--min-anonymity N` widens a box until there are at least N.
//!
//! The names are combined as the `person` rule combines them: a redacted text of one word is compared
//! with every listed first name and surname, one of two words or more with every first name followed by
//! a space and a surname (an initial or a middle name is not counted: the set is a lower bound for
//! those). A candidate's width is the sum of its letters' widths in the box's font, taken from the
//! glyphs of that font the output page keeps (a subset font holds no others; the redacted glyphs are
//! left out, so the figure is the same for any name of the bucket); a letter the page never draws in
//! it counts as the mean of those it does (an estimate, and said so in the README).
//!
//! Pure arithmetic over plain data; knows no PDF.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The reference lists: first names and surnames, as listed (the part of each line before a tab).
struct Lists {
    #[cfg(test)]
    first: Vec<&'static str>,
    #[cfg(test)]
    surnames: Vec<&'static str>,
    /// Both, once each.
    #[cfg(test)]
    single: Vec<&'static str>,
    /// The same, laid out to be measured fast.
    first_flat: Flat,
    surnames_flat: Flat,
    single_flat: Flat,
}

/// A list of names laid out to be measured ([`Metrics::widths`]): the ASCII names by length, each
/// length's names one after another in one buffer, and the others. The names come out of it in
/// another order than the list's; every use of their widths sorts them or counts them.
struct Flat {
    by_len: Vec<(usize, Vec<u8>)>,
    other: Vec<&'static str>,
}

impl Flat {
    fn new(names: &[&'static str]) -> Flat {
        let mut by_len: std::collections::BTreeMap<usize, Vec<u8>> = Default::default();
        let mut other = Vec::new();
        for n in names {
            if n.is_ascii() {
                by_len
                    .entry(n.len())
                    .or_default()
                    .extend_from_slice(n.as_bytes());
            } else {
                other.push(*n);
            }
        }
        Flat {
            by_len: by_len.into_iter().collect(),
            other,
        }
    }
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let read = |name: &str| -> Vec<&'static str> {
            let text = crate::rules::DEFAULT_DATA
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, t)| *t);
            let mut v: Vec<&'static str> = text
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split('\t').next())
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (first, surnames) = (read("data/first-names.txt"), read("data/surnames.txt"));
        let mut single: Vec<&'static str> = first.iter().chain(&surnames).copied().collect();
        single.sort_unstable();
        single.dedup();
        Lists {
            first_flat: Flat::new(&first),
            surnames_flat: Flat::new(&surnames),
            single_flat: Flat::new(&single),
            #[cfg(test)]
            first,
            #[cfg(test)]
            surnames,
            #[cfg(test)]
            single,
        }
    })
}

/// Letter widths of one font on one page, per point of font size.
pub(super) struct Metrics {
    widths: HashMap<char, f64>,
    /// The same for ASCII, looked up by byte (a hundred thousand names are measured per font).
    ascii: [f64; 128],
    mean: f64,
}

impl Metrics {
    /// From `(letter, width per point of size)` samples: the glyphs the page draws in the font.
    pub fn new(samples: impl Iterator<Item = (char, f64)>) -> Metrics {
        let mut widths = HashMap::new();
        for (c, w) in samples {
            if w > 0.0 {
                widths.entry(c).or_insert(w);
            }
        }
        // Summed in the letters' order: a hash map's order changes from run to run, and so would the
        // last bits of the sum (and the anonymity counts with them).
        let mut sorted: Vec<(char, f64)> = widths.iter().map(|(&c, &w)| (c, w)).collect();
        sorted.sort_unstable_by_key(|&(c, _)| c);
        let mean = if sorted.is_empty() {
            0.5
        } else {
            sorted.iter().map(|&(_, w)| w).sum::<f64>() / sorted.len() as f64
        };
        let mut ascii = [mean; 128];
        for (&c, &w) in &widths {
            if c.is_ascii() {
                ascii[c as usize] = w;
            }
        }
        Metrics {
            widths,
            ascii,
            mean,
        }
    }

    /// The width of `s` per point of font size.
    fn width(&self, s: &str) -> f64 {
        if s.is_ascii() {
            return s.bytes().map(|b| self.ascii[usize::from(b)]).sum();
        }
        s.chars()
            .map(|c| self.widths.get(&c).copied().unwrap_or(self.mean))
            .sum()
    }

    /// [`Metrics::width`] of every name of `names` (in its order: by length, then the others). The
    /// same additions in the same order as `width`, so the same figures; names of one length are
    /// measured without a branch on where each ends.
    fn widths(&self, names: &Flat) -> Vec<f64> {
        let zero: f64 = std::iter::empty::<f64>().sum();
        let mut out = Vec::with_capacity(
            names.by_len.iter().map(|(l, b)| b.len() / l).sum::<usize>() + names.other.len(),
        );
        for (len, bytes) in &names.by_len {
            out.extend(bytes.chunks_exact(*len).map(|name| {
                let mut w = zero;
                for &b in name {
                    w += self.ascii[usize::from(b & 0x7f)];
                }
                w
            }));
        }
        out.extend(names.other.iter().map(|n| self.width(n)));
        out
    }
}

/// Sorts widths (none negative, no NaN: then their bits sort as they do, and compare faster).
fn sort_widths(v: &mut [f64]) {
    if v.iter().any(|w| w.is_sign_negative() || w.is_nan()) {
        v.sort_unstable_by(f64::total_cmp);
    } else {
        v.sort_unstable_by_key(|w| w.to_bits());
    }
}

/// The candidate widths (per point of size) for a redacted text of `words` words: single names, or
/// first names and surnames to be added (with a space between).
pub(super) struct Candidates {
    widths: Widths,
    /// Counts already made, by the bounds' bits: a page's names of one size fall in a few buckets.
    counted: std::cell::RefCell<HashMap<(u64, u64), u64>>,
}

enum Widths {
    Single(Vec<f64>),
    /// First names' widths with the space, and surnames' widths, both sorted.
    Pairs(Vec<f64>, Vec<f64>),
}

impl Candidates {
    pub fn new(m: &Metrics, words: usize) -> Candidates {
        let l = lists();
        let widths = if words <= 1 {
            Widths::Single(m.widths(&l.single_flat))
        } else {
            let space = m.width(" ");
            let mut first: Vec<f64> = m
                .widths(&l.first_flat)
                .into_iter()
                .map(|w| w + space)
                .collect();
            sort_widths(&mut first);
            let mut last: Vec<f64> = m.widths(&l.surnames_flat);
            sort_widths(&mut last);
            Widths::Pairs(first, last)
        };
        Candidates {
            widths,
            counted: Default::default(),
        }
    }

    /// How many candidates are wider than `lo` and at most `hi` wide (per point of size).
    fn count(&self, lo: f64, hi: f64) -> u64 {
        let key = (lo.to_bits(), hi.to_bits());
        if let Some(&n) = self.counted.borrow().get(&key) {
            return n;
        }
        let n = self.count_all(lo, hi);
        self.counted.borrow_mut().insert(key, n);
        n
    }

    fn count_all(&self, lo: f64, hi: f64) -> u64 {
        match &self.widths {
            Widths::Single(v) => v.iter().filter(|&&w| w > lo && w <= hi).count() as u64,
            // For each first name, the surnames w with lo < w + f <= hi. The first names in order of
            // width: where `w + f <= bound` stops holding only moves down the sorted surnames.
            Widths::Pairs(first, last) => {
                let (mut a, mut b) = (last.len(), last.len());
                let mut n = 0u64;
                for &f in first {
                    while a > 0 && last[a - 1] + f > lo {
                        a -= 1;
                    }
                    while b > 0 && last[b - 1] + f > hi {
                        b -= 1;
                    }
                    n += b.saturating_sub(a) as u64;
                }
                n
            }
        }
    }
}

/// The bucketed width of a box and its anonymity set: `natural` is the redacted text's width plus the
/// padding (points), `pad` that padding, `bucket` the bucket (points), `size` the font size. The box
/// takes the smallest bucket that holds the text; while fewer than `min` candidates would give a box
/// as wide (candidates of this bucket and of every narrower one widened into it), it takes the next
/// bucket (at most 20 more). Returns the width and the count.
pub(super) fn widen(
    c: &Candidates,
    natural: f64,
    pad: f64,
    bucket: f64,
    size: f64,
    min: Option<u64>,
) -> (f64, u64) {
    let first = (natural / bucket).ceil().max(1.0);
    // Text widths (per point of size) whose box is `first` buckets wide, up to `n` buckets.
    let lo = ((first - 1.0) * bucket - pad) / size;
    let mut n = first;
    loop {
        let hi = (n * bucket - pad) / size;
        let count = c.count(if first <= 1.0 { f64::NEG_INFINITY } else { lo }, hi);
        if min.is_none_or(|m| count >= m) || n >= first + 20.0 {
            return (n * bucket, count);
        }
        n += 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every letter 0.5 em wide, the space 0.25.
    fn flat() -> Metrics {
        Metrics::new(
            ('a'..='z')
                .chain('A'..='Z')
                .map(|c| (c, 0.5))
                .chain(std::iter::once((' ', 0.25))),
        )
    }

    #[test]
    fn names_of_the_same_bucket_are_counted_and_a_box_widens_to_reach_a_minimum() {
        let m = flat();
        let pairs = Candidates::new(&m, 2);
        // "Eve Hill" at 10 pt: 7 letters and a space = 37.5 pt, 38.7 with the padding: one 30 pt
        // bucket is too narrow, two hold it.
        let (w, n) = widen(&pairs, 38.7, 1.2, 30.0, 10.0, None);
        assert_eq!(w, 60.0);
        // Every first name + surname of 31..=58.8 pt (6 to 11 letters in all) is in that set: many.
        assert!(n > 10_000, "{n}");
        // A minimum above that set widens the box; the set then counts the wider bucket's names too.
        let (w2, n2) = widen(&pairs, 38.7, 1.2, 30.0, 10.0, Some(n + 1));
        assert!(w2 > w && n2 > n, "{w2} {n2}");
        // Single words: fewer (one list of names, no combinations).
        let single = Candidates::new(&m, 1);
        let (_, n1) = widen(&single, 20.7, 1.2, 30.0, 10.0, None);
        assert!(n1 > 0 && n1 < n, "{n1}");
    }

    #[test]
    fn the_mean_width_is_the_same_in_every_run() {
        // Widths whose sum depends on the order they are added in.
        let samples: Vec<(char, f64)> = ('a'..='z')
            .enumerate()
            .map(|(i, c)| (c, 0.1 + (i as f64) * 0.0123456789 + 1e-9 / (i as f64 + 1.0)))
            .collect();
        let first = Metrics::new(samples.iter().copied()).mean.to_bits();
        for k in 0..50 {
            let mut s = samples.clone();
            s.rotate_left(k % samples.len());
            assert_eq!(Metrics::new(s.into_iter()).mean.to_bits(), first, "run {k}");
        }
    }

    /// Measuring names by length, sorting by the widths' bits and the merged count give exactly what
    /// measuring each name, a sort by comparison and a binary search per first name give.
    #[test]
    fn candidates_are_counted_as_one_name_at_a_time_would_count_them() {
        let m = Metrics::new(
            ('a'..='z')
                .chain('A'..='Z')
                .enumerate()
                .map(|(i, c)| (c, 0.2 + (i as f64 * 0.7919).fract() * 0.6 + 1e-7 * i as f64))
                .chain([(' ', 0.2611), ('é', 0.5123)]),
        );
        let l = lists();
        let space = m.width(" ");
        let first: Vec<f64> = l.first.iter().map(|w| m.width(w) + space).collect();
        let mut last: Vec<f64> = l.surnames.iter().map(|w| m.width(w)).collect();
        let mut by_bits = last.clone();
        last.sort_unstable_by(f64::total_cmp);
        sort_widths(&mut by_bits);
        assert_eq!(
            by_bits.iter().map(|w| w.to_bits()).collect::<Vec<_>>(),
            last.iter().map(|w| w.to_bits()).collect::<Vec<_>>()
        );
        // The widths measured by length are each name's width, in another order.
        for (names, flat) in [(&l.first, &l.first_flat), (&l.single, &l.single_flat)] {
            let mut want: Vec<u64> = names.iter().map(|n| m.width(n).to_bits()).collect();
            let mut got: Vec<u64> = m.widths(flat).iter().map(|w| w.to_bits()).collect();
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want);
        }
        let c = Candidates::new(&m, 2);
        for (lo, hi) in [
            (f64::NEG_INFINITY, 3.0),
            (2.0, 3.0),
            (3.1, 3.5),
            (4.0, 9.0),
            (0.0, 0.1),
            (3.3, 3.3),
        ] {
            let want: u64 = first
                .iter()
                .map(|f| {
                    let a = last.partition_point(|&w| w + f <= lo);
                    let b = last.partition_point(|&w| w + f <= hi);
                    (b - a) as u64
                })
                .sum();
            assert_eq!(c.count(lo, hi), want, "{lo} {hi}");
        }
    }

    #[test]
    fn an_unknown_letter_counts_as_the_mean_width() {
        let m = Metrics::new([('a', 0.4), ('b', 0.6)].into_iter());
        assert!((m.width("ab") - 1.0).abs() < 1e-12);
        assert!((m.width("az") - 0.9).abs() < 1e-12);
    }
}
