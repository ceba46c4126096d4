//! One raw message in, one serialised envelope (or a rejection) out: parsing, the pure core and
//! serialisation, timed and counted. Every mode (`process`, `run`, `demo`, `bench`) goes through
//! here, so they cannot drift apart.

use crate::enrich::{State, StoryContext, enrich_replayed, enrich_with_decision};
use crate::envelope::{DedupBlock, Envelope, Verdict};
use crate::metrics::{StoryEnriched, StoryParsed};
use crate::replica::{Correction, StoryRecord};
use crate::story::{RejectReason, Story, parse_story};
use std::collections::HashMap;
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
    /// The dedup decision (kept by exactly-once mode to replay an aborted transaction).
    pub dedup: DedupBlock,
    /// The envelope as one line of JSON (no trailing newline).
    pub json: Vec<u8>,
    /// Story id as a number (what other instances and corrections refer to).
    pub story_tag: u64,
    /// What other instances learn of this story (none when the decision was replayed).
    pub record: Option<Box<StoryRecord>>,
    /// A story decided earlier that this one replaced as the first of its chain.
    pub correction: Option<Box<Correction>>,
}

/// Parses `raw` and, if it is a story, enriches it.
pub fn process_message(
    state: &mut State,
    raw: &[u8],
    max_bytes: usize,
    ctx: StoryContext,
) -> Outcome {
    process_message_replaying(state, raw, max_bytes, ctx, &HashMap::new())
}

/// As `process_message`, but stories whose uri is in `replay` keep the dedup decision recorded
/// there instead of being decided again (exactly-once mode after an aborted transaction).
pub fn process_message_replaying(
    state: &mut State,
    raw: &[u8],
    max_bytes: usize,
    ctx: StoryContext,
    replay: &HashMap<String, DedupBlock>,
) -> Outcome {
    let t = Instant::now();
    let parsed = parse_story(raw, max_bytes);
    StoryParsed {
        elapsed: t.elapsed(),
    }
    .emit();
    match parsed {
        Ok(story) => match replay.get(&story.uri) {
            Some(block) => {
                let envelope = enrich_replayed(state, story, ctx, block.clone());
                Outcome::Enriched(serialise(state, envelope, 0, None))
            }
            None => Outcome::Enriched(process_story(state, story, ctx)),
        },
        Err(reason) => Outcome::Rejected(reason),
    }
}

/// Enriches an already parsed story and serialises its envelope.
pub fn process_story(state: &mut State, story: Story, ctx: StoryContext) -> Enriched {
    let (envelope, decision, record) = enrich_with_decision(state, story, ctx);
    // A story decided before (consumed again) is already known to the other instances.
    let record = record.filter(|_| !decision.repeated).map(Box::new);
    let mut enriched = serialise(state, envelope, decision.story_tag, record);
    enriched.correction = decision.correction.map(Box::new);
    enriched
}

fn serialise(
    state: &State,
    envelope: Envelope,
    story_tag: u64,
    record: Option<Box<StoryRecord>>,
) -> Enriched {
    let t = Instant::now();
    // Serialising plain structs with string keys cannot fail.
    let mut json = Vec::with_capacity(json_size_hint(&envelope));
    if serde_json::to_writer(&mut json, &envelope).is_err() {
        json.clear();
    }
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
        story_id: envelope.dedup.story_id.clone(),
        verdict: envelope.dedup.verdict,
        dedup: envelope.dedup,
        json,
        story_tag,
        record,
        correction: None,
    }
}

/// About the size of an envelope's JSON (texts, plus per entity and mention), so that
/// serialisation writes into one buffer without growing it.
fn json_size_hint(envelope: &Envelope) -> usize {
    let texts: usize = envelope
        .item
        .headlines
        .iter()
        .chain(&envelope.item.bodies)
        .map(|block| block.value.len())
        .sum();
    let entities: usize = envelope
        .entities
        .iter()
        .map(|e| 160 + 2 * e.name.len() + 80 * e.mentions.len())
        .sum();
    512 + texts + texts / 16 + entities
}

/// `now` as RFC 3339 with milliseconds, for `processedAt`.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
