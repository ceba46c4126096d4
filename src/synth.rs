//! Deterministic (seeded) generator of wire-like English stories for benchmarks and evaluation:
//! 2-3 KB bodies of one-to-two-sentence paragraphs, headlines, datelines, capitalised names of
//! people, organisations and places, figures, quotes, and a Zipfian vocabulary. Re-sends can be
//! mixed in with [`stories_with_resends`].

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One generated story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthStory {
    pub uri: String,
    pub headline: String,
    pub body: String,
    pub event_time_ms: i64,
}

/// 2024-03-01T00:00:00Z, the first event time.
pub const START_MS: i64 = 1_709_251_200_000;

const COMMON: &[&str] = &[
    "the",
    "of",
    "to",
    "and",
    "a",
    "in",
    "said",
    "on",
    "for",
    "that",
    "is",
    "with",
    "was",
    "by",
    "it",
    "as",
    "at",
    "from",
    "its",
    "be",
    "has",
    "have",
    "will",
    "an",
    "are",
    "were",
    "would",
    "not",
    "but",
    "this",
    "after",
    "which",
    "had",
    "their",
    "they",
    "been",
    "more",
    "also",
    "year",
    "percent",
    "new",
    "than",
    "who",
    "government",
    "over",
    "last",
    "about",
    "up",
    "two",
    "told",
    "could",
    "people",
    "minister",
    "since",
    "into",
    "first",
    "officials",
    "market",
    "some",
    "country",
    "state",
    "other",
    "week",
    "million",
    "billion",
    "police",
    "company",
    "years",
    "prices",
    "president",
    "between",
    "while",
    "against",
    "under",
    "there",
    "all",
    "most",
    "when",
    "talks",
    "economy",
    "expected",
    "because",
    "called",
    "security",
    "before",
    "three",
    "agency",
    "statement",
    "no",
    "plan",
    "one",
    "he",
    "she",
    "we",
    "added",
    "his",
    "her",
    "month",
    "deal",
    "shares",
    "rate",
    "growth",
    "election",
    "party",
    "public",
    "spokesman",
    "foreign",
    "military",
    "report",
    "analysts",
    "investors",
    "officials",
    "rose",
    "fell",
    "record",
    "higher",
    "lower",
    "during",
    "including",
    "according",
    "national",
    "international",
    "talks",
    "forces",
    "court",
    "law",
    "bank",
    "central",
    "interest",
    "rates",
    "inflation",
    "trade",
    "oil",
    "energy",
    "budget",
    "support",
    "workers",
    "union",
    "strike",
    "city",
    "region",
    "border",
    "crisis",
    "attack",
    "killed",
    "injured",
    "emergency",
    "services",
    "health",
    "hospital",
    "ministry",
    "parliament",
    "vote",
    "opposition",
    "leader",
    "prime",
    "talks",
    "agreement",
    "sanctions",
    "exports",
    "imports",
    "quarter",
    "profit",
    "revenue",
    "sales",
    "demand",
    "supply",
    "investment",
    "data",
    "showed",
    "figures",
    "increase",
    "decline",
    "fall",
    "rise",
    "cut",
    "raise",
    "forecast",
    "outlook",
    "risk",
    "pressure",
    "concerns",
    "uncertainty",
    "recovery",
    "production",
    "plant",
    "project",
    "contract",
    "board",
    "chief",
    "executive",
    "director",
    "committee",
    "council",
    "members",
    "meeting",
    "summit",
    "visit",
    "decision",
    "policy",
    "measures",
    "reform",
    "tax",
    "debt",
    "bonds",
    "currency",
    "dollar",
    "euro",
    "stocks",
    "index",
    "trading",
    "session",
    "early",
    "late",
    "later",
    "earlier",
    "further",
    "still",
    "already",
    "only",
    "even",
    "however",
    "despite",
    "amid",
    "following",
    "ahead",
    "across",
    "around",
    "nearly",
    "almost",
    "about",
    "several",
    "many",
    "few",
    "major",
    "key",
    "main",
    "large",
    "small",
    "long",
    "short",
    "high",
    "low",
    "strong",
    "weak",
    "local",
    "regional",
    "global",
    "domestic",
    "economic",
    "political",
    "financial",
    "legal",
    "senior",
    "former",
    "current",
    "recent",
    "previous",
    "next",
    "final",
];

