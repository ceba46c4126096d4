//! Text normalisation: wire furniture removal (headline flags, datelines, bylines, credits,
//! correction notes, copyright footers) driven by the rule tables below, then NFKC, case folding
//! and tokenisation into hashed words. Quote and dash styles need no mapping for tokens (all are
//! separators) but are unified where furniture rules look for them.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use xxhash_rust::xxh3::xxh3_64;

/// Token started with an upper-case letter in the source text (and is not sentence-initial).
pub const FLAG_NAME: u8 = 1;
/// Token contains a digit.
pub const FLAG_NUMBER: u8 = 2;

/// One normalised word: the [`word_hash`] of its case-folded text plus evidence flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub hash: u64,
    pub flags: u8,
}

/// Capitalised words that are not names (days, months, pronouns, titles); they do not get
/// [`FLAG_NAME`]. Matched case-insensitively on the whole word.
pub const NOT_NAMES: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "i",
    "the",
    "a",
    "an",
    "mr",
    "mrs",
    "ms",
    "dr",
    "he",
    "she",
    "it",
    "we",
    "they",
    "in",
    "on",
    "at",
    "but",
    "and",
    "for",
    "of",
    "to",
    "this",
    "that",
    "his",
    "her",
    "its",
    "their",
    "our",
    "as",
    "after",
    "if",
    "when",
    "with",
    "by",
    "from",
];

/// Longest word of [`NOT_NAMES`].
const NOT_NAME_MAX_LEN: usize = {
    let (mut i, mut max) = (0, 0);
    while i < NOT_NAMES.len() {
        if NOT_NAMES[i].len() > max {
            max = NOT_NAMES[i].len();
        }
        i += 1;
    }
    max
};

/// [`is_not_name`] of an ASCII letter-and-digit word as written (folded to lower case first).
fn is_not_name_ascii(word: &[u8]) -> bool {
    let mut folded = [0u8; NOT_NAME_MAX_LEN];
    let Some(out) = folded.get_mut(..word.len()) else {
        return false;
    };
    for (o, b) in out.iter_mut().zip(word) {
        *o = b | ASCII_FOLD;
    }
    is_not_name(out)
}

/// Setting this bit lower-cases an ASCII letter and leaves an ASCII digit as it is.
const ASCII_FOLD: u8 = 0x20;

fn is_not_name(word: &[u8]) -> bool {
    // Same list as NOT_NAMES, as a match (compiled to a length switch); a test keeps them equal.
    matches!(
        word,
        b"monday"
            | b"tuesday"
            | b"wednesday"
            | b"thursday"
            | b"friday"
            | b"saturday"
            | b"sunday"
            | b"january"
            | b"february"
            | b"march"
            | b"april"
            | b"may"
            | b"june"
            | b"july"
            | b"august"
            | b"september"
            | b"october"
            | b"november"
            | b"december"
            | b"jan"
            | b"feb"
            | b"mar"
            | b"apr"
            | b"jun"
            | b"jul"
            | b"aug"
            | b"sep"
            | b"sept"
            | b"oct"
            | b"nov"
            | b"dec"
            | b"i"
            | b"the"
            | b"a"
            | b"an"
            | b"mr"
            | b"mrs"
            | b"ms"
            | b"dr"
            | b"he"
            | b"she"
            | b"it"
            | b"we"
            | b"they"
            | b"in"
            | b"on"
            | b"at"
            | b"but"
            | b"and"
            | b"for"
            | b"of"
            | b"to"
            | b"this"
            | b"that"
            | b"his"
            | b"her"
            | b"its"
            | b"their"
            | b"our"
            | b"as"
            | b"after"
            | b"if"
            | b"when"
            | b"with"
            | b"by"
            | b"from"
    )
}

/// Flags that open wire headlines or snaps ("UPDATE 2-", "URGENT:", "CORRECTED-", "BRIEF-");
/// matched in upper case only, optionally followed by a number, then a dash, colon or space.
/// The entity tagger skips the same slugs before a headline.
/// The first [`VERSION_FLAG_COUNT`] are [`VERSION_FLAGS`].
pub const HEADLINE_FLAGS: &[&str] = &[
    "UPDATE",
    "CORRECTED",
    "CORRECTION",
    "REFILE",
    "RESEND",
    "RPT",
    "REPEAT",
    "WRAPUP",
    "BRIEF",
    "WRITETHRU",
    "TOPWRAP",
    "URGENT",
    "EXCLUSIVE",
    "FLASH",
    "BULLETIN",
    "ALERT",
    "BREAKING",
    "NEWSALERT",
    "ADVISORY",
    "INSIGHT",
    "ANALYSIS",
    "FACTBOX",
    "SNAP",
    "PREVIEW",
    "COLUMN",
    "TIMELINE",
    "EXPLAINER",
    "POLL",
    "INTERVIEW",
];

