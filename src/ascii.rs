//! ASCII words eight bytes at a time (SWAR arithmetic on one `u64`): how many leading bytes of a
//! block are ASCII letters or digits, and which of them are digits, upper-case or lower-case
//! letters. The tokenizers of the dedup normaliser and of the entity tagger walk every byte of
//! every story; one block test replaces a table load and a branch per byte.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The leading run of ASCII letters and digits in an eight-byte block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlnumRun {
    /// Bytes in the run (0 to 8).
    pub len: usize,
    /// The high bit (0x80) of each byte of the run that is a digit.
    pub digits: u64,
    /// The high bit of each byte of the run that is an upper-case letter.
    pub upper: u64,
    /// The high bit of each byte of the run that is a lower-case letter.
    pub lower: u64,
}

impl AlnumRun {
    /// Whether the whole block continues the run (the word may go on past it).
    pub fn fills_block(&self) -> bool {
        self.len == 8
    }
}

/// Classifies the first eight bytes of `bytes`, which must hold at least eight.
#[inline]
pub fn alnum_run(bytes: &[u8]) -> AlnumRun {
    let mut block = [0u8; 8];
    block.copy_from_slice(&bytes[..8]);
    let value = u64::from_le_bytes(block);
    let ascii = !value & HIGH;
    let low = value & !HIGH;
    // Per byte (of `low`, all < 0x80): high bit set when the byte is >= / <= the constant.
    let at_least = |constant: u64| (low | HIGH).wrapping_sub(ONES * constant) & HIGH;
    let at_most = |constant: u64| ((ONES * constant) | HIGH).wrapping_sub(low) & HIGH;
    let digits = at_least(0x30) & at_most(0x39) & ascii;
    let upper = at_least(0x41) & at_most(0x5a) & ascii;
    let lower = at_least(0x61) & at_most(0x7a) & ascii;
    let len = ((!(digits | upper | lower) & HIGH).trailing_zeros() / 8) as usize;
    let run = if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    };
    AlnumRun {
        len,
        digits: digits & run,
        upper: upper & run,
        lower: lower & run,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_value_in_every_position_matches_the_std_classes() {
        for position in 0..8 {
            for byte in 0..=255u8 {
                let mut block = *b"abcdefgh";
                block[position] = byte;
                let run = alnum_run(&block);
                let expected = if byte.is_ascii_alphanumeric() {
                    8
                } else {
                    position
                };
                assert_eq!(run.len, expected, "byte {byte:#x} at {position}");
                let bit = 0x80u64 << (8 * position);
                let inside = position < run.len;
                assert_eq!(run.digits & bit != 0, inside && byte.is_ascii_digit());
                assert_eq!(run.upper & bit != 0, inside && byte.is_ascii_uppercase());
                assert_eq!(run.lower & bit != 0, inside && byte.is_ascii_lowercase());
            }
        }
    }

    #[test]
    fn runs_stop_at_the_first_separator() {
        let run = alnum_run(b"Ab3 xyzW");
        assert_eq!(run.len, 3);
        assert_ne!(run.upper, 0);
        assert_ne!(run.digits, 0);
        assert_eq!(
            run.upper.count_ones(),
            1,
            "the W after the space is outside the run"
        );
        assert!(alnum_run(b"12345678").fills_block());
        assert_eq!(alnum_run(b"\xc3\xa9abcdef").len, 0);
    }
}
