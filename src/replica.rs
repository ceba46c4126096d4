//! What instances share through the fingerprints topic, and how they agree.
//!
//! Every instance publishes one compact [`StoryRecord`] per story it decides (key = uri): the
//! dedup fingerprint, the decision (story id, duplicate root), the event time and the story's
//! strongest clustering features. Every instance consumes the topic into its own [`Index`]
//! ([`Index::absorb`]), like a Kafka Streams global table, and replays it over the window at start.
//!
//! **Agreeing on the original.** Two instances may decide a story and its re-send at the same
//! moment, each before the other's record arrives, and both call theirs the original. When a
//! record of an original meets an earlier-decided original of this index that it repeats, the
//! tie-break is deterministic and the same on every instance: the earlier event time wins, then
//! the smaller uri. The loser becomes a duplicate of the winner in every index (an alias, so later
//! re-sends of either point at the winner), and the instance that published the loser sends a
//! correction of its envelope (same key, verdict `duplicate`) — see [`RecentOutputs`]. Once the
//! records have crossed, all indexes hold the same chains, so verdicts converge.

use crate::cluster::{DocFeatures, story_id_of};
use crate::dedup::{DedupError, DedupMatch, Fingerprint, KnownStory, Root};
use crate::enrich::{Decision, Index, PreparedStory};
use crate::envelope::Verdict;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// Version byte of the record encoding.
const RECORD_VERSION: u8 = 1;
/// Clustering features kept per record (the strongest by weight).
pub const MAX_RECORD_FEATURES: usize = 96;
/// Originals whose event time is kept for the tie-break (races happen between recent stories).
const MAX_ORIGINS: usize = 200_000;
/// Tie-break losers remembered (aliases to their winners).
const MAX_ALIASES: usize = 100_000;

/// Errors decoding or absorbing a record.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("story record is malformed: {0} (was it written by wiredesk of the same version?)")]
    Malformed(&'static str),
    #[error("story record carries an unusable fingerprint: {0}")]
    Fingerprint(#[from] DedupError),
}

/// One story as shared between instances.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryRecord {
    pub uri: String,
    pub event_time_ms: i64,
    pub verdict: Verdict,
    pub story_tag: u64,
    /// First story of the duplicate chain (duplicates only).
    pub duplicate_of: Option<String>,
    /// `Fingerprint::to_bytes`.
    pub fingerprint: Vec<u8>,
    /// Strongest clustering features `(key, weight)`, sorted by key.
    pub features: Vec<(u64, f32)>,
    pub headline_entities: Vec<u64>,
}

impl StoryRecord {
    /// The record of a story just decided.
    pub fn new(p: &PreparedStory, d: &Decision) -> Self {
        let mut features = p.features.features.clone();
        if features.len() > MAX_RECORD_FEATURES {
            features.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            features.truncate(MAX_RECORD_FEATURES);
            features.sort_unstable_by_key(|f| f.0);
        }
        StoryRecord {
            uri: p.story.uri.clone(),
            event_time_ms: p.event_time_ms,
            verdict: d.verdict,
            story_tag: d.story_tag,
            duplicate_of: d.duplicate_of.as_deref().map(str::to_string),
            fingerprint: p.fingerprint.to_bytes(),
            features,
            headline_entities: p.features.headline_entities.clone(),
        }
    }

