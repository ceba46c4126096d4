//! The output contract: one JSON envelope per story, holding a ninjs 3.1 `item` with its
//! people/organisations/places filled, the `dedup` verdict, the tagged `entities`, where the story
//! came from (`source`) and when it was processed.

use crate::entities::{Entity, EntityType};
use serde::Serialize;

/// One enriched story, as written to the output topic or file.
#[derive(Debug, Clone, Serialize)]
pub struct Envelope {
    pub item: Item,
    pub dedup: DedupBlock,
    pub entities: Vec<Entity>,
    pub source: Source,
    #[serde(rename = "processedAt")]
    pub processed_at: String,
}

/// A ninjs 3.1 item (validates against `ninjs-schema_3.1.json`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub uri: String,
    #[serde(rename = "type")]
    pub item_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub headlines: Vec<TextBlock>,
    pub bodies: Vec<TextBlock>,
    pub people: Vec<EntityRef>,
    pub organisations: Vec<EntityRef>,
    pub places: Vec<EntityRef>,
}

/// A ninjs headline or body block.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TextBlock {
    pub role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<&'static str>,
    pub value: String,
}

/// A ninjs person/organisation/place reference: `uri` when the id is a URI, else `literal`.
#[derive(Debug, Clone, Serialize)]
pub struct EntityRef {
    pub name: String,
    pub rel: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub literal: Option<String>,
}

/// The dedup verdict for a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// First report of its story.
    Unique,
    /// A re-send or version of an earlier story (`duplicateOf` names the first of the chain).
    Duplicate,
    /// An independent report of an event already seen (joined its story).
    Related,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unique => "unique",
            Verdict::Duplicate => "duplicate",
            Verdict::Related => "related",
        }
    }

    pub const ALL: [Verdict; 3] = [Verdict::Unique, Verdict::Duplicate, Verdict::Related];
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DedupBlock {
    pub verdict: Verdict,
    pub duplicate_of: Option<String>,
    pub similarity: f32,
    pub story_id: String,
}

/// Where the input came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Source {
    Kafka {
        topic: String,
        partition: i32,
        offset: i64,
    },
    File {
        file: String,
        line: usize,
    },
}

impl Item {
    /// Builds the item of a story (its texts move into the item) and fills
    /// people/organisations/places from its entities.
    pub fn new(story: crate::story::Story, entities: &[Entity]) -> Self {
        let mut people = Vec::new();
        let mut organisations = Vec::new();
        let mut places = Vec::new();
        for e in entities {
            let r = EntityRef::of(e);
            match e.entity_type {
                EntityType::Person => people.push(r),
                EntityType::Organisation => organisations.push(r),
                EntityType::Place => places.push(r),
            }
        }
        let headlines = if story.headline.is_empty() {
            Vec::new()
        } else {
            vec![TextBlock {
                role: "main",
                content_type: None,
                value: story.headline,
            }]
        };
        Item {
            uri: story.uri,
            item_type: "text",
            version_created: story
                .version_created
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            language: story.language,
            by: story.by,
            headlines,
            bodies: vec![TextBlock {
                role: "main",
                content_type: Some("text/plain"),
                value: story.body,
            }],
            people,
            organisations,
            places,
        }
    }
}

impl EntityRef {
    fn of(e: &Entity) -> Self {
        let is_uri = e.id.starts_with("http://") || e.id.starts_with("https://");
        EntityRef {
            name: e.name.clone(),
            rel: "mentioned",
            uri: is_uri.then(|| e.id.clone()),
            literal: (!is_uri).then(|| e.id.clone()),
        }
    }
}
