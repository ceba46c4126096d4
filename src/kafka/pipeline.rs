//! `wiredesk run`: consume the input topic, enrich each story with the pure core, produce the
//! envelope (or a dead letter), and commit input offsets only once the broker acknowledged what
//! they produced. A chain of small steps with bounded in-flight work:
//!
//! consume → parse/enrich (core) → produce (idempotent) → delivery report acks the offset →
//! periodic commit of contiguous acknowledged offsets.
//!
//! Shutdown (SIGINT/SIGTERM or the `shutdown` channel): stop consuming, wait for every in-flight
//! output (re-sending failed ones), commit, return — within `shutdown.timeout_secs`.

use crate::config::{Config, Delivery};
use crate::enrich::{State, StoryContext};
use crate::envelope::DedupBlock;
use crate::envelope::Source;
use crate::kafka::dlq::{dead_letter_headers, envelope_headers};
use crate::kafka::offsets::OffsetTracker;
use crate::kafka::shared::{self, Follower};
use crate::kafka::sink::{FailedRecord, InputRef, SinkContext, output_stalled};
use crate::kafka::source::{Flush, SourceContext, commit_offsets};
use crate::kafka::workers::{Job, Workers};
use crate::kafka::{
    KafkaPipelineError, input_consumer, producer_config, rejoin_if_stranded, subscribe_input,
};
use crate::metrics::{
    EnvelopeCorrected, KafkaErrorEvent, MessageConsumed, ReadinessChanged, StoryRejected,
    WindowSizes,
};
use crate::processor::{Outcome, now_ms, now_rfc3339, process_message_replaying};
use crate::replica::{Correction, RecentOutputs, StoryRecord};
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, Producer, ThreadedProducer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, mpsc, watch};

/// Knobs that are not part of the service config (tests, demo).
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Log a progress line at INFO every this many messages (0: never).
    pub log_every: u64,
}

/// Counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub consumed: u64,
    pub enriched: u64,
    pub dead_letters: u64,
    pub retried: u64,
    pub commits: u64,
    /// Exactly-once mode: transactions aborted (and their input reprocessed).
    pub aborts: u64,
}

type Sink = ThreadedProducer<SinkContext>;

