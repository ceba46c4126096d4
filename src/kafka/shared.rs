//! The shared index through Kafka: this instance's story records go to the fingerprints topic
//! (see [`crate::replica`]), and a follower thread reads every partition of that topic into the
//! local index — first a replay of what the topic holds (the pipeline consumes no input and
//! `/readyz` stays 503 until it ends), then whatever other instances publish.

use crate::config::Config;
use crate::enrich::{SharedIndex, lock};
use crate::kafka::KafkaPipelineError;
use crate::kafka::dlq::envelope_headers;
use crate::kafka::pipeline::OutRecord;
use crate::kafka::sink::InputRef;
use crate::metrics::{KafkaErrorEvent, SharedRecordRead};
use crate::replica::{Absorbed, Correction, StoryRecord};
use rdkafka::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Message};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Header naming the instance that published a record or a correction.
pub const HEADER_INSTANCE: &str = "wiredesk-instance";
/// Header marking an envelope sent again after a tie-break.
pub const HEADER_CORRECTION: &str = "wiredesk-correction";

/// How the replay at start went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayDone {
    pub records: u64,
    pub seconds: f64,
    /// False when `replay_timeout_secs` passed first.
    pub complete: bool,
}

/// The running follower; stops when dropped or on [`Follower::stop`].
pub struct Follower {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
    /// Becomes `Some` when the replay ended.
    pub replayed: watch::Receiver<Option<ReplayDone>>,
    /// Tie-breaks this instance may owe a correction for.
    pub corrections: mpsc::UnboundedReceiver<Correction>,
}

impl Follower {
    /// Waits for the end of the replay, at most `replay_timeout_secs`.
    pub async fn wait_replayed(&mut self, timeout: Duration) -> ReplayDone {
        let started = Instant::now();
        let done = tokio::time::timeout(timeout, self.replayed.wait_for(Option::is_some)).await;
        match done {
            Ok(Ok(r)) => r.unwrap_or(ReplayDone {
                records: 0,
                seconds: 0.0,
                complete: false,
            }),
            _ => ReplayDone {
                records: 0,
                seconds: started.elapsed().as_secs_f64(),
                complete: false,
            },
        }
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A random id for this process (headers, the follower's client id).
pub fn instance_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "wiredesk".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{host}-{}-{:x}",
        std::process::id(),
        (nanos as u64) & 0xffff_ffff
    )
}

/// Starts the follower of `config.shared.topic` over every partition, from the beginning.
pub fn start_follower(
    config: &Config,
    index: SharedIndex,
    instance: &str,
) -> Result<Follower, KafkaPipelineError> {
    let k = &config.kafka;
    let topic = config.shared.topic.clone();
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &k.brokers)
        // Never joins a group (partitions are assigned), never commits: the group id only
        // satisfies the client.
        .set("group.id", format!("{}-shared-{instance}", k.group_id))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "true")
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed")
        .set("client.id", "wiredesk-shared");
    for (key, value) in &k.consumer {
        c.set(key, value);
    }
    let consumer: BaseConsumer<FollowerContext> =
        c.create_with_context(FollowerContext)
            .map_err(|source| KafkaPipelineError::Client {
                what: "consumer",
                brokers: k.brokers.clone(),
                source,
            })?;
    let partitions = topic_partitions(&consumer, &topic)?;
    // Where the replay ends: each partition's high watermark now. End-of-partition events are a
    // second signal (some arrive only as client errors, without their partition).
    let mut ends: HashMap<i32, i64> = HashMap::new();
    for &p in &partitions {
        if let Ok((low, high)) = consumer.fetch_watermarks(&topic, p, Duration::from_secs(10)) {
            ends.insert(p, if high <= low { 0 } else { high });
        }
    }
    let mut assignment = TopicPartitionList::new();
    for &p in &partitions {
        assignment
            .add_partition_offset(&topic, p, Offset::Beginning)
            .map_err(|source| shared_error(&topic, source))?;
    }
    consumer
        .assign(&assignment)
        .map_err(|source| shared_error(&topic, source))?;
    let stop = Arc::new(AtomicBool::new(false));
    let (replayed_tx, replayed) = watch::channel(None);
    let (corrections_tx, corrections) = mpsc::unbounded_channel();
    let stop_flag = stop.clone();
    let handle = std::thread::Builder::new()
        .name("wiredesk-shared".into())
        .spawn(move || {
            follow(
                &consumer,
                &index,
                &partitions,
                &ends,
                &stop_flag,
                &replayed_tx,
                &corrections_tx,
            )
        })
        .map_err(|e| KafkaPipelineError::Shared {
            topic: config.shared.topic.clone(),
            message: format!("cannot start the follower thread: {e}"),
        })?;
    tracing::info!(topic = %config.shared.topic, partitions = assignment.count(), "replaying the shared index");
    Ok(Follower {
        stop,
        handle: Some(handle),
        replayed,
        corrections,
    })
}

/// Client context of the follower: reaching the end of a partition is how the replay ends, not
/// an error worth a log line.
struct FollowerContext;

impl ClientContext for FollowerContext {
    fn error(&self, error: KafkaError, reason: &str) {
        let end_of_partition = matches!(error, KafkaError::PartitionEOF(_))
            || error.rdkafka_error_code() == Some(rdkafka::types::RDKafkaErrorCode::PartitionEOF);
        if !end_of_partition {
            let msg = format!("{error} ({reason})");
            KafkaErrorEvent {
                kind: "consume",
                error: &msg,
            }
            .emit();
        }
    }
}

