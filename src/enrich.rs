//! The pure enrichment core: story in, envelope out, given the dedup and story state. No I/O, no
//! clocks (the caller passes the processing time), so `process`, `run`, `demo`, tests and benchmarks
//! all drive exactly this code.

use crate::cluster::{
    ClusterConfig, ClusterError, DocFeatures, Extractor, StoryClusterer, outlet_key,
    story_id_string,
};
use crate::dedup::normalize::has_version_flag;
use crate::dedup::{
    DedupConfig, DedupError, DedupIndex, DedupMatch, Fingerprint, MatchKind, fingerprint_with,
};
use crate::entities::{Entity, EntityError, EntityTagger};
use crate::envelope::{DedupBlock, Envelope, Item, Source, Verdict};
use crate::story::Story;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The stages the core times, in order (also the `stage` label of the duration histogram).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Parse,
    Dedup,
    Entities,
    Cluster,
    Serialise,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Parse,
        Stage::Dedup,
        Stage::Entities,
        Stage::Cluster,
        Stage::Serialise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::Dedup => "dedup",
            Stage::Entities => "entities",
            Stage::Cluster => "cluster",
            Stage::Serialise => "serialise",
        }
    }
}

/// How long each stage took for the last story (index = `Stage as usize`).
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimings(pub [Duration; 5]);

impl StageTimings {
    pub fn set(&mut self, stage: Stage, d: Duration) {
        self.0[stage as usize] = d;
    }
    pub fn get(&self, stage: Stage) -> Duration {
        self.0[stage as usize]
    }
    pub fn add(&mut self, stage: Stage, d: Duration) {
        self.0[stage as usize] += d;
    }
}