const TAIL_SYLLABLES: &[&str] = &[
    "ba", "con", "de", "fer", "gal", "hin", "ist", "jor", "ka", "lum", "men", "nor", "ol", "pra",
    "qui", "ros", "sta", "tur", "un", "ver", "wal", "xen", "yor", "zen", "ment", "tion", "ness",
    "ing", "ed", "al", "ous", "ive", "ary", "ure",
];

const FIRST_NAMES: &[&str] = &[
    "Maria", "James", "Ana", "David", "Fatima", "Wei", "Olga", "Pedro", "Amina", "John", "Sofia",
    "Ahmed", "Elena", "Kenji", "Laura", "Mehmet", "Priya", "Carlos", "Ingrid", "Tomasz", "Nadia",
    "Samuel", "Chen", "Lucia", "Viktor", "Aisha", "Marco", "Hannah", "Yusuf", "Clara", "Rafael",
    "Sara", "Daniel", "Leila", "Pierre", "Anja", "Kwame", "Mei", "Oscar", "Zainab",
];

const LAST_NAMES: &[&str] = &[
    "Silva",
    "Okafor",
    "Novak",
    "Tanaka",
    "Haddad",
    "Fischer",
    "Moreau",
    "Kowalski",
    "Mensah",
    "Petrov",
    "Garcia",
    "Lindqvist",
    "Rossi",
    "Nakamura",
    "Ibrahim",
    "Kaplan",
    "Dubois",
    "Santos",
    "Andersen",
    "Yilmaz",
    "Costa",
    "Schmidt",
    "Varga",
    "Osei",
    "Romero",
    "Ivanova",
    "Bakker",
    "Hughes",
    "Mwangi",
    "Sato",
    "Ferreira",
    "Kovacs",
    "Larsen",
    "Duarte",
    "Abadi",
    "Weber",
    "Popescu",
    "Navarro",
    "Keller",
    "Olsen",
];

const ORG_STEMS: &[&str] = &[
    "Norvala",
    "Brightline",
    "Castellan",
    "Meridian",
    "Aurelia",
    "Kestrel",
    "Halvorsen",
    "Vantage",
    "Solenne",
    "Tideway",
    "Corvus",
    "Pellion",
    "Ardent",
    "Lumio",
    "Stratos",
    "Oakridge",
    "Quillon",
    "Redfern",
    "Sabretek",
    "Veltra",
];

const ORG_SUFFIXES: &[&str] = &[
    "Corp",
    "Group",
    "Holdings",
    "Bank",
    "Energy",
    "Motors",
    "Telecom",
    "Airlines",
    "Pharma",
    "Ministry of Finance",
    "Workers Union",
    "Foundation",
    "Institute",
    "Party",
];

const PLACES: &[&str] = &[
    "Lisbon", "Nairobi", "Jakarta", "Warsaw", "Lima", "Manila", "Oslo", "Accra", "Hanoi", "Quito",
    "Tbilisi", "Dakar", "Porto", "Valencia", "Gdansk", "Mombasa", "Cebu", "Bergen", "Kumasi",
    "Tartu", "Geneva", "Brussels", "Istanbul", "Seoul", "Santiago", "Cairo", "Karachi", "Toronto",
    "Sydney", "Madrid",
];

const ROLES: &[&str] = &[
    "a spokesman for",
    "the chief executive of",
    "an analyst at",
    "a senior official at",
    "the head of",
    "a spokeswoman for",
    "an economist at",
    "the chairman of",
];

const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const VERBS: &[&str] = &[
    "rose",
    "fell",
    "jumped",
    "slipped",
    "climbed",
    "dropped",
    "gained",
    "lost",
    "reached",
    "posted",
    "reported",
    "approved",
    "rejected",
    "announced",
    "expanded",
    "cut",
];

const AGENCY: &str = "Meridian Wire";