/// Openings of credit lines, removed from there to the closing parenthesis (or paragraph end).
pub const CREDIT_OPENINGS: &[&str] = &[
    "(reporting by",
    "(additional reporting by",
    "(reporting and writing by",
    "(writing by",
    "(editing by",
    "(compiled by",
    "(graphic by",
    "(editing and reporting by",
    "reporting by ",
    "additional reporting by ",
    "editing by ",
    "writing by ",
];

/// Openings of whole-paragraph notes that are furniture ("(Corrects figure in paragraph 3)").
pub const NOTE_OPENINGS: &[&str] = &[
    "(corrects",
    "(correcting",
    "(updates",
    "(adds",
    "(recasts",
    "(changes",
    "(refiles",
    "(repeats",
    "(fixes",
    "(this story",
    "(this version",
    "(new throughout",
    "(rewrites",
    "(for a factbox",
    "(for more",
];

/// Snap and take trailers ("More to follow."), removed from the end of any paragraph.
pub const TRAILERS: &[&str] = &[
    "more to follow",
    "more follows",
    "more to come",
    "further details to follow",
    "details to follow",
    "developing story",
    "this story is developing",
    "this is a developing story",
    "story developing",
    "refresh for updates",
];

/// The last four letters of each of [`TRAILERS`] (all lower case and at least four long).
const TRAILER_ENDINGS: [[u8; 4]; TRAILERS.len()] = {
    let mut out = [[0u8; 4]; TRAILERS.len()];
    let mut i = 0;
    while i < TRAILERS.len() {
        let t = TRAILERS[i].as_bytes();
        let mut j = 0;
        while j < 4 {
            out[i][j] = t[t.len() - 4 + j];
            j += 1;
        }
        i += 1;
    }
    out
};

/// Removes a trailer such as "More to follow." (with optional brackets, dots, dashes) from the end
/// of a paragraph.
pub fn strip_trailer(paragraph: &str) -> &str {
    let t = paragraph.trim_end_matches(|c: char| {
        c == '.' || c == ')' || c == ']' || c.is_whitespace() || is_dash(c)
    });
    // Cheap rejection: the text must end like one of the trailers does (last four letters).
    let Some(last4) = t.len().checked_sub(4).and_then(|at| t.as_bytes().get(at..)) else {
        return paragraph;
    };
    let mut folded = [0u8; 4];
    for (f, b) in folded.iter_mut().zip(last4) {
        *f = b.to_ascii_lowercase();
    }
    if !TRAILER_ENDINGS.contains(&folded) {
        return paragraph;
    }
    for trailer in TRAILERS {
        if t.len() >= trailer.len()
            && t.is_char_boundary(t.len() - trailer.len())
            && t[t.len() - trailer.len()..].eq_ignore_ascii_case(trailer)
        {
            let before = t[..t.len() - trailer.len()].trim_end_matches(|c: char| {
                c == '(' || c == '[' || c.is_whitespace() || is_dash(c)
            });
            // Only a sentence of its own: the text before ends a sentence (or is empty).
            if before.is_empty() || before.ends_with(['.', '!', '?', '"', '\u{201D}']) {
                return before;
            }
        }
    }
    paragraph
}

/// Phrases marking a footer paragraph (copyright, standards, contact lines); only paragraphs up to
/// [`FOOTER_MAX_BYTES`] long are dropped.
pub const FOOTER_PHRASES: &[&str] = &[
    "©",
    "copyright",
    "all rights reserved",
    "(c) 19",
    "(c) 20",
    "trust principles",
    "our standards:",
    "may not be published, broadcast",
    "for more news visit",
    "not for publication",
];

/// Paragraphs from the top (bylines, notes) or the end (footers) that furniture rules inspect.
pub const FURNITURE_REACH: usize = 3;

/// Longest paragraph treated as a footer.
pub const FOOTER_MAX_BYTES: usize = 300;

/// Longest "CITY, Month D (Agency) -" dateline, in bytes.
pub const DATELINE_MAX_BYTES: usize = 90;

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Flags of a snap: a one- or two-sentence first report that the full story follows.
pub const SNAP_FLAGS: &[&str] = &[
    "URGENT",
    "FLASH",
    "BULLETIN",
    "BREAKING",
    "NEWSALERT",
    "ALERT",
    "SNAP",
];

/// Flags of a new version of a story the outlet sent before: an update, a correction, a
/// repeat, a write-through or a brief cut from it.
pub const VERSION_FLAGS: &[&str] = HEADLINE_FLAGS.split_at(VERSION_FLAG_COUNT).0;
const VERSION_FLAG_COUNT: usize = 11;

/// Whether `text` opens with one of `flags` among its leading wire flags.
fn has_leading_flag(text: &str, flags: &[&str]) -> bool {
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let stripped = strip_flags_once(rest);
        if stripped.len() == rest.len() {
            return false;
        }
        if flags.iter().any(|flag| rest.starts_with(flag)) {
            return true;
        }
        rest = stripped;
    }
    false
}

