//! Evaluation of story clustering: B-cubed precision/recall/F1 against gold event labels, plus
//! helpers to load ninjs story files (1.x/2.x/3.x shapes), derive input entities from gold
//! annotations (while no tagger is available), perturb them like a noisy tagger, and generate
//! synthetic stories for throughput measurements.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use crate::entities::{Entity, EntityType, Field, Mention};

/// B-cubed scores (averaged over documents present in both labelings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BCubed {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub documents: usize,
}

impl fmt::Display for BCubed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "B-cubed P={:.4} R={:.4} F1={:.4} (n={})",
            self.precision, self.recall, self.f1, self.documents
        )
    }
}

/// B-cubed precision/recall/F1 of predicted cluster labels `(uri, story_id)` against gold event
/// labels keyed by uri. Documents missing from `gold` are ignored.
pub fn bcubed(pred: &[(String, u64)], gold: &HashMap<String, String>) -> BCubed {
    let labelled: Vec<(&str, u64, &str)> = pred
        .iter()
        .filter_map(|(uri, story)| {
            gold.get(uri)
                .map(|event| (uri.as_str(), *story, event.as_str()))
        })
        .collect();
    let mut pred_sizes: HashMap<u64, usize> = HashMap::new();
    let mut gold_sizes: HashMap<&str, usize> = HashMap::new();
    let mut joint: HashMap<(u64, &str), usize> = HashMap::new();
    for &(_, story, event) in &labelled {
        *pred_sizes.entry(story).or_default() += 1;
        *gold_sizes.entry(event).or_default() += 1;
        *joint.entry((story, event)).or_default() += 1;
    }
    let mut precision = 0.0;
    let mut recall = 0.0;
    for &(_, story, event) in &labelled {
        let both = joint[&(story, event)] as f64;
        precision += both / pred_sizes[&story] as f64;
        recall += both / gold_sizes[&event] as f64;
    }
    let documents = labelled.len();
    if documents == 0 {
        return BCubed {
            precision: 0.0,
            recall: 0.0,
            f1: 0.0,
            documents,
        };
    }
    precision /= documents as f64;
    recall /= documents as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    BCubed {
        precision,
        recall,
        f1,
        documents,
    }
}

/// Gold pairs (a, b) that must not share a story; returns those that do.
pub fn violated_negatives<'a>(
    pred: &[(String, u64)],
    negatives: &'a [(String, String)],
) -> Vec<&'a (String, String)> {
    let labels: HashMap<&str, u64> = pred.iter().map(|(uri, id)| (uri.as_str(), *id)).collect();
    negatives
        .iter()
        .filter(|(a, b)| {
            matches!((labels.get(a.as_str()), labels.get(b.as_str())), (Some(x), Some(y)) if x == y)
        })
        .collect()
}

/// One story of an evaluation feed, owned.
#[derive(Debug, Clone)]
pub struct EvalStory {
    pub uri: String,
    pub event_time_ms: i64,
    pub headline: String,
    pub body: String,
    pub entities: Vec<Entity>,
}

/// Errors of the evaluation loaders.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("line {line}: {reason}")]
    Story { line: usize, reason: String },
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// Parses one ninjs story in any of the 1.x, 2.x or 3.x shapes with the service's own parser
/// (`crate::story`), so evaluation sees exactly the text the pipeline sees.
pub fn parse_ninjs(value: &Value) -> Option<EvalStory> {
    let story = crate::story::story_from_value(value).ok()?;
    Some(EvalStory {
        event_time_ms: story.event_time_ms(0),
        uri: story.uri,
        headline: story.headline,
        body: story.body,
        entities: Vec::new(),
    })
}

/// Parses a JSON-lines feed of ninjs stories.
pub fn parse_feed(text: &str) -> Result<Vec<EvalStory>, EvalError> {
    let mut stories = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line)?;
        let story = parse_ninjs(&value).ok_or_else(|| EvalError::Story {
            line: index + 1,
            reason: "missing uri, headline or body".to_string(),
        })?;
        stories.push(story);
    }
    Ok(stories)
}

/// Milliseconds since the epoch of an RFC 3339 timestamp.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    crate::story::parse_time(text).map(|t| t.timestamp_millis())
}

