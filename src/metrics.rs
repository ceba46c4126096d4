//! Observability: the Prometheus metrics (all `wiredesk_`-prefixed, bounded labels), one small
//! struct per internal event that both logs and counts (the Vector pattern), and the HTTP endpoint
//! serving `/metrics`, `/healthz` and `/readyz`.

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::enrich::{Stage, StageTimings};
use crate::entities::{Entity, EntityType};
use crate::envelope::Verdict;

/// Every wiredesk metric, registered in one registry.
pub struct Metrics {
    pub registry: Registry,
    pub messages_consumed: IntCounterVec,
    pub messages_produced: IntCounterVec,
    pub dead_letters: IntCounterVec,
    pub dedup_verdicts: IntCounterVec,
    pub entities_tagged: IntCounterVec,
    pub stage_duration: HistogramVec,
    pub end_to_end_latency: Histogram,
    pub consumer_lag: IntGaugeVec,
    pub dedup_window_stories: IntGauge,
    pub dedup_index_bytes: IntGauge,
    pub story_clusters: IntGauge,
    pub rebalances: IntCounter,
    pub kafka_errors: IntCounterVec,
    pub build_info: IntGaugeVec,
    pub ready: IntGauge,
    pub shared_records: IntCounterVec,
    pub corrections: IntCounter,
    pub group_rejoins: IntCounter,
}

/// Bounded values of the `outcome` label of `wiredesk_shared_records_total`.
pub const SHARED_RECORD_OUTCOMES: [&str; 5] = ["indexed", "known", "expired", "race", "malformed"];

/// Bounded values of the `kind` label of `wiredesk_kafka_errors_total`.
pub const KAFKA_ERROR_KINDS: [&str; 5] = ["transport", "produce", "consume", "commit", "other"];

fn counter_vec(name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    IntCounterVec::new(Opts::new(name, help), labels).unwrap_or_else(|e| panic_metric(name, e))
}

fn panic_metric(name: &str, e: prometheus::Error) -> ! {
    // Metric definitions are static; a failure here is a programming error caught by every test.
    panic!("metric {name} is malformed: {e}")
}

