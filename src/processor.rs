//! One raw message in, one serialised envelope (or a rejection) out: parsing, the pure core and
//! serialisation, timed and counted. Every mode (`process`, `run`, `demo`, `bench`) goes through
//! here, so they cannot drift apart.

use crate::enrich::{State, StoryContext, enrich};
use crate::envelope::Verdict;
use crate::metrics::{StoryEnriched, StoryParsed};
use crate::story::{RejectReason, Story, parse_story};
use std::time::Instant;

/// The result of processing one message.
#[derive(Debug)]
pub enum Outcome {
    Enriched(Enriched),
    Rejected(RejectReason),
}

/// A serialised envelope and the facts the transport needs about it.
#[derive(Debug)]
pub struct Enriched {
    pub uri: String,
    pub story_id: String,
    pub verdict: Verdict,
    /// The envelope as one line of JSON (no trailing newline).
    pub json: Vec<u8>,
}

/// Parses `raw` and, if it is a story, enriches it.
pub fn process_message(
    state: &mut State,
    raw: &[u8],
    max_bytes: usize,
    ctx: StoryContext,
) -> Outcome {
    let t = Instant::now();
    let parsed = parse_story(raw, max_bytes);
    StoryParsed {
        elapsed: t.elapsed(),
    }
    .emit();
    match parsed {
        Ok(story) => Outcome::Enriched(process_story(state, story, ctx)),
        Err(reason) => Outcome::Rejected(reason),
    }
}

/// Enriches an already parsed story and serialises its envelope.
pub fn process_story(state: &mut State, story: Story, ctx: StoryContext) -> Enriched {
    let envelope = enrich(state, story, ctx);
    let t = Instant::now();
    // Serialising plain structs with string keys cannot fail.
    let json = serde_json::to_vec(&envelope).unwrap_or_default();
    let serialise = t.elapsed();
    StoryEnriched {
        uri: &envelope.item.uri,
        verdict: envelope.dedup.verdict,
        entities: &envelope.entities,
        timings: &state.timings,
        serialise,
    }
    .emit();
    Enriched {
        uri: envelope.item.uri,
        story_id: envelope.dedup.story_id,
        verdict: envelope.dedup.verdict,
        json,
    }
}

/// `now` as RFC 3339 with milliseconds, for `processedAt`.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
