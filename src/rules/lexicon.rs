//! The word lists of a rule set (first names, surnames, common words, places, institution and role
//! words) in one table: every word once, folded (accents off) and in lower case, with one bit for each
//! list that holds it. A rule names the lists it reads as a [`WordList`] (a mask of bits), and one
//! look-up answers every question a rule asks about a word ("a listed first name? a surname? a common
//! word?").
//!
//! Why not a hash set per list: the default lists hold some 230,000 words (the common words twice, with
//! and without the places), each a string of its own, and the names rule asked up to five sets about
//! every capitalised word. Here the words lie end to end in one string and the table is an array of
//! integers: a few megabytes, built at start-up without an allocation per word, and a word costs one
//! probe whatever the number of lists.
//!
//! # Invariants
//! Words are stored as given (the caller folds and lowers them); a word is looked up byte for byte. The
//! empty word is never stored. At most [`Lexicon::MAX_LISTS`] lists.

use std::hash::Hasher;

/// Lists (bits of a [`Lexicon`]) that a rule reads as one: a word is in it when any of them holds it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordList(u32);

impl WordList {
    /// The lists of both.
    pub fn union(self, other: WordList) -> WordList {
        WordList(self.0 | other.0)
    }
}

/// Words with the lists that hold them.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Every word, end to end.
    arena: String,
    /// Where each word ends in `arena` (it starts where the one before ends).
    ends: Vec<u32>,
    /// The lists that hold each word.
    lists: Vec<u32>,
    /// Open addressing, linear probing: `0` empty, else the word's index + 1 in the low 32 bits and
    /// the high 32 bits of its hash above them (most probes of another word end there, without reading
    /// the word). A power of two long.
    slots: Vec<u64>,
    /// Lists made so far.
    used: u32,
}

fn hash(w: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(w);
    h.finish()
}

impl Lexicon {
    /// The most lists one rule set can hold.
    pub const MAX_LISTS: u32 = 32;

    /// A new, empty list.
    ///
    /// # Errors
    /// More than [`Lexicon::MAX_LISTS`] lists.
    pub fn new_list(&mut self) -> Result<WordList, String> {
        if self.used >= Self::MAX_LISTS {
            return Err(format!(
                "too many word lists (at most {} different files and word lists in one rule set)",
                Self::MAX_LISTS
            ));
        }
        self.used += 1;
        Ok(WordList(1 << (self.used - 1)))
    }

    fn word(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.arena[start..self.ends[i] as usize]
    }

    /// The slot of `w` (whose [`hash`] is `h`): the one holding it, or the empty one where it would go.
    #[inline]
    fn slot(&self, w: &str, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let tag = h & !0xffff_ffff;
        let mut s = h as usize & mask;
        loop {
            let e = self.slots[s];
            if e == 0 || (e & !0xffff_ffff == tag && self.word((e as u32 - 1) as usize) == w) {
                return s;
            }
            s = (s + 1) & mask;
        }
    }

    /// Room for `bytes` more bytes of words and `words` more words, reserved at once (the lists are
    /// large: growing them step by step held the old and the new copy at once, and left up to twice
    /// the room needed).
    pub fn reserve(&mut self, bytes: usize, words: usize) {
        self.arena.reserve(bytes);
        self.ends.reserve(words);
        self.lists.reserve(words);
        let need = self.ends.len() + words;
        if need * 8 > self.slots.len() * 5 {
            self.grow(need);
        }
    }

    /// Makes the table long enough for `n` words.
    fn grow(&mut self, n: usize) {
        let n = (n * 8 / 5 + 1).next_power_of_two().max(1024);
        self.slots = vec![0; n];
        for i in 0..self.ends.len() {
            let w = self.word(i);
            let h = hash(w.as_bytes());
            let s = self.slot(w, h);
            self.slots[s] = (h & !0xffff_ffff) | (i as u64 + 1);
        }
    }