impl ConsumerContext for FollowerContext {}

fn shared_error(topic: &str, e: KafkaError) -> KafkaPipelineError {
    KafkaPipelineError::Shared {
        topic: topic.to_string(),
        message: e.to_string(),
    }
}

/// The partitions of `topic`, waiting a little for the broker.
fn topic_partitions(
    consumer: &BaseConsumer<FollowerContext>,
    topic: &str,
) -> Result<Vec<i32>, KafkaPipelineError> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let last = match consumer.fetch_metadata(Some(topic), Duration::from_secs(5)) {
            Ok(md) => {
                let found = md.topics().iter().find(|t| t.name() == topic).map(|t| {
                    (
                        t.partitions().iter().map(|p| p.id()).collect::<Vec<_>>(),
                        t.error(),
                    )
                });
                match found {
                    Some((ids, None)) if !ids.is_empty() => return Ok(ids),
                    Some((_, Some(e))) => format!("{e:?}"),
                    _ => "topic not found".to_string(),
                }
            }
            Err(e) => e.to_string(),
        };
        if Instant::now() >= deadline {
            return Err(KafkaPipelineError::Shared {
                topic: topic.to_string(),
                message: last,
            });
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn follow(
    consumer: &BaseConsumer<FollowerContext>,
    index: &SharedIndex,
    partitions: &[i32],
    ends: &HashMap<i32, i64>,
    stop: &AtomicBool,
    replayed: &watch::Sender<Option<ReplayDone>>,
    corrections: &mpsc::UnboundedSender<Correction>,
) {
    let started = Instant::now();
    // Partitions already empty at start are replayed.
    let mut at_end: HashSet<i32> = partitions
        .iter()
        .copied()
        .filter(|p| ends.get(p) == Some(&0))
        .collect();
    let mut records: u64 = 0;
    let mut replaying = true;
    while !stop.load(Ordering::SeqCst) {
        if replaying && at_end.len() >= partitions.len() {
            replaying = false;
            let done = ReplayDone {
                records,
                seconds: started.elapsed().as_secs_f64(),
                complete: true,
            };
            tracing::info!(
                records = done.records,
                seconds = format!("{:.1}", done.seconds),
                "shared index replayed"
            );
            let _ = replayed.send(Some(done));
        }
        let Some(polled) = consumer.poll(Duration::from_millis(100)) else {
            continue;
        };
        match polled {
            Ok(msg) => {
                records += 1;
                if ends
                    .get(&msg.partition())
                    .is_some_and(|&end| msg.offset() + 1 >= end)
                {
                    at_end.insert(msg.partition());
                }
                let payload = msg.payload().unwrap_or_default();
                let received_ms = msg.timestamp().to_millis();
                let outcome = StoryRecord::from_bytes(payload)
                    .and_then(|record| lock(index).absorb(&record, received_ms));
                match outcome {
                    Ok(Absorbed::Known) => emit("known"),
                    Ok(Absorbed::Expired) => emit("expired"),
                    Ok(Absorbed::Indexed(None)) => emit("indexed"),
                    Ok(Absorbed::Indexed(Some(c))) => {
                        emit("race");
                        let _ = corrections.send(c);
                    }
                    Err(e) => SharedRecordRead {
                        outcome: "malformed",
                        problem: Some(&e),
                    }
                    .emit(),
                }
            }
            Err(KafkaError::PartitionEOF(p)) => {
                at_end.insert(p);
            }
            Err(e) => KafkaErrorEvent {
                kind: "consume",
                error: &e,
            }
            .emit(),
        }
    }
}

fn emit(outcome: &'static str) {
    SharedRecordRead {
        outcome,
        problem: None,
    }
    .emit();
}

/// The record announcing a story to the other instances (acknowledges `input` when delivered).
pub fn record_out(topic: &str, instance: &str, record: &StoryRecord, input: InputRef) -> OutRecord {
    OutRecord {
        topic: topic.to_string(),
        key: Some(record.uri.clone().into_bytes()),
        payload: record.to_bytes(),
        headers: rdkafka::message::OwnedHeaders::new_with_capacity(1).insert(Header {
            key: HEADER_INSTANCE,
            value: Some(instance),
        }),
        input,
    }
}

/// A corrected envelope for the output topic (acknowledges no input offset).
pub fn correction_out(
    output_topic: &str,
    instance: &str,
    uri: String,
    json: Vec<u8>,
    c: &Correction,
) -> OutRecord {
    let verdict = if *uri == *c.loser_uri {
        "duplicate"
    } else {
        "related"
    };
    let headers = envelope_headers(
        &crate::cluster::story_id_string(c.winner_story),
        verdict,
        "correction",
    )
    .insert(Header {
        key: HEADER_CORRECTION,
        value: Some("tie-break"),
    })
    .insert(Header {
        key: HEADER_INSTANCE,
        value: Some(instance),
    });
    OutRecord {
        topic: output_topic.to_string(),
        key: Some(uri.into_bytes()),
        payload: json,
        headers,
        input: InputRef {
            topic: String::new(),
            partition: -1,
            offset: -1,
            timestamp_ms: None,
            attempt: 0,
        },
    }
}
