//! `wiredesk demo`: the whole service on an embedded default. Starts rdkafka's in-process mock
//! Kafka cluster, creates the topics, produces the bundled sample feed (original stories written
//! for wiredesk, plus two poison messages), runs the same pipeline as `wiredesk run` against it,
//! and prints one readable line per enriched story read back from the output topic.

use crate::config::Config;
use crate::enrich::State;
use crate::kafka::{RunOptions, run_pipeline};
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use rdkafka::producer::{FutureProducer, FutureRecord};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::watch;

/// The bundled sample feed: one ninjs story per line.
pub const SAMPLE_FEED: &str = include_str!("../data/demo/feed.jsonl");

/// Poison messages mixed into the demo feed to show the dead-letter path.
const POISON: [&[u8]; 2] = [
    b"{\"uri\": \"urn:demo:broken\", \"headline\": ",
    b"\xff\xfe not utf-8",
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot start the in-process Kafka mock cluster: {0}")]
    MockCluster(String),
    #[error("demo Kafka client error: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error(transparent)]
    Pipeline(#[from] crate::kafka::KafkaPipelineError),
    #[error("the demo pipeline task failed: {0}")]
    Join(String),
    #[error("the demo timed out after {0} s waiting for output ({1} of {2} messages came back)")]
    Timeout(u64, usize, usize),
}

/// Options of the demo.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Keep running after the feed: re-send the feed every `follow_every` (as re-sends).
    pub follow: bool,
    pub follow_every: Duration,
    /// Print one line per story.
    pub print: bool,
    /// Give up if the output has not come back by then.
    pub timeout: Duration,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            follow: false,
            follow_every: Duration::from_secs(5),
            print: true,
            timeout: Duration::from_secs(120),
        }
    }
}

/// What the demo saw come back.
#[derive(Debug, Default, Clone)]
pub struct DemoSummary {
    pub produced: usize,
    pub enriched: usize,
    pub dead_letters: usize,
    pub verdicts: BTreeMap<String, usize>,
    pub stories: usize,
    /// Envelopes that replaced an earlier envelope of the same story: a correction (an earlier
    /// version arrived after its chain's first story and took its place, so that story is now a
    /// duplicate) or an at-least-once repeat. `enriched` and `verdicts` count each story once,
    /// with its latest verdict.
    pub superseded: usize,
}

/// What the demo has read back so far: each story's latest verdict and story id, by uri.
#[derive(Debug, Default)]
struct Tally {
    latest: std::collections::HashMap<String, (String, String)>,
}

