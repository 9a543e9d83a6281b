//! Topic names and topic filters (MQTT 3.1.1 section 4.7).
//!
//! Byte-level on purpose: `str::split` would pull `memchr` into the engine.

use crate::error::Error;

/// A topic name: non-empty, well-formed UTF-8, no wildcards, no NUL.
pub fn validate_name(topic: &[u8]) -> Result<(), Error> {
    if topic.is_empty() {
        return Err(Error::BadParameter);
    }
    let plain = plain_ascii_prefix(topic);
    let rest = topic.get(plain..).unwrap_or_default();
    if rest.iter().any(|b| matches!(b, b'+' | b'#' | 0)) || !is_utf8(rest) {
        return Err(Error::BadParameter);
    }
    Ok(())
}

/// A word with every byte set to `b`.
const fn splat(b: u8) -> usize {
    usize::from_ne_bytes([b; WORD])
}

const WORD: usize = core::mem::size_of::<usize>();
const LOW: usize = splat(0x01);
const HIGH: usize = splat(0x80);

/// Whether some byte of `v` is zero (exact for "some", SWAR).
const fn has_zero(v: usize) -> bool {
    v.wrapping_sub(LOW) & !v & HIGH != 0
}

/// Length of the longest prefix, in whole words, of ASCII bytes that are
/// none of `+`, `#`, NUL. Topics are nearly always plain ASCII, and this
/// checks a word per step where the byte loop below takes one byte.
fn plain_ascii_prefix(b: &[u8]) -> usize {
    let mut n = 0;
    for chunk in b.chunks_exact(WORD) {
        // A chunk is always WORD bytes; the fallback (high bits set) stops.
        let v = usize::from_ne_bytes(chunk.try_into().unwrap_or([0xff; WORD]));
        if v & HIGH != 0 || has_zero(v) || has_zero(v ^ splat(b'+')) || has_zero(v ^ splat(b'#')) {
            break;
        }
        n += WORD;
    }
    n
}

/// Well-formed UTF-8, checking plain ASCII a word at a time first (the C
/// API's strings: client id, user name; the Rust API gets `&str`s). A
/// string of at least a word whose every word, the last one overlapping
/// the one before, is ASCII needs no byte loop at all.
pub fn is_utf8_fast(b: &[u8]) -> bool {
    let ascii = |w: &[u8]| {
        let v = usize::from_ne_bytes(w.try_into().unwrap_or([0xff; WORD]));
        v & HIGH == 0
    };
    let words = b.chunks_exact(WORD);
    let tail = words.remainder();
    let mut n = 0;
    for w in words {
        if !ascii(w) {
            return is_utf8(b.get(n..).unwrap_or_default());
        }
        n += WORD;
    }
    match b.len().checked_sub(WORD) {
        _ if tail.is_empty() => true,
        Some(last) if ascii(b.get(last..).unwrap_or_default()) => true,
        _ => is_utf8(tail),
    }
}

/// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
/// above U+10FFFF). A few dozen instructions instead of `core::str`'s
/// table-driven validator, which costs 800 bytes on Cortex-M.
pub fn is_utf8(b: &[u8]) -> bool {
    // Unicode table 3-7: the lead byte gives the length and the range of the
    // second byte (which rules out overlong forms, surrogates and code
    // points above U+10FFFF); further bytes are 0x80..=0xbf.
    let mut it = b.iter();
    while let Some(&c) = it.next() {
        let (more, lo, hi) = match c {
            0..=0x7f => continue,
            0xc2..=0xdf => (0, 0x80, 0xbf),
            0xe0 => (1, 0xa0, 0xbf),
            0xed => (1, 0x80, 0x9f),
            0xe1..=0xef => (1, 0x80, 0xbf),
            0xf0 => (2, 0x90, 0xbf),
            0xf4 => (2, 0x80, 0x8f),
            0xf1..=0xf3 => (2, 0x80, 0xbf),
            _ => return false,
        };
        if it.next().is_none_or(|d| !(lo..=hi).contains(d)) {
            return false;
        }
        for _ in 0..more {
            if it.next().is_none_or(|&d| d & 0xc0 != 0x80) {
                return false;
            }
        }
    }
    true
}

/// A topic filter: non-empty, well-formed UTF-8, no NUL; `+` fills a whole
/// level; `#` fills a whole level and is the last character.
#[cfg_attr(not(target_os = "none"), inline(always))]
pub fn validate_filter(filter: &[u8]) -> Result<(), Error> {
    let plain = plain_ascii_prefix(filter);
    let rest = filter.get(plain..).unwrap_or_default();
    let mut prev = match plain {
        0 => b'/',
        n => filter.get(n - 1).copied().unwrap_or(b'/'),
    };
    for &c in rest {
        let wildcard = matches!(c, b'+' | b'#');
        if c == 0 || prev == b'#' || (prev == b'+' && c != b'/') || (wildcard && prev != b'/') {
            return Err(Error::BadParameter);
        }
        prev = c;
    }
    if filter.is_empty() || !is_utf8(rest) {
        return Err(Error::BadParameter);
    }
    Ok(())
}

/// Whether `topic` matches `filter`, with `+` and `#` wildcards.
///
/// Topics starting with `$` are not matched by a filter starting with a
/// wildcard (section 4.7.2). Both arguments are assumed valid. One pass
/// over both, byte by byte (no level splitting, no `memcmp`).
pub fn matches(filter: &[u8], topic: &[u8]) -> bool {
    if topic.first() == Some(&b'$') && matches!(filter.first(), Some(b'+' | b'#')) {
        return false;
    }
    let (mut f, mut t) = (0, 0);
    loop {
        match filter.get(f) {
            None => return t == topic.len(),
            Some(b'#') => return true,
            Some(b'+') => {
                // One whole level of the topic, possibly empty.
                while topic.get(t).is_some_and(|&c| c != b'/') {
                    t += 1;
                }
            }
            Some(&c) => {
                if topic.get(t) != Some(&c) {
                    // "a/#" also matches its parent "a".
                    return t == topic.len()
                        && c == b'/'
                        && filter.get(f + 1) == Some(&b'#')
                        && f + 2 == filter.len();
                }
                t += 1;
            }
        }
        f += 1;
    }
}