    /// Adds `word` to the lists `to` (a word already held keeps its other lists).
    ///
    /// # Errors
    /// The arena would pass 4 GiB.
    pub fn insert(&mut self, word: &str, to: WordList) -> Result<(), String> {
        if word.is_empty() {
            return Ok(());
        }
        // At most five words in eight slots: probes stay short.
        if (self.ends.len() + 1) * 8 > self.slots.len() * 5 {
            self.grow(self.slots.len());
        }
        let h = hash(word.as_bytes());
        let s = self.slot(word, h);
        match self.slots[s] {
            0 => {
                let too_large = || "the word lists are too large (4 GiB)".to_string();
                let end = u32::try_from(self.arena.len() + word.len()).map_err(|_| too_large())?;
                let n = u32::try_from(self.ends.len() + 1).map_err(|_| too_large())?;
                self.arena.push_str(word);
                self.ends.push(end);
                self.lists.push(to.0);
                self.slots[s] = (h & !0xffff_ffff) | u64::from(n);
            }
            e => self.lists[(e as u32 - 1) as usize] |= to.0,
        }
        Ok(())
    }

    /// The lists that hold `word` (as stored: folded, lower case), as a mask to test with [`Lexicon::in_`].
    #[inline]
    pub fn get(&self, word: &str) -> u32 {
        if self.slots.is_empty() {
            return 0;
        }
        match self.slots[self.slot(word, hash(word.as_bytes()))] {
            0 => 0,
            e => self.lists[(e as u32 - 1) as usize],
        }
    }

    /// Whether a mask from [`Lexicon::get`] holds any of the lists `l`.
    #[inline]
    pub fn in_(mask: u32, l: WordList) -> bool {
        mask & l.0 != 0
    }

    /// Whether any list of `l` holds `word`.
    #[inline]
    pub fn contains(&self, l: WordList, word: &str) -> bool {
        Self::in_(self.get(word), l)
    }

    /// Whether no word is in any list of `l`.
    pub fn is_empty(&self, l: WordList) -> bool {
        !self.lists.iter().any(|&m| Self::in_(m, l))
    }

    /// How many words are held, in any list.
    pub fn word_count(&self) -> usize {
        self.ends.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_belong_to_the_lists_they_were_added_to() {
        let mut lx = Lexicon::default();
        let a = lx.new_list().expect("a list");
        let b = lx.new_list().expect("a list");
        let both = a.union(b);
        assert!(lx.get("rose") == 0 && lx.is_empty(a), "empty");
        // Enough words to grow the table several times.
        for i in 0..5000 {
            lx.insert(&format!("w{i}"), if i % 2 == 0 { a } else { b })
                .expect("fits");
        }
        lx.insert("rose", a).expect("fits");
        lx.insert("rose", b).expect("fits");
        lx.insert("", a).expect("the empty word is ignored");
        assert_eq!(lx.word_count(), 5001);
        for i in 0..5000 {
            let w = format!("w{i}");
            assert_eq!(lx.contains(a, &w), i % 2 == 0, "{w}");
            assert_eq!(lx.contains(b, &w), i % 2 == 1, "{w}");
            assert!(lx.contains(both, &w));
        }
        assert!(lx.contains(a, "rose") && lx.contains(b, "rose"));
        for w in ["", "w5000", "ros", "roses", "Rose", "w-1"] {
            assert_eq!(lx.get(w), 0, "{w:?} was never added");
        }
        assert!(!lx.is_empty(a) && !lx.is_empty(both));
        let c = lx.new_list().expect("a list");
        assert!(lx.is_empty(c) && c.0 & both.0 == 0);
    }

    #[test]
    fn lists_are_limited() {
        let mut lx = Lexicon::default();
        for _ in 0..Lexicon::MAX_LISTS {
            lx.new_list().expect("within the limit");
        }
        assert!(lx.new_list().is_err());
    }
}
