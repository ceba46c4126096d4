//! Exactly-once mode (`kafka.delivery = "exactly-once"`), for brokers with Kafka transactions:
//! each batch of consumed messages is enriched and produced inside one transaction, together with
//! its dead letters and the consumed offsets (`send_offsets_to_transaction`); no offset is ever
//! committed outside a transaction. If anything fails, the transaction is aborted and its batch is
//! processed again from the last committed position (re-fed from memory, since the consumer is
//! already past it), replaying the dedup decisions already taken so the verdicts do not change.
//! A fenced producer (another instance took over the transactional id) stops the process.
//!
//! Readers of the output must use `isolation.level=read_committed`.

use crate::config::Config;
use crate::enrich::State;
use crate::envelope::DedupBlock;
use crate::kafka::offsets::{OffsetTracker, Partition};
use crate::kafka::pipeline::{OutRecord, RunOptions, RunSummary, enrich_message, stopped};
use crate::kafka::shared::{self, Follower};
use crate::kafka::sink::InputRef;
use crate::kafka::source::SourceContext;
use crate::kafka::{KafkaPipelineError, input_consumer, producer_config, subscribe_input};
use crate::metrics::{KafkaErrorEvent, MessageConsumed, MessageProduced, ReadinessChanged};
use crate::processor::now_ms;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

type TxProducer = ThreadedProducer<DefaultProducerContext>;

/// How long one transactional call may take before the mode gives up with a clear error.
const TXN_TIMEOUT: Duration = Duration::from_secs(30);

/// One consumed message, kept until its transaction commits.
struct Consumed {
    payload: Vec<u8>,
    key: Option<Vec<u8>>,
    input: InputRef,
}

/// Messages of the open transaction, the next offset per partition, and the dedup decisions taken
/// (to replay them if the transaction aborts).
#[derive(Default)]
struct Batch {
    next: BTreeMap<Partition, i64>,
    decisions: Vec<(String, DedupBlock)>,
    messages: Vec<Consumed>,
}

impl Batch {
    fn len(&self) -> usize {
        self.messages.len()
    }
}

fn txn_error(what: &str, e: &KafkaError) -> KafkaPipelineError {
    KafkaPipelineError::Transactions(format!("{what}: {e}"))
}

fn is_fatal(e: &KafkaError) -> bool {
    match e {
        KafkaError::Transaction(r) => {
            r.is_fatal() || (!r.txn_requires_abort() && !r.is_retriable())
        }
        _ => false,
    }
}

