//! Scoring entity predictions against gold annotations: document-level precision, recall and F1
//! per entity type, the split rate (one gold entity predicted as several) and id consistency of
//! each gold entity across documents. Gold files have the seeds' `gold.json` shape
//! (`documents: {key: {entities: [{type, canonical, aliases, required}]}}`, extra keys ignored).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use super::{Entity, EntityError, EntityType};

/// One gold entity of one document.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    pub canonical: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default = "default_required")]
    pub required: bool,
}

fn default_required() -> bool {
    true
}

/// Gold annotations of one document.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoldDocument {
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
    #[serde(default)]
    pub event: Option<String>,
}

/// A gold file: documents keyed by uri or file name.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoldSet {
    pub documents: BTreeMap<String, GoldDocument>,
}

impl GoldSet {
    /// Parses gold JSON text.
    pub fn from_json(text: &str, origin: &str) -> Result<Self, EntityError> {
        serde_json::from_str(text).map_err(|source| EntityError::Json {
            path: origin.to_string(),
            source,
        })
    }

    /// Reads and parses a gold file.
    pub fn load(path: &Path) -> Result<Self, EntityError> {
        let text = std::fs::read_to_string(path).map_err(|source| EntityError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text, &path.display().to_string())
    }

    /// The gold document for a prediction key: exact key, else the key's file name.
    pub fn document(&self, key: &str) -> Option<&GoldDocument> {
        self.documents.get(key).or_else(|| {
            let file_name = key.rsplit(['/', '\\']).next().unwrap_or(key);
            self.documents.get(file_name)
        })
    }
}

/// Counts for one entity type.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TypeScore {
    /// Required gold entities found.
    pub true_positives: usize,
    /// Predicted entities matching no gold entity of their type.
    pub false_positives: usize,
    /// Required gold entities not found.
    pub false_negatives: usize,
}