impl Metrics {
    fn new() -> Metrics {
        let stage_buckets = vec![
            1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 2.5e-2,
        ];
        let latency_buckets = vec![
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
        ];
        let m = Metrics {
            registry: Registry::new(),
            messages_consumed: counter_vec(
                "wiredesk_messages_consumed_total",
                "Messages consumed from an input topic.",
                &["topic"],
            ),
            messages_produced: counter_vec(
                "wiredesk_messages_produced_total",
                "Messages acknowledged by the broker on an output or dead-letter topic.",
                &["topic"],
            ),
            dead_letters: counter_vec(
                "wiredesk_dead_letters_total",
                "Rejected input messages sent to the dead-letter topic or file, by reason.",
                &["reason"],
            ),
            dedup_verdicts: counter_vec(
                "wiredesk_dedup_verdicts_total",
                "Enriched stories by dedup verdict.",
                &["verdict"],
            ),
            entities_tagged: counter_vec(
                "wiredesk_entities_tagged_total",
                "Entities tagged in enriched stories, by type.",
                &["type"],
            ),
            stage_duration: HistogramVec::new(
                HistogramOpts::new(
                    "wiredesk_stage_duration_seconds",
                    "Time spent per story in each stage of the enrichment core.",
                )
                .buckets(stage_buckets),
                &["stage"],
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_stage_duration_seconds", e)),
            end_to_end_latency: Histogram::with_opts(
                HistogramOpts::new(
                    "wiredesk_end_to_end_latency_seconds",
                    "From the Kafka timestamp of the input to the acknowledged output.",
                )
                .buckets(latency_buckets),
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_end_to_end_latency_seconds", e)),
            consumer_lag: IntGaugeVec::new(
                Opts::new(
                    "wiredesk_consumer_lag",
                    "Messages behind the high watermark, per assigned partition (librdkafka statistics).",
                ),
                &["topic", "partition"],
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_consumer_lag", e)),
            dedup_window_stories: IntGauge::new(
                "wiredesk_dedup_window_stories",
                "Stories held in the dedup window.",
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_dedup_window_stories", e)),
            dedup_index_bytes: IntGauge::new(
                "wiredesk_dedup_index_bytes",
                "Heap bytes of the dedup index.",
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_dedup_index_bytes", e)),
            story_clusters: IntGauge::new(
                "wiredesk_story_clusters",
                "Story clusters in the clustering window.",
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_story_clusters", e)),
            rebalances: IntCounter::new(
                "wiredesk_rebalances_total",
                "Consumer group rebalances (assignments and revocations).",
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_rebalances_total", e)),
            kafka_errors: counter_vec(
                "wiredesk_kafka_errors_total",
                "Kafka client errors by kind.",
                &["kind"],
            ),
            build_info: IntGaugeVec::new(
                Opts::new("wiredesk_build_info", "Build information; the value is always 1."),
                &["version"],
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_build_info", e)),
            ready: IntGauge::new(
                "wiredesk_ready",
                "1 when partitions are assigned and the broker is reachable.",
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_ready", e)),
            shared_records: counter_vec(
                "wiredesk_shared_records_total",
                "Story records read from the shared fingerprints topic, by outcome: indexed (another instance's story), known (already in the index, e.g. our own), expired (older than the window), race (settled a simultaneous-original tie-break), malformed.",
                &["outcome"],
            ),
            corrections: IntCounter::new(
                "wiredesk_corrections_total",
                "Envelopes sent again with a corrected dedup block after a tie-break with another instance.",
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_corrections_total", e)),
            group_rejoins: IntCounter::new(
                "wiredesk_group_rejoins_total",
                "Times the consumer left and rejoined its group after losing its partitions and getting no new assignment in time.",
            )
            .unwrap_or_else(|e| panic_metric("wiredesk_group_rejoins_total", e)),
        };
        m.register_all();
        m.preinitialise();
        m
    }

    fn register_all(&self) {
        let collectors: Vec<Box<dyn prometheus::core::Collector>> = vec![
            Box::new(self.messages_consumed.clone()),
            Box::new(self.messages_produced.clone()),
            Box::new(self.dead_letters.clone()),
            Box::new(self.dedup_verdicts.clone()),
            Box::new(self.entities_tagged.clone()),
            Box::new(self.stage_duration.clone()),
            Box::new(self.end_to_end_latency.clone()),
            Box::new(self.consumer_lag.clone()),
            Box::new(self.dedup_window_stories.clone()),
            Box::new(self.dedup_index_bytes.clone()),
            Box::new(self.story_clusters.clone()),
            Box::new(self.rebalances.clone()),
            Box::new(self.kafka_errors.clone()),
            Box::new(self.build_info.clone()),
            Box::new(self.ready.clone()),
            Box::new(self.shared_records.clone()),
            Box::new(self.corrections.clone()),
            Box::new(self.group_rejoins.clone()),
        ];
        for c in collectors {
            if let Err(e) = self.registry.register(c) {
                panic_metric("registry", e);
            }
        }
    }

    /// Creates every bounded label value at zero so dashboards and alerts see series from the start.
    fn preinitialise(&self) {
        for r in crate::story::RejectReason::LABELS {
            self.dead_letters.with_label_values(&[r]);
        }
        for v in Verdict::ALL {
            self.dedup_verdicts.with_label_values(&[v.as_str()]);
        }
        for t in ["person", "organisation", "place"] {
            self.entities_tagged.with_label_values(&[t]);
        }
        for k in KAFKA_ERROR_KINDS {
            self.kafka_errors.with_label_values(&[k]);
        }
        for o in SHARED_RECORD_OUTCOMES {
            self.shared_records.with_label_values(&[o]);
        }
        self.build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let families = self.registry.gather();
        if TextEncoder::new().encode(&families, &mut buf).is_err() {
            return String::new();
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}

/// The process-wide metrics.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// Whether metrics and events are recorded at all (turned off only by `wiredesk bench` to measure
/// their cost).
static ENABLED: AtomicBool = AtomicBool::new(true);

pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------------------------
// Internal events: each logs (at a level fit for 10,000 stories/s) and counts in one place.
// ---------------------------------------------------------------------------------------------

/// A message was read from an input topic (or file).
pub struct MessageConsumed<'a> {
    pub topic: &'a str,
}

impl MessageConsumed<'_> {
    pub fn emit(self) {
        if enabled() {
            METRICS
                .messages_consumed
                .with_label_values(&[self.topic])
                .inc();
        }
    }
}

/// The broker acknowledged a message on an output or dead-letter topic.
pub struct MessageProduced<'a> {
    pub topic: &'a str,
    /// Kafka timestamp of the input, for end-to-end latency (ms since the epoch).
    pub input_timestamp_ms: Option<i64>,
    pub now_ms: i64,
}

impl MessageProduced<'_> {
    pub fn emit(self) {
        if !enabled() {
            return;
        }
        METRICS
            .messages_produced
            .with_label_values(&[self.topic])
            .inc();
        if let Some(ts) = self.input_timestamp_ms {
            let secs = (self.now_ms - ts).max(0) as f64 / 1000.0;
            METRICS.end_to_end_latency.observe(secs);
        }
    }
}

/// An input message was rejected and sent to the dead-letter topic or file.
pub struct StoryRejected<'a> {
    pub reason: &'a crate::story::RejectReason,
    /// Where it came from: `topic/partition@offset` or `file:line`.
    pub position: &'a str,
}

/// Rejections logged at WARN at most once a second; the rest at DEBUG, counted in the next WARN.
static REJECT_LOG_SECOND: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static REJECTS_UNLOGGED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl StoryRejected<'_> {
    pub fn emit(self) {
        let second = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if REJECT_LOG_SECOND.swap(second, Ordering::Relaxed) != second {
            let also = REJECTS_UNLOGGED.swap(0, Ordering::Relaxed);
            tracing::warn!(
                reason = self.reason.label(),
                position = self.position,
                also_rejected_since_last_warning = also,
                "rejected input: {}",
                self.reason
            );
        } else {
            REJECTS_UNLOGGED.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(
                reason = self.reason.label(),
                position = self.position,
                "rejected input: {}",
                self.reason
            );
        }
        if enabled() {
            METRICS
                .dead_letters
                .with_label_values(&[self.reason.label()])
                .inc();
        }
    }
}

/// The parse stage finished for one message.
pub struct StoryParsed {
    pub elapsed: Duration,
}

impl StoryParsed {
    pub fn emit(self) {
        if enabled() {
            METRICS
                .stage_duration
                .with_label_values(&[Stage::Parse.as_str()])
                .observe(self.elapsed.as_secs_f64());
        }
    }
}

/// A story went through the core.
pub struct StoryEnriched<'a> {
    pub uri: &'a str,
    pub verdict: Verdict,
    pub entities: &'a [Entity],
    pub timings: &'a StageTimings,
    /// Serialisation time, measured by the caller.
    pub serialise: Duration,
}

impl StoryEnriched<'_> {
    pub fn emit(self) {
        tracing::debug!(
            uri = self.uri,
            verdict = self.verdict.as_str(),
            "story enriched"
        );
        if !enabled() {
            return;
        }
        let m = &*METRICS;
        m.dedup_verdicts
            .with_label_values(&[self.verdict.as_str()])
            .inc();
        let mut counts = [0u64; 3];
        for e in self.entities {
            counts[match e.entity_type {
                EntityType::Person => 0,
                EntityType::Organisation => 1,
                EntityType::Place => 2,
            }] += 1;
        }
        for (i, t) in ["person", "organisation", "place"].iter().enumerate() {
            if counts[i] > 0 {
                m.entities_tagged.with_label_values(&[t]).inc_by(counts[i]);
            }
        }
        for stage in [Stage::Dedup, Stage::Entities, Stage::Cluster] {
            m.stage_duration
                .with_label_values(&[stage.as_str()])
                .observe(self.timings.get(stage).as_secs_f64());
        }
        m.stage_duration
            .with_label_values(&[Stage::Serialise.as_str()])
            .observe(self.serialise.as_secs_f64());
    }
}

/// Sizes of the in-memory windows, reported periodically.
pub struct WindowSizes {
    pub stories: usize,
    pub index_bytes: usize,
    pub clusters: usize,
}

impl WindowSizes {
    pub fn emit(self) {
        METRICS.dedup_window_stories.set(self.stories as i64);
        METRICS.dedup_index_bytes.set(self.index_bytes as i64);
        METRICS.story_clusters.set(self.clusters as i64);
    }
}

/// A Kafka client error (kind is one of `KAFKA_ERROR_KINDS`).
pub struct KafkaErrorEvent<'a> {
    pub kind: &'static str,
    pub error: &'a dyn std::fmt::Display,
}

impl KafkaErrorEvent<'_> {
    pub fn emit(self) {
        tracing::warn!(kind = self.kind, "kafka error: {}", self.error);
        METRICS.kafka_errors.with_label_values(&[self.kind]).inc();
    }
}

/// A record of the shared fingerprints topic was read (`outcome` one of
/// [`SHARED_RECORD_OUTCOMES`]); malformed ones are logged.
pub struct SharedRecordRead<'a> {
    pub outcome: &'static str,
    pub problem: Option<&'a dyn std::fmt::Display>,
}

impl SharedRecordRead<'_> {
    pub fn emit(self) {
        if let Some(problem) = self.problem {
            tracing::warn!("skipping a shared story record: {problem}");
        }
        METRICS
            .shared_records
            .with_label_values(&[self.outcome])
            .inc();
    }
}

