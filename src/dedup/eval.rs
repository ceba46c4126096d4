//! Evaluation: turns base stories into every kind of re-send and look-alike (see [`CaseKind`]),
//! runs them through a [`DedupIndex`] and scores the `duplicate` verdicts by kind.
//!
//! Protocol: bases are shuffled; a third become donors (text borrowed for added paragraphs, new
//! leads, other halves) and are never indexed themselves; each remaining base makes one case.
//! All cases' `first` stories are indexed, then each `second` is looked up. A verdict "duplicate
//! of first" is a true positive for duplicate kinds and a false positive for look-alike kinds; a
//! match to any other indexed story is a stray (wrong) match and counts as a false positive.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::normalize::normalize_story;
use super::shingle::for_each_shingle;
use super::{DedupConfig, DedupIndex};
use crate::synth;

/// A story given to the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseStory {
    pub uri: String,
    pub headline: String,
    pub body: String,
}

/// Every kind of second version the generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseKind {
    /// "UPDATE n-" with a paragraph or two added and a figure moved.
    Update,
    /// "CORRECTED-" with one figure changed and a correction note.
    CorrectedFigure,
    /// A byline and dateline added.
    DatelineByline,
    /// Credits and a copyright footer appended.
    Footer,
    /// A sentence or two reworded.
    Reworded,
    /// Last paragraphs cut.
    CutEnd,
    /// Paragraphs added at the end.
    AddedEnd,
    /// Write-through: new paragraphs on top, the earlier text kept below.
    WriteThrough,
    /// A one-line URGENT snap (indexed first) followed by the full story.
    Snap,
    /// A brief cut from a long story.
    Brief,
    /// A long version grown from a first take (indexed first).
    FirstTake,
    /// Paragraphs reordered under a rewritten lead.
    Reordered,
    /// Look-alike: same template (results, weather, markets, earnings), other names and figures.
    Template,
    /// Look-alike: two stories ending with the same agency backgrounder.
    SharedBackgrounder,
    /// Look-alike: the first paragraph kept and the rest another story.
    LeadKept,
    /// Two unrelated stories.
    Unrelated,
}

/// Groups of kinds that the targets are stated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Resend,
    HardDuplicate,
    HardLookAlike,
    Unrelated,
}

impl CaseKind {
    pub const ALL: [CaseKind; 16] = [
        CaseKind::Update,
        CaseKind::CorrectedFigure,
        CaseKind::DatelineByline,
        CaseKind::Footer,
        CaseKind::Reworded,
        CaseKind::CutEnd,
        CaseKind::AddedEnd,
        CaseKind::WriteThrough,
        CaseKind::Snap,
        CaseKind::Brief,
        CaseKind::FirstTake,
        CaseKind::Reordered,
        CaseKind::Template,
        CaseKind::SharedBackgrounder,
        CaseKind::LeadKept,
        CaseKind::Unrelated,
    ];

    pub fn group(self) -> Group {
        use CaseKind::*;
        match self {
            Update | CorrectedFigure | DatelineByline | Footer | Reworded | CutEnd | AddedEnd => {
                Group::Resend
            }
            WriteThrough | Snap | Brief | FirstTake | Reordered => Group::HardDuplicate,
            Template | SharedBackgrounder | LeadKept => Group::HardLookAlike,
            Unrelated => Group::Unrelated,
        }
    }

    /// Whether the second story should be flagged a duplicate of the first.
    pub fn is_duplicate(self) -> bool {
        matches!(self.group(), Group::Resend | Group::HardDuplicate)
    }
}

/// A story of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryText {
    pub uri: String,
    pub headline: String,
    pub body: String,
}

/// One evaluation case: `first` is indexed, `second` is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalCase {
    pub kind: CaseKind,
    pub first: StoryText,
    pub second: StoryText,
}

fn paragraphs(body: &str) -> Vec<String> {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn join(paras: &[String]) -> String {
    paras.join("\n")
}

fn take_n<T: Clone>(v: &[T], n: usize) -> Vec<T> {
    v[..n.min(v.len())].to_vec()
}

/// Changes one figure of `text` (the `which`-th number found), or returns None without numbers.
fn change_figure(text: &str, rng: &mut impl Rng) -> Option<String> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b',')
            {
                i += 1;
            }
            let mut end = i;
            while end > start && !bytes[end - 1].is_ascii_digit() {
                end -= 1;
            }
            spans.push((start, end));
        } else {
            i += 1;
        }
    }
    if spans.is_empty() {
        return None;
    }
    let (s, e) = spans[rng.random_range(0..spans.len())];
    let replacement = format!("{}.{}", rng.random_range(1..99), rng.random_range(1..9));
    Some(format!("{}{}{}", &text[..s], replacement, &text[e..]))
}

