//! Feature extraction for story clustering: turns one story (headline, body, tagged entities) into
//! a sparse, hashed feature vector of four kinds — entities (weighted by salience), content terms
//! and bigrams (weighted by position), numbers (tolls, scores, amounts) and word shingles of
//! verbatim quotations. Pure functions; the window statistics (IDF) are applied by the index.

use crate::entities::{Entity, EntityType, Field};

/// Number of feature kinds.
pub const KINDS: usize = 5;

/// Kind of a feature, stored in the three top bits of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureKind {
    /// A tagged entity, weighted by salience.
    Entity = 0,
    /// A content word or bigram anywhere in the story.
    Term = 1,
    /// A number (toll, score, amount).
    Number = 2,
    /// A word shingle of a quotation.
    Quote = 3,
    /// A content word of the headline or lead: what happened.
    Lead = 4,
}

impl FeatureKind {
    pub const ALL: [FeatureKind; KINDS] = [
        Self::Entity,
        Self::Term,
        Self::Number,
        Self::Quote,
        Self::Lead,
    ];

    pub fn of(key: u64) -> FeatureKind {
        match key >> 61 {
            0 => Self::Entity,
            1 => Self::Term,
            2 => Self::Number,
            3 => Self::Quote,
            _ => Self::Lead,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Builds a feature key from a 64-bit hash and a kind.
pub fn feature_key(kind: FeatureKind, hash: u64) -> u64 {
    (hash & 0x1FFF_FFFF_FFFF_FFFF) | ((kind as u64) << 61)
}

fn hash_str(seed: u64, text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), seed)
}

fn mix(a: u64, b: u64) -> u64 {
    let x = a.rotate_left(21) ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ (x >> 32)
}

const TERM_SEED: u64 = 0x7465_726d;
const NUMBER_SEED: u64 = 0x6e75_6d62;
const QUOTE_SEED: u64 = 0x7175_6f74;
const ENTITY_SEED: u64 = 0x656e_7469;

/// Which words of the body after the lead become terms (numbers are always kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TailTerms {
    /// Every content word.
    All,
    /// Capitalized words only (names the tagger may have missed).
    Capitalized,
    /// No words.
    NumbersOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TermScope {
    WithBigrams,
    Words,
    CapitalizedWords,
    NumbersOnly,
}

/// Parameters of extraction (a subset of the clustering configuration).
#[derive(Debug, Clone)]
pub struct ExtractParams {
    /// Weight of a headline token (body lead tokens weigh 1).
    pub headline_weight: f32,
    /// Number of body words counted as the lead.
    pub lead_words: usize,
    /// Weight of a body token after the lead.
    pub tail_weight: f32,
    /// Which body words after the lead become terms.
    pub tail_terms: TailTerms,
    /// Whether headline and lead words also form the separate `Lead` kind.
    pub lead_terms: bool,
    /// Words per quotation shingle.
    pub quote_shingle_words: usize,
}

/// Sparse features of one document: `(key, weight)` sorted by key, keys unique.
#[derive(Debug, Clone, Default)]
pub struct DocFeatures {
    pub features: Vec<(u64, f32)>,
    /// Keys of the entities named in the headline (the story's subject), sorted.
    pub headline_entities: Vec<u64>,
    /// Hash of the outlet credited in the dateline ("LONDON (Outlet) -"), case-folded; the
    /// caller may fill it from the byline field instead. Tells an outlet's own versions of a
    /// story from other outlets' reports.
    pub outlet: Option<u64>,
    /// Kinds of event its headline and lead name (bits of [`EVENT_KIND_WORDS`]); 0 when none.
    pub event_kinds: u32,
    /// Keys of the places named in its headline or lead (where it happened), sorted.
    pub lead_places: Vec<u64>,
    /// Scores ("2-1", "0-0") its headline and lead give, each as its two numbers, smaller
    /// first, sorted and unique: two match reports with different scores are two matches.
    pub scores: Vec<(u8, u8)>,
    /// Days of the week its headline and lead name ("on Wednesday", "Thursday's"), bit 0 for
    /// Monday; 0 when none. Reports of one event, and follow-ups recalling its day, share one.
    pub lead_days: u8,
    /// Days of the week the whole story names (a follow-up recalls the first day's events).
    pub days: u8,
    /// Kinds of event its headline and lead call separate ("a day after a separate twister
    /// killed two in Tupelo"): a report of another event of that kind, which this one recalls.
    pub separate_kinds: u32,
    /// Key of the place its dateline names ("CULLMAN, Ala. (Outlet) -"), if any.
    pub dateline_place: Option<u64>,
    /// The first day of the week its headline and lead name (its own day), one bit; 0 when none.
    pub first_day: u8,
}

/// The days of the week `texts` name as capitalised words ("Friday", "Friday's"), bit 0 for
/// Monday.
pub fn weekdays(texts: &[&str]) -> u8 {
    let mut days = 0;
    for text in texts {
        for_each_weekday(text, |day| {
            days |= day;
            true
        });
    }
    days
}

/// The first day of the week `texts` name, in order (its bit, as in [`weekdays`]); 0 when none.
/// A report's own day opens its lead ("bounced back on Friday ... recovering Thursday's fall").
pub fn first_weekday(texts: &[&str]) -> u8 {
    for text in texts {
        let mut first = 0;
        for_each_weekday(text, |day| {
            first = day;
            false
        });
        if first != 0 {
            return first;
        }
    }
    0
}

/// Calls `found(bit)` for each day of the week `text` names, in order, while it returns true.
fn for_each_weekday(text: &str, mut found: impl FnMut(u8) -> bool) {
    const STEMS: [&[u8]; 7] = [
        b"Mon", b"Tues", b"Wednes", b"Thurs", b"Fri", b"Satur", b"Sun",
    ];
    let bytes = text.as_bytes();
    for at in memchr::memmem::find_iter(bytes, b"day") {
        let after = bytes.get(at + 3);
        if after.is_some_and(u8::is_ascii_alphanumeric) {
            continue;
        }
        for (bit, stem) in STEMS.iter().enumerate() {
            let Some(start) = at.checked_sub(stem.len()) else {
                continue;
            };
            if &bytes[start..at] == *stem
                && (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
                && !found(1 << bit)
            {
                return;
            }
        }
    }
}

/// The scores ("2-1", "3–0", "6-4") `texts` write: one or two digits, a hyphen or en dash, one
/// or two digits, standing alone (not inside "1.5-2", "2026-12-09", "3-2-1" or "9-11am"); each
/// as its two numbers, smaller first, sorted and unique.
pub fn scores(texts: &[&str]) -> Vec<(u8, u8)> {
    let mut found = Vec::new();
    for text in texts {
        push_scores(text, &mut found);
    }
    found.sort_unstable();
    found.dedup();
    found
}

fn push_scores(text: &str, found: &mut Vec<(u8, u8)>) {
    let bytes = text.as_bytes();
    let digits_at = |start: usize| {
        bytes[start..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    };
    let mut index = 0;
    while index < bytes.len() {
        if !bytes[index].is_ascii_digit() {
            index += 1;
            continue;
        }
        let left_len = digits_at(index);
        let after_left = index + left_len;
        let standalone_start = index == 0
            || !(bytes[index - 1].is_ascii_alphanumeric()
                || matches!(bytes[index - 1], b'.' | b',' | b'-'));
        let dash_len = if bytes[after_left..].starts_with(b"-") {
            1
        } else if bytes[after_left..].starts_with("\u{2013}".as_bytes()) {
            3
        } else {
            0
        };
        if standalone_start && left_len <= 2 && dash_len > 0 {
            let right = after_left + dash_len;
            let right_len = digits_at(right);
            let end = right + right_len;
            let standalone_end = bytes
                .get(end)
                .is_none_or(|byte| !(byte.is_ascii_alphanumeric() || *byte == b'-'))
                && !(bytes.get(end) == Some(&b'.')
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit));
            if (1..=2).contains(&right_len) && standalone_end {
                let number = |from: usize, len: usize| {
                    text[from..from + len].parse::<u8>().unwrap_or(u8::MAX)
                };
                let (a, b) = (number(index, left_len), number(right, right_len));
                found.push((a.min(b), a.max(b)));
                index = end;
                continue;
            }
        }
        index = after_left;
    }
}

/// The dateline's outlet credit: `CITY, May 12 (Outlet) -` within the first 240 bytes.
fn dateline_credit(body: &str) -> Option<Span> {
    let head_limit = floor_char_boundary(body, 240);
    let open = body[..head_limit].find('(')?;
    let close = open + body[open..].find(')')?;
    let after = body[close + 1..].trim_start();
    (after.starts_with('-') || after.starts_with('\u{2013}') || after.starts_with('\u{2014}'))
        .then_some(Span {
            start: open,
            end: close + 1,
        })
}

/// Case-folded hash of an outlet's name ("(Atlas Newswire)", "Atlas newswire").
pub fn outlet_key(name: &str) -> Option<u64> {
    let name = name.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
    (!name.is_empty()).then(|| xxhash_rust::xxh3::xxh3_64(name.to_lowercase().as_bytes()))
}

/// A span of text excluded from entity salience (outlet credit in the dateline, reporting footer).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// Finds the outlet credit of a dateline, e.g. `CITY, May 12 (Outlet) -`, and `(Reporting by ...)`
/// footers; entity mentions that fall only inside these spans say nothing about the event.
fn credit_spans(body: &str, dateline: Option<Span>) -> Vec<Span> {
    let mut spans: Vec<Span> = dateline.into_iter().collect();
    let mut from = 0;
    while let Some(rel) = body[from..].find('(') {
        let open = from + rel;
        let Some(close_rel) = body[open..].find(')') else {
            break;
        };
        let close = open + close_rel;
        let inner = &body[open..close];
        if inner.contains("Reporting by")
            || inner.contains("Editing by")
            || inner.contains("Writing by")
            || inner.contains("Additional reporting")
        {
            spans.push(Span {
                start: open,
                end: close + 1,
            });
        }
        from = close + 1;
    }
    spans
}

fn floor_char_boundary(text: &str, index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    let mut i = index;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Salience weight of each entity: headline mentions and early body mentions weigh more.
fn entity_features(
    entities: &[Entity],
    body: &str,
    out: &mut Vec<(u64, f32)>,
    headline: &mut Vec<u64>,
    lead_places: &mut Vec<u64>,
    lead_bytes: usize,
    dateline: Option<Span>,
) {
    let credits = credit_spans(body, dateline);
    for entity in entities {
        let mut in_headline = false;
        let mut counted = 0usize;
        let mut first_body = usize::MAX;
        for mention in &entity.mentions {
            match mention.field {
                Field::Headline => {
                    in_headline = true;
                    counted += 1;
                }
                Field::Body => {
                    let in_credit = credits
                        .iter()
                        .any(|span| mention.start >= span.start && mention.end <= span.end);
                    if !in_credit {
                        counted += 1;
                        first_body = first_body.min(mention.start);
                    }
                }
            }
        }
        if counted == 0 && !entity.mentions.is_empty() {
            continue;
        }
        let mut weight = 1.0 + 0.3 * ((counted.max(1)) as f32).ln();
        if in_headline {
            weight += 1.0;
        }
        if first_body <= lead_bytes {
            weight += 0.5;
        }
        let key = entity_key(entity);
        out.push((key, weight));
        if in_headline {
            headline.push(key);
        }
        if entity.entity_type == EntityType::Place && (in_headline || first_body <= lead_bytes) {
            lead_places.push(key);
        }
    }
}

/// English function words and newswire boilerplate that carry no topic.
const STOPWORDS: &[&str] = &[
    "about",
    "above",
    "across",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "almost",
    "along",
    "already",
    "also",
    "although",
    "among",
    "and",
    "another",
    "any",
    "are",
    "around",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "can",
    "cannot",
    "could",
    "did",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "earlier",
    "either",
    "else",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "into",
    "its",
    "itself",
    "just",
    "last",
    "late",
    "later",
    "least",
    "less",
    "like",
    "made",
    "make",
    "many",
    "may",
    "might",
    "more",
    "most",
    "much",
    "must",
    "near",
    "nearly",
    "never",
    "new",
    "next",
    "nor",
    "not",
    "now",
    "off",
    "once",
    "one",
    "only",
    "other",
    "others",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "said",
    "same",
    "says",
    "say",
    "saying",
    "see",
    "seen",
    "several",
    "shall",
    "she",
    "should",
    "since",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "three",
    "through",
    "thursday",
    "tuesday",
    "wednesday",
    "monday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "told",
    "too",
    "two",
    "under",
    "until",
    "upon",
    "very",
    "was",
    "way",
    "were",
    "week",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "year",
    "years",
    "yet",
    "you",
    "your",
    "yours",
    "first",
    "second",
    "third",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "statement",
    "reuters",
    "according",
    "added",
    "adding",
    "news",
    "reported",
    "report",
    "reporting",
    "editing",
    "writing",
    "day",
    "days",
    "time",
    "month",
    "months",
    "percent",
    "per",
    "cent",
    "million",
    "billion",
    "mln",
    "bln",
    "thousand",
    "hundred",
    "pct",
    "local",
    "officials",
    "official",
    "people",
    "us",
    "we",
    "it",
    "is",
    "be",
    "as",
    "at",
    "by",
    "in",
    "of",
    "on",
    "or",
    "to",
    "an",
    "if",
    "so",
    "no",
    "up",
    "he",
    "my",
    "me",
    "do",
    "am",
    "its",
    "also",
    "amid",
    "get",
    "got",
    "go",
    "going",
    "went",
    "take",
    "took",
    "put",
    "set",
    "use",
    "used",
    "well",
    "back",
    "part",
    "expected",
    "likely",
    "further",
    "spokesman",
    "spokeswoman",
    "spokesperson",
];

/// Term hashes of [`STOPWORDS`] in a small open-addressing table (one probe for most words;
/// 0 marks an empty cell), so a word's term hash doubles as its stopword test.
pub struct Stopwords {
    cells: Vec<u64>,
}

impl Stopwords {
    /// log2 of the table size (at least four times the number of stopwords).
    const BITS: u32 = 11;

    fn cell(hash: u64) -> usize {
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS)) as usize
    }

    pub fn new() -> Self {
        let mut cells = vec![0u64; 1 << Self::BITS];
        let mask = cells.len() - 1;
        for word in STOPWORDS {
            let hash = hash_str(TERM_SEED, word).max(1);
            let mut index = Self::cell(hash);
            while cells[index] != 0 && cells[index] != hash {
                index = (index + 1) & mask;
            }
            cells[index] = hash;
        }
        Self { cells }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.contains_hash(hash_str(TERM_SEED, word))
    }

    /// Whether a word whose term hash (`TERM_SEED`) is `hash` is a stopword.
    pub fn contains_hash(&self, hash: u64) -> bool {
        let hash = hash.max(1);
        let mask = self.cells.len() - 1;
        let mut index = Self::cell(hash);
        loop {
            match self.cells[index] {
                0 => return false,
                cell if cell == hash => return true,
                _ => index = (index + 1) & mask,
            }
        }
    }
}

impl Default for Stopwords {
    fn default() -> Self {
        Self::new()
    }
}

/// Light English stemmer: plural and verbal suffixes, so "swapped"/"swap", "talks"/"talk" meet.
pub fn light_stem(word: &mut String) {
    let len = word.len();
    if len > 4 && word.ends_with("ies") {
        word.truncate(len - 3);
        word.push('y');
    } else if len > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        word.truncate(len - 1);
    }
    let len = word.len();
    if len > 5 && word.ends_with("ing") {
        word.truncate(len - 3);
        undouble(word);
    } else if len > 4 && word.ends_with("ed") && !word.ends_with("eed") {
        word.truncate(len - 2);
        undouble(word);
    }
}