/// Per-story context the caller supplies.
#[derive(Debug, Clone)]
pub struct StoryContext {
    pub source: Source,
    /// RFC 3339 processing time for `processedAt`.
    pub processed_at: String,
    /// Event time to use when the story has no `versionCreated` (Kafka timestamp or now), ms.
    pub fallback_time_ms: i64,
    /// When the story reached wiredesk (Kafka timestamp, or the clock in `process`), ms: the
    /// dedup and story windows slide with arrivals, so a story whose `versionCreated` lags far
    /// behind the stream still meets its original. `None`: the event time stands in.
    pub received_ms: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("invalid [dedup] config: {0}")]
    Dedup(#[from] DedupError),
    #[error("invalid [cluster] config: {0}")]
    Cluster(#[from] ClusterError),
    #[error("could not load the entity gazetteer: {0}")]
    Entities(#[from] EntityError),
}

/// The stateless half of the core, one per worker thread: fingerprint, entity tags and clustering
/// features of a story depend on the story alone.
pub struct Preparer {
    tagger: Arc<EntityTagger>,
    dedup: DedupConfig,
    extractor: Extractor,
}

/// A story with everything the stateless half computes.
pub struct PreparedStory {
    pub story: Story,
    pub ctx: StoryContext,
    pub event_time_ms: i64,
    /// Time that slides the windows: [`StoryContext::received_ms`], else the event time.
    pub window_time_ms: i64,
    pub fingerprint: Fingerprint,
    pub entities: Vec<Entity>,
    pub features: DocFeatures,
    /// The headline opens with a version flag ("UPDATE 1-", "BRIEF-", "CORRECTED-").
    pub version_flag: bool,
    pub timings: StageTimings,
}

/// Least story similarity at which a flagged version ("BRIEF-", "UPDATE 1-") that joins the
/// story of its own outlet's earlier report counts as a duplicate of it although its wording
/// moved too far for the near-duplicate check (a brief rewritten in three sentences). Such
/// versions scored 0.60-0.63 on the blind dev sets; independent reports of one event mostly
/// score 0.2-0.3, and other outlets' reports never qualify.
const VERSION_JOIN_MIN: f32 = 0.45;

impl Preparer {
    /// Fingerprints, tags and extracts the clustering features of one story.
    pub fn prepare(&mut self, story: Story, ctx: StoryContext) -> PreparedStory {
        let mut timings = StageTimings::default();
        let event_time_ms = story.event_time_ms(ctx.fallback_time_ms);
        let t = Instant::now();
        let fingerprint = fingerprint_with(&self.dedup, &story.headline, &story.body);
        timings.set(Stage::Dedup, t.elapsed());
        let t = Instant::now();
        let entities = self.tagger.tag(&story.headline, &story.body);
        timings.set(Stage::Entities, t.elapsed());
        let t = Instant::now();
        let mut features = self
            .extractor
            .extract(&story.headline, &story.body, &entities);
        if features.outlet.is_none() {
            features.outlet = story.by.as_deref().and_then(outlet_key);
        }
        let version_flag = has_version_flag(&story.headline);
        timings.set(Stage::Cluster, t.elapsed());
        PreparedStory {
            window_time_ms: ctx.received_ms.unwrap_or(event_time_ms),
            story,
            ctx,
            event_time_ms,
            fingerprint,
            entities,
            features,
            version_flag,
            timings,
        }
    }

    /// The entity tagger.
    pub fn tagger(&self) -> &EntityTagger {
        &self.tagger
    }
}

/// The stateful half: the dedup window and the story clusters, shared by every worker of a
/// process (and fed by other instances through the fingerprints topic, see [`crate::replica`]).
pub struct Index {
    pub dedup: DedupIndex,
    pub clusters: StoryClusterer,
    pub(crate) convergence: crate::replica::Convergence,
}

/// The index shared by a process's workers and its fingerprint follower.
pub type SharedIndex = Arc<Mutex<Index>>;

/// Locks the shared index; a worker that panicked while holding it leaves a usable index (every
/// update is a sequence of complete inserts), so poisoning is ignored.
pub fn lock(index: &SharedIndex) -> MutexGuard<'_, Index> {
    index.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the index decided about a story.
#[derive(Debug, Clone)]
pub struct Decision {
    pub verdict: Verdict,
    /// The first story of the duplicate chain (duplicates only).
    pub duplicate_of: Option<Arc<str>>,
    pub similarity: f32,
    pub story_tag: u64,
    /// The same story (same uri and text) was decided before: this repeats that decision and
    /// changed nothing.
    pub repeated: bool,
    /// This story is an earlier version of a chain whose first story was decided before it
    /// (out-of-order arrival across partitions): that story becomes a duplicate of this one.
    pub correction: Option<crate::replica::Correction>,
}

impl Decision {
    /// The decision for a story that repeats the chain of `m`.
    fn duplicate(m: &DedupMatch) -> Self {
        Decision {
            verdict: Verdict::Duplicate,
            duplicate_of: Some(m.original_uri.clone()),
            similarity: m.similarity,
            story_tag: m.story_tag,
            repeated: false,
            correction: None,
        }
    }

    pub fn block(&self) -> DedupBlock {
        DedupBlock {
            verdict: self.verdict,
            duplicate_of: self.duplicate_of.as_deref().map(str::to_string),
            similarity: round3(self.similarity),
            story_id: story_id_string(self.story_tag),
        }
    }
}

impl Index {
    pub fn new(dedup: DedupConfig, cluster: ClusterConfig) -> Result<Self, StateError> {
        Ok(Index {
            dedup: DedupIndex::new(dedup)?,
            clusters: StoryClusterer::new(cluster)?,
            convergence: Default::default(),
        })
    }

    /// Near-duplicate check and story clustering of a prepared story; indexes it.
    pub fn decide(&mut self, p: &PreparedStory, timings: &mut StageTimings) -> Decision {
        let t = Instant::now();
        let uri = p.story.uri.as_str();
        self.clusters.set_received(Some(p.window_time_ms));
        if let Some(known) = self.dedup.known(uri, &p.fingerprint) {
            timings.add(Stage::Dedup, t.elapsed());
            return self.convergence.repeat(uri, &known);
        }
        let mut duplicate = self
            .dedup
            .find(&p.fingerprint)
            .map(|m| self.convergence.resolve_match(m));
        // An earlier version arriving after the chain's first story takes its place.
        let correction = duplicate
            .as_ref()
            .and_then(|m| self.convergence.take_over(uri, p.event_time_ms, m));
        if correction.is_some() {
            duplicate = None;
        }
        let t_find = t.elapsed();
        let mut version_match: Option<DedupMatch> = None;

        let t = Instant::now();
        let decision = match &duplicate {
            Some(m) => {
                let weight = self.clusters.config().duplicate_weight;
                self.clusters
                    .add_to_story(m.story_tag, p.event_time_ms, &p.features, weight);
                Decision::duplicate(m)
            }
            None if correction.is_some() => {
                let c = correction.clone();
                let story_tag = c.as_ref().map_or(0, |c| c.winner_story);
                let weight = self.clusters.config().duplicate_weight;
                self.clusters
                    .add_to_story(story_tag, p.event_time_ms, &p.features, weight);
                Decision {
                    verdict: Verdict::Related,
                    duplicate_of: None,
                    similarity: c.as_ref().map_or(0.0, |c| c.similarity),
                    story_tag,
                    repeated: false,
                    correction: c,
                }
            }
            None => {
                let d = self
                    .clusters
                    .assign_features(uri, p.event_time_ms, &p.features);
                let story_tag = self.convergence.resolve_story(d.story_id);
                // An outlet's own flagged version of its earlier story, reworded beyond the
                // near-duplicate check, still repeats that story.
                version_match = d
                    .same_outlet_first
                    .filter(|_| p.version_flag && d.similarity >= VERSION_JOIN_MIN)
                    .map(|first| {
                        self.convergence.resolve_match(DedupMatch {
                            original_uri: first,
                            story_tag: d.story_id,
                            similarity: d.similarity,
                            kind: MatchKind::Near,
                        })
                    });
                match &version_match {
                    Some(m) => Decision::duplicate(m),
                    None => Decision {
                        verdict: if d.joined {
                            Verdict::Related
                        } else {
                            Verdict::Unique
                        },
                        duplicate_of: None,
                        similarity: d.similarity,
                        story_tag,
                        repeated: false,
                        correction: None,
                    },
                }
            }
        };
        timings.add(Stage::Cluster, t.elapsed());

        let t = Instant::now();
        self.dedup.insert(
            &p.fingerprint,
            uri,
            p.window_time_ms,
            decision.story_tag,
            duplicate.as_ref().or(version_match.as_ref()),
        );
        if duplicate.is_none() && version_match.is_none() {
            self.convergence.remember_original(uri, p.event_time_ms);
        }
        timings.add(Stage::Dedup, t_find + t.elapsed());
        decision
    }
}

/// Everything the core remembers between stories (the index) and the stateless half.
pub struct State {
    pub preparer: Preparer,
    pub index: SharedIndex,
    /// Stage durations of the last `enrich` call.
    pub timings: StageTimings,
    /// Build the record other instances learn of each story from (off where no one listens:
    /// `process`, `bench`, a service without a fingerprints topic).
    pub share_records: bool,
}

impl State {
    pub fn new(
        dedup: DedupConfig,
        cluster: ClusterConfig,
        tagger: Arc<EntityTagger>,
    ) -> Result<Self, StateError> {
        let index = Index::new(dedup.clone(), cluster)?;
        let extractor = index.clusters.extractor();
        Ok(State {
            preparer: Preparer {
                tagger,
                dedup,
                extractor,
            },
            index: Arc::new(Mutex::new(index)),
            timings: StageTimings::default(),
            share_records: true,
        })
    }

    /// A state with default configuration and the embedded gazetteer.
    pub fn with_defaults() -> Result<Self, StateError> {
        Self::new(
            DedupConfig::default(),
            ClusterConfig::default(),
            Arc::new(EntityTagger::new()?),
        )
    }

    /// Another worker over the same index (its own scratch buffers, the same tagger).
    pub fn worker(&self) -> State {
        State {
            preparer: Preparer {
                tagger: self.preparer.tagger.clone(),
                dedup: self.preparer.dedup.clone(),
                extractor: self.preparer.extractor.clone_params(),
            },
            index: self.index.clone(),
            timings: StageTimings::default(),
            share_records: self.share_records,
        }
    }

    /// Decides a prepared story against the shared index.
    pub fn decide(&mut self, prepared: &PreparedStory) -> Decision {
        self.timings = prepared.timings;
        lock(&self.index).decide(prepared, &mut self.timings)
    }
}

/// Enriches one story: near-duplicate check, entity tagging, story clustering; updates the state.
pub fn enrich(state: &mut State, story: Story, ctx: StoryContext) -> Envelope {
    enrich_with_decision(state, story, ctx).0
}

/// [`enrich`], also returning the prepared story's record for other instances (when
/// [`State::share_records`] is on).
pub fn enrich_with_decision(
    state: &mut State,
    story: Story,
    ctx: StoryContext,
) -> (Envelope, Decision, Option<crate::replica::StoryRecord>) {
    let prepared = state.preparer.prepare(story, ctx);
    let decision = state.decide(&prepared);
    let record = state
        .share_records
        .then(|| crate::replica::StoryRecord::new(&prepared, &decision));
    (assemble(prepared, &decision), decision, record)
}

/// The envelope of a decided story.
pub fn assemble(p: PreparedStory, decision: &Decision) -> Envelope {
    Envelope {
        item: Item::new(p.story, &p.entities),
        dedup: decision.block(),
        entities: p.entities,
        source: p.ctx.source,
        processed_at: p.ctx.processed_at,
    }
}

/// Enriches a story whose dedup decision is already known (a story replayed after an aborted
/// exactly-once transaction: the state already holds it, so it must not be decided again).
pub fn enrich_replayed(
    state: &mut State,
    story: Story,
    ctx: StoryContext,
    dedup: DedupBlock,
) -> Envelope {
    let t = Instant::now();
    let entities = state.preparer.tagger.tag(&story.headline, &story.body);
    state.timings = StageTimings::default();
    state.timings.set(Stage::Entities, t.elapsed());
    Envelope {
        item: Item::new(story, &entities),
        dedup,
        entities,
        source: ctx.source,
        processed_at: ctx.processed_at,
    }
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::parse_story;

    fn ctx(line: usize) -> StoryContext {
        StoryContext {
            source: Source::File {
                file: "t".into(),
                line,
            },
            processed_at: "2026-03-02T00:00:00Z".into(),
            fallback_time_ms: 0,
            received_ms: None,
        }
    }

    fn story(uri: &str, body: &str) -> Story {
        let raw = serde_json::json!({"uri": uri, "headline": "H", "body_text": body}).to_string();
        parse_story(raw.as_bytes(), 1 << 20).unwrap()
    }

    /// A feed far out of event-time order (a file of stories from six weeks, re-sends at the end):
    /// with a received time the windows slide with arrivals and the re-send meets its original;
    /// with event time alone, the later stories pushed the original out of the window.
    #[test]
    fn late_resend_in_a_feed_out_of_event_time_order_meets_its_original() {
        let day = 86_400_000_i64;
        let stories: Vec<crate::synth::SynthStory> = crate::synth::stories(31, 12).collect();
        let at = |s: &crate::synth::SynthStory, uri: &str, t: i64| {
            let raw = serde_json::json!({
                "uri": uri,
                "headline": s.headline,
                "body_text": s.body,
                "versioncreated": chrono::DateTime::from_timestamp_millis(t).unwrap().to_rfc3339(),
            })
            .to_string();
            parse_story(raw.as_bytes(), 1 << 20).unwrap()
        };
        let t0 = 1_780_000_000_000_i64;
        for received in [Some(t0), None] {
            let mut state = State::with_defaults().unwrap();
            let first = enrich(
                &mut state,
                at(&stories[0], "urn:first", t0),
                StoryContext {
                    received_ms: received,
                    ..ctx(1)
                },
            );
            for (i, s) in stories.iter().enumerate().skip(1) {
                let t = t0 + (i as i64) * 4 * day;
                enrich(
                    &mut state,
                    at(s, &format!("urn:later:{i}"), t),
                    StoryContext {
                        received_ms: received,
                        ..ctx(i + 1)
                    },
                );
            }
            let resend = enrich(
                &mut state,
                at(&stories[0], "urn:resend", t0 + 60_000),
                StoryContext {
                    received_ms: received,
                    ..ctx(99)
                },
            );
            if received.is_some() {
                assert_eq!(resend.dedup.verdict, Verdict::Duplicate);
                assert_eq!(resend.dedup.duplicate_of.as_deref(), Some("urn:first"));
                assert_eq!(resend.dedup.story_id, first.dedup.story_id);
            } else {
                assert_ne!(resend.dedup.verdict, Verdict::Duplicate);
            }
        }
    }

    /// `process` stamps stories with the wall clock while their event times lie years back: the
    /// windows keep what arrived within the horizon, evict what arrived before, and never spin.
    #[test]
    fn received_times_far_from_event_times_evict_by_arrival() {
        let day = 86_400_000_i64;
        let now = 1_900_000_000_000_i64;
        let mut state = State::with_defaults().unwrap();
        let received = |t: i64| StoryContext {
            received_ms: Some(t),
            fallback_time_ms: now - 3_000 * day,
            ..ctx(1)
        };
        let a = enrich(
            &mut state,
            story("urn:a", "A storm closed the northern coast road."),
            received(now),
        );
        let b = enrich(
            &mut state,
            story("urn:b", "A storm closed the northern coast road."),
            received(now + 1_000),
        );
        assert_eq!(b.dedup.duplicate_of.as_deref(), Some("urn:a"));
        // Four days of arrivals later the first story has left both windows.
        enrich(
            &mut state,
            story("urn:x", "Markets rose on Tuesday after the data."),
            received(now + 4 * day),
        );
        let c = enrich(
            &mut state,
            story("urn:c", "A storm closed the northern coast road."),
            received(now + 4 * day + 1),
        );
        assert_eq!(c.dedup.verdict, Verdict::Unique);
        assert_ne!(c.dedup.story_id, a.dedup.story_id);
    }

    #[test]
    fn exact_resend_is_a_duplicate_of_the_first_and_shares_its_story() {
        let mut state = State::with_defaults().unwrap();
        let a = enrich(&mut state, story("urn:a", "Text of the story."), ctx(1));
        let b = enrich(&mut state, story("urn:b", "Text  of the story."), ctx(2));
        let c = enrich(&mut state, story("urn:c", "Text of the story."), ctx(3));
        assert_eq!(a.dedup.verdict, Verdict::Unique);
        assert_eq!(b.dedup.verdict, Verdict::Duplicate);
        assert_eq!(b.dedup.duplicate_of.as_deref(), Some("urn:a"));
        assert_eq!(c.dedup.duplicate_of.as_deref(), Some("urn:a"));
        assert_eq!(a.dedup.story_id, b.dedup.story_id);
        assert_eq!(a.dedup.story_id, c.dedup.story_id);
    }

    #[test]
    fn different_stories_are_unique_with_distinct_story_ids() {
        let mut state = State::with_defaults().unwrap();
        let a = enrich(
            &mut state,
            story("urn:a", "Farmers in Lyon protested fuel prices on Monday."),
            ctx(1),
        );
        let b = enrich(
            &mut state,
            story(
                "urn:b",
                "A comet passed close to Jupiter, astronomers in Chile said.",
            ),
            ctx(2),
        );
        assert_eq!(b.dedup.verdict, Verdict::Unique);
        assert_ne!(a.dedup.story_id, b.dedup.story_id);
    }

    /// The JSON line of story `uri` in dev set `set`.
    fn devset_line(set: &str, uri: &str) -> String {
        let path = format!(
            "{}/data/devset/stories-{set}.jsonl",
            env!("CARGO_MANIFEST_DIR")
        );
        let feed = std::fs::read_to_string(path).unwrap();
        feed.lines()
            .find(|line| line.contains(&format!("\"{uri}\"")))
            .unwrap()
            .to_string()
    }

    /// A brief its outlet rewrote in three sentences (dev set H, written blind) is too far from
    /// the full story for the near-duplicate check, yet it is that outlet's own version: flagged
    /// "BRIEF-" and joining the story's cluster, it is a duplicate of it. The same brief credited
    /// to another outlet is that outlet's report: related, not a duplicate.
    #[test]
    fn an_outlets_flagged_rewritten_brief_repeats_its_story_and_another_outlets_does_not() {
        let line = |uri: &str| devset_line("h", uri);
        let (full, brief) = (line("urn:devset:h:01"), line("urn:devset:h:08"));
        assert!(brief.contains("BRIEF-") && brief.contains("(Atlantic Fringe Wire)"));
        let other = brief
            .replace("(Atlantic Fringe Wire)", "(Harbour Post)")
            .replace("Atlantic Fringe Wire", "Harbour Post");
        for (text, expected) in [(&brief, Verdict::Duplicate), (&other, Verdict::Related)] {
            let mut state = State::with_defaults().unwrap();
            let parse = |raw: &str| parse_story(raw.as_bytes(), 1 << 20).unwrap();
            let first = enrich(&mut state, parse(&full), ctx(1));
            let second = enrich(&mut state, parse(text), ctx(2));
            assert_eq!(second.dedup.verdict, expected, "{:?}", second.dedup);
            assert_eq!(second.dedup.story_id, first.dedup.story_id);
            let duplicate_of = (expected == Verdict::Duplicate).then_some("urn:devset:h:01");
            assert_eq!(second.dedup.duplicate_of.as_deref(), duplicate_of);
        }
    }

    /// A write-through its outlet reworded throughout (dev set M, written blind), in a story
    /// another outlet opened: flagged "WRITETHRU-", it repeats its own outlet's first report of
    /// the story, not the other outlet's.
    #[test]
    fn a_flagged_write_through_repeats_its_outlets_report_in_a_story_another_outlet_opened() {
        let line = |uri: &str| devset_line("m", uri);
        let mut state = State::with_defaults().unwrap();
        let parse = |raw: &str| parse_story(raw.as_bytes(), 1 << 20).unwrap();
        let other = enrich(&mut state, parse(&line("urn:devset:m:29")), ctx(1));
        let first = enrich(&mut state, parse(&line("urn:devset:m:31")), ctx(2));
        let rewrite = line("urn:devset:m:32");
        assert!(rewrite.contains("WRITETHRU-"));
        let second = enrich(&mut state, parse(&rewrite), ctx(3));
        assert_eq!(first.dedup.story_id, other.dedup.story_id);
        assert_eq!(
            second.dedup.verdict,
            Verdict::Duplicate,
            "{:?}",
            second.dedup
        );
        assert_eq!(
            second.dedup.duplicate_of.as_deref(),
            Some("urn:devset:m:31")
        );
    }
}