const SYNONYMS: &[(&str, &str)] = &[
    ("said", "told reporters"),
    ("rose", "climbed"),
    ("fell", "dropped"),
    ("expected", "forecast"),
    ("government", "administration"),
    ("about", "around"),
    ("more than", "over"),
    ("because", "as"),
    ("also", "additionally"),
    ("people", "residents"),
    ("percent", "pct"),
    ("officials", "authorities"),
    ("will", "would"),
    ("after", "following"),
    ("including", "among them"),
];

/// Rewords one sentence: synonyms where possible, else a few words replaced and a clause moved.
fn reword(sentence: &str, rng: &mut impl Rng, vocab: &synth::Vocabulary) -> String {
    let mut out = sentence.to_string();
    let mut changed = 0;
    for (a, b) in SYNONYMS {
        let pat = format!(" {a} ");
        if out.contains(&pat) && rng.random_bool(0.7) {
            out = out.replacen(&pat, &format!(" {b} "), 1);
            changed += 1;
        }
    }
    let mut words: Vec<String> = out.split(' ').map(str::to_string).collect();
    let n = words.len();
    let target = (n / 6).max(2).saturating_sub(changed);
    for _ in 0..target {
        if n < 4 {
            break;
        }
        let i = rng.random_range(1..n - 1);
        if words[i].chars().all(|c| c.is_ascii_lowercase()) {
            words[i] = vocab.sample(rng).to_string();
        }
    }
    words.join(" ")
}

fn reword_paragraph(p: &str, rng: &mut impl Rng, vocab: &synth::Vocabulary) -> String {
    let sentences: Vec<&str> = p.split_inclusive(". ").collect();
    let i = rng.random_range(0..sentences.len().max(1));
    sentences
        .iter()
        .enumerate()
        .map(|(j, s)| {
            if j == i {
                reword(s, rng, vocab)
            } else {
                (*s).to_string()
            }
        })
        .collect::<Vec<_>>()
        .concat()
}

fn dateline(rng: &mut impl Rng) -> String {
    let place = synth::place(rng).to_uppercase();
    match rng.random_range(0..3) {
        0 => format!("{place} (Meridian Wire) - "),
        1 => format!(
            "{place}, March {} (Meridian Wire) - ",
            rng.random_range(1..29)
        ),
        _ => format!("{place} (Reuters) - "),
    }
}

fn footer(rng: &mut impl Rng) -> Vec<String> {
    let mut v = vec![format!(
        "(Reporting by {} in {}; Editing by {})",
        synth::person(rng),
        synth::place(rng),
        synth::person(rng)
    )];
    if rng.random_bool(0.6) {
        v.push("© 2024 Meridian Wire. All rights reserved.".to_string());
    }
    v
}

/// A light re-send of a story, as a desk sends all day: update flag with a figure moved, a
/// correction, dateline/byline, footer, a reworded sentence, or the last paragraphs cut.
pub fn light_resend(headline: &str, body: &str, rng: &mut impl Rng) -> (String, String) {
    static VOCAB: std::sync::OnceLock<synth::Vocabulary> = std::sync::OnceLock::new();
    let vocab = VOCAB.get_or_init(|| synth::Vocabulary::new(2000));
    let mut paras = paragraphs(body);
    let mut h = headline.to_string();
    match rng.random_range(0..6) {
        0 => {
            h = format!("UPDATE {}-{h}", rng.random_range(1..4));
            let i = rng
                .random_range(0..paras.len().max(1))
                .min(paras.len().saturating_sub(1));
            if let Some(p) = paras.get(i).and_then(|p| change_figure(p, rng)) {
                paras[i] = p;
            }
        }
        1 => {
            h = format!("CORRECTED-{h}");
            let i = rng
                .random_range(0..paras.len().max(1))
                .min(paras.len().saturating_sub(1));
            if let Some(p) = paras.get(i).and_then(|p| change_figure(p, rng)) {
                paras[i] = p;
            }
            paras.insert(0, format!("(Corrects figure in paragraph {})", i + 1));
        }
        2 => {
            if let Some(p) = paras.first_mut() {
                *p = format!("{}{}", dateline(rng), p);
            }
            paras.insert(0, format!("By {}", synth::person(rng)));
        }
        3 => paras.extend(footer(rng)),
        4 => {
            let i = rng
                .random_range(0..paras.len().max(1))
                .min(paras.len().saturating_sub(1));
            if let Some(p) = paras.get(i).map(|p| reword_paragraph(p, rng, vocab)) {
                paras[i] = p;
            }
        }
        _ => {
            let keep = (paras.len() * rng.random_range(60..85) / 100).max(2);
            paras.truncate(keep);
        }
    }
    (h, join(&paras))
}