fn undouble(word: &mut String) {
    let bytes = word.as_bytes();
    let len = bytes.len();
    if len >= 3 && bytes[len - 1] == bytes[len - 2] && !matches!(bytes[len - 1], b'l' | b's' | b'z')
    {
        word.truncate(len - 1);
    }
}

/// One token of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Word,
    Number,
}

/// Scans `text`, calling `on_token(kind, slice)` for each word (alphabetic run, apostrophes inside)
/// and number (digits with inner `.`/`,` separators). ASCII fast path; other letters decoded.
fn scan_tokens(text: &str, on_token: impl FnMut(TokenKind, &str)) {
    scan_tokens_where(text, false, on_token);
}

/// Whether any of the 8 bytes of `v` is an ASCII upper-case letter, an ASCII digit or a
/// non-ASCII byte: a chunk without any holds only lower-case words, spaces and punctuation.
#[inline]
fn may_start_capital_or_number(v: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // For 7-bit bytes, adding 0x80 - lo sets the high bit exactly when the byte is >= lo, and no
    // addition carries into the next byte.
    let low = v & !HIGH;
    let at_least = |lo: u8| low.wrapping_add(ONES * u64::from(0x80 - lo));
    let above = |hi: u8| low.wrapping_add(ONES * u64::from(0x7F - hi));
    let upper = at_least(b'A') & !above(b'Z');
    let digit = at_least(b'0') & !above(b'9');
    ((upper | digit) & !v & HIGH) | (v & HIGH) != 0
}