    /// Little-endian binary encoding (the value of the fingerprints topic; the key is the uri).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            48 + self.uri.len() + self.fingerprint.len() + 12 * self.features.len(),
        );
        out.push(RECORD_VERSION);
        out.extend_from_slice(&self.event_time_ms.to_le_bytes());
        out.push(match self.verdict {
            Verdict::Unique => 0,
            Verdict::Related => 1,
            Verdict::Duplicate => 2,
        });
        out.extend_from_slice(&self.story_tag.to_le_bytes());
        put_str(&mut out, &self.uri);
        put_str(&mut out, self.duplicate_of.as_deref().unwrap_or(""));
        out.extend_from_slice(&(self.fingerprint.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.fingerprint);
        out.extend_from_slice(&(self.features.len() as u16).to_le_bytes());
        for (key, weight) in &self.features {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&weight.to_le_bytes());
        }
        out.push(self.headline_entities.len().min(255) as u8);
        for key in self.headline_entities.iter().take(255) {
            out.extend_from_slice(&key.to_le_bytes());
        }
        out
    }

    /// Decodes [`Self::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RecordError> {
        let mut r = Reader(bytes);
        if r.take(1)?[0] != RECORD_VERSION {
            return Err(RecordError::Malformed("unknown version byte"));
        }
        let event_time_ms = i64::from_le_bytes(r.array()?);
        let verdict = match r.take(1)?[0] {
            0 => Verdict::Unique,
            1 => Verdict::Related,
            2 => Verdict::Duplicate,
            _ => return Err(RecordError::Malformed("unknown verdict")),
        };
        let story_tag = u64::from_le_bytes(r.array()?);
        let uri = r.string()?;
        let root = r.string()?;
        let duplicate_of = (!root.is_empty()).then_some(root);
        if (verdict == Verdict::Duplicate) != duplicate_of.is_some() {
            return Err(RecordError::Malformed(
                "a duplicate needs its root and only a duplicate has one",
            ));
        }
        let len = u32::from_le_bytes(r.array()?) as usize;
        let fingerprint = r.take(len)?.to_vec();
        let n = u16::from_le_bytes(r.array()?) as usize;
        let mut features = Vec::with_capacity(n);
        for _ in 0..n {
            let key = u64::from_le_bytes(r.array()?);
            let weight = f32::from_le_bytes(r.array()?);
            if !weight.is_finite() {
                return Err(RecordError::Malformed("feature weight is not finite"));
            }
            features.push((key, weight));
        }
        if features.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(RecordError::Malformed("features not sorted by key"));
        }
        let n = r.take(1)?[0] as usize;
        let mut headline_entities = Vec::with_capacity(n);
        for _ in 0..n {
            headline_entities.push(u64::from_le_bytes(r.array()?));
        }
        if !r.0.is_empty() {
            return Err(RecordError::Malformed("trailing bytes"));
        }
        Ok(StoryRecord {
            uri,
            event_time_ms,
            verdict,
            story_tag,
            duplicate_of,
            fingerprint,
            features,
            headline_entities,
        })
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let bytes = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
    out.extend_from_slice(bytes);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], RecordError> {
        if self.0.len() < n {
            return Err(RecordError::Malformed("truncated"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], RecordError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn string(&mut self) -> Result<String, RecordError> {
        let n = u16::from_le_bytes(self.array()?) as usize;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| RecordError::Malformed("uri is not UTF-8"))
    }
}

/// A tie-break between two originals: `loser` is a duplicate of `winner`.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub loser_uri: Arc<str>,
    /// The story id the loser was published with.
    pub loser_story: u64,
    pub winner_uri: Arc<str>,
    pub winner_story: u64,
    pub similarity: f32,
}

/// What absorbing a record did.
#[derive(Debug, Clone, PartialEq)]
pub enum Absorbed {
    /// The index already held this story (this instance's own record, or a repeat).
    Known,
    /// Indexed; `Some` when it settled a race between two originals.
    Indexed(Option<Correction>),
    /// Older than the window: not indexed.
    Expired,
}

/// The bookkeeping that makes indexes converge: recent originals' event times (for the
/// tie-break) and the aliases of tie-break losers.
#[derive(Debug, Default)]
pub struct Convergence {
    origins: HashMap<u64, i64>,
    origin_order: VecDeque<u64>,
    /// Loser uri hash → winner (uri, story id).
    aliases: HashMap<u64, Root>,
    alias_order: VecDeque<u64>,
    /// Loser story id → winner story id.
    stories: HashMap<u64, u64>,
}

fn uri_key(uri: &str) -> u64 {
    story_id_of(uri)
}

impl Convergence {
    pub(crate) fn remember_original(&mut self, uri: &str, event_time_ms: i64) {
        let key = uri_key(uri);
        if self.origins.insert(key, event_time_ms).is_none() {
            self.origin_order.push_back(key);
            while self.origin_order.len() > MAX_ORIGINS {
                if let Some(old) = self.origin_order.pop_front() {
                    self.origins.remove(&old);
                }
            }
        }
    }

    fn alias(&mut self, loser_uri: &str, loser_story: u64, winner: Root) {
        let key = uri_key(loser_uri);
        if loser_story != winner.tag {
            self.stories.insert(loser_story, winner.tag);
        }
        if self.aliases.insert(key, winner).is_none() {
            self.alias_order.push_back(key);
            while self.alias_order.len() > MAX_ALIASES {
                if let Some(old) = self.alias_order.pop_front() {
                    if let Some(root) = self.aliases.remove(&old) {
                        self.stories.retain(|_, to| *to != root.tag);
                    }
                }
            }
        }
    }