/// Template families: look-alike stories that differ only in names and figures.
const TEMPLATES: &[&[&str]] = &[
    &[
        "{ORG} reported a {Q} quarter net profit of {MONEY}, compared with {MONEY} a year earlier, the company said on {DAY}.",
        "Revenue rose {PCT} to {MONEY}, beating the average analyst estimate of {MONEY}, according to data compiled by {ORG2}.",
        "Earnings per share came in at {SMALL}, against expectations of {SMALL}.",
        "\"We delivered a solid performance in a challenging market,\" chief executive {PERSON} said in a statement.",
        "The company kept its full-year outlook unchanged and expects revenue of between {MONEY} and {MONEY}.",
        "Operating margin narrowed to {PCT} from {PCT}, hit by higher costs for energy and materials.",
        "{ORG} shares were up {PCT} in early trading in {PLACE}, while the wider market index was down {PCT}.",
        "The group said it would pay a dividend of {SMALL} per share and buy back shares worth up to {MONEY}.",
        "Net debt stood at {MONEY} at the end of the quarter, the company said.",
        "{ORG} employs about {INT} people and operates in {SMALL} countries.",
    ],
    &[
        "Temperatures in {PLACE} are expected to reach {SMALL} degrees Celsius on {DAY}, the national weather service said.",
        "Forecasters predicted a {PCT} chance of rain in the afternoon, with winds of up to {SMALL} kilometres per hour.",
        "The weather service issued a yellow warning for {PLACE} and the surrounding region until {DAY}.",
        "Overnight lows will fall to {SMALL} degrees, below the seasonal average of {SMALL} degrees.",
        "\"Residents should take care on the roads in the morning,\" said {PERSON}, a forecaster at the service.",
        "Rainfall of up to {SMALL} millimetres is expected in the hills, with {SMALL} millimetres in the city.",
        "Humidity will stay around {PCT} for most of the week.",
        "The weather service said conditions would improve from {DAY}, with highs of {SMALL} degrees.",
    ],
    &[
        "The {INDEX} index closed {UPDOWN} {PCT} at {INT} points on {DAY}, as investors weighed the outlook for interest rates.",
        "Shares of {ORG} led the gainers, rising {PCT}, while {ORG2} was the biggest loser, down {PCT}.",
        "Trading volume was {INT} million shares, compared with a daily average of {INT} million over the past month.",
        "The dollar traded at {SMALL} against the euro, and the yield on the benchmark ten-year bond was {SMALL} percent.",
        "\"The market is waiting for a clear signal from the central bank,\" said {PERSON}, a strategist at {ORG2}.",
        "Oil prices rose {PCT} to {SMALL} dollars a barrel, supporting energy stocks.",
        "Of the index members, {SMALL} advanced and {SMALL} declined.",
        "The index has {UPDOWN2} {PCT} since the start of the year.",
    ],
    &[
        "{ORG} beat {ORG2} {SMALL}-{SMALL} on {DAY} to move to {SMALL} points at the top of the league table.",
        "{PERSON} scored twice in the first half and {PERSON2} added a third after the break in front of {INT} fans in {PLACE}.",
        "The visitors pulled one back through {PERSON3} in the {SMALL}th minute but could not find an equaliser.",
        "\"We showed great character today,\" coach {PERSON} said after the match.",
        "{ORG2} remain {SMALL} points behind with {SMALL} games left to play.",
        "The two teams meet again in the cup semi-final on {DAY}.",
        "{ORG} have now won {SMALL} of their last {SMALL} league matches.",
    ],
];

const INDEXES: &[&str] = &[
    "Norvala 50",
    "Meridian All-Share",
    "Castellan 100",
    "Tideway Composite",
];

