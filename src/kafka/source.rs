//! The consumer side: a consumer-group member whose context reports rebalances, lag (from
//! librdkafka statistics), readiness and errors, and which, when partitions are revoked, waits for
//! their outputs to be acknowledged and commits them before letting them go.

use crate::kafka::offsets::{OffsetTracker, Partition};
use crate::kafka::sink::output_stalled;
use crate::metrics::{ConsumerLag, KafkaErrorEvent, ReadinessChanged, Rebalanced};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::Producer;
use rdkafka::statistics::Statistics;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Something that can wait for all produced messages to be acknowledged.
pub trait Flush: Send + Sync {
    fn flush(&self, timeout: Duration);
}

impl<C: rdkafka::producer::ProducerContext + 'static> Flush
    for rdkafka::producer::ThreadedProducer<C>
{
    fn flush(&self, timeout: Duration) {
        if let Err(e) = Producer::flush(self, timeout) {
            KafkaErrorEvent {
                kind: "produce",
                error: &e,
            }
            .emit();
        }
    }
}

/// Context of the input consumer.
pub struct SourceContext {
    pub tracker: Arc<Mutex<OffsetTracker>>,
    /// Set once the producer exists; flushed on revoke.
    pub producer: OnceLock<Arc<dyn Flush>>,
    pub assigned: AtomicUsize,
    pub revoke_flush_timeout: Duration,
    /// Shared with the sink: when the broker last acknowledged an output.
    pub last_ack_ms: Arc<AtomicI64>,
    /// When the group last took the partitions away involuntarily (0: not waiting): the pipeline
    /// rejoins the group if no assignment (even an empty one) comes back in time.
    pub lost_since_ms: AtomicI64,
}

impl SourceContext {
    pub fn new(tracker: Arc<Mutex<OffsetTracker>>, revoke_flush_timeout: Duration) -> Self {
        SourceContext {
            tracker,
            producer: OnceLock::new(),
            assigned: AtomicUsize::new(0),
            revoke_flush_timeout,
            last_ack_ms: Arc::new(AtomicI64::new(crate::processor::now_ms())),
            lost_since_ms: AtomicI64::new(0),
        }
    }
}

fn partitions_of(tpl: &TopicPartitionList) -> Vec<Partition> {
    tpl.elements()
        .iter()
        .map(|e| (e.topic().to_string(), e.partition()))
        .collect()
}