pub use crate::entities::eval::GoldEntity;
pub use crate::entities::slug;

/// Builds tagger-shaped entities from gold annotations: id `wiredesk:<type>:<slug>`, mentions
/// found by searching each alias (word-bounded) in the headline and body.
pub fn entities_from_gold(headline: &str, body: &str, gold: &[GoldEntity]) -> Vec<Entity> {
    let mut out = Vec::new();
    for entity in gold {
        let kind = match entity.entity_type {
            EntityType::Person => "person",
            EntityType::Organisation => "org",
            EntityType::Place => "place",
        };
        let mut mentions = Vec::new();
        for (field, text) in [(Field::Headline, headline), (Field::Body, body)] {
            let mut taken: Vec<(usize, usize)> = Vec::new();
            let mut aliases: Vec<&String> = entity.aliases.iter().collect();
            aliases.sort_by_key(|alias| std::cmp::Reverse(alias.len()));
            for alias in aliases {
                if alias.is_empty() {
                    continue;
                }
                for (start, matched) in text.match_indices(alias.as_str()) {
                    let end = start + matched.len();
                    let before = text[..start].chars().next_back();
                    let after = text[end..].chars().next();
                    let bounded = !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric);
                    let overlaps = taken.iter().any(|&(s, e)| start < e && s < end);
                    if bounded && !overlaps {
                        taken.push((start, end));
                        mentions.push(Mention {
                            field,
                            start,
                            end,
                            text: matched.to_string(),
                        });
                    }
                }
            }
        }
        mentions.sort_by_key(|m| (m.field == Field::Body, m.start));
        out.push(Entity {
            id: format!("wiredesk:{kind}:{}", slug(&entity.canonical)),
            entity_type: entity.entity_type,
            name: entity.canonical.clone(),
            mentions,
        });
    }
    out
}

/// A devset: stories in arrival order (entities from gold), event labels and hard negatives.
#[derive(Debug, Clone)]
pub struct Devset {
    pub stories: Vec<EvalStory>,
    pub events: HashMap<String, String>,
    pub negatives: Vec<(String, String)>,
    /// Re-send uri → original uri (demo feed).
    pub duplicates: HashMap<String, String>,
}