/// A story lost a simultaneous-original tie-break and its envelope was sent again, corrected.
pub struct EnvelopeCorrected<'a> {
    pub uri: &'a str,
    pub duplicate_of: &'a str,
}

impl EnvelopeCorrected<'_> {
    pub fn emit(self) {
        tracing::info!(
            uri = self.uri,
            duplicate_of = self.duplicate_of,
            "envelope corrected after a tie-break with another instance"
        );
        METRICS.corrections.inc();
    }
}

/// The group took this consumer's partitions away and sent no new assignment within the rejoin
/// timeout, so the consumer left the group and joined again as a new member.
pub struct GroupRejoined {
    pub waited_ms: i64,
}

impl GroupRejoined {
    pub fn emit(self) {
        tracing::warn!(
            waited_ms = self.waited_ms,
            "no new assignment since the partitions were lost; leaving and rejoining the consumer group"
        );
        METRICS.group_rejoins.inc();
    }
}

/// Partitions were assigned to or revoked from this consumer.
pub struct Rebalanced<'a> {
    pub kind: &'static str,
    pub partitions: &'a str,
}

impl Rebalanced<'_> {
    pub fn emit(self) {
        tracing::info!(kind = self.kind, partitions = self.partitions, "rebalance");
        METRICS.rebalances.inc();
    }
}

