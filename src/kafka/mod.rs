//! Kafka transport: the consumer side (`source`), the producer side (`sink`), dead-letter records
//! (`dlq`), offset bookkeeping (`offsets`) and the `pipeline` that ties them to the enrichment core.

pub mod dlq;
pub mod eos;
pub mod offsets;
pub mod pipeline;
pub mod shared;
pub mod sink;
pub mod source;
pub mod workers;

use crate::config::KafkaConfig;
use rdkafka::ClientConfig;

pub use pipeline::{RunOptions, RunSummary, run_pipeline};

/// Errors of the Kafka transport; each says what to check.
#[derive(Debug, thiserror::Error)]
pub enum KafkaPipelineError {
    #[error(
        "cannot create the Kafka {what} for brokers {brokers}: {source} (check kafka.brokers and the extra properties in [kafka.{what}])"
    )]
    Client {
        what: &'static str,
        brokers: String,
        source: rdkafka::error::KafkaError,
    },
    #[error("cannot subscribe to {topic}: {source}")]
    Subscribe {
        topic: String,
        source: rdkafka::error::KafkaError,
    },
    #[error(
        "exactly-once delivery failed: {0} (the broker must support Kafka transactions; use delivery = \"at-least-once\" otherwise)"
    )]
    Transactions(String),
    #[error(
        "fatal producer error: {0}; the process stops so that a supervisor restarts it from the last committed offsets"
    )]
    FatalProducer(String),
    #[error(
        "cannot follow the shared topic {topic}: {message} (create it, compacted, with as many partitions as the input topic, or set shared.topic = \"\" to run without shared state)"
    )]
    Shared { topic: String, message: String },
    #[error("worker thread failure: {0}")]
    Workers(String),
    #[error(
        "shutdown timed out after {secs} s with {in_flight} messages unacknowledged; they were not committed and will be consumed again"
    )]
    DrainTimeout { secs: u64, in_flight: usize },
}

/// The input consumer with its context (not yet subscribed).
pub(crate) fn input_consumer(
    config: &crate::config::Config,
    tracker: std::sync::Arc<std::sync::Mutex<offsets::OffsetTracker>>,
) -> Result<rdkafka::consumer::StreamConsumer<source::SourceContext>, KafkaPipelineError> {
    let k = &config.kafka;
    let ctx = source::SourceContext::new(
        tracker,
        std::time::Duration::from_secs(config.shutdown.timeout_secs),
    );
    consumer_config(k)
        .create_with_context(ctx)
        .map_err(|source| KafkaPipelineError::Client {
            what: "consumer",
            brokers: k.brokers.clone(),
            source,
        })
}

/// Subscribes the input consumer to the input topic.
pub(crate) fn subscribe_input(
    consumer: &rdkafka::consumer::StreamConsumer<source::SourceContext>,
    k: &KafkaConfig,
) -> Result<(), KafkaPipelineError> {
    use rdkafka::consumer::Consumer;
    consumer
        .subscribe(&[k.input_topic.as_str()])
        .map_err(|source| KafkaPipelineError::Subscribe {
            topic: k.input_topic.clone(),
            source,
        })
}

/// Leaves and rejoins the consumer group when the group took the partitions away involuntarily
/// and answered with no new assignment within `kafka.rejoin_timeout_ms`. A healthy group reassigns within seconds;
/// a member stuck outside it (seen with tansu after a broker restart) gets a fresh membership.
pub(crate) fn rejoin_if_stranded(
    consumer: &rdkafka::consumer::StreamConsumer<source::SourceContext>,
    k: &KafkaConfig,
) -> Result<(), KafkaPipelineError> {
    use rdkafka::consumer::Consumer;
    use std::sync::atomic::Ordering;
    let lost = &consumer.context().lost_since_ms;
    let since = lost.load(Ordering::SeqCst);
    if since == 0 {
        return Ok(());
    }
    let now = crate::processor::now_ms();
    let waited = now - since;
    if waited < i64::try_from(k.rejoin_timeout().as_millis()).unwrap_or(i64::MAX) {
        return Ok(());
    }
    crate::metrics::GroupRejoined { waited_ms: waited }.emit();
    lost.store(now, Ordering::SeqCst);
    consumer.unsubscribe();
    subscribe_input(consumer, k)
}

/// librdkafka settings of the consumer.
pub fn consumer_config(k: &KafkaConfig) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &k.brokers)
        .set("group.id", &k.group_id)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", k.session_timeout_ms.to_string())
        .set("isolation.level", "read_committed")
        .set(
            "statistics.interval.ms",
            k.statistics_interval_ms.to_string(),
        )
        .set("client.id", "wiredesk");
    for (key, value) in &k.consumer {
        c.set(key, value);
    }
    c
}

/// librdkafka settings of the producer: idempotent, acknowledged by all in-sync replicas.
pub fn producer_config(k: &KafkaConfig) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &k.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "2")
        .set("compression.type", "zstd")
        .set("client.id", "wiredesk");
    for (key, value) in &k.producer {
        c.set(key, value);
    }
    c
}