/// Zipfian vocabulary: common words first, generated rarer words after.
pub struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// `size` types with Zipf exponent 1.0 (deterministic).
    pub fn new(size: usize) -> Self {
        let mut words: Vec<String> = Vec::with_capacity(size);
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for w in COMMON {
            if seen.insert((*w).to_string()) {
                words.push((*w).to_string());
            }
        }
        let mut rng = StdRng::seed_from_u64(0x05EE_D0FB_0CAB);
        while words.len() < size {
            let n = rng.random_range(2..=4);
            let w: String = (0..n)
                .map(|_| TAIL_SYLLABLES[rng.random_range(0..TAIL_SYLLABLES.len())])
                .collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut cumulative = Vec::with_capacity(words.len());
        let mut acc = 0.0;
        for rank in 0..words.len() {
            acc += 1.0 / (rank as f64 + 2.7);
            cumulative.push(acc);
        }
        Self { words, cumulative }
    }

    /// One word drawn by Zipf's law.
    pub fn sample<'a>(&'a self, rng: &mut impl Rng) -> &'a str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        self.words.get(i).map_or("the", String::as_str)
    }
}

fn pick<'a>(rng: &mut impl Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// A person's full name.
pub fn person(rng: &mut impl Rng) -> String {
    format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES))
}

/// An organisation name.
pub fn organisation(rng: &mut impl Rng) -> String {
    format!("{} {}", pick(rng, ORG_STEMS), pick(rng, ORG_SUFFIXES))
}

/// A place name.
pub fn place(rng: &mut impl Rng) -> String {
    pick(rng, PLACES).to_string()
}

/// A day name.
pub fn day(rng: &mut impl Rng) -> &'static str {
    pick(rng, DAYS)
}

/// A figure as written in copy: "3.4 percent", "$1.2 billion", "1,250", "17".
pub fn figure(rng: &mut impl Rng) -> String {
    match rng.random_range(0..5) {
        0 => format!(
            "{}.{} percent",
            rng.random_range(0..40),
            rng.random_range(0..10)
        ),
        1 => format!(
            "${}.{} billion",
            rng.random_range(1..90),
            rng.random_range(0..10)
        ),
        2 => format!(
            "{},{:03}",
            rng.random_range(1..99),
            rng.random_range(0..1000)
        ),
        3 => format!("{} million", rng.random_range(2..900)),
        _ => format!("{}", rng.random_range(2..400)),
    }
}

/// The cast of one story.
struct Cast {
    people: Vec<String>,
    orgs: Vec<String>,
    places: Vec<String>,
}

fn clause(rng: &mut impl Rng, vocab: &Vocabulary, cast: &Cast, min: usize, max: usize) -> String {
    let n = rng.random_range(min..=max);
    let mut words: Vec<String> = Vec::with_capacity(n + 4);
    for _ in 0..n {
        match rng.random_range(0..30) {
            0 => words.push(figure(rng)),
            1 => words.push(cast.orgs[rng.random_range(0..cast.orgs.len())].clone()),
            2 => words.push(format!(
                "in {}",
                cast.places[rng.random_range(0..cast.places.len())]
            )),
            _ => words.push(vocab.sample(rng).to_string()),
        }
    }
    words.join(" ")
}

fn sentence(rng: &mut impl Rng, vocab: &Vocabulary, cast: &Cast) -> String {
    let who = &cast.people[rng.random_range(0..cast.people.len())];
    let org = &cast.orgs[rng.random_range(0..cast.orgs.len())];
    let c = clause(rng, vocab, cast, 7, 16);
    match rng.random_range(0..6) {
        0 => format!("{who} said on {} that {c}.", day(rng)),
        1 => format!(
            "\"{}{},\" said {who}, {} {org}.",
            c[..1].to_uppercase(),
            &c[1..],
            pick(rng, ROLES)
        ),
        2 => format!(
            "{org} {} {} in the {} quarter, {c}.",
            pick(rng, VERBS),
            figure(rng),
            pick(rng, &["first", "second", "third", "fourth"])
        ),
        3 => format!(
            "In {}, {c}, according to {org}.",
            cast.places[rng.random_range(0..cast.places.len())]
        ),
        _ => {
            let mut s = format!("{}{}", c[..1].to_uppercase(), &c[1..]);
            s.push('.');
            s
        }
    }
}

