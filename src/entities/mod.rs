//! Entity tagging for wiredesk: who and where each story is about. Known people, organisations
//! and places come from the embedded gazetteer (one anchored byte trie, case-aware, longest
//! match first); names no list knows come from capitalised runs typed by titles, head words and
//! place cues; in-document resolution folds surnames, first names, acronyms and headline mentions
//! into one entity per real-world thing with a stable id. `eval` scores predictions against gold.

pub mod eval;
mod gazetteer;
mod lexicon;
mod tagger;
mod text;
mod trie;

use thiserror::Error;

pub use tagger::{slug, wiredesk_id};

/// The gazetteer compiled into the binary.
pub const EMBEDDED_GAZETTEER: &str = include_str!("../../data/gazetteer/gazetteer.tsv");
/// Nationality adjectives compiled into the binary (one per line).
pub const EMBEDDED_DEMONYMS: &str = include_str!("../../data/gazetteer/demonyms.txt");

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Person,
    Organisation,
    Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Headline,
    Body,
}

/// One mention: byte offsets into the output item's headline or body; text == that slice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mention {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One real-world entity of a document with all its mentions.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entity {
    pub id: String, // gazetteer id (GeoNames URI for places) or wiredesk:<type>:<slug>
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    pub name: String, // canonical name
    pub mentions: Vec<Mention>,
}

/// Errors building the tagger or reading evaluation files.
#[derive(Debug, Error)]
pub enum EntityError {
    #[error("gazetteer line {line}: {reason}")]
    Gazetteer { line: usize, reason: String },
    #[error("building the alias automaton: {0}")]
    Automaton(String),
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("parsing {path}: {source}")]
    Json {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

/// Tags stories with people, organisations and places. Immutable after construction; share it
/// across threads freely.
#[derive(Debug)]
pub struct EntityTagger {
    engine: tagger::Engine,
}

impl EntityTagger {
    /// Builds the tagger from the embedded gazetteer and demonym list.
    pub fn new() -> Result<Self, EntityError> {
        Self::from_sources(EMBEDDED_GAZETTEER, EMBEDDED_DEMONYMS)
    }

    /// Builds the tagger from gazetteer TSV text and a demonym list (one per line; `#` comments;
    /// tab, `|` or `,` separated alternatives are all taken as demonyms).
    pub fn from_sources(gazetteer_tsv: &str, demonyms: &str) -> Result<Self, EntityError> {
        let gazetteer = gazetteer::Gazetteer::parse(gazetteer_tsv)?;
        let demonym_words = demonyms
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .flat_map(|line| line.split(['\t', '|', ',']));
        Ok(Self {
            engine: tagger::Engine {
                gazetteer,
                lexicon: lexicon::Lexicon::new(demonym_words),
            },
        })
    }

    /// Tags one story. Entities are ordered by first mention (headline first), then id; mentions
    /// by field and offset.
    pub fn tag(&self, headline: &str, body: &str) -> Vec<Entity> {
        self.engine.tag(headline, body)
    }
}

#[cfg(test)]
mod tests;
