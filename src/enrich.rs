//! The pure enrichment core: story in, envelope out, given the dedup and story state. No I/O, no
//! clocks (the caller passes the processing time), so `process`, `run`, `demo`, tests and benchmarks
//! all drive exactly this code.

use crate::cluster::{ClusterConfig, ClusterDoc, ClusterError, StoryClusterer, story_id_string};
use crate::dedup::{DedupConfig, DedupError, DedupIndex};
use crate::entities::{EntityError, EntityTagger};
use crate::envelope::{DedupBlock, Envelope, Item, Source, Verdict};
use crate::story::Story;
use std::sync::Arc;
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
}

/// Per-story context the caller supplies.
#[derive(Debug, Clone)]
pub struct StoryContext {
    pub source: Source,
    /// RFC 3339 processing time for `processedAt`.
    pub processed_at: String,
    /// Event time to use when the story has no `versionCreated` (Kafka timestamp or now), ms.
    pub fallback_time_ms: i64,
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

/// Everything the core remembers between stories: the dedup window, the story clusters, and the
/// (immutable, shareable) entity tagger.
pub struct State {
    pub dedup: DedupIndex,
    pub clusters: StoryClusterer,
    pub tagger: Arc<EntityTagger>,
    /// Stage durations of the last `enrich` call.
    pub timings: StageTimings,
}

impl State {
    pub fn new(
        dedup: DedupConfig,
        cluster: ClusterConfig,
        tagger: Arc<EntityTagger>,
    ) -> Result<Self, StateError> {
        Ok(State {
            dedup: DedupIndex::new(dedup)?,
            clusters: StoryClusterer::new(cluster)?,
            tagger,
            timings: StageTimings::default(),
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
}

/// Enriches one story: near-duplicate check, entity tagging, story clustering; updates the state.
pub fn enrich(state: &mut State, story: Story, ctx: StoryContext) -> Envelope {
    let event_time_ms = story.event_time_ms(ctx.fallback_time_ms);

    let t = Instant::now();
    let fingerprint = state.dedup.fingerprint(&story.headline, &story.body);
    let duplicate = state.dedup.find(&fingerprint);
    let t_dedup = t.elapsed();

    let t = Instant::now();
    let entities = state.tagger.tag(&story.headline, &story.body);
    state.timings.set(Stage::Entities, t.elapsed());

    let t = Instant::now();
    let doc = ClusterDoc {
        uri: &story.uri,
        event_time_ms,
        headline: &story.headline,
        body: &story.body,
        entities: &entities,
    };
    let (verdict, similarity, story_tag) = match &duplicate {
        Some(m) => {
            state.clusters.add_duplicate(m.story_tag, &doc);
            (Verdict::Duplicate, m.similarity, m.story_tag)
        }
        None => {
            let d = state.clusters.assign(&doc);
            let verdict = if d.joined {
                Verdict::Related
            } else {
                Verdict::Unique
            };
            (verdict, d.similarity, d.story_id)
        }
    };
    state.timings.set(Stage::Cluster, t.elapsed());

    let t = Instant::now();
    state.dedup.insert(
        fingerprint,
        &story.uri,
        event_time_ms,
        story_tag,
        duplicate.as_ref(),
    );
    state.timings.set(Stage::Dedup, t_dedup + t.elapsed());

    let item = Item::new(&story, &entities);
    Envelope {
        item,
        dedup: DedupBlock {
            verdict,
            duplicate_of: duplicate.map(|m| m.original_uri.to_string()),
            similarity: round3(similarity),
            story_id: story_id_string(story_tag),
        },
        entities,
        source: ctx.source,
        processed_at: ctx.processed_at,
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
    let entities = state.tagger.tag(&story.headline, &story.body);
    state.timings = StageTimings::default();
    state.timings.set(Stage::Entities, t.elapsed());
    Envelope {
        item: Item::new(&story, &entities),
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
        }
    }

    fn story(uri: &str, body: &str) -> Story {
        let raw = serde_json::json!({"uri": uri, "headline": "H", "body_text": body}).to_string();
        parse_story(raw.as_bytes(), 1 << 20).unwrap()
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
}