/// Whether a headline opens with a version flag ("UPDATE 2-", "BRIEF-", "CORRECTED-").
pub fn has_version_flag(headline: &str) -> bool {
    has_leading_flag(headline, VERSION_FLAGS)
}

/// Whether `text` opens with a snap flag among its leading wire flags ("URGENT:",
/// "UPDATE 1-URGENT-", "FLASH –", …).
pub fn has_snap_flag(text: &str) -> bool {
    has_leading_flag(text, SNAP_FLAGS)
}

/// Removes leading wire flags such as "UPDATE 2-", "URGENT:", "CORRECTED-", repeatedly.
pub fn strip_flags(text: &str) -> &str {
    let mut rest = text.trim_start();
    loop {
        let stripped = strip_flags_once(rest);
        if stripped.len() == rest.len() {
            return rest;
        }
        rest = stripped;
    }
}

/// Removes one leading wire flag (and what follows it up to the text), or nothing.
fn strip_flags_once(rest: &str) -> &str {
    // Every flag opens with capital letters: most texts are ruled out by their first two bytes.
    if !matches!(rest.as_bytes(), [a, b, ..] if a.is_ascii_uppercase() && b.is_ascii_uppercase()) {
        return rest;
    }
    for flag in HEADLINE_FLAGS {
        if let Some(after) = rest.strip_prefix(flag) {
            let Some(c) = after.chars().next() else {
                return "";
            };
            if !(c.is_whitespace() || is_dash(c) || c == ':' || c.is_ascii_digit()) {
                continue;
            }
            let mut r = after.trim_start_matches(|c: char| c == ' ' || c.is_ascii_digit());
            if let Some(c) = r.chars().next()
                && (is_dash(c) || c == ':')
            {
                r = &r[c.len_utf8()..];
            }
            return r.trim_start();
        }
    }
    rest
}

/// Removes a dateline: "LONDON (Reuters) -", "LISBON, March 2 (Meridian Wire) -",
/// "WASHINGTON (AP) —", "PARIS, March 2 -". The place must be written in capitals.
pub fn strip_dateline(paragraph: &str) -> &str {
    let text = paragraph.trim_start();
    // Quick rejection on the first two bytes: the first word is empty (the text opens with a
    // separator) or holds a lower-case letter.
    if let [a, b, ..] = text.as_bytes()
        && (a.is_ascii_lowercase() || matches!(a, b',' | b'(' | b'-') || b.is_ascii_lowercase())
    {
        return paragraph;
    }
    let window_end = text
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= DATELINE_MAX_BYTES)
        .unwrap_or(text.len());
    let head = &text[..window_end];
    // The first word must be an all-capitals place name of two letters or more.
    let first_word: &str = head
        .split(|c: char| c == ',' || c == '(' || c.is_whitespace() || is_dash(c))
        .next()
        .unwrap_or("");
    let letters = first_word.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || first_word.chars().any(|c| c.is_lowercase()) {
        return paragraph;
    }
    for (i, c) in head.char_indices() {
        if c == '.' && !head[..i].ends_with(|p: char| p.is_uppercase()) {
            // A sentence ended before any dash: no dateline.
            return paragraph;
        }
        if is_dash(c) {
            let before = &head[..i];
            // Hyphenated words ("ANY-THING") are not dateline dashes: need a space or ")" before.
            if !(before.ends_with(' ') || before.ends_with(')')) {
                continue;
            }
            let after = &text[i + c.len_utf8()..];
            if !after.starts_with(char::is_whitespace) {
                continue;
            }
            return after.trim_start();
        }
    }
    paragraph
}

/// A "By Jane Doe" / "By Jane Doe and John Roe, Reuters" byline paragraph.
pub fn is_byline(paragraph: &str) -> bool {
    let p = paragraph.trim();
    if !(p.starts_with("By ") || p.starts_with("BY ")) || p.len() > 80 {
        return false;
    }
    p[3..]
        .split_whitespace()
        .all(|w| w.starts_with(|c: char| c.is_uppercase()) || w == "and" || w == "in")
}

/// A correction/update note paragraph such as "(Corrects figure in paragraph 3)".
pub fn is_note(paragraph: &str) -> bool {
    let p = paragraph.trim();
    p.ends_with(')')
        && NOTE_OPENINGS
            .iter()
            .any(|o| starts_with_ignore_ascii_case(p, o))
}

/// A copyright or standards footer paragraph.
pub fn is_footer(paragraph: &str) -> bool {
    let p = paragraph.trim();
    if p.len() > FOOTER_MAX_BYTES {
        return false;
    }
    // Lower-cased on the stack (ASCII lower-casing keeps UTF-8 valid).
    let mut buf = [0u8; FOOTER_MAX_BYTES];
    let lower = &mut buf[..p.len()];
    lower.copy_from_slice(p.as_bytes());
    lower.make_ascii_lowercase();
    FOOTER_FINDERS.iter().any(|f| f.find(lower).is_some())
}