/// Where the word that continues at `from` ends: letters, apostrophes between letters, and
/// non-ASCII letters.
fn word_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut j = from;
    while j < len {
        let c = bytes[j];
        if c.is_ascii_alphabetic() {
            j += 1;
        } else if c == b'\'' {
            if letter_at(text, j + 1) {
                j += 1;
            } else {
                break;
            }
        } else if c < 0x80 {
            break;
        } else {
            let Some(ch) = char_at(text, j) else { break };
            let apostrophe = ch == '\u{2019}' && letter_at(text, j + ch.len_utf8());
            if ch.is_alphabetic() || apostrophe {
                j += ch.len_utf8();
            } else {
                break;
            }
        }
    }
    j
}

fn char_at(text: &str, index: usize) -> Option<char> {
    text.get(index..).and_then(|rest| rest.chars().next())
}

fn letter_at(text: &str, index: usize) -> bool {
    match text.as_bytes().get(index) {
        Some(b) if b.is_ascii_alphabetic() => true,
        Some(&b) if b >= 0x80 => char_at(text, index).is_some_and(char::is_alphabetic),
        _ => false,
    }
}

/// Calls `on_token` for each number and word of `text`. With `capitals_only`, words that start
/// in lower case may be left out (they are skipped eight bytes at a time where possible);
/// numbers and every other word are reported as without it.
fn scan_tokens_where(text: &str, capitals_only: bool, mut on_token: impl FnMut(TokenKind, &str)) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut i = 0;
    while i < len {
        if capitals_only
            && let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>)
            && !may_start_capital_or_number(u64::from_le_bytes(*chunk))
        {
            // Only lower-case words start in these 8 bytes (i is between tokens); the last may
            // run on past them: skip to its end.
            i += 8;
            let mid_word = bytes[i - 1].is_ascii_alphabetic()
                || (bytes[i - 1] == b'\'' && bytes[i - 2].is_ascii_alphabetic());
            if mid_word {
                i = word_end(text, i - 1);
            }
            continue;
        }
        let b = bytes[i];
        if b.is_ascii_digit() {
            let start = i;
            let mut j = i + 1;
            while j < len {
                let c = bytes[j];
                if c.is_ascii_digit() {
                    j += 1;
                } else if (c == b'.' || c == b',') && j + 1 < len && bytes[j + 1].is_ascii_digit() {
                    j += 2;
                } else {
                    break;
                }
            }
            on_token(TokenKind::Number, &text[start..j]);
            i = j;
        } else if letter_at(text, i) {
            let j = word_end(text, i);
            on_token(TokenKind::Word, &text[i..j]);
            i = j;
        } else if b < 0x80 {
            i += 1;
        } else {
            i += char_at(text, i).map_or(1, char::len_utf8);
        }
    }
}