fn fill_template(lines: &[&str], rng: &mut impl Rng, fixed_org: Option<&str>) -> (String, String) {
    let org = fixed_org.map_or_else(|| synth::organisation(rng), str::to_string);
    let org2 = synth::organisation(rng);
    let person = synth::person(rng);
    let person2 = synth::person(rng);
    let person3 = synth::person(rng);
    let place = synth::place(rng);
    let day = synth::day(rng);
    let index = INDEXES[rng.random_range(0..INDEXES.len())];
    let quarter = ["first", "second", "third", "fourth"][rng.random_range(0..4)];
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut s = String::with_capacity(line.len() + 40);
        let mut rest = *line;
        while let Some(start) = rest.find('{') {
            s.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let slot = &rest[start + 1..start + end];
            let value = match slot {
                "ORG" => org.clone(),
                "ORG2" => org2.clone(),
                "PERSON" => person.clone(),
                "PERSON2" => person2.clone(),
                "PERSON3" => person3.clone(),
                "PLACE" => place.clone(),
                "DAY" => day.to_string(),
                "INDEX" => index.to_string(),
                "Q" => quarter.to_string(),
                "UPDOWN" => ["up", "down"][rng.random_range(0..2)].to_string(),
                "UPDOWN2" => ["gained", "lost"][rng.random_range(0..2)].to_string(),
                "PCT" => format!(
                    "{}.{} percent",
                    rng.random_range(0..30),
                    rng.random_range(0..10)
                ),
                "MONEY" => format!(
                    "${}.{} {}",
                    rng.random_range(1..900),
                    rng.random_range(0..10),
                    ["million", "billion"][rng.random_range(0..2)]
                ),
                "SMALL" => format!("{}", rng.random_range(1..60)),
                "INT" => format!(
                    "{},{:03}",
                    rng.random_range(1..99),
                    rng.random_range(0..1000)
                ),
                _ => String::new(),
            };
            s.push_str(&value);
            rest = &rest[start + end + 1..];
        }
        s.push_str(rest);
        out.push(s);
    }
    let headline = match out.first() {
        Some(first) => first.split(',').next().unwrap_or(first).to_string(),
        None => String::new(),
    };
    let headline: String = headline.split(' ').take(10).collect::<Vec<_>>().join(" ");
    (headline, out.join("\n"))
}

fn backgrounder(index: usize) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(0xB6_0000 + index as u64);
    let vocab = synth::Vocabulary::new(5000);
    let org = synth::organisation(&mut rng);
    let place = synth::place(&mut rng);
    (0..rng.random_range(3..5))
        .map(|i| {
            let words: Vec<&str> = (0..rng.random_range(18..32))
                .map(|_| vocab.sample(&mut rng))
                .collect();
            match i {
                0 => format!(
                    "{org} has been at the centre of the dispute in {place} since {}, when {}.",
                    rng.random_range(1990..2020),
                    words.join(" ")
                ),
                _ => {
                    let mut s = words.join(" ");
                    s.push('.');
                    let mut c = s.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                }
            }
        })
        .collect()
}

fn text(uri: String, headline: String, body: String) -> StoryText {
    StoryText {
        uri,
        headline,
        body,
    }
}

fn with_furniture(headline: &str, paras: &[String], rng: &mut impl Rng) -> (String, String) {
    let mut p = paras.to_vec();
    if rng.random_bool(0.3)
        && let Some(first) = p.first_mut()
        && first
            .chars()
            .next()
            .is_some_and(|c| !c.is_uppercase() || !first.contains(" - "))
    {
        *first = format!("{}{}", dateline(rng), first);
    }
    if rng.random_bool(0.3) {
        p.extend(footer(rng));
    }
    (headline.to_string(), join(&p))
}