/// Keeps a mock cluster alive on its own thread (it is `!Send`) until dropped.
pub struct MockKafka {
    pub bootstrap: String,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockKafka {
    /// Starts a 3-broker mock cluster with the given topics (name, partitions).
    pub fn start(topics: &[(&str, i32)]) -> Result<MockKafka, DemoError> {
        let topics: Vec<(String, i32)> = topics.iter().map(|(t, p)| (t.to_string(), *p)).collect();
        let (tx, rx) = std::sync::mpsc::channel::<Result<String, String>>();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("mock-kafka".into())
            .spawn(move || {
                let cluster = match rdkafka::mocking::MockCluster::new(3) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                        return;
                    }
                };
                for (t, p) in &topics {
                    if let Err(e) = cluster.create_topic(t, *p, 1) {
                        let _ = tx.send(Err(format!("create topic {t}: {e}")));
                        return;
                    }
                }
                let _ = tx.send(Ok(cluster.bootstrap_servers()));
                let _ = stop_rx.recv();
                drop(cluster);
            })
            .map_err(|e| DemoError::MockCluster(e.to_string()))?;
        let bootstrap = rx
            .recv()
            .map_err(|e| DemoError::MockCluster(e.to_string()))?
            .map_err(DemoError::MockCluster)?;
        Ok(MockKafka {
            bootstrap,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

impl Drop for MockKafka {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Produces every line of `feed` (and the poison messages) to `topic`; returns how many.
pub async fn produce_feed(
    bootstrap: &str,
    topic: &str,
    feed: &str,
    uri_suffix: &str,
    with_poison: bool,
) -> Result<usize, DemoError> {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("enable.idempotence", "true")
        .create()?;
    let mut n = 0;
    let mut payloads: Vec<(Option<String>, Vec<u8>)> = Vec::new();
    for line in feed.lines().filter(|l| !l.trim().is_empty()) {
        let mut value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) => {
                payloads.push((None, line.as_bytes().to_vec()));
                continue;
            }
        };
        let uri = value
            .get("uri")
            .and_then(|u| u.as_str())
            .map(|u| format!("{u}{uri_suffix}"));
        if let (Some(u), Some(obj)) = (&uri, value.as_object_mut()) {
            obj.insert("uri".into(), serde_json::Value::String(u.clone()));
        }
        payloads.push((uri, value.to_string().into_bytes()));
    }
    if with_poison {
        for (i, p) in POISON.iter().enumerate() {
            payloads.insert((i + 1) * payloads.len() / 3, (None, p.to_vec()));
        }
    }
    for (key, payload) in &payloads {
        let mut rec: FutureRecord<'_, str, [u8]> = FutureRecord::to(topic).payload(payload);
        if let Some(k) = key {
            rec = rec.key(k);
        }
        producer
            .send(rec, Duration::from_secs(10))
            .await
            .map_err(|(e, _)| e)?;
        n += 1;
    }
    Ok(n)
}

/// Runs the demo; returns the summary of what came back.
pub async fn run_demo(
    mut config: Config,
    state: State,
    options: DemoOptions,
    external_shutdown: watch::Receiver<bool>,
) -> Result<DemoSummary, DemoError> {
    let k = config.kafka.clone();
    let mut topics = vec![
        (k.input_topic.as_str(), 3),
        (k.output_topic.as_str(), 3),
        (k.dlq_topic.as_str(), 1),
    ];
    if !config.shared.topic.is_empty() {
        topics.push((config.shared.topic.as_str(), 3));
    }
    let mock = MockKafka::start(&topics)?;
    eprintln!("demo: in-process Kafka mock cluster at {}", mock.bootstrap);
    config.kafka.brokers = mock.bootstrap.clone();
    config.kafka.session_timeout_ms = 6_000;
    config.kafka.statistics_interval_ms = 1_000;

    let produced = produce_feed(&mock.bootstrap, &k.input_topic, SAMPLE_FEED, "", true).await?;
    eprintln!(
        "demo: produced {produced} messages ({} stories + {} poison) to {}",
        produced - POISON.len(),
        POISON.len(),
        k.input_topic
    );

    let (stop_tx, stop_rx) = watch::channel(false);
    let pipeline_config = config.clone();
    let pipeline = tokio::spawn(async move {
        run_pipeline(&pipeline_config, state, stop_rx, RunOptions::default()).await
    });

    let reader: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &mock.bootstrap)
        .set("group.id", "wiredesk-demo-reader")
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()?;
    reader.subscribe(&[k.output_topic.as_str(), k.dlq_topic.as_str()])?;

    let mut summary = DemoSummary {
        produced,
        ..DemoSummary::default()
    };
    let mut tally = Tally::default();
    let mut expected = produced;
    let mut round = 0usize;
    let mut follow_tick = tokio::time::interval(options.follow_every);
    follow_tick.tick().await;
    let deadline = tokio::time::Instant::now() + options.timeout;
    let mut external_shutdown = external_shutdown;
    let outcome: Result<(), DemoError> = loop {
        let seen = summary.enriched + summary.dead_letters;
        if !options.follow && seen >= expected {
            break Ok(());
        }
        tokio::select! {
            _ = external_shutdown.changed() => break Ok(()),
            _ = tokio::time::sleep_until(deadline), if !options.follow => {
                break Err(DemoError::Timeout(options.timeout.as_secs(), seen, expected));
            }
            _ = follow_tick.tick(), if options.follow => {
                round += 1;
                let suffix = format!("#resend-{round}");
                match produce_feed(&mock.bootstrap, &k.input_topic, SAMPLE_FEED, &suffix, true).await {
                    Ok(n) => expected += n,
                    Err(e) => tracing::warn!("demo: re-sending the feed failed: {e}"),
                }
            }
            msg = reader.recv() => match msg {
                Ok(m) => {
                    if m.topic() == k.dlq_topic {
                        summary.dead_letters += 1;
                        if options.print {
                            let reason = header(&m, crate::kafka::dlq::HEADER_ERROR).unwrap_or_default();
                            println!("{:<22} {:<9} {}", "-", "rejected", reason);
                        }
                    } else if let Some(line) = m.payload().and_then(|p| describe_envelope(p, &mut summary, &mut tally)) {
                        if options.print && (round == 0 || !options.follow) {
                            println!("{line}");
                        }
                    }
                }
                Err(e) => tracing::warn!("demo reader: {e}"),
            }
        }
    };
    let _ = stop_tx.send(true);
    let result = pipeline.await.map_err(|e| DemoError::Join(e.to_string()))?;
    // Close every client before the cluster goes away, so shutdown is quiet.
    drop(reader);
    drop(mock);
    outcome?;
    result?;
    summary.stories = tally
        .latest
        .values()
        .map(|(_, story_id)| story_id)
        .collect::<std::collections::HashSet<_>>()
        .len();
    Ok(summary)
}

fn header(m: &impl Message, name: &str) -> Option<String> {
    let headers = m.headers()?;
    headers
        .iter()
        .find(|h| h.key == name)
        .and_then(|h| h.value)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// One readable line per envelope: storyId, verdict, headline, top entities.
fn describe_envelope(
    payload: &[u8],
    summary: &mut DemoSummary,
    tally: &mut Tally,
) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(payload).ok()?;
    let story_id = v["dedup"]["storyId"].as_str().unwrap_or("?").to_string();
    let verdict = v["dedup"]["verdict"].as_str().unwrap_or("?").to_string();
    let uri = v["item"]["uri"].as_str().unwrap_or("?");
    let earlier = tally
        .latest
        .insert(uri.to_string(), (verdict.clone(), story_id.clone()))
        .map(|(verdict, _)| verdict);
    match &earlier {
        Some(before) => {
            summary.superseded += 1;
            if let Some(n) = summary.verdicts.get_mut(before) {
                *n = n.saturating_sub(1);
            }
        }
        None => summary.enriched += 1,
    }
    *summary.verdicts.entry(verdict.clone()).or_default() += 1;
    let headline = v["item"]["headlines"][0]["value"]
        .as_str()
        .unwrap_or("(no headline)");
    let headline: String = if headline.chars().count() > 60 {
        let cut: String = headline.chars().take(59).collect();
        format!("{cut}…")
    } else {
        headline.to_string()
    };
    let mut entities: Vec<(usize, String)> = v["entities"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["mentions"].as_array().map_or(0, Vec::len),
                        e["name"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    entities.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let top: Vec<String> = entities.into_iter().take(4).map(|(_, n)| n).collect();
    let short_id: String = story_id.chars().take(22).collect();
    let note = match earlier {
        Some(before) => format!("  (replaces its earlier {before} envelope)"),
        None => String::new(),
    };
    Some(format!(
        "{short_id:<22} {verdict:<9} {headline:<61} [{}]{note}",
        top.join(", ")
    ))
}
