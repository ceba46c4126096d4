//! Entity tagging: people, organisations and places mentioned in a story, one canonical entity
//! each, with stable ids and byte-offset mentions. (Placeholder tagger: tags nothing yet.)

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Person,
    Organisation,
    Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Headline,
    Body,
}

/// One mention: byte offsets into the output item's headline or body; text == that slice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One real-world entity of a document with all its mentions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    pub name: String,
    pub mentions: Vec<Mention>,
}

#[derive(Debug, thiserror::Error)]
pub enum EntityError {
    #[error("gazetteer line {line}: {reason}")]
    Gazetteer { line: usize, reason: String },
}

#[derive(Debug, Default)]
pub struct EntityTagger {}

impl EntityTagger {
    pub fn new() -> Result<Self, EntityError> {
        Ok(Self {})
    }

    pub fn tag(&self, _headline: &str, _body: &str) -> Vec<Entity> {
        Vec::new()
    }
}
