//! A fast hasher for the prover's own tables (automaton states, product states): keys are
//! short vectors of small integers, where SipHash's per-call cost was a sixth of a proof
//! over a thousand actions. Not for keys an attacker picks to collide: these are states
//! the prover builds from the user's own policies, and a collision only costs time.
//! (The multiply-rotate step of rustc's FxHasher.)

use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hashing of words.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_alike_and_a_table_finds_them() {
        let mut m: FxHashMap<(u32, Vec<(u32, u32)>), usize> = FxHashMap::default();
        for i in 0..1000u32 {
            m.insert((i % 7, vec![(i, i * 3), (i + 1, 0)]), i as usize);
        }
        assert_eq!(m.len(), 1000);
        assert_eq!(m.get(&(5, vec![(12, 36), (13, 0)])), Some(&12));
        assert_eq!(m.get(&(5, vec![(12, 36), (13, 1)])), None);
    }
}