/// [`FOOTER_PHRASES`] as prebuilt substring finders (building a searcher per paragraph and phrase
/// cost more than the search).
static FOOTER_FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
    std::sync::LazyLock::new(|| {
        FOOTER_PHRASES
            .iter()
            .map(|f| memchr::memmem::Finder::new(f.as_bytes()))
            .collect()
    });

static COPYRIGHT_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("©".as_bytes()));

/// Cheap rejection: whether `text` begins as one of [`CREDIT_OPENINGS`] does (its first two
/// letters: "(", "re", "ad", "ed", "wr").
fn may_open_credit(text: &[u8]) -> bool {
    let lower_at = |i: usize| text.get(i).map_or(b' ', u8::to_ascii_lowercase);
    matches!(
        (lower_at(0), lower_at(1)),
        (b'(', _) | (b'r', b'e') | (b'a', b'd') | (b'e', b'd') | (b'w', b'r')
    )
}

/// Cuts a credit line ("(Reporting by X; Editing by Y)") and everything after it up to its
/// closing parenthesis; text after that parenthesis is kept.
pub fn strip_credits(paragraph: &str) -> std::borrow::Cow<'_, str> {
    // Candidate positions: the paragraph start (bare "Reporting by") and every "(".
    let mut best: Option<usize> = None;
    if may_open_credit(paragraph.as_bytes())
        && CREDIT_OPENINGS
            .iter()
            .any(|o| starts_with_ignore_ascii_case(paragraph, o))
    {
        best = Some(0);
    }
    let mut from = 1;
    while best.is_none() {
        let Some(rel) = paragraph
            .as_bytes()
            .get(from..)
            .and_then(|t| memchr::memchr(b'(', t))
        else {
            break;
        };
        let pos = from + rel;
        let rest = &paragraph[pos..];
        if CREDIT_OPENINGS
            .iter()
            .any(|o| o.starts_with('(') && starts_with_ignore_ascii_case(rest, o))
        {
            best = Some(pos);
        }
        from = pos + 1;
    }
    let Some(start) = best else {
        return std::borrow::Cow::Borrowed(paragraph);
    };
    let end = if paragraph[start..].starts_with('(') {
        paragraph[start..]
            .find(')')
            .map_or(paragraph.len(), |e| start + e + 1)
    } else {
        paragraph.len()
    };
    let mut out = String::with_capacity(paragraph.len());
    out.push_str(&paragraph[..start]);
    out.push(' ');
    out.push_str(&paragraph[end..]);
    std::borrow::Cow::Owned(out)
}

/// Body paragraphs with furniture removed, in order. Paragraphs are lines of the body.
pub fn clean_paragraphs(body: &str) -> Vec<std::borrow::Cow<'_, str>> {
    // Lines split at each newline (a carriage return before it goes with the trimming).
    let mut lines: Vec<&str> = Vec::with_capacity(32);
    let mut from = 0;
    for end in memchr::memchr_iter(b'\n', body.as_bytes()).chain([body.len()]) {
        let line = body.get(from..end).unwrap_or_default().trim();
        if !line.is_empty() {
            lines.push(line);
        }
        from = end + 1;
    }
    let count = lines.len();
    // A copyright sign marks a footer anywhere in the story; one search of the whole body.
    let has_copyright_sign = COPYRIGHT_FINDER.find(body.as_bytes()).is_some();
    let mut out = Vec::with_capacity(count);
    let mut first_text = true;
    for (i, line) in lines.into_iter().enumerate() {
        let mut p = line;
        let lines = count;
        // Bylines and notes open a story, footers close it (or carry a copyright sign).
        let near_top = i < FURNITURE_REACH;
        let near_end = i + FURNITURE_REACH >= lines;
        if (near_top && (is_byline(p) || is_note(p)))
            || ((near_end || (has_copyright_sign && p.contains('©'))) && is_footer(p))
        {
            continue;
        }
        if first_text {
            p = strip_flags(p);
            p = strip_dateline(strip_dateline(p));
            first_text = false;
        }
        let cleaned = strip_credits(strip_trailer(p));
        if cleaned.trim().is_empty() {
            continue;
        }
        out.push(cleaned);
    }
    out
}

/// [`BYTE_CLASS`] bits: ASCII letter or digit, upper-case letter, digit.
const CLASS_ALNUM: u8 = 1;
const CLASS_UPPER: u8 = 2;
const CLASS_DIGIT: u8 = 4;

/// Class of each byte value (0 for everything but ASCII letters and digits), so the tokenizer's
/// hot loop does one table load per byte.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_lowercase() {
            CLASS_ALNUM
        } else if b.is_ascii_uppercase() {
            CLASS_ALNUM | CLASS_UPPER
        } else if b.is_ascii_digit() {
            CLASS_ALNUM | CLASS_DIGIT
        } else {
            0
        };
        i += 1;
    }
    t
};