/// Lag of one assigned partition, from librdkafka statistics.
pub struct ConsumerLag<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub lag: i64,
}

impl ConsumerLag<'_> {
    pub fn emit(self) {
        METRICS
            .consumer_lag
            .with_label_values(&[self.topic, &self.partition.to_string()])
            .set(self.lag);
    }
}

/// Readiness changed (partitions assigned and broker reachable, or not).
pub struct ReadinessChanged {
    pub ready: bool,
    pub why: &'static str,
}

impl ReadinessChanged {
    pub fn emit(self) {
        let was = READY.swap(self.ready, Ordering::SeqCst);
        if was != self.ready {
            tracing::info!(ready = self.ready, why = self.why, "readiness changed");
        }
        METRICS.ready.set(i64::from(self.ready));
    }
}

static READY: AtomicBool = AtomicBool::new(false);

pub fn is_ready() -> bool {
    READY.load(Ordering::SeqCst)
}

// ---------------------------------------------------------------------------------------------
// HTTP endpoint
// ---------------------------------------------------------------------------------------------

/// Serves `/metrics`, `/healthz` and `/readyz` on `listener` until `shutdown` flips to true.
pub async fn serve(listener: TcpListener, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                match accepted {
                    Ok((stream, _)) => { tokio::spawn(handle_http(stream)); }
                    Err(e) => {
                        tracing::warn!("metrics endpoint accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
            _ = shutdown.changed() => {
                if *shutdown.borrow() { break; }
            }
        }
    }
}

async fn handle_http(mut stream: tokio::net::TcpStream) {
    let mut buf = vec![0u8; 4096];
    let mut read = 0;
    // Read the request head (we only need the request line).
    let deadline = tokio::time::sleep(Duration::from_secs(5));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            n = stream.read(&mut buf[read..]) => {
                match n {
                    Ok(0) | Err(_) => return,
                    Ok(n) => read += n,
                }
                if buf[..read].windows(4).any(|w| w == b"\r\n\r\n") || read == buf.len() { break; }
            }
            _ = &mut deadline => return,
        }
    }
    let head = String::from_utf8_lossy(&buf[..read]);
    let mut parts = head.split_whitespace();
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("").split('?').next().unwrap_or("");
    let (status, ctype, body) = route(method, path);
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    if method != "HEAD" {
        let _ = stream.write_all(body.as_bytes()).await;
    }
    let _ = stream.shutdown().await;
}

