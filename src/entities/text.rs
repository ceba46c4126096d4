//! Tokenisation for the entity tagger: words with byte offsets, case shape, possessive and
//! "-based" suffixes, sentence starts and what separates a word from its neighbours.

use crate::dedup::normalize::HEADLINE_FLAGS;

/// One word of a headline or body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub start: usize,
    /// End of the name part (a possessive "'s" and a "-based" suffix are excluded).
    pub end: usize,
    pub flags: u16,
}

pub(crate) const CAPITALISED: u16 = 1;
pub(crate) const ALL_CAPS: u16 = 1 << 1;
pub(crate) const LOWERCASE: u16 = 1 << 2;
pub(crate) const DIGIT: u16 = 1 << 3;
pub(crate) const SENTENCE_START: u16 = 1 << 4;
/// Followed by "'s" / "’s" (which is not part of the token).
pub(crate) const POSSESSIVE: u16 = 1 << 5;
/// Separated from the previous token by spaces only (or a plural possessive apostrophe).
pub(crate) const JOINED: u16 = 1 << 6;
/// Followed by "-based" (not part of the token).
pub(crate) const BASED: u16 = 1 << 7;
/// The gap before contains an opening parenthesis.
pub(crate) const PAREN_BEFORE: u16 = 1 << 8;
/// The gap after starts with a closing parenthesis.
pub(crate) const PAREN_AFTER: u16 = 1 << 9;
/// The gap before contains a comma.
pub(crate) const COMMA_BEFORE: u16 = 1 << 10;
/// The gap after contains a comma.
pub(crate) const COMMA_AFTER: u16 = 1 << 11;
/// The token contains a hyphen ("Jong-un", "US-led").
pub(crate) const HYPHENATED: u16 = 1 << 12;
/// The token may contain non-ASCII characters (when clear, it is certainly ASCII).
pub(crate) const NON_ASCII: u16 = 1 << 13;
/// One half of a hyphenated pair of known names split in two ("US" and "China" of "US-China").
pub(crate) const PAIR_HALF: u16 = 1 << 14;

/// Bits of [`ASCII_CLASS`]: alphanumeric, letter, upper-case letter.
const ALNUM_BIT: u8 = 1;
const ALPHA_BIT: u8 = 1 << 1;
const UPPER_BIT: u8 = 1 << 2;

/// Character class of every byte value (0 for non-ASCII and non-alphanumeric bytes), so the
/// tokenizer's inner loop classifies and counts letters with one table load per byte.
const ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0usize;
    while byte < 128 {
        let value = byte as u8;
        if value.is_ascii_digit() {
            table[byte] = ALNUM_BIT;
        } else if value.is_ascii_lowercase() {
            table[byte] = ALNUM_BIT | ALPHA_BIT;
        } else if value.is_ascii_uppercase() {
            table[byte] = ALNUM_BIT | ALPHA_BIT | UPPER_BIT;
        }
        byte += 1;
    }
    table
};

impl Token {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
    pub fn is_name_like(&self) -> bool {
        self.has(CAPITALISED) || self.has(ALL_CAPS)
    }
}

fn is_word_char(character: char) -> bool {
    character.is_alphanumeric()
}

fn is_apostrophe(character: char) -> bool {
    character == '\'' || character == '\u{2019}'
}

/// For the first eight bytes of `bytes` (at least eight long): how many leading bytes are ASCII
/// letters or digits, how many of those are letters (0, 1 or "2 or more") and whether one is a
/// lower-case letter ([`crate::ascii::alnum_run`]; the same answers as [`ASCII_CLASS`] byte by
/// byte).
#[inline]
fn alphanumeric_prefix(bytes: &[u8]) -> (usize, usize, bool) {
    let run = crate::ascii::alnum_run(bytes);
    // Letters counted up to two (all that ALL_CAPS needs), without a population count.
    let letter_bits = run.upper | run.lower;
    let letters =
        usize::from(letter_bits != 0) + usize::from(letter_bits & letter_bits.wrapping_sub(1) != 0);
    (run.len, letters, run.lower != 0)
}

