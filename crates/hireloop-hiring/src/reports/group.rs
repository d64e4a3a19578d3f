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

/// A 64-bit hash of a short id, eight bytes at a time (FNV-1a above takes a multiply per byte,
/// and ids are hashed once per scorecard). Not collision-resistant against a chosen input; see
/// [`Fnv`] for why that is acceptable here.
pub(crate) fn hash_id(s: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes = s.as_bytes();
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut word = [0u8; 8];
        if let Some(w) = word.get_mut(..tail.len()) {
            w.copy_from_slice(tail);
        }
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    // Murmur3's finaliser, so that the low bits used to pick a slot depend on every byte.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Gives each distinct string a dense number, in order of first appearance.
///
/// The distinct strings are copied into one buffer the interner owns. Looking an id up then reads
/// the id's own bytes and this small, cache-resident buffer, never the first record that carried
/// the id: in a large, unordered input that record lies anywhere in memory, and fetching it again
/// for every comparison made lookups several times slower.
#[derive(Default)]
pub(crate) struct Interner {
    /// Open addressing with linear probing: `(high half of the hash, number + 1)`, `0` for empty.
    /// A power of two in length, at most half full.
    slots: Vec<(u32, u32)>,
    /// The distinct strings, one after another.
    text: String,
    /// Each number's span in `text`.
    spans: Vec<(usize, usize)>,
}

impl Interner {
    /// How many distinct strings there are.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The string numbered `i` (empty if there is none).
    pub(crate) fn name(&self, i: usize) -> &str {
        self.spans
            .get(i)
            .and_then(|(a, b)| self.text.get(*a..*b))
            .unwrap_or("")
    }

    /// The strings, by number.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.name(i))
    }

    /// The number of `s`, adding it if new.
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        self.intern_hashed(s, hash_id(s))
    }

    /// Loads what looking up the string with hash `h` will read (its slot and the stored string
    /// there), so that a lookup soon after finds it in cache. Returns a byte of it, for the caller
    /// to keep the loads from being optimised away.
    pub(crate) fn touch(&self, h: u64) -> u8 {
        let at = h as usize & self.slots.len().wrapping_sub(1);
        match self.slots.get(at) {
            Some((_, id)) if *id != 0 => self.name(*id as usize - 1).bytes().next().unwrap_or(0),
            _ => 0,
        }
    }

    /// [`Interner::intern`] with the hash already worked out by [`hash_id`].
    pub(crate) fn intern_hashed(&mut self, s: &str, h: u64) -> u32 {
        if 2 * (self.spans.len() + 1) > self.slots.len() {
            self.grow();
        }
        let tag = (h >> 32) as u32;
        let mask = self.slots.len() - 1;
        let mut at = h as usize & mask;
        loop {
            let Some(slot) = self.slots.get_mut(at) else {
                // Unreachable: `at` is masked to the table. Numbering past the end keeps the
                // report going rather than panicking.
                return u32::MAX;
            };
            let (t, id) = *slot;
            if id == 0 {
                let next = u32::try_from(self.spans.len() + 1).unwrap_or(u32::MAX);
                *slot = (tag, next);
                let start = self.text.len();
                self.text.push_str(s);
                self.spans.push((start, self.text.len()));
                return next - 1;
            }
            if t == tag && self.name(id as usize - 1) == s {
                return id - 1;
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the table, re-placing every string by its hash.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let mut slots = vec![(0u32, 0u32); size];
        let mask = size - 1;
        for (i, (a, b)) in self.spans.iter().enumerate() {
            let h = hash_id(self.text.get(*a..*b).unwrap_or(""));
            let mut at = h as usize & mask;
            while slots.get(at).is_some_and(|(_, id)| *id != 0) {
                at = (at + 1) & mask;
            }
            if let Some(slot) = slots.get_mut(at) {
                *slot = ((h >> 32) as u32, u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        self.slots = slots;
    }

    /// For each number, its rank when the strings are sorted: output order must not depend on
    /// input order, so numbers given by first appearance are mapped to sorted positions.
    pub(crate) fn sorted_ranks(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_unstable_by_key(|i| self.name(*i));
        let mut rank = vec![0; order.len()];
        for (r, i) in order.into_iter().enumerate() {
            if let Some(x) = rank.get_mut(i) {
                *x = r;
            }
        }
        rank
    }
}

/// Groups records by a dense key in `0..groups` with a counting sort (O(n + groups)): returns
/// copies of the records ordered by key (stable within a key) and, for each key, where its run
/// starts (`groups + 1` entries). Records whose key is `groups` or more are left out.
///
/// The records themselves are moved, not indices to them: reading each group then walks memory
/// in order, where gathering by index from a large, unordered input missed the cache once a record.
pub(crate) fn group_by_key<T: Copy>(
    items: &[T],
    groups: usize,
    key: impl Fn(&T) -> usize,
) -> (Vec<T>, Vec<usize>) {
    let mut starts = vec![0usize; groups + 1];
    for item in items {
        if let Some(s) = starts.get_mut(key(item).saturating_add(1)) {
            *s += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let Some(first) = items.first() else {
        return (Vec::new(), starts);
    };
    let mut out = vec![*first; starts.last().copied().unwrap_or(0)];
    for item in items {
        if let Some(at) = next.get_mut(key(item))
            && let Some(slot) = out.get_mut(*at)
        {
            *slot = *item;
            *at += 1;
        }
    }
    (out, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_and_grouping() {
        let mut i = Interner::default();
        let keys: Vec<u32> = ["b", "a", "b", "c", "a"]
            .iter()
            .map(|s| i.intern(s))
            .collect();
        assert_eq!(keys, [0, 1, 0, 2, 1]);
        assert_eq!(i.names().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(i.name(3), "");
        assert_eq!(i.sorted_ranks(), [1, 0, 2]);
        let (sorted, starts) = group_by_key(&keys, 3, |k| *k as usize);
        assert_eq!(sorted, [0, 0, 1, 1, 2]);
        assert_eq!(starts, [0, 2, 4, 5]);
        let keys = [(9, 'x'), (1, 'a'), (0, 'b'), (1, 'c')];
        let (sorted, starts) = group_by_key(&keys, 2, |k| k.0);
        assert_eq!(
            (sorted, starts),
            (vec![(0, 'b'), (1, 'a'), (1, 'c')], vec![0, 1, 3])
        );
        let (sorted, starts) = group_by_key(&[] as &[u8], 2, |k| usize::from(*k));
        assert_eq!((sorted, starts), (vec![], vec![0, 0, 0]));
    }
}