/// End of the run of ASCII letters and digits starting at `start`, and whether it holds a digit:
/// eight bytes at a time, then byte by byte near the end of text.
#[inline]
fn ascii_word_end(bytes: &[u8], start: usize) -> (usize, bool) {
    let (mut end, mut digit) = (start, false);
    while let Some(block) = bytes.get(end..end + 8) {
        let run = crate::ascii::alnum_run(block);
        digit |= run.digits != 0;
        end += run.len;
        if !run.fills_block() {
            return (end, digit);
        }
    }
    while let Some(&x) = bytes.get(end) {
        let class = BYTE_CLASS[usize::from(x)];
        if class == 0 {
            break;
        }
        digit |= class & CLASS_DIGIT != 0;
        end += 1;
    }
    (end, digit)
}

/// The fast path of [`for_each_word`] from `i`, between words: ASCII words that need no joining
/// (emitted as written) and the ASCII separators between them (which only move the sentence
/// state). Returns where it stopped: the end of the text, a non-ASCII byte, or a word that joins
/// what follows ("1,200", "don't", "café"), all left to the general path.
fn ascii_stretch<S: WordSink>(
    bytes: &[u8],
    mut i: usize,
    sentence_start: &mut bool,
    prev: &mut char,
    sink: &mut S,
) -> usize {
    let (mut at_sentence_start, mut before) = (*sentence_start, *prev);
    while let Some(&b) = bytes.get(i) {
        if BYTE_CLASS[usize::from(b)] == 0 {
            if b >= 0x80 {
                break;
            }
            if matches!(b, b'.' | b'!' | b'?' | b':' | b';') && !before.is_uppercase() {
                at_sentence_start = true;
            }
            before = char::from(b);
            i += 1;
            continue;
        }
        let (e, digit) = ascii_word_end(bytes, i);
        let stop = bytes.get(e).copied().unwrap_or(b' ');
        let after = bytes.get(e + 1).copied().unwrap_or(b' ');
        let joins = stop != b' '
            && (stop >= 0x80
                || ((stop == b'.' || stop == b',') && digit && after.is_ascii_digit())
                || (stop == b'\'' && (after.is_ascii_alphanumeric() || after >= 0x80)));
        if joins {
            break;
        }
        let word = &bytes[i..e];
        let mut flags = if digit { FLAG_NUMBER } else { 0 };
        if b.is_ascii_uppercase() && !at_sentence_start && !is_not_name_ascii(word) {
            flags |= FLAG_NAME;
        }
        sink.word(Word::AsciiAsWritten(word), flags);
        at_sentence_start = false;
        before = char::from(bytes[e - 1]);
        i = e;
    }
    (*sentence_start, *prev) = (at_sentence_start, before);
    i
}

/// A word of [`for_each_word`]: either ASCII letters and digits as written, still to be folded to
/// lower case (by [`ASCII_FOLD`]: no copy on the common path), or already case-folded text.
#[derive(Debug, Clone, Copy)]
pub enum Word<'a> {
    AsciiAsWritten(&'a [u8]),
    Folded(&'a [u8]),
}

impl Word<'_> {
    /// [`word_hash`] of the case-folded word.
    #[inline(always)]
    pub fn hash(self) -> u64 {
        match self {
            Word::AsciiAsWritten(w) => word_hash_folding_ascii(w),
            Word::Folded(w) => word_hash(w),
        }
    }

    /// The case-folded word (for tests and debugging).
    pub fn to_folded_string(self) -> String {
        match self {
            Word::AsciiAsWritten(w) => w.iter().map(|&b| char::from(b | ASCII_FOLD)).collect(),
            Word::Folded(w) => String::from_utf8_lossy(w).into_owned(),
        }
    }
}

