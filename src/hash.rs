//! Hashing every stage may use. The engine's caches are keyed by hashes of the values a step
//! is given (see ARCHITECTURE.md, "Recorded inputs"), so these hashes are stable: the same bytes
//! give the same number in every process and on every system (xxh3), unlike std's seeded hasher.
//! Ground floor: depends on nothing else in folio.

use serde::Serialize;
use std::cell::Cell;
use std::hash::{Hash, Hasher};

/// A stable 64-bit hasher (xxh3).
pub type StableHasher = xxhash_rust::xxh3::Xxh3;

/// Hashes anything hashable into one stable number.
pub fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = StableHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Hash of raw bytes (file texts, rendered HTML).
pub fn hash_bytes(b: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(b)
}

/// What names a file's bytes without holding them: their 128-bit hash (xxh3-128) and length.
/// `folio serve` keeps only this of each rendered file, in its job records and snapshots; the
/// bytes are in its store on disk under the hash (issue 17). 128 bits, not the 64 the engine's
/// keys use: a key that collides re-renders a page for nothing, a content address that collides
/// serves one page's bytes at another's address. With 64 bits a 100,000-file site has a
/// collision in about one of 4·10⁹ builds; with 128, never in practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    pub hash: u128,
    pub len: u64,
}

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest { hash: xxhash_rust::xxh3::xxh3_128(bytes), len: bytes.len() as u64 }
    }

    /// The hash as 32 lowercase hex digits (a file name on every system).
    pub fn hex(&self) -> String {
        format!("{:032x}", self.hash)
    }
}

/// FNV-1a of a string: a tiny stable hash for deterministic choices (banner rotation).
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

thread_local! {
    /// Set while [`hash_serialized`] runs on this thread: [`Prehashed`] values then write their
    /// hash instead of their text.
    static HASHING: Cell<bool> = const { Cell::new(false) };
}

struct HashWriter(StableHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Hash of a value's serialized form: exactly what a template would be given. Large texts
/// wrapped in [`Prehashed`] contribute the hash of their bytes, computed once when they were
/// made, instead of being serialized again.
pub fn hash_serialized<T: Serialize + ?Sized>(v: &T) -> u64 {
    let was = HASHING.with(|f| f.replace(true));
    let mut w = HashWriter(StableHasher::new());
    let ok = serde_json::to_writer(&mut w, v).is_ok();
    HASHING.with(|f| f.set(was));
    // A value that cannot be serialized cannot be rendered either; give it a hash of its own
    // so it never matches a cached result.
    if ok {
        w.0.finish()
    } else {
        u64::MAX
    }
}

/// A text with the hash of its bytes: serializes as the text for templates, and as the hash
/// inside [`hash_serialized`], so hashing a page's context does not re-read its whole body.
#[derive(Debug, Clone)]
pub struct Prehashed<'a> {
    pub text: std::borrow::Cow<'a, str>,
    pub hash: u64,
}

impl Serialize for Prehashed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if HASHING.with(Cell::get) {
            s.serialize_u64(self.hash)
        } else {
            s.serialize_str(&self.text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_prehashed() {
        assert_eq!(hash_bytes(b"folio"), hash_bytes(b"folio"));
        assert_ne!(hash_of("a"), hash_of("b"));
        let text = "long body";
        let p = Prehashed { text: text.into(), hash: hash_bytes(text.as_bytes()) };
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"long body\"");
        let other = Prehashed { text: "other body".into(), hash: hash_bytes(b"other body") };
        assert_ne!(hash_serialized(&p), hash_serialized(&other));
        assert_eq!(hash_serialized(&p), hash_serialized(&Prehashed { text: "ignored while hashing".into(), hash: p.hash }));
        // The flag is reset afterwards.
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"long body\"");
    }

    #[test]
    fn digests_name_bytes() {
        assert_eq!(Digest::of(b"<p>a</p>"), Digest::of(b"<p>a</p>"));
        assert_ne!(Digest::of(b"<p>a</p>").hash, Digest::of(b"<p>b</p>").hash);
        assert_eq!(Digest::of(b"abc").len, 3);
        // Stable across processes and systems: the store's file names depend on it.
        assert_eq!(Digest::of(b"").hex(), "99aa06d3014798d86001c324468d497f");
        assert_eq!(Digest::of(b"").hex().len(), 32);
    }
}