/// Canonical form of a number token: separators removed, trailing zeros of decimals trimmed.
/// Returns None for numbers that carry no event information (small counts, years, dates).
fn canonical_number(token: &str, buf: &mut String) -> bool {
    buf.clear();
    // A comma followed by exactly three digits is a thousands separator; otherwise a decimal mark.
    let parts: Vec<&str> = token.split(',').collect();
    let thousands = parts.len() > 1 && parts[1..].iter().all(|p| p.len() == 3 || p.contains('.'));
    for (index, part) in parts.iter().enumerate() {
        if index > 0 && !thousands {
            buf.push('.');
        }
        buf.push_str(part);
    }
    if buf.contains('.') {
        while buf.ends_with('0') {
            buf.pop();
        }
        if buf.ends_with('.') {
            buf.pop();
        }
    }
    let decimal = token.contains('.') || (!thousands && token.contains(','));
    let integer: Option<u64> = if decimal { None } else { buf.parse().ok() };
    match integer {
        Some(value) if value <= 12 => false,
        Some(value) if (1900..=2100).contains(&value) => false,
        _ => true,
    }
}

/// Whether any of the 8 bytes of `v` is a byte [`quotations`] stops at (`"`, `'`, newline, or
/// 0xE2, the lead byte of typographic quotes): a byte equal to `b` is a zero byte of `v ^ b`, and
/// `(x - 0x01…) & !x & 0x80…` is non-zero exactly when `x` has a zero byte.
#[inline]
fn has_quote_byte(v: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    [b'"', b'\'', b'\n', 0xE2]
        .iter()
        .any(|&needle| zero_byte(v ^ (ONES * u64::from(needle))) != 0)
}