/// Generates the cases (deterministic for a given `base` and `seed`).
pub fn generate_cases(base: &[BaseStory], seed: u64) -> Vec<EvalCase> {
    let mut rng = StdRng::seed_from_u64(seed);
    let vocab = synth::Vocabulary::new(5000);
    let mut order: Vec<usize> = (0..base.len()).collect();
    order.shuffle(&mut rng);
    let donors: Vec<&BaseStory> = order.iter().step_by(3).map(|&i| &base[i]).collect();
    let primaries: Vec<&BaseStory> = order
        .iter()
        .enumerate()
        .filter(|(j, _)| j % 3 != 0)
        .map(|(_, &i)| &base[i])
        .collect();
    let kinds: Vec<CaseKind> = CaseKind::ALL.to_vec();
    let mut cases = Vec::with_capacity(primaries.len() + primaries.len() / kinds.len());
    for (n, a) in primaries.iter().enumerate() {
        let a_paras = paragraphs(&a.body);
        let donor = donors[n % donors.len().max(1)];
        let d_paras = paragraphs(&donor.body);
        if a_paras.is_empty() || d_paras.is_empty() {
            continue;
        }
        let mut kind = kinds[n % kinds.len()];
        if kind == CaseKind::Template {
            // Template cases come from the template families, not from `a`.
            let family = TEMPLATES[rng.random_range(0..TEMPLATES.len())];
            let same_org = rng.random_bool(0.3).then(|| synth::organisation(&mut rng));
            let (h1, b1) = fill_template(family, &mut rng, same_org.as_deref());
            let (h2, b2) = fill_template(family, &mut rng, same_org.as_deref());
            cases.push(EvalCase {
                kind,
                first: text(format!("{}#template-a", a.uri), h1, b1),
                second: text(format!("{}#template-b", a.uri), h2, b2),
            });
            continue;
        }
        // Stories too short for paragraph surgery get light kinds.
        if a_paras.len() < 4 && !matches!(kind.group(), Group::Resend) {
            kind = CaseKind::Reworded;
        }
        let first_uri = a.uri.clone();
        let second_uri = format!("{}#v2", a.uri);
        let (first, second) = match kind {
            CaseKind::Update => {
                let mut p = a_paras.clone();
                let at = rng.random_range(1..=p.len().min(3));
                let added = rng.random_range(1..=2).min(d_paras.len());
                for (j, d) in d_paras.iter().skip(1).take(added).enumerate() {
                    p.insert(at + j, d.clone());
                }
                if let Some(i) = (0..p.len()).find(|&i| p[i].chars().any(|c| c.is_ascii_digit()))
                    && let Some(changed) = change_figure(&p[i], &mut rng)
                {
                    p[i] = changed;
                }
                let h = format!("UPDATE {}-{}", rng.random_range(1..4), a.headline);
                let (h, b) = with_furniture(&h, &p, &mut rng);
                ((a.headline.clone(), a.body.clone()), (h, b))
            }
            CaseKind::CorrectedFigure => {
                let mut p = a_paras.clone();
                let i = (0..p.len())
                    .find(|&i| p[i].chars().any(|c| c.is_ascii_digit()))
                    .unwrap_or(0);
                p[i] = change_figure(&p[i], &mut rng)
                    .unwrap_or_else(|| format!("{} It was 42.", p[i]));
                p.insert(0, format!("(Corrects figure in paragraph {})", i + 1));
                (
                    (a.headline.clone(), a.body.clone()),
                    (format!("CORRECTED-{}", a.headline), join(&p)),
                )
            }
            CaseKind::DatelineByline => {
                let mut p = a_paras.clone();
                p[0] = format!("{}{}", dateline(&mut rng), p[0]);
                p.insert(0, format!("By {}", synth::person(&mut rng)));
                (
                    (a.headline.clone(), a.body.clone()),
                    (a.headline.clone(), join(&p)),
                )
            }
            CaseKind::Footer => {
                let mut p = a_paras.clone();
                p.extend(footer(&mut rng));
                (
                    (a.headline.clone(), a.body.clone()),
                    (a.headline.clone(), join(&p)),
                )
            }
            CaseKind::Reworded => {
                let mut p = a_paras.clone();
                for _ in 0..rng.random_range(1..=2) {
                    let i = rng.random_range(0..p.len());
                    p[i] = reword_paragraph(&p[i], &mut rng, &vocab);
                }
                let (h, b) = with_furniture(&a.headline, &p, &mut rng);
                ((a.headline.clone(), a.body.clone()), (h, b))
            }
            CaseKind::CutEnd => {
                let keep = (a_paras.len() * rng.random_range(55..85) / 100).max(2);
                let (h, b) = with_furniture(&a.headline, &take_n(&a_paras, keep), &mut rng);
                ((a.headline.clone(), a.body.clone()), (h, b))
            }
            CaseKind::AddedEnd => {
                let mut p = a_paras.clone();
                let extra = (p.len() * rng.random_range(15..40) / 100).max(1);
                p.extend(d_paras.iter().skip(1).take(extra).cloned());
                let (h, b) = with_furniture(&a.headline, &p, &mut rng);
                ((a.headline.clone(), a.body.clone()), (h, b))
            }
            CaseKind::WriteThrough => {
                let top = (a_paras.len() * rng.random_range(25..60) / 100).max(2);
                let mut p: Vec<String> = d_paras.iter().take(top).cloned().collect();
                let keep = a_paras.len() - rng.random_range(0..=a_paras.len() / 5);
                p.extend(take_n(&a_paras, keep));
                let h = format!("UPDATE 1-{}", donor.headline);
                ((a.headline.clone(), a.body.clone()), (h, join(&p)))
            }
            CaseKind::Snap => {
                let lead = a_paras[0]
                    .split_inclusive(". ")
                    .next()
                    .unwrap_or(&a_paras[0])
                    .trim()
                    .to_string();
                let snap_body = if rng.random_bool(0.3) {
                    String::new()
                } else {
                    lead
                };
                (
                    (format!("URGENT: {}", a.headline), snap_body),
                    (a.headline.clone(), a.body.clone()),
                )
            }
            CaseKind::Brief => {
                let keep = (a_paras.len() * rng.random_range(15..35) / 100).clamp(1, 3);
                let h = if rng.random_bool(0.5) {
                    format!("BRIEF-{}", a.headline)
                } else {
                    a.headline.clone()
                };
                (
                    (a.headline.clone(), a.body.clone()),
                    (h, join(&take_n(&a_paras, keep))),
                )
            }
            CaseKind::FirstTake => {
                let keep = (a_paras.len() * rng.random_range(25..50) / 100).max(2);
                let mut p = a_paras.clone();
                if rng.random_bool(0.5) {
                    let extra: Vec<String> = d_paras.iter().skip(1).take(2).cloned().collect();
                    p.extend(extra);
                }
                (
                    (a.headline.clone(), join(&take_n(&a_paras, keep))),
                    (format!("UPDATE 1-{}", a.headline), join(&p)),
                )
            }
            CaseKind::Reordered => {
                let mut rest: Vec<String> = a_paras[1..].to_vec();
                rest.shuffle(&mut rng);
                let mut p = vec![reword_paragraph(
                    &reword_paragraph(&d_paras[0], &mut rng, &vocab),
                    &mut rng,
                    &vocab,
                )];
                p.extend(rest);
                (
                    (a.headline.clone(), a.body.clone()),
                    (format!("UPDATE 2-{}", a.headline), join(&p)),
                )
            }
            CaseKind::SharedBackgrounder => {
                let bg = backgrounder(rng.random_range(0..12));
                let keep_a = (a_paras.len() * rng.random_range(40..70) / 100).max(2);
                let keep_d = (d_paras.len() * rng.random_range(40..70) / 100).max(2);
                let mut p1 = take_n(&a_paras, keep_a);
                p1.extend(bg.iter().cloned());
                let mut p2 = take_n(&d_paras, keep_d);
                p2.extend(bg.iter().cloned());
                (
                    (a.headline.clone(), join(&p1)),
                    (donor.headline.clone(), join(&p2)),
                )
            }
            CaseKind::LeadKept => {
                let mut p = vec![a_paras[0].clone()];
                p.extend(d_paras.iter().skip(1).cloned());
                (
                    (a.headline.clone(), a.body.clone()),
                    (a.headline.clone(), join(&p)),
                )
            }
            CaseKind::Unrelated | CaseKind::Template => (
                (a.headline.clone(), a.body.clone()),
                (donor.headline.clone(), donor.body.clone()),
            ),
        };
        cases.push(EvalCase {
            kind,
            first: text(first_uri, first.0, first.1),
            second: text(second_uri, second.0, second.1),
        });
    }
    cases
}