    /// If a story being decided (`uri` at `event_time_ms`) repeats the chain of `m` but is earlier
    /// by the tie-break than that chain's first story, it takes its place: the first story becomes
    /// its duplicate (alias) and the returned correction names it. The story keeps the chain's
    /// story id.
    pub(crate) fn take_over(
        &mut self,
        uri: &str,
        event_time_ms: i64,
        m: &DedupMatch,
    ) -> Option<Correction> {
        let &root_time = self.origins.get(&uri_key(&m.original_uri))?;
        if (event_time_ms, uri) >= (root_time, &*m.original_uri) {
            return None;
        }
        let winner = Root {
            uri: Arc::from(uri),
            tag: m.story_tag,
        };
        let correction = Correction {
            loser_uri: m.original_uri.clone(),
            loser_story: m.story_tag,
            winner_uri: winner.uri.clone(),
            winner_story: m.story_tag,
            similarity: m.similarity,
        };
        self.alias(&m.original_uri, m.story_tag, winner);
        self.remember_original(uri, event_time_ms);
        Some(correction)
    }

    /// The winner standing for `uri`, following chains of tie-breaks.
    fn winner_of(&self, uri: &str) -> Option<Root> {
        let mut found: Option<&Root> = self.aliases.get(&uri_key(uri));
        for _ in 0..8 {
            match found.and_then(|r| self.aliases.get(&uri_key(&r.uri))) {
                Some(next) => found = Some(next),
                None => break,
            }
        }
        found.cloned()
    }

    /// The story id standing for `tag` after tie-breaks.
    pub(crate) fn resolve_story(&self, mut tag: u64) -> u64 {
        for _ in 0..8 {
            match self.stories.get(&tag) {
                Some(&to) if to != tag => tag = to,
                _ => break,
            }
        }
        tag
    }

    /// A dedup match with the tie-break winners applied.
    pub(crate) fn resolve_match(&self, m: DedupMatch) -> DedupMatch {
        match self.winner_of(&m.original_uri) {
            Some(root) => DedupMatch {
                original_uri: root.uri,
                story_tag: root.tag,
                ..m
            },
            None => DedupMatch {
                story_tag: self.resolve_story(m.story_tag),
                ..m
            },
        }
    }

    /// The decision of a story the index already holds.
    pub(crate) fn repeat(&self, uri: &str, known: &KnownStory) -> Decision {
        let root = match &known.root {
            Some(root) => Some(self.winner_of(&root.uri).unwrap_or_else(|| root.clone())),
            None => self.winner_of(uri),
        };
        match root {
            Some(root) => Decision {
                verdict: Verdict::Duplicate,
                duplicate_of: Some(root.uri),
                similarity: 1.0,
                story_tag: self.resolve_story(root.tag),
                repeated: true,
                correction: None,
            },
            None => Decision {
                verdict: if known.story_tag == story_id_of(uri) {
                    Verdict::Unique
                } else {
                    Verdict::Related
                },
                duplicate_of: None,
                similarity: 0.0,
                story_tag: self.resolve_story(known.story_tag),
                repeated: true,
                correction: None,
            },
        }
    }
}

impl Index {
    /// Adds another instance's story to this index (or notes that it is already here), settling a
    /// race between two originals by the tie-break of the module docs. `received_ms` (the
    /// record's Kafka timestamp: when its publisher took the story in) slides the windows as the
    /// publisher's did; `None`: the story's event time stands in.
    pub fn absorb(
        &mut self,
        rec: &StoryRecord,
        received_ms: Option<i64>,
    ) -> Result<Absorbed, RecordError> {
        let window_time_ms = received_ms.unwrap_or(rec.event_time_ms);
        self.clusters.set_received(Some(window_time_ms));
        let fp = Fingerprint::from_bytes(&rec.fingerprint)?;
        self.dedup.check_fingerprint(&fp)?;
        if self.dedup.known(&rec.uri, &fp).is_some() {
            return Ok(Absorbed::Known);
        }
        let mut correction = None;
        let root: Option<Root> = match &rec.duplicate_of {
            Some(root_uri) => Some(
                self.convergence
                    .winner_of(root_uri)
                    .unwrap_or_else(|| Root {
                        uri: Arc::from(root_uri.as_str()),
                        tag: self.convergence.resolve_story(rec.story_tag),
                    }),
            ),
            None => match self.dedup.find(&fp) {
                Some(m) if *m.original_uri != *rec.uri => {
                    let m = self.convergence.resolve_match(m);
                    let ours = self.convergence.origins.get(&uri_key(&m.original_uri));
                    let record_wins = ours.is_some_and(|&t| {
                        (rec.event_time_ms, rec.uri.as_str()) < (t, &*m.original_uri)
                    });
                    let record_uri: Arc<str> = Arc::from(rec.uri.as_str());
                    if record_wins {
                        let winner = Root {
                            uri: record_uri.clone(),
                            tag: self.convergence.resolve_story(rec.story_tag),
                        };
                        if m.story_tag == story_id_of(&m.original_uri) {
                            self.clusters.rename_story(m.story_tag, winner.tag);
                        }
                        correction = Some(Correction {
                            loser_uri: m.original_uri.clone(),
                            loser_story: m.story_tag,
                            winner_uri: record_uri,
                            winner_story: winner.tag,
                            similarity: m.similarity,
                        });
                        self.convergence.alias(&m.original_uri, m.story_tag, winner);
                        None
                    } else {
                        let winner = Root {
                            uri: m.original_uri.clone(),
                            tag: m.story_tag,
                        };
                        correction = Some(Correction {
                            loser_uri: record_uri,
                            loser_story: rec.story_tag,
                            winner_uri: m.original_uri.clone(),
                            winner_story: m.story_tag,
                            similarity: m.similarity,
                        });
                        self.convergence
                            .alias(&rec.uri, rec.story_tag, winner.clone());
                        Some(winner)
                    }
                }
                _ => None,
            },
        };
        let tag = match &root {
            Some(r) => r.tag,
            None => self.convergence.resolve_story(rec.story_tag),
        };
        let indexed =
            self.dedup
                .insert_with_root(&fp, &rec.uri, window_time_ms, tag, root.clone())?;
        if !indexed {
            return Ok(Absorbed::Expired);
        }
        let features = DocFeatures {
            features: rec.features.clone(),
            headline_entities: rec.headline_entities.clone(),
            outlet: None,
            // Records do not carry event kinds: no conflict is ever found with them.
            event_kinds: 0,
            lead_places: Vec::new(),
            scores: Vec::new(),
            lead_days: 0,
            days: 0,
            separate_kinds: 0,
            dateline_place: None,
            first_day: 0,
        };
        let weight = if root.is_some() {
            self.clusters.config().duplicate_weight
        } else {
            1.0
        };
        self.clusters
            .add_to_story(tag, rec.event_time_ms, &features, weight);
        if root.is_none() {
            self.convergence
                .remember_original(&rec.uri, rec.event_time_ms);
        }
        Ok(Absorbed::Indexed(correction))
    }
}