#[inline]
fn char_at(text: &str, position: usize) -> Option<char> {
    let byte = *text.as_bytes().get(position)?;
    if byte < 0x80 {
        Some(byte as char)
    } else {
        text[position..].chars().next()
    }
}

#[inline]
fn gap_flags(gap: &str) -> (bool, bool, bool, bool, bool) {
    // (sentence break, only spaces, has '(', has ',', starts with ')')
    let bytes = gap.as_bytes();
    let mut sentence = false;
    let mut spaces_only = true;
    let mut paren = false;
    let mut comma = false;
    let mut closes = false;
    let mut seen_other = false;
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b' ' => continue,
            b'.' | b'!' | b'?' | b'\n' | b':' | b'"' => sentence = true,
            b'(' => paren = true,
            b',' => comma = true,
            b')' if !seen_other => closes = true,
            // Curly double and single opening quotes and the em dash: E2 80 9C / 98 / 94.
            0xE2 if bytes.get(index + 1) == Some(&0x80)
                && matches!(bytes.get(index + 2), Some(0x9C) | Some(0x98) | Some(0x94)) =>
            {
                sentence = true;
            }
            _ => {}
        }
        seen_other = true;
        spaces_only = false;
    }
    (sentence, spaces_only, paren, comma, closes)
}