/// Text inside quotation marks (straight or typographic double quotes, typographic single quotes,
/// and straight single quotes that open after a space and close before a non-letter).
pub fn quotations(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    let mut i = 0;
    while i < bytes.len() {
        // Only quote marks (ASCII or the E2-led typographic ones) and newlines matter.
        // Eight bytes at a time over text without quote marks.
        if let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>)
            && !has_quote_byte(u64::from_le_bytes(*chunk))
        {
            i += 8;
            continue;
        }
        let b = bytes[i];
        if !matches!(b, b'"' | b'\'' | b'\n' | 0xE2) {
            i += 1;
            continue;
        }
        let Some(ch) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            i += 1;
            continue;
        };
        let previous = text[..i].chars().next_back().unwrap_or(' ');
        let next = text[i + ch.len_utf8()..].chars().next().unwrap_or(' ');
        match open {
            None => {
                let opens = match ch {
                    '"' | '\u{201C}' | '\u{2018}' => true,
                    '\'' => !previous.is_alphanumeric() && next.is_alphanumeric(),
                    _ => false,
                };
                if opens {
                    open = Some((i + ch.len_utf8(), ch));
                }
            }
            Some((start, opener)) => {
                let closes = match opener {
                    '"' => ch == '"',
                    '\u{201C}' => ch == '\u{201D}' || ch == '"',
                    '\u{2018}' => ch == '\u{2019}' && !next.is_alphabetic(),
                    _ => ch == '\'' && !next.is_alphanumeric() && previous.is_alphanumeric(),
                };
                if closes {
                    out.push(&text[start..i]);
                    open = None;
                } else if ch == '\n' && opener != '"' && opener != '\u{201C}' {
                    open = None;
                }
            }
        }
        i += ch.len_utf8();
    }
    out
}

/// Event kinds a headline and lead name, and those they call separate ("a separate blast").
#[derive(Debug, Default, Clone, Copy)]
struct LeadKinds {
    named: u32,
    separate: u32,
}

/// Feature key of an entity: the same in a story's features, headline entities, lead places
/// and dateline place.
fn entity_key(entity: &Entity) -> u64 {
    feature_key(FeatureKind::Entity, hash_str(ENTITY_SEED, &entity.id))
}

/// The place entity named in the dateline, before the credited outlet's bracket.
fn dateline_place(entities: &[Entity], credit: Span) -> Option<u64> {
    entities
        .iter()
        .find(|entity| {
            entity.entity_type == EntityType::Place
                && entity
                    .mentions
                    .iter()
                    .any(|mention| mention.field == Field::Body && mention.end <= credit.start)
        })
        .map(entity_key)
}

/// Kinds of event named by headline and lead words, one bit each. Two reports whose headline and
/// lead name only different kinds (an earthquake and a bus crash in one province) tell of
/// different events, however many places and officials they share. Words are matched after
/// [`light_stem`], like terms; a word may belong to more than one kind.
const EVENT_KIND_WORDS: &[(u32, &str)] = &[
    (
        1 << 0,
        "earthquake quake quakes tremor tremors aftershock aftershocks magnitude seismic temblor",
    ),
    (
        1 << 1,
        "typhoon hurricane cyclone storm storms tornado tornadoes twister twisters flood floods flooding flooded floodwater \
         floodwaters landslide landslides mudslide rain rains rainfall downpour downpours deluge \
         monsoon inundated",
    ),
    (
        1 << 2,
        "crash crashes crashed collision collided derailment derailed plunge plunged plunges \
         ravine overturned capsized capsize sank accident accidents",
    ),
    (
        1 << 3,
        "fire fires blaze blazes wildfire wildfires bushfire explosion explosions blast",
    ),
    (
        1 << 4,
        "strike strikes striking walkout walkouts stoppage picket pickets strikers",
    ),
    (
        1 << 5,
        "election elections by-election vote votes voters voting ballot ballots polls runoff \
         referendum elected mayoral",
    ),
    (
        1 << 6,
        "court courts verdict convicted conviction sentenced sentence jailed acquitted acquittal \
         trial guilty prison judge",
    ),
    (
        1 << 7,
        "profit profits earnings revenue revenues quarter quarterly results dividend",
    ),
    (
        1 << 8,
        "match goal goals beat beats defeat defeated win wins won final draw derby semi-final \
         league cup championship title",
    ),
    (1 << 9, "smog pollution haze"),
    (
        1 << 10,
        "outbreak cholera dengue measles epidemic virus infections",
    ),
    (
        1 << 11,
        "shooting gunman gunmen stabbing stabbed bomb bombing",
    ),
    (1 << 12, "interest rate rates inflation monetary"),
    (1 << 13, "budget deficit"),
    (1 << 14, "stocks equities bourse index indices"),
];

