//! Word k-gram shingles: consecutive normalised tokens combined into one 64-bit hash. The
//! headline and the body are shingled separately (no shingle spans both).

use super::normalize::Token;

/// Final avalanche of a 64-bit value (splitmix64 finaliser).
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Order-sensitive hash of a window of token hashes.
#[inline]
pub fn shingle_hash(window: &[Token]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3;
    for t in window {
        h = (h.rotate_left(23) ^ t.hash).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    mix64(h)
}

/// Calls `sink(hash, start)` for each k-shingle of `tokens[..headline_tokens]` and of
/// `tokens[headline_tokens..]`; `start` is the index of the shingle's first token. A part with
/// fewer than `k` tokens yields one shingle of all its tokens.
pub fn for_each_shingle(
    tokens: &[Token],
    headline_tokens: usize,
    k: usize,
    mut sink: impl FnMut(u64, usize),
) {
    let (headline, body) = tokens.split_at(headline_tokens.min(tokens.len()));
    for_each_part_shingle(headline, k, |h, start, _| sink(h, start));
    for_each_part_shingle(body, k, |h, start, _| sink(h, headline.len() + start));
}

/// Calls `sink(hash, start, window)` for each k-shingle of one part (the headline or the body),
/// `window` being the shingle's tokens; a part with fewer than `k` tokens yields one shingle of
/// all its tokens. The default k of 3 takes a path the compiler unrolls.
#[inline]
pub fn for_each_part_shingle(part: &[Token], k: usize, mut sink: impl FnMut(u64, usize, &[Token])) {
    if part.is_empty() {
        return;
    }
    if part.len() < k {
        sink(shingle_hash(part), 0, part);
        return;
    }
    if k == 3 {
        for start in 0..=part.len() - 3 {
            if let Some(window) = part.get(start..).and_then(<[Token]>::first_chunk::<3>) {
                sink(shingle_hash(window), start, window);
            }
        }
        return;
    }
    for (start, window) in part.windows(k).enumerate() {
        sink(shingle_hash(window), start, window);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(ids: &[u64]) -> Vec<Token> {
        ids.iter().map(|&hash| Token { hash, flags: 0 }).collect()
    }

    #[test]
    fn counts_and_order_sensitivity() {
        let t = toks(&[1, 2, 3, 4, 5]);
        let mut v = Vec::new();
        for_each_shingle(&t, 2, 3, |h, s| v.push((h, s)));
        // headline [1,2] is shorter than k: one shingle; body [3,4,5]: one shingle.
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].1, 2);
        assert_ne!(
            shingle_hash(&toks(&[1, 2, 3])),
            shingle_hash(&toks(&[3, 2, 1]))
        );
        let mut n = 0;
        for_each_shingle(&toks(&[1, 2, 3, 4, 5, 6]), 0, 3, |_, _| n += 1);
        assert_eq!(n, 4);
    }
}