/// Verdict counts of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindScore {
    pub cases: usize,
    /// Second flagged as duplicate of its own first.
    pub flagged_first: usize,
    /// Second flagged as duplicate of some other story.
    pub stray: usize,
}

/// Precision/recall/F1 triple.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn prf(tp: usize, fp: usize, fneg: usize) -> Prf {
    let p = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let r = if tp + fneg == 0 {
        1.0
    } else {
        tp as f64 / (tp + fneg) as f64
    };
    let f1 = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    Prf {
        precision: p,
        recall: r,
        f1,
    }
}

/// Scores by kind and group.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    pub by_kind: BTreeMap<CaseKind, KindScore>,
    /// Re-sends against all look-alikes and unrelated pairs.
    pub resends: Prf,
    /// Hard duplicates against hard look-alikes.
    pub hard: Prf,
    /// Share of hard look-alikes flagged duplicate (of their look-alike or of anything).
    pub hard_lookalikes_flagged: f64,
    /// All cases.
    pub overall: Prf,
    /// Best F1 of a plain exact-Jaccard threshold on the same pairs (what a tuned MinHash
    /// threshold could at most reach), with its threshold.
    pub plain_jaccard_best_f1: f64,
    pub plain_jaccard_threshold: f64,
    /// Stories per second for fingerprint + find of the second stories.
    pub lookups_per_s: f64,
    /// Why the evaluation could not run (invalid config).
    pub error: Option<String>,
}