/// The natural kinds of [`EVENT_KIND_WORDS`] (quake, storm or flood, smog, outbreak): two reports
/// naming one of them and one place tell of one event. Accidents (crash, fire, shooting) and
/// strikes recur in one city within days (a tram and a lorry in Porto), and template kinds
/// (elections, courts, earnings, matches, rates, budgets) with other subjects every day.
pub const NATURAL_KINDS: u32 = 0b0110_0000_0011;

/// The market kind of [`EVENT_KIND_WORDS`] (stocks, index, bourse): a market's day is one event,
/// the next day's close another, though it recalls the first. Naming it alone sets no story
/// against another kind (an inflation report names a price index).
pub const MARKET_KIND: u32 = 1 << 14;

/// The match kind of [`EVENT_KIND_WORDS`] (match, goal, beat, draw, league...).
pub const MATCH_KIND: u32 = 1 << 8;

/// Event-kind bits per stemmed word hash (see [`EVENT_KIND_WORDS`]), sorted by hash.
#[derive(Debug, Clone)]
struct EventKinds {
    words: Vec<(u64, u32)>,
}

impl EventKinds {
    fn new() -> Self {
        let mut words: Vec<(u64, u32)> = Vec::new();
        let mut word = String::new();
        for (bit, list) in EVENT_KIND_WORDS {
            for w in list.split_whitespace() {
                word.clear();
                word.push_str(w);
                light_stem(&mut word);
                words.push((hash_str(TERM_SEED, &word), *bit));
            }
        }
        words.sort_unstable();
        let mut merged: Vec<(u64, u32)> = Vec::with_capacity(words.len());
        for (hash, bit) in words {
            match merged.last_mut() {
                Some(last) if last.0 == hash => last.1 |= bit,
                _ => merged.push((hash, bit)),
            }
        }
        Self { words: merged }
    }

    /// Kind bits of a stemmed word's term hash (0 for most words).
    fn of(&self, hash: u64) -> u32 {
        self.words
            .binary_search_by_key(&hash, |&(h, _)| h)
            .map_or(0, |i| self.words[i].1)
    }
}

/// Reusable extractor (holds the stopword table and scratch buffers).
pub struct Extractor {
    stopwords: Stopwords,
    event_kinds: EventKinds,
    /// Term hash of "separate" (stemmed), which calls the next event word another event.
    separate_hash: u64,
    params: ExtractParams,
    word: String,
    scratch: Vec<(u64, f32)>,
}

impl Extractor {
    pub fn new(params: ExtractParams) -> Self {
        let mut separate = String::from("separate");
        light_stem(&mut separate);
        Self {
            stopwords: Stopwords::new(),
            event_kinds: EventKinds::new(),
            separate_hash: hash_str(TERM_SEED, &separate),
            params,
            word: String::new(),
            scratch: Vec::new(),
        }
    }

    /// A fresh extractor with the same parameters (scratch buffers are not shared).
    pub fn clone_params(&self) -> Self {
        Self::new(self.params.clone())
    }

    /// Extracts the sparse features of one story.
    pub fn extract(&mut self, headline: &str, body: &str, entities: &[Entity]) -> DocFeatures {
        let mut raw = std::mem::take(&mut self.scratch);
        raw.clear();
        let lead_bytes = self.lead_byte_len(body);
        let mut headline_entities = Vec::new();
        let mut lead_places = Vec::new();
        let dateline = dateline_credit(body);
        entity_features(
            entities,
            body,
            &mut raw,
            &mut headline_entities,
            &mut lead_places,
            lead_bytes,
            dateline,
        );
        headline_entities.sort_unstable();
        headline_entities.dedup();
        lead_places.sort_unstable();
        lead_places.dedup();
        let headline_weight = self.params.headline_weight;
        let mut event_kinds = LeadKinds::default();
        self.text_terms(
            headline,
            headline_weight,
            TermScope::WithBigrams,
            &mut raw,
            &mut event_kinds,
        );
        self.text_terms(
            &body[..lead_bytes],
            1.0,
            TermScope::WithBigrams,
            &mut raw,
            &mut event_kinds,
        );
        let tail_scope = match self.params.tail_terms {
            TailTerms::All => TermScope::Words,
            TailTerms::Capitalized => TermScope::CapitalizedWords,
            TailTerms::NumbersOnly => TermScope::NumbersOnly,
        };
        let tail_weight = self.params.tail_weight;
        self.text_terms(
            &body[lead_bytes..],
            tail_weight,
            tail_scope,
            &mut raw,
            &mut LeadKinds::default(),
        );
        for quote in quotations(headline).into_iter().chain(quotations(body)) {
            self.quote_shingles(quote, &mut raw);
        }
        raw.sort_unstable_by_key(|&(key, _)| key);
        let mut features: Vec<(u64, f32)> = Vec::with_capacity(raw.len());
        for &(key, weight) in &raw {
            match features.last_mut() {
                Some(last) if last.0 == key => last.1 += weight,
                _ => features.push((key, weight)),
            }
        }
        // Sublinear damping of repeated terms, numbers and shingles; entity salience is kept.
        for (key, weight) in &mut features {
            if FeatureKind::of(*key) != FeatureKind::Entity {
                *weight = weight.sqrt();
            }
        }
        self.scratch = raw;
        let lead_days = weekdays(&[headline, &body[..lead_bytes]]);
        let first_day = first_weekday(&[&body[..lead_bytes], headline]);
        DocFeatures {
            features,
            headline_entities,
            outlet: dateline.and_then(|span| outlet_key(&body[span.start..span.end])),
            event_kinds: event_kinds.named,
            separate_kinds: event_kinds.separate,
            dateline_place: dateline.and_then(|span| dateline_place(entities, span)),
            first_day,
            lead_places,
            scores: scores(&[headline, &body[..lead_bytes]]),
            lead_days,
            days: lead_days | weekdays(&[&body[lead_bytes..]]),
        }
    }