/// Receives the words of [`for_each_word`] with their flags.
pub trait WordSink {
    fn word(&mut self, word: Word<'_>, flags: u8);
}

/// A story's tokens: each word hashed.
impl WordSink for Vec<Token> {
    #[inline(always)]
    fn word(&mut self, word: Word<'_>, flags: u8) {
        self.push(Token {
            hash: word.hash(),
            flags,
        });
    }
}

/// Any closure taking a word and its flags.
pub struct SinkFn<F>(pub F);

impl<F: FnMut(Word<'_>, u8)> WordSink for SinkFn<F> {
    fn word(&mut self, word: Word<'_>, flags: u8) {
        (self.0)(word, flags);
    }
}

/// Calls `sink.word(word, flags)` for each word of `text` (already furniture-free), case-folded by
/// [`Word`]. NFKC is applied when the text is not already in NFKC.
pub fn for_each_word<S: WordSink>(text: &str, scratch: &mut Vec<u8>, sink: &mut S) {
    let normalized;
    let text = if text.is_ascii() || matches!(is_nfkc_quick(text.chars()), IsNormalized::Yes) {
        text
    } else {
        normalized = text.nfkc().collect::<String>();
        normalized.as_str()
    };
    let bytes = text.as_bytes();
    let char_at = |i: usize| -> (char, usize) {
        match bytes.get(i) {
            None => (' ', 1),
            Some(&b) if b < 0x80 => (b as char, 1),
            Some(_) => text
                .get(i..)
                .and_then(|t| t.chars().next())
                .map_or((' ', 1), |c| (c, c.len_utf8())),
        }
    };
    scratch.clear();
    let mut flags = 0u8;
    let mut sentence_start = true;
    let mut first_upper = false;
    let mut prev: char = ' ';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Fast path: ASCII words that need no joining, and the separators between them.
        if b < 0x80 && scratch.is_empty() {
            let stop = ascii_stretch(bytes, i, &mut sentence_start, &mut prev, sink);
            if stop > i {
                i = stop;
                continue;
            }
        }
        // A space between words: nothing to emit or join.
        if b == b' ' && scratch.is_empty() {
            prev = ' ';
            i += 1;
            continue;
        }
        // ASCII letters and digits inside a word being joined.
        if b.is_ascii_alphanumeric() {
            if scratch.is_empty() {
                first_upper = b.is_ascii_uppercase();
            }
            scratch.push(b.to_ascii_lowercase());
            if b.is_ascii_digit() {
                flags |= FLAG_NUMBER;
            }
            prev = b as char;
            i += 1;
            continue;
        }
        let (c, len) = char_at(i);
        if !c.is_ascii() && c.is_alphanumeric() {
            if scratch.is_empty() {
                first_upper = c.is_uppercase();
            }
            if c.is_numeric() {
                flags |= FLAG_NUMBER;
            }
            let mut buf = [0u8; 4];
            for lc in c.to_lowercase() {
                scratch.extend_from_slice(lc.encode_utf8(&mut buf).as_bytes());
            }
            prev = c;
            i += len;
            continue;
        }
        if !scratch.is_empty() {
            let next = char_at(i + len).0;
            // Keep decimal points and thousands separators inside numbers: 1,200.5 -> 1200.5
            if (c == '.' || c == ',') && prev.is_ascii_digit() && next.is_ascii_digit() {
                if c == '.' {
                    scratch.push(b'.');
                }
                prev = c;
                i += len;
                continue;
            }
            // Apostrophes inside words are dropped: company's -> companys, don't -> dont.
            if matches!(c, '\'' | '\u{2019}' | '\u{02BC}') && next.is_alphanumeric() {
                prev = c;
                i += len;
                continue;
            }
            if first_upper && !sentence_start && !is_not_name(scratch) {
                flags |= FLAG_NAME;
            }
            sink.word(Word::Folded(scratch), flags);
            scratch.clear();
            flags = 0;
            sentence_start = false;
        }
        if matches!(c, '.' | '!' | '?' | ':' | ';') && !prev.is_uppercase() {
            sentence_start = true;
        }
        prev = c;
        i += len;
    }
    if !scratch.is_empty() {
        if first_upper && !sentence_start && !is_not_name(scratch) {
            flags |= FLAG_NAME;
        }
        sink.word(Word::Folded(scratch), flags);
        scratch.clear();
    }
}

const WORD_P0: u64 = 0xA076_1D64_78BD_642F;
const WORD_P1: u64 = 0xE703_7ED1_A0B4_28DB;
const WORD_SEED: u64 = 0x8EBC_6AF0_9C88_C6E3;

/// 64-bit product folded to 64 bits: the mixing step of wyhash.
#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

#[inline(always)]
fn read_u32(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u64::from(u32::from_le_bytes(b))
}

#[inline(always)]
fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Hash of one normalised word. Words of up to 16 bytes (nearly all) take wyhash's short-input
/// path: two overlapping reads that together cover every byte, then two folded multiplies;
/// longer words go through xxh3.
#[inline(always)]
pub fn word_hash(word: &[u8]) -> u64 {
    word_hash_with_fold(word, 0)
}

/// [`word_hash`] of an ASCII letter-and-digit word folded to lower case, without copying it:
/// [`ASCII_FOLD`] is set in every byte read.
#[inline(always)]
pub fn word_hash_folding_ascii(word: &[u8]) -> u64 {
    word_hash_with_fold(word, ASCII_FOLD)
}

/// [`word_hash`] of `word` with `fold` set in every byte (0: the word as it is).
#[inline(always)]
fn word_hash_with_fold(word: &[u8], fold: u8) -> u64 {
    let fold8 = u64::from_le_bytes([fold; 8]);
    let fold4 = fold8 & 0xFFFF_FFFF;
    let n = word.len();
    let (a, b) = if n > 16 {
        if fold == 0 {
            return xxh3_64(word);
        }
        let folded: Vec<u8> = word.iter().map(|b| b | fold).collect();
        return xxh3_64(&folded);
    } else if n > 8 {
        (read_u64(word, 0) | fold8, read_u64(word, n - 8) | fold8)
    } else if n >= 4 {
        (read_u32(word, 0) | fold4, read_u32(word, n - 4) | fold4)
    } else if n > 0 {
        let byte = |i: usize| u64::from(word[i] | fold);
        ((byte(0) << 16) | (byte(n >> 1) << 8) | byte(n - 1), 0)
    } else {
        (0, 0)
    };
    fold_mul(WORD_P1 ^ n as u64, fold_mul(a ^ WORD_P0, b ^ WORD_SEED))
}