/// The envelopes this instance published recently (uri → story id, envelope JSON), bounded, so
/// that a lost tie-break can be corrected: the correction is the same envelope with the dedup
/// block changed, sent again under the same key.
#[derive(Debug)]
pub struct RecentOutputs {
    capacity: usize,
    by_uri: HashMap<Arc<str>, (u64, Vec<u8>)>,
    order: VecDeque<Arc<str>>,
}

impl RecentOutputs {
    pub fn new(capacity: usize) -> Self {
        RecentOutputs {
            capacity,
            by_uri: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub fn remember(&mut self, uri: &str, story_tag: u64, json: &[u8]) {
        if self.capacity == 0 {
            return;
        }
        let uri: Arc<str> = Arc::from(uri);
        if self
            .by_uri
            .insert(uri.clone(), (story_tag, json.to_vec()))
            .is_none()
        {
            self.order.push_back(uri);
        }
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.by_uri.remove(&old);
            }
        }
    }

    /// The corrected envelopes (uri, JSON) this instance owes after `c`: the loser becomes a
    /// duplicate of the winner; duplicates that named the loser as their original name the winner;
    /// stories published under the loser's story id move to the winner's. Only envelopes that
    /// change are returned; empty when this instance published none of them.
    pub fn corrections(&mut self, c: &Correction) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let is_loser = |uri: &str| uri == &*c.loser_uri;
        let candidates: Vec<Arc<str>> = self
            .by_uri
            .iter()
            .filter(|(uri, (tag, _))| is_loser(uri) || *tag == c.loser_story)
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in candidates {
            let Some((tag, json)) = self.by_uri.get_mut(&uri) else {
                continue;
            };
            let Ok(mut envelope) = serde_json::from_slice::<serde_json::Value>(json) else {
                continue;
            };
            let Some(dedup) = envelope.get_mut("dedup") else {
                continue;
            };
            let before = dedup.clone();
            dedup["storyId"] = crate::cluster::story_id_string(c.winner_story).into();
            if is_loser(&uri) {
                dedup["verdict"] = Verdict::Duplicate.as_str().into();
                dedup["duplicateOf"] = c.winner_uri.to_string().into();
                dedup["similarity"] = ((c.similarity * 1000.0).round() / 1000.0).into();
            } else if dedup["duplicateOf"] == *c.loser_uri {
                dedup["duplicateOf"] = c.winner_uri.to_string().into();
            }
            if *dedup == before {
                continue;
            }
            let Ok(corrected) = serde_json::to_vec(&envelope) else {
                continue;
            };
            *tag = c.winner_story;
            *json = corrected.clone();
            out.push((uri.to_string(), corrected));
        }
        out
    }

    pub fn len(&self) -> usize {
        self.by_uri.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_uri.is_empty()
    }
}

#[cfg(test)]
mod tests;