    fn lead_byte_len(&self, body: &str) -> usize {
        let bytes = body.as_bytes();
        let mut words = 0;
        let mut in_word = false;
        let mut index = 0;
        while index < bytes.len() {
            // ASCII fast path; other characters decoded (index stays on a char boundary).
            let byte = bytes[index];
            let (alphanumeric, width) = if byte < 0x80 {
                (byte.is_ascii_alphanumeric(), 1)
            } else {
                match body.get(index..).and_then(|rest| rest.chars().next()) {
                    Some(ch) => (ch.is_alphanumeric(), ch.len_utf8()),
                    None => (false, 1),
                }
            };
            if alphanumeric {
                if !in_word {
                    words += 1;
                    if words > self.params.lead_words {
                        return index;
                    }
                }
                in_word = true;
            } else {
                in_word = false;
            }
            index += width;
        }
        body.len()
    }

    fn text_terms(
        &mut self,
        text: &str,
        word_weight: f32,
        scope: TermScope,
        out: &mut Vec<(u64, f32)>,
        event_kinds: &mut LeadKinds,
    ) {
        let with_bigrams = scope == TermScope::WithBigrams;
        let kinds_table = &self.event_kinds;
        let separate_hash = self.separate_hash;
        let with_lead = with_bigrams && self.params.lead_terms;
        let stopwords = &self.stopwords;
        let word = &mut self.word;
        let mut previous: Option<u64> = None;
        let mut number = String::new();
        let capitals_only = scope == TermScope::CapitalizedWords;
        scan_tokens_where(text, capitals_only, |kind, token| match kind {
            TokenKind::Number => {
                previous = None;
                if canonical_number(token, &mut number) {
                    let key = feature_key(FeatureKind::Number, hash_str(NUMBER_SEED, &number));
                    out.push((key, word_weight));
                }
            }
            TokenKind::Word => {
                let skip = match scope {
                    TermScope::NumbersOnly => true,
                    TermScope::CapitalizedWords => {
                        !token.chars().next().is_some_and(char::is_uppercase)
                    }
                    _ => false,
                };
                if skip {
                    previous = None;
                    return;
                }
                word.clear();
                let ascii = token.is_ascii();
                if ascii {
                    word.push_str(token);
                    word.make_ascii_lowercase();
                } else {
                    for ch in token.chars() {
                        if ch == '\u{2019}' {
                            word.push('\'');
                        } else {
                            word.extend(ch.to_lowercase());
                        }
                    }
                }
                if let Some(stripped) = word.strip_suffix("'s") {
                    let keep = stripped.len();
                    word.truncate(keep);
                }
                let short = if ascii {
                    word.len() < 3
                } else {
                    word.chars().count() < 3
                };
                if short {
                    previous = None;
                    return;
                }
                let mut hash = hash_str(TERM_SEED, word);
                if stopwords.contains_hash(hash) {
                    previous = None;
                    return;
                }
                // The stemmer only shortens or rewrites a suffix: same length, same word.
                let unstemmed_len = word.len();
                light_stem(word);
                if word.len() != unstemmed_len {
                    hash = hash_str(TERM_SEED, word);
                }
                out.push((feature_key(FeatureKind::Term, hash), word_weight));
                if with_bigrams {
                    let kinds = kinds_table.of(hash);
                    event_kinds.named |= kinds;
                    if previous == Some(separate_hash) {
                        event_kinds.separate |= kinds;
                    }
                }
                if with_lead {
                    out.push((feature_key(FeatureKind::Lead, hash), word_weight));
                }
                if with_bigrams && let Some(prev) = previous {
                    out.push((feature_key(FeatureKind::Term, mix(prev, hash)), word_weight));
                }
                previous = Some(hash);
            }
        });
    }

