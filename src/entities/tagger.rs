//! The per-story tagging pipeline: gazetteer hits (word-boundary, case and ambiguity checks,
//! longest match first), capitalised-name runs with title / organisation / place cues for names no
//! list knows, acronym definitions, and in-document resolution (surnames, first names, acronyms,
//! headline mentions) into one entity per real-world thing with stable ids.

use super::gazetteer::{
    FastHasher, FastMap, FastSet, Gazetteer, RawHit, case_acceptable, strip_diacritics,
};
use super::lexicon::{
    COMMON, CONNECTOR, DEMONYM, DEMONYM_HEAD, FIRST_NAME, INSTITUTION_ADJECTIVE, Lexicon, NOT_NAME,
    ORG_AFTER_WORD, ORG_DESCRIPTOR, ORG_HEAD, ORG_LEAD, ORG_PREFIX, PLACE_AFTER_WORD, PLACE_HEAD,
    PLACE_OF_WORD, PLACE_PREFIX, PLACE_PREPOSITION, SPEECH_VERB, STRONG_PLACE_HEAD, TIME, TITLE,
    TITLE_MODIFIER, ascii_case_bits, ascii_word_hash_in, load_le, word_hash,
};
use super::text::{
    ALL_CAPS, BASED, CAPITALISED, COMMA_AFTER, COMMA_BEFORE, DIGIT, HYPHENATED, JOINED, LOWERCASE,
    NON_ASCII, PAIR_HALF, PAREN_AFTER, PAREN_BEFORE, POSSESSIVE, SENTENCE_START, Token, tokenize,
    wire_prefix_len,
};
use super::{Entity, EntityType, Field, Mention};

/// A lowercased word, on the stack when short and ASCII.
pub(crate) enum Lower<'a> {
    Borrowed(&'a str),
    Stack([u8; 32], usize),
    Heap(String),
}

impl std::ops::Deref for Lower<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Lower::Borrowed(word) => word,
            Lower::Stack(bytes, length) => std::str::from_utf8(&bytes[..*length]).unwrap_or(""),
            Lower::Heap(word) => word,
        }
    }
}

impl AsRef<str> for Lower<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

/// Lowercases without allocating for short ASCII words.
pub(crate) fn lower(word: &str) -> Lower<'_> {
    if !word.is_ascii() {
        return Lower::Heap(word.to_lowercase());
    }
    if !word.bytes().any(|byte| byte.is_ascii_uppercase()) {
        return Lower::Borrowed(word);
    }
    if word.len() <= 32 {
        let mut bytes = [0u8; 32];
        for (slot, byte) in bytes.iter_mut().zip(word.bytes()) {
            *slot = byte.to_ascii_lowercase();
        }
        return Lower::Stack(bytes, word.len());
    }
    Lower::Heap(word.to_ascii_lowercase())
}

/// `text` lowercased into `out` with every byte offset kept: ASCII letters always, other
/// capitals ("Éireann", "Łódź") when their lowercase form has the same UTF-8 length (nearly all
/// Latin, Greek and Cyrillic ones), so gazetteer keys, which are fully lowercased, match.
fn lower_in_place(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
        return;
    }
    for character in text.chars() {
        if character.is_ascii() {
            out.push(character.to_ascii_lowercase());
            continue;
        }
        let mut lowered = character.to_lowercase();
        match (lowered.next(), lowered.next()) {
            (Some(single), None) if single.len_utf8() == character.len_utf8() => out.push(single),
            _ => out.push(character),
        }
    }
}

/// Case-, apostrophe- and spacing-insensitive hash of a name, for in-document lookups: the
/// folded text (lowercase, curly apostrophe as straight, whitespace runs as one space, trailing
/// whitespace dropped) as UTF-8, fed to the hasher eight bytes at a time.
fn name_key(text: &str) -> u64 {
    let mut key = NameKey::default();
    let mut pending_space = false;
    if text.is_ascii() {
        // Nearly every name: single spaces between words, no other whitespace, none at either
        // end. The same bytes go to the hasher eight at a time, lowercased in one step.
        let bytes = text.as_bytes();
        if bytes.first() != Some(&b' ')
            && bytes.last() != Some(&b' ')
            && !bytes.iter().any(|&byte| byte < b' ')
            && memchr::memmem::find(bytes, b"  ").is_none()
        {
            use std::hash::Hasher;
            let mut hasher = FastHasher::default();
            let mut chunks = bytes.chunks_exact(8);
            for chunk in &mut chunks {
                let block = load_le(chunk);
                hasher.write_u64(block | ascii_case_bits(block));
            }
            let block = load_le(chunks.remainder());
            hasher.write_u64(block | ascii_case_bits(block));
            hasher.write_u64(bytes.len() as u64);
            return hasher.finish();
        }
        for &byte in text.as_bytes() {
            if matches!(byte, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r') {
                pending_space = true;
                continue;
            }
            if pending_space {
                key.push(b' ');
                pending_space = false;
            }
            key.push(byte.to_ascii_lowercase());
        }
        return key.finish();
    }
    for character in text.chars() {
        if character.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            key.push(b' ');
            pending_space = false;
        }
        let folded = if character == '\u{2019}' {
            '\''
        } else if character.is_ascii() {
            character.to_ascii_lowercase()
        } else {
            character.to_lowercase().next().unwrap_or(character)
        };
        let mut buffer = [0u8; 4];
        for &byte in folded.encode_utf8(&mut buffer).as_bytes() {
            key.push(byte);
        }
    }
    key.finish()
}

/// Streams bytes into a [`FastHasher`] eight at a time (one multiply per eight bytes).
#[derive(Default)]
struct NameKey {
    hasher: FastHasher,
    block: u64,
    filled: u32,
    length: u64,
}

impl NameKey {
    #[inline]
    fn push(&mut self, byte: u8) {
        use std::hash::Hasher;
        self.block |= u64::from(byte) << (8 * self.filled);
        self.filled += 1;
        self.length += 1;
        if self.filled == 8 {
            self.hasher.write_u64(self.block);
            self.block = 0;
            self.filled = 0;
        }
    }

    fn finish(mut self) -> u64 {
        use std::hash::Hasher;
        self.hasher.write_u64(self.block);
        self.hasher.write_u64(self.length);
        self.hasher.finish()
    }
}

/// Last words of company and club names whose first word alone names the organisation later
/// in a story ("Halvorsen Shipping" ... "Halvorsen"); public bodies named after places
/// ("Cornwall Council") are left out, since their first word is usually the place.
const BUSINESS_OR_CLUB_HEADS: [&str; 44] = [
    "shipping",
    "lines",
    "systems",
    "electric",
    "electronics",
    "holdings",
    "group",
    "bank",
    "capital",
    "motors",
    "airlines",
    "airways",
    "energy",
    "industries",
    "technologies",
    "pharmaceuticals",
    "pharma",
    "foods",
    "logistics",
    "mining",
    "steel",
    "petroleum",
    "insurance",
    "securities",
    "partners",
    "ventures",
    "investments",
    "media",
    "inc",
    "ltd",
    "plc",
    "corp",
    "ag",
    "sa",
    "gmbh",
    "asa",
    "rovers",
    "united",
    "athletic",
    "wanderers",
    "fc",
    "afc",
    "labs",
    "brewery",
];

/// Legal-form and club suffixes left out of organisation ids, so "Trewin Travel Ltd" and
/// "Trewin Travel" get one id: English and continental forms, central and eastern Europe's and
/// the Nordics' ("d.o.o.", "s.r.o.", "hf.", "Zrt."), South Asia's, Malaysia's, Oman's and the
/// Baltics' ("Pvt Ltd", "Sdn Bhd", "SAOC", "SIA", "OÜ", "UAB"), club words ("FC", "RFC").
/// Sorted, for [`is_org_id_suffix`].
const ORG_ID_SUFFIXES: [&str; 67] = [
    "ab",
    "abp",
    "ad",
    "ado",
    "afc",
    "ag",
    "aps",
    "as",
    "asa",
    "aş",
    "berhad",
    "bhd",
    "bv",
    "cf",
    "cjsc",
    "co",
    "company",
    "corp",
    "corporation",
    "dd",
    "doo",
    "ead",
    "ehf",
    "eood",
    "fc",
    "gmbh",
    "group",
    "hf",
    "holdings",
    "inc",
    "incorporated",
    "jsc",
    "kft",
    "limited",
    "llc",
    "llp",
    "ltd",
    "ltda",
    "nv",
    "nyrt",
    "ojsc",
    "ood",
    "ou",
    "oy",
    "oyj",
    "oü",
    "pjsc",
    "plc",
    "pte",
    "pty",
    "pvt",
    "rfc",
    "rlfc",
    "sa",
    "saa",
    "sac",
    "saoc",
    "saog",
    "sas",
    "sdn",
    "sia",
    "spa",
    "srl",
    "sro",
    "tbk",
    "uab",
    "zrt",
];

/// Whether a lowercase word is one of [`ORG_ID_SUFFIXES`] (kept sorted for this search).
fn is_org_id_suffix(word: &str) -> bool {
    ORG_ID_SUFFIXES.binary_search(&word).is_ok()
}

/// `wiredesk:<type>:<slug>` for a name no gazetteer knows (organisations without a trailing
/// legal form such as Ltd or GmbH).
pub fn wiredesk_id(entity_type: EntityType, name: &str) -> String {
    let type_slug = match entity_type {
        EntityType::Person => "person",
        EntityType::Organisation => "org",
        EntityType::Place => "place",
    };
    let mut id = String::with_capacity(16 + name.len());
    id.push_str("wiredesk:");
    id.push_str(type_slug);
    id.push(':');
    let prefix = id.len();
    // "Austral Datos S.A.", "Nordhavn Lines A/S", "Budomex Sp. z o.o.": a dotted or
    // slashed legal form is left out like an undotted one.
    let name = if entity_type == EntityType::Organisation {
        without_legal_form(name).unwrap_or(name)
    } else {
        name
    };
    push_slug(name, &mut id);
    // "Araucanía Region", "Ukerewe Island", "County Westmeath": a place no list knows is the
    // same place whether or not the story writes its generic word, so the word stays out of
    // the id.
    if entity_type == EntityType::Place {
        if id[prefix..].starts_with("county-") {
            id.replace_range(prefix..prefix + "county-".len(), "");
        }
        if let Some((rest, last)) = id[prefix..].rsplit_once('-')
            && (is_generic_region_word(last) || matches!(last, "county" | "island"))
            && !rest.is_empty()
        {
            id.truncate(prefix + rest.len());
        }
    }
    if entity_type == EntityType::Organisation {
        while let Some((rest, last)) = id[prefix..].rsplit_once('-') {
            if is_org_id_suffix(last) && !rest.is_empty() {
                id.truncate(prefix + rest.len());
            } else {
                break;
            }
        }
        // "Wrenfield General Hospital" is "Wrenfield General" on second reference (and in the
        // next story): the institution's kind after its adjective does not enter the id.
        if let Some((rest, last)) = id[prefix..].rsplit_once('-')
            && matches!(last, "hospital" | "school" | "college")
            && rest
                .rsplit('-')
                .next()
                .is_some_and(|word| INSTITUTION_ID_ADJECTIVES.contains(&word))
        {
            id.truncate(prefix + rest.len());
        }
    }
    id
}

/// Adjectives that name an institution alone ("Wrenfield General", "Thomas Haney Secondary").
const INSTITUTION_ID_ADJECTIVES: [&str; 9] = [
    "general",
    "regional",
    "memorial",
    "secondary",
    "primary",
    "technical",
    "comprehensive",
    "elementary",
    "polytechnic",
];

/// Members of a list [`Engine::listed_with_place`] looks at on each side of a name.
const LIST_REACH: usize = 6;

/// Whether tokens `low..high` can be one member of a list of places: at most three words, no
/// title ("Information Technology Minister Ashwini Vaishnaw" ends a list).
fn list_member(data: &FieldData<'_>, lexicon: &Lexicon, low: usize, high: usize) -> bool {
    high - low <= 3 && (low..high).all(|index| data.class(index, lexicon) & TITLE == 0)
}

/// Whether body token `index` lies in a dateline before its credit ("BRANDON, Man., Nov 29
/// (Prairie Wire) -"): a place there is where the story was filed, never a team.
fn in_dateline_head(data: &FieldData<'_>, index: usize) -> bool {
    let first = data.dateline;
    data.field == Field::Body
        && (first..first + 12).contains(&index)
        && data
            .tokens
            .get(first)
            .is_some_and(|token| token.has(ALL_CAPS))
        && data.tokens[index + 1..data.tokens.len().min(first + 12)]
            .iter()
            .any(|token| token.has(PAREN_BEFORE))
}

/// Tokens of a byline paragraph opening a body ("By Fiona Gillespie" and a line break, as the
/// dedup normaliser reads bylines), or 0.
fn byline_paragraph_tokens(text: &str, tokens: &[Token]) -> usize {
    match text.find('\n') {
        Some(line_end) if crate::dedup::normalize::is_byline(&text[..line_end]) => {
            tokens.partition_point(|token| token.start < line_end)
        }
        _ => 0,
    }
}

/// "LISBON (Gulf Dispatch) -": tokens `low..high` are the whole parenthesis of the agency
/// credited in a body's dateline (an all-capitals place opens the body before it).
fn is_dateline_credit(data: &FieldData<'_>, low: usize, high: usize) -> bool {
    let first = data.dateline;
    data.field == Field::Body
        && (first..first + 12).contains(&low)
        && low < high
        && data.tokens[low].has(PAREN_BEFORE)
        && data.tokens[high - 1].has(PAREN_AFTER)
        && data.tokens[first..low]
            .iter()
            .any(|token| token.has(ALL_CAPS))
}

/// Lowercase, ASCII-folded, non-alphanumerics collapsed to `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    push_slug(name, &mut out);
    out
}

/// Appends the slug of `name` to `out`.
fn push_slug(name: &str, out: &mut String) {
    let start = out.len();
    let folded: std::borrow::Cow<'_, str> = if name.is_ascii() {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(strip_diacritics(name))
    };
    let mut pending_dash = false;
    for character in folded.chars() {
        if character.is_ascii_alphanumeric() {
            if pending_dash && out.len() > start {
                out.push('-');
            }
            pending_dash = false;
            out.push(character.to_ascii_lowercase());
        } else if character == '\'' || character == '\u{2019}' {
            // "Workers' Party" -> "workers-party"; apostrophes inside names vanish.
        } else if character == '&' {
            // "Devon & Cornwall Police" and "Devon and Cornwall Police": one id.
            if out.len() > start {
                out.push('-');
            }
            out.push_str("and");
            pending_dash = true;
        } else {
            pending_dash = true;
        }
    }
}

/// Hashes of the body's lowercase words: a 4096-bit Bloom filter in front of a plain list
/// (cheaper to fill per story than a hash set; membership answers are exact).
#[derive(Default)]
struct LowercaseWords {
    bloom: Vec<u64>,
    hashes: Vec<u64>,
}

impl LowercaseWords {
    const BLOOM_WORDS: usize = 64;

    fn clear(&mut self) {
        self.bloom.clear();
        self.bloom.resize(Self::BLOOM_WORDS, 0);
        self.hashes.clear();
    }

    #[inline]
    fn bit(hash: u64) -> (usize, u64) {
        let position = (hash >> 52) as usize;
        (position / 64 % Self::BLOOM_WORDS, 1u64 << (position % 64))
    }

    fn insert(&mut self, hash: u64) {
        let (word, mask) = Self::bit(hash);
        self.bloom[word] |= mask;
        self.hashes.push(hash);
    }

    fn contains(&self, hash: &u64) -> bool {
        let (word, mask) = Self::bit(*hash);
        self.bloom.get(word).is_some_and(|bits| bits & mask != 0) && self.hashes.contains(hash)
    }
}

/// Least prominence (rank 3 or better) of an organisation whose name is a common word that
/// company news names plainly.
const BUSINESS_PROMINENCE: f64 = 20.0;

/// Per-thread buffers reused from story to story (cleared before use).
#[derive(Default)]
struct Scratch {
    tokens: [Vec<Token>; 2],
    claimed: [Vec<Option<u32>>; 2],
    classes: [Vec<std::cell::Cell<u32>>; 2],
    hashes: [Vec<u64>; 2],
    lowercase_words: LowercaseWords,
    raw: Vec<(usize, RawHit)>,
    lowered: String,
    confirmed: FastSet<u32>,
    hits: Vec<Hit>,
    candidates: Vec<Candidate>,
    pendings: Vec<Pending>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Shared, immutable tagging resources.
#[derive(Debug)]
pub(crate) struct Engine {
    pub gazetteer: Gazetteer,
    pub lexicon: Lexicon,
}

/// A selected gazetteer hit.
#[derive(Debug, Clone)]
struct Hit {
    field: usize,
    start: usize,
    end: usize,
    token_low: usize,
    token_high: usize,
    entry: u32,
    removed: bool,
}

/// A name no gazetteer knows, typed by its cues.
#[derive(Debug, Clone)]
struct Candidate {
    field: usize,
    start: usize,
    end: usize,
    entity_type: EntityType,
    /// Typed a person only because it looks like a name (no given name, title or cue): another
    /// mention of the same name with a cue decides its type.
    guessed: bool,
}

impl Candidate {
    /// The whole run `run` as one entity, replacing every gazetteer hit inside it.
    fn whole_run(
        data: &FieldData<'_>,
        field: usize,
        run: std::ops::Range<usize>,
        entity_type: EntityType,
        hits: &mut [Hit],
    ) -> Self {
        Self::replacing(data, field, run.clone(), run, entity_type, hits)
    }

    /// The span of tokens `span` as one entity, replacing the gazetteer hits claimed over
    /// `replaced` (a part of the span).
    fn replacing(
        data: &FieldData<'_>,
        field: usize,
        span: std::ops::Range<usize>,
        replaced: std::ops::Range<usize>,
        entity_type: EntityType,
        hits: &mut [Hit],
    ) -> Self {
        for claim in data.claimed[replaced].iter().flatten() {
            hits[*claim as usize].removed = true;
        }
        Candidate {
            field,
            start: data.tokens[span.start].start,
            end: data.tokens[span.end - 1].end,
            entity_type,
            guessed: false,
        }
    }
}

/// A run that only counts if it resolves to an entity found elsewhere in the document.
#[derive(Debug, Clone)]
struct Pending {
    field: usize,
    token_low: usize,
    token_high: usize,
    fallback: Option<EntityType>,
}

#[derive(Debug)]
struct DocEntity {
    id: String,
    entity_type: EntityType,
    name: String,
    mentions: Vec<Mention>,
}

struct FieldData<'a> {
    field: Field,
    text: &'a str,
    tokens: Vec<Token>,
    /// Index of the hit claiming each token.
    claimed: Vec<Option<u32>>,
    /// Headline in title case: no new names are read from it.
    restricted: bool,
    /// Lexicon class bits per token, computed on first use.
    classes: Vec<std::cell::Cell<u32>>,
    /// [`word_hash`] of every token.
    hashes: Vec<u64>,
    /// Index of the token where the body's dateline may stand: 0, or the first token after a
    /// byline paragraph ("By Fiona Gillespie\n\nINVERNESS (NNA) -").
    dateline: usize,
}

const CLASS_UNKNOWN: u32 = u32::MAX;

impl FieldData<'_> {
    fn word(&self, index: usize) -> &str {
        let token = self.tokens[index];
        &self.text[token.start..token.end]
    }
    /// Lexicon class bits of token `index` (lowercased, trailing dots ignored).
    fn class(&self, index: usize, lexicon: &Lexicon) -> u32 {
        let cached = self.classes[index].get();
        if cached != CLASS_UNKNOWN {
            return cached;
        }
        let mut computed = lexicon.classes_of_hash(self.hashes[index]);
        if computed == 0 && self.tokens[index].has(NON_ASCII) {
            computed = folded_classes(self.word(index), lexicon);
        }
        if computed == 0 && self.tokens[index].has(HYPHENATED) {
            computed = hyphenated_classes(self.word(index), lexicon);
        }
        self.classes[index].set(computed);
        computed
    }
    fn span_text(&self, low: usize, high: usize) -> &str {
        &self.text[self.tokens[low].start..self.tokens[high - 1].end]
    }
}

/// Whether a listed name ending at `end` goes on with a Romance connector and a capitalised
/// word: "San Martín de los Andes", "Santo Domingo de los Colorados" are longer names the list
/// does not know, not the listed "San Martín".
fn continues_with_romance_connector(text: &str, end: usize) -> bool {
    let mut rest = &text[end..];
    let mut connectors = 0;
    while let Some(after) = rest.strip_prefix(' ') {
        let word_end = after.find(' ').unwrap_or(after.len());
        let word = &after[..word_end];
        if matches!(
            word,
            "de" | "del" | "do" | "da" | "dos" | "das" | "los" | "las" | "la"
        ) && connectors < 2
        {
            connectors += 1;
            rest = &after[word_end..];
            continue;
        }
        return connectors > 0 && word.starts_with(char::is_uppercase);
    }
    false
}

/// Whether the text before `start` ends with a comma or an opening bracket: where a dotted
/// state abbreviation stands ("Reading, Md.", "(Calif.)"), unlike a name's abbreviation
/// ("Md. Tajul Islam", Bangladesh's short form of Mohammad).
fn follows_comma(text: &str, start: usize) -> bool {
    text[..start].trim_end().ends_with([',', '('])
}

fn is_word_char(character: char) -> bool {
    character.is_alphanumeric()
}

/// Word-boundary test for a gazetteer hit at `start..end` of `text`.
fn on_word_boundary(text: &str, start: usize, end: usize) -> bool {
    if let Some(before) = text[..start].chars().next_back() {
        if is_word_char(before) {
            return false;
        }
        if before == '-' || before == '\'' || before == '\u{2019}' {
            // "anti-US" / "pro-Russia" are fine; "Jong-un" inside a name is not.
            let prefix = &text[..start - before.len_utf8()];
            let word_start = prefix
                .char_indices()
                .rev()
                .find(|(_, character)| !is_word_char(*character))
                .map_or(0, |(index, character)| index + character.len_utf8());
            let prefix_word = &prefix[word_start..];
            if before != '-'
                || prefix_word.is_empty()
                || !prefix_word.chars().all(char::is_lowercase)
            {
                return false;
            }
        }
    }
    let mut after = text[end..].chars();
    if let Some(next) = after.next() {
        if is_word_char(next) {
            return false;
        }
        if next == '-' {
            return after.next().is_some_and(char::is_lowercase);
        }
        if next == '\'' || next == '\u{2019}' {
            let following = after.next();
            let then = after.next();
            return following.is_none_or(|c| !c.is_alphanumeric())
                || (matches!(following, Some('s')) && then.is_none_or(|c| !is_word_char(c)));
        }
    }
    true
}

const DASHES: [char; 3] = ['-', '\u{2013}', '\u{2014}'];

/// How well an entry fits an alias hit, compared in order: the context cue matches its type, it
/// is confirmed or needs no context, its country is named in the story, it is an organisation of
/// the country of a place the story names, then prominence (x 1000).
type EntryScore = (bool, bool, bool, bool, i64);

impl Engine {
    /// Tags one story, reusing this thread's scratch buffers.
    pub fn tag(&self, headline: &str, body: &str) -> Vec<Entity> {
        SCRATCH.with(|cell| {
            let mut scratch = cell.take();
            let entities = self.tag_with(&mut scratch, headline, body);
            cell.replace(scratch);
            entities
        })
    }

    fn tag_with(&self, scratch: &mut Scratch, headline: &str, body: &str) -> Vec<Entity> {
        use std::mem::take;
        let lexicon = &self.lexicon;
        let mut fields = [
            FieldData {
                field: Field::Headline,
                text: headline,
                tokens: take(&mut scratch.tokens[0]),
                claimed: take(&mut scratch.claimed[0]),
                restricted: false,
                classes: take(&mut scratch.classes[0]),
                hashes: take(&mut scratch.hashes[0]),
                dateline: 0,
            },
            FieldData {
                field: Field::Body,
                text: body,
                tokens: take(&mut scratch.tokens[1]),
                claimed: take(&mut scratch.claimed[1]),
                restricted: false,
                classes: take(&mut scratch.classes[1]),
                hashes: take(&mut scratch.hashes[1]),
                dateline: 0,
            },
        ];
        for data in &mut fields {
            // "URGENT-", "UPDATE 1-": wire slugs glued to a headline are not part of a name.
            let skip = if data.field == Field::Headline {
                wire_prefix_len(data.text)
            } else {
                0
            };
            tokenize(&data.text[skip..], &mut data.tokens);
            if skip > 0 {
                for token in &mut data.tokens {
                    token.start += skip;
                    token.end += skip;
                }
            }
            self.split_name_pairs(data.text, &mut data.tokens, &mut scratch.lowered);
            data.dateline = if data.field == Field::Body {
                byline_paragraph_tokens(data.text, &data.tokens)
            } else {
                0
            };
            data.claimed.clear();
            data.claimed.resize(data.tokens.len(), None);
            data.classes.clear();
            data.classes
                .resize(data.tokens.len(), std::cell::Cell::new(CLASS_UNKNOWN));
            data.hashes.clear();
            let text = data.text;
            data.hashes.extend(data.tokens.iter().map(|token| {
                if token.has(NON_ASCII) {
                    word_hash(&text[token.start..token.end])
                } else {
                    ascii_word_hash_in(text.as_bytes(), token.start, token.end)
                }
            }));
        }
        fields[0].restricted = is_title_case(&fields[0]);

        // Lowercase words of the body: a sentence-initial word seen lowercase is a common word.
        let mut lowercase_words = take(&mut scratch.lowercase_words);
        lowercase_words.clear();
        for (token, hash) in fields[1].tokens.iter().zip(&fields[1].hashes) {
            // Short function words are in the lexicon already.
            if token.has(LOWERCASE) && token.end - token.start >= 4 {
                lowercase_words.insert(*hash);
            }
        }

        // 1. Gazetteer hits.
        let mut raw = take(&mut scratch.raw);
        raw.clear();
        let mut lowered = take(&mut scratch.lowered);
        for (field_index, data) in fields.iter().enumerate() {
            lower_in_place(data.text, &mut lowered);
            for (token, hash) in data.tokens.iter().zip(&data.hashes) {
                if token.has(DIGIT) {
                    continue;
                }
                // Cheap tests before the automaton: an alias must begin with this word (or with
                // its part before a hyphen, as in "US-led"), and lowercase words start few aliases.
                let word = &data.text[token.start..token.end];
                let starts_set = if token.has(LOWERCASE) {
                    &self.gazetteer.lowercase_starts
                } else {
                    &self.gazetteer.first_words
                };
                if !starts_set.contains(hash)
                    && (!token.has(HYPHENATED)
                        || word
                            .bytes()
                            .position(|byte| byte == b'-')
                            .is_none_or(|hyphen| !starts_set.contains(&word_hash(&word[..hyphen]))))
                {
                    continue;
                }
                let text = data.text;
                // A short all-capitals word in running text is an acronym ("VAR", "AIN"), not a
                // place written in a dateline's capitals; only the dateline itself may be one.
                let dateline = data.field == Field::Body
                    && data
                        .tokens
                        .get(data.dateline)
                        .is_some_and(|first| first.start == token.start);
                let found = self
                    .gazetteer
                    .longest_at(&lowered, token.start, |end, alias_index| {
                        let alias = &self.gazetteer.aliases[alias_index as usize];
                        let surface = &text[token.start..end];
                        (on_word_boundary(text, token.start, end)
                            || (token.has(PAIR_HALF) && end == token.end))
                            && case_acceptable(alias, surface)
                            && (alias.acronym
                                || !alias.text.ends_with('.')
                                || follows_comma(text, token.start))
                            && (dateline
                                || alias.acronym
                                || surface.len() > 4
                                || surface == alias.text
                                || surface.bytes().any(|byte| byte.is_ascii_lowercase()))
                    });
                if let Some(hit) = found
                    && !continues_with_romance_connector(text, hit.end)
                {
                    let hit = without_generic_suffix(text, self.without_title(data, &lowered, hit));
                    raw.push((field_index, hit));
                }
            }
        }
        // Entries confirmed by an unambiguous alias anywhere in the story.
        let mut confirmed_entries = take(&mut scratch.confirmed);
        confirmed_entries.clear();
        let mut doc_countries: FastSet<&str> = FastSet::default();
        // Countries of the places the story names unambiguously ("Bradford": GB), to choose
        // between organisations sharing a name ("Greens").
        let mut place_countries: FastSet<&str> = FastSet::default();
        for (_, hit) in &raw {
            let alias = &self.gazetteer.aliases[hit.alias as usize];
            for entry_index in &alias.entries {
                let entry = &self.gazetteer.entries[*entry_index as usize];
                if !entry.ambiguous || !alias.single_word || alias.is_specific() {
                    confirmed_entries.insert(*entry_index);
                }
            }
            if alias.entries.len() == 1 {
                let entry = &self.gazetteer.entries[alias.entries[0] as usize];
                if entry.is_country
                    && let Some(country) = &entry.country
                {
                    doc_countries.insert(country.as_str());
                } else if entry.entity_type == EntityType::Place
                    && !entry.ambiguous
                    && let Some(country) = &entry.country
                {
                    place_countries.insert(country.as_str());
                }
            }
        }
        raw.sort_by(|(field_a, a), (field_b, b)| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(field_a.cmp(field_b))
                .then(a.start.cmp(&b.start))
        });
        // Company news, asked only when a ranked firm whose name is a common word was found.
        let business_story = raw.iter().any(|(_, hit)| {
            self.gazetteer.aliases[hit.alias as usize]
                .entries
                .iter()
                .any(|entry_index| {
                    let entry = &self.gazetteer.entries[*entry_index as usize];
                    entry.ambiguous
                        && entry.entity_type == EntityType::Organisation
                        && (BUSINESS_PROMINENCE..30.0).contains(&entry.prominence)
                })
        }) && is_business_story(&fields[1]);
        let mut hits = take(&mut scratch.hits);
        hits.clear();
        for &(field_index, raw_hit) in &raw {
            let data = &fields[field_index];
            let token_low = data
                .tokens
                .partition_point(|token| token.end <= raw_hit.start);
            let token_high = data
                .tokens
                .partition_point(|token| token.start < raw_hit.end);
            if token_low >= token_high
                || data.claimed[token_low..token_high]
                    .iter()
                    .any(Option::is_some)
            {
                continue;
            }
            let Some(entry) = self.choose_entry(
                &fields,
                field_index,
                token_low,
                token_high,
                raw_hit.alias,
                &confirmed_entries,
                &doc_countries,
                &place_countries,
                business_story,
            ) else {
                continue;
            };
            if self.party_of_another_name(data, token_low, raw_hit.alias) {
                continue;
            }
            let entry =
                self.gulf_in_context(entry, raw_hit.alias, &doc_countries, &place_countries);
            let hit_index = hits.len() as u32;
            hits.push(Hit {
                field: field_index,
                start: raw_hit.start,
                end: raw_hit.end,
                token_low,
                token_high,
                entry,
                removed: false,
            });
            for slot in &mut fields[field_index].claimed[token_low..token_high] {
                *slot = Some(hit_index);
            }
        }