fn story(
    rng: &mut impl Rng,
    vocab: &Vocabulary,
    index: usize,
    seed: u64,
    time_ms: i64,
) -> SynthStory {
    let cast = Cast {
        people: (0..rng.random_range(2..5)).map(|_| person(rng)).collect(),
        orgs: (0..rng.random_range(1..4))
            .map(|_| organisation(rng))
            .collect(),
        places: (0..rng.random_range(1..3)).map(|_| place(rng)).collect(),
    };
    let headline = format!(
        "{} {} {} {}",
        cast.orgs[0],
        pick(rng, VERBS),
        clause(rng, vocab, &cast, 3, 6),
        figure(rng)
    );
    let target = rng.random_range(2000..3000);
    let mut body = String::with_capacity(target + 300);
    if rng.random_bool(0.6) {
        let month = MONTHS[((time_ms / 86_400_000 / 30) % 12) as usize];
        body.push_str(&format!(
            "{}, {} {} ({AGENCY}) - ",
            cast.places[0].to_uppercase(),
            month,
            rng.random_range(1..29)
        ));
    }
    while body.len() < target {
        body.push_str(&sentence(rng, vocab, &cast));
        if rng.random_bool(0.35) {
            body.push(' ');
            body.push_str(&sentence(rng, vocab, &cast));
        }
        body.push('\n');
    }
    body.truncate(body.trim_end().len());
    SynthStory {
        uri: format!("urn:wiredesk:synth:{seed}:{index}"),
        headline,
        body,
        event_time_ms: time_ms,
    }
}

/// `n` distinct stories from `seed`, event times 1-60 s apart starting at [`START_MS`].
pub fn stories(seed: u64, n: usize) -> impl Iterator<Item = SynthStory> {
    let mut rng = StdRng::seed_from_u64(seed);
    let vocab = Vocabulary::new(20_000);
    let mut time = START_MS;
    (0..n).map(move |i| {
        time += rng.random_range(1_000..60_000);
        story(&mut rng, &vocab, i, seed, time)
    })
}

/// Like [`stories`] but each item is, with probability `resend_rate`, a re-send (update,
/// correction, footer, cut or added paragraphs: see [`crate::dedup::eval::light_resend`]) of one
/// of the last 200 stories; re-sends get uris ending in `#resend-<n>`. Returns the story and, for
/// a re-send, the uri of the story it repeats.
pub fn stories_with_resends(
    seed: u64,
    n: usize,
    resend_rate: f64,
) -> impl Iterator<Item = (SynthStory, Option<String>)> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xABCD_EF01);
    let mut base = stories(seed, usize::MAX);
    let mut recent: std::collections::VecDeque<SynthStory> = std::collections::VecDeque::new();
    let mut time = START_MS;
    (0..n).filter_map(move |i| {
        time += rng.random_range(1_000..60_000);
        if !recent.is_empty() && rng.random_bool(resend_rate.clamp(0.0, 1.0)) {
            let orig = &recent[rng.random_range(0..recent.len())];
            let (headline, body) =
                crate::dedup::eval::light_resend(&orig.headline, &orig.body, &mut rng);
            let s = SynthStory {
                uri: format!("{}#resend-{i}", orig.uri),
                headline,
                body,
                event_time_ms: time,
            };
            return Some((s, Some(orig.uri.clone())));
        }
        let mut s = base.next()?;
        s.event_time_ms = time;
        recent.push_back(s.clone());
        if recent.len() > 200 {
            recent.pop_front();
        }
        Some((s, None))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let a: Vec<_> = stories(7, 20).collect();
        let b: Vec<_> = stories(7, 20).collect();
        assert_eq!(a, b);
        for s in &a {
            assert!((1900..3400).contains(&s.body.len()), "{}", s.body.len());
            assert!(s.body.lines().count() >= 6);
            assert!(s.body.chars().any(|c| c.is_ascii_digit()));
        }
        let c: Vec<_> = stories(8, 20).collect();
        assert_ne!(a[0].body, c[0].body);
        assert!(
            a.windows(2)
                .all(|w| w[0].event_time_ms < w[1].event_time_ms)
        );
    }

    #[test]
    fn resends_point_at_earlier_stories() {
        let items: Vec<_> = stories_with_resends(3, 300, 0.3).collect();
        let resends = items.iter().filter(|(_, o)| o.is_some()).count();
        assert!(resends > 40 && resends < 150, "{resends}");
        for (i, (s, orig)) in items.iter().enumerate() {
            if let Some(o) = orig {
                assert!(items[..i].iter().any(|(e, _)| &e.uri == o));
                assert!(s.uri.starts_with(o.as_str()));
            }
        }
    }
}
