//! The producer side: an idempotent producer whose delivery reports acknowledge input offsets in the
//! offset tracker, count produced messages and end-to-end latency, and hand failed records back for
//! another attempt (their input offset stays uncommitted until one succeeds).

use crate::kafka::offsets::OffsetTracker;
use crate::metrics::{KafkaErrorEvent, MessageProduced};
use crate::processor::now_ms;
use rdkafka::ClientContext;
use rdkafka::message::{Message, OwnedHeaders};
use rdkafka::producer::{DeliveryResult, ProducerContext};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc};

/// What a produced record stands for: the input message whose offset it acknowledges.
#[derive(Debug, Clone)]
pub struct InputRef {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    /// Kafka timestamp of the input, ms.
    pub timestamp_ms: Option<i64>,
    /// How many times this output was already attempted.
    pub attempt: u32,
}

/// A record that failed delivery, to be produced again.
#[derive(Debug)]
pub struct FailedRecord {
    pub topic: String,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub headers: Option<OwnedHeaders>,
    pub input: InputRef,
    pub error: String,
}

/// Context of the output producer.
pub struct SinkContext {
    pub tracker: Arc<Mutex<OffsetTracker>>,
    /// Failed deliveries go back to the pipeline for another attempt.
    pub failed: mpsc::UnboundedSender<FailedRecord>,
    /// Woken whenever an input offset is acknowledged (backpressure, drain).
    pub progress: Arc<Notify>,
    /// When the broker last acknowledged an output (ms since the epoch).
    pub last_ack_ms: Arc<AtomicI64>,
}

/// Output is stalled when work is in flight and the broker acknowledged nothing for this long.
pub const STALL_AFTER_MS: i64 = 10_000;

/// Whether outputs are in flight but none was acknowledged for `STALL_AFTER_MS` (a broker that
/// is frozen or unreachable while its connections stay open).
pub fn output_stalled(tracker: &Mutex<OffsetTracker>, last_ack_ms: &AtomicI64) -> bool {
    let in_flight = tracker.lock().map(|t| t.in_flight()).unwrap_or(0);
    in_flight > 0 && now_ms() - last_ack_ms.load(Ordering::Relaxed) > STALL_AFTER_MS
}

impl ClientContext for SinkContext {
    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        let msg = format!("{error} ({reason})");
        KafkaErrorEvent {
            kind: "produce",
            error: &msg,
        }
        .emit();
    }
}

impl ProducerContext for SinkContext {
    type DeliveryOpaque = Box<InputRef>;

    fn delivery(&self, result: &DeliveryResult<'_>, input: Self::DeliveryOpaque) {
        match result {
            Ok(msg) => {
                MessageProduced {
                    topic: msg.topic(),
                    input_timestamp_ms: input.timestamp_ms,
                    now_ms: now_ms(),
                }
                .emit();
                self.last_ack_ms.store(now_ms(), Ordering::Relaxed);
                if let Ok(mut t) = self.tracker.lock() {
                    t.ack(&input.topic, input.partition, input.offset);
                }
                self.progress.notify_waiters();
            }
            Err((error, msg)) => {
                KafkaErrorEvent {
                    kind: "produce",
                    error,
                }
                .emit();
                let failed = FailedRecord {
                    topic: msg.topic().to_string(),
                    key: msg.key().map(<[u8]>::to_vec),
                    payload: msg.payload().map(<[u8]>::to_vec).unwrap_or_default(),
                    headers: msg.headers().map(|h| h.detach()),
                    input: *input,
                    error: error.to_string(),
                };
                // The receiver lives as long as the pipeline; if it is gone the offset simply stays
                // uncommitted and the message is consumed again after restart.
                let _ = self.failed.send(failed);
                self.progress.notify_waiters();
            }
        }
    }
}