fn route(method: &str, path: &str) -> (&'static str, &'static str, String) {
    if method != "GET" && method != "HEAD" {
        return ("405 Method Not Allowed", "text/plain", "use GET\n".into());
    }
    match path {
        "/metrics" => (
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            METRICS.render(),
        ),
        "/healthz" => ("200 OK", "text/plain", "ok\n".into()),
        "/readyz" if is_ready() => ("200 OK", "text/plain", "ready\n".into()),
        "/readyz" => (
            "503 Service Unavailable",
            "text/plain",
            "not ready: no partitions assigned or broker unreachable\n".into(),
        ),
        _ => (
            "404 Not Found",
            "text/plain",
            "endpoints: /metrics /healthz /readyz\n".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_every_metric_with_prefix() {
        MessageConsumed { topic: "t" }.emit();
        let text = METRICS.render();
        for name in [
            "wiredesk_messages_consumed_total",
            "wiredesk_dead_letters_total",
            "wiredesk_dedup_verdicts_total",
            "wiredesk_entities_tagged_total",
            "wiredesk_build_info",
            "wiredesk_kafka_errors_total",
            "wiredesk_ready",
        ] {
            assert!(text.contains(name), "{name} missing");
        }
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("wiredesk_"), "{line}");
        }
    }

    #[tokio::test]
    async fn http_endpoint_serves_metrics_health_and_readiness() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::watch::channel(false);
        let server = tokio::spawn(serve(listener, rx));
        async fn get(addr: std::net::SocketAddr, path: &str) -> String {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).await.unwrap();
            out
        }
        assert!(get(addr, "/healthz").await.starts_with("HTTP/1.1 200"));
        assert!(get(addr, "/metrics").await.contains("wiredesk_build_info"));
        assert!(get(addr, "/nope").await.starts_with("HTTP/1.1 404"));
        ReadinessChanged {
            ready: false,
            why: "test",
        }
        .emit();
        assert!(get(addr, "/readyz").await.starts_with("HTTP/1.1 503"));
        tx.send(true).unwrap();
        server.await.unwrap();
    }
}