        // A one-word place that is also a first name, followed by another name, starts a
        // person's name instead ("Vladimir Medinsky", "Florence Pugh").
        let mut released: Vec<usize> = Vec::new();
        for (hit_index, hit) in hits.iter().enumerate() {
            let entry = &self.gazetteer.entries[hit.entry as usize];
            let data = &fields[hit.field];
            let next = hit.token_high;
            if hit.token_high - hit.token_low != 1
                || entry.entity_type != EntityType::Place
                || entry.is_country
                || next >= data.tokens.len()
            {
                continue;
            }
            // "Rodrigo Pacheco Lins", "Sharifah Aini Syed Hassan": a small place name after at
            // most three words of a run that starts with a first name.
            let low = hit.token_low;
            if entry.prominence < 30.0 && low >= 2 && data.tokens[low].has(JOINED) {
                let mut run_start = low;
                while run_start > 0
                    && data.tokens[run_start].has(JOINED)
                    && data.tokens[run_start - 1].has(CAPITALISED)
                    && !data.tokens[run_start - 1].has(ALL_CAPS)
                    && !data.tokens[run_start - 1].has(POSSESSIVE)
                    && data.claimed[run_start - 1].is_none()
                {
                    run_start -= 1;
                }
                if run_start < low
                    && low - run_start <= 3
                    && data.class(run_start, lexicon) & FIRST_NAME != 0
                {
                    released.push(hit_index);
                    continue;
                }
            }
            let next_token = data.tokens[next];
            // "Cabinet Secretary Aden Duale": a title before the place word makes it a given name.
            let titled_before = || {
                low > 0 && data.tokens[low].has(JOINED) && data.class(low - 1, lexicon) & TITLE != 0
            };
            if next_token.has(JOINED)
                && next_token.has(CAPITALISED)
                && !next_token.has(ALL_CAPS)
                && !data.tokens[hit.token_low].has(POSSESSIVE)
                && data.claimed[next].is_none()
                && (data.class(hit.token_low, lexicon) & FIRST_NAME != 0 || titled_before())
                && data.class(next, lexicon) & (ORG_HEAD | PLACE_HEAD | NOT_NAME | COMMON) == 0
            {
                released.push(hit_index);
            }
        }
        for hit_index in released {
            let (field, low) = (hits[hit_index].field, hits[hit_index].token_low);
            hits[hit_index].removed = true;
            fields[field].claimed[low] = None;
        }

        // 2. Capitalised runs: unknown names and mentions to resolve.
        let mut candidates = take(&mut scratch.candidates);
        candidates.clear();
        let mut pendings = take(&mut scratch.pendings);
        pendings.clear();
        for field_index in [1usize, 0] {
            let data = &fields[field_index];
            let count = data.tokens.len();
            let mut index = 0;
            while index < count {
                let token = data.tokens[index];
                if !token.is_name_like() {
                    index += 1;
                    continue;
                }
                let mut low = index;
                let mut high = index + 1;
                while high < count {
                    if data.tokens[high - 1].has(POSSESSIVE) {
                        // "Alzheimer's Society", "St Brannock's Hospice": a possessive inside an
                        // organisation's name, when an unclaimed word precedes a head word.
                        let next = high;
                        let inside_name = data.claimed[high - 1].is_none()
                            && next < count
                            && data.tokens[next].has(JOINED)
                            && data.tokens[next].has(CAPITALISED)
                            && data.class(high - 1, lexicon) & FIRST_NAME == 0
                            && (data.class(next, lexicon) & ORG_HEAD != 0
                                || (next + 1 < count
                                    && data.tokens[next + 1].has(JOINED)
                                    && data.class(next + 1, lexicon) & ORG_HEAD != 0));
                        if !inside_name {
                            break;
                        }
                        high += 1;
                        continue;
                    }
                    let next = data.tokens[high];
                    let joins = if next.has(JOINED) {
                        next.is_name_like() || is_name_particle(data.word(high))
                    } else {
                        next.is_name_like() && ampersand_before(data, high)
                    };
                    if joins {
                        high += 1;
                        continue;
                    }
                    // "Union des consommateurs", "Office de la protection du consommateur": a
                    // French body's name goes on through "de"/"des"/"du" (and "la") and one
                    // lowercase word.
                    if let Some(end) = french_complement_end(data, low, high) {
                        high = end;
                        continue;
                    }
                    // "Producers of Côte d'Ivoire", "Provence-Alpes-Côte d'Azur": a French or
                    // Italian elision before a capital goes on with the name.
                    if next.has(JOINED) && {
                        let word = data.word(high);
                        ["d'", "d\u{2019}", "l'", "l\u{2019}"]
                            .iter()
                            .any(|elision| {
                                word.strip_prefix(elision)
                                    .is_some_and(|rest| rest.starts_with(char::is_uppercase))
                            })
                    } {
                        high += 1;
                        continue;
                    }
                    // "Nakuru Level 5 Hospital": a short number inside a name, right before
                    // the organisation head word that ends it.
                    if next.has(JOINED)
                        && next.has(DIGIT)
                        && next.end - next.start <= 3
                        && data.tokens[high - 1].has(CAPITALISED)
                        && data.claimed[high - 1].is_none()
                        && high + 1 < count
                        && data.tokens[high + 1].has(JOINED)
                        && data.tokens[high + 1].has(CAPITALISED)
                        && data.class(high + 1, lexicon) & ORG_HEAD != 0
                    {
                        high += 2;
                        continue;
                    }
                    // "Committee on Economic Affairs": "on" after an organisation's head word.
                    let on_after_head = data.word(high) == "on"
                        && matches!(
                            &*lower(data.word(high - 1)),
                            "committee"
                                | "commission"
                                | "council"
                                | "panel"
                                | "group"
                                | "conference"
                                | "forum"
                                | "taskforce"
                                | "subcommittee"
                        )
                        && high + 1 < count
                        && data.claimed[high + 1].is_none()
                        && data.class(high + 1, lexicon) & (TIME | COMMON | NOT_NAME) == 0;
                    if next.has(JOINED)
                        && next.has(LOWERCASE)
                        && (data.class(high, lexicon) & CONNECTOR != 0 || on_after_head)
                    {
                        let mut probe = high + 1;
                        if probe < count
                            && data.tokens[probe].has(JOINED)
                            && data.tokens[probe].has(LOWERCASE)
                            && data.class(probe, lexicon) & CONNECTOR != 0
                        {
                            probe += 1;
                        }
                        // "taken to Peermade and the Government Medical College Hospital":
                        // "and the" lists two names, it joins none.
                        let and_the = probe == high + 2
                            && data.word(high) == "and"
                            && data.word(high + 1) == "the";
                        if probe < count
                            && !and_the
                            && data.tokens[probe].has(JOINED)
                            && data.tokens[probe].is_name_like()
                            && !data.tokens[probe].has(SENTENCE_START)
                        {
                            high = probe + 1;
                            continue;
                        }
                    }
                    if next.has(COMMA_BEFORE)
                        && let Some(end) = org_comma_list_end(data, low, high, lexicon)
                    {
                        high = end;
                        continue;
                    }
                    if next.has(COMMA_BEFORE)
                        && let Some((start, end)) = acronym_list_end(data, low, high)
                    {
                        // "Members of the" before the name: not part of it.
                        low = start;
                        high = end;
                        continue;
                    }
                    break;
                }
                // "the 12th Mechanised Division", "47th Mechanized Brigade": an ordinal opens
                // a numbered unit's name.
                // "103 Search and Rescue Squadron": so does a unit's number.
                let numbered_unit = || {
                    let number = data.word(low - 1);
                    (1..=4).contains(&number.len())
                        && number.bytes().all(|byte| byte.is_ascii_digit())
                        && matches!(
                            &*lower(data.word(high - 1)),
                            "squadron" | "brigade" | "battalion" | "regiment" | "division"
                        )
                };
                let low = if low > 0
                    && data.tokens[low].has(JOINED)
                    && data.claimed[low - 1].is_none()
                    && (is_ordinal(data.word(low - 1)) || numbered_unit())
                    && data.class(high - 1, lexicon) & ORG_HEAD != 0
                {
                    low - 1
                } else {
                    low
                };
                if data.restricted {
                    pendings.push(Pending {
                        field: field_index,
                        token_low: low,
                        token_high: high,
                        fallback: None,
                    });
                } else {
                    self.process_run(
                        data,
                        field_index,
                        low,
                        high,
                        &mut hits,
                        &lowercase_words,
                        &mut candidates,
                        &mut pendings,
                    );
                }
                index = high;
            }
        }

        // Match reports: a one-word place or bare name standing where a team stands ("Essex
        // beat Durham") is the team, an organisation, in every mention of the story.
        let mut sports: Option<bool> = None;
        let mut team_entries: Vec<u32> = Vec::new();
        for hit in hits
            .iter()
            .filter(|hit| !hit.removed && hit.token_high - hit.token_low == 1)
        {
            let entry = &self.gazetteer.entries[hit.entry as usize];
            if entry.entity_type == EntityType::Place
                && !entry.is_country
                && !team_entries.contains(&hit.entry)
                && !in_dateline_head(&fields[hit.field], hit.token_low)
                && (in_team_position(&fields[hit.field], hit.token_low)
                    || self.listed_with_organisation(&fields[hit.field], &hits, &candidates, hit)
                    || (self.club_short_name(&fields[hit.field], hit.token_low)
                        && !matches!(
                            entry.canonical.as_str(),
                            "England" | "Scotland" | "Wales" | "Northern Ireland"
                        )))
                && *sports.get_or_insert_with(|| is_sports_story(&fields[1]))
            {
                team_entries.push(hit.entry);
            }
        }
        for pending in pendings.iter_mut() {
            // "Ulster survived": a listed club's opening word that no list knows as a place.
            if pending.fallback.is_none()
                && pending.token_high - pending.token_low == 1
                && (in_team_position(&fields[pending.field], pending.token_low)
                    || self.club_short_name(&fields[pending.field], pending.token_low))
                && *sports.get_or_insert_with(|| is_sports_story(&fields[1]))
            {
                pending.fallback = Some(EntityType::Organisation);
            }
        }
        // "Kuokkala Kotkat beat", "against Coquimbo Unido": a longer name typed a person only
        // by its looks stands where a team does in a match report.
        for candidate in candidates
            .iter_mut()
            .filter(|candidate| candidate.guessed && candidate.entity_type == EntityType::Person)
        {
            let data = &fields[candidate.field];
            let low = data
                .tokens
                .partition_point(|token| token.start < candidate.start);
            let high = data
                .tokens
                .partition_point(|token| token.end <= candidate.end);
            if low < high
                && (in_team_position(data, low) || in_team_position(data, high - 1))
                && *sports.get_or_insert_with(|| is_sports_story(&fields[1]))
            {
                candidate.entity_type = EntityType::Organisation;
            }
        }

        // 3. Build entities.
        let mut builder = DocBuilder::with_capacity(hits.len() + candidates.len());
        for hit in hits.iter().filter(|hit| !hit.removed) {
            // The dateline names where the match was played, not a team.
            let key = if team_entries.contains(&hit.entry)
                && !in_dateline_head(&fields[hit.field], hit.token_low)
            {
                let data = &fields[hit.field];
                // "Newcastle" for the one listed club whose name it opens: "Newcastle United".
                if let Some(&Some(club)) = self
                    .gazetteer
                    .club_first_words
                    .get(&data.hashes[hit.token_low])
                {
                    let key = builder.gazetteer_entity(&self.gazetteer, club);
                    builder.mention(key, data, hit.start, hit.end);
                    continue;
                }
                let name = canonical_from_surface(&data.text[hit.start..hit.end]);
                let id = wiredesk_id(EntityType::Organisation, &name);
                builder.entity(id, EntityType::Organisation, name)
            } else {
                builder.gazetteer_entity(&self.gazetteer, hit.entry)
            };
            builder.mention(key, &fields[hit.field], hit.start, hit.end);
            self.mention_leading_abbreviation(&mut builder, &fields[hit.field], hit);
        }
        settle_guessed_types(&fields, &mut candidates, lexicon);
        for candidate in &candidates {
            let data = &fields[candidate.field];
            let mut start = candidate.start;
            // "the U.S. Bureau of Reclamation": an organisation no list knows, opened by a
            // country's abbreviation, is named from the word after it (one id with and without
            // the abbreviation), which is a mention of its own. ("UN Support and Logistics
            // Agency" keeps its "UN": the United Nations' bodies are named with it.)
            if candidate.entity_type == EntityType::Organisation
                && let Some((len, modifier)) =
                    self.leading_abbreviation(&data.text[candidate.start..candidate.end])
                && self.gazetteer.entries[modifier as usize].is_country
                && data.text[start + len + 1..candidate.end].contains(' ')
            {
                let key = builder.gazetteer_entity(&self.gazetteer, modifier);
                builder.mention(key, data, start, start + len);
                start += len + 1;
            }
            // "Escuela Oficial Rural Mixta No. 14", "Thermal Power Plant No. 4": a number goes
            // with the name.
            let end = if candidate.entity_type == EntityType::Organisation {
                legal_form_end(data.text, numbered_end(data.text, candidate.end))
            } else {
                numbered_end(data.text, candidate.end)
            };
            // "Mindanao Air Cargo, founded in 2015" after "Mindanao Air Cargo Inc.": a place named
            // right before an organisation's name joins it when the two together name an
            // organisation the story has named already.
            if candidate.entity_type == EntityType::Organisation && start == candidate.start {
                let low = data.tokens.partition_point(|token| token.start < start);
                if let Some(hit) = self.place_before(&hits, data, low)
                    && builder.by_surface.contains_key(&(
                        name_key(&data.text[hit.start..end]),
                        EntityType::Organisation,
                    ))
                {
                    start = self.absorb_leading_place(
                        &mut builder,
                        &hits,
                        data,
                        low,
                        EntityType::Organisation,
                    );
                }
            }
            let surface = &data.text[start..end];
            let surface_key = (name_key(surface), candidate.entity_type);
            // "Lumivert Bois shares fell" after "Groupe Lumivert Bois Inc.": a name typed a
            // person by default that the story has given to an organisation is that one.
            let named_organisation = || {
                (candidate.entity_type == EntityType::Person)
                    .then(|| {
                        builder
                            .by_surface
                            .get(&(surface_key.0, EntityType::Organisation))
                    })
                    .flatten()
            };
            let key = match builder
                .by_surface
                .get(&surface_key)
                .or_else(named_organisation)
            {
                Some(&key) => key,
                None => {
                    let key = if let Some(entry) = self.listed_with_legal_form(candidate, surface) {
                        builder.gazetteer_entity(&self.gazetteer, entry)
                    } else {
                        let name = canonical_from_surface(surface);
                        let id = wiredesk_id(candidate.entity_type, &name);
                        builder.entity(id, candidate.entity_type, name)
                    };
                    builder.by_surface.insert(surface_key, key);
                    // The same firm without its legal form ("Mindanao Air Cargo") and without
                    // a leading "Groupe" ("Lumivert Bois" for "Groupe Lumivert Bois Inc.").
                    if candidate.entity_type == EntityType::Organisation {
                        let short = without_legal_form(surface);
                        let ungrouped = without_group_word(short.unwrap_or(surface));
                        for name in [short, ungrouped].into_iter().flatten() {
                            builder
                                .by_surface
                                .entry((name_key(name), EntityType::Organisation))
                                .or_insert(key);
                        }
                    }
                    key
                }
            };
            builder.mention(key, data, start, end);
        }

        // Acronyms defined in the text: "Workers' Party of Korea (WPK)".
        let mut acronyms: FastMap<&str, usize> = FastMap::default();
        for data in &fields {
            for (index, token) in data.tokens.iter().enumerate() {
                if index == 0
                    || !(token.has(ALL_CAPS) || is_mixed_case_acronym(data.word(index)))
                    || !token.has(PAREN_BEFORE)
                    || !token.has(PAREN_AFTER)
                {
                    continue;
                }
                let previous_end = data.tokens[index - 1].end;
                if let Some(key) = builder.entity_ending_at(data.field, previous_end) {
                    let acronym = data.word(index);
                    if builder.entities[key].entity_type == EntityType::Organisation
                        && initials_compatible(acronym, &builder.entities[key].name)
                    {
                        acronyms.insert(acronym, key);
                    }
                }
            }
        }
        // "RSF" in a story about the Rapid Support Forces: a gazetteer acronym whose own long
        // name the story never writes, spelling the initials of an organisation it does name.
        for (key, entity) in builder.entities.iter().enumerate() {
            if entity.entity_type != EntityType::Organisation
                || entity.mentions.is_empty()
                || entity.mentions.iter().any(|mention| mention.text.len() > 5)
            {
                continue;
            }
            for mention in &entity.mentions {
                // The acronym as a slice of the story's own text (the map outlives `builder`'s
                // borrow).
                let Some(acronym) = fields
                    .iter()
                    .find(|data| data.field == mention.field)
                    .and_then(|data| data.text.get(mention.start..mention.end))
                else {
                    continue;
                };
                if acronyms.contains_key(acronym) {
                    continue;
                }
                if let Some(target) = builder.entities.iter().position(|other| {
                    other.entity_type == EntityType::Organisation
                        && !other.mentions.is_empty()
                        && spells_initials(acronym, &other.name)
                }) && target != key
                {
                    acronyms.insert(acronym, target);
                }
            }
        }
        // Gazetteer acronym hits that the text defines differently move to the defined entity.
        if !acronyms.is_empty() {
            builder.reassign_acronyms(&acronyms);
        }

