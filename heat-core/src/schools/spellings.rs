//! Spelling closeness over a directory's core names: Jaro-Winkler, with most names ruled out
//! by an upper bound worked out from their lengths and letters before the score is.
//!
//! A search first scores a few names of about the typed length (where the name meant by a
//! typing slip is), so that the bound starts from a score already reached; then it works out
//! the bound over the names of every length that can still reach it, and scores them highest
//! bound first until no name left can reach the scores found. The answers are those of
//! comparing every name (a unit test compares them).

use std::collections::HashMap;
use std::ops::Range;

use crate::names::JaroWinklerOf;

/// Scores this close are the same score.
pub(super) const SAME_SCORE: f64 = 1e-12;

/// How many names of about the typed length are scored before the bound is worked out.
const FIRST_TRIES: usize = 8;

/// Core names ready for spelling comparison, sorted by length then name, with their
/// characters counted (kept apart, so that the bound runs over one contiguous array).
#[derive(Debug, Clone, Default)]
pub(super) struct Spellings {
    names: Vec<Spelled>,
    bins: Vec<Bins>,
    heads: Vec<Head>,
    /// `starts[l]`: the position of the first name at least `l` characters long.
    starts: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Spelled {
    key: String,
    len: usize,
    schools: Vec<usize>,
}

/// A name's characters counted in 32 bins: the letters, the digits, the space and four bins for
/// the rest.
type Bins = [u8; 32];

/// A name's first four characters (NUL past its end), for the prefix Jaro-Winkler rewards.
type Head = [char; 4];

fn head_of(s: &str) -> Head {
    let mut head = ['\0'; 4];
    for (h, c) in head.iter_mut().zip(s.chars()) {
        *h = c;
    }
    head
}

/// At least the prefix two names share, as Jaro-Winkler counts it (at most four characters).
fn shared_head(a: &Head, b: &Head) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn bins_of(s: &str) -> (Bins, usize) {
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
    (bins, len)
}

/// At least the number of characters two names can match (as Jaro counts matches), before
/// their lengths cap it: the characters they have in common, bin by bin.
fn in_both(a: &Bins, b: &Bins) -> usize {
    usize::from(
        a.iter()
            .zip(b)
            .map(|(x, y)| u16::from(*x.min(y)))
            .sum::<u16>(),
    )
}

/// The name looked for, counted once.
struct Typed<'k> {
    bins: Bins,
    len: usize,
    head: Head,
    score: JaroWinklerOf<'k>,
}

impl<'k> Typed<'k> {
    fn new(key: &'k str) -> Typed<'k> {
        let (bins, len) = bins_of(key);
        Typed {
            bins,
            len,
            head: head_of(key),
            score: JaroWinklerOf::new(key),
        }
    }
}

impl Spellings {
    pub(super) fn new(core: &HashMap<String, Vec<usize>>) -> Spellings {
        let mut names: Vec<(Spelled, Bins)> = core
            .iter()
            .map(|(key, schools)| {
                let (bins, len) = bins_of(key);
                let spelled = Spelled {
                    key: key.clone(),
                    len,
                    schools: schools.clone(),
                };
                (spelled, bins)
            })
            .collect();
        names.sort_by(|a, b| (a.0.len, &a.0.key).cmp(&(b.0.len, &b.0.key)));
        let longest = names.last().map_or(0, |n| n.0.len);
        let (names, bins): (Vec<Spelled>, Vec<Bins>) = names.into_iter().unzip();
        let heads = names.iter().map(|n| head_of(&n.key)).collect();
        let starts = (0..=longest + 1)
            .map(|l| names.partition_point(|n| n.len < l))
            .collect();
        Spellings {
            names,
            bins,
            heads,
            starts,
        }
    }

    /// The lengths of names that can reach `at_least` beside a name of `len` characters: Jaro
    /// is at most (2 + shorter / longer) / 3, and the prefix adds at most 0.4 of what is left.
    fn lengths(&self, len: usize, at_least: f64) -> Range<usize> {
        let all = 0..self.starts.len().saturating_sub(1);
        let ratio = 3.0 * (at_least - 0.6) / 0.4 - 2.0 - SAME_SCORE;
        if ratio <= 0.0 || len == 0 {
            return all;
        }
        let shortest = (len as f64 * ratio).ceil() as usize;
        let longest = (len as f64 / ratio).floor() as usize;
        shortest.min(all.end)..(longest + 1).min(all.end)
    }

