//! Stable hashes of bytes (shards, resume keys, input hashes, fingerprints). A leaf module.

/// FNV-1a, 64 bits: a stable, fast, non-cryptographic hash for shards and resume checks.
pub fn fnv64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