        // 4. Resolve pending runs against the document's entities: runs with a type cue first
        // (they may create entities), then the rest (which only attach).
        pendings.sort_by_key(|pending| pending.fallback.is_none());
        let first_plain = pendings.partition_point(|pending| pending.fallback.is_some());
        let entities_before_pending = builder.entities.len();
        let mut index = builder.name_index(lexicon);
        // A small place named like a person of this story is that person ("Tanabe").
        for hit in hits
            .iter()
            .filter(|hit| !hit.removed && hit.token_high - hit.token_low == 1)
        {
            let entry = &self.gazetteer.entries[hit.entry as usize];
            if entry.entity_type != EntityType::Place
                || entry.is_country
                || entry.prominence >= 30.0
            {
                continue;
            }
            let data = &fields[hit.field];
            let word = &data.text[hit.start..hit.end];
            if let Some(&person) = index.person_tokens.get(&name_key(word)).map(|slot| &slot.0)
                && let Some(&place) = builder.by_entry.get(&hit.entry)
            {
                builder.move_mention(place, person, data.field, hit.start);
            }
        }
        for (position, pending) in pendings.iter().enumerate() {
            if position == first_plain && builder.entities.len() > entities_before_pending {
                // Names created from cues above become attachable too.
                for key in entities_before_pending..builder.entities.len() {
                    index
                        .full
                        .entry(name_key(&builder.entities[key].name))
                        .or_insert(key);
                }
            }
            let data = &fields[pending.field];
            let surface = data.span_text(pending.token_low, pending.token_high);
            let start = data.tokens[pending.token_low].start;
            let end = data.tokens[pending.token_high - 1].end;
            if let Some(&key) = index.full.get(&name_key(surface)) {
                builder.mention(key, data, start, end);
                continue;
            }
            let single = pending.token_high - pending.token_low == 1;
            if single && let Some(&key) = acronyms.get(surface) {
                builder.mention(key, data, start, end);
                continue;
            }
            // "the HSE" in a story that names the Health Service Executive: an acronym the text
            // never defines, spelling the initials of an organisation it names.
            if single
                && data.tokens[pending.token_low].has(ALL_CAPS)
                && let Some(key) = builder.entities.iter().position(|entity| {
                    entity.entity_type == EntityType::Organisation
                        && !entity.mentions.is_empty()
                        && spells_initials(surface, &entity.name)
                })
            {
                builder.mention(key, data, start, end);
                continue;
            }
            if single {
                if let Some(&(key, _)) = index.person_tokens.get(&name_key(surface)) {
                    builder.mention(key, data, start, end);
                    continue;
                }
                if !data.tokens[pending.token_low].has(ALL_CAPS)
                    && let Some(&key) = index.org_leads.get(&name_key(surface))
                {
                    builder.mention(key, data, start, end);
                    continue;
                }
                if let Some(entry) = self.known_surname(data, pending.token_low) {
                    let key = builder.gazetteer_entity(&self.gazetteer, entry);
                    builder.mention(key, data, start, end);
                    continue;
                }
                let fallback = pending
                    .fallback
                    .or_else(|| list_neighbour_type(&builder, data, pending.token_low));
                // "the Rovers squad" after "Castlebridge Rovers" or "Castlebridge Rovers FC":
                // the last word of an organisation's name already in the story, or the word
                // before its last.
                // "Green councillor" after "the Green Party" (listed under a longer name).
                let ends_name = |name: &str| {
                    name.rsplit(' ')
                        .take(2)
                        .skip(usize::from(!name.contains(' ')))
                        .any(|word| word.eq_ignore_ascii_case(surface))
                };
                if fallback == Some(EntityType::Organisation)
                    && let Some(key) = builder.entities.iter().position(|entity| {
                        entity.entity_type == EntityType::Organisation
                            && !entity.mentions.is_empty()
                            && (ends_name(&entity.name)
                                || entity
                                    .mentions
                                    .iter()
                                    .any(|mention| ends_name(&mention.text)))
                    })
                {
                    builder.mention(key, data, start, end);
                    continue;
                }
                if let Some(entity_type) = fallback {
                    self.add_fallback_entity(
                        &mut builder,
                        &hits,
                        data,
                        pending.token_low,
                        end,
                        entity_type,
                    );
                }
                continue;
            }
            if let Some(entity_type) = pending.fallback {
                self.add_fallback_entity(
                    &mut builder,
                    &hits,
                    data,
                    pending.token_low,
                    end,
                    entity_type,
                );
                continue;
            }
            // Multi-word leftovers: attach the words that name people already in the story.
            for token_index in pending.token_low..pending.token_high {
                let word = data.word(token_index);
                let token = data.tokens[token_index];
                if !token.is_name_like() {
                    continue;
                }
                let key = index
                    .full
                    .get(&name_key(word))
                    .or_else(|| index.person_tokens.get(&name_key(word)).map(|slot| &slot.0))
                    .or_else(|| acronyms.get(word));
                if let Some(&key) = key {
                    builder.mention(key, data, token.start, token.end);
                } else if let Some(entry) = self.known_surname(data, token_index) {
                    let key = builder.gazetteer_entity(&self.gazetteer, entry);
                    builder.mention(key, data, token.start, token.end);
                }
            }
        }
        // "Yorkshire" beside "Yorkshire County Cricket Club" in a match report is the club.
        if builder.has_club() && *sports.get_or_insert_with(|| is_sports_story(&fields[1])) {
            builder.merge_short_names_into_clubs();
        }
        builder.merge_parenthesised_names(&fields);
        let entities = builder.finish();
        let [headline_data, body_data] = fields;
        for (slot, data) in [headline_data, body_data].into_iter().enumerate() {
            scratch.tokens[slot] = data.tokens;
            scratch.claimed[slot] = data.claimed;
            scratch.classes[slot] = data.classes;
            scratch.hashes[slot] = data.hashes;
        }
        scratch.lowercase_words = lowercase_words;
        scratch.raw = raw;
        scratch.lowered = lowered;
        scratch.confirmed = confirmed_entries;
        scratch.hits = hits;
        scratch.candidates = candidates;
        scratch.pendings = pendings;
        entities
    }

    /// "the opposition Social Democratic Party (SDP)", "Civic Democratic Party": a listed
    /// party's name ("Democratic Party") after a capitalised word of the same name that is no
    /// title, nationality, common word or name of its own ("Texas Democratic Party") is
    /// another party's name.
    fn party_of_another_name(
        &self,
        data: &FieldData<'_>,
        token_low: usize,
        alias_index: u32,
    ) -> bool {
        let alias = &self.gazetteer.aliases[alias_index as usize];
        if alias.single_word || !alias.text.ends_with(" Party") || token_low == 0 {
            return false;
        }
        let previous = data.tokens[token_low - 1];
        if !data.tokens[token_low].has(JOINED)
            || !previous.has(CAPITALISED)
            || previous.has(ALL_CAPS)
            || previous.has(POSSESSIVE)
            || previous.has(SENTENCE_START)
            || data.class(token_low - 1, &self.lexicon)
                & (TITLE | DEMONYM | DEMONYM_HEAD | COMMON | TIME | NOT_NAME | CONNECTOR)
                != 0
        {
            return false;
        }
        // A listed name ending where the word does ("Texas") keeps the party listed.
        let word = lower(data.word(token_low - 1));
        self.gazetteer
            .longest_at(&word, 0, |end, _| end == word.len())
            .is_none()
    }

    /// Whether the one-token hit `hit` is listed next to an organisation ("Rangers and
    /// Aberdeen", "behind Bath, Northampton Saints and Saracens"): in a match report, the team.
    fn listed_with_organisation(
        &self,
        data: &FieldData<'_>,
        hits: &[Hit],
        candidates: &[Candidate],
        hit: &Hit,
    ) -> bool {
        let field_index = hit.field;
        let is_org_at = |index: usize, at_end: bool| {
            let token = data.tokens[index];
            let hit_org = data.claimed[index].is_some_and(|claim| {
                let other = &hits[claim as usize];
                !other.removed
                    && self.gazetteer.entries[other.entry as usize].entity_type
                        == EntityType::Organisation
            });
            hit_org
                || candidates.iter().any(|candidate| {
                    candidate.field == field_index
                        && candidate.entity_type == EntityType::Organisation
                        && if at_end {
                            candidate.end == token.end
                        } else {
                            candidate.start == token.start
                        }
                })
        };
        let low = hit.token_low;
        let count = data.tokens.len();
        let before = low >= 1
            && if data.tokens[low].has(COMMA_BEFORE) {
                is_org_at(low - 1, true)
            } else {
                low >= 2 && data.word(low - 1) == "and" && is_org_at(low - 2, true)
            };
        let after = low + 1 < count
            && if data.tokens[low + 1].has(COMMA_BEFORE) {
                is_org_at(low + 1, false)
            } else {
                low + 2 < count && data.word(low + 1) == "and" && is_org_at(low + 2, false)
            };
        before || after
    }

    /// Whether the one-word place at token `index` opens a listed sports club's name and stands
    /// alone, not after a preposition of place or a compass word ("Liverpool, in second, play
    /// Chelsea", not "the game in Liverpool", "north London" or "the Boston Marathon").
    /// "US State Department", "UN Security Council": the country or union whose abbreviation
    /// opens a listed organisation's name is mentioned there too (a modifier, like "Manila" in
    /// "Manila Mayor"), as it is when the name is not listed ("US Food and Drug Administration").
    /// "Bala Town", "Haverfordwest County", "Stoke City" in a match report: a club named after
    /// its town (not "in Bala Town", nor a person's name).
    fn club_named_after_town(
        &self,
        data: &FieldData<'_>,
        hits: &[Hit],
        low: usize,
        high: usize,
    ) -> bool {
        // The town itself may be listed ("Aberystwyth Town"); the head word is not.
        let town_words = || {
            data.claimed[low..high - 1].iter().all(|claim| {
                claim.is_none_or(|claim| {
                    self.gazetteer.entries[hits[claim as usize].entry as usize].entity_type
                        == EntityType::Place
                })
            })
        };
        high - low >= 2
            && matches!(data.word(high - 1), "Town" | "County" | "City")
            && data.claimed[high - 1].is_none()
            && town_words()
            && data.class(low, &self.lexicon) & (FIRST_NAME | TITLE) == 0
            && !(low > 0 && data.tokens[low].has(JOINED) && data.word(low - 1) == "in")
            && is_sports_story(data)
    }

    /// The listed organisation an unknown organisation's name is with a legal form after it
    /// ("Hyundai Motor Co." for the listed Hyundai Motor).
    fn listed_with_legal_form(&self, candidate: &Candidate, surface: &str) -> Option<u32> {
        if candidate.entity_type != EntityType::Organisation {
            return None;
        }
        let stem = without_legal_form(surface)?.trim_end_matches(',');
        let lowered = stem.to_lowercase();
        let hit = self.gazetteer.longest_at(&lowered, 0, |end, alias_index| {
            let alias = &self.gazetteer.aliases[alias_index as usize];
            end == lowered.len()
                && alias.entries.len() == 1
                && case_acceptable(alias, stem)
                && self.gazetteer.entries[alias.entries[0] as usize].entity_type
                    == EntityType::Organisation
        })?;
        Some(self.gazetteer.aliases[hit.alias as usize].entries[0])
    }

    fn mention_leading_abbreviation(
        &self,
        builder: &mut DocBuilder,
        data: &FieldData<'_>,
        hit: &Hit,
    ) {
        if self.gazetteer.entries[hit.entry as usize].entity_type != EntityType::Organisation {
            return;
        }
        if let Some((len, modifier)) = self.leading_abbreviation(&data.text[hit.start..hit.end])
            && modifier != hit.entry
        {
            let key = builder.gazetteer_entity(&self.gazetteer, modifier);
            builder.mention(key, data, hit.start, hit.start + len);
        }
    }

    /// The country or union abbreviation opening an organisation's name ("US", "U.S.", "UK",
    /// "UN", "EU"...) and the gazetteer entry it names: its length in bytes and the entry.
    fn leading_abbreviation(&self, name: &str) -> Option<(usize, u32)> {
        let (first, _) = name.split_once(' ')?;
        if !matches!(
            first,
            "US" | "U.S." | "UK" | "U.K." | "UN" | "U.N." | "EU" | "E.U."
        ) {
            return None;
        }
        let lowered = first.to_ascii_lowercase();
        let found = self.gazetteer.longest_at(&lowered, 0, |end, alias| {
            end == lowered.len() && self.gazetteer.aliases[alias as usize].text == first
        })?;
        let entry = *self.gazetteer.aliases[found.alias as usize]
            .entries
            .first()?;
        Some((first.len(), entry))
    }

    /// "King Mohammed VI", "Pope Leo XIV": a listed monarch's or pope's alias that opens with a
    /// title is mentioned from the regnal name after it when that is an alias of the same
    /// person, as titles are mentioned nowhere else ("Prince Faisal bin Farhan" keeps his).
    fn without_title(&self, data: &FieldData<'_>, lowered: &str, hit: RawHit) -> RawHit {
        let low = data.tokens.partition_point(|token| token.end <= hit.start);
        let next = low + 1;
        let regnal = data.text[..hit.end]
            .rsplit(' ')
            .next()
            .is_some_and(|last| last.bytes().all(|byte| matches!(byte, b'I' | b'V' | b'X')));
        if !regnal
            || next >= data.tokens.len()
            || data.tokens[next].start >= hit.end
            || data.class(low, &self.lexicon) & TITLE == 0
        {
            return hit;
        }
        let entries = &self.gazetteer.aliases[hit.alias as usize].entries;
        if entries
            .iter()
            .any(|&entry| self.gazetteer.entries[entry as usize].entity_type != EntityType::Person)
        {
            return hit;
        }
        let start = data.tokens[next].start;
        self.gazetteer
            .longest_at(lowered, start, |end, alias| {
                end == hit.end
                    && self.gazetteer.aliases[alias as usize]
                        .entries
                        .iter()
                        .any(|entry| entries.contains(entry))
            })
            .unwrap_or(hit)
    }

    fn club_short_name(&self, data: &FieldData<'_>, index: usize) -> bool {
        // Not a dateline ("LEEDS, England, May 2 -").
        if !self
            .gazetteer
            .club_first_words
            .contains_key(&data.hashes[index])
            || data.tokens[index].has(ALL_CAPS)
            || (data.field == Field::Body && is_dateline(data, index, index + 1))
        {
            return false;
        }
        let next = index + 1;
        // "Liverpool Echo"; "the Edinburgh derby" is the city's.
        if next < data.tokens.len()
            && data.tokens[next].has(JOINED)
            && (data.tokens[next].has(CAPITALISED) || data.word(next) == "derby")
        {
            return false;
        }
        if index == 0 || !data.tokens[index].has(JOINED) {
            return true;
        }
        let previous = lower(data.word(index - 1));
        !(data.class(index - 1, &self.lexicon) & PLACE_PREPOSITION != 0
            || matches!(
                &*previous,
                "in" | "at"
                    | "to"
                    | "from"
                    | "of"
                    | "north"
                    | "south"
                    | "east"
                    | "west"
                    | "central"
                    | "greater"
                    | "northern"
                    | "southern"
                    | "eastern"
                    | "western"
            ))
    }

    /// Adds a story-local entity of `entity_type` for the unmatched name from token `low`
    /// to byte `end` (taking in a place name joined before an organisation) and its mention.
    fn add_fallback_entity(
        &self,
        builder: &mut DocBuilder,
        hits: &[Hit],
        data: &FieldData<'_>,
        low: usize,
        end: usize,
        entity_type: EntityType,
    ) {
        let start = self.absorb_leading_place(builder, hits, data, low, entity_type);
        let name = canonical_from_surface(&data.text[start..end]);
        let id = wiredesk_id(entity_type, &name);
        let key = builder.entity(id, entity_type, name);
        builder.mention(key, data, start, end);
    }

    /// Where a new organisation starting at token `low` begins once a place named right
    /// before it joins its name ("London TravelWatch", "Thames Valley Police"): the place's
    /// mention leaves the place. Any other type, or no place there, keeps the token's start.
    fn absorb_leading_place(
        &self,
        builder: &mut DocBuilder,
        hits: &[Hit],
        data: &FieldData<'_>,
        low: usize,
        entity_type: EntityType,
    ) -> usize {
        let start = data.tokens[low].start;
        if entity_type != EntityType::Organisation {
            return start;
        }
        let Some(hit) = self.place_before(hits, data, low) else {
            return start;
        };
        if let Some(&place) = builder.by_entry.get(&hit.entry) {
            builder.entities[place]
                .mentions
                .retain(|mention| mention.field != data.field || mention.start != hit.start);
        }
        hit.start
    }

    /// The gazetteer place named right before token `low` (joined to it, not possessive, not a
    /// base: "Kumasi-based Asante Star Transport").
    fn place_before<'h>(
        &self,
        hits: &'h [Hit],
        data: &FieldData<'_>,
        low: usize,
    ) -> Option<&'h Hit> {
        if low == 0 || !data.tokens[low].has(JOINED) || data.tokens[low - 1].has(BASED) {
            return None;
        }
        let hit = data.claimed[low - 1].map(|claim| &hits[claim as usize])?;
        (!hit.removed
            && hit.token_high == low
            && !data.tokens[low - 1].has(POSSESSIVE)
            && self.gazetteer.entries[hit.entry as usize].entity_type == EntityType::Place)
            .then_some(hit)
    }

    /// A prominent person named by surname alone at token `index` (capitalised, not a listed
    /// common word, first name, title or nationality).
    fn known_surname(&self, data: &FieldData<'_>, index: usize) -> Option<u32> {
        let token = data.tokens[index];
        if !token.has(CAPITALISED) || (token.has(ALL_CAPS) && !data.restricted) {
            return None;
        }
        let class = data.class(index, &self.lexicon);
        if class & (COMMON | FIRST_NAME | TIME | NOT_NAME | TITLE | DEMONYM) != 0 {
            return None;
        }
        self.gazetteer.surnames.get(&data.hashes[index]).copied()
    }

    /// "US-China", "Lagos-Ibadan", "Israel-Hamas": a hyphenated pair of names the gazetteer
    /// knows, unambiguously, that is not itself one of its names ("Guinea-Bissau"), becomes two
    /// tokens, so that both are tagged. Double-barrelled names ("Sanwo-Olu") stay one token.
    fn split_name_pairs(&self, text: &str, tokens: &mut Vec<Token>, lowered: &mut String) {
        let pair_at = |token: &Token| {
            if !token.has(HYPHENATED) || !token.has(CAPITALISED) {
                return None;
            }
            let word = &text[token.start..token.end];
            let hyphen = word.find('-')?;
            let right = &word[hyphen + 1..];
            (hyphen >= 2
                && right.len() >= 2
                && !right.contains('-')
                && right.starts_with(|c: char| c.is_uppercase()))
            .then_some(token.start + hyphen)
        };
        if !tokens.iter().any(|token| pair_at(token).is_some()) {
            return;
        }
        lower_in_place(text, lowered);
        // The alias ending exactly at `end` from `start`, if it names an entry without doubt.
        let known = |start: usize, end: usize| {
            self.gazetteer
                .longest_at(lowered, start, |found_end, alias_index| {
                    let alias = &self.gazetteer.aliases[alias_index as usize];
                    found_end == end
                        && case_acceptable(alias, &text[start..end])
                        && alias.entries.iter().any(|entry_index| {
                            let entry = &self.gazetteer.entries[*entry_index as usize];
                            entry.entity_type != EntityType::Person
                                && (!entry.ambiguous || alias.acronym)
                        })
                })
                .is_some()
        };
        let whole = |token: &Token| {
            self.gazetteer
                .longest_at(lowered, token.start, |found_end, _| found_end == token.end)
                .is_some()
        };
        let mut index = 0;
        while index < tokens.len() {
            let token = tokens[index];
            if let Some(hyphen) = pair_at(&token)
                && known(token.start, hyphen)
                && known(hyphen + 1, token.end)
                && !whole(&token)
            {
                let case = |start: usize, end: usize| {
                    let part = &text[start..end];
                    if part.chars().filter(|c| c.is_alphabetic()).count() >= 2
                        && !part.chars().any(char::is_lowercase)
                    {
                        CAPITALISED | ALL_CAPS
                    } else {
                        CAPITALISED
                    }
                };
                const START_FLAGS: u16 = SENTENCE_START | JOINED | COMMA_BEFORE | PAREN_BEFORE;
                const END_FLAGS: u16 = POSSESSIVE | PAREN_AFTER | COMMA_AFTER | BASED;
                tokens[index] = Token {
                    start: token.start,
                    end: hyphen,
                    flags: (token.flags & (START_FLAGS | NON_ASCII))
                        | case(token.start, hyphen)
                        | PAIR_HALF,
                };
                tokens.insert(
                    index + 1,
                    Token {
                        start: hyphen + 1,
                        end: token.end,
                        flags: (token.flags & (END_FLAGS | NON_ASCII))
                            | case(hyphen + 1, token.end)
                            | PAIR_HALF,
                    },
                );
                index += 1;
            }
            index += 1;
        }
    }

    /// "Kigali's Kimironko market", "Nairobi's Kibera": one unknown word after a listed city's
    /// possessive (not a country's: "Kenya's Ruto") names a place in that city, unless a given
    /// name or title opens it.
    fn place_in_listed_city(
        &self,
        data: &FieldData<'_>,
        hits: &[Hit],
        start: usize,
        end: usize,
    ) -> Option<EntityType> {
        if end != start + 1
            || start == 0
            || !data.tokens[start].has(JOINED)
            || !data.tokens[start - 1].has(POSSESSIVE)
            || data.class(start, &self.lexicon) & (FIRST_NAME | TITLE | ORG_HEAD) != 0
        {
            return None;
        }
        let hit = &hits[data.claimed[start - 1]? as usize];
        let entry = &self.gazetteer.entries[hit.entry as usize];
        (entry.entity_type == EntityType::Place && !entry.is_country && !entry.is_region)
            .then_some(EntityType::Place)
    }

    /// "The Gulf" of a story set in the United States or Mexico that names no country on the
    /// Persian Gulf is the Gulf of Mexico (storms, oil platforms, fisheries).
    fn gulf_in_context(
        &self,
        entry: u32,
        alias: u32,
        doc_countries: &FastSet<&str>,
        place_countries: &FastSet<&str>,
    ) -> u32 {
        if self.gazetteer.aliases[alias as usize].text != "the Gulf" {
            return entry;
        }
        let named = |codes: &[&str]| {
            codes
                .iter()
                .any(|code| doc_countries.contains(code) || place_countries.contains(code))
        };
        if !named(&["US", "MX"]) || named(&PERSIAN_GULF_COUNTRIES) {
            return entry;
        }
        self.gazetteer.gulf_of_mexico.unwrap_or(entry)
    }

    /// Picks the entry for an accepted alias hit, or rejects an ambiguous one without context.
    #[allow(clippy::too_many_arguments)]
    fn choose_entry(
        &self,
        fields: &[FieldData<'_>; 2],
        field_index: usize,
        token_low: usize,
        token_high: usize,
        alias_index: u32,
        confirmed: &FastSet<u32>,
        doc_countries: &FastSet<&str>,
        place_countries: &FastSet<&str>,
        business_story: bool,
    ) -> Option<u32> {
        let alias = &self.gazetteer.aliases[alias_index as usize];
        let data = &fields[field_index];
        let cue = self.type_cue(data, token_low, token_high);
        let first = data.tokens[token_low];
        let mut best: Option<(u32, EntryScore)> = None;
        for entry_index in &alias.entries {
            let entry = &self.gazetteer.entries[*entry_index as usize];
            let needs_context = entry.ambiguous && alias.single_word && !alias.is_specific();
            let cue_matches = cue == Some(entry.entity_type);
            if needs_context && !confirmed.contains(entry_index) && !cue_matches {
                // Country names used as such: not at a sentence start, not before another name.
                let followed_by_name = token_high < data.tokens.len()
                    && data.tokens[token_high].has(JOINED)
                    && data.tokens[token_high].is_name_like();
                // Countries and big cities (a million people, or ranked) in running text.
                let plain_country = (entry.is_country
                    || (entry.entity_type == EntityType::Place && entry.prominence >= 20.0))
                    && !first.has(SENTENCE_START)
                    && !data.restricted
                    && !followed_by_name;
                // Prominent organisations ("Labour", "Apple") capitalised in running text; after
                // "the" ("the Senate", "the Amazon") only in a story naming no other country.
                let after_the =
                    token_low > 0 && data.word(token_low - 1).eq_ignore_ascii_case("the");
                let plain_organisation = entry.entity_type == EntityType::Organisation
                    && (entry.prominence >= 30.0
                        || (business_story && entry.prominence >= BUSINESS_PROMINENCE))
                    && !first.has(SENTENCE_START)
                    && !data.restricted
                    && !followed_by_name
                    && (!after_the
                        || entry.country.as_deref().is_none_or(|country| {
                            doc_countries.is_empty() || doc_countries.contains(country)
                        }))
                    && (token_low == 0
                        || !data.tokens[token_low].has(JOINED)
                        || (!data.tokens[token_low - 1].is_name_like()
                            && data.class(token_low - 1, &self.lexicon) & TITLE == 0));
                if !plain_country && !plain_organisation {
                    continue;
                }
            }
            let in_doc_country = entry
                .country
                .as_deref()
                .is_some_and(|country| doc_countries.contains(country));
            let organisation_of_place_country = entry.entity_type == EntityType::Organisation
                && entry
                    .country
                    .as_deref()
                    .is_some_and(|country| place_countries.contains(country));
            let score = (
                cue_matches,
                !needs_context || confirmed.contains(entry_index),
                in_doc_country,
                organisation_of_place_country,
                (entry.prominence * 1000.0) as i64,
            );
            if best
                .as_ref()
                .is_none_or(|(_, best_score)| score > *best_score)
            {
                best = Some((*entry_index, score));
            }
        }
        best.map(|(entry, _)| entry)
    }

    /// The entity type the words around tokens `low..high` suggest.
    fn type_cue(&self, data: &FieldData<'_>, low: usize, high: usize) -> Option<EntityType> {
        let lexicon = &self.lexicon;
        if data.tokens[high - 1].has(BASED) {
            return Some(EntityType::Place);
        }
        if data.field == Field::Body && is_dateline(data, low, high) {
            return Some(EntityType::Place);
        }
        if legal_form_after_name_end(data.text, data.tokens[high - 1].end).is_some() {
            return Some(EntityType::Organisation);
        }
        // "Calçados Vinhais, S.A., the Porto-based maker", "Tessaro Doors, Inc. said": a legal
        // form set off by a comma, ending the clause.
        if let Some(next) = data.tokens.get(high)
            && next.has(COMMA_BEFORE)
            && next.has(CAPITALISED)
            && is_comma_legal_form(data.word(high))
            && data
                .tokens
                .get(high + 1)
                .is_none_or(|after| !after.has(JOINED) || after.has(LOWERCASE))
        {
            return Some(EntityType::Organisation);
        }
        // "Eesti Raudteehooldus AS", "Nordhavn Lines A/S": the Nordic and Baltic joint-stock
        // company after a name (in capitals only: "as" is an English word).
        if high - low >= 2 && matches!(data.word(high - 1), "AS" | "A/S") {
            return Some(EntityType::Organisation);
        }
        if based_before(data, low, lexicon) {
            return Some(EntityType::Organisation);
        }
        if plural_team_name(data, low, high, lexicon) && is_sports_story(data) {
            return Some(EntityType::Organisation);
        }
        // "a low cross from Marin Šarić": a given name and a surname of a shape only surnames
        // have, whatever the preposition before them.
        if high - low >= 2
            && (low..high).all(|index| {
                data.claimed[index].is_none()
                    && data.tokens[index].has(CAPITALISED)
                    && !data.tokens[index].has(ALL_CAPS)
            })
            && has_surname_ending(data.word(high - 1))
        {
            return Some(EntityType::Person);
        }
        // "Caledonian MacBrayne (CalMac)": people get no acronyms; an unlisted name of two or
        // more words (not opening with a given name) with one in brackets is a body's.
        if high - low >= 2
            && data.class(low, lexicon) & FIRST_NAME == 0
            && (low..high).all(|index| data.claimed[index].is_none())
            && !data.tokens[high - 1].has(POSSESSIVE)
            && !is_term_head(data.word(high - 1))
            && data.tokens.get(high).is_some_and(|next| {
                next.has(PAREN_BEFORE)
                    && next.has(PAREN_AFTER)
                    && (next.has(ALL_CAPS) || is_mixed_case_acronym(data.word(high)))
            })
        {
            return Some(EntityType::Organisation);
        }
        // "Kysucké Lisovne was founded in 1994", "Ribafria, founded in 1961,": bodies are
        // founded, people are born.
        if !data.tokens[high - 1].has(POSSESSIVE)
            && founded_after(data.text, data.tokens[high - 1].end)
        {
            return Some(EntityType::Organisation);
        }
        let joined = data.tokens[low].has(JOINED);
        if data.tokens[low].has(SENTENCE_START) {
            // Cues do not reach across a sentence boundary.
        } else if low > 1 && data.word(low - 1) == "of" && data.tokens[low - 1].has(COMMA_BEFORE) {
            // "Marcus Dyer, 27, of Wigan", "Halloran, of Marple".
            return Some(EntityType::Place);
        } else if low > 1
            && joined
            && data.tokens[low - 1].has(LOWERCASE)
            && data.class(low - 1, lexicon) & PLACE_OF_WORD != 0
            && data.class(low - 2, lexicon) & PLACE_PREPOSITION != 0
            && data.tokens[low - 2].has(LOWERCASE)
            && data.tokens[low - 1].has(JOINED)
        {
            // "in south Hampshire", "near central Kyiv" (compass words are place-of words).
            return Some(EntityType::Place);
        } else if low > 1
            && data.word(low - 1) == "of"
            && data.class(low - 2, lexicon) & PLACE_OF_WORD != 0
            && data.tokens[low - 2].has(LOWERCASE)
        {
            return Some(EntityType::Place);
        } else if low > 1 && joined && org_object_before(data, low) {
            // "shares in Kestrava", "analysts at Peel Hunt", "owned by Vantor".
            return Some(EntityType::Organisation);
        } else if low > 0 && joined {
            let previous = data.tokens[low - 1];
            let class = data.class(low - 1, lexicon);
            if previous.has(LOWERCASE) && class & PLACE_PREPOSITION != 0 {
                return Some(EntityType::Place);
            }
            // "In Geneva, ...": a sentence-initial preposition (not "In Kim's view").
            if previous.has(SENTENCE_START)
                && class & PLACE_PREPOSITION != 0
                && !data.tokens[high - 1].has(POSSESSIVE)
            {
                return Some(EntityType::Place);
            }
            if class & TITLE != 0 {
                return Some(EntityType::Person);
            }
            // "rival Electrolux", and sentence-initial "Regulator Ofwat".
            if (previous.has(LOWERCASE) || previous.has(SENTENCE_START))
                && class & ORG_DESCRIPTOR != 0
            {
                return Some(EntityType::Organisation);
            }
        }
        // "Valdeluz Redes, a Spanish maker of switchgear": an appositive naming a kind of firm.
        if appositive_org(data, high, lexicon) {
            return Some(EntityType::Organisation);
        }
        // "Kestrava said in a statement": a one-word name issuing a statement.
        if high == low + 1 && said_in_a_statement(data, high) {
            return Some(EntityType::Organisation);
        }
        if high < data.tokens.len() && data.tokens[high].has(LOWERCASE) {
            // "Kestrava's shares", "Valcor's chief executive": what only a firm has.
            let chief_executive = high + 1 < data.tokens.len()
                && data.word(high) == "chief"
                && data.word(high + 1) == "executive";
            if data.tokens[high - 1].has(POSSESSIVE)
                && data.tokens[high].has(JOINED)
                && (chief_executive
                    || matches!(
                        data.word(high),
                        "shares"
                            | "shareholders"
                            | "headquarters"
                            | "subsidiary"
                            | "subsidiaries"
                            | "ceo"
                            | "profit"
                            | "profits"
                            | "revenue"
                            | "revenues"
                            | "earnings"
                    ))
            {
                return Some(EntityType::Organisation);
            }
            let class = data.class(high, lexicon);
            if class & PLACE_AFTER_WORD != 0 {
                return Some(EntityType::Place);
            }
            // "the Pungwe and Buzi rivers", "the Las Lajas and Ceniza ravines": the first of two
            // names sharing one place word.
            if matches!(data.word(high), "and" | "or")
                && data.tokens[high].has(JOINED)
                && high + 2 < data.tokens.len()
                && data.tokens[high + 1].has(JOINED)
                && data.tokens[high + 1].has(CAPITALISED)
                && data.tokens[high + 2].has(JOINED)
                && data.tokens[high + 2].has(LOWERCASE)
                && data.class(high + 2, lexicon) & PLACE_AFTER_WORD != 0
            {
                return Some(EntityType::Place);
            }
            // "Hollis spokeswoman", "Labour councillors", "Acme shares".
            if class & ORG_AFTER_WORD != 0
                && data.tokens[high].has(JOINED)
                && (!data.tokens[low].has(SENTENCE_START) || high == low + 1)
                && data.tokens[low].has(JOINED)
                && !data.tokens[high - 1].has(POSSESSIVE)
            {
                return Some(EntityType::Organisation);
            }
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn process_run(
        &self,
        data: &FieldData<'_>,
        field_index: usize,
        low: usize,
        high: usize,
        hits: &mut [Hit],
        lowercase_words: &LowercaseWords,
        candidates: &mut Vec<Candidate>,
        pendings: &mut Vec<Pending>,
    ) {
        let lexicon = &self.lexicon;
        // Leading words that belong to no name, the run going on after them: the verb opening an
        // editor's note ("(Corrects area burned in second paragraph ...)"), and a legal form
        // after a bracket that ended the name before it ("Kellow Mills (Pty) Ltd and Ostrava
        // Sleepers SIA", see `LEGAL_FORMS_AFTER_NAME`).
        let before = &data.text[..data.tokens[low].start];
        let note_verb = is_note_verb(data.word(low))
            && before
                .strip_suffix('(')
                .is_some_and(|line| line.is_empty() || line.ends_with('\n'));
        let bracketed_form = matches!(data.word(low), "Ltd" | "Limited") && before.ends_with(") ");
        if note_verb || bracketed_form {
            let mut next = low + 1;
            while bracketed_form && next < high && data.tokens[next].has(LOWERCASE) {
                next += 1;
            }
            if next < high {
                self.process_run(
                    data,
                    field_index,
                    next,
                    high,
                    hits,
                    lowercase_words,
                    candidates,
                    pendings,
                );
            }
            return;
        }
        // "Tessaro Doors, Inc.": a legal form after a comma belongs to the name before it.
        if high == low + 1
            && data.tokens[low].has(COMMA_BEFORE)
            && is_comma_legal_form(data.word(low))
        {
            return;
        }
        // "saved from Rovers' Bellamy-Rowe": after a plural possessive, one or two words that no
        // head word or title ends are the owner's player, member or official, not one name with
        // the owner ("Workers' Congress", "Teachers' Union" end in a head).
        if let Some(owned) = (low + 1..high).find(|&index| {
            let gap = &data.text[data.tokens[index - 1].end..data.tokens[index].start];
            data.tokens[index - 1].end > 0
                && data.text.as_bytes()[data.tokens[index - 1].end - 1] == b's'
                && (gap == "' " || gap == "\u{2019} ")
        }) && high - owned <= 2
            && (owned..high).all(|index| {
                data.tokens[index].has(CAPITALISED)
                    && data.claimed[index].is_none()
                    && data.class(index, lexicon)
                        & (ORG_HEAD | PLACE_HEAD | TITLE | TITLE_MODIFIER | COMMON)
                        == 0
            })
        {
            for (sub_low, sub_high) in [(low, owned), (owned, high)] {
                self.process_run(
                    data,
                    field_index,
                    sub_low,
                    sub_high,
                    hits,
                    lowercase_words,
                    candidates,
                    pendings,
                );
            }
            return;
        }
        // "the Youth Criminal Justice Act", "the Clean Air Act": a law's name names no person,
        // organisation or place (nor its words a title and a person).
        if high - low >= 2
            && matches!(
                data.word(high - 1),
                "Act" | "Bill" | "Law" | "Code" | "Decree" | "Ordinance" | "Statute" | "Directive"
            )
        {
            return;
        }
        // "Storm Ciarán", "Hurricane Melissa", "Tropical Storm Erin": a named weather system is
        // no person, organisation or place.
        // ("Storm Bay", "Storm Bay Aquaculture" are a place and a firm.)
        let name_start = if data.word(low).eq_ignore_ascii_case("tropical") {
            low + 2
        } else {
            low + 1
        };
        if high == name_start + 1
            && matches!(
                &*lower(data.word(low)),
                "storm" | "hurricane" | "typhoon" | "cyclone" | "tropical"
            )
            && data.class(name_start, lexicon) & (PLACE_HEAD | ORG_HEAD) == 0
        {
            return;
        }
        // "Kumasi-based Asante Star Transport": a base and the name after it are two names.
        if let Some(base) = (low..high - 1).find(|index| data.tokens[*index].has(BASED)) {
            for (sub_low, sub_high) in [(low, base + 1), (base + 1, high)] {
                self.process_run(
                    data,
                    field_index,
                    sub_low,
                    sub_high,
                    hits,
                    lowercase_words,
                    candidates,
                    pendings,
                );
            }
            return;
        }
        // "FRANKFURT, May 12 (Atlas Newswire) -", "NAKURU, Kenya (Sahel Report) -": the agency
        // credited in a dateline is an organisation, whatever place its name begins with (a
        // known organisation keeps its entry).
        if is_dateline_credit(data, low, high)
            && data.claimed[low..high].iter().flatten().all(|claim| {
                self.gazetteer.entries[hits[*claim as usize].entry as usize].entity_type
                    != EntityType::Organisation
            })
        {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        // "the City of Brandon said", "the Port of Durban": a town's or port's administration
        // named as "X of <Name>" is an organisation (a listed whole name such as "Port of Spain"
        // or "City of London" keeps its entry).
        let body_low = low + usize::from(data.word(low) == "The");
        if high >= body_low + 3
            && matches!(
                data.word(body_low),
                "City" | "Town" | "Port" | "Municipality"
            )
            && data.word(body_low + 1) == "of"
            && (body_low + 2..high).all(|index| data.tokens[index].has(CAPITALISED))
            && data.claimed[body_low].is_none_or(|claim| hits[claim as usize].token_high < high)
        {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                body_low..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        // "Iloilo City", "ILOILO CITY": a city the gazetteer knows, then "City", is that city;
        // in Britain and Ireland, whose cities are not named so, a club ("Exeter City").
        if high - low == 2
            && data.word(low + 1).eq_ignore_ascii_case("city")
            && data.tokens[low + 1].has(JOINED)
            && data.claimed[low + 1].is_none()
            && let Some(claim) = data.claimed[low]
            && hits[claim as usize].token_low == low
            && hits[claim as usize].token_high == low + 1
        {
            let entry = &self.gazetteer.entries[hits[claim as usize].entry as usize];
            if entry.entity_type == EntityType::Place && !entry.is_country {
                if matches!(entry.country.as_deref(), Some("GB" | "IE")) {
                    candidates.push(Candidate::whole_run(
                        data,
                        field_index,
                        low..high,
                        EntityType::Organisation,
                        hits,
                    ));
                } else {
                    let hit = &mut hits[claim as usize];
                    hit.token_high = high;
                    hit.end = data.tokens[low + 1].end;
                }
                return;
            }
        }
        // "Fraport Brasil", "FNV Metaal", "Tata Steel Nederland": a listed organisation and one
        // more name word no list knows is its subsidiary or branch, an organisation of its own.
        if data.field == Field::Body
            && high - low >= 2
            && data.claimed[high - 1].is_none()
            && let Some(claim) = data.claimed[low]
            && hits[claim as usize].token_low == low
            && hits[claim as usize].token_high == high - 1
            && self.gazetteer.entries[hits[claim as usize].entry as usize].entity_type
                == EntityType::Organisation
            && {
                // Not a product ("Embraer E2", "Vega-C") nor a site of a firm's ("BAE
                // Systems' Govan").
                let last = data.tokens[high - 1];
                last.has(JOINED)
                    && last.has(CAPITALISED)
                    && !last.has(ALL_CAPS)
                    && !data.tokens[high - 2].has(POSSESSIVE)
                    && data
                        .word(high - 1)
                        .bytes()
                        .all(|byte| !byte.is_ascii_digit() && byte != b'-')
                    && data.class(high - 1, lexicon)
                        & (TITLE
                            | TITLE_MODIFIER
                            | TIME
                            | NOT_NAME
                            | COMMON
                            | DEMONYM
                            | FIRST_NAME
                            | ORG_HEAD
                            | PLACE_HEAD)
                        == 0
            }
        {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        // "Górnik Zabrze", "Legia Warsaw", "Piast Gliwice": in a sports story, an unlisted name
        // before a city the gazetteer knows is a club named after its city (not a first name).
        if high - low == 2
            && data.claimed[low].is_none()
            && let Some(claim) = data.claimed[low + 1]
            && hits[claim as usize].token_low == low + 1
            && hits[claim as usize].token_high == high
            && data.tokens[low + 1].has(JOINED)
            && data.tokens[low].has(CAPITALISED)
            && !data.tokens[low].has(ALL_CAPS)
            && !data.tokens[low + 1].has(POSSESSIVE)
            && data.class(low, lexicon)
                & (TITLE | TITLE_MODIFIER | COMMON | NOT_NAME | TIME | DEMONYM | FIRST_NAME)
                == 0
            && {
                let entry = &self.gazetteer.entries[hits[claim as usize].entry as usize];
                // English-speaking countries name clubs "City Head" ("Leeds United"), and
                // their towns are common surnames ("Morgan Rogers", "Jordan Henderson").
                entry.entity_type == EntityType::Place
                    && !entry.is_country
                    && !matches!(
                        entry.country.as_deref(),
                        Some("GB" | "IE" | "US" | "CA" | "AU" | "NZ" | "ZA" | "JM")
                    )
            }
            && data.field == Field::Body
            // "midfielder Rodgers Kabwe": a player's role names a person.
            && !(low > 0
                && data.tokens[low].has(JOINED)
                && data.class(low - 1, lexicon) & TITLE != 0)
            && is_sports_story(data)
        {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        // "PECAN FLATS, Texas", "TOYOTA CITY, Japan": a dateline's capitals name one place,
        // whatever shorter names (a town elsewhere, a firm) the gazetteer finds inside them.
        if high - low >= 2
            && data.field == Field::Body
            && low == 0
            && is_dateline(data, low, high)
            && !data.claimed[low..high]
                .iter()
                .all(|claim| claim.is_some() && *claim == data.claimed[low])
        {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Place,
                hits,
            ));
            return;
        }
        // "East Marlshire", "Central Ostrava": a capitalised compass word before a region or
        // town the gazetteer knows (not a country) names a part of it, one place.
        if high - low == 2
            && matches!(
                data.word(low),
                "North" | "South" | "East" | "West" | "Central"
            )
            && data.claimed[low].is_none()
            && data.claimed[low + 1].is_some_and(|claim| {
                let hit = &hits[claim as usize];
                let entry = &self.gazetteer.entries[hit.entry as usize];
                hit.token_low == low + 1
                    && hit.token_high == high
                    && entry.entity_type == EntityType::Place
                    && !entry.is_country
            })
        {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Place,
                hits,
            ));
            return;
        }
        // "Eoin Kiely SC", "Jane Roe MP": a post-nominal after a name is not part of it.
        let mut high = high;
        if high - low >= 3
            && data.tokens[high - 1].has(ALL_CAPS)
            && matches!(
                data.word(high - 1),
                "QC" | "KC"
                    | "SC"
                    | "MP"
                    | "MSP"
                    | "MLA"
                    | "MS"
                    | "TD"
                    | "MBE"
                    | "OBE"
                    | "CBE"
                    | "KBE"
                    | "DBE"
            )
            && (low..high - 1).all(|index| {
                data.tokens[index].has(CAPITALISED)
                    && !data.tokens[index].has(ALL_CAPS)
                    && data.class(index, lexicon) & (ORG_HEAD | PLACE_HEAD | ORG_LEAD) == 0
            })
        {
            high -= 1;
        }
        // "Boğaziçi University's Kandilli Observatory": an organisation's possessive, then another
        // organisation's name, is two names.
        if let Some(owner_end) = (low + 1..high - 1).find(|&index| {
            data.tokens[index].has(POSSESSIVE) && data.class(index, lexicon) & ORG_HEAD != 0
        }) && data.class(high - 1, lexicon) & ORG_HEAD != 0
            && owner_end + 2 < high
        {
            for (from, to) in [(low, owner_end + 1), (owner_end + 1, high)] {
                self.process_run(
                    data,
                    field_index,
                    from,
                    to,
                    hits,
                    lowercase_words,
                    candidates,
                    pendings,
                );
            }
            return;
        }
        // "X and Y": split unless the whole run is one organisation's name ("Ministry of
        // Agriculture and Livestock", "Disaster Risk Reduction and Management Authority").
        let and_at = (low + 1..high)
            .rev()
            .find(|index| matches!(data.word(*index), "and" | "&"));
        // "Fire and Emergency New Zealand (FENZ)": an acronym spelling the initials of the
        // whole run makes it one organisation, whatever gazetteer names lie inside it.
        if and_at.is_some() && acronym_spells_run(data, low, high) {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        // "Hollis & Garrow", "Marks & Spencer": short unknown names joined by an ampersand name
        // one firm (news prose joins people and places with "and").
        if let Some(amp_index) = (low + 1..high).find(|index| ampersand_before(data, *index))
            && data.class(high - 1, lexicon) & ORG_HEAD == 0
            && data.claimed[low..high].iter().all(Option::is_none)
        {
            let start = self.strip_leading(data, low, high, lowercase_words, true).0;
            if start < amp_index {
                pendings.push(Pending {
                    field: field_index,
                    token_low: start,
                    token_high: high,
                    fallback: Some(EntityType::Organisation),
                });
                return;
            }
        }
        if let Some(and_index) = and_at
            && !self.is_whole_organisation(data, hits, low, high, and_index)
        {
            self.process_run(
                data,
                field_index,
                low,
                and_index,
                hits,
                lowercase_words,
                candidates,
                pendings,
            );
            self.process_run(
                data,
                field_index,
                and_index + 1,
                high,
                hits,
                lowercase_words,
                candidates,
                pendings,
            );
            return;
        }
        // "Bank of France Governor Francois Villeroy de Galhau": an organisation's name, then a
        // title and a person's name, is two names.
        if let Some(prefix_end) = self.organisation_before_titled_person(data, hits, low, high) {
            self.process_run(
                data,
                field_index,
                low,
                prefix_end,
                hits,
                lowercase_words,
                candidates,
                pendings,
            );
            // "Chief" standing alone as the title is no part of the name.
            let name_start = if data.word(prefix_end) == "Chief"
                && data.class(prefix_end + 1, lexicon) & (TITLE | TITLE_MODIFIER) == 0
            {
                prefix_end + 1
            } else {
                prefix_end
            };
            self.process_sub_run(
                data,
                field_index,
                name_start,
                high,
                hits,
                lowercase_words,
                candidates,
                pendings,
            );
            return;
        }
        // "Detective Inspector Jane Roe of Northshire Police": a titled person before "of".
        if let Some(of_index) = (low + 1..high).find(|index| data.word(*index) == "of") {
            let (start, titled) = self.strip_leading(data, low, of_index, lowercase_words, false);
            let given_name = (start..of_index)
                .any(|index| data.class(index, lexicon) & FIRST_NAME != 0)
                && data.class(of_index - 1, lexicon) & (ORG_HEAD | PLACE_HEAD) == 0;
            // "Vivian Hsu of Jadeport Securities": a two- or three-word name before an
            // organisation-headed tail.
            let head_is_name = (2..=3).contains(&(of_index - start))
                && data.class(start, lexicon) & (ORG_PREFIX | ORG_HEAD | ORG_LEAD) == 0
                && data.class(of_index - 1, lexicon) & (ORG_HEAD | PLACE_HEAD) == 0
                && data.tokens[start..of_index]
                    .iter()
                    .all(|token| token.has(CAPITALISED) && !token.has(ALL_CAPS));
            let tail_is_org = data.class(high - 1, lexicon) & ORG_HEAD != 0;
            // Not "General Confederation of Moroccan Enterprises": a title word opening a body's
            // name ("Confederation of") titles no one.
            // Nor "Directorate General of Civil Aviation": "General" after a body's head word.
            let body_before_of = (data.class(of_index - 1, lexicon) & (ORG_PREFIX | ORG_HEAD) != 0
                && data.class(of_index - 1, lexicon) & TITLE == 0)
                || (of_index >= low + 2
                    && data.word(of_index - 1) == "General"
                    && data.class(of_index - 2, lexicon) & ORG_HEAD != 0
                    && data.class(of_index - 2, lexicon) & TITLE == 0);
            let titled = (titled
                || (low..of_index).any(|index| data.class(index, lexicon) & TITLE != 0))
                && !body_before_of;
            // "Mei Tanabe of Japan": a name, then "of" and a place the gazetteer knows.
            let head_structured = (low..of_index).any(|index| {
                data.class(index, lexicon) & (ORG_PREFIX | ORG_HEAD | PLACE_HEAD) != 0
            });
            let tail_start = if data.word(of_index + 1) == "the" {
                of_index + 2
            } else {
                of_index + 1
            };
            let tail_is_place = tail_start < high
                && data.claimed[tail_start].is_some_and(|claim| {
                    let hit = &hits[claim as usize];
                    hit.token_high == high
                        && self.gazetteer.entries[hit.entry as usize].entity_type
                            == EntityType::Place
                });
            // "Fans of Club Atlético Solvane": the name after "of" leads with an organisation
            // word.
            let tail_is_org_led = data.class(tail_start.min(high - 1), lexicon) & ORG_LEAD != 0
                && data.claimed[tail_start.min(high - 1)].is_none();
            // "Fans of Ashcombe Town", "Residents of Caddo Ridge": a sentence-initial plural
            // noun before "of" is no part of the name.
            let plural_noun_before_of = of_index == low + 1
                && data.tokens[low].has(SENTENCE_START)
                && data.claimed[low].is_none()
                && ends_with_ignore_case(data.word(low), "s", 4)
                && data.class(low, lexicon)
                    & (ORG_PREFIX
                        | ORG_HEAD
                        | ORG_LEAD
                        | PLACE_HEAD
                        | PLACE_PREFIX
                        | FIRST_NAME
                        | TITLE)
                    == 0;
            if start < of_index
                && (titled
                    || given_name
                    || tail_is_org_led
                    || plural_noun_before_of
                    || (head_is_name && (tail_is_org || tail_is_place))
                    || (tail_is_place && !head_structured && of_index - start <= 3))
                && of_index + 1 < high
            {
                self.process_sub_run(
                    data,
                    field_index,
                    low,
                    of_index,
                    hits,
                    lowercase_words,
                    candidates,
                    pendings,
                );
                self.process_run(
                    data,
                    field_index,
                    of_index + 1,
                    high,
                    hits,
                    lowercase_words,
                    candidates,
                    pendings,
                );
                return;
            }
        }
        let last_class = data.class(high - 1, lexicon);
        let first_class = data.class(low, lexicon);
        let org_prefixed = high - low >= 3
            && (low..high - 2).any(|index| {
                data.class(index, lexicon) & (ORG_PREFIX | ORG_HEAD) != 0
                    && matches!(data.word(index + 1), "of" | "for" | "on")
                    && data.tokens[index].has(CAPITALISED)
            });
        let bank_compound = ends_with_ignore_case(data.word(high - 1), "bank", 6);
        // "Club Atlético Lanús", "Transportes Wari Express": a foreign organisation lead word.
        // "Bank Windhoek", "Bank Muscat": "Bank" before a listed place names a bank (not "Bank
        // Rate", "Bank Holiday").
        let bank_led = high - low == 2
            && data.word(low) == "Bank"
            && data.claimed[low + 1].is_some_and(|claim| {
                let hit = &hits[claim as usize];
                hit.token_high == high
                    && self.gazetteer.entries[hit.entry as usize].entity_type == EntityType::Place
            });
        let org_led = (first_class & ORG_LEAD != 0 || bank_led) && data.claimed[low].is_none();
        let last_claim = data.claimed[high - 1];
        // "beat Ashcombe Town 3-0": a team's name before a score; only a place-like name (not
        // the player in "Tereza Hronkova 6-3").
        let team = last_class & PLACE_HEAD != 0
            && ((data.claimed[low..high].iter().all(Option::is_none)
                && followed_by_score(data, high))
                || self.club_named_after_town(data, hits, low, high));
        // "Imperial Irrigation District", "Metropolitan Water District of Southern California":
        // a district that runs a service is a body, not a place.
        let service_district = (low + 1..high).any(|index| {
            data.word(index) == "District"
                && matches!(
                    &*lower(data.word(index - 1)),
                    "water"
                        | "irrigation"
                        | "school"
                        | "sanitation"
                        | "utility"
                        | "hospital"
                        | "fire"
                        | "conservation"
                        | "transit"
                        | "drainage"
                        | "sewer"
                        | "levee"
                )
        });
        let org_headed = last_class & ORG_HEAD != 0
            || opens_french_body(data, low)
            || org_prefixed
            || bank_compound
            || org_led
            || team
            || service_district;
        // "Gulf of Mexico", "Democratic Republic of the Congo", "Isle of Wight".
        let place_prefixed = high - low >= 3
            && (low..high - 2).any(|index| {
                data.class(index, lexicon) & PLACE_HEAD != 0
                    && data.word(index + 1) == "of"
                    && data.tokens[index].has(CAPITALISED)
            });
        // Not "Detective Sergeant Lena Marsh": no titles or given names in a place's name.
        let person_words =
            (low..high).any(|index| data.class(index, lexicon) & (TITLE | FIRST_NAME) != 0);
        let dateline_credit = is_dateline_credit(data, low, high);
        // "at Victoria Park", "in Albert Park": a given name and a head that can be a surname
        // after a place's preposition name the place.
        let place_after_preposition = low > 0
            && data.tokens[low].has(JOINED)
            && data.tokens[low - 1].has(LOWERCASE)
            && (data.class(low - 1, lexicon) & PLACE_PREPOSITION != 0
                || data.word(low - 1) == "at");
        let place_headed = !team
            && (place_prefixed
                || last_class & PLACE_HEAD != 0
                || (first_class & PLACE_PREFIX != 0 && high - low >= 2))
            && (!person_words
                || last_class & STRONG_PLACE_HEAD != 0
                || (place_after_preposition && last_class & PLACE_HEAD != 0 && high - low == 2))
            && !dateline_credit;
        // "the Lagos-Ibadan Expressway": the road is named by the whole pair, not by its half.
        let pair_half = data.tokens[low].has(PAIR_HALF);
        // "the Russian Black Sea port": a nationality adjective before a listed place is no
        // part of the place's name.
        if place_headed
            && !org_headed
            && data.class(low, lexicon) & DEMONYM != 0
            && data.claimed[low].is_none()
            && data.claimed[low + 1].is_some_and(|claim| {
                let hit = &hits[claim as usize];
                hit.token_low == low + 1
                    && hit.token_high == high
                    && self.gazetteer.entries[hit.entry as usize].entity_type == EntityType::Place
            })
        {
            return;
        }
        if (org_headed || place_headed) && high - low >= 2 && !pair_half {
            let last_hit_is_org = last_claim.is_some_and(|hit| {
                self.gazetteer.entries[hits[hit as usize].entry as usize].entity_type
                    == EntityType::Organisation
            });
            let one_hit_from = |start: usize| {
                last_claim.is_some_and(|claim| {
                    let hit = &hits[claim as usize];
                    hit.token_low == start && hit.token_high == high
                })
            };
            // "Ministry of Labour": a listed organisation ("Labour") as the whole complement of
            // a body's "X of" is part of that body's name.
            let complement_hit =
                org_prefixed && data.word(high - 2) == "of" && one_hit_from(high - 1);
            // "Ceylon Workers' Congress": a listed one-word body ("Congress") after a plural
            // possessive is the head of a longer name.
            let plural_possessive_head = high - low >= 2
                && one_hit_from(high - 1)
                && matches!(
                    &data.text[data.tokens[high - 2].end..data.tokens[high - 1].start],
                    "' " | "\u{2019} "
                )
                && data.word(high - 2).ends_with('s');
            if !one_hit_from(low)
                && (last_claim.is_none()
                    || !last_hit_is_org
                    || complement_hit
                    || plural_possessive_head)
            {
                let mut start_index = self.strip_leading(data, low, high, lowercase_words, true).0;
                // "The United Arab Emirates said": once the sentence's "The" is stripped, the
                // gazetteer's name is the whole run; it keeps its entry.
                if start_index > low && one_hit_from(start_index) {
                    return;
                }
                // "The Independent Office for Police Conduct": a leading "The" that a shorter
                // gazetteer name ("The Independent") claimed is no part of the longer name.
                if org_headed
                    && high - start_index >= 3
                    && data.word(start_index).eq_ignore_ascii_case("the")
                    && data.claimed[start_index]
                        .is_some_and(|claim| hits[claim as usize].token_high < high)
                {
                    start_index += 1;
                }
                if high - start_index >= 2 || (org_headed && !org_prefixed && start_index < high) {
                    // A run ending in a head word whose first word was stripped ("The Council")
                    // is too vague alone unless something else remains.
                    if high - start_index >= 2 {
                        for claim in data.claimed[start_index..high].iter().flatten() {
                            hits[*claim as usize].removed = true;
                        }
                        candidates.push(Candidate {
                            field: field_index,
                            start: data.tokens[start_index].start,
                            end: data.tokens[high - 1].end,
                            entity_type: if org_headed {
                                EntityType::Organisation
                            } else {
                                EntityType::Place
                            },
                            guessed: false,
                        });
                        return;
                    }
                }
            }
        }
        // "Robbie Moore", "Mary Sheffield": a given name followed by a surname that the gazetteer
        // also knows as a one-word place is a person's name, not a name and a place.
        // "University Hospital Southampton", "Euronext Dublin": an organisation's name, then the
        // place of the branch it names.
        if self.org_then_place(data, low, high, hits) {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        // "Ghana Premier League", "Kenya Red Cross": a country, then a listed organisation of
        // another country or of none, is that country's own body (the UK's "UK Met Office" or
        // "US Federal Reserve" stays the listed one); "the Texas Department of Transportation",
        // a state's own.
        if self.national_body(data, body_low, high, hits) {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                body_low..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        // "Age UK", "Police Scotland", "Tourism Northern Ireland": capitalised nouns before the
        // country an organisation serves.
        if let Some(place_start) = self.country_served(data, low, high, hits) {
            candidates.push(Candidate::replacing(
                data,
                field_index,
                low..high,
                place_start..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        // "NFU Scotland", "NHS England", "JR Hokkaido": an acronym naming an organisation,
        // then a place it serves, is one organisation.
        if high - low >= 2
            && data.tokens[low].has(ALL_CAPS)
            && data.word(low).len() <= 5
            && data.tokens[low + 1].has(JOINED)
            && !data.tokens[low + 1].has(ALL_CAPS)
            && data.claimed[low].is_none_or(|claim| {
                let hit = &hits[claim as usize];
                hit.token_high == low + 1
                    && self.gazetteer.entries[hit.entry as usize].entity_type
                        == EntityType::Organisation
            })
            && data.claimed[low + 1].is_some_and(|claim| {
                let hit = &hits[claim as usize];
                hit.token_low == low + 1
                    && hit.token_high == high
                    && self.gazetteer.entries[hit.entry as usize].entity_type == EntityType::Place
            })
        {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Organisation,
                hits,
            ));
            return;
        }
        let name_start = self
            .strip_leading(data, low, high, lowercase_words, false)
            .0;
        let place_word = |index: usize| {
            data.claimed[index].is_some_and(|claim| {
                let hit = &hits[claim as usize];
                hit.token_low == index
                    && hit.token_high == index + 1
                    && self.gazetteer.entries[hit.entry as usize].entity_type == EntityType::Place
            })
        };
        // "spokeswoman Aiko Nagaoka": after a lowercase title, the first word (whatever the
        // gazetteer knows it as) is a given name too.
        let titled_before = name_start == low
            && low > 0
            && data.tokens[low].has(JOINED)
            && data.tokens[low - 1].has(LOWERCASE)
            && data.class(low - 1, lexicon) & TITLE != 0;
        let given_name = || {
            (data.claimed[name_start].is_none()
                && data.class(name_start, lexicon) & FIRST_NAME != 0)
                || (titled_before && (data.claimed[name_start].is_none() || place_word(name_start)))
        };
        if (2..=3).contains(&(high - name_start))
            && given_name()
            && data.tokens[name_start..high]
                .iter()
                .all(|token| token.has(CAPITALISED) && !token.has(ALL_CAPS))
            && (name_start + 1..high).any(place_word)
            && (name_start + 1..high)
                .all(|index| data.claimed[index].is_none() || place_word(index))
        {
            candidates.push(Candidate::replacing(
                data,
                field_index,
                name_start..high,
                name_start..high,
                EntityType::Person,
                hits,
            ));
            return;
        }
        // "Quito Mayor Pabel Muñoz": a title, a word no list knows, then a one-word place that
        // ends the run: the place is the surname of the titled person.
        if high - low >= 3
            && data.class(high - 3, lexicon) & TITLE != 0
            && data.claimed[high - 3].is_none()
            && data.claimed[high - 2].is_none()
            && place_word(high - 1)
            && data.tokens[high - 2..high]
                .iter()
                .all(|token| token.has(CAPITALISED) && !token.has(ALL_CAPS))
            && data.class(high - 2, lexicon) & (PLACE_HEAD | ORG_HEAD | TITLE | COMMON | TIME) == 0
        {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                high - 2..high,
                EntityType::Person,
                hits,
            ));
            if high - 2 > low {
                self.process_run(
                    data,
                    field_index,
                    low,
                    high - 2,
                    hits,
                    lowercase_words,
                    candidates,
                    pendings,
                );
            }
            return;
        }
        // "Ana Lucía Chávez de León": a given name, a surname and a particle before a listed
        // place are one person's name (Spanish and Portuguese surnames of place).
        let particle_place = high - low >= 4
            && place_word(high - 1)
            && matches!(
                data.word(high - 2),
                "de" | "del" | "da" | "do" | "dos" | "das"
            )
            && data.class(low, lexicon) & FIRST_NAME != 0
            && (low..high - 2).all(|index| {
                data.claimed[index].is_none()
                    && data.tokens[index].has(CAPITALISED)
                    && !data.tokens[index].has(ALL_CAPS)
                    && data.class(index, lexicon)
                        & (PLACE_HEAD | ORG_HEAD | ORG_PREFIX | TITLE | COMMON | TIME | DEMONYM)
                        == 0
            });
        // "said Edison Huamaní Quispe": after a speech verb, a one-word place followed by names
        // no list knows is the speaker's given name.
        let speaker_place_name = (2..=3).contains(&(high - low))
            && low > 0
            && data.class(low - 1, lexicon) & SPEECH_VERB != 0
            && data.tokens[low - 1].has(LOWERCASE)
            && data.tokens[low].has(JOINED)
            && place_word(low)
            && data.claimed[low].is_some_and(|claim| {
                !self.gazetteer.entries[hits[claim as usize].entry as usize].is_country
            })
            && (low + 1..high).all(|index| {
                data.claimed[index].is_none()
                    && data.tokens[index].has(CAPITALISED)
                    && !data.tokens[index].has(ALL_CAPS)
                    && data.class(index, lexicon)
                        & (PLACE_HEAD | ORG_HEAD | TITLE | COMMON | TIME | DEMONYM)
                        == 0
            });
        if particle_place || speaker_place_name {
            candidates.push(Candidate::whole_run(
                data,
                field_index,
                low..high,
                EntityType::Person,
                hits,
            ));
            return;
        }
        // Split at gazetteer hits and at "and"/"&".
        let mut sub_low = low;
        let mut position = low;
        while position <= high {
            let boundary = position == high
                || data.claimed[position].is_some()
                || matches!(data.word(position), "and" | "&");
            if boundary {
                if sub_low < position {
                    self.process_sub_run(
                        data,
                        field_index,
                        sub_low,
                        position,
                        hits,
                        lowercase_words,
                        candidates,
                        pendings,
                    );
                }
                sub_low = position + 1;
            }
            position += 1;
        }
    }

    /// For a run that is an organisation's name (ending in a head word, built on "Bank of",
    /// "Ministry for", or a listed organisation), then a title and a person's name ("Central
    /// Bank of Nigeria Governor Olayemi Cardoso", "Ministry of Health Deputy Spokesman Ali
    /// Reza"), the token where the title (with its modifiers) starts.
    fn organisation_before_titled_person(
        &self,
        data: &FieldData<'_>,
        hits: &[Hit],
        low: usize,
        high: usize,
    ) -> Option<usize> {
        let lexicon = &self.lexicon;
        if high - low < 4 {
            return None;
        }
        // "Fritch Volunteer Fire Department Chief Lonnie Beasley": "Chief" (otherwise a title's
        // modifier) right after an organisation's head is the title.
        let first_title = (low + 2..high - 1).find(|index| {
            let token = data.tokens[*index];
            token.has(CAPITALISED)
                && !token.has(ALL_CAPS)
                && data.claimed[*index].is_none()
                && (data.class(*index, lexicon) & TITLE != 0
                    || (data.word(*index) == "Chief"
                        && data.class(*index - 1, lexicon) & ORG_HEAD != 0
                        && data.class(*index + 1, lexicon) & (TITLE | TITLE_MODIFIER) == 0))
        })?;
        // "Deputy Spokesman", "Chief Executive": the name follows the last word of the title.
        let mut title_index = first_title;
        while title_index + 2 < high
            && data.claimed[title_index + 1].is_none()
            && data.class(title_index + 1, lexicon) & (TITLE | TITLE_MODIFIER) != 0
            && data.class(title_index + 1, lexicon) & FIRST_NAME == 0
        {
            title_index += 1;
        }
        // The person's name: capitalised words (or particles) that name no organisation or
        // place, either two or more of them or one listed person.
        let person_claimed = |index: usize| {
            data.claimed[index].is_some_and(|claim| {
                self.gazetteer.entries[hits[claim as usize].entry as usize].entity_type
                    == EntityType::Person
            })
        };
        let name_words = high - title_index - 1;
        let name_ok = (1..=5).contains(&name_words)
            && (title_index + 1..high).all(|index| {
                let token = data.tokens[index];
                // "Francois Villeroy de Galhau": a lowercase particle inside the name.
                let particle = token.has(LOWERCASE)
                    && index > title_index + 1
                    && index + 1 < high
                    && data.class(index, lexicon) & CONNECTOR != 0
                    && !matches!(data.word(index), "of" | "for" | "and" | "the" | "upon");
                let plain_word = (token.has(CAPITALISED) && !token.has(ALL_CAPS))
                    || is_name_particle(data.word(index))
                    || particle;
                plain_word
                    && !token.has(DIGIT)
                    && (data.claimed[index].is_none() || person_claimed(index))
                    && data.class(index, lexicon)
                        & (ORG_HEAD | PLACE_HEAD | TITLE | NOT_NAME | TIME)
                        == 0
            })
            && (name_words >= 2 || person_claimed(title_index + 1))
            && !data.tokens[high - 1].has(POSSESSIVE);
        if !name_ok {
            return None;
        }
        // "Bank of England Deputy Governor": modifiers before the title go with it.
        // Not the complement of "of" ("Ministry of Health Deputy Spokesman").
        let mut prefix_end = first_title;
        while prefix_end > low + 2
            && !matches!(data.word(prefix_end - 2), "of" | "for" | "and" | "&")
            && data.class(prefix_end - 1, lexicon) & (TITLE_MODIFIER | DEMONYM) != 0
            && data.class(prefix_end - 1, lexicon) & ORG_HEAD == 0
            && data.claimed[prefix_end - 1].is_none()
        {
            prefix_end -= 1;
        }
        let last = prefix_end - 1;
        // Not "Health Cabinet Secretary", "Energy Minister": a portfolio before a minister's or
        // secretary's title names no organisation of its own.
        let portfolio_title = matches!(
            &*lower(data.word(title_index)),
            "minister" | "secretary" | "commissioner"
        );
        let headed = !portfolio_title
            && data.class(last, lexicon) & TITLE_MODIFIER == 0
            && (data.class(last, lexicon) & ORG_HEAD != 0
                || ends_with_ignore_case(data.word(last), "bank", 6));
        let structured = (low..last).any(|index| {
            data.class(index, lexicon) & ORG_PREFIX != 0
                && matches!(data.word(index + 1), "of" | "for")
                && data.tokens[index].has(CAPITALISED)
        });
        let listed = data.claimed[last].is_some_and(|claim| {
            let hit = &hits[claim as usize];
            hit.token_high == prefix_end
                && hit.token_low > low
                && self.gazetteer.entries[hit.entry as usize].entity_type
                    == EntityType::Organisation
        });
        // "Chief of Defence General X": a title with its complement names no organisation.
        let title_first = data.class(low, lexicon) & TITLE != 0 && data.word(low + 1) == "of";
        ((headed || structured || listed) && !title_first).then_some(prefix_end)
    }

    /// Whether a run containing "and" at `and_index` names one organisation: an organisation
    /// head followed by "of"/"for" before the "and" with nothing standalone after it ("Ministry
    /// of Agriculture and Livestock"); an organisation head at the end with nothing before the
    /// "and" that stands alone ("Disaster Risk Reduction and Management Authority"); or two
    /// places sharing one head ("Devon and Cornwall Police").
    fn is_whole_organisation(
        &self,
        data: &FieldData<'_>,
        hits: &[Hit],
        low: usize,
        high: usize,
        and_index: usize,
    ) -> bool {
        let lexicon = &self.lexicon;
        // "The Queensland Fire and Emergency Services": a leading article is no part of it.
        let low = if data.word(low).eq_ignore_ascii_case("the") {
            low + 1
        } else {
            low
        };
        if and_index <= low || and_index + 1 >= high {
            return false;
        }
        let tail_headed = data.class(high - 1, lexicon) & ORG_HEAD != 0;
        let structured = (low..and_index.saturating_sub(1)).any(|index| {
            data.class(index, lexicon) & (ORG_PREFIX | ORG_HEAD) != 0
                && matches!(data.word(index + 1), "of" | "for" | "on")
        });
        if structured {
            // "Ministry of Housing, Communities and Local Government": a comma list joined into
            // the run by `org_comma_list_end`.
            if (low + 1..and_index).any(|index| data.tokens[index].has(COMMA_BEFORE)) {
                return true;
            }
            // "Police Federation of England and Wales": two places after "of".
            let place_hit = |from: usize, to: usize| {
                from < to
                    && data.claimed[from].is_some_and(|claim| {
                        let hit = &hits[claim as usize];
                        hit.token_low == from
                            && hit.token_high == to
                            && self.gazetteer.entries[hit.entry as usize].entity_type
                                == EntityType::Place
                    })
            };
            let of_places = (low + 1..and_index)
                .rev()
                .find(|index| matches!(data.word(*index), "of" | "for"))
                .is_some_and(|of_index| {
                    // "Union of Artisanal Fishermen of Kayar and Saint-Louis": one unlisted word
                    // may stand for the first place.
                    let unlisted_place = of_index + 2 == and_index
                        && data.claimed[of_index + 1].is_none()
                        && data.tokens[of_index + 1].has(CAPITALISED)
                        && !data.tokens[of_index + 1].has(ALL_CAPS)
                        && data.class(of_index + 1, lexicon)
                            & (ORG_HEAD | PLACE_HEAD | TITLE | COMMON | TIME | DEMONYM)
                            == 0;
                    (place_hit(of_index + 1, and_index) || unlisted_place)
                        && place_hit(and_index + 1, high)
                        && !data.tokens[high - 1].has(POSSESSIVE)
                });
            // "Ministry of Transport and Communications": one head word after "and" is part of
            // the name; "... and Acme Communications" stands alone.
            // "National Directorate for Fire and Emergency Management": two words after "and"
            // ending in a public body's head (not a firm's) still belong to the name.
            let public_head = !BUSINESS_OR_CLUB_HEADS.contains(&&*lower(data.word(high - 1)));
            let short_public_tail = high - and_index == 3
                && public_head
                && data.tokens[and_index + 1].has(CAPITALISED)
                && !data.tokens[and_index + 1].has(ALL_CAPS)
                && data.class(and_index + 1, lexicon) & (FIRST_NAME | ORG_HEAD) == 0
                && !data.tokens[high - 1].has(POSSESSIVE);
            let tail_alone = (and_index + 1..high).any(|index| data.claimed[index].is_some())
                || (tail_headed && high - and_index > 2 && !short_public_tail);
            return !tail_alone || of_places;
        }
        if !tail_headed {
            return false;
        }
        // "Bangladesh Garment Manufacturers and Exporters Association", "Munnar Hotels and Resorts
        // Association": two trades joined by "and" under one head.
        let trades = data.class(and_index - 1, lexicon) & ORG_HEAD != 0
            && data.class(and_index + 1, lexicon) & ORG_HEAD != 0
            && high - and_index >= 3
            && data.tokens[and_index + 1].has(CAPITALISED)
            && !data.tokens[and_index - 1].has(POSSESSIVE)
            && (and_index + 1..high).all(|index| data.claimed[index].is_none());
        if trades {
            return true;
        }
        let claim_type = |index: usize| {
            data.claimed[index].map(|claim| {
                self.gazetteer.entries[hits[claim as usize].entry as usize].entity_type
            })
        };
        // "Devon and Cornwall Police": one unlisted word may stand for the first place.
        let head_places = and_index - low <= 2
            && ((low..and_index).all(|index| claim_type(index) == Some(EntityType::Place))
                || (and_index == low + 1
                    && claim_type(low).is_none()
                    && claim_type(and_index + 1) == Some(EntityType::Place)
                    && data.tokens[low].has(CAPITALISED)
                    && !data.tokens[low].has(ALL_CAPS)
                    && data.class(low, lexicon) & (COMMON | TITLE | NOT_NAME) == 0));
        if head_places {
            return true;
        }
        // "Staffordshire Fire and Rescue Service", "Hampshire and Isle of Wight Fire and Rescue
        // Service": places the gazetteer knows (joined by "and") may lead the name when
        // unlisted words follow them before the last "and"; so may an organisation's acronym
        // ("NATO Support and Procurement Agency").
        let place_at = |index: usize| {
            data.claimed[index]
                .map(|claim| &hits[claim as usize])
                .filter(|hit| {
                    hit.token_low == index
                        && match self.gazetteer.entries[hit.entry as usize].entity_type {
                            EntityType::Place => true,
                            EntityType::Organisation => {
                                hit.token_high == index + 1 && data.tokens[index].has(ALL_CAPS)
                            }
                            EntityType::Person => false,
                        }
                })
                .map(|hit| hit.token_high)
        };
        let mut lead_place_end = low;
        while lead_place_end < and_index
            && let Some(end) = place_at(lead_place_end)
            && end < and_index
        {
            lead_place_end = end;
            if data.word(lead_place_end) == "and" && lead_place_end + 1 < and_index {
                lead_place_end += 1;
            }
        }
        // A sector word before "and" ("National Transport and Safety Authority") ends no name.
        let sector = matches!(
            &*lower(data.word(and_index - 1)),
            "transport" | "technology" | "aviation" | "air" | "mobility"
        );
        // A legal form before "and" ends one firm's name ("Eesti Raudteehooldus AS and Daugava
        // Sleepers SIA").
        (lead_place_end..and_index).all(|index| data.claimed[index].is_none())
            && data.class(low, lexicon) & FIRST_NAME == 0
            && (sector || data.class(and_index - 1, lexicon) & (ORG_HEAD | PLACE_HEAD) == 0)
            && !data.tokens[and_index - 1].has(POSSESSIVE)
            && !is_company_suffix(data.word(and_index - 1))
    }

    /// For a run that is an organisation's name followed by a place hit ending the run: either
    /// unclaimed words ending in an organisation head ("University Hospital Southampton") or a
    /// one-word gazetteer organisation ("Euronext Dublin").
    fn org_then_place(&self, data: &FieldData<'_>, low: usize, high: usize, hits: &[Hit]) -> bool {
        let Some(claim) = data.claimed[high - 1] else {
            return false;
        };
        let place = &hits[claim as usize];
        let place_start = place.token_low;
        if place.token_high != high
            || place_start <= low
            || self.gazetteer.entries[place.entry as usize].entity_type != EntityType::Place
            || !data.tokens[place_start].has(JOINED)
            || data.tokens[high - 1].has(POSSESSIVE)
        {
            return false;
        }
        let lexicon = &self.lexicon;
        let org_hit = place_start == low + 1
            && data.claimed[low].is_some_and(|claim| {
                let hit = &hits[claim as usize];
                hit.token_low == low
                    && hit.token_high == low + 1
                    && self.gazetteer.entries[hit.entry as usize].entity_type
                        == EntityType::Organisation
            })
            && !data.tokens[low].has(ALL_CAPS)
            && !data.tokens[low].has(POSSESSIVE);
        let headed_words = place_start - low >= 2
            && data.class(place_start - 1, lexicon) & ORG_HEAD != 0
            && data.class(low, lexicon) & (COMMON | TITLE | FIRST_NAME) == 0
            && (low..place_start).all(|index| {
                let token = data.tokens[index];
                data.claimed[index].is_none()
                    && token.has(CAPITALISED)
                    && !token.has(POSSESSIVE)
                    && data.class(index, lexicon) & (TITLE | CONNECTOR) == 0
            });
        org_hit || headed_words
    }

    /// Whether tokens `low..high` are a listed country, then a listed organisation of another
    /// country (or of none) that ends the run ("Ghana Premier League"), or a listed state or
    /// province, then a listed body of its own country ("Texas Department of Transportation").
    fn national_body(&self, data: &FieldData<'_>, low: usize, high: usize, hits: &[Hit]) -> bool {
        // The hit claiming `index` when it starts there: its end and its entry.
        let hit_from = |index: usize| {
            let hit = &hits[data.claimed[index]? as usize];
            (hit.token_low == index)
                .then(|| (hit.token_high, &self.gazetteer.entries[hit.entry as usize]))
        };
        let Some((country_end, country)) = hit_from(low) else {
            return false;
        };
        if country_end >= high
            || !(country.is_country || country.is_region)
            || !data.tokens[low].has(CAPITALISED)
        {
            return false;
        }
        hit_from(country_end).is_some_and(|(body_end, body)| {
            body_end == high
                && body.entity_type == EntityType::Organisation
                // A country with another country's body (or a world body's name); a state or
                // province with its own country's ("Texas Department of Transportation",
                // "Ontario Liberal Party").
                && if country.is_country {
                    body.country != country.country
                } else {
                    body.country.is_some() && body.country == country.country
                }
                && data.tokens[country_end].has(JOINED)
                && !data.tokens[low].has(POSSESSIVE)
        })
    }

    /// For a run of one or two capitalised nouns followed by a country, a nation of the UK or a
    /// region that ends the run ("Cycling UK", "Statistics Canada", "Energy Queensland"), the
    /// token where the country starts.
    fn country_served(
        &self,
        data: &FieldData<'_>,
        low: usize,
        high: usize,
        hits: &[Hit],
    ) -> Option<usize> {
        let hit = &hits[data.claimed[high - 1]? as usize];
        let place_start = hit.token_low;
        let entry = &self.gazetteer.entries[hit.entry as usize];
        if hit.token_high != high
            || place_start <= low
            || place_start - low > 2
            || entry.entity_type != EntityType::Place
            || !(entry.is_country
                || (entry.is_region && entry.country.is_some())
                || matches!(
                    entry.canonical.as_str(),
                    "England" | "Scotland" | "Wales" | "Northern Ireland"
                ))
        {
            return None;
        }
        let noun = |index: usize| {
            let token = data.tokens[index];
            let word = data.word(index);
            let lowered = lower(word);
            let mut class = data.class(index, &self.lexicon);
            if &*lowered == "police" {
                // A common capitalised word at a sentence start, but the head of "Police Scotland".
                class &= !COMMON;
            }
            data.claimed[index].is_none()
                && token.has(CAPITALISED)
                && !token.has(ALL_CAPS)
                && !token.has(POSSESSIVE)
                && (index == low || token.has(JOINED))
                && word.len() >= 3
                && class
                    & (FIRST_NAME
                        | TITLE
                        | DEMONYM
                        | DEMONYM_HEAD
                        | NOT_NAME
                        | TIME
                        | COMMON
                        | CONNECTOR
                        | PLACE_PREFIX
                        | PLACE_HEAD
                        | PLACE_PREPOSITION)
                    == 0
                && (class & TITLE_MODIFIER == 0
                    || matches!(
                        &*lowered,
                        "police" | "health" | "transport" | "energy" | "education" | "housing"
                    ))
                && !["al", "ic", "ern", "an", "ist", "ed"]
                    .iter()
                    .any(|suffix| ends_with_ignore_case(word, suffix, 4))
                && !matches!(
                    &*lowered,
                    "mainland"
                        | "greater"
                        | "little"
                        | "middle"
                        | "inner"
                        | "outer"
                        | "upper"
                        | "lower"
                        | "old"
                        | "young"
                        | "modern"
                        | "rural"
                        | "team"
                )
        };
        (low..place_start).all(noun).then_some(place_start)
    }

    /// Drops leading sentence-initial common words, determiners, time words, titles and
    /// nationality adjectives. Returns the new start and whether a title was stripped.
    fn strip_leading(
        &self,
        data: &FieldData<'_>,
        low: usize,
        high: usize,
        lowercase_words: &LowercaseWords,
        keep_titles: bool,
    ) -> (usize, bool) {
        let lexicon = &self.lexicon;
        let mut start = low;
        let mut titled = false;
        loop {
            if start >= high || data.claimed[start].is_some() {
                return (start, titled);
            }
            let token = data.tokens[start];
            let class = data.class(start, lexicon);
            let word = data.word(start);
            // "Third-seeded", "two-time", "21-year-old": hyphenated descriptors before a name.
            let hyphen_descriptor = word
                .split_once('-')
                .is_some_and(|(_, rest)| rest.starts_with(|c: char| c.is_lowercase()))
                && start + 1 < high;
            // "Meteorologist Kyle Brandvold": a sentence-initial word before a given name is a
            // role, unless it is a given name itself.
            let role_before_name = token.has(SENTENCE_START)
                && start + 2 < high
                && class & FIRST_NAME == 0
                && (looks_like_role_noun(word)
                    || (word.len() >= 4 && lowercase_words.contains(&data.hashes[start])))
                && data.class(start + 1, lexicon) & FIRST_NAME != 0
                && data.claimed[start + 1].is_none();
            // "New Chitose Airport", "All Nippon Airways": inside a sentence, a capitalised
            // common word before a head word belongs to the name (articles excepted).
            let kept_in_name = || {
                keep_titles
                    && token.has(CAPITALISED)
                    && !token.has(SENTENCE_START)
                    && start + 1 < high
                    && data.tokens[start + 1].has(CAPITALISED)
                    && !matches!(&*lower(word), "the" | "a" | "an")
            };
            if class & COMMON != 0 && !token.has(ALL_CAPS) && !kept_in_name()
                || class & TIME != 0
                || hyphen_descriptor
                || role_before_name
                || (token.has(SENTENCE_START)
                    && start + 1 < high
                    && data.tokens[start + 1].has(CAPITALISED)
                    && is_leading_org_descriptor(word))
                || (token.has(SENTENCE_START)
                    && data.word(start).len() >= 4
                    && lowercase_words.contains(&data.hashes[start])
                    && !(keep_titles && self.starts_organisation_name(data, start, high)))
            {
                start += 1;
                continue;
            }
            if !keep_titles {
                // A title run: modifiers, demonyms and titles up to the last title.
                let mut probe = start;
                let mut last_title = None;
                while probe < high && data.claimed[probe].is_none() {
                    let probe_class = data.class(probe, lexicon);
                    // "Group Commander Dean Whitcombe": after a title, a given name that is also
                    // a title ("Dean", "Major") before another capitalised word starts the name.
                    // Also after a title stripped before, and opening the run before a surname
                    // ("forecaster Dean Narramore") unless an article makes it a title.
                    let after_title = last_title.is_some()
                        || titled
                        || (probe == low
                            && probe + 1 < high
                            && data.class(probe + 1, lexicon) & FIRST_NAME == 0
                            && (low == 0
                                || !matches!(&*lower(data.word(low - 1)), "the" | "a" | "an")));
                    let given_name_after_title = after_title
                        && probe_class & FIRST_NAME != 0
                        && probe + 1 < high
                        && data.tokens[probe + 1].has(CAPITALISED)
                        && data.class(probe + 1, lexicon) & (TITLE | TITLE_MODIFIER) == 0;
                    if given_name_after_title {
                        break;
                    }
                    if probe_class & TITLE != 0 {
                        last_title = Some(probe);
                    } else if probe_class & (TITLE_MODIFIER | DEMONYM) == 0 {
                        break;
                    }
                    probe += 1;
                }
                if let Some(title_index) = last_title {
                    start = title_index + 1;
                    titled = true;
                    // "Secretary of State Marco Rubio", "Minister of State": the title's
                    // complement runs up to a first name (or to the end of the run).
                    if start < high && matches!(data.word(start), "of" | "for") {
                        start += 1;
                        while start < high && data.class(start, lexicon) & FIRST_NAME == 0 {
                            start += 1;
                        }
                    }
                    continue;
                }
            }
            if start + 1 < high && class & DEMONYM_HEAD != 0 {
                let two = format!(
                    "{} {}",
                    &*lower(data.word(start)),
                    &*lower(data.word(start + 1))
                );
                if lexicon.classes(&two) & DEMONYM != 0 {
                    start += 2;
                    continue;
                }
            }
            if class & DEMONYM != 0 && !keep_titles {
                start += 1;
                continue;
            }
            return (start, titled);
        }
    }

    /// "at Wexcombe", "from Pine", "diverted through Larrow": whether the one unknown word at
    /// `index`, plainly capitalised and of no known class, follows a preposition of place
    /// ("on" names platforms and days: "on Telegram", "on Saturdays"). Not in match reports,
    /// where "at Villa" is a team.
    fn lone_place_after_preposition(&self, data: &FieldData<'_>, index: usize) -> bool {
        let word = data.word(index);
        let token = data.tokens[index];
        index > 0
            && token.has(JOINED)
            && !token.has(HYPHENATED)
            && !token.has(POSSESSIVE)
            && data.tokens[index - 1].has(LOWERCASE)
            && matches!(data.word(index - 1), "at" | "from" | "through")
            && word.chars().count() >= 3
            && word
                .chars()
                .skip(1)
                .all(|character| !character.is_uppercase())
            && data.class(index, &self.lexicon)
                & (ORG_HEAD
                    | ORG_LEAD
                    | PLACE_HEAD
                    | DEMONYM
                    | NOT_NAME
                    | COMMON
                    | TIME
                    | FIRST_NAME
                    | TITLE)
                == 0
            && !(data.field == Field::Body && is_sports_story(data))
    }

    /// "from Kaven to Mombasa", "from Mombasa to Kaven": whether the name at tokens `low..high`
    /// is one end of a route whose other end is a place the gazetteer knows.
    fn route_with_place(
        &self,
        data: &FieldData<'_>,
        low: usize,
        high: usize,
        hits: &[Hit],
    ) -> bool {
        let is_place = |claim: Option<u32>| {
            claim.is_some_and(|claim| {
                let hit = &hits[claim as usize];
                !hit.removed
                    && self.gazetteer.entries[hit.entry as usize].entity_type == EntityType::Place
            })
        };
        let count = data.tokens.len();
        // "from X to P": the name first.
        let from_before = low > 0 && data.word(low - 1) == "from" && data.tokens[low].has(JOINED);
        if from_before
            && high + 1 < count
            && data.word(high) == "to"
            && data.tokens[high + 1].has(JOINED)
            && is_place(data.claimed[high + 1])
        {
            return true;
        }
        // "from P to X": the name second.
        low >= 3
            && data.word(low - 1) == "to"
            && data.tokens[low].has(JOINED)
            && is_place(data.claimed[low - 2])
            && {
                let first =
                    data.claimed[low - 2].map_or(low - 2, |claim| hits[claim as usize].token_low);
                first > 0 && data.word(first - 1) == "from"
            }
    }

    /// "Athenry and Loughrea", "Sale, Bairnsdale, Traralgon and Lakes Entrance": whether the
    /// name at tokens `low..high` stands in one list (commas, then "and" or "or") with a place
    /// the gazetteer knows.
    fn listed_with_place(
        &self,
        data: &FieldData<'_>,
        low: usize,
        high: usize,
        hits: &[Hit],
    ) -> bool {
        let count = data.tokens.len();
        let place_hit = |index: usize| {
            data.claimed[index].and_then(|claim| {
                let hit = &hits[claim as usize];
                (!hit.removed
                    && self.gazetteer.entries[hit.entry as usize].entity_type == EntityType::Place)
                    .then_some(hit)
            })
        };
        let (mut place, mut conjunction) = (false, false);
        // Rightwards: separator, then a member (a run of joined capitalised words).
        let mut index = high;
        for _ in 0..LIST_REACH {
            if index >= count || data.tokens[index].has(SENTENCE_START) {
                break;
            }
            let start = if matches!(data.word(index), "and" | "or") {
                conjunction = true;
                index + 1
            } else if data.tokens[index].has(COMMA_BEFORE) {
                index
            } else {
                break;
            };
            if start >= count || !data.tokens[start].is_name_like() {
                break;
            }
            place |= place_hit(start).is_some_and(|hit| hit.token_low == start);
            index = start + 1;
            while index < count
                && data.tokens[index].has(JOINED)
                && data.tokens[index].is_name_like()
            {
                index += 1;
            }
            // A member is a short name without titles, and the list ends at its conjunction.
            if !list_member(data, &self.lexicon, start, index) || conjunction {
                break;
            }
        }
        // Leftwards: separator, then a member ending before it.
        let mut index = low;
        for _ in 0..LIST_REACH {
            if index < 2 || data.tokens[index].has(SENTENCE_START) {
                break;
            }
            let end = if matches!(data.word(index - 1), "and" | "or") {
                conjunction = true;
                index - 1
            } else if data.tokens[index].has(COMMA_BEFORE) {
                index
            } else {
                break;
            };
            if end == 0 || !data.tokens[end - 1].is_name_like() {
                break;
            }
            place |= place_hit(end - 1).is_some_and(|hit| hit.token_high == end);
            index = end - 1;
            while index > 0
                && data.tokens[index].has(JOINED)
                && !data.tokens[index].has(SENTENCE_START)
                && data.tokens[index - 1].is_name_like()
            {
                index -= 1;
            }
            if !list_member(data, &self.lexicon, index, end) {
                break;
            }
        }
        place && conjunction
    }

    /// Whether the word at `index` opens an organisation's name even where the story also
    /// writes it in lower case: "Bank of ..." / "Ministry for ...", or a word before an
    /// organisation head ("Central Bank", "Fire Service").
    fn starts_organisation_name(&self, data: &FieldData<'_>, index: usize, high: usize) -> bool {
        let lexicon = &self.lexicon;
        if index + 1 >= high || !data.tokens[index + 1].has(JOINED) {
            return false;
        }
        let next_word = data.word(index + 1);
        (data.class(index, lexicon) & ORG_PREFIX != 0 && matches!(next_word, "of" | "for"))
            || (data.tokens[index + 1].has(CAPITALISED)
                && data.class(index + 1, lexicon) & (ORG_HEAD | ORG_PREFIX) != 0
                && data.class(index, lexicon) & (COMMON | TITLE | DEMONYM) == 0)
    }

    #[allow(clippy::too_many_arguments)]
    fn process_sub_run(
        &self,
        data: &FieldData<'_>,
        field_index: usize,
        low: usize,
        high: usize,
        hits: &mut [Hit],
        lowercase_words: &LowercaseWords,
        candidates: &mut Vec<Candidate>,
        pendings: &mut Vec<Pending>,
    ) {
        let lexicon = &self.lexicon;
        let (mut start, mut titled) = self.strip_leading(data, low, high, lowercase_words, false);
        // "Schneider CEO Olivier Blum": a title inside the run splits it.
        if !titled && start + 2 < high {
            let title_at = (start + 1..high - 1).rev().find(|index| {
                let class = data.class(*index, lexicon);
                class & TITLE != 0
                    && data.claimed[*index].is_none()
                    && !(class & FIRST_NAME != 0 && data.class(index - 1, lexicon) & TITLE != 0)
            });
            if let Some(title_index) = title_at {
                let mut prefix_end = title_index;
                // "Adani Group Chairman ...": an organisation's head word ends the prefix, and
                // so does a place's after a name ("Gasabo District Mayor", "Lee County Coroner").
                while prefix_end > start
                    && data.class(prefix_end - 1, lexicon) & (TITLE_MODIFIER | DEMONYM) != 0
                    && data.class(prefix_end - 1, lexicon) & ORG_HEAD == 0
                    && !(prefix_end - 1 > start
                        && data.class(prefix_end - 1, lexicon) & STRONG_PLACE_HEAD != 0
                        && data.class(prefix_end - 2, lexicon) & (TITLE_MODIFIER | DEMONYM) == 0)
                {
                    prefix_end -= 1;
                }
                if prefix_end > start {
                    self.process_sub_run(
                        data,
                        field_index,
                        start,
                        prefix_end,
                        hits,
                        lowercase_words,
                        candidates,
                        pendings,
                    );
                }
                start = title_index + 1;
                titled = true;
            }
        }
        let mut end = high;
        while end > start
            && (data.class(end - 1, lexicon) & TIME != 0
                || (data.tokens[end - 1].has(LOWERCASE)
                    && data.class(end - 1, lexicon) & CONNECTOR != 0))
        {
            end -= 1;
        }
        if start >= end {
            return;
        }
        // Digits are never names by themselves.
        if data.tokens[start..end].iter().all(|token| token.has(DIGIT)) {
            return;
        }
        let all_not_names =
            (start..end).all(|index| data.class(index, lexicon) & (NOT_NAME | COMMON) != 0);
        if all_not_names {
            return;
        }
        // Context before the run (the original run start, before stripping).
        if !titled && start > 0 {
            let previous_token = data.tokens[start - 1];
            // "spokesman Ali Reza", not "thanked the speaker. Housing costs rose".
            if previous_token.has(LOWERCASE)
                && data.tokens[start].has(JOINED)
                && data.class(start - 1, lexicon) & TITLE != 0
            {
                titled = true;
            }
        }
        // A name directly before a gazetteer person ("Vladimir Vladimirovich Putin") joins it.
        if end < data.tokens.len()
            && end == high
            && data.tokens[end].has(JOINED)
            && let Some(claim) = data.claimed[end]
        {
            let hit = &mut hits[claim as usize];
            if hit.token_low == end
                && self.gazetteer.entries[hit.entry as usize].entity_type == EntityType::Person
                && data.tokens[start..end]
                    .iter()
                    .all(|token| token.has(CAPITALISED) && !token.has(ALL_CAPS))
            {
                hit.start = data.tokens[start].start;
                hit.token_low = start;
                return;
            }
        }
        let cue = self
            .type_cue(data, start, end)
            .or_else(|| self.place_in_listed_city(data, hits, start, end));
        let first_class = data.class(start, lexicon);
        let first_is_given_name = first_class & FIRST_NAME != 0;
        let length = end - start;
        let push_candidate = |entity_type: EntityType, candidates: &mut Vec<Candidate>| {
            candidates.push(Candidate {
                field: field_index,
                start: data.tokens[start].start,
                end: data.tokens[end - 1].end,
                entity_type,
                guessed: false,
            });
        };
        if length == 1 {
            // "state power producer KenGen": a brand-like capital inside one word names a firm
            // even after a word that can be a title.
            let fallback = if titled && is_camel_case(data.word(start)) {
                Some(EntityType::Organisation)
            } else if titled {
                Some(EntityType::Person)
            } else if data.tokens[start].has(ALL_CAPS)
                && !(data.field == Field::Body && is_dateline(data, start, end))
            {
                cue.filter(|entity_type| *entity_type == EntityType::Organisation)
                    .or_else(|| {
                        acronym_acting(data, start, lexicon).then_some(EntityType::Organisation)
                    })
            } else if first_is_given_name && cue == Some(EntityType::Place) {
                None
            } else if is_plural_acronym(data.word(start)) {
                // "paid in IOUs", "two SUVs": a plural of an abbreviation is a thing.
                cue.filter(|entity_type| *entity_type == EntityType::Organisation)
            } else if cue == Some(EntityType::Place) && data.class(start, lexicon) & ORG_HEAD != 0 {
                // "in Parliament", "at Congress": an institution's head word is no place.
                Some(EntityType::Organisation)
            } else if cue == Some(EntityType::Organisation)
                && lowercase_words.contains(&data.hashes[start])
            {
                // "Rescue workers": a word the story also writes in lower case.
                None
            } else if cue.is_none() && is_camel_case(data.word(start)) {
                // "AusNet said", "MetSul forecast": a brand-like capital inside one word.
                Some(EntityType::Organisation)
            } else if cue.is_none()
                && first_class & (FIRST_NAME | TITLE) == 0
                && (self.listed_with_place(data, start, end, hits)
                    || self.route_with_place(data, start, end, hits)
                    || (self.lone_place_after_preposition(data, start)
                        && !lowercase_words.contains(&data.hashes[start])))
            {
                // "from Athenry and Loughrea": listed with a known place.
                Some(EntityType::Place)
            } else {
                cue
            };
            pendings.push(Pending {
                field: field_index,
                token_low: start,
                token_high: end,
                fallback,
            });
            return;
        }
        let last_class = data.class(end - 1, lexicon);
        let last_word = data.word(end - 1);
        let bank_compound = ends_with_ignore_case(last_word, "bank", 6)
            || ends_with_ignore_case(last_word, "bankas", 6);
        // "Wrenfield General", "Thomas Haney Secondary": a hospital's or school's short name.
        let institution = last_class & INSTITUTION_ADJECTIVE != 0
            && !titled
            && (start..end - 1).all(|index| data.class(index, lexicon) & TITLE == 0);
        // "University College Cork", "Bank Negara Malaysia": an organisation's head word inside
        // a longer name that no given name opens and no place word ends.
        let inner_org_head = length >= 3
            && !titled
            && last_class & (PLACE_HEAD | TITLE) == 0
            && (start..end).all(|index| data.class(index, lexicon) & FIRST_NAME == 0)
            && (start..end - 1).any(|index| data.class(index, lexicon) & ORG_HEAD != 0);
        if last_class & ORG_HEAD != 0
            || first_class & ORG_LEAD != 0
            || bank_compound
            || institution
            || inner_org_head
        {
            push_candidate(EntityType::Organisation, candidates);
            return;
        }
        if (last_class & PLACE_HEAD != 0 || first_class & PLACE_PREFIX != 0)
            && !(first_is_given_name
                && length == 2
                && last_class & STRONG_PLACE_HEAD == 0
                && first_class & PLACE_PREFIX == 0)
        {
            push_candidate(EntityType::Place, candidates);
            return;
        }
        if titled {
            push_candidate(EntityType::Person, candidates);
            return;
        }
        // "developer Marcus Whitfield-Grant": a given name outweighs a place or company cue.
        if let Some(entity_type) = cue
            && !(first_is_given_name && entity_type != EntityType::Person)
        {
            push_candidate(entity_type, candidates);
            return;
        }
        // "Burleigh Heads and Coolangatta": listed with a known place, no given name or title.
        if cue.is_none()
            && (start..end).all(|index| data.class(index, lexicon) & (FIRST_NAME | TITLE) == 0)
            && (self.listed_with_place(data, start, end, hits)
                || self.route_with_place(data, start, end, hits))
        {
            push_candidate(EntityType::Place, candidates);
            return;
        }
        // "Los Choneros", "Las Leonas": a Spanish plural article opens a group's name; "El
        // Nino", "La Nina" and other singular ones no person's.
        match data.word(start) {
            "Los" | "Las" if cue.is_none_or(|cue| cue == EntityType::Organisation) => {
                push_candidate(EntityType::Organisation, candidates);
                return;
            }
            "El" | "La" => {
                pendings.push(Pending {
                    field: field_index,
                    token_low: start,
                    token_high: end,
                    fallback: None,
                });
                return;
            }
            _ => {}
        }
        let name_like = (start..end).all(|index| {
            let token = data.tokens[index];
            (token.has(CAPITALISED) && !token.has(ALL_CAPS))
                || is_name_particle(data.word(index))
                // "Joost van Leeuwen", "Gabriela Montes de Oca": a surname's lowercase particle
                // (those that also join places' and bodies' names, as "Portage la Prairie",
                // "Transportes Sol del Misti" and "the Cruz del Cóndor viewpoint" do, only after
                // a given name that follows neither a capitalised word nor "the").
                || (index > start
                    && index + 1 < end
                    && token.has(LOWERCASE)
                    && data.class(index, lexicon) & CONNECTOR != 0
                    && match data.word(index) {
                        "van" | "von" | "ter" | "ten" | "bin" | "binti" | "ibn" | "ap" => true,
                        "of" | "for" | "and" | "the" | "upon" | "y" | "&" => false,
                        _ => {
                            data.class(start, lexicon) & FIRST_NAME != 0
                                && !(start > 0
                                    && data.tokens[start].has(JOINED)
                                    && (data.tokens[start - 1].has(CAPITALISED)
                                        || data.word(start - 1) == "the"))
                        }
                    })
        }) && (start..end).all(|index| data.class(index, lexicon) & NOT_NAME == 0);
        let followed_by_speech = end < data.tokens.len()
            && data.tokens[end].has(LOWERCASE)
            && data.class(end, lexicon) & SPEECH_VERB != 0;
        // "Vaccine Provision", "Child Care": without a given name, a word the story also uses in
        // lower case marks a capitalised phrase, not a person.
        let common_phrase = !(start..end).any(|index| data.class(index, lexicon) & FIRST_NAME != 0)
            && (start..end).any(|index| {
                data.word(index).len() >= 4 && lowercase_words.contains(&data.hashes[index])
            });
        // "on Campo Centrale", "at the Foro Italico", "the Crib Goch ridge": a name with no given
        // name where a place stands (venues, ridges, estates) is no person.
        if name_like
            && !followed_by_speech
            && (start..end).all(|index| data.class(index, lexicon) & (FIRST_NAME | TITLE) == 0)
            && (locative_before(data, start) || place_noun_after(data, end))
        {
            push_candidate(EntityType::Place, candidates);
            return;
        }
        // "Cymru Premier": a title ends no one's name (but "Nick Pope" has a given name).
        let ends_with_title =
            last_class & TITLE != 0 && last_class & FIRST_NAME == 0 && !first_is_given_name;
        // "Orthodox Christians", "Ethnic Hungarians": a group of people is no one.
        let ends_with_group = last_class & DEMONYM != 0 && last_class & FIRST_NAME == 0;
        if name_like
            && !common_phrase
            && !ends_with_title
            && !ends_with_group
            && (first_is_given_name || length <= 3 || followed_by_speech)
        {
            // "the longliner Sea Harvester", "the Sea Harvester, a 12-metre trawler": a vessel's
            // name is no person (nor any entity of ours).
            if !first_is_given_name
                && (vessel_noun_before(data, start) || vessel_appositive_after(data, end))
            {
                return;
            }
            push_candidate(EntityType::Person, candidates);
            if let Some(candidate) = candidates.last_mut() {
                candidate.guessed = !first_is_given_name && !followed_by_speech;
            }
            return;
        }
        pendings.push(Pending {
            field: field_index,
            token_low: start,
            token_high: end,
            fallback: None,
        });
    }
}

/// Lowercase nouns naming a kind of vessel, before or describing a ship's name.
fn is_vessel_noun(word: &str) -> bool {
    matches!(
        word,
        "longliner"
            | "trawler"
            | "vessel"
            | "ship"
            | "freighter"
            | "tanker"
            | "ferry"
            | "yacht"
            | "schooner"
            | "dredger"
            | "tugboat"
            | "tug"
            | "cutter"
            | "frigate"
            | "destroyer"
            | "submarine"
            | "seiner"
            | "dragger"
            | "liner"
            | "boat"
    )
}

/// Whether a vessel noun stands right before token `low` ("the trawler Sea Harvester").
fn vessel_noun_before(data: &FieldData<'_>, low: usize) -> bool {
    low > 0
        && data.tokens[low].has(JOINED)
        && data.tokens[low - 1].has(LOWERCASE)
        && is_vessel_noun(data.word(low - 1))
}

/// Whether an appositive naming a kind of vessel follows the name ending before token `high`
/// ("the Sea Harvester, a 12-metre trawler,").
fn vessel_appositive_after(data: &FieldData<'_>, high: usize) -> bool {
    high < data.tokens.len()
        && data.tokens[high].has(COMMA_BEFORE)
        && matches!(data.word(high), "a" | "an" | "the")
        && (high + 1..(high + 5).min(data.tokens.len()))
            .take_while(|index| data.tokens[*index].has(JOINED))
            .any(|index| {
                // The vessel noun closes the appositive ("a tanker driver" is a person).
                let closes = index + 1 == data.tokens.len() || !data.tokens[index + 1].has(JOINED);
                closes && data.tokens[index].has(LOWERCASE) && is_vessel_noun(data.word(index))
            })
}

/// "at Kaloma Ridge", then "in the Kaloma Ridge area": a name typed a person only because it
/// looked like one takes the type that another mention of it in the story has a cue for
/// (also the name of an organisation less its company suffix: "Dorrell Bancorp Inc").
/// A person's name before "said" with no given name ("Austral Datos said") also yields to an
/// organisation of that name.
fn settle_guessed_types(
    fields: &[FieldData<'_>; 2],
    candidates: &mut [Candidate],
    lexicon: &Lexicon,
) {
    // Typed a person by "said" alone: not guessed, but led by no given name or title.
    let ungiven: Vec<bool> = candidates
        .iter()
        .map(|candidate| {
            let data = &fields[candidate.field];
            let low = data
                .tokens
                .partition_point(|token| token.start < candidate.start);
            candidate.entity_type == EntityType::Person
                && !candidate.guessed
                && low < data.tokens.len()
                && data.class(low, lexicon) & (FIRST_NAME | TITLE) == 0
        })
        .collect();
    if candidates.iter().all(|candidate| !candidate.guessed) && !ungiven.contains(&true) {
        return;
    }
    let mut cued: FastMap<u64, EntityType> = FastMap::default();
    for (candidate, _) in candidates
        .iter()
        .zip(&ungiven)
        .filter(|(candidate, ungiven)| !candidate.guessed && !**ungiven)
    {
        let surface = &fields[candidate.field].text[candidate.start..candidate.end];
        cued.entry(name_key(surface))
            .or_insert(candidate.entity_type);
        if candidate.entity_type == EntityType::Organisation
            && let Some((short, suffix)) = surface.rsplit_once(' ')
            && is_company_suffix(suffix)
        {
            cued.entry(name_key(short))
                .or_insert(EntityType::Organisation);
        }
    }
    for (candidate, ungiven) in candidates.iter_mut().zip(ungiven) {
        if !candidate.guessed && !ungiven {
            continue;
        }
        let surface = &fields[candidate.field].text[candidate.start..candidate.end];
        if let Some(entity_type) = cued.get(&name_key(surface))
            && (candidate.guessed || *entity_type == EntityType::Organisation)
        {
            candidate.entity_type = *entity_type;
            candidate.guessed = false;
        }
    }
}

/// Countries on the Persian Gulf (and Yemen): a story naming one means that Gulf.
const PERSIAN_GULF_COUNTRIES: [&str; 9] = ["IR", "IQ", "SA", "KW", "QA", "BH", "AE", "OM", "YE"];

/// A legal-form (or club) word that ends an organisation's name ("Ltd", "Inc", "Plc"): one of
/// [`ORG_ID_SUFFIXES`].
fn is_company_suffix(word: &str) -> bool {
    // Folded on the stack: the longest suffix ("incorporated") has 12 letters.
    let mut buffer = [0u8; 16];
    let mut length = 0;
    for &byte in word.as_bytes() {
        if byte == b'.' {
            continue;
        }
        if !byte.is_ascii() {
            // "OÜ", "AŞ": the rare non-ASCII forms take the general path.
            let folded: String = word
                .chars()
                .filter(|c| *c != '.')
                .flat_map(char::to_lowercase)
                .collect();
            return is_org_id_suffix(&folded);
        }
        if length == buffer.len() {
            return false;
        }
        buffer[length] = byte.to_ascii_lowercase();
        length += 1;
    }
    std::str::from_utf8(&buffer[..length]).is_ok_and(is_org_id_suffix)
}

/// Last words of terms that take acronyms as bodies do ("Overnight Policy Rate (OPR)", "Consumer
/// Price Index (CPI)", "Gross Domestic Product (GDP)", "Free Trade Agreement (FTA)").
fn is_term_head(word: &str) -> bool {
    matches!(
        &*lower(word),
        "rate"
            | "rates"
            | "index"
            | "indices"
            | "product"
            | "ratio"
            | "yield"
            | "indicator"
            | "average"
            | "scheme"
            | "programme"
            | "program"
            | "act"
            | "bill"
            | "agreement"
            | "treaty"
            | "plan"
            | "strategy"
            | "initiative"
            | "system"
            | "protocol"
            | "convention"
            | "standard"
            | "tax"
            | "levy"
            | "zone"
            | "area"
            | "facility"
            | "fund"
            | "loan"
            | "bond"
            | "bonds"
            | "test"
            | "disease"
            | "syndrome"
    )
}

/// Whether the text after a name says it was founded ("was founded in", ", established in").
fn founded_after(text: &str, end: usize) -> bool {
    const FOUNDED: [&str; 8] = [
        " was founded",
        " was established",
        " was set up",
        " was incorporated",
        ", founded in",
        ", established in",
        ", set up in",
        ", incorporated in",
    ];
    text.get(end..)
        .is_some_and(|rest| FOUNDED.iter().any(|phrase| rest.starts_with(phrase)))
}

/// Endings only surnames have: South Slavic "-ić", Greek "-opoulos" and "-akis", Ukrainian
/// "-enko", Romanian "-escu" (a place ending so is rarer than a name in the news).
fn has_surname_ending(word: &str) -> bool {
    const ENDINGS: [&str; 9] = [
        "ić", "ović", "ević", "opoulos", "opoulou", "akis", "enko", "escu", "eanu",
    ];
    word.chars().count() > 4 && ENDINGS.iter().any(|ending| word.ends_with(ending))
}

/// Verbs that open an editor's note in brackets ("(Corrects figure in paragraph 3)", "(Adds
/// quotes)").
fn is_note_verb(word: &str) -> bool {
    matches!(
        word,
        "Corrects"
            | "Correcting"
            | "Adds"
            | "Updates"
            | "Recasts"
            | "Refiles"
            | "Repeats"
            | "Fixes"
            | "Changes"
            | "Rewrites"
            | "Removes"
            | "Deletes"
    )
}

/// A legal form that may follow a firm's name after a comma ("Tessaro Doors, Inc."): dotted
/// forms ("S.A.", "N.V.") and the English and German ones no place abbreviation shares ("SA"
/// and "NV" also stand for South Australia and Nevada).
fn is_comma_legal_form(word: &str) -> bool {
    (word.contains('.') && is_company_suffix(word))
        || matches!(
            word,
            "Inc" | "Ltd" | "LLC" | "PLC" | "Plc" | "plc" | "Corp" | "Limited" | "GmbH" | "SpA"
        )
}

/// Poland's limited company, written after the name.
const POLISH_LIMITED: &str = " Sp. z o.o.";

/// Legal forms written after a firm's name that a capitalised run does not reach: in lower case
/// ("Kvarner Logistika d.o.o.", "Tatra Mlyn a.s.", "Reykjanes Orka hf.") or opening with a
/// bracket ("Kalahari Capital Partners (Pty) Ltd"). Longer forms first (one may open another).
const LEGAL_FORMS_AFTER_NAME: [&str; 17] = [
    "(Private) Limited",
    "(Pty) Limited",
    "(Pvt) Limited",
    "(Pty) Ltd",
    "(Pvt) Ltd",
    "spol. s r.o.",
    "sp. z o.o.",
    "d.o.o.",
    "a.d.o.",
    "s.r.o.",
    "d.d.",
    "a.d.",
    "a.s.",
    "k.s.",
    "v.o.s.",
    "ehf.",
    "hf.",
];

/// End of the legal form written after a name ending at `end` ([`LEGAL_FORMS_AFTER_NAME`]), if
/// one follows.
fn legal_form_after_name_end(text: &str, end: usize) -> Option<usize> {
    let rest = text[end..].strip_prefix(' ')?;
    // Every form opens with one of these bytes; most words after a name open with another.
    if !matches!(
        rest.as_bytes().first(),
        Some(b's' | b'd' | b'a' | b'k' | b'v' | b'e' | b'h' | b'(')
    ) {
        return None;
    }
    LEGAL_FORMS_AFTER_NAME
        .iter()
        .find(|form| {
            rest.starts_with(**form)
                && !rest[form.len()..].starts_with(|c: char| c.is_alphanumeric())
        })
        .map(|form| end + 1 + form.len())
}

/// An organisation's name without the legal form that ends it ("Hyundai Motor" for "Hyundai
/// Motor Co.", "Budomex" for "Budomex Sp. z o.o.", "Nordhavn Lines" for "Nordhavn Lines A/S").
fn without_legal_form(name: &str) -> Option<&str> {
    let form_after_name = LEGAL_FORMS_AFTER_NAME.iter().find_map(|form| {
        name.strip_suffix(form)
            .and_then(|rest| rest.strip_suffix(' '))
            .filter(|rest| !rest.is_empty())
    });
    if form_after_name.is_some() {
        return form_after_name;
    }
    name.strip_suffix(POLISH_LIMITED).or_else(|| {
        name.rsplit_once(' ')
            .filter(|(rest, last)| !rest.is_empty() && (is_company_suffix(last) || *last == "A/S"))
            .map(|(rest, _)| rest)
    })
}

/// A firm's name without a leading word for "group" ("Groupe Lumivert Bois" -> "Lumivert
/// Bois"), when at least two words are left.
fn without_group_word(name: &str) -> Option<&str> {
    let (first, rest) = name.split_once(' ')?;
    (matches!(
        first,
        "Groupe" | "Grupo" | "Gruppo" | "Group" | "Grupa" | "Grup" | "Gruppe"
    ) && rest.contains(' '))
    .then_some(rest)
}

/// Legal forms abbreviated with a full stop ("Inc.", "Co.")./// Legal forms abbreviated with a full stop ("Inc.", "Co.").
const ABBREVIATED_LEGAL_FORMS: [&str; 15] = [
    "Inc", "Co", "Corp", "Ltd", "Bhd", "Pty", "Cos", "Pte", "Bros", "Mfg", "Intl", "Zrt", "Nyrt",
    "Kft", "Bt",
];

/// End of an organisation's name that ends at `end`, with its legal form's full stop: "Hanbit
/// Securities Co." before a lowercase word, a comma or a bracket (before a new sentence's
/// capital or at a paragraph's end the full stop is the sentence's), and Poland's "Sp. z o.o.".
fn legal_form_end(text: &str, end: usize) -> usize {
    if let Some(form_end) = legal_form_after_name_end(text, end) {
        return form_end;
    }
    let last = text[..end].rsplit([' ', '-']).next().unwrap_or_default();
    let rest = &text[end..];
    if last == "Sp" && rest.starts_with(&POLISH_LIMITED[3..]) {
        return end + POLISH_LIMITED.len() - 3;
    }
    if !ABBREVIATED_LEGAL_FORMS.contains(&last) || !rest.starts_with('.') {
        return end;
    }
    let after = &rest[1..];
    let next_word = after.trim_start_matches([' ', '"', '\u{201C}', '\'', '\u{2018}']);
    let sentence_ends = after.is_empty()
        || after.starts_with(['\n', '\r'])
        || (after.starts_with(' ') && next_word.starts_with(char::is_uppercase));
    if sentence_ends { end } else { end + 1 }
}

/// End of a site's name that goes on with its number: "Thermal Power Plant No. 4", "Shaft No 2".
fn numbered_end(text: &str, end: usize) -> usize {
    if !text[..end].ends_with(" No") {
        return end;
    }
    let rest = &text[end..];
    let Some(after) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(' ')) else {
        return end;
    };
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || after[digits..].starts_with(char::is_alphanumeric) {
        return end;
    }
    end + (rest.len() - after.len()) + digits
}

/// Whether the words before token `low` make it the object of an organisation phrase: "shares
/// in X", "a stake in X", "analysts at X", "owned by X".
fn org_object_before(data: &FieldData<'_>, low: usize) -> bool {
    let preposition = data.tokens[low - 1];
    let noun = data.tokens[low - 2];
    if !preposition.has(LOWERCASE)
        || !preposition.has(JOINED)
        || !noun.has(LOWERCASE) && !noun.has(CAPITALISED)
    {
        return false;
    }
    let noun = lower(data.word(low - 2));
    match data.word(low - 1) {
        "in" => matches!(
            &*noun,
            "shares" | "stake" | "stakes" | "holding" | "holdings" | "shareholders" | "investors"
        ),
        "at" => matches!(
            &*noun,
            "analysts"
                | "analyst"
                | "economists"
                | "economist"
                | "strategists"
                | "strategist"
                | "traders"
                | "bankers"
                | "executives"
                | "employees"
                | "workers"
                | "staff"
        ),
        "by" => matches!(
            &*noun,
            "owned"
                | "acquired"
                | "bought"
                | "advised"
                | "operated"
                | "taken-over"
                | "run"
                | "managed"
        ),
        _ => false,
    }
}

/// "Ministry of Housing, Communities and Local Government", "National Union of Rail, Maritime
/// and Transport Workers": when the run `low..high` is an organisation's head word with "of" or
/// "for" and a name, and a comma follows, a list of short unclaimed capitalised names closed by
/// "and" belongs to it; returns the end of that list.
fn org_comma_list_end(
    data: &FieldData<'_>,
    low: usize,
    high: usize,
    lexicon: &Lexicon,
) -> Option<usize> {
    let count = data.tokens.len();
    let structured = (low..high.saturating_sub(2)).any(|index| {
        data.class(index, lexicon) & (ORG_PREFIX | ORG_HEAD) != 0
            && matches!(data.word(index + 1), "of" | "for")
            && data.tokens[index].has(CAPITALISED)
    });
    if !structured || (low..high).any(|index| matches!(data.word(index), "and" | "&")) {
        return None;
    }
    let item_word = |index: usize| {
        index < count
            && data.claimed[index].is_none()
            && data.tokens[index].has(CAPITALISED)
            && !data.tokens[index].has(ALL_CAPS)
            && !data.tokens[index].has(POSSESSIVE)
            && data.class(index, lexicon) & (FIRST_NAME | TITLE | TIME | NOT_NAME) == 0
    };
    // One list item of one to three joined capitalised words starting at `start`.
    let item_end = |start: usize| {
        if !item_word(start) {
            return None;
        }
        let mut end = start + 1;
        while end < count && end - start < 3 && data.tokens[end].has(JOINED) && item_word(end) {
            end += 1;
        }
        Some(end)
    };
    // The closing item may hold a title word before the head word that ends the name ("and
    // General Workers", "and Chief Officers' Association" has none).
    let closing_item_end = |start: usize| {
        let headed_at = |index: usize| {
            index < count
                && data.tokens[index].has(JOINED)
                && data.class(index, lexicon) & ORG_HEAD != 0
                && item_word(index)
        };
        let titled_word = start < count
            && data.claimed[start].is_none()
            && data.tokens[start].has(CAPITALISED)
            && !data.tokens[start].has(ALL_CAPS)
            && data.class(start, lexicon) & (TITLE | FIRST_NAME) == TITLE;
        if titled_word && headed_at(start + 1) {
            return Some(start + 2);
        }
        item_end(start)
    };
    let mut position = high;
    for _ in 0..4 {
        position = item_end(position)?;
        if position >= count {
            return None;
        }
        let next = data.tokens[position];
        if next.has(COMMA_BEFORE) && !next.has(JOINED) {
            continue;
        }
        if next.has(JOINED) && data.word(position) == "and" {
            let end = closing_item_end(position + 1)?;
            // The closing item ends the name: no capitalised word or possessive follows.
            let followed_by_name =
                end < count && data.tokens[end].has(JOINED) && data.tokens[end].is_name_like();
            let closed = !followed_by_name && !data.tokens[end - 1].has(POSSESSIVE);
            return closed.then_some(end);
        }
        return None;
    }
    None
}

/// Sentence-initial words that describe the organisation named after them ("Rival Breedon
/// Group", "Regulator Ofwat") and are no part of its name.
fn is_leading_org_descriptor(word: &str) -> bool {
    matches!(
        &*lower(word),
        "rival"
            | "rivals"
            | "regulator"
            | "watchdog"
            | "charity"
            | "carmaker"
            | "automaker"
            | "broadcaster"
            | "lender"
            | "insurer"
            | "retailer"
            | "miner"
            | "drugmaker"
            | "chipmaker"
            | "conglomerate"
            | "airline"
            | "startup"
            | "start-up"
    )
}

/// Whether the run ending before `high` is followed by an appositive whose head noun is an
/// organisation descriptor: ", a Spanish maker of ...", ", the country's biggest telecoms
/// operator." (not ", a company spokesman" or ", a union member").
fn appositive_org(data: &FieldData<'_>, high: usize, lexicon: &Lexicon) -> bool {
    let count = data.tokens.len();
    if high + 1 >= count
        || !data.tokens[high].has(COMMA_BEFORE)
        || !matches!(data.word(high), "a" | "an" | "the")
    {
        return false;
    }
    let mut index = high + 1;
    while index < count && index <= high + 6 && data.tokens[index].has(JOINED) {
        let token = data.tokens[index];
        let class = data.class(index, lexicon);
        // ", a 32-year-old sewing operator": an age describes a person.
        if data.word(index).ends_with("-old") {
            return false;
        }
        if token.has(LOWERCASE) && class & ORG_DESCRIPTOR != 0 {
            // The descriptor must head the phrase: punctuation or a function word follows.
            let next = index + 1;
            return next >= count
                || !data.tokens[next].has(JOINED)
                || matches!(
                    data.word(next),
                    "of" | "in"
                        | "that"
                        | "which"
                        | "with"
                        | "for"
                        | "based"
                        | "owned"
                        | "whose"
                        | "and"
                        | "founded"
                        | "listed"
                        | "headquartered"
                        | "from"
                        | "to"
                );
        }
        let modifier = token.has(LOWERCASE) || token.has(DIGIT) || class & DEMONYM != 0;
        // "a coordinator with a kitchen network": a preposition ends the head noun phrase.
        let function_word = matches!(
            data.word(index),
            "with"
                | "of"
                | "at"
                | "for"
                | "in"
                | "on"
                | "from"
                | "to"
                | "by"
                | "who"
                | "which"
                | "that"
                | "whose"
        );
        if !modifier || function_word || class & (TITLE | SPEECH_VERB) != 0 {
            return false;
        }
        index += 1;
    }
    false
}

/// Whether tokens from `high` read "said in a statement" (or "said in a filing").
fn said_in_a_statement(data: &FieldData<'_>, high: usize) -> bool {
    high + 3 < data.tokens.len()
        && matches!(data.word(high), "said" | "says")
        && data.word(high + 1) == "in"
        && data.word(high + 2) == "a"
        && matches!(data.word(high + 3), "statement" | "filing")
}

/// The type of the place or organisation listed just before token `index` ("Cauca, Putumayo and
/// Guaviare"): list items share a type.
fn list_neighbour_type(
    builder: &DocBuilder,
    data: &FieldData<'_>,
    index: usize,
) -> Option<EntityType> {
    let token = data.tokens[index];
    if token.has(SENTENCE_START) || index == 0 {
        return None;
    }
    let previous = if token.has(COMMA_BEFORE) {
        index - 1
    } else if matches!(data.word(index - 1), "and" | "or") && index >= 2 {
        index - 2
    } else {
        return None;
    };
    let key = builder.entity_ending_at(data.field, data.tokens[previous].end)?;
    let entity_type = builder.entities[key].entity_type;
    (entity_type != EntityType::Person).then_some(entity_type)
}

/// Capitals then a plural "s" ("IOUs", "SUVs", "NGOs").
fn is_plural_acronym(word: &str) -> bool {
    word.strip_suffix('s')
        .is_some_and(|stem| stem.len() >= 2 && stem.bytes().all(|byte| byte.is_ascii_uppercase()))
}

/// Lexicon classes of an accented word's unaccented spelling ("Álvaro", "Inés"); kept out of
/// line so the hot class lookup stays small.
#[cold]
#[inline(never)]
fn folded_classes(word: &str, lexicon: &Lexicon) -> u32 {
    let folded = strip_diacritics(word);
    if folded.is_ascii() {
        // English adjectives and common words carry no accents: "Germán" is a given name, not
        // "German"; "Unión" no "union".
        lexicon.classes(&folded) & !(DEMONYM | DEMONYM_HEAD | COMMON)
    } else {
        0
    }
}

/// [`FIRST_NAME`] for a hyphenated given name whose parts are all given names ("Marc-André",
/// "Anne-Marie"), [`DEMONYM`] for a hyphenated nationality adjective ("Lithuanian-Polish
/// border", "Sino-Russian"), else nothing.
#[cold]
#[inline(never)]
fn hyphenated_classes(word: &str, lexicon: &Lexicon) -> u32 {
    let classes_of = |part: &str| {
        let classes = lexicon.classes(part);
        if classes == 0 && !part.is_ascii() {
            folded_classes(part, lexicon)
        } else {
            classes
        }
    };
    if word.split('-').count() < 2 {
        return 0;
    }
    if word
        .split('-')
        .all(|part| classes_of(part) & FIRST_NAME != 0)
    {
        FIRST_NAME
    } else if word.split('-').all(|part| {
        classes_of(part) & DEMONYM != 0 || matches!(part, "Sino" | "Afro" | "Indo" | "Anglo")
    }) {
        DEMONYM
    } else {
        0
    }
}

/// Whether a capitalised word could be an English role noun ("Meteorologist", "Neighbour",
/// "Trustee"): role nouns end in a consonant or "-ee", while given names often end in a vowel
/// or "y" ("Roxy", "Maria").
fn looks_like_role_noun(word: &str) -> bool {
    let Some(last) = word.chars().next_back() else {
        return false;
    };
    ends_with_ignore_case(word, "ee", 4)
        || (last.is_alphabetic()
            && !matches!(last.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

/// Whether the run ending before token `high` is followed by a match score ("3-0", "2–1").
fn followed_by_score(data: &FieldData<'_>, high: usize) -> bool {
    high < data.tokens.len()
        && data.tokens[high].has(DIGIT)
        && data.tokens[high].has(JOINED)
        && is_score(data.word(high))
}

/// "2-1", "0-0": a match score.
fn is_score(word: &str) -> bool {
    word.split_once('-').is_some_and(|(home, away)| {
        (1..=2).contains(&home.len())
            && (1..=2).contains(&away.len())
            && home
                .bytes()
                .chain(away.bytes())
                .all(|byte| byte.is_ascii_digit())
    })
}

/// Whether token `index` follows its predecessor across a lone ampersand ("Hollis & Garrow").
fn ampersand_before(data: &FieldData<'_>, index: usize) -> bool {
    index > 0 && {
        let gap = &data.text[data.tokens[index - 1].end..data.tokens[index].start];
        gap.len() <= 3 && gap.trim() == "&"
    }
}

/// Whether `word` is at least `min_length` bytes long and ends with ASCII `suffix` in any case.
fn ends_with_ignore_case(word: &str, suffix: &str, min_length: usize) -> bool {
    let bytes = word.as_bytes();
    bytes.len() >= min_length
        && bytes.len() >= suffix.len()
        && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Arabic-style name particles written in lower case and hyphenated: "al-Marri", "el-Sisi".
fn is_name_particle(word: &str) -> bool {
    ["al-", "el-", "ad-", "ar-", "as-", "ash-", "at-", "az-"]
        .iter()
        .any(|prefix| {
            word.strip_prefix(prefix)
                .and_then(|rest| rest.chars().next())
                .is_some_and(char::is_uppercase)
        })
}

/// Whether a word is a number written as an ordinal ("12th", "101st", "3rd").
fn is_ordinal(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && matches!(
            &word[digits..],
            "st" | "nd" | "rd" | "th" | "ST" | "ND" | "RD" | "TH"
        )
}

/// Whether the all-capitals word at `index` is an undefined acronym acting as a body does:
/// after "the" and before a verb of saying or acting ("The NTSA has ordered checks", "the SES
/// said"), which abbreviated measures and things ("the GDP", "the CCTV") never take.
fn acronym_acting(data: &FieldData<'_>, index: usize, lexicon: &Lexicon) -> bool {
    let word = data.word(index);
    if index == 0
        || index + 1 >= data.tokens.len()
        || !(2..=6).contains(&word.len())
        || !word.bytes().all(|byte| byte.is_ascii_uppercase())
        || !data.word(index - 1).eq_ignore_ascii_case("the")
        || !data.tokens[index].has(JOINED)
        || !data.tokens[index + 1].has(JOINED)
        || !data.tokens[index + 1].has(LOWERCASE)
        || data.tokens[index].has(POSSESSIVE)
    {
        return false;
    }
    data.class(index + 1, lexicon) & SPEECH_VERB != 0
        || matches!(
            data.word(index + 1),
            "has"
                | "had"
                | "says"
                | "will"
                | "would"
                | "ordered"
                | "issued"
                | "announced"
                | "confirmed"
                | "urged"
                | "advised"
                | "launched"
                | "approved"
                | "rejected"
                | "estimated"
                | "reported"
                | "recorded"
                | "deployed"
                | "declined"
                | "expects"
                | "expected"
        )
}

/// Whether a capitalised word has a capital after a lower-case letter inside it, as brands and
/// firms are written ("AusNet", "PayPal"), other than the surname prefixes that do so too
/// ("McCarthy", "MacLeod", "DeSantis", "LaGuardia").
fn is_camel_case(word: &str) -> bool {
    const SURNAME_PREFIXES: [&str; 9] = ["Mc", "Mac", "De", "Di", "Da", "La", "Le", "Van", "Fitz"];
    let bytes = word.as_bytes();
    if bytes.len() < 4 || !bytes[0].is_ascii_uppercase() || !word.is_ascii() {
        return false;
    }
    let Some(position) = (2..bytes.len())
        .find(|&index| bytes[index].is_ascii_uppercase() && bytes[index - 1].is_ascii_lowercase())
    else {
        return false;
    };
    !SURNAME_PREFIXES.contains(&&word[..position])
        && bytes[position..].iter().any(u8::is_ascii_lowercase)
}

/// A body-initial run of capitals followed by a comma, parenthesis or dash ("SEOUL, June 1 -").
fn is_dateline(data: &FieldData<'_>, low: usize, high: usize) -> bool {
    let first = data.dateline;
    if low < first || low > first + 2 || high > first + 4 {
        return false;
    }
    if !data.tokens[first..high]
        .iter()
        .all(|token| token.has(ALL_CAPS))
    {
        return false;
    }
    let after = &data.text[data.tokens[high - 1].end..];
    let after = after.trim_start();
    after.starts_with(',') || after.starts_with('(') || after.starts_with(DASHES)
}

/// A headline whose longer words are mostly capitalised.
fn is_title_case(data: &FieldData<'_>) -> bool {
    let mut long_words = 0;
    let mut capitalised = 0;
    for (index, token) in data.tokens.iter().enumerate() {
        if data.word(index).len() >= 4 && !token.has(DIGIT) {
            long_words += 1;
            if token.has(CAPITALISED) {
                capitalised += 1;
            }
        }
    }
    long_words >= 3 && capitalised * 10 >= long_words * 7
}

/// Whether an acronym could abbreviate `name` (first letters agree).
/// Whether two names share a word of four letters or more (case-insensitive).
fn share_a_word(a: &str, b: &str) -> bool {
    let words = |name: &str| -> Vec<String> {
        name.split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.chars().count() >= 4)
            .map(str::to_lowercase)
            .collect()
    };
    let theirs = words(b);
    words(a).iter().any(|word| theirs.contains(word))
}

/// First words of French bodies' names ("Union des consommateurs", "Régie de l'énergie").
const FRENCH_BODY_LEADS: &[&str] = &[
    "union",
    "office",
    "fonds",
    "régie",
    "regroupement",
    "société",
    "conseil",
    "commission",
    "ministère",
    "caisse",
    "centre",
    "association",
    "fédération",
    "syndicat",
    "confédération",
    "institut",
    "agence",
    "autorité",
    "banque",
    "mouvement",
    "comité",
    "collectif",
    "ordre",
    "direction",
    "chambre",
    "compagnie",
    "rassemblement",
    "coalition",
    "observatoire",
    "secrétariat",
    "tribunal",
    "bureau",
];

/// Whether the run at `low` opens with a French body's lead word followed by "de", "des" or
/// "du" ("Union des", "Régie de").
fn opens_french_body(data: &FieldData<'_>, low: usize) -> bool {
    // "The Union des consommateurs": a sentence's "The" before the name.
    let lead = low + usize::from(data.word(low) == "The");
    // The connector first: it rules out nearly every run before the word list is searched.
    lead + 1 < data.tokens.len()
        && matches!(data.word(lead + 1), "de" | "des" | "du")
        && FRENCH_BODY_LEADS.contains(&&*lower(data.word(lead)))
}

/// The end of "de (la) <word>" or "du <word>" continuing a French body's name at `high`: a
/// lowercase word of three letters or more after the connector (and an optional "la").
fn french_complement_end(data: &FieldData<'_>, low: usize, high: usize) -> Option<usize> {
    if high + 1 >= data.tokens.len()
        || !matches!(data.word(high), "de" | "des" | "du")
        || !data.tokens[high].has(JOINED)
        || !opens_french_body(data, low)
    {
        return None;
    }
    let mut word = high + 1;
    if data.word(word) == "la" && word + 1 < data.tokens.len() {
        word += 1;
    }
    let token = data.tokens[word];
    // "de l'énergie": an elided article opens the word.
    let text = data.word(word);
    let text = ["l'", "l\u{2019}", "d'", "d\u{2019}"]
        .iter()
        .find_map(|elision| text.strip_prefix(elision))
        .unwrap_or(text);
    (token.has(JOINED)
        && token.has(LOWERCASE)
        && !token.has(DIGIT)
        && text.chars().count() >= 3
        && text.chars().all(char::is_alphabetic))
    .then_some(word + 1)
}

/// "BoM", "DfE", "MoD": an acronym keeping a lowercase letter for a small word (two to six
/// ASCII letters, the first and at least one more in upper case).
fn is_mixed_case_acronym(word: &str) -> bool {
    (2..=6).contains(&word.len())
        && word.bytes().all(|byte| byte.is_ascii_alphabetic())
        && word.starts_with(|c: char| c.is_ascii_uppercase())
        && word.bytes().filter(u8::is_ascii_uppercase).count() >= 2
}

fn initials_compatible(acronym: &str, name: &str) -> bool {
    let first_letter = acronym.chars().next();
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .any(|initial| Some(initial) == first_letter)
}

/// Whether the run at tokens `low..high` is followed by a parenthesised acronym spelling the
/// initials of its capitalised words: "Fire and Emergency New Zealand (FENZ)".
fn acronym_spells_run(data: &FieldData<'_>, low: usize, high: usize) -> bool {
    high < data.tokens.len()
        && data.tokens[high].has(ALL_CAPS)
        && data.tokens[high].has(PAREN_BEFORE)
        && data.tokens[high].has(PAREN_AFTER)
        && spells_initials(data.word(high), data.span_text(low, high))
}

/// Start and end of a name that runs on past a comma up to the acronym spelling all its
/// initials: "the National Education, Health and Allied Workers' Union (NEHAWU)" (capitalised
/// words and "and"/"of" between, at most eight tokens on; the name may start inside the run).
fn acronym_list_end(data: &FieldData<'_>, low: usize, high: usize) -> Option<(usize, usize)> {
    let count = data.tokens.len();
    let mut end = high;
    while end < count && end - high < 8 {
        let token = data.tokens[end];
        if token.has(ALL_CAPS) && token.has(PAREN_BEFORE) && token.has(PAREN_AFTER) {
            if end == high {
                return None;
            }
            return (low..high)
                .filter(|start| data.tokens[*start].has(CAPITALISED))
                .find(|start| spells_initials(data.word(end), data.span_text(*start, end)))
                .map(|start| (start, end));
        }
        if !token.has(CAPITALISED) && !matches!(data.word(end), "and" | "of" | "for" | "&") {
            return None;
        }
        end += 1;
    }
    None
}

/// Whether the name at `low` follows "X-based" ("Kumasi-based Asante Star Transport"): a
/// capitalised name after a base is a firm or body, not a person's first name.
fn based_before(data: &FieldData<'_>, low: usize, lexicon: &Lexicon) -> bool {
    low > 0
        && data.tokens[low - 1].has(BASED)
        && data.tokens[low].has(CAPITALISED)
        && data.class(low, lexicon) & (FIRST_NAME | TITLE) == 0
}

/// Whether `acronym` is exactly the initials of the capitalised words of `name` (three or more
/// letters): "HSE" for "Health Service Executive", "NTSA" for "National Transport and Safety
/// Authority".
fn spells_initials(acronym: &str, name: &str) -> bool {
    if acronym.len() < 3 || !acronym.bytes().all(|byte| byte.is_ascii_uppercase()) {
        return false;
    }
    let mut letters = acronym.bytes();
    for word in name.split_whitespace() {
        let Some(initial) = word.bytes().next() else {
            continue;
        };
        if !initial.is_ascii_uppercase() {
            continue;
        }
        if letters.next() != Some(initial) {
            return false;
        }
    }
    letters.next().is_none()
}

/// Canonical form of a surface: whitespace collapsed, all-caps words in title case.
fn canonical_from_surface(surface: &str) -> String {
    let mut out = String::with_capacity(surface.len());
    for (index, word) in surface.split_whitespace().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        // Capitals are a headline's or dateline's case, except in legal forms ("CJSC").
        let all_caps = letters > 3
            && !word.chars().any(char::is_lowercase)
            && !matches!(word, "CJSC" | "OJSC" | "PJSC" | "EOOD");
        if all_caps {
            let mut word_start = true;
            for character in word.chars() {
                if word_start {
                    out.push(character);
                } else {
                    out.extend(character.to_lowercase());
                }
                word_start = !character.is_alphanumeric();
            }
        } else {
            out.push_str(word);
        }
    }
    if out.contains('\u{2019}') {
        return out.replace('\u{2019}', "'");
    }
    out
}

#[derive(Default)]
struct DocBuilder {
    entities: Vec<DocEntity>,
    /// Gazetteer entry -> entity.
    by_entry: FastMap<u32, usize>,
    /// (name key of an unknown name's surface, type) -> entity.
    by_surface: FastMap<(u64, EntityType), usize>,
}

struct NameIndex {
    /// Lowercased name and multi-word mention texts of every entity.
    full: FastMap<u64, usize>,
    /// Lowercased single words of people's names ("miller", "kim").
    person_tokens: FastMap<u64, (usize, usize)>,
    /// First words of multi-word organisation names that no word list knows ("Halvorsen" of
    /// "Halvorsen Shipping"): a later bare mention is the organisation.
    org_leads: FastMap<u64, usize>,
}

impl DocBuilder {
    /// An empty builder with room for about `expected` entities (growing these per story was
    /// a visible cost).
    fn with_capacity(expected: usize) -> Self {
        Self {
            entities: Vec::with_capacity(expected),
            by_entry: FastMap::with_capacity_and_hasher(expected, Default::default()),
            by_surface: FastMap::with_capacity_and_hasher(expected, Default::default()),
        }
    }

    fn entity(&mut self, id: String, entity_type: EntityType, name: String) -> usize {
        if let Some(key) = self.entities.iter().position(|entity| entity.id == id) {
            let entity = &mut self.entities[key];
            // Unknown names: keep the longest spelling as canonical.
            if id.starts_with("wiredesk:")
                && name.len() > entity.name.len()
                && !entity.mentions.is_empty()
            {
                entity.name = name;
            }
            return key;
        }
        self.entities.push(DocEntity {
            id,
            entity_type,
            name,
            mentions: Vec::with_capacity(4),
        });
        self.entities.len() - 1
    }

    /// Moves the mention starting at `start` of `field` from one entity to another.
    fn move_mention(&mut self, from: usize, to: usize, field: Field, start: usize) {
        let mentions = &mut self.entities[from].mentions;
        if let Some(position) = mentions
            .iter()
            .position(|mention| mention.field == field && mention.start == start)
        {
            let mention = mentions.remove(position);
            self.entities[to].mentions.push(mention);
        }
    }

    /// The document entity for a gazetteer entry, created on first use.
    fn gazetteer_entity(&mut self, gazetteer: &Gazetteer, entry_index: u32) -> usize {
        if let Some(&key) = self.by_entry.get(&entry_index) {
            return key;
        }
        let entry = &gazetteer.entries[entry_index as usize];
        let key = self.entity(entry.id.clone(), entry.entity_type, entry.canonical.clone());
        self.by_entry.insert(entry_index, key);
        key
    }

    fn mention(&mut self, key: usize, data: &FieldData<'_>, start: usize, end: usize) {
        let mentions = &mut self.entities[key].mentions;
        if mentions
            .iter()
            .any(|mention| mention.field == data.field && mention.start == start)
        {
            return;
        }
        mentions.push(Mention {
            field: data.field,
            start,
            end,
            text: data.text[start..end].to_string(),
        });
    }

    fn entity_ending_at(&self, field: Field, end: usize) -> Option<usize> {
        self.entities.iter().position(|entity| {
            entity
                .mentions
                .iter()
                .any(|mention| mention.field == field && mention.end == end)
        })
    }

    fn reassign_acronyms(&mut self, acronyms: &FastMap<&str, usize>) {
        let mut moved: Vec<(usize, usize, Mention)> = Vec::new();
        for (key, entity) in self.entities.iter_mut().enumerate() {
            entity
                .mentions
                .retain(|mention| match acronyms.get(mention.text.as_str()) {
                    Some(&target) if target != key => {
                        moved.push((target, key, mention.clone()));
                        false
                    }
                    _ => true,
                });
        }
        let listed = |key: usize| self.by_entry.values().any(|&entity| entity == key);
        // "Philippine Atmospheric, ... Administration (PAGASA)": a long form no list knows takes
        // the identity of the listed acronym defined by it, when the list knows it by the
        // acronym alone or the two names share a word ("Ghana Premier League (GPL)" is not the
        // listed GPL, Guyana Power and Light).
        let adopt: Vec<(usize, usize)> = moved
            .iter()
            .filter(|(target, source, _)| {
                listed(*source)
                    && !listed(*target)
                    && self.entities[*source].mentions.is_empty()
                    && self.entities[*source].entity_type == self.entities[*target].entity_type
                    && (!self.entities[*source].name.contains(' ')
                        || share_a_word(&self.entities[*source].name, &self.entities[*target].name))
            })
            .map(|(target, source, _)| (*target, *source))
            .collect();
        for (target, source) in adopt {
            self.entities[target].id = self.entities[source].id.clone();
            self.entities[target].name = self.entities[source].name.clone();
        }
        for (target, _, mention) in moved {
            self.entities[target].mentions.push(mention);
        }
    }

    fn name_index(&self, lexicon: &Lexicon) -> NameIndex {
        // Sized up front: growing these maps name by name was a visible share of a story's cost.
        let names: usize = self
            .entities
            .iter()
            .map(|entity| 1 + entity.mentions.len())
            .sum();
        let mut full: FastMap<u64, usize> =
            FastMap::with_capacity_and_hasher(names + 8, Default::default());
        let mut person_tokens: FastMap<u64, (usize, usize)> =
            FastMap::with_capacity_and_hasher(names, Default::default());
        let mut org_leads: FastMap<u64, usize> = FastMap::default();
        let mut seen: FastSet<&str> = FastSet::with_capacity_and_hasher(names, Default::default());
        for (key, entity) in self.entities.iter().enumerate() {
            if entity.mentions.is_empty() {
                continue;
            }
            let weight = entity.mentions.len();
            let names = std::iter::once(entity.name.as_str())
                .chain(entity.mentions.iter().map(|mention| mention.text.as_str()));
            let mut previous: Option<&str> = None;
            for name in names {
                // A repeat of the name just seen is in `seen` already (cheaper than hashing it).
                if previous == Some(name) {
                    continue;
                }
                previous = Some(name);
                if !seen.insert(name) {
                    continue;
                }
                full.entry(name_key(name)).or_insert(key);
                if entity.entity_type == EntityType::Organisation
                    && let Some((lead, rest)) = name.split_once(' ')
                    && rest
                        .rsplit(' ')
                        .next()
                        .is_some_and(|last| BUSINESS_OR_CLUB_HEADS.contains(&&*lower(last)))
                    && lead.len() >= 3
                    && lead.starts_with(char::is_uppercase)
                    && lead.chars().skip(1).all(char::is_lowercase)
                    && lexicon.classes(lead) == 0
                {
                    org_leads.entry(name_key(lead)).or_insert(key);
                }
                // "Hollis & Garrow" for "Hollis & Garrow Logistics": a firm's name without its
                // trailing business word, when at least two words remain.
                if entity.entity_type == EntityType::Organisation
                    && let Some((rest, last)) = name.rsplit_once(' ')
                    && rest.contains(' ')
                    && BUSINESS_OR_CLUB_HEADS.contains(&&*lower(last))
                {
                    full.entry(name_key(rest)).or_insert(key);
                }
                if entity.entity_type != EntityType::Person || !name.contains(' ') {
                    continue;
                }
                for word in name.split_whitespace() {
                    if word.len() < 2 || lexicon.classes(word) & CONNECTOR != 0 {
                        continue;
                    }
                    let slot = person_tokens.entry(name_key(word)).or_insert((key, weight));
                    if weight > slot.1 {
                        *slot = (key, weight);
                    }
                }
            }
        }
        NameIndex {
            full,
            person_tokens,
            org_leads,
        }
    }

    /// Folds a person whose whole name ends another person's longer name in the same story
    /// ("Van Damme" into "Ilse Van Damme", "Miller" into "Matthew Miller"), or whose name of two
    /// words or more opens it ("Syed Saddiq" into "Syed Saddiq Syed Abdul Rahman", "Tengku
    /// Zafrul" into "Tengku Zafrul Aziz").
    fn merge_name_suffixes(&mut self) {
        let count = self.entities.len();
        for short in 0..count {
            let entity = &self.entities[short];
            if entity.entity_type != EntityType::Person
                || !entity.id.starts_with("wiredesk:")
                || entity.mentions.is_empty()
            {
                continue;
            }
            let short_name = entity.name.as_str();
            let target = (0..count).find(|&long| {
                let candidate = &self.entities[long];
                let long_name = candidate.name.as_str();
                let split = long_name.len().wrapping_sub(short_name.len());
                let ends_it = || {
                    long_name.as_bytes()[split - 1] == b' '
                        && long_name
                            .get(split..)
                            .is_some_and(|tail| tail.eq_ignore_ascii_case(short_name))
                };
                let opens_it = || {
                    short_name.contains(' ')
                        && long_name.as_bytes()[short_name.len()] == b' '
                        && long_name
                            .get(..short_name.len())
                            .is_some_and(|head| head.eq_ignore_ascii_case(short_name))
                };
                long != short
                    && candidate.entity_type == EntityType::Person
                    && !candidate.mentions.is_empty()
                    && long_name.len() > short_name.len() + 1
                    && (ends_it() || opens_it())
            });
            if let Some(long) = target {
                let moved = std::mem::take(&mut self.entities[short].mentions);
                for mention in moved {
                    let mentions = &mut self.entities[long].mentions;
                    if !mentions
                        .iter()
                        .any(|m| m.field == mention.field && m.start == mention.start)
                    {
                        mentions.push(mention);
                    }
                }
            }
        }
    }

    /// Folds an unknown place named like an unknown organisation of the story without its
    /// legal or club suffix ("Ashcombe Town" into "Ashcombe Town FC").
    fn merge_places_into_clubs(&mut self) {
        const PLACE_PREFIX: &str = "wiredesk:place:";
        const ORG_PREFIX: &str = "wiredesk:org:";
        for place in 0..self.entities.len() {
            let Some(slug) = self.entities[place].id.strip_prefix(PLACE_PREFIX) else {
                continue;
            };
            // "Bala Town" in a headline, which no sports cue reaches, is the body's club.
            let place_name = self.entities[place].name.as_str();
            let club_like = place_name.ends_with(" Town")
                || place_name.ends_with(" County")
                || place_name.ends_with(" City");
            let target = self.entities.iter().position(|entity| {
                entity.entity_type == EntityType::Organisation
                    && !entity.mentions.is_empty()
                    && entity.id.strip_prefix(ORG_PREFIX) == Some(slug)
                    && (entity.name.len() > place_name.len()
                        || (club_like && entity.name == place_name))
            });
            if let Some(organisation) = target {
                self.move_all_mentions(place, organisation);
            }
        }
    }

    /// Moves every mention of entity `from` to entity `to` (`from` is left without mentions and
    /// dropped by `finish`).
    /// Folds an unknown name written in brackets right after an organisation into it: the
    /// organisation's name in its own language ("Transparency Poland (Przejrzysta Polska)").
    fn merge_parenthesised_names(&mut self, fields: &[FieldData<'_>; 2]) {
        let mut folds: Vec<(usize, usize)> = Vec::new();
        for (organisation, entity) in self.entities.iter().enumerate() {
            if entity.entity_type != EntityType::Organisation {
                continue;
            }
            for mention in &entity.mentions {
                let Some(data) = fields.iter().find(|data| data.field == mention.field) else {
                    continue;
                };
                if !data.text[mention.end..].starts_with(" (") {
                    continue;
                }
                let inner_start = mention.end + 2;
                let inner = self.entities.iter().position(|other| {
                    other.id.starts_with("wiredesk:")
                        && other.mentions.iter().any(|inner| {
                            inner.field == mention.field
                                && inner.start == inner_start
                                && inner.text.contains(' ')
                                && data.text[inner.end..].starts_with(')')
                        })
                });
                if let Some(inner) = inner
                    && inner != organisation
                {
                    folds.push((inner, organisation));
                }
            }
        }
        for (from, to) in folds {
            self.move_all_mentions(from, to);
        }
    }

    fn move_all_mentions(&mut self, from: usize, to: usize) {
        let moved = std::mem::take(&mut self.entities[from].mentions);
        self.entities[to].mentions.extend(moved);
    }

    /// "the Kenya Red Cross ... the Red Cross said": an organisation mentioned only by the end of
    /// another organisation's name in the story is that organisation (not the listed "Red
    /// Cross" the bare words would name elsewhere).
    fn merge_bare_organisations(&mut self) {
        for short in 0..self.entities.len() {
            let entity = &self.entities[short];
            let Some(first) = entity.mentions.first() else {
                continue;
            };
            if entity.entity_type != EntityType::Organisation
                || !first.text.contains(' ')
                || entity
                    .mentions
                    .iter()
                    .any(|mention| mention.text != first.text)
            {
                continue;
            }
            let bare = first.text.as_str();
            let target = self
                .entities
                .iter()
                .enumerate()
                .position(|(long, candidate)| {
                    long != short
                        && candidate.entity_type == EntityType::Organisation
                        && !candidate.mentions.is_empty()
                        && candidate
                            .name
                            .strip_suffix(bare)
                            .is_some_and(|head| head.ends_with(' '))
                });
            if let Some(long) = target {
                self.move_all_mentions(short, long);
            }
        }
    }

    /// "Iloilo province" and the city of Iloilo in one story: a region mentioned by its
    /// namesake's name (its generic word left out) is one place with it, as editors read it.
    fn merge_regions_into_namesakes(&mut self) {
        fn is_region_name(name: &str) -> bool {
            name.rsplit_once(' ')
                .is_some_and(|(_, last)| is_generic_region_word(&lower(last)))
        }
        for region in 0..self.entities.len() {
            if self.entities[region].entity_type != EntityType::Place
                || self.entities[region].mentions.is_empty()
                || !is_region_name(&self.entities[region].name)
            {
                continue;
            }
            let target = self
                .entities
                .iter()
                .enumerate()
                .position(|(index, entity)| {
                    index != region
                        && entity.entity_type == EntityType::Place
                        && !is_region_name(&entity.name)
                        && entity.mentions.iter().any(|mention| {
                            self.entities[region]
                                .mentions
                                .iter()
                                .any(|other| other.text == mention.text)
                        })
                });
            if let Some(namesake) = target {
                self.move_all_mentions(region, namesake);
            }
        }
    }

    /// Folds a bare peak's name into the mountain of the story named with it ("the Semeru
    /// volcano" into "Mount Semeru").
    fn merge_peaks_into_mountains(&mut self) {
        for peak in 0..self.entities.len() {
            // Only a name no list knows ("Kenya" stays the country beside "Mount Kenya").
            if self.entities[peak].entity_type != EntityType::Place
                || self.entities[peak].mentions.is_empty()
                || self.entities[peak].id
                    != wiredesk_id(EntityType::Place, &self.entities[peak].name)
            {
                continue;
            }
            let name = &self.entities[peak].name;
            let target = self.entities.iter().position(|entity| {
                entity.entity_type == EntityType::Place
                    && ["Mount ", "Mt ", "Mt. "].iter().any(|prefix| {
                        entity
                            .name
                            .strip_prefix(prefix)
                            .is_some_and(|rest| rest == name)
                    })
            });
            if let Some(mountain) = target {
                self.move_all_mentions(peak, mountain);
            }
        }
    }

    /// Whether an organisation of the story is named like a sports club ("... County Cricket
    /// Club", "... FC").
    fn has_club(&self) -> bool {
        self.entities.iter().any(|entity| {
            entity.entity_type == EntityType::Organisation
                && !entity.mentions.is_empty()
                && is_club_name(&entity.name)
        })
    }

    /// In a match report, folds a place or organisation named by the first words of a club of
    /// the story into the club ("Yorkshire" into "Yorkshire County Cricket Club").
    fn merge_short_names_into_clubs(&mut self) {
        for short in 0..self.entities.len() {
            if self.entities[short].entity_type == EntityType::Person
                || self.entities[short].mentions.is_empty()
            {
                continue;
            }
            let target = self.entities.iter().position(|entity| {
                entity.entity_type == EntityType::Organisation
                    && !entity.mentions.is_empty()
                    && is_club_name(&entity.name)
                    && entity
                        .name
                        .strip_prefix(self.entities[short].name.as_str())
                        .is_some_and(|rest| rest.starts_with(' '))
            });
            if let Some(club) = target {
                self.move_all_mentions(short, club);
            }
        }
    }

    /// Folds an unknown person named exactly like an unknown organisation of the story into it
    /// ("Valdeluz Redes" in a headline with no cue, typed by an appositive in the body): people
    /// are the fallback type of bare names, an organisation needed evidence.
    fn merge_people_into_organisations(&mut self) {
        const PERSON_PREFIX: &str = "wiredesk:person:";
        const ORG_PREFIX: &str = "wiredesk:org:";
        for person in 0..self.entities.len() {
            if !self.entities[person].id.starts_with(PERSON_PREFIX)
                || self.entities[person].mentions.is_empty()
            {
                continue;
            }
            let target = self.entities.iter().position(|entity| {
                entity.id.starts_with(ORG_PREFIX)
                    && !entity.mentions.is_empty()
                    && entity
                        .name
                        .eq_ignore_ascii_case(&self.entities[person].name)
            });
            if let Some(organisation) = target {
                self.move_all_mentions(person, organisation);
            }
        }
    }

    fn finish(mut self) -> Vec<Entity> {
        self.merge_name_suffixes();
        self.merge_bare_organisations();
        self.merge_regions_into_namesakes();
        self.merge_peaks_into_mountains();
        self.merge_places_into_clubs();
        self.merge_people_into_organisations();
        let mut entities: Vec<Entity> = self
            .entities
            .into_iter()
            .filter(|entity| !entity.mentions.is_empty())
            .map(|entity| {
                let mut mentions = entity.mentions;
                mentions.sort_by_key(|mention| (field_order(mention.field), mention.start));
                Entity {
                    id: entity.id,
                    entity_type: entity.entity_type,
                    name: entity.name,
                    mentions,
                }
            })
            .collect();
        entities.sort_by(|left, right| {
            let left_key = left
                .mentions
                .first()
                .map(|mention| (field_order(mention.field), mention.start));
            let right_key = right
                .mentions
                .first()
                .map(|mention| (field_order(mention.field), mention.start));
            left_key
                .cmp(&right_key)
                .then_with(|| left.id.cmp(&right.id))
        });
        entities
    }
}

fn field_order(field: Field) -> u8 {
    match field {
        Field::Headline => 0,
        Field::Body => 1,
    }
}

/// Whether the body reads as a match report: at least three words that sports stories use
/// ("innings", "wickets", "goal", "league"). Team names that are also places ("Yorkshire beat
/// Somerset") are only typed organisation in such stories.
fn is_sports_story(body: &FieldData<'_>) -> bool {
    has_cue_words(body, |word| {
        matches!(
            word,
            "wickets"
                | "wicket"
                | "innings"
                | "overs"
                | "goal"
                | "goals"
                | "match"
                | "league"
                | "championship"
                | "season"
                | "squad"
                | "striker"
                | "scored"
                | "fixture"
                | "tries"
                | "try"
                | "final"
                | "semi-final"
                | "quarter-final"
                | "unbeaten"
                | "cup"
                | "half-time"
                | "penalty"
                | "tournament"
                | "bowling"
                | "batting"
                | "midfielder"
                | "defender"
                | "relegation"
                | "promotion"
                | "derby"
                | "kick-off"
                | "scrum"
                | "rugby"
                | "football"
                | "cricket"
                | "hockey"
                | "premiership"
        )
    })
}

/// Whether the body reads as company news: at least three words of results and markets
/// ("profit", "shares", "analysts"). Prominent firms whose names are common words ("Shell",
/// "Visa", "Target") are taken at their word there.
fn is_business_story(body: &FieldData<'_>) -> bool {
    has_cue_words(body, |word| {
        matches!(
            word,
            "shares"
                | "profit"
                | "profits"
                | "revenue"
                | "earnings"
                | "investors"
                | "analysts"
                | "dividend"
                | "buyback"
                | "buybacks"
                | "shareholders"
                | "quarterly"
                | "third-quarter"
                | "second-quarter"
                | "first-quarter"
                | "fourth-quarter"
        )
    })
}

/// Whether at least three lowercase words of `body` are cues.
fn has_cue_words(body: &FieldData<'_>, is_cue: impl Fn(&str) -> bool) -> bool {
    body.tokens
        .iter()
        .filter(|token| token.has(LOWERCASE) && is_cue(&body.text[token.start..token.end]))
        .nth(2)
        .is_some()
}

/// Whether the name `low..high` reads as a team's plural nickname in a team's place: "the
/// Black Caps", "away to Red Arrows", "Power Dynamos, who drew", "Green Buffaloes 2-1". Two
/// or three words, no given name or title first, the last a plural ("Eagles", "Caps").
fn plural_team_name(data: &FieldData<'_>, low: usize, high: usize, lexicon: &Lexicon) -> bool {
    let count = data.tokens.len();
    let last = data.word(high - 1);
    if !(2..=3).contains(&(high - low))
        || last.len() < 4
        || !last.ends_with('s')
        || last.ends_with("ss")
        || data.tokens[high - 1].has(POSSESSIVE)
        || data.class(low, lexicon) & (FIRST_NAME | TITLE) != 0
        || data.class(high - 1, lexicon) & FIRST_NAME != 0
        || !data.tokens[low].has(JOINED)
    {
        return false;
    }
    let before = (low > 0 && data.tokens[low - 1].has(LOWERCASE)).then(|| data.word(low - 1));
    let after_word = |index: usize| {
        (index < count && data.tokens[index].has(LOWERCASE)).then(|| data.word(index))
    };
    // ", who drew 0-0": the clause after a comma.
    let after = match after_word(high) {
        Some("who") => after_word(high + 1),
        other => other,
    };
    matches!(
        before,
        Some(
            "the"
                | "to"
                | "against"
                | "v"
                | "vs"
                | "beat"
                | "beating"
                | "over"
                | "host"
                | "hosts"
                | "hosting"
                | "face"
                | "faces"
                | "facing"
        )
    ) || matches!(
        after,
        Some("drew" | "beat" | "won" | "lost" | "host" | "hosted" | "play" | "played" | "face")
    ) || followed_by_score(data, high)
        // "... the Eagles host Nkana": the story names the team by its plural with "the".
        || (1..count).any(|index| {
            data.word(index) == last
                && data.tokens[index].has(JOINED)
                && data.word(index - 1).eq_ignore_ascii_case("the")
        })
}

/// Whether the one-word name at token `index` stands where a match report puts a team: before
/// or after a result verb ("Essex beat Durham", "lost to Leeds", "drew with Hull"), before a
/// team role or a result noun ("Yorkshire captain", "Somerset's defeat"), or before a score.
fn in_team_position(data: &FieldData<'_>, index: usize) -> bool {
    let count = data.tokens.len();
    let token = data.tokens[index];
    if token.has(POSSESSIVE) {
        return index + 1 < count
            && data.tokens[index + 1].has(LOWERCASE)
            && matches!(
                data.word(index + 1),
                "win"
                    | "victory"
                    | "defeat"
                    | "captain"
                    | "coach"
                    | "manager"
                    | "bowlers"
                    | "batters"
                    | "batsmen"
                    | "openers"
                    | "squad"
                    | "players"
                    | "fans"
                    | "supporters"
                    | "reply"
                    | "innings"
                    | "attack"
                    | "defence"
                    | "goalkeeper"
                    | "striker"
                    | "lead"
                    | "title"
            );
    }
    let after = index + 1 < count
        && !token.has(COMMA_AFTER)
        && data.tokens[index + 1].has(JOINED)
        && data.tokens[index + 1].has(LOWERCASE)
        && matches!(
            data.word(index + 1),
            "beat"
                | "beats"
                | "thrash"
                | "thrashed"
                | "crushed"
                | "defeated"
                | "edged"
                | "hammered"
                | "routed"
                | "drew"
                | "host"
                | "hosts"
                | "hosted"
                | "resumed"
                | "trailed"
                | "overcame"
                | "sink"
                | "sank"
                | "stunned"
                | "captain"
                | "skipper"
                | "coach"
                | "manager"
        );
    // "Durham said in a statement": a team opening a sentence (not "the boy from Ghent said").
    let said = token.has(SENTENCE_START)
        && index + 1 < count
        && data.tokens[index + 1].has(JOINED)
        && matches!(data.word(index + 1), "said" | "confirmed" | "announced");
    let after = after || said;
    if after || followed_by_score(data, index + 1) {
        return true;
    }
    if index == 0 || !token.has(JOINED) || !data.tokens[index - 1].has(LOWERCASE) {
        return false;
    }
    match data.word(index - 1) {
        "beat" | "beats" | "beating" | "thrash" | "thrashed" | "crushed" | "defeated"
        | "defeating" | "edged" | "hammered" | "routed" | "host" | "hosts" | "hosted"
        | "hosting" | "against" | "v" | "vs" | "sink" | "sinks" | "sank" | "stunned" | "play"
        | "plays" | "playing" | "face" | "faces" | "facing" | "leaders" | "champions"
        | "holders" | "visitors" | "rivals" => true,
        "to" | "with" | "over" => {
            index >= 2
                && data.tokens[index - 1].has(JOINED)
                && matches!(
                    data.word(index - 2),
                    "lost" | "losing" | "defeat" | "draw" | "drew" | "victory" | "win" | "loss"
                )
        }
        // "held 0-0 by Motherwell", "beaten by Celtic".
        "by" => {
            index >= 2
                && data.tokens[index - 1].has(JOINED)
                && (matches!(
                    data.word(index - 2),
                    "beaten" | "held" | "defeated" | "thrashed" | "edged" | "stunned"
                ) || is_score(data.word(index - 2)))
        }
        _ => false,
    }
}

/// "the Chernihiv region", "Iloilo province": a region's alias written with a lowercase generic
/// word is mentioned without it, as a place name is everywhere else.
fn without_generic_suffix(text: &str, hit: RawHit) -> RawHit {
    let surface = &text[hit.start..hit.end];
    match surface.rsplit_once(' ') {
        Some((name, suffix))
            if !name.is_empty()
                && (is_generic_region_word(suffix) || is_generic_group_word(suffix)) =>
        {
            RawHit {
                end: hit.start + name.len(),
                ..hit
            }
        }
        _ => hit,
    }
}

/// The lowercase word that names a kind of region after its name ("the Donetsk region").
fn is_generic_region_word(word: &str) -> bool {
    matches!(
        word,
        "region" | "province" | "district" | "oblast" | "prefecture" | "governorate"
    )
}

/// Lowercase words naming a kind of armed group after a listed group's name ("the Fano
/// militia", "M23 rebels"): generic words, not part of the mention.
fn is_generic_group_word(word: &str) -> bool {
    matches!(word, "militia" | "rebels")
}

/// Whether an organisation's name ends like a sports club's ("Somerset County Cricket Club",
/// "Ashcombe Town FC").
fn is_club_name(name: &str) -> bool {
    name.rsplit(' ')
        .next()
        .is_some_and(|last| matches!(last, "Club" | "FC" | "AFC" | "RFC" | "CCC" | "RUFC"))
}

/// Whether the name starting at token `low` follows "on", "at", "from", "through" or "on/at the":
/// where a venue or a place stands ("on Campo Centrale", "at the Foro Italico"). Names with a
/// firm's head word ("at Acme Foods") or an object cue ("analysts at") are typed before.
fn locative_before(data: &FieldData<'_>, low: usize) -> bool {
    if low == 0 || !data.tokens[low].has(JOINED) || !data.tokens[low - 1].has(LOWERCASE) {
        return false;
    }
    match data.word(low - 1) {
        "on" => true,
        // "at Kaloma Ridge", "drove from Pine Hollow", "diverted through Wexcombe": a name with no
        // given name here is a place ("analysts at", "shares in" are typed before).
        "at" | "from" | "through" | "along" => !data.tokens[low].has(POSSESSIVE),
        "the" => {
            low >= 2
                && data.tokens[low - 1].has(JOINED)
                && matches!(data.word(low - 2), "on" | "at" | "along")
        }
        _ => false,
    }
}

/// Whether a lowercase noun naming a kind of place follows the name ending before token
/// `high` ("the Crib Goch ridge", "the Saltwell Green estate").
fn place_noun_after(data: &FieldData<'_>, high: usize) -> bool {
    high < data.tokens.len()
        && data.tokens[high].has(JOINED)
        && data.tokens[high].has(LOWERCASE)
        && matches!(
            data.word(high),
            "ridge"
                | "summit"
                | "estate"
                | "route"
                | "trail"
                | "massif"
                | "glacier"
                | "peninsula"
                | "neighbourhood"
                | "neighborhood"
                | "suburb"
                | "township"
                | "settlement"
                | "river"
                | "riverbed"
                | "valley"
                | "basin"
                | "catchment"
                | "delta"
                | "gorge"
                | "stretch"
                | "volcano"
                | "crater"
                | "lagoon"
                | "wetlands"
        )
}

#[cfg(test)]
mod tests {
    use super::{
        LEGAL_FORMS_AFTER_NAME, NameKey, is_company_suffix, legal_form_after_name_end, name_key,
    };

    #[test]
    fn org_id_suffixes_are_sorted_for_binary_search() {
        assert!(super::ORG_ID_SUFFIXES.is_sorted());
    }

    #[test]
    fn every_legal_form_after_a_name_is_found() {
        for form in LEGAL_FORMS_AFTER_NAME {
            let text = format!("Acme {form}, said");
            assert_eq!(
                legal_form_after_name_end(&text, 4),
                Some(5 + form.len()),
                "{form}"
            );
        }
        assert_eq!(legal_form_after_name_end("Acme said", 4), None);
        for (word, suffix) in [
            ("Ltd.", true),
            ("LTD", true),
            ("Inc", true),
            ("OÜ", true),
            ("Incorporated", true),
            ("Holdings", true),
            ("Partners", false),
            ("Incorporatedness", false),
        ] {
            assert_eq!(is_company_suffix(word), suffix, "{word}");
        }
    }

    /// The folding `name_key` documents, one byte at a time (the reference for its fast path).
    fn reference(text: &str) -> u64 {
        let mut key = NameKey::default();
        let mut pending_space = false;
        for character in text.chars() {
            if character.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space {
                key.push(b' ');
                pending_space = false;
            }
            let folded = if character == '\u{2019}' {
                '\''
            } else {
                character.to_lowercase().next().unwrap_or(character)
            };
            let mut buffer = [0u8; 4];
            for &byte in folded.encode_utf8(&mut buffer).as_bytes() {
                key.push(byte);
            }
        }
        key.finish()
    }

    #[test]
    fn the_fast_path_folds_like_the_reference() {
        for text in [
            "",
            "A",
            "Kim",
            "Kim Jong Un",
            "Mindanao Air Cargo",
            "Mindanao Air Cargo Inc.",
            "Federation of Nepal Gold and Silver Dealers' Association",
            "ABCDEFGH",
            "abcdefghi",
            "Kim  Jong\tUn ",
            " Kim",
            "St. Aldric's Hospice [Z@`{]",
        ] {
            assert_eq!(name_key(text), reference(text), "{text:?}");
        }
        assert_eq!(name_key("KIM JONG UN"), name_key("kim jong un"));
        assert_eq!(name_key("Kim  Jong Un"), name_key("Kim Jong Un"));
        assert_ne!(name_key("Kim Jong"), name_key("Kim Jong Un"));
    }
}