/// Tokens of a story: headline words first, then body words, with the headline word count.
#[derive(Debug, Clone, Default)]
pub struct NormalizedStory {
    pub tokens: Vec<Token>,
    pub headline_tokens: usize,
}

/// Normalises a story into hashed tokens (see module docs).
pub fn normalize_story(headline: &str, body: &str) -> NormalizedStory {
    let mut tokens: Vec<Token> = Vec::with_capacity(body.len() / 5 + 16);
    let mut scratch = Vec::with_capacity(32);
    for_each_word(strip_flags(headline), &mut scratch, &mut tokens);
    let headline_tokens = tokens.len();
    for p in clean_paragraphs(body) {
        for_each_word(&p, &mut scratch, &mut tokens);
    }
    NormalizedStory {
        tokens,
        headline_tokens,
    }
}

/// The normalised text (case-folded words joined by spaces, headline then body): what the exact
/// hash covers. For tests and debugging.
pub fn normalized_text(headline: &str, body: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut scratch = Vec::new();
    let mut push = SinkFn(|w: Word<'_>, _| words.push(w.to_folded_string()));
    for_each_word(strip_flags(headline), &mut scratch, &mut push);
    for p in clean_paragraphs(body) {
        for_each_word(&p, &mut scratch, &mut push);
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, u8)> {
        let mut v = Vec::new();
        let mut s = Vec::new();
        for_each_word(
            text,
            &mut s,
            &mut SinkFn(|w: Word<'_>, f| v.push((w.to_folded_string(), f))),
        );
        v
    }

    #[test]
    fn flags_are_stripped() {
        assert_eq!(strip_flags("UPDATE 2-Oil rises"), "Oil rises");
        assert_eq!(strip_flags("UPDATE 2 - Oil rises"), "Oil rises");
        assert_eq!(strip_flags("URGENT: Fed raises rates"), "Fed raises rates");
        assert_eq!(strip_flags("URGENT Fed raises rates"), "Fed raises rates");
        assert_eq!(strip_flags("CORRECTED-UPDATE 1-Oil rises"), "Oil rises");
        assert_eq!(strip_flags("REFILE-Oil rises"), "Oil rises");
        assert_eq!(
            strip_flags("BRIEF-Fire destroys depot"),
            "Fire destroys depot"
        );
        assert_eq!(
            strip_flags("RESEND-EXPLAINER-Why oil rises"),
            "Why oil rises"
        );
        assert_eq!(strip_flags("Update on talks"), "Update on talks");
        assert_eq!(strip_flags("UPDATES to rules"), "UPDATES to rules");
    }

    #[test]
    fn datelines_are_stripped() {
        assert_eq!(strip_dateline("LONDON (Reuters) - Oil rose."), "Oil rose.");
        assert_eq!(
            strip_dateline("LISBON, March 2 (Meridian Wire) - The minister said."),
            "The minister said."
        );
        assert_eq!(
            strip_dateline("WASHINGTON (AP) — Lawmakers met."),
            "Lawmakers met."
        );
        assert_eq!(
            strip_dateline("PARIS, March 2 – Talks ended."),
            "Talks ended."
        );
        assert_eq!(
            strip_dateline("NEW YORK, Jan 5 (Reuters) - Stocks fell."),
            "Stocks fell."
        );
        // Ordinary sentences are untouched.
        assert_eq!(
            strip_dateline("Oil rose - and fell."),
            "Oil rose - and fell."
        );
        assert_eq!(
            strip_dateline("The UN said. Then - nothing."),
            "The UN said. Then - nothing."
        );
        assert_eq!(
            strip_dateline("NATO-led forces moved."),
            "NATO-led forces moved."
        );
    }

    #[test]
    fn credits_notes_bylines_and_footers_are_removed() {
        assert_eq!(
            strip_credits("Prices fell. (Reporting by Ann Lee; Editing by Bo Chan)").trim(),
            "Prices fell."
        );
        assert_eq!(strip_credits("Reporting by Ann Lee in Paris").trim(), "");
        assert!(is_note("(Corrects figure in paragraph 3)"));
        assert!(!is_note("(Corrects figure in paragraph 3) and more text"));
        assert!(is_byline("By Jane Doe and John Roe"));
        assert!(!is_byline("By the end of the year prices rose"));
        assert!(is_footer("© 2024 Meridian Wire. All rights reserved."));
        assert!(is_footer("Copyright Meridian Wire 2024"));
        assert!(!is_footer(
            "The copyright dispute went to court after a long fight over royalties."
                .repeat(6)
                .as_str()
        ));
    }

    #[test]
    fn trailers_are_stripped() {
        assert_eq!(
            strip_trailer("Profit rose. More to follow."),
            "Profit rose."
        );
        assert_eq!(
            strip_trailer("Profit rose. (MORE TO FOLLOW)"),
            "Profit rose."
        );
        assert_eq!(strip_trailer("More follows"), "");
        assert_eq!(
            strip_trailer("He said there is more to follow."),
            "He said there is more to follow."
        );
    }

    #[test]
    fn clean_paragraphs_drops_furniture() {
        let body = "By Jane Doe\nLONDON (Reuters) - Oil rose on Monday.\n\nPrices climbed.\n(Reporting by Ann Lee; Editing by Bo Chan)\n© 2024 Reuters";
        let ps: Vec<String> = clean_paragraphs(body)
            .into_iter()
            .map(|c| c.trim().to_string())
            .collect();
        assert_eq!(ps, vec!["Oil rose on Monday.", "Prices climbed."]);
    }

    #[test]
    fn case_quotes_dashes_and_nfkc_are_normalised() {
        let a = normalized_text("Oil", "“Prices” — said ‘Smith’s’ firm – ＡＢＣ");
        let b = normalized_text("OIL", "\"prices\" - said 'smith's' firm - abc");
        assert_eq!(a, b);
        assert_eq!(a, "oil prices said smiths firm abc");
    }

    #[test]
    fn numbers_keep_decimals_and_drop_thousands_separators() {
        let w = words("Profit rose to 1,200.5 million, up 3.2%.");
        let texts: Vec<&str> = w.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            vec!["profit", "rose", "to", "1200.5", "million", "up", "3.2"]
        );
        assert_eq!(w[3].1 & FLAG_NUMBER, FLAG_NUMBER);
    }

    #[test]
    fn word_hash_reads_every_byte_of_every_length() {
        let word: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        let mut seen = std::collections::HashSet::new();
        for len in 0..=word.len() {
            let w = &word[..len];
            assert!(seen.insert(word_hash(w)), "length {len} collides");
            for at in 0..len {
                let mut changed = w.to_vec();
                changed[at] ^= 1;
                assert!(
                    seen.insert(word_hash(&changed)),
                    "byte {at} of length {len} ignored"
                );
            }
        }
        // Every word of up to three letters gets its own hash.
        let letters = b'a'..=b'z';
        let mut short = std::collections::HashSet::new();
        for a in letters.clone() {
            assert!(short.insert(word_hash(&[a])));
            for b in letters.clone() {
                assert!(short.insert(word_hash(&[a, b])));
                for c in letters.clone() {
                    assert!(short.insert(word_hash(&[a, b, c])));
                }
            }
        }
    }

    #[test]
    fn folding_word_hash_equals_hash_of_the_lower_cased_word() {
        let mixed: Vec<u8> = (0..40u8)
            .map(|i| match i % 3 {
                0 => b'A' + i % 26,
                1 => b'a' + i % 26,
                _ => b'0' + i % 10,
            })
            .collect();
        for len in 0..=mixed.len() {
            let w = &mixed[..len];
            assert_eq!(
                word_hash_folding_ascii(w),
                word_hash(&w.to_ascii_lowercase()),
                "length {len}"
            );
        }
        assert!(is_not_name_ascii(b"Monday") && is_not_name_ascii(b"SEPTEMBER"));
        assert!(!is_not_name_ascii(b"Acme") && !is_not_name_ascii(b"Septembers"));
    }

    #[test]
    fn cheap_rejections_admit_every_opening_and_trailer() {
        for o in CREDIT_OPENINGS {
            assert!(may_open_credit(o.as_bytes()), "{o}");
            assert!(may_open_credit(o.to_uppercase().as_bytes()), "{o}");
        }
        assert!(!may_open_credit(b"Rain fell") && !may_open_credit(b"A"));
        for t in TRAILERS {
            assert_eq!(*t, t.to_lowercase());
            assert_eq!(
                strip_trailer(&format!("Done. {}.", t.to_uppercase())),
                "Done."
            );
        }
    }

    #[test]
    fn not_names_match_covers_the_table() {
        for w in NOT_NAMES {
            assert!(is_not_name(w.as_bytes()), "{w}");
        }
        assert!(!is_not_name(b"acme"));
    }

    #[test]
    fn names_exclude_sentence_initial_words() {
        let w = words("Shares of Acme Corp fell on Monday. Analysts at Bank said.");
        let names: Vec<&str> = w
            .iter()
            .filter(|(_, f)| f & FLAG_NAME != 0)
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(names, vec!["acme", "corp", "bank"]);
    }

    #[test]
    fn whitespace_and_furniture_do_not_change_normalised_text() {
        let a = normalized_text(
            "UPDATE 1-Oil rises",
            "LONDON (Reuters) - Oil   rose\n\n\ntoday.",
        );
        let b = normalized_text("Oil rises", "Oil rose today.\n(Reporting by X)");
        assert_eq!(a, b);
    }
}