fn shingle_set(cfg: &DedupConfig, s: &StoryText) -> HashSet<u64> {
    shingle_set_of(cfg, &s.headline, &s.body)
}

/// Exact shingle set of a story (for reference measurements).
pub fn shingle_set_of(cfg: &DedupConfig, headline: &str, body: &str) -> HashSet<u64> {
    let norm = normalize_story(headline, body);
    let mut set = HashSet::new();
    for_each_shingle(&norm.tokens, norm.headline_tokens, cfg.shingle_k, |h, _| {
        set.insert(h);
    });
    set
}

/// Runs the cases (see module docs) and scores them.
pub fn evaluate(cfg: &DedupConfig, cases: &[EvalCase]) -> EvalReport {
    let mut report = EvalReport::default();
    let mut index = match DedupIndex::new(cfg.clone()) {
        Ok(i) => i,
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    let t0 = synth::START_MS;
    for (i, case) in cases.iter().enumerate() {
        let fp = index.fingerprint(&case.first.headline, &case.first.body);
        index.insert(&fp, &case.first.uri, t0 + i as i64 * 1000, i as u64, None);
    }
    let start = Instant::now();
    let verdicts: Vec<Option<String>> = cases
        .iter()
        .map(|c| {
            let fp = index.fingerprint(&c.second.headline, &c.second.body);
            index.find(&fp).map(|m| m.original_uri.to_string())
        })
        .collect();
    let secs = start.elapsed().as_secs_f64();
    report.lookups_per_s = if secs > 0.0 {
        cases.len() as f64 / secs
    } else {
        0.0
    };
    let (mut tp_r, mut fn_r, mut fp_r) = (0, 0, 0);
    let (mut tp_h, mut fn_h, mut fp_h) = (0, 0, 0);
    let (mut fp_neg_all, mut hard_flagged, mut hard_n) = (0, 0, 0);
    for (case, verdict) in cases.iter().zip(&verdicts) {
        let score = report.by_kind.entry(case.kind).or_default();
        score.cases += 1;
        let to_first = verdict.as_deref() == Some(case.first.uri.as_str());
        let stray = verdict.is_some() && !to_first;
        if stray && std::env::var_os("WIREDESK_EVAL_ERRORS").is_some() {
            println!(
                "  stray {:?}: {} (first {}) flagged as duplicate of {}",
                case.kind,
                case.second.uri,
                case.first.uri,
                verdict.as_deref().unwrap_or("-")
            );
        }
        score.flagged_first += usize::from(to_first);
        score.stray += usize::from(stray);
        match case.kind.group() {
            Group::Resend => {
                tp_r += usize::from(to_first);
                fn_r += usize::from(!to_first);
                fp_r += usize::from(stray);
            }
            Group::HardDuplicate => {
                tp_h += usize::from(to_first);
                fn_h += usize::from(!to_first);
                fp_h += usize::from(stray);
            }
            Group::HardLookAlike => {
                hard_n += 1;
                hard_flagged += usize::from(verdict.is_some());
                fp_h += usize::from(verdict.is_some());
                fp_neg_all += usize::from(verdict.is_some());
            }
            Group::Unrelated => fp_neg_all += usize::from(verdict.is_some()),
        }
    }
    report.resends = prf(tp_r, fp_r + fp_neg_all, fn_r);
    report.hard = prf(tp_h, fp_h, fn_h);
    report.hard_lookalikes_flagged = if hard_n == 0 {
        0.0
    } else {
        hard_flagged as f64 / hard_n as f64
    };
    let stray_pos: usize = report
        .by_kind
        .iter()
        .filter(|(k, _)| k.is_duplicate())
        .map(|(_, s)| s.stray)
        .sum();
    report.overall = prf(tp_r + tp_h, stray_pos + fp_neg_all, fn_r + fn_h);
    // Plain Jaccard threshold sweep on the case pairs.
    let pairs: Vec<(f64, bool)> = cases
        .iter()
        .map(|c| {
            let a = shingle_set(cfg, &c.first);
            let b = shingle_set(cfg, &c.second);
            let inter = a.intersection(&b).count();
            let union = a.len() + b.len() - inter;
            let j = if union == 0 {
                1.0
            } else {
                inter as f64 / union as f64
            };
            (j, c.kind.is_duplicate())
        })
        .collect();
    for step in 1..100 {
        let t = f64::from(step) / 100.0;
        let (mut tp, mut fp, mut fneg) = (0, 0, 0);
        for &(j, dup) in &pairs {
            match (j >= t, dup) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fneg += 1,
                _ => {}
            }
        }
        let f = prf(tp, fp, fneg).f1;
        if f > report.plain_jaccard_best_f1 {
            report.plain_jaccard_best_f1 = f;
            report.plain_jaccard_threshold = t;
        }
    }
    report
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(e) = &self.error {
            return writeln!(f, "evaluation failed: {e}");
        }
        writeln!(
            f,
            "{:<20} {:>6} {:>9} {:>6} {:>8}",
            "kind", "cases", "flagged", "stray", "rate"
        )?;
        for (kind, s) in &self.by_kind {
            let rate = if s.cases == 0 {
                0.0
            } else {
                s.flagged_first as f64 / s.cases as f64
            };
            writeln!(
                f,
                "{:<20} {:>6} {:>9} {:>6} {:>8.3}{}",
                format!("{kind:?}"),
                s.cases,
                s.flagged_first,
                s.stray,
                rate,
                if kind.is_duplicate() {
                    ""
                } else {
                    "  (look-alike: lower is better)"
                }
            )?;
        }
        let line = |f: &mut fmt::Formatter<'_>, name: &str, p: &Prf| {
            writeln!(
                f,
                "{name:<20} precision {:.4} recall {:.4} F1 {:.4}",
                p.precision, p.recall, p.f1
            )
        };
        line(f, "re-sends", &self.resends)?;
        line(f, "hard cases", &self.hard)?;
        line(f, "overall", &self.overall)?;
        writeln!(
            f,
            "hard look-alikes flagged: {:.4}",
            self.hard_lookalikes_flagged
        )?;
        writeln!(
            f,
            "plain Jaccard threshold (best possible on these pairs): F1 {:.4} at {:.2}",
            self.plain_jaccard_best_f1, self.plain_jaccard_threshold
        )?;
        writeln!(
            f,
            "lookups/s (fingerprint + find): {:.0}",
            self.lookups_per_s
        )
    }
}

