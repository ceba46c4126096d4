//! Near-duplicate detection. (Placeholder: exact duplicates through a hash of normalised text.)

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// Stories older than this (event time) leave the window.
    pub horizon_hours: u32,
}

impl Default for DedupConfig {
    fn default() -> Self {
        Self { horizon_hours: 72 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DedupError {
    #[error("dedup.horizon_hours must be at least 1")]
    Horizon,
}

#[derive(Debug, Clone)]
pub struct Fingerprint {
    hash: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Exact,
    Near,
}

#[derive(Debug, Clone)]
pub struct DedupMatch {
    pub original_uri: Arc<str>,
    pub story_tag: u64,
    pub similarity: f32,
    pub kind: MatchKind,
}

#[derive(Debug)]
pub struct DedupIndex {
    by_hash: HashMap<u64, (Arc<str>, u64)>,
}

impl DedupIndex {
    pub fn new(cfg: DedupConfig) -> Result<Self, DedupError> {
        if cfg.horizon_hours == 0 {
            return Err(DedupError::Horizon);
        }
        Ok(Self {
            by_hash: HashMap::new(),
        })
    }

    pub fn fingerprint(&self, headline: &str, body: &str) -> Fingerprint {
        let norm: String = format!("{headline} {body}")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ");
        Fingerprint {
            hash: xxhash_rust::xxh3::xxh3_64(norm.as_bytes()),
        }
    }

    pub fn find(&self, fp: &Fingerprint) -> Option<DedupMatch> {
        self.by_hash.get(&fp.hash).map(|(uri, tag)| DedupMatch {
            original_uri: uri.clone(),
            story_tag: *tag,
            similarity: 1.0,
            kind: MatchKind::Exact,
        })
    }

    pub fn insert(
        &mut self,
        fp: Fingerprint,
        uri: &str,
        _event_time_ms: i64,
        story_tag: u64,
        duplicate_of: Option<&DedupMatch>,
    ) {
        let root = duplicate_of
            .map(|m| m.original_uri.clone())
            .unwrap_or_else(|| Arc::from(uri));
        self.by_hash.entry(fp.hash).or_insert((root, story_tag));
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    pub fn index_bytes(&self) -> usize {
        self.by_hash.capacity() * 40
    }
}