impl TypeScore {
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
    pub fn f1(&self) -> f64 {
        let (precision, recall) = (self.precision(), self.recall());
        if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        }
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        1.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// The outcome of [`score`].
#[derive(Debug, Clone, Default)]
pub struct EntityReport {
    pub documents: usize,
    /// Prediction keys with no gold document (skipped).
    pub unmatched_documents: Vec<String>,
    pub by_type: BTreeMap<EntityType, TypeScore>,
    /// Gold entities matched by at least one prediction.
    pub matched_gold: usize,
    /// Gold entities matched by two or more predictions in one document.
    pub split_gold: usize,
    /// Documents where a multi-document gold entity got its most common predicted id.
    pub consistent_id_documents: usize,
    /// Documents where a multi-document gold entity was predicted at all.
    pub id_documents: usize,
    /// Example errors: (document, description).
    pub errors: Vec<(String, String)>,
}

impl EntityReport {
    pub fn overall(&self) -> TypeScore {
        let mut total = TypeScore::default();
        for score in self.by_type.values() {
            total.true_positives += score.true_positives;
            total.false_positives += score.false_positives;
            total.false_negatives += score.false_negatives;
        }
        total
    }
    pub fn split_rate(&self) -> f64 {
        if self.matched_gold == 0 {
            0.0
        } else {
            self.split_gold as f64 / self.matched_gold as f64
        }
    }
    pub fn id_consistency(&self) -> f64 {
        ratio(self.consistent_id_documents, self.id_documents)
    }
}

fn normalise(text: &str) -> String {
    text.trim()
        .replace('\u{2019}', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn matches_gold(entity: &Entity, gold: &GoldEntity) -> bool {
    if entity.entity_type != gold.entity_type {
        return false;
    }
    let gold_names: Vec<String> = std::iter::once(&gold.canonical)
        .chain(gold.aliases.iter())
        .map(|name| normalise(name))
        .collect();
    std::iter::once(entity.name.as_str())
        .chain(entity.mentions.iter().map(|mention| mention.text.as_str()))
        .any(|surface| gold_names.contains(&normalise(surface)))
}

/// Scores predictions (document key, entities) against gold.
pub fn score(pred: &[(String, Vec<Entity>)], gold: &GoldSet) -> EntityReport {
    let mut report = EntityReport::default();
    for entity_type in [
        EntityType::Person,
        EntityType::Organisation,
        EntityType::Place,
    ] {
        report.by_type.insert(entity_type, TypeScore::default());
    }
    // (type, canonical) -> predicted id per document, and the documents' keys.
    let mut ids: HashMap<(EntityType, String), Vec<String>> = HashMap::new();
    let mut id_documents: HashMap<(EntityType, String), Vec<&str>> = HashMap::new();
    for (key, entities) in pred {
        let Some(document) = gold.document(key) else {
            report.unmatched_documents.push(key.clone());
            continue;
        };
        report.documents += 1;
        let mut predicted_matched = vec![false; entities.len()];
        for gold_entity in &document.entities {
            let matching: Vec<usize> = entities
                .iter()
                .enumerate()
                .filter(|(_, entity)| matches_gold(entity, gold_entity))
                .map(|(index, _)| index)
                .collect();
            for index in &matching {
                predicted_matched[*index] = true;
            }
            if !matching.is_empty() {
                report.matched_gold += 1;
                if matching.len() >= 2 {
                    report.split_gold += 1;
                    report.errors.push((
                        key.clone(),
                        format!(
                            "split {:?} {}",
                            gold_entity.entity_type, gold_entity.canonical
                        ),
                    ));
                }
                let best = matching
                    .iter()
                    .max_by_key(|index| entities[**index].mentions.len())
                    .map(|index| entities[*index].id.clone())
                    .unwrap_or_default();
                let gold_key = (gold_entity.entity_type, gold_entity.canonical.clone());
                id_documents
                    .entry(gold_key.clone())
                    .or_default()
                    .push(key.as_str());
                ids.entry(gold_key).or_default().push(best);
            }
            if !gold_entity.required {
                continue;
            }
            if let Some(type_score) = report.by_type.get_mut(&gold_entity.entity_type) {
                if matching.is_empty() {
                    type_score.false_negatives += 1;
                    report.errors.push((
                        key.clone(),
                        format!(
                            "missed {:?} {}",
                            gold_entity.entity_type, gold_entity.canonical
                        ),
                    ));
                } else {
                    type_score.true_positives += 1;
                }
            }
        }
        for (index, entity) in entities.iter().enumerate() {
            if predicted_matched[index] {
                continue;
            }
            if let Some(type_score) = report.by_type.get_mut(&entity.entity_type) {
                type_score.false_positives += 1;
            }
            let surfaces: Vec<&str> = entity
                .mentions
                .iter()
                .map(|mention| mention.text.as_str())
                .collect();
            report.errors.push((
                key.clone(),
                format!(
                    "spurious {:?} {} {:?}",
                    entity.entity_type, entity.name, surfaces
                ),
            ));
        }
    }
    let mut id_groups: Vec<(&(EntityType, String), &Vec<String>)> = ids.iter().collect();
    id_groups.sort();
    for (gold_key, predicted) in id_groups {
        if predicted.len() < 2 {
            continue;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for id in predicted {
            *counts.entry(id.as_str()).or_default() += 1;
        }
        let most_common = counts.values().copied().max().unwrap_or(0);
        if counts.len() > 1 {
            // Named by the sets its documents come from ("urn:devset:b:*"), so that a blind
            // set's entities can be filtered out of the list like its per-document errors.
            let mut sets: Vec<&str> = id_documents
                .get(gold_key)
                .into_iter()
                .flatten()
                .map(|document| document.rsplit_once(':').map_or(*document, |(set, _)| set))
                .collect();
            sets.sort_unstable();
            sets.dedup();
            let documents = sets
                .iter()
                .map(|set| format!("{set}:*"))
                .collect::<Vec<_>>()
                .join(",");
            report.errors.push((
                documents,
                format!("ids differ for {:?} {}: {counts:?}", gold_key.0, gold_key.1),
            ));
        }
        report.consistent_id_documents += most_common;
        report.id_documents += predicted.len();
    }
    report
}

impl fmt::Display for EntityReport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(formatter, "documents scored: {}", self.documents)?;
        if !self.unmatched_documents.is_empty() {
            writeln!(
                formatter,
                "documents without gold: {}",
                self.unmatched_documents.len()
            )?;
        }
        writeln!(
            formatter,
            "{:<14} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7}",
            "type", "tp", "fp", "fn", "P", "R", "F1"
        )?;
        let overall = self.overall();
        let rows = self
            .by_type
            .iter()
            .map(|(entity_type, score)| (format!("{entity_type:?}").to_lowercase(), *score))
            .chain(std::iter::once(("all".to_string(), overall)));
        for (label, score) in rows {
            writeln!(
                formatter,
                "{:<14} {:>5} {:>5} {:>5} {:>7.3} {:>7.3} {:>7.3}",
                label,
                score.true_positives,
                score.false_positives,
                score.false_negatives,
                score.precision(),
                score.recall(),
                score.f1()
            )?;
        }
        writeln!(
            formatter,
            "split rate: {:.2}% ({} of {} matched gold entities)",
            self.split_rate() * 100.0,
            self.split_gold,
            self.matched_gold
        )?;
        write!(
            formatter,
            "id consistency: {:.2}% ({} of {} document mentions of multi-document entities)",
            self.id_consistency() * 100.0,
            self.consistent_id_documents,
            self.id_documents
        )?;
        // Study aid: WIREDESK_EVAL_ERRORS=1 lists every miss, spurious entity and split.
        if std::env::var_os("WIREDESK_EVAL_ERRORS").is_some() {
            for (document, error) in &self.errors {
                write!(formatter, "\n  {document}: {error}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Field, Mention};
    use super::*;

    fn entity(id: &str, entity_type: EntityType, name: &str, surfaces: &[&str]) -> Entity {
        Entity {
            id: id.to_string(),
            entity_type,
            name: name.to_string(),
            mentions: surfaces
                .iter()
                .map(|text| Mention {
                    field: Field::Body,
                    start: 0,
                    end: text.len(),
                    text: text.to_string(),
                })
                .collect(),
        }
    }

    const GOLD: &str = r#"{"documents": {
        "a.txt": {"entities": [
            {"type": "person", "canonical": "Kim Jong Un", "aliases": ["Kim Jong-un", "Kim"], "required": true},
            {"type": "place", "canonical": "North Korea", "aliases": ["DPRK"], "required": true},
            {"type": "organisation", "canonical": "Kremlin", "aliases": ["Kremlin"], "required": false}
        ]},
        "b.txt": {"event": "e1", "entities": [
            {"type": "person", "canonical": "Kim Jong Un", "aliases": ["Kim Jong Un"], "required": true}
        ]}
    }}"#;

    #[test]
    fn scores_types_splits_and_ids() -> Result<(), EntityError> {
        let gold = GoldSet::from_json(GOLD, "test")?;
        let predictions = vec![
            (
                "dir/a.txt".to_string(),
                vec![
                    entity("p:kim", EntityType::Person, "Kim Jong Un", &["Kim Jong-un"]),
                    entity("p:kim2", EntityType::Person, "Kim", &["KIM"]),
                    entity(
                        "o:kremlin",
                        EntityType::Organisation,
                        "Kremlin",
                        &["Kremlin"],
                    ),
                    entity("o:x", EntityType::Organisation, "Nothing", &["Nothing"]),
                ],
            ),
            (
                "b.txt".to_string(),
                vec![entity(
                    "p:other",
                    EntityType::Person,
                    "Kim Jong Un",
                    &["Kim Jong Un"],
                )],
            ),
        ];
        let report = score(&predictions, &gold);
        assert_eq!(report.documents, 2);
        let person = report.by_type[&EntityType::Person];
        assert_eq!(
            (
                person.true_positives,
                person.false_positives,
                person.false_negatives
            ),
            (2, 0, 0)
        );
        let place = report.by_type[&EntityType::Place];
        assert_eq!(place.false_negatives, 1);
        let organisation = report.by_type[&EntityType::Organisation];
        assert_eq!(
            (organisation.true_positives, organisation.false_positives),
            (0, 1)
        );
        assert_eq!(report.split_gold, 1);
        assert_eq!(
            (report.consistent_id_documents, report.id_documents),
            (1, 2)
        );
        assert!(report.to_string().contains("split rate"));
        Ok(())
    }
}
