//! Dead-letter records: the original bytes unchanged, with headers saying why and where from.

use crate::story::RejectReason;
use rdkafka::message::{Header, OwnedHeaders};

pub const HEADER_REASON: &str = "wiredesk-reason";
pub const HEADER_ERROR: &str = "wiredesk-error";
pub const HEADER_TOPIC: &str = "wiredesk-source-topic";
pub const HEADER_PARTITION: &str = "wiredesk-source-partition";
pub const HEADER_OFFSET: &str = "wiredesk-source-offset";

/// Headers of an output envelope.
pub const HEADER_STORY_ID: &str = "wiredesk-story-id";
pub const HEADER_VERDICT: &str = "wiredesk-verdict";
/// `topic/partition/offset` of the input, so consumers can drop repeats after a crash.
pub const HEADER_SOURCE: &str = "wiredesk-source";

/// Headers of a dead-letter record.
pub fn dead_letter_headers(
    reason: &RejectReason,
    topic: &str,
    partition: i32,
    offset: i64,
) -> OwnedHeaders {
    let error = reason.to_string();
    let partition = partition.to_string();
    let offset = offset.to_string();
    OwnedHeaders::new_with_capacity(5)
        .insert(Header {
            key: HEADER_REASON,
            value: Some(reason.label()),
        })
        .insert(Header {
            key: HEADER_ERROR,
            value: Some(error.as_str()),
        })
        .insert(Header {
            key: HEADER_TOPIC,
            value: Some(topic),
        })
        .insert(Header {
            key: HEADER_PARTITION,
            value: Some(partition.as_str()),
        })
        .insert(Header {
            key: HEADER_OFFSET,
            value: Some(offset.as_str()),
        })
}

/// Headers of an output envelope.
pub fn envelope_headers(story_id: &str, verdict: &str, source: &str) -> OwnedHeaders {
    OwnedHeaders::new_with_capacity(3)
        .insert(Header {
            key: HEADER_STORY_ID,
            value: Some(story_id),
        })
        .insert(Header {
            key: HEADER_VERDICT,
            value: Some(verdict),
        })
        .insert(Header {
            key: HEADER_SOURCE,
            value: Some(source),
        })
}