/// Loads a devset (`stories-*.jsonl` + `gold-*.json` with per-document event and entities).
pub fn load_devset(stories_jsonl: &str, gold_json: &str) -> Result<Devset, EvalError> {
    let mut stories = parse_feed(stories_jsonl)?;
    let gold: Value = serde_json::from_str(gold_json)?;
    let mut events = HashMap::new();
    let documents = gold.get("documents").and_then(Value::as_object);
    for story in &mut stories {
        let Some(document) = documents.and_then(|d| d.get(&story.uri)) else {
            continue;
        };
        if let Some(event) = document.get("event").and_then(Value::as_str) {
            events.insert(story.uri.clone(), event.to_string());
        }
        if let Some(list) = document.get("entities") {
            let gold_entities: Vec<GoldEntity> = serde_json::from_value(list.clone())?;
            story.entities = entities_from_gold(&story.headline, &story.body, &gold_entities);
        }
    }
    if let Some(map) = gold.get("events").and_then(Value::as_object) {
        for (event, uris) in map {
            for uri in uris
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                events
                    .entry(uri.to_string())
                    .or_insert_with(|| event.clone());
            }
        }
    }
    let negatives = gold
        .get("negatives")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|pair| {
            Some((
                pair.get("a")?.as_str()?.to_string(),
                pair.get("b")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let duplicates = gold
        .get("duplicates")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(resend, original)| Some((resend.clone(), original.as_str()?.to_string())))
        .collect();
    Ok(Devset {
        stories,
        events,
        negatives,
        duplicates,
    })
}

/// Small deterministic PRNG (splitmix64) for noise and synthetic data.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Simulates a noisier tagger: drops each entity with probability `drop`, and adds on average
/// `spurious` entities per story taken at random from other stories' entities (with a fake
/// headline-free mention), deterministic for a given `seed`.
pub fn perturb_entities(stories: &mut [EvalStory], drop: f64, spurious: f64, seed: u64) {
    let pool: Vec<Entity> = stories
        .iter()
        .flat_map(|s| s.entities.iter().cloned())
        .collect();
    let mut rng = SplitMix(seed);
    for story in stories.iter_mut() {
        story.entities.retain(|_| rng.next_f64() >= drop);
        let mut budget = spurious;
        while budget > 0.0 && !pool.is_empty() {
            if rng.next_f64() < budget.min(1.0) {
                let mut entity = pool[rng.below(pool.len())].clone();
                if story.entities.iter().all(|e| e.id != entity.id) {
                    let end = story.body.len().min(1);
                    entity.mentions = vec![Mention {
                        field: Field::Body,
                        start: story.body.len() - end,
                        end: story.body.len(),
                        text: story.body[story.body.len() - end..].to_string(),
                    }];
                    story.entities.push(entity);
                }
            }
            budget -= 1.0;
        }
    }
}

/// Runs the clusterer over `stories` in order; re-sends listed in `duplicates` join their
/// original's story through `add_duplicate`. Returns `(uri, story_id)` per story.
pub fn run_feed(
    clusterer: &mut super::StoryClusterer,
    stories: &[EvalStory],
    duplicates: &HashMap<String, String>,
) -> Vec<(String, u64)> {
    let mut labels: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::with_capacity(stories.len());
    for story in stories {
        let doc = super::ClusterDoc {
            uri: &story.uri,
            event_time_ms: story.event_time_ms,
            headline: &story.headline,
            body: &story.body,
            entities: &story.entities,
        };
        let original = duplicates
            .get(&story.uri)
            .and_then(|o| labels.get(o))
            .copied();
        let story_id = match original {
            Some(story_id) => {
                clusterer.add_duplicate(story_id, &doc);
                story_id
            }
            None => clusterer.assign(&doc).story_id,
        };
        labels.insert(story.uri.clone(), story_id);
        out.push((story.uri.clone(), story_id));
    }
    out
}

/// Synthetic wire stories for throughput tests: `events` latent events, each with its own rare
/// entities, terms and numbers over a shared Zipf-like vocabulary and common entities; stories
/// arrive in time order, ~`per_hour` per hour.
pub fn synthetic_stories(count: usize, events: usize, per_hour: f64, seed: u64) -> Vec<EvalStory> {
    let mut rng = SplitMix(seed);
    let syllables = [
        "ka", "lo", "mi", "ren", "sa", "tor", "vel", "dan", "ith", "or", "ba", "que", "zu", "fen",
        "gal", "hor", "ix", "jun", "mar", "nel", "pol", "ros", "tam", "ul", "wes", "yar",
    ];
    let word = |rng: &mut SplitMix, n: usize| -> String {
        (0..n)
            .map(|_| syllables[rng.below(syllables.len())])
            .collect()
    };
    let vocabulary: Vec<String> = (0..20_000).map(|_| word(&mut rng, 3)).collect();
    let common_entities: Vec<String> = (0..200).map(|_| word(&mut rng, 2)).collect();
    let events = events.max(1);
    let mut out = Vec::with_capacity(count);
    for index in 0..count {
        let event = rng.below(events);
        let mut event_rng = SplitMix(seed ^ (event as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let event_terms: Vec<&str> = (0..12)
            .map(|_| vocabulary[event_rng.below(vocabulary.len())].as_str())
            .collect();
        let event_names: Vec<String> = (0..4).map(|_| word(&mut event_rng, 5)).collect();
        let event_number = event_rng.below(100_000);
        let mut headline = String::new();
        for term in event_terms.iter().take(5) {
            if rng.next_f64() < 0.7 {
                headline.push_str(term);
                headline.push(' ');
            }
        }
        headline.push_str(&capitalize(&event_names[0]));
        let mut body = String::with_capacity(2000);
        let mut entities = Vec::new();
        for (n, name) in event_names.iter().enumerate() {
            if n == 0 || rng.next_f64() < 0.8 {
                let start = body.len();
                body.push_str(&capitalize(name));
                entities.push(synthetic_entity(name, start, body.len()));
                body.push_str(" said ");
            }
        }
        for _ in 0..2 {
            let common = &common_entities[zipf(&mut rng, common_entities.len())];
            let start = body.len();
            body.push_str(&capitalize(common));
            entities.push(synthetic_entity(common, start, body.len()));
            body.push(' ');
        }
        body.push_str(&format!("{event_number} "));
        for w in 0..280 {
            let token = if rng.next_f64() < 0.15 {
                event_terms[rng.below(event_terms.len())]
            } else {
                vocabulary[zipf(&mut rng, vocabulary.len())].as_str()
            };
            // Sentence starts and ~12% of words capitalized, as names and places are in news.
            if w % 20 == 0 || rng.next_f64() < 0.12 {
                body.push_str(&capitalize(token));
            } else {
                body.push_str(token);
            }
            body.push_str(if w % 20 == 19 { ".\n\n" } else { " " });
        }
        let event_time_ms = (index as f64 / per_hour * 3_600_000.0) as i64;
        out.push(EvalStory {
            uri: format!("urn:synthetic:{seed}:{index}"),
            event_time_ms,
            headline,
            body,
            entities,
        });
    }
    out
}

fn synthetic_entity(name: &str, start: usize, end: usize) -> Entity {
    Entity {
        id: format!("wiredesk:person:{name}"),
        entity_type: EntityType::Person,
        name: name.to_string(),
        mentions: vec![Mention {
            field: Field::Body,
            start,
            end,
            text: capitalize(name),
        }],
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Zipf-like rank in [0, n): small ranks far more frequent.
fn zipf(rng: &mut SplitMix, n: usize) -> usize {
    let u = rng.next_f64();
    ((n as f64).powf(u) - 1.0) as usize % n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(u, e)| (u.to_string(), e.to_string()))
            .collect()
    }

    #[test]
    fn perfect_clustering_scores_one() {
        let gold = gold(&[("a", "x"), ("b", "x"), ("c", "y")]);
        let pred = vec![
            ("a".to_string(), 1),
            ("b".to_string(), 1),
            ("c".to_string(), 2),
        ];
        let score = bcubed(&pred, &gold);
        assert!((score.f1 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn merged_events_lose_precision() {
        let gold = gold(&[("a", "x"), ("b", "x"), ("c", "y")]);
        let pred = vec![
            ("a".to_string(), 1),
            ("b".to_string(), 1),
            ("c".to_string(), 1),
        ];
        let score = bcubed(&pred, &gold);
        assert!((score.precision - (2.0 / 3.0 * 2.0 + 1.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((score.recall - 1.0).abs() < 1e-12);
        assert!(format!("{score}").contains("F1="));
    }

    #[test]
    fn split_events_lose_recall() {
        let gold = gold(&[("a", "x"), ("b", "x")]);
        let pred = vec![("a".to_string(), 1), ("b".to_string(), 2)];
        let score = bcubed(&pred, &gold);
        assert!((score.recall - 0.5).abs() < 1e-12);
        assert!((score.precision - 1.0).abs() < 1e-12);
    }

    #[test]
    fn timestamps_parse() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ms("1970-01-02T00:00:01Z"), Some(86_401_000));
        assert_eq!(parse_rfc3339_ms("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2026-05-12T12:31:00Z"),
            Some(1_778_589_060_000)
        );
    }

    #[test]
    fn slugs_fold() {
        assert_eq!(slug("Kim Yo Jong"), "kim-yo-jong");
        assert_eq!(slug("Société Générale"), "societe-generale");
        assert_eq!(slug("U.N."), "u-n");
    }

    #[test]
    fn ninjs_shapes_parse() {
        let v1 = serde_json::json!({"uri":"u1","headline":"H","body_html":"<p>A</p><p>B &amp; C</p>","versioncreated":"2026-03-02T06:35:00Z"});
        let v3 = serde_json::json!({"uri":"u3","headlines":[{"value":"H3"}],"bodies":[{"contentType":"text/plain","value":"T"}],"versionCreated":"2026-03-02T06:35:00Z"});
        let one = parse_ninjs(&v1).unwrap();
        assert_eq!(one.body, "A\n\nB & C");
        let three = parse_ninjs(&v3).unwrap();
        assert_eq!(three.headline, "H3");
        assert_eq!(three.event_time_ms, one.event_time_ms);
    }
}