/// Synthetic base stories for evaluation: two thirds as generated (2-3 KB), one third cut to
/// their first 4-8 paragraphs (0.6-1.5 KB, like many agency stories).
pub fn synth_bases(seed: u64, n: usize) -> Vec<BaseStory> {
    synth::stories(seed, n)
        .enumerate()
        .map(|(i, s)| {
            let body = if i % 3 == 2 {
                let keep = 4 + i % 5;
                s.body.lines().take(keep).collect::<Vec<_>>().join("\n")
            } else {
                s.body
            };
            BaseStory {
                uri: s.uri,
                headline: s.headline,
                body,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_every_kind_deterministically() {
        let bases = synth_bases(11, 160);
        let a = generate_cases(&bases, 5);
        let b = generate_cases(&bases, 5);
        assert_eq!(a, b);
        let kinds: HashSet<CaseKind> = a.iter().map(|c| c.kind).collect();
        assert_eq!(kinds.len(), CaseKind::ALL.len());
    }

    #[test]
    fn change_figure_changes_a_number() {
        let mut rng = StdRng::seed_from_u64(1);
        let s = change_figure("Profit was 3.5 million.", &mut rng).unwrap_or_default();
        assert_ne!(s, "Profit was 3.5 million.");
        assert!(s.ends_with(" million."));
        assert!(change_figure("no numbers", &mut rng).is_none());
    }
}