    fn quote_shingles(&mut self, quote: &str, out: &mut Vec<(u64, f32)>) {
        let width = self.params.quote_shingle_words.max(1);
        let mut hashes: Vec<u64> = Vec::new();
        let word = &mut self.word;
        scan_tokens(quote, |_, token| {
            word.clear();
            if token.is_ascii() {
                word.push_str(token);
                word.make_ascii_lowercase();
            } else {
                word.extend(token.chars().flat_map(char::to_lowercase));
            }
            hashes.push(hash_str(QUOTE_SEED, word));
        });
        if hashes.len() < width {
            // Short quotes (scare quotes, single words) are not evidence of a shared quotation.
            return;
        }
        for window in hashes.windows(width) {
            let hash = window.iter().fold(QUOTE_SEED, |acc, &h| mix(acc, h));
            out.push((feature_key(FeatureKind::Quote, hash), 1.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> ExtractParams {
        ExtractParams {
            headline_weight: 2.0,
            lead_words: 60,
            tail_weight: 0.5,
            tail_terms: TailTerms::All,
            lead_terms: true,
            quote_shingle_words: 3,
        }
    }

    #[test]
    fn stems_meet() {
        for (a, b) in [
            ("swapped", "swap"),
            ("talks", "talk"),
            ("casualties", "casualty"),
        ] {
            let mut x = a.to_string();
            let mut y = b.to_string();
            light_stem(&mut x);
            light_stem(&mut y);
            assert_eq!(x, y, "{a} vs {b}");
        }
    }

    #[test]
    fn stopwords_are_found_by_hash() {
        let stopwords = Stopwords::new();
        for word in STOPWORDS {
            assert!(stopwords.contains(word), "{word}");
        }
        for word in ["earthquake", "ceasefire", "tariff", "a"] {
            assert!(!stopwords.contains(word), "{word}");
        }
    }

    #[test]
    fn numbers_are_canonical() {
        let mut buf = String::new();
        assert!(canonical_number("3,000", &mut buf));
        assert_eq!(buf, "3000");
        assert!(canonical_number("2.00", &mut buf));
        assert_eq!(buf, "2");
        assert!(!canonical_number("2026", &mut buf));
        assert!(!canonical_number("5", &mut buf));
        assert!(canonical_number("6.4", &mut buf));
        assert_eq!(buf, "6.4");
    }

    #[test]
    fn capitals_only_scan_keeps_every_capital_word_and_number() {
        let pieces = [
            "the ",
            "Minister ",
            "said ",
            "o'Brien ",
            "don't ",
            "iPhone ",
            "McDonald's ",
            "3,200.5 ",
            "x",
            "y'",
            "Zoë ",
            "café ",
            "\u{2019}s ",
            "rock'n'roll ",
            "(AP) ",
            "-- ",
            "élan ",
            "É",
            "a",
            "B",
            "7",
            "' ",
            ", ",
            ". ",
            "\n",
            "Édouard ",
            "naïve ",
            "word",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..3_000 {
            let mut text = String::new();
            for _ in 0..40 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let wanted = |kind: TokenKind, token: &str| {
                kind == TokenKind::Number || token.chars().next().is_some_and(char::is_uppercase)
            };
            let mut all = Vec::new();
            scan_tokens(&text, |kind, token| {
                if wanted(kind, token) {
                    all.push((kind, token.to_string()));
                }
            });
            let mut fast = Vec::new();
            scan_tokens_where(&text, true, |kind, token| {
                if wanted(kind, token) {
                    fast.push((kind, token.to_string()));
                }
            });
            assert_eq!(fast, all, "{text:?}");
        }
    }

    #[test]
    fn quote_byte_test_matches_bytewise() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..50_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mut chunk = state.to_le_bytes();
            for byte in &mut chunk {
                // Mostly ordinary text bytes, sometimes a quote byte or a near miss.
                *byte = match *byte % 16 {
                    0 => b'"',
                    1 => b'\'',
                    2 => b'\n',
                    3 => 0xE2,
                    4 => 0xE3,
                    5 => b'&',
                    6 => 0,
                    _ => b'a' + *byte % 26,
                };
            }
            if state % 3 == 0 {
                chunk = chunk.map(|b| {
                    if matches!(b, b'"' | b'\'' | b'\n' | 0xE2) {
                        b'x'
                    } else {
                        b
                    }
                });
            }
            let expected = chunk
                .iter()
                .any(|b| matches!(b, b'"' | b'\'' | b'\n' | 0xE2));
            assert_eq!(
                has_quote_byte(u64::from_le_bytes(chunk)),
                expected,
                "{chunk:?}"
            );
        }
    }

    #[test]
    fn finds_quotations() {
        let text = "He said \u{201C}we are not on autopilot\u{201D} and 'in a good place' it's \"fine now\".";
        let quotes = quotations(text);
        assert_eq!(
            quotes,
            vec!["we are not on autopilot", "in a good place", "fine now"]
        );
    }

    #[test]
    fn dateline_credit_is_excluded() {
        let body = "FRANKFURT, May 12 (Atlas Wire) - The bank held rates.";
        let spans = credit_spans(body, dateline_credit(body));
        assert_eq!(spans.len(), 1);
        assert_eq!(&body[spans[0].start..spans[0].end], "(Atlas Wire)");
    }

    #[test]
    fn lead_ends_after_the_configured_words() {
        let extractor = Extractor::new(ExtractParams {
            lead_words: 3,
            ..params()
        });
        let body = "Zürich's café, 12 élan vital";
        // Words: "Zürich", "s", "café" -> the lead ends where the fourth ("12") starts.
        assert_eq!(&body[..extractor.lead_byte_len(body)], "Zürich's café, ");
        assert_eq!(extractor.lead_byte_len("two words"), "two words".len());
    }

    #[test]
    fn extraction_is_sorted_and_unique() {
        let mut extractor = Extractor::new(params());
        let doc = extractor.extract(
            "Quake hits coast",
            "A magnitude 6.4 quake hit the coast. \"We felt the whole house shake\" said a man.",
            &[],
        );
        assert!(doc.features.windows(2).all(|w| w[0].0 < w[1].0));
        let kinds: Vec<FeatureKind> = doc.features.iter().map(|f| FeatureKind::of(f.0)).collect();
        assert!(kinds.contains(&FeatureKind::Number));
        assert!(kinds.contains(&FeatureKind::Quote));
        assert!(kinds.contains(&FeatureKind::Term));
    }
}
