//! Grouping without string sorts: ids are interned to dense numbers with a fast hash, and records
//! are grouped by a dense key with a counting sort. The reports over 100,000 scorecards spend most
//! of their time here, so it is kept in one place.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: a fast, non-cryptographic hash for short ids. The ids come from our own store, not
/// from an attacker choosing collisions, and a flood of collisions would only slow a report.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A map keyed by short strings, hashed with FNV-1a.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Gives each distinct string a dense number, in order of first appearance.
#[derive(Default)]
pub(crate) struct Interner<'a> {
    ids: FastMap<&'a str, u32>,
    names: Vec<&'a str>,
    /// The last string looked up: records usually come grouped (a store lists an application's
    /// scorecards together), and comparing with the last one (or the one after it) skips a cold
    /// hash-table probe.
    last: Option<(&'a str, u32)>,
}

/// Up to this many distinct strings, a linear scan beats hashing (rubric dimensions, stages).
const SCAN: usize = 12;

impl<'a> Interner<'a> {
    /// An interner with room for `n` distinct strings.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Interner {
            ids: FastMap::with_capacity_and_hasher(n, Default::default()),
            names: Vec::with_capacity(n),
            last: None,
        }
    }

    /// The number of `s`, adding it if new.
    pub(crate) fn intern(&mut self, s: &'a str) -> u32 {
        if let Some((l, i)) = self.last {
            if l == s {
                return i;
            }
            // Keys of a sorted map come in the same order every time, so the string after the
            // last one is the likely next (dimension ids of one scorecard after another).
            if let Some(next) = self.names.get(i as usize + 1)
                && *next == s
            {
                self.last = Some((s, i + 1));
                return i + 1;
            }
        }
        let i = self.lookup(s);
        self.last = Some((s, i));
        i
    }

    fn lookup(&mut self, s: &'a str) -> u32 {
        if self.names.len() <= SCAN
            && let Some(i) = self.names.iter().position(|n| *n == s)
        {
            return i as u32;
        }
        let next = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let names = &mut self.names;
        *self.ids.entry(s).or_insert_with(|| {
            names.push(s);
            next
        })
    }

    /// The strings, by number.
    pub(crate) fn names(&self) -> &[&'a str] {
        &self.names
    }

    /// For each number, its rank when the strings are sorted: output order must not depend on
    /// input order, so numbers given by first appearance are mapped to sorted positions.
    pub(crate) fn sorted_ranks(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        order.sort_unstable_by_key(|i| self.names.get(*i).copied().unwrap_or(""));
        let mut rank = vec![0; order.len()];
        for (r, i) in order.into_iter().enumerate() {
            if let Some(x) = rank.get_mut(i) {
                *x = r;
            }
        }
        rank
    }
}

/// Groups the records `0..n` by a dense key in `0..groups` (a counting sort, O(n + groups)):
/// returns the record indices ordered by key (stable within a key) and, for each key, where its
/// run starts (`groups + 1` entries). Records whose key is `None` are left out.
pub(crate) fn group_by_key(
    n: usize,
    groups: usize,
    key: impl Fn(usize) -> Option<u32>,
) -> (Vec<u32>, Vec<usize>) {
    let mut starts = vec![0usize; groups + 1];
    for k in (0..n).filter_map(&key) {
        if let Some(s) = starts.get_mut(k as usize + 1) {
            *s += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut order = vec![0u32; starts.last().copied().unwrap_or(0)];
    for i in 0..n {
        let Some(k) = key(i) else { continue };
        if let Some(at) = next.get_mut(k as usize)
            && let Some(slot) = order.get_mut(*at)
        {
            *slot = i as u32;
            *at += 1;
        }
    }
    (order, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_and_grouping() {
        let mut i = Interner::default();
        let keys: Vec<Option<u32>> = ["b", "a", "b", "c", "a"]
            .iter()
            .map(|s| Some(i.intern(s)))
            .collect();
        assert_eq!(i.names(), ["b", "a", "c"]);
        assert_eq!(i.sorted_ranks(), [1, 0, 2]);
        let (order, starts) = group_by_key(keys.len(), 3, |i| keys[i]);
        assert_eq!(order, [0, 2, 1, 4, 3]);
        assert_eq!(starts, [0, 2, 4, 5]);
        let keys = [None, Some(1)];
        let (order, starts) = group_by_key(2, 2, |i| keys[i]);
        assert_eq!((order, starts), (vec![1], vec![0, 0, 1]));
    }
}