    /// Appends the names of `lengths` whose Jaro-Winkler similarity to `typed` could reach
    /// `at_least`, each with that upper bound.
    fn could_reach(
        &self,
        typed: &Typed,
        lengths: Range<usize>,
        at_least: f64,
        out: &mut Vec<(f64, usize)>,
    ) {
        // Jaro, with the longest prefix, reaches `at_least` only with this many matches.
        let jaro_needed = (at_least - SAME_SCORE - 0.4) / 0.6;
        for len in lengths {
            let run = self.starts[len]..self.starts[len + 1];
            if run.is_empty() {
                continue;
            }
            if typed.len == 0 || len == 0 {
                // Jaro-Winkler is 1 for two empty names and 0 for an empty one beside another.
                let bound = if typed.len == len { 1.0 } else { 0.0 };
                if bound >= at_least - SAME_SCORE {
                    out.extend(run.map(|i| (bound, i)));
                }
                continue;
            }
            let per = 1.0 / typed.len as f64 + 1.0 / len as f64;
            let fewest = ((3.0 * jaro_needed - 1.0) / per).ceil().max(0.0) as usize;
            // Jaro with m matches and no transpositions: m * per / 3 + 1 / 3.
            let third_per = per / 3.0;
            let most = typed.len.min(len);
            if most < fewest {
                continue;
            }
            for (i, bins) in self.bins[run.clone()].iter().enumerate() {
                let m = in_both(&typed.bins, bins).min(most);
                if m < fewest {
                    continue;
                }
                let i = run.start + i;
                let jaro = m as f64 * third_per + 1.0 / 3.0;
                let prefix = shared_head(&typed.head, &self.heads[i]);
                let bound = jaro + prefix as f64 * 0.1 * (1.0 - jaro);
                if bound >= at_least - SAME_SCORE {
                    out.push((bound, i));
                }
            }
        }
    }

    /// The names that could reach `at_least`, highest bound first, counting only names of
    /// about the typed length when `near_length`.
    fn ranked(&self, typed: &Typed, at_least: f64, near_length: bool) -> Vec<(f64, usize)> {
        let mut lengths = self.lengths(typed.len, at_least);
        if near_length {
            lengths = lengths.start.max(typed.len.saturating_sub(1))
                ..lengths.end.min(typed.len + 2).max(lengths.start);
        }
        let mut out = Vec::new();
        self.could_reach(typed, lengths, at_least, &mut out);
        out.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        out
    }

    /// The scores of the few names of about the typed length most likely to be near it.
    fn first_scores(&self, typed: &mut Typed, at_least: f64) -> Vec<(f64, usize)> {
        self.ranked(typed, at_least, true)
            .into_iter()
            .take(FIRST_TRIES)
            .map(|(_, i)| (typed.score.score(&self.names[i].key), i))
            .collect()
    }

    /// The schools of the names most like `key`, at least `at_least` alike (all that tie).
    pub(super) fn best(&self, key: &str, at_least: f64) -> Vec<usize> {
        let mut typed = Typed::new(key);
        let reached = self
            .first_scores(&mut typed, at_least)
            .into_iter()
            .fold(at_least, |best, (score, _)| best.max(score));
        let mut best = at_least;
        let mut found = Vec::new();
        for (bound, i) in self.ranked(&typed, reached, false) {
            if bound < best - SAME_SCORE {
                // Highest bound first: no name left can reach the best score found.
                break;
            }
            let n = &self.names[i];
            let score = typed.score.score(&n.key);
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
        if k == 0 {
            return Vec::new();
        }
        let mut typed = Typed::new(key);
        // Keeps the k best schools found (a school left out now never comes back) and says the
        // k-th best score, once k schools have one.
        let kth = |scored: &mut Vec<(f64, usize)>| {
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(k);
            scored.get(k - 1).map_or(f64::NEG_INFINITY, |s| s.0)
        };
        let mut first: Vec<(f64, usize)> = self
            .first_scores(&mut typed, at_least)
            .into_iter()
            .filter(|(score, _)| *score >= at_least)
            .flat_map(|(score, i)| self.names[i].schools.iter().map(move |&s| (score, s)))
            .collect();
        let reached = kth(&mut first).max(at_least);
        let mut scored: Vec<(f64, usize)> = Vec::new();
        let mut least = f64::NEG_INFINITY;
        for (bound, i) in self.ranked(&typed, reached, false) {
            if bound < least - SAME_SCORE {
                // Highest bound first: no name left can reach the k-th best score found.
                break;
            }
            let n = &self.names[i];
            let score = typed.score.score(&n.key);
            if score >= at_least {
                scored.extend(n.schools.iter().map(|&s| (score, s)));
                least = kth(&mut scored);
            }
        }
        kth(&mut scored);
        scored.into_iter().map(|(_, s)| s).collect()
    }
}