/// Runs the exactly-once pipeline until `shutdown`.
pub async fn run(
    config: &Config,
    mut state: State,
    mut shutdown: watch::Receiver<bool>,
    options: RunOptions,
    instance: &str,
    mut follower: Option<Follower>,
) -> Result<RunSummary, KafkaPipelineError> {
    let k = &config.kafka;
    let tracker = Arc::new(Mutex::new(OffsetTracker::new()));
    let consumer = input_consumer(config, tracker)?;
    let transactional_id = k.transactional_id.clone().unwrap_or_else(|| {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into());
        format!("wiredesk-{}-{host}", k.group_id)
    });
    let producer: TxProducer = producer_config(k)
        .set("transactional.id", &transactional_id)
        .set("transaction.timeout.ms", "60000")
        .create()
        .map_err(|source| KafkaPipelineError::Client {
            what: "producer",
            brokers: k.brokers.clone(),
            source,
        })?;
    producer
        .init_transactions(TXN_TIMEOUT)
        .map_err(|e| txn_error("init_transactions", &e))?;
    subscribe_input(&consumer, k)?;
    tracing::info!(transactional_id = %transactional_id, "pipeline started (exactly-once)");

    let mut summary = RunSummary::default();
    let mut replay: HashMap<String, DedupBlock> = HashMap::new();
    // After an abort: the aborted batch, processed again from the last committed position before
    // anything new is consumed (the consumer's position is already past it).
    let mut redo: std::collections::VecDeque<Consumed> = std::collections::VecDeque::new();
    let batch_window = Duration::from_millis(k.commit_interval_ms.max(1) * 10);
    let batch_max = k.max_in_flight;

    'outer: loop {
        if *shutdown.borrow() {
            break;
        }
        if let Some(f) = follower.as_mut() {
            // Envelopes already committed are not re-sent in this mode; the tie-break still
            // converges the index, so later re-sends point at the winner.
            while let Ok(c) = f.corrections.try_recv() {
                tracing::info!(loser = %c.loser_uri, winner = %c.winner_uri, "tie-break with another instance settled (no correction sent in exactly-once mode)");
            }
        }
        producer
            .begin_transaction()
            .map_err(|e| txn_error("begin_transaction", &e))?;
        let mut batch = Batch::default();
        let deadline = tokio::time::Instant::now() + batch_window;
        while batch.len() < batch_max {
            let next = match redo.pop_front() {
                Some(c) => Some(c),
                None => tokio::select! {
                    biased;
                    _ = shutdown.changed() => break,
                    _ = tokio::time::sleep_until(deadline) => break,
                    msg = consumer.recv() => match msg {
                        Ok(m) => {
                            MessageConsumed { topic: m.topic() }.emit();
                            Some(Consumed {
                                payload: m.payload().unwrap_or_default().to_vec(),
                                key: m.key().map(<[u8]>::to_vec),
                                input: InputRef {
                                    topic: m.topic().to_string(),
                                    partition: m.partition(),
                                    offset: m.offset(),
                                    timestamp_ms: m.timestamp().to_millis(),
                                    attempt: 0,
                                },
                            })
                        }
                        Err(e) => {
                            KafkaErrorEvent { kind: "consume", error: &e }.emit();
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            None
                        }
                    },
                },
            };
            let Some(c) = next else { continue };
            summary.consumed += 1;
            batch.next.insert(
                (c.input.topic.clone(), c.input.partition),
                c.input.offset + 1,
            );
            let processed = enrich_message(
                config,
                &mut state,
                &c.payload,
                c.key.clone(),
                c.input.clone(),
                &replay,
            );
            if processed.enriched {
                summary.enriched += 1;
            } else {
                summary.dead_letters += 1;
            }
            if let Some(d) = processed.decision {
                batch.decisions.push(d);
            }
            let shared_record = processed
                .record
                .map(|r| shared::record_out(&config.shared.topic, instance, &r, c.input.clone()));
            batch.messages.push(c);
            let mut sent = send(&producer, processed.output).await;
            if let (Ok(()), Some(r)) = (&sent, shared_record) {
                sent = send(&producer, r).await;
            }
            if let Err(e) = sent {
                KafkaErrorEvent {
                    kind: "produce",
                    error: &e,
                }
                .emit();
                abort_batch(&producer, batch, &mut replay, &mut redo, &mut summary).await?;
                continue 'outer;
            }
        }
        if batch.len() == 0 {
            // Nothing consumed: close the empty transaction cheaply.
            if let Err(e) = producer.commit_transaction(TXN_TIMEOUT) {
                if is_fatal(&e) {
                    return Err(txn_error("commit_transaction", &e));
                }
                let _ = producer.abort_transaction(TXN_TIMEOUT);
            }
            continue;
        }
        match commit_batch(&producer, &consumer, &batch) {
            Ok(()) => {
                summary.commits += 1;
                let now = now_ms();
                for c in &batch.messages {
                    MessageProduced {
                        topic: &k.output_topic,
                        input_timestamp_ms: c.input.timestamp_ms,
                        now_ms: now,
                    }
                    .emit();
                }
                // Decisions of a committed batch are final; forget the replays it used.
                for (uri, _) in &batch.decisions {
                    replay.remove(uri);
                }
                ReadinessChanged {
                    ready: true,
                    why: "transaction committed",
                }
                .emit();
                if options.log_every > 0
                    && summary.consumed % options.log_every < batch.len() as u64
                {
                    tracing::info!(
                        consumed = summary.consumed,
                        commits = summary.commits,
                        "progress"
                    );
                }
            }
            Err(e) if is_fatal(&e) => {
                return Err(KafkaPipelineError::Transactions(format!(
                    "fatal transaction error, possibly fenced by another instance with transactional id {transactional_id}: {e}"
                )));
            }
            Err(e) => {
                KafkaErrorEvent {
                    kind: "commit",
                    error: &e,
                }
                .emit();
                abort_batch(&producer, batch, &mut replay, &mut redo, &mut summary).await?;
            }
        }
    }
    if let Some(f) = follower.as_mut() {
        f.stop();
    }
    stopped(&consumer, &summary, "exactly-once");
    Ok(summary)
}

/// Produces a record within the open transaction, waiting while the queue is full.
async fn send(producer: &TxProducer, rec: OutRecord) -> Result<(), KafkaError> {
    let mut headers = Some(rec.headers);
    loop {
        let mut record: BaseRecord<'_, [u8], [u8]> =
            BaseRecord::to(&rec.topic).payload(rec.payload.as_slice());
        if let Some(k) = rec.key.as_deref() {
            record = record.key(k);
        }
        if let Some(h) = headers.take() {
            record = record.headers(h);
        }
        match producer.send(record) {
            Ok(()) => return Ok(()),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                headers = r.headers;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            Err((e, _)) => return Err(e),
        }
    }
}

/// Sends the batch's offsets within the transaction and commits it.
fn commit_batch(
    producer: &TxProducer,
    consumer: &StreamConsumer<SourceContext>,
    batch: &Batch,
) -> Result<(), KafkaError> {
    let mut tpl = TopicPartitionList::new();
    for ((topic, partition), next) in &batch.next {
        tpl.add_partition_offset(topic, *partition, Offset::Offset(*next))?;
    }
    let metadata = consumer
        .group_metadata()
        .ok_or(KafkaError::ConsumerCommit(RDKafkaErrorCode::State))?;
    producer.send_offsets_to_transaction(&tpl, &metadata, TXN_TIMEOUT)?;
    producer.commit_transaction(TXN_TIMEOUT)
}

/// Aborts the open transaction; its messages are queued to be processed again, first thing in
/// the next transaction (that is, from the last committed position), with the batch's dedup
/// decisions kept for replay.
async fn abort_batch(
    producer: &TxProducer,
    batch: Batch,
    replay: &mut HashMap<String, DedupBlock>,
    redo: &mut std::collections::VecDeque<Consumed>,
    summary: &mut RunSummary,
) -> Result<(), KafkaPipelineError> {
    summary.aborts += 1;
    tracing::warn!(
        messages = batch.len(),
        "aborting the transaction; its input will be processed again"
    );
    producer
        .abort_transaction(TXN_TIMEOUT)
        .map_err(|e| txn_error("abort_transaction", &e))?;
    replay.extend(batch.decisions);
    // Messages of the aborted batch go before anything still queued from an earlier abort.
    for c in batch.messages.into_iter().rev() {
        redo.push_front(c);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(())
}
