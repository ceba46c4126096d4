//! Story clustering. (Placeholder: every unique story starts its own story.)

use crate::entities::Entity;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClusterConfig {}

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {}

pub struct ClusterDoc<'a> {
    pub uri: &'a str,
    pub event_time_ms: i64,
    pub headline: &'a str,
    pub body: &'a str,
    pub entities: &'a [Entity],
}

#[derive(Debug, Clone, Copy)]
pub struct ClusterDecision {
    pub story_id: u64,
    pub joined: bool,
    pub similarity: f32,
}

#[derive(Debug, Default)]
pub struct StoryClusterer {
    clusters: usize,
}

impl StoryClusterer {
    pub fn new(_cfg: ClusterConfig) -> Result<Self, ClusterError> {
        Ok(Self::default())
    }

    pub fn assign(&mut self, doc: &ClusterDoc) -> ClusterDecision {
        self.clusters += 1;
        ClusterDecision {
            story_id: xxhash_rust::xxh3::xxh3_64(doc.uri.as_bytes()),
            joined: false,
            similarity: 0.0,
        }
    }

    pub fn add_duplicate(&mut self, _story_id: u64, _doc: &ClusterDoc) {}

    pub fn len(&self) -> usize {
        self.clusters
    }

    pub fn is_empty(&self) -> bool {
        self.clusters == 0
    }

    pub fn index_bytes(&self) -> usize {
        0
    }
}

pub fn story_id_string(id: u64) -> String {
    format!("story:{id:016x}")
}