fn describe(parts: &[Partition]) -> String {
    parts
        .iter()
        .map(|(t, p)| format!("{t}/{p}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Commits the given offsets (`Sync` waits for the broker's answer; `Async` reports failures to
/// the commit callback).
pub fn commit_offsets<K: Consumer<C>, C: ConsumerContext>(
    consumer: &K,
    offsets: &[(Partition, i64)],
    mode: CommitMode,
) -> Result<(), KafkaError> {
    if offsets.is_empty() {
        return Ok(());
    }
    let mut tpl = TopicPartitionList::new();
    for ((topic, partition), offset) in offsets {
        tpl.add_partition_offset(topic, *partition, Offset::Offset(*offset))?;
    }
    consumer.commit(&tpl, mode)
}

impl ClientContext for SourceContext {
    fn stats(&self, statistics: Statistics) {
        for (name, topic) in &statistics.topics {
            for (id, p) in &topic.partitions {
                if *id >= 0 && p.consumer_lag >= 0 {
                    ConsumerLag {
                        topic: name,
                        partition: *id,
                        lag: p.consumer_lag,
                    }
                    .emit();
                }
            }
        }
        let broker_up = statistics
            .brokers
            .values()
            .any(|b| b.nodeid >= 0 && b.state == "UP");
        let assigned = self.assigned.load(Ordering::SeqCst) > 0;
        let stalled = output_stalled(&self.tracker, &self.last_ack_ms);
        ReadinessChanged {
            ready: broker_up && assigned && !stalled,
            why: if !broker_up {
                "no broker reachable"
            } else if stalled {
                "broker not acknowledging output"
            } else if !assigned {
                "no partitions assigned"
            } else {
                "partitions assigned and broker reachable"
            },
        }
        .emit();
    }

    fn error(&self, error: KafkaError, reason: &str) {
        let transport = matches!(
            error.rdkafka_error_code(),
            Some(RDKafkaErrorCode::AllBrokersDown | RDKafkaErrorCode::BrokerTransportFailure)
        );
        if matches!(
            error.rdkafka_error_code(),
            Some(RDKafkaErrorCode::AllBrokersDown)
        ) {
            ReadinessChanged {
                ready: false,
                why: "all brokers down",
            }
            .emit();
        }
        let msg = format!("{error} ({reason})");
        KafkaErrorEvent {
            kind: if transport { "transport" } else { "consume" },
            error: &msg,
        }
        .emit();
    }
}

impl ConsumerContext for SourceContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(tpl) = rebalance else {
            return;
        };
        let parts = partitions_of(tpl);
        self.assigned.store(0, Ordering::SeqCst);
        ReadinessChanged {
            ready: false,
            why: "partitions revoked",
        }
        .emit();
        Rebalanced {
            kind: "revoke",
            partitions: &describe(&parts),
        }
        .emit();
        if consumer.assignment_lost() {
            // The group already gave these partitions away (session timeout, broker unreachable):
            // committing is impossible; the next owner resumes from the last commit.
            tracing::warn!(partitions = %describe(&parts), "assignment lost; uncommitted work will be redone by the next owner");
            if !parts.is_empty() {
                self.lost_since_ms
                    .store(crate::processor::now_ms(), Ordering::SeqCst);
            }
            if let Ok(mut t) = self.tracker.lock() {
                for (topic, partition) in &parts {
                    t.remove(topic, *partition);
                }
            }
            return;
        }
        // Finish what was assigned: wait for outstanding outputs, then commit them.
        if let Some(p) = self.producer.get() {
            p.flush(self.revoke_flush_timeout);
        }
        let offsets = match self.tracker.lock() {
            Ok(t) => t.committable_for(&parts),
            Err(_) => Vec::new(),
        };
        match commit_offsets(consumer, &offsets, CommitMode::Sync) {
            Ok(()) => {
                if let Ok(mut t) = self.tracker.lock() {
                    t.mark_committed(&offsets);
                }
            }
            Err(e) => KafkaErrorEvent {
                kind: "commit",
                error: &e,
            }
            .emit(),
        }
        if let Ok(mut t) = self.tracker.lock() {
            for (topic, partition) in &parts {
                let left = t.remove(topic, *partition);
                if left > 0 {
                    tracing::warn!(
                        topic,
                        partition,
                        left,
                        "revoked with unacknowledged outputs; the next owner reprocesses them"
                    );
                }
            }
        }
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(tpl) => {
                let parts = partitions_of(tpl);
                self.assigned.store(parts.len(), Ordering::SeqCst);
                // The group answered (an empty assignment is an answer too: more members
                // than partitions); only a join that never completes calls for a rejoin.
                self.lost_since_ms.store(0, Ordering::SeqCst);
                Rebalanced {
                    kind: "assign",
                    partitions: &describe(&parts),
                }
                .emit();
                if !parts.is_empty() {
                    ReadinessChanged {
                        ready: true,
                        why: "partitions assigned",
                    }
                    .emit();
                }
            }
            Rebalance::Revoke(_) => {}
            Rebalance::Error(e) => KafkaErrorEvent {
                kind: "consume",
                error: e,
            }
            .emit(),
        }
    }

    fn commit_callback(
        &self,
        result: rdkafka::error::KafkaResult<()>,
        _offsets: &TopicPartitionList,
    ) {
        if let Err(e) = result {
            KafkaErrorEvent {
                kind: "commit",
                error: &e,
            }
            .emit();
        }
    }
}