/// A reporting period written as a word: Q1-Q4, H1/H2, 1Q-4Q, 1H/2H, FY plus two or four digits.
fn is_period_figure(word: &[u8]) -> bool {
    match word {
        [b'Q', b'1'..=b'4'] | [b'H', b'1' | b'2'] | [b'1'..=b'4', b'Q'] | [b'1' | b'2', b'H'] => {
            true
        }
        [b'F', b'Y', digits @ ..] => {
            (digits.len() == 2 || digits.len() == 4) && digits.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// Length of a wire-service prefix glued to the start of a headline: a listed slug, optionally a version number, then a hyphen and a capital or digit
/// ("URGENT-", "UPDATE 1-", "BRIEF-", "CORRECTED-", "REFILE-"); 0 when there is none.
pub(crate) fn wire_prefix_len(headline: &str) -> usize {
    let bytes = headline.as_bytes();
    let mut position = 0;
    while position < bytes.len() && bytes[position].is_ascii_uppercase() {
        position += 1;
    }
    if !HEADLINE_FLAGS.contains(&&headline[..position]) {
        return 0;
    }
    if bytes.get(position) == Some(&b' ') && bytes.get(position + 1).is_some_and(u8::is_ascii_digit)
    {
        position += 1;
        while position < bytes.len() && bytes[position].is_ascii_digit() {
            position += 1;
        }
    }
    if bytes.get(position) != Some(&b'-') {
        return 0;
    }
    position += 1;
    match bytes.get(position) {
        Some(next) if next.is_ascii_uppercase() || next.is_ascii_digit() => position,
        _ => 0,
    }
}

/// Capitalised words that open sentences and never continue a name after an initial.
const SENTENCE_OPENERS: [&str; 24] = [
    "The", "A", "An", "In", "On", "At", "For", "But", "And", "Or", "He", "She", "It", "They", "We",
    "I", "This", "That", "There", "Its", "His", "Her", "As", "If",
];

/// Splits `text` into tokens, appending to `tokens` (cleared first).
pub(crate) fn tokenize(text: &str, tokens: &mut Vec<Token>) {
    tokens.clear();
    let bytes = text.as_bytes();
    let length = text.len();
    let mut position = 0usize;
    let mut previous_end = 0usize;
    while position < length {
        let byte = bytes[position];
        let character = if byte < 0x80 {
            if !byte.is_ascii_alphanumeric() {
                position += 1;
                continue;
            }
            byte as char
        } else {
            match text[position..].chars().next() {
                Some(character) if is_word_char(character) => character,
                Some(character) => {
                    position += character.len_utf8();
                    continue;
                }
                None => break,
            }
        };
        let start = position;
        let mut end = position;
        let mut flags = if byte < 0x80 { 0u16 } else { NON_ASCII };
        let mut cursor = position;
        // Letters seen (exact up to two) and whether one of them is not upper case: ALL_CAPS
        // needs at least two letters, all upper case.
        let mut letters = 0usize;
        let mut non_upper = false;
        // Dotted acronyms: U.S., U.N., E.U., and legal forms such as Turkey's A.Ş.
        if byte.is_ascii_uppercase() && bytes.get(position + 1) == Some(&b'.') {
            let mut probe = position;
            let mut dotted = 0;
            while let Some(letter) = char_at(text, probe)
                && letter.is_uppercase()
                && bytes.get(probe + letter.len_utf8()) == Some(&b'.')
            {
                dotted += 1;
                probe += letter.len_utf8() + 1;
            }
            if dotted >= 2 {
                end = probe;
                cursor = probe;
                letters = dotted;
                if !text[start..end].is_ascii() {
                    flags |= NON_ASCII;
                }
            }
        } else if byte.is_ascii_uppercase()
            && bytes.get(position + 1) == Some(&b'/')
            && bytes.get(position + 2).is_some_and(u8::is_ascii_uppercase)
            && !bytes
                .get(position + 3)
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            // Nordic legal forms: "A/S", "I/S".
            end = position + 3;
            cursor = end;
            letters = 2;
        }
        if end == start {
            while cursor < length {
                // ASCII letters and digits: the common case, one table load per byte.
                let run_start = cursor;
                // Eight bytes at a time while they are available.
                while cursor + 8 <= length {
                    let (run, letter_count, has_lower) = alphanumeric_prefix(&bytes[cursor..]);
                    letters += letter_count;
                    non_upper |= has_lower;
                    cursor += run;
                    if run < 8 {
                        break;
                    }
                }
                while cursor < length {
                    let class = ASCII_CLASS[usize::from(bytes[cursor])];
                    if class == 0 {
                        break;
                    }
                    letters += usize::from(class & ALPHA_BIT != 0);
                    non_upper |= class & (ALPHA_BIT | UPPER_BIT) == ALPHA_BIT;
                    cursor += 1;
                }
                if cursor > run_start {
                    end = cursor;
                    if cursor >= length {
                        break;
                    }
                }
                let byte = bytes[cursor];
                // Common word ends (space, comma, full stop) leave at once.
                if matches!(byte, b' ' | b',' | b'.' | b'\n' | b')' | b'"' | b':' | b';') {
                    break;
                }
                if byte >= 0x80 {
                    flags |= NON_ASCII;
                }
                let Some(current) = char_at(text, cursor) else {
                    break;
                };
                if is_word_char(current) {
                    if current.is_alphabetic() {
                        letters += 1;
                        if !current.is_uppercase() {
                            non_upper = true;
                        }
                    }
                    cursor += current.len_utf8();
                    end = cursor;
                    continue;
                }
                if current != '-' && !is_apostrophe(current) {
                    break;
                }
                let next = char_at(text, cursor + current.len_utf8());
                if current == '-' && next.is_some_and(is_word_char) {
                    let rest = &bytes[cursor + 1..];
                    if rest.starts_with(b"based")
                        && !char_at(text, cursor + 6).is_some_and(is_word_char)
                    {
                        flags |= BASED;
                        cursor += 6;
                        break;
                    }
                    flags |= HYPHENATED;
                    cursor += 1;
                    continue;
                }
                if is_apostrophe(current) && next.is_some_and(char::is_alphabetic) {
                    let after = cursor + current.len_utf8();
                    if matches!(bytes.get(after), Some(b's') | Some(b'S'))
                        && !char_at(text, after + 1).is_some_and(is_word_char)
                    {
                        flags |= POSSESSIVE;
                        cursor = after + 1;
                        break;
                    }
                    cursor = after;
                    continue;
                }
                break;
            }
        }
        if is_period_figure(&bytes[start..end]) {
            // "Q4", "H1", "FY2025": reporting periods are figures, never part of a name.
            flags |= DIGIT;
        } else if character.is_uppercase() {
            flags |= CAPITALISED;
            if letters >= 2 && !non_upper {
                flags |= ALL_CAPS;
            }
        } else if character.is_lowercase() {
            flags |= LOWERCASE;
        } else if character.is_numeric() {
            flags |= DIGIT;
        }
        let gap = &text[previous_end..start];
        let (sentence, spaces_only, paren, comma, closes) = gap_flags(gap);
        // "Mr. Putin", "Gen. Smith": an abbreviated title's dot does not end a sentence.
        let after_abbreviation = gap == ". "
            && tokens.last().is_some_and(|last: &Token| {
                matches!(
                    &text[last.start..last.end],
                    "Mr" | "Mrs"
                        | "Ms"
                        | "Dr"
                        | "Gen"
                        | "Sen"
                        | "Rep"
                        | "Gov"
                        | "Lt"
                        | "Col"
                        | "Sgt"
                        | "Prof"
                        | "St"
                        | "Jr"
                        | "Capt"
                        | "Maj"
                        | "Adm"
                        | "Rev"
                        | "Fr"
                )
            });
        // "K. Rajan", "Tore O. Sandvik": a capital initial's full stop ends no sentence (unless
        // a common sentence opener follows, as in "Plan B. The ...").
        let after_initial = gap == ". "
            && flags & CAPITALISED != 0
            && flags & ALL_CAPS == 0
            && tokens.last().is_some_and(|last: &Token| {
                last.end - last.start == 1 && bytes[last.start].is_ascii_uppercase()
            })
            && !SENTENCE_OPENERS.contains(&&text[start..end]);
        // "Md. Tajul Islam", "Mohd. Najib": an abbreviation of Mohammad is part of the name.
        let after_name_abbreviation = gap == ". "
            && flags & CAPITALISED != 0
            && tokens.last().is_some_and(|last: &Token| {
                matches!(&text[last.start..last.end], "Md" | "Mohd" | "Muhd")
            });
        let after_initial = after_initial || after_name_abbreviation;
        // "... Menkul Değerler A.Ş. She said": a dotted abbreviation's own full stop ends the
        // sentence when a sentence opener follows.
        let after_dotted = gap == " "
            && tokens
                .last()
                .is_some_and(|last: &Token| bytes[last.end - 1] == b'.')
            && SENTENCE_OPENERS.contains(&&text[start..end]);
        if tokens.is_empty() || (sentence && !after_abbreviation && !after_initial) || after_dotted
        {
            flags |= SENTENCE_START;
        }
        if let Some(last) = tokens.last_mut() {
            let plural_possessive =
                bytes[last.end - 1] == b's' && (gap == "' " || gap == "\u{2019} ");
            if (spaces_only && !after_dotted) || plural_possessive || after_initial {
                flags |= JOINED;
            }
            if paren {
                flags |= PAREN_BEFORE;
            }
            if comma {
                flags |= COMMA_BEFORE;
                last.flags |= COMMA_AFTER;
            }
            if closes {
                last.flags |= PAREN_AFTER;
            }
        }
        tokens.push(Token { start, end, flags });
        previous_end = cursor.max(end);
        position = previous_end;
    }
    if let Some(last) = tokens.last_mut()
        && text[previous_end..].trim_start().starts_with(')')
    {
        last.flags |= PAREN_AFTER;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, u16)> {
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        tokens
            .iter()
            .map(|token| (text[token.start..token.end].to_string(), token.flags))
            .collect()
    }

    #[test]
    fn splits_possessives_hyphens_and_acronyms() {
        let found =
            words("Putin’s car reached the U.S. from a Seoul-based firm, Kim Jong-un said.");
        let texts: Vec<&str> = found.iter().map(|(word, _)| word.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Putin", "car", "reached", "the", "U.S.", "from", "a", "Seoul", "firm", "Kim",
                "Jong-un", "said"
            ]
        );
        assert!(found[0].1 & POSSESSIVE != 0);
        assert!(found[0].1 & SENTENCE_START != 0);
        assert!(found[4].1 & ALL_CAPS != 0);
        assert!(found[7].1 & BASED != 0);
        assert!(found[10].1 & JOINED != 0);
        assert!(found[10].1 & HYPHENATED != 0);
        assert!(found[7].1 & HYPHENATED == 0);
        assert!(found[9].1 & COMMA_BEFORE != 0);
    }

    #[test]
    fn swar_prefix_matches_the_byte_table() {
        let samples: [&[u8]; 6] = [
            b"abcdefgh",
            b"AbC1-xyz",
            b"Zurich, ",
            b"@[`{/:09",
            "Zü12345678".as_bytes(),
            b"0123ABCz",
        ];
        for sample in samples {
            let mut run = 0;
            let (mut letters, mut uppers) = (0usize, 0usize);
            while run < 8 && ASCII_CLASS[usize::from(sample[run])] != 0 {
                let class = ASCII_CLASS[usize::from(sample[run])];
                letters += usize::from(class & ALPHA_BIT != 0);
                uppers += usize::from(class & UPPER_BIT != 0);
                run += 1;
            }
            assert_eq!(
                alphanumeric_prefix(sample),
                (run, letters.min(2), uppers < letters)
            );
        }
        for byte in 0..=255u8 {
            let sample = [byte; 8];
            let expected = if ASCII_CLASS[usize::from(byte)] != 0 {
                8
            } else {
                0
            };
            assert_eq!(alphanumeric_prefix(&sample).0, expected, "{byte}");
        }
    }

    #[test]
    fn finds_wire_prefixes() {
        assert_eq!(
            wire_prefix_len("URGENT-Halvorsen Shipping Q4 net profit"),
            7
        );
        assert_eq!(wire_prefix_len("UPDATE 1-Chile proposes royalties"), 9);
        assert_eq!(wire_prefix_len("CORRECTED-Former bank CEO jailed"), 10);
        assert_eq!(wire_prefix_len("BRIEF-Aurelian says"), 6);
        assert_eq!(wire_prefix_len("Boateng-Ansah says"), 0);
        assert_eq!(wire_prefix_len("US-China talks"), 0);
        assert_eq!(wire_prefix_len("NATO-led force"), 0);
        assert_eq!(wire_prefix_len("NATO-Russia talks"), 0);
    }

    #[test]
    fn periods_are_figures() {
        let found = words("Halvorsen Shipping Q4 profit, FY2025 and H1 results");
        let flags_of = |word: &str| {
            found
                .iter()
                .find(|(text, _)| text == word)
                .map_or(0, |(_, flags)| *flags)
        };
        for period in ["Q4", "FY2025", "H1"] {
            assert!(flags_of(period) & DIGIT != 0);
            assert!(flags_of(period) & CAPITALISED == 0);
        }
        assert!(flags_of("Shipping") & CAPITALISED != 0);
    }

    #[test]
    fn marks_parenthesised_acronyms() {
        let found = words("the Workers' Party of Korea (WPK) met");
        let wpk = found
            .iter()
            .find(|(word, _)| word == "WPK")
            .map(|(_, flags)| *flags);
        assert!(wpk.is_some_and(|flags| flags & PAREN_BEFORE != 0 && flags & PAREN_AFTER != 0));
        let party = found
            .iter()
            .find(|(word, _)| word == "Party")
            .map(|(_, flags)| *flags);
        assert!(party.is_some_and(|flags| flags & JOINED != 0));
    }
}
