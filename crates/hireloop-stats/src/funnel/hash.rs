//! Hashing and interning. The keys come from the user's own file, so resistance to crafted
//! collisions (what the standard SipHash buys) is not needed here; speed and memory are.

use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hashing over 8-byte words.
#[derive(Default, Clone, Copy)]
pub struct WordHasher {
    state: u64,
}

/// An odd constant with well-mixed bits (from the golden ratio).
const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl WordHasher {
    #[inline(always)]
    fn add(&mut self, word: u64) {
        self.state = (self.state.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.add(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }

    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.add(v);
    }

    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.add(v as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // A product's low bits depend only on the inputs' low bits; fold the well-mixed high half
        // down so bucket indexes (taken from the low bits) see all of the key.
        self.state ^ (self.state >> 32)
    }
}

/// Builds [`WordHasher`]s for `HashMap`.
pub type FastHash = BuildHasherDefault<WordHasher>;

/// The hash of a byte string (length included, so `a` and `a\0` differ).
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = WordHasher::default();
    h.write_usize(bytes.len());
    h.write(bytes);
    h.finish()
}

/// Interned byte strings (breakdown values) with dense ids in order of first appearance.
///
/// The strings sit end to end in one arena and the table holds only a hash tag and an id per
/// slot: no allocation per string, and a lookup reads one slot and, when the tag matches, the
/// bytes once.
#[derive(Debug, Default, Clone)]
pub struct StrTable {
    arena: Vec<u8>,
    /// End of each string in `arena` (each starts where the previous ends).
    ends: Vec<usize>,
    /// Hash of each string, kept to grow the table without rehashing bytes.
    hashes: Vec<u64>,
    /// `0` for empty, else the hash's high 32 bits above `id + 1`.
    slots: Vec<u64>,
}

impl StrTable {
    /// The number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The string with id `id`.
    pub fn get(&self, id: usize) -> &[u8] {
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.arena[start..self.ends[id]]
    }

    /// The id of `key`, adding it if new.
    #[inline]
    pub fn intern(&mut self, key: &[u8]) -> u32 {
        self.intern_hashed(key, hash_bytes(key))
    }

    /// The id of `key` whose [`hash_bytes`] is `hash`, adding it if new.
    pub fn intern_hashed(&mut self, key: &[u8], hash: u64) -> u32 {
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let tag = hash >> 32;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                // Fewer strings than rows, and rows are fewer than u32::MAX.
                let id = self.ends.len() as u32;
                self.arena.extend_from_slice(key);
                self.ends.push(self.arena.len());
                self.hashes.push(hash);
                self.slots[i] = tag << 32 | u64::from(id + 1);
                return id;
            }
            if slot >> 32 == tag {
                let id = (slot as u32 - 1) as usize;
                if self.get(id) == key {
                    return id as u32;
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let mask = size - 1;
        let mut slots = vec![0u64; size];
        for (id, &hash) in self.hashes.iter().enumerate() {
            let mut i = hash as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (hash >> 32) << 32 | (id as u64 + 1);
        }
        self.slots = slots;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_gives_dense_stable_ids() {
        let mut t = StrTable::default();
        let keys: Vec<String> = (0..5000).map(|i| format!("user-{}", i % 3000)).collect();
        let ids: Vec<u32> = keys.iter().map(|k| t.intern(k.as_bytes())).collect();
        assert_eq!(t.len(), 3000);
        for (k, &id) in keys.iter().zip(&ids) {
            assert_eq!(t.get(id as usize), k.as_bytes());
            assert_eq!(t.intern(k.as_bytes()), id);
        }
        assert_eq!(ids[..3], [0, 1, 2]);
        assert_ne!(t.intern(b""), t.intern(b"\0"));
        assert_eq!(t.intern(b""), t.intern(b""));
    }
}