/// Runs the pipeline until `shutdown` becomes true; returns what it did.
pub async fn run_pipeline(
    config: &Config,
    state: State,
    mut shutdown: watch::Receiver<bool>,
    options: RunOptions,
) -> Result<RunSummary, KafkaPipelineError> {
    let instance = shared::instance_id();
    let Some(mut follower) = start_sharing(config, &state, &instance, &mut shutdown).await? else {
        return Ok(RunSummary::default());
    };
    if config.kafka.delivery == Delivery::ExactlyOnce {
        return crate::kafka::eos::run(config, state, shutdown, options, &instance, follower).await;
    }
    let k = &config.kafka;
    let tracker = Arc::new(Mutex::new(OffsetTracker::new()));
    let progress = Arc::new(Notify::new());
    let (failed_tx, mut failed_rx) = mpsc::unbounded_channel::<FailedRecord>();

    let consumer = input_consumer(config, tracker.clone())?;
    let last_ack_ms = consumer.context().last_ack_ms.clone();
    let sink_ctx = SinkContext {
        tracker: tracker.clone(),
        failed: failed_tx,
        progress: progress.clone(),
        last_ack_ms: last_ack_ms.clone(),
    };
    let producer: Arc<Sink> = Arc::new(producer_config(k).create_with_context(sink_ctx).map_err(
        |source| KafkaPipelineError::Client {
            what: "producer",
            brokers: k.brokers.clone(),
            source,
        },
    )?);
    let flush_handle: Arc<dyn Flush> = producer.clone();
    let _ = consumer.context().producer.set(flush_handle);
    let worker_count = k.worker_count();
    let mut workers = Workers::start(config, &state, worker_count)?;
    subscribe_input(&consumer, k)?;
    tracing::info!(
        brokers = %k.brokers,
        group = %k.group_id,
        input = %k.input_topic,
        output = %k.output_topic,
        dlq = %k.dlq_topic,
        shared = %config.shared.topic,
        workers = worker_count,
        instance = %instance,
        "pipeline started (at-least-once)"
    );

    let mut summary = RunSummary::default();
    let mut recent = RecentOutputs::new(config.shared.recent_outputs);
    let mut commit_tick = tokio::time::interval(Duration::from_millis(k.commit_interval_ms.max(1)));
    commit_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let max_in_flight = k.max_in_flight;
    let out = Outputs {
        producer: &producer,
        tracker: &tracker,
        config,
        instance: &instance,
    };

    loop {
        if *shutdown.borrow() {
            break;
        }
        let in_flight = tracker.lock().map(|t| t.in_flight()).unwrap_or(0);
        let room = in_flight < max_in_flight;
        if !room && output_stalled(&tracker, &last_ack_ms) {
            // Backpressure with nothing acknowledged: the consumer is not polled meanwhile,
            // so readiness is judged from the acknowledgements.
            ReadinessChanged {
                ready: false,
                why: "broker not acknowledging output",
            }
            .emit();
        }
        tokio::select! {
            biased;
            _ = shutdown.changed() => {}
            Some(f) = failed_rx.recv() => { summary.retried += 1; resend(&producer, f).await; }
            Some(done) = workers.results.recv() => {
                out.publish(done, &mut summary, &mut recent).await;
                if options.log_every > 0 && (summary.enriched + summary.dead_letters) % options.log_every == 0 {
                    tracing::info!(consumed = summary.consumed, enriched = summary.enriched, dead_letters = summary.dead_letters, "progress");
                }
            }
            Some(c) = next_correction(&mut follower) => { out.correct(&c, &mut recent).await; }
            _ = commit_tick.tick() => {
                commit_progress(&consumer, &tracker, &mut summary, &state, CommitMode::Async);
                rejoin_if_stranded(&consumer, k)?;
            }
            _ = progress.notified(), if !room => {}
            _ = tokio::time::sleep(Duration::from_millis(5)), if !room => {}
            msg = consumer.recv(), if room => match msg {
                Ok(m) => {
                    let input = InputRef {
                        topic: m.topic().to_string(),
                        partition: m.partition(),
                        offset: m.offset(),
                        timestamp_ms: m.timestamp().to_millis(),
                        attempt: 0,
                    };
                    MessageConsumed { topic: &input.topic }.emit();
                    tracing::debug!(partition = input.partition, offset = input.offset, "consumed");
                    summary.consumed += 1;
                    if let Ok(mut t) = tracker.lock() {
                        t.track(&input.topic, input.partition, input.offset);
                    }
                    workers.dispatch(Job {
                        payload: m.payload().unwrap_or_default().to_vec(),
                        key: m.key().map(<[u8]>::to_vec),
                        input,
                    })?;
                }
                Err(e) => {
                    KafkaErrorEvent { kind: "consume", error: &e }.emit();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }

    // Drain: no more consuming; workers finish what they hold; wait for every in-flight output,
    // re-sending failures.
    tracing::info!("shutting down: draining in-flight outputs");
    workers.close();
    let deadline = Instant::now() + Duration::from_secs(config.shutdown.timeout_secs);
    loop {
        let in_flight = tracker.lock().map(|t| t.in_flight()).unwrap_or(0);
        if in_flight == 0 {
            break;
        }
        if Instant::now() >= deadline {
            commit_progress(&consumer, &tracker, &mut summary, &state, CommitMode::Sync);
            return Err(KafkaPipelineError::DrainTimeout {
                secs: config.shutdown.timeout_secs,
                in_flight,
            });
        }
        tokio::select! {
            Some(done) = workers.results.recv() => { out.publish(done, &mut summary, &mut recent).await; }
            _ = progress.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(20)) => {}
            Some(f) = failed_rx.recv() => { summary.retried += 1; resend(&producer, f).await; }
        }
    }
    workers.join();
    if let Some(f) = follower.as_mut() {
        f.stop();
    }
    commit_progress(&consumer, &tracker, &mut summary, &state, CommitMode::Sync);
    stopped(&consumer, &summary, "at-least-once");
    Ok(summary)
}

/// Starts following the shared topic (when `shared.topic` is set) and waits for its replay;
/// `Ok(None)` if shutdown came first. Not ready meanwhile.
pub(crate) async fn start_sharing(
    config: &Config,
    state: &State,
    instance: &str,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<Option<Option<Follower>>, KafkaPipelineError> {
    if config.shared.topic.is_empty() {
        return Ok(Some(None));
    }
    ReadinessChanged {
        ready: false,
        why: "replaying the shared index",
    }
    .emit();
    let mut follower = shared::start_follower(config, state.index.clone(), instance)?;
    let timeout = Duration::from_secs(config.shared.replay_timeout_secs);
    tokio::select! {
        done = follower.wait_replayed(timeout) => {
            if !done.complete {
                tracing::warn!(
                    topic = %config.shared.topic,
                    "the shared index replay did not finish within {} s; consuming input anyway (the replay goes on)",
                    config.shared.replay_timeout_secs
                );
            }
        }
        _ = shutdown.changed() => return Ok(None),
    }
    Ok(Some(Some(follower)))
}

/// The next tie-break correction, or never when sharing is off.
async fn next_correction(follower: &mut Option<Follower>) -> Option<Correction> {
    match follower {
        Some(f) => f.corrections.recv().await,
        None => std::future::pending().await,
    }
}

/// Where processed messages go: the output or dead-letter topic, the shared topic, corrections.
struct Outputs<'a> {
    producer: &'a Sink,
    tracker: &'a Mutex<OffsetTracker>,
    config: &'a Config,
    instance: &'a str,
}

impl Outputs<'_> {
    async fn publish(&self, done: Processed, summary: &mut RunSummary, recent: &mut RecentOutputs) {
        if done.enriched {
            summary.enriched += 1;
        } else {
            summary.dead_letters += 1;
        }
        if let (Some((story_tag, json)), Some((uri, _))) = (&done.recent, &done.decision) {
            recent.remember(uri, *story_tag, json);
        }
        let input = done.output.input.clone();
        tracing::debug!(
            partition = input.partition,
            offset = input.offset,
            "publishing"
        );
        let correction = done.correction;
        if let Some(record) = &done.record {
            // The input offset commits only once the shared record is acknowledged too, so a
            // restart never forgets a story whose input it will not consume again.
            if let Ok(mut t) = self.tracker.lock() {
                t.add_output(&input.topic, input.partition, input.offset);
            }
            produce(self.producer, done.output).await;
            let shared_record =
                shared::record_out(&self.config.shared.topic, self.instance, record, input);
            produce(self.producer, shared_record).await;
        } else {
            produce(self.producer, done.output).await;
        }
        if let Some(c) = correction {
            self.correct(&c, recent).await;
        }
    }

    async fn correct(&self, c: &Correction, recent: &mut RecentOutputs) {
        for (uri, json) in recent.corrections(c) {
            EnvelopeCorrected {
                uri: &uri,
                duplicate_of: &c.winner_uri,
            }
            .emit();
            let record = shared::correction_out(
                &self.config.kafka.output_topic,
                self.instance,
                uri,
                json,
                c,
            );
            produce(self.producer, record).await;
        }
    }
}

/// Leaves the group and reports the run, once everything is committed.
pub(crate) fn stopped(consumer: &StreamConsumer<SourceContext>, summary: &RunSummary, mode: &str) {
    ReadinessChanged {
        ready: false,
        why: "shut down",
    }
    .emit();
    consumer.unsubscribe();
    tracing::info!(
        mode,
        consumed = summary.consumed,
        enriched = summary.enriched,
        dead_letters = summary.dead_letters,
        retried = summary.retried,
        commits = summary.commits,
        aborts = summary.aborts,
        "pipeline stopped cleanly"
    );
}

/// A record ready to produce.
pub struct OutRecord {
    pub topic: String,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub headers: OwnedHeaders,
    pub input: InputRef,
}

/// What one consumed message became.
pub struct Processed {
    /// The envelope for the output topic, or the original bytes for the dead-letter topic.
    pub output: OutRecord,
    /// True for an envelope, false for a dead letter.
    pub enriched: bool,
    /// The dedup decision (exactly-once mode keeps it to replay an aborted transaction).
    pub decision: Option<(String, DedupBlock)>,
    /// What other instances learn of the story (none when sharing is off or nothing is new).
    pub record: Option<Box<StoryRecord>>,
    /// (story id, envelope JSON), kept for corrections when `shared.recent_outputs` > 0.
    pub recent: Option<(u64, Vec<u8>)>,
    /// An envelope published earlier that this story's decision corrects.
    pub correction: Option<Box<Correction>>,
}

/// Runs one consumed message through the core and builds the record to produce: the envelope for
/// the output topic, or the original bytes for the dead-letter topic.
pub fn enrich_message(
    config: &Config,
    state: &mut State,
    payload: &[u8],
    key: Option<Vec<u8>>,
    input: InputRef,
    replay: &HashMap<String, DedupBlock>,
) -> Processed {
    // Every event logged while this message is processed carries its Kafka position.
    let _span = tracing::debug_span!(
        "message",
        topic = %input.topic,
        partition = input.partition,
        offset = input.offset
    )
    .entered();
    let k = &config.kafka;
    let ctx = StoryContext {
        source: Source::Kafka {
            topic: input.topic.clone(),
            partition: input.partition,
            offset: input.offset,
        },
        processed_at: now_rfc3339(),
        fallback_time_ms: input.timestamp_ms.unwrap_or_else(now_ms),
        received_ms: Some(input.timestamp_ms.unwrap_or_else(now_ms)),
    };
    let sharing = !config.shared.topic.is_empty();
    match process_message_replaying(state, payload, config.limits.max_story_bytes, ctx, replay) {
        Outcome::Enriched(e) => {
            let source = format!("{}/{}/{}", input.topic, input.partition, input.offset);
            let recent = (sharing && config.shared.recent_outputs > 0)
                .then(|| (e.story_tag, e.json.clone()));
            let output = OutRecord {
                topic: k.output_topic.clone(),
                key: Some(e.uri.clone().into_bytes()),
                payload: e.json,
                headers: envelope_headers(&e.story_id, e.verdict.as_str(), &source),
                input,
            };
            Processed {
                output,
                enriched: true,
                decision: Some((e.uri, e.dedup)),
                record: e.record.filter(|_| sharing),
                recent,
                correction: e.correction,
            }
        }
        Outcome::Rejected(reason) => {
            let position = format!("{}/{}@{}", input.topic, input.partition, input.offset);
            StoryRejected {
                reason: &reason,
                position: &position,
            }
            .emit();
            let output = OutRecord {
                topic: k.dlq_topic.clone(),
                key,
                payload: payload.to_vec(),
                headers: dead_letter_headers(&reason, &input.topic, input.partition, input.offset),
                input,
            };
            Processed {
                output,
                enriched: false,
                decision: None,
                record: None,
                recent: None,
                correction: None,
            }
        }
    }
}

/// Enqueues a record, waiting while the producer queue is full.
async fn produce(producer: &Sink, rec: OutRecord) {
    let OutRecord {
        topic,
        key,
        payload,
        headers,
        input,
    } = rec;
    let mut opaque = Box::new(input);
    let mut headers = Some(headers);
    loop {
        let mut record: BaseRecord<'_, [u8], [u8], Box<InputRef>> =
            BaseRecord::with_opaque_to(&topic, opaque).payload(payload.as_slice());
        if let Some(k) = key.as_deref() {
            record = record.key(k);
        }
        if let Some(h) = headers.take() {
            record = record.headers(h);
        }
        match producer.send(record) {
            Ok(()) => return,
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), rec)) => {
                opaque = rec.delivery_opaque;
                headers = rec.headers;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            Err((e, rec)) => {
                // Not retriable at enqueue time (e.g. unknown topic): count, back off, try again;
                // the input offset stays uncommitted meanwhile.
                KafkaErrorEvent {
                    kind: "produce",
                    error: &e,
                }
                .emit();
                opaque = rec.delivery_opaque;
                headers = rec.headers;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// Produces a failed record again after a backoff that grows with its attempts.
async fn resend(producer: &Sink, f: FailedRecord) {
    let mut input = f.input;
    input.attempt += 1;
    let backoff = Duration::from_millis((50u64 << input.attempt.min(6)).min(5_000));
    tracing::warn!(
        topic = %f.topic,
        input = %format!("{}/{}@{}", input.topic, input.partition, input.offset),
        attempt = input.attempt,
        error = %f.error,
        "delivery failed; producing again in {backoff:?}"
    );
    tokio::time::sleep(backoff).await;
    produce(
        producer,
        OutRecord {
            topic: f.topic,
            key: f.key,
            payload: f.payload,
            headers: f.headers.unwrap_or_default(),
            input,
        },
    )
    .await;
}

/// Commits every partition's contiguous acknowledged progress and reports the window sizes.
/// Periodic commits are asynchronous (failures reach the commit callback and are superseded by
/// the next commit); the final one at shutdown is synchronous and covers every partition.
fn commit_progress(
    consumer: &StreamConsumer<SourceContext>,
    tracker: &Arc<Mutex<OffsetTracker>>,
    summary: &mut RunSummary,
    state: &State,
    mode: CommitMode,
) {
    {
        let index = crate::enrich::lock(&state.index);
        WindowSizes {
            stories: index.dedup.len(),
            index_bytes: index.dedup.index_bytes() + index.clusters.index_bytes(),
            clusters: index.clusters.len(),
        }
        .emit();
    }
    let offsets = match (tracker.lock(), mode) {
        (Ok(t), CommitMode::Sync) => t.positions(),
        (Ok(t), CommitMode::Async) => t.committable(),
        (Err(_), _) => return,
    };
    if offsets.is_empty() {
        return;
    }
    match commit_offsets(consumer, &offsets, mode) {
        Ok(()) => {
            summary.commits += 1;
            if let Ok(mut t) = tracker.lock() {
                t.mark_committed(&offsets);
            }
        }
        Err(e) => KafkaErrorEvent {
            kind: "commit",
            error: &e,
        }
        .emit(),
    }
}

/// Keeps the flush trait object usable for the producer type.
impl Flush for Arc<Sink> {
    fn flush(&self, timeout: Duration) {
        if let Err(e) = Producer::flush(self.as_ref(), timeout) {
            KafkaErrorEvent {
                kind: "produce",
                error: &e,
            }
            .emit();
        }
    }
}
