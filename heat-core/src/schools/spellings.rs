//! Spelling closeness over a directory's core names: Jaro-Winkler, with most names ruled out
//! by an upper bound worked out from their lengths and letters before the score is.

use std::collections::HashMap;

use crate::names::jaro_winkler;

/// Scores this close are the same score.
pub(super) const SAME_SCORE: f64 = 1e-12;

/// Core names ready for spelling comparison: each with its length and letter counts, so that
/// most names are ruled out by an upper bound on their Jaro-Winkler similarity before it is
/// worked out (the answers are those of comparing every name).
#[derive(Debug, Clone, Default)]
pub(super) struct Spellings {
    names: Vec<Spelled>,
}

#[derive(Debug, Clone)]
struct Spelled {
    key: String,
    letters: Letters,
    schools: Vec<usize>,
}

/// A name's length in characters and its characters counted in 32 bins.
#[derive(Debug, Clone, Copy)]
struct Letters {
    len: usize,
    bins: [u8; 32],
}

impl Letters {
    fn of(s: &str) -> Letters {
        let mut bins = [0u8; 32];
        let mut len = 0;
        for c in s.chars() {
            let bin = match c {
                'a'..='z' => c as usize - 'a' as usize,
                '0'..='9' => 26,
                ' ' => 27,
                _ => 28 + (c as usize % 4),
            };
            bins[bin] = bins[bin].saturating_add(1);
            len += 1;
        }
        Letters { len, bins }
    }

    /// At least the number of characters two names can match (as Jaro counts matches).
    fn shared(&self, other: &Letters) -> usize {
        let in_both = self
            .bins
            .iter()
            .zip(&other.bins)
            .fold(0u16, |sum, (a, b)| sum + u16::from(*a.min(b)));
        usize::from(in_both).min(self.len).min(other.len)
    }
}

impl Spellings {
    pub(super) fn new(core: &HashMap<String, Vec<usize>>) -> Spellings {
        let mut names: Vec<Spelled> = core
            .iter()
            .map(|(key, schools)| Spelled {
                key: key.clone(),
                letters: Letters::of(key),
                schools: schools.clone(),
            })
            .collect();
        // By length, then name: a threshold rules out names much shorter or longer at once.
        names.sort_by(|a, b| (a.letters.len, &a.key).cmp(&(b.letters.len, &b.key)));
        Spellings { names }
    }

    /// The names of a length that can reach `at_least` beside a name of `len` characters: Jaro
    /// is at most (2 + shorter / longer) / 3, and the prefix adds at most 0.4 of what is left.
    fn by_length(&self, len: usize, at_least: f64) -> &[Spelled] {
        let ratio = 3.0 * (at_least - 0.6) / 0.4 - 2.0 - SAME_SCORE;
        if ratio <= 0.0 || len == 0 {
            return &self.names;
        }
        let shortest = (len as f64 * ratio).ceil() as usize;
        let longest = (len as f64 / ratio).floor() as usize;
        let from = self.names.partition_point(|n| n.letters.len < shortest);
        let to = self.names.partition_point(|n| n.letters.len <= longest);
        &self.names[from..to.max(from)]
    }

    /// Names whose Jaro-Winkler similarity to `key` could reach `at_least`, with that bound.
    fn could_reach<'s>(&'s self, key: &str, at_least: f64) -> Vec<(f64, &'s Spelled)> {
        let letters = Letters::of(key);
        let head: Vec<char> = key.chars().take(4).collect();
        // Jaro, with the longest prefix, reaches `at_least` only with this many matches.
        let jaro_needed = (at_least - SAME_SCORE - 0.4) / 0.6;
        let mut fewest = (0, 0);
        let mut out = Vec::new();
        for n in self.by_length(letters.len, at_least) {
            let bound = if letters.len == 0 || n.letters.len == 0 {
                1.0
            } else {
                if fewest.0 != n.letters.len {
                    let per = 1.0 / letters.len as f64 + 1.0 / n.letters.len as f64;
                    let m = (3.0 * jaro_needed - 1.0) / per;
                    fewest = (n.letters.len, m.ceil().max(0.0) as usize);
                }
                let m = letters.shared(&n.letters);
                if m < fewest.1 {
                    continue;
                }
                let m = m as f64;
                let jaro = (m / letters.len as f64 + m / n.letters.len as f64 + 1.0) / 3.0;
                let prefix = head
                    .iter()
                    .zip(n.key.chars())
                    .take_while(|(a, b)| **a == *b)
                    .count();
                jaro + prefix as f64 * 0.1 * (1.0 - jaro)
            };
            if bound >= at_least - SAME_SCORE {
                out.push((bound, n));
            }
        }
        out
    }

    /// The schools of the names most like `key`, at least `at_least` alike (all that tie).
    pub(super) fn best(&self, key: &str, at_least: f64) -> Vec<usize> {
        let mut best = at_least;
        let mut found = Vec::new();
        for (_, n) in self.could_reach(key, at_least) {
            let score = jaro_winkler(key, &n.key);
            if score > best + SAME_SCORE {
                best = score;
                found.clear();
            }
            if (score - best).abs() <= SAME_SCORE {
                found.extend(n.schools.iter().copied());
            }
        }
        found
    }

    /// Up to `k` schools with the names most like `key`, at least `at_least` alike, best first
    /// (ties: the school read first).
    pub(super) fn nearest(&self, key: &str, at_least: f64, k: usize) -> Vec<usize> {
        // Closer thresholds first: most names have k near names well above `at_least`, and a
        // higher threshold rules out more names unread.
        for level in [0.9, 0.85, at_least] {
            let level = level.max(at_least);
            let mut scored: Vec<(f64, usize)> = Vec::new();
            for (_, n) in self.could_reach(key, level) {
                let score = jaro_winkler(key, &n.key);
                if score >= level {
                    scored.extend(n.schools.iter().map(|&i| (score, i)));
                }
            }
            if scored.len() >= k || level <= at_least {
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                return scored.into_iter().take(k).map(|(_, i)| i).collect();
            }
        }
        Vec::new()
    }
}
