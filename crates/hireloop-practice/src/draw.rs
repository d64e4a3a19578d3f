//! Seeded, reproducible choices. The generator and the shuffle are our own code over a PCG
//! stream, whose output is fixed by its specification, so a loop drawn today is drawn the same way
//! after any dependency update.

use rand_pcg::Pcg64;
use rand_pcg::rand_core::Rng;

/// FNV-1a: a stable hash of a round id, so each round draws from its own stream and adding a
/// round to a pipeline does not reshuffle the others.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The generator for one round of a loop.
pub(crate) fn rng_for(seed: u64, round: &str) -> Pcg64 {
    let state = (u128::from(seed) << 64) | 0x853c_49e6_748f_ea9b;
    Pcg64::new(state, u128::from(fnv1a(round)))
}

/// A uniform index below `n` (which must be positive), without modulo bias.
fn below(rng: &mut Pcg64, n: usize) -> usize {
    let n = n as u64;
    // Reject the top sliver of the range that does not divide evenly by n.
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return (x % n) as usize;
        }
    }
}

/// Fisher–Yates shuffle.
pub(crate) fn shuffle<T>(rng: &mut Pcg64, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i + 1);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_and_reproducible() {
        let mut a: Vec<u32> = (0..50).collect();
        let mut b = a.clone();
        shuffle(&mut rng_for(7, "r"), &mut a);
        shuffle(&mut rng_for(7, "r"), &mut b);
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        let mut c: Vec<u32> = (0..50).collect();
        shuffle(&mut rng_for(7, "other"), &mut c);
        assert_ne!(a, c, "rounds draw from their own streams");
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = rng_for(1, "x");
        for n in 1..40 {
            assert!(below(&mut rng, n) < n);
        }
    }
}
