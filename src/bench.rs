//! `wiredesk bench`: measures the enrichment core on a generated wire feed (or a JSON Lines file):
//! stories/s per stage and for the whole core on one core, bytes per indexed story, peak memory,
//! and the cost of the metrics (the same run with and without them). With `--broker`, it also
//! measures stories/s through Kafka against a plain pass-through consumer-producer.

use crate::enrich::{Stage, State, StoryContext};
use crate::envelope::Source;
use crate::metrics;
use crate::processor::{Outcome, process_message};
use crate::story::parse_story;
use crate::synth;
use std::time::{Duration, Instant};

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub stories: usize,
    /// Share of the feed that are re-sends of earlier stories.
    pub resend_rate: f64,
    /// Stories in the window for the clustering figure.
    pub cluster_window: usize,
    /// Read the feed from this JSON Lines file instead of generating it.
    pub feed: Option<std::path::PathBuf>,
    pub seed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("cannot read the bench feed {path}: {source}")]
    Feed {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    State(#[from] crate::enrich::StateError),
}

/// Figures of one bench run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchReport {
    pub stories: usize,
    pub mean_story_bytes: usize,
    pub core_stories_per_s: f64,
    pub core_stories_per_s_without_metrics: f64,
    pub metrics_overhead_percent: f64,
    pub stage_stories_per_s: Vec<(String, f64)>,
    pub dedup_only_stories_per_s: f64,
    pub dedup_bytes_per_story: f64,
    pub cluster_window: usize,
    pub cluster_stories_per_s_full_window: f64,
    pub verdicts: Vec<(String, usize)>,
    pub peak_rss_mb: f64,
    /// Building the entity tagger from the embedded gazetteer (the bound: 300 ms).
    pub tagger_startup_ms: f64,
    /// Building the whole core's state (tagger, dedup index, clusterer): what `run`, `process`
    /// and `demo` pay before the first story.
    pub core_startup_ms: f64,
}

fn ninjs_line(s: &synth::SynthStory) -> Vec<u8> {
    let time = chrono::DateTime::from_timestamp_millis(s.event_time_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    serde_json::json!({
        "uri": s.uri,
        "type": "text",
        "versionCreated": time,
        "headlines": [{"role": "main", "value": s.headline}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": s.body}],
    })
    .to_string()
    .into_bytes()
}

/// The feed to measure: JSON lines, generated or read.
pub fn feed(opts: &BenchOptions) -> Result<Vec<Vec<u8>>, BenchError> {
    if let Some(path) = &opts.feed {
        let text = std::fs::read(path).map_err(|source| BenchError::Feed {
            path: path.clone(),
            source,
        })?;
        return Ok(text
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .take(opts.stories)
            .map(<[u8]>::to_vec)
            .collect());
    }
    Ok(
        synth::stories_with_resends(opts.seed, opts.stories, opts.resend_rate)
            .map(|(s, _)| ninjs_line(&s))
            .collect(),
    )
}

/// Writes the feed as JSON Lines.
pub fn write_feed(opts: &BenchOptions, path: &std::path::Path) -> Result<(), BenchError> {
    let mut text = Vec::new();
    for line in feed(opts)? {
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    std::fs::write(path, text).map_err(|source| BenchError::Feed {
        path: path.to_path_buf(),
        source,
    })
}

fn ctx(i: usize) -> StoryContext {
    StoryContext {
        source: Source::File {
            file: "bench".into(),
            line: i,
        },
        processed_at: "2026-01-01T00:00:00.000Z".into(),
        fallback_time_ms: synth::START_MS,
        received_ms: None,
    }
}

/// One pass of the whole core over the feed; returns elapsed time, stage totals and verdicts.
fn core_pass(feed: &[Vec<u8>]) -> Result<(Duration, [Duration; 5], [usize; 3]), BenchError> {
    let mut state = State::with_defaults()?;
    // As in `process` and a service without a fingerprints topic.
    state.share_records = false;
    let mut stages = [Duration::ZERO; 5];
    let mut verdicts = [0usize; 3];
    let start = Instant::now();
    for (i, line) in feed.iter().enumerate() {
        let t = Instant::now();
        let outcome = process_message(&mut state, line, usize::MAX, ctx(i));
        let total = t.elapsed();
        if let Outcome::Enriched(e) = outcome {
            verdicts[e.verdict as usize] += 1;
            let inner: Duration = [Stage::Dedup, Stage::Entities, Stage::Cluster]
                .iter()
                .map(|s| state.timings.get(*s))
                .sum();
            for s in [Stage::Dedup, Stage::Entities, Stage::Cluster] {
                stages[s as usize] += state.timings.get(s);
            }
            // Parse and serialise share the remainder; split them by a separate parse timing.
            stages[Stage::Serialise as usize] += total.saturating_sub(inner);
        }
    }
    let elapsed = start.elapsed();
    // Parse alone, to separate it from serialisation.
    let t = Instant::now();
    for line in feed {
        let _ = std::hint::black_box(parse_story(line, usize::MAX));
    }
    let parse = t.elapsed();
    stages[Stage::Parse as usize] = parse;
    stages[Stage::Serialise as usize] = stages[Stage::Serialise as usize].saturating_sub(parse);
    Ok((elapsed, stages, verdicts))
}

/// Runs the bench and prints the report.
pub fn run_bench(opts: &BenchOptions) -> Result<BenchReport, BenchError> {
    let t = Instant::now();
    drop(std::hint::black_box(
        crate::entities::EntityTagger::new().map_err(crate::enrich::StateError::from)?,
    ));
    let tagger_startup = t.elapsed();
    let t = Instant::now();
    drop(std::hint::black_box(State::with_defaults()?));
    let core_startup = t.elapsed();
    let feed = feed(opts)?;
    let n = feed.len().max(1);
    let mean_bytes = feed.iter().map(Vec::len).sum::<usize>() / n;
    eprintln!(
        "bench: {} stories, mean {} bytes, {:.0}% re-sends",
        feed.len(),
        mean_bytes,
        opts.resend_rate * 100.0
    );

    // Whole core, alternating with and without metrics; best of three each (the machine is noisy).
    let mut with = Duration::MAX;
    let mut without = Duration::MAX;
    let mut stages = [Duration::ZERO; 5];
    let mut verdicts = [0usize; 3];
    for round in 0..6 {
        let on = round % 2 == 1;
        metrics::set_enabled(on);
        let (elapsed, s, v) = core_pass(&feed)?;
        if on {
            if elapsed < with {
                stages = s;
                verdicts = v;
            }
            with = with.min(elapsed);
        } else {
            without = without.min(elapsed);
        }
    }
    metrics::set_enabled(true);
    let per_s = |d: Duration| n as f64 / d.as_secs_f64().max(1e-9);

    // Dedup stage alone: fingerprint, lookup, insert.
    let stories: Vec<crate::story::Story> = feed
        .iter()
        .filter_map(|l| parse_story(l, usize::MAX).ok())
        .collect();
    let mut dedup = crate::dedup::DedupIndex::new(crate::dedup::DedupConfig::default())
        .map_err(crate::enrich::StateError::from)?;
    let t = Instant::now();
    for (i, s) in stories.iter().enumerate() {
        let fp = dedup.fingerprint(&s.headline, &s.body);
        let m = dedup.find(&fp);
        dedup.insert(
            &fp,
            &s.uri,
            s.event_time_ms(synth::START_MS + i as i64 * 1000),
            i as u64,
            m.as_ref(),
        );
    }
    let dedup_elapsed = t.elapsed();
    let dedup_bytes = dedup.index_bytes() as f64 / dedup.len().max(1) as f64;
    drop(dedup);

    let (cluster_rate, window) = cluster_bench(opts)?;

    let report = BenchReport {
        stories: feed.len(),
        mean_story_bytes: mean_bytes,
        core_stories_per_s: per_s(with),
        core_stories_per_s_without_metrics: per_s(without),
        metrics_overhead_percent: (with.as_secs_f64() / without.as_secs_f64().max(1e-9) - 1.0)
            * 100.0,
        stage_stories_per_s: Stage::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), per_s(stages[*s as usize])))
            .collect(),
        dedup_only_stories_per_s: per_s(dedup_elapsed),
        dedup_bytes_per_story: dedup_bytes,
        cluster_window: window,
        cluster_stories_per_s_full_window: cluster_rate,
        verdicts: crate::envelope::Verdict::ALL
            .iter()
            .map(|v| (v.as_str().to_string(), verdicts[*v as usize]))
            .collect(),
        peak_rss_mb: peak_rss_mb(),
        tagger_startup_ms: tagger_startup.as_secs_f64() * 1000.0,
        core_startup_ms: core_startup.as_secs_f64() * 1000.0,
    };
    print_report(&report);
    Ok(report)
}

/// Clustering with a full window: fills the clusterer with `cluster_window` tagged stories, then
/// times `assign` for the next stories.
fn cluster_bench(opts: &BenchOptions) -> Result<(f64, usize), BenchError> {
    let window = opts.cluster_window;
    if window == 0 {
        return Ok((0.0, 0));
    }
    let tagger = crate::entities::EntityTagger::new().map_err(crate::enrich::StateError::from)?;
    let mut clusters =
        crate::cluster::StoryClusterer::new(crate::cluster::ClusterConfig::default())
            .map_err(crate::enrich::StateError::from)?;
    let measured = 5_000usize;
    let mut timed = Duration::ZERO;
    // Event times are compressed so that the whole window stays inside the horizon.
    for (i, s) in synth::stories(opts.seed ^ 0x5eed, window + measured).enumerate() {
        let entities = tagger.tag(&s.headline, &s.body);
        let doc = crate::cluster::ClusterDoc {
            uri: &s.uri,
            event_time_ms: synth::START_MS + i as i64 * 1_000,
            headline: &s.headline,
            body: &s.body,
            entities: &entities,
        };
        let t = Instant::now();
        let _ = std::hint::black_box(clusters.assign(&doc));
        if i >= window {
            timed += t.elapsed();
        }
        if i > 0 && i % 20_000 == 0 {
            eprintln!("bench: clustering window filled to {i} stories");
        }
    }
    Ok((measured as f64 / timed.as_secs_f64().max(1e-9), window))
}

/// Peak resident memory of this process (Linux), MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn print_report(r: &BenchReport) {
    println!(
        "wiredesk bench: {} stories, mean {} bytes",
        r.stories, r.mean_story_bytes
    );
    println!(
        "  whole core (parse, dedup, entities, cluster, serialise): {:>9.0} stories/s on one core",
        r.core_stories_per_s
    );
    println!(
        "  same without metrics:                                     {:>9.0} stories/s (metrics cost {:+.1}%)",
        r.core_stories_per_s_without_metrics, r.metrics_overhead_percent
    );
    for (stage, rate) in &r.stage_stories_per_s {
        println!("  stage {stage:<10} {rate:>12.0} stories/s");
    }
    println!(
        "  dedup stage alone: {:>9.0} stories/s, {:.0} bytes per indexed story",
        r.dedup_only_stories_per_s, r.dedup_bytes_per_story
    );
    if r.cluster_window > 0 {
        println!(
            "  clustering with {} stories in the window: {:.0} stories/s",
            r.cluster_window, r.cluster_stories_per_s_full_window
        );
    }
    println!(
        "  verdicts: {}",
        r.verdicts
            .iter()
            .map(|(v, c)| format!("{c} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("  peak memory: {:.0} MB", r.peak_rss_mb);
    println!(
        "  start-up: entity tagger {:.0} ms (embedded gazetteer), whole core state {:.0} ms",
        r.tagger_startup_ms, r.core_startup_ms
    );
}

/// Figures of `wiredesk bench --broker`: stories/s through Kafka, wiredesk against a plain
/// pass-through consumer-producer on the same broker, same feed, same run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrokerReport {
    pub stories: usize,
    pub wiredesk_stories_per_s: f64,
    pub passthrough_stories_per_s: f64,
    pub ratio: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum BrokerBenchError {
    #[error("broker bench: Kafka error: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("broker bench: cannot create topic {0}: {1}")]
    Topic(String, String),
    #[error("broker bench: {0}")]
    Pipeline(#[from] crate::kafka::KafkaPipelineError),
    #[error("broker bench: only {got} of {want} messages arrived on {topic} within {secs} s")]
    Timeout {
        topic: String,
        got: usize,
        want: usize,
        secs: u64,
    },
    #[error(transparent)]
    Bench(#[from] BenchError),
}

/// Measures stories/s through the broker at `brokers`: the same feed goes through `wiredesk run`'s
/// pipeline and through a pass-through that copies each message to another topic. Rates are
/// taken between the first and the last output message, so group joins do not count.
pub async fn run_broker_bench(
    opts: &BenchOptions,
    brokers: &str,
) -> Result<BrokerReport, BrokerBenchError> {
    use rdkafka::ClientConfig;
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    use rdkafka::client::DefaultClientContext;
    use rdkafka::consumer::{Consumer, StreamConsumer};
    use rdkafka::message::Message;
    use rdkafka::producer::{FutureProducer, FutureRecord};

    let feed = feed(opts)?;
    let n = feed.len();
    let tag = format!("{}-{}", std::process::id(), crate::processor::now_ms());
    let topic = |name: &str| format!("bench-{name}-{tag}");
    let (input, output, dlq, pass, shared) = (
        topic("in"),
        topic("out"),
        topic("dlq"),
        topic("pass"),
        topic("fp"),
    );
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()?;
    let new: Vec<NewTopic<'_>> = [&input, &output, &dlq, &pass, &shared]
        .iter()
        .map(|t| NewTopic::new(t, 3, TopicReplication::Fixed(1)))
        .collect();
    for r in admin.create_topics(&new, &AdminOptions::new()).await? {
        r.map_err(|(t, e)| BrokerBenchError::Topic(t, e.to_string()))?;
    }
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("linger.ms", "5")
        .create()?;
    let mut pending = Vec::with_capacity(n);
    for line in &feed {
        pending.push(producer.send_result(FutureRecord::<(), [u8]>::to(&input).payload(line)));
    }
    for p in pending.into_iter().flatten() {
        let _ = p.await;
    }
    eprintln!("bench: {n} stories produced to {input}");

    // Times the span between the first and the n-th message on `topic`.
    async fn span_of(brokers: &str, topic: &str, n: usize) -> Result<f64, BrokerBenchError> {
        let reader: StreamConsumer = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("group.id", format!("bench-reader-{topic}"))
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", "6000")
            .create()?;
        reader.subscribe(&[topic])?;
        let secs = 300;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        let mut first = None;
        let mut got = 0;
        while got < n {
            match tokio::time::timeout_at(deadline, reader.recv()).await {
                Ok(Ok(_)) => {
                    got += 1;
                    first.get_or_insert_with(Instant::now);
                }
                Ok(Err(e)) => tracing::warn!("bench reader: {e}"),
                Err(_) => {
                    return Err(BrokerBenchError::Timeout {
                        topic: topic.to_string(),
                        got,
                        want: n,
                        secs,
                    });
                }
            }
        }
        Ok(first.map_or(0.0, |f| f.elapsed().as_secs_f64()))
    }

    // wiredesk.
    let mut config = crate::config::Config::default();
    config.kafka.brokers = brokers.to_string();
    config.kafka.group_id = format!("bench-wiredesk-{tag}");
    config.kafka.input_topic = input.clone();
    config.kafka.output_topic = output.clone();
    config.kafka.dlq_topic = dlq.clone();
    config.shared.topic = shared.clone();
    config.kafka.session_timeout_ms = 6_000;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let state = State::with_defaults().map_err(BenchError::from)?;
    let task = tokio::spawn(async move {
        crate::kafka::run_pipeline(&config, state, stopped, crate::kafka::RunOptions::default())
            .await
    });
    let wiredesk = span_of(brokers, &output, n).await?;
    let _ = stop.send(true);
    let _ = task.await;

    // Pass-through: consume, produce the same bytes, nothing else.
    let source: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("bench-pass-{tag}"))
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "6000")
        .create()?;
    source.subscribe(&[input.as_str()])?;
    let sink: FutureProducer = crate::kafka::producer_config(&crate::config::KafkaConfig {
        brokers: brokers.to_string(),
        ..crate::config::KafkaConfig::default()
    })
    .create()?;
    let pass_topic = pass.clone();
    let copier = tokio::spawn(async move {
        let mut copied = 0;
        while copied < n {
            if let Ok(m) = source.recv().await {
                let payload = m.payload().unwrap_or_default().to_vec();
                let _ =
                    sink.send_result(FutureRecord::<(), [u8]>::to(&pass_topic).payload(&payload));
                copied += 1;
            }
        }
        let _ = rdkafka::producer::Producer::flush(&sink, Duration::from_secs(30));
    });
    let passthrough = span_of(brokers, &pass, n).await?;
    let _ = copier.await;

    let rate = |secs: f64| (n.saturating_sub(1)) as f64 / secs.max(1e-9);
    let report = BrokerReport {
        stories: n,
        wiredesk_stories_per_s: rate(wiredesk),
        passthrough_stories_per_s: rate(passthrough),
        ratio: rate(wiredesk) / rate(passthrough).max(1e-9),
    };
    println!(
        "wiredesk bench --broker {brokers}: {n} stories: wiredesk {:.0} stories/s, pass-through {:.0} stories/s (ratio {:.2})",
        report.wiredesk_stories_per_s, report.passthrough_stories_per_s, report.ratio
    );
    Ok(report)
}

/// Figures of `wiredesk bench --broker ADDR --replay`: how long a fresh instance takes to replay a
/// shared topic holding `records` story records before it reports ready.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplayReport {
    pub records: usize,
    pub bytes_per_record: f64,
    pub replay_seconds: f64,
    pub records_per_s: f64,
    pub window_stories: usize,
    pub index_mb: f64,
    pub peak_rss_mb: f64,
}

/// Produces `opts.stories` story records of generated stories to a fresh shared topic, then times
/// a fresh index replaying it (the start-up of `wiredesk run`).
pub async fn run_replay_bench(
    opts: &BenchOptions,
    brokers: &str,
) -> Result<ReplayReport, BrokerBenchError> {
    use crate::enrich::{Decision, Index, StoryContext};
    use crate::envelope::{Source, Verdict};
    use crate::replica::StoryRecord;
    use rdkafka::ClientConfig;
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    use rdkafka::client::DefaultClientContext;
    use rdkafka::producer::{FutureProducer, FutureRecord};

    let n = opts.stories;
    let topic = format!(
        "bench-replay-{}-{}",
        std::process::id(),
        crate::processor::now_ms()
    );
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()?;
    let new = [NewTopic::new(&topic, 6, TopicReplication::Fixed(1))];
    for r in admin.create_topics(&new, &AdminOptions::new()).await? {
        r.map_err(|(t, e)| BrokerBenchError::Topic(t, e.to_string()))?;
    }
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("linger.ms", "20")
        .set("compression.type", "zstd")
        .set("queue.buffering.max.messages", "200000")
        .create()?;
    // Records of generated stories, as `wiredesk run` publishes them (each story decided as the
    // first of its own story; the replay cost does not depend on the verdicts).
    let mut state = State::with_defaults().map_err(BenchError::from)?;
    let mut bytes = 0usize;
    let mut pending = std::collections::VecDeque::new();
    let started = Instant::now();
    for (i, s) in crate::synth::stories(opts.seed, n).enumerate() {
        let story = crate::story::Story {
            uri: s.uri.clone(),
            ninjs_version: crate::story::NinjsVersion::V3,
            headline: s.headline,
            body: s.body,
            by: None,
            language: None,
            version_created: None,
        };
        let ctx = StoryContext {
            source: Source::File {
                file: "bench".into(),
                line: i,
            },
            processed_at: String::new(),
            // Spread the stories over 71 hours so that all of them fit the default 72-hour window.
            fallback_time_ms: crate::synth::START_MS + (i as i64) * 255_600_000 / n.max(1) as i64,
            received_ms: None,
        };
        let prepared = state.preparer.prepare(story, ctx);
        let decision = Decision {
            verdict: Verdict::Unique,
            duplicate_of: None,
            similarity: 0.0,
            story_tag: crate::cluster::story_id_of(&s.uri),
            repeated: false,
            correction: None,
        };
        let record = StoryRecord::new(&prepared, &decision).to_bytes();
        bytes += record.len();
        loop {
            let sent = producer
                .send_result(
                    FutureRecord::to(&topic)
                        .key(s.uri.as_bytes())
                        .payload(&record)
                        // As if published when the story arrived: the follower's windows slide
                        // with the records' timestamps.
                        .timestamp(prepared.window_time_ms),
                )
                .map_err(|(e, _)| e);
            match sent {
                Ok(delivery) => {
                    pending.push_back(delivery);
                    break;
                }
                // Queue full: wait for the oldest delivery, then try again.
                Err(_) => match pending.pop_front() {
                    Some(delivery) => {
                        let _ = delivery.await;
                    }
                    None => tokio::time::sleep(Duration::from_millis(10)).await,
                },
            }
        }
        while pending.len() > 50_000 {
            if let Some(delivery) = pending.pop_front() {
                let _ = delivery.await;
            }
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!(
                "bench: {} records produced ({:.0}/s)",
                i + 1,
                (i + 1) as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    for delivery in pending {
        let _ = delivery.await;
    }
    drop(state);
    eprintln!("bench: {n} story records produced to {topic}; replaying");

    let mut config = crate::config::Config::default();
    config.kafka.brokers = brokers.to_string();
    config.shared.topic = topic.clone();
    let index = std::sync::Arc::new(std::sync::Mutex::new(
        Index::new(config.dedup.clone(), config.cluster.clone()).map_err(BenchError::from)?,
    ));
    let mut follower = crate::kafka::shared::start_follower(&config, index.clone(), "bench")?;
    let done = follower.wait_replayed(Duration::from_secs(3_600)).await;
    follower.stop();
    let (window_stories, index_bytes) = {
        let index = crate::enrich::lock(&index);
        (
            index.dedup.len(),
            index.dedup.index_bytes() + index.clusters.index_bytes(),
        )
    };
    let report = ReplayReport {
        records: done.records as usize,
        bytes_per_record: bytes as f64 / n.max(1) as f64,
        replay_seconds: done.seconds,
        records_per_s: done.records as f64 / done.seconds.max(1e-9),
        window_stories,
        index_mb: index_bytes as f64 / 1e6,
        peak_rss_mb: peak_rss_mb(),
    };
    println!(
        "wiredesk bench --broker {brokers} --replay: {} records ({:.0} bytes each) replayed in {:.1} s ({:.0} records/s); window {} stories, index {:.0} MB, peak RSS {:.0} MB{}",
        report.records,
        report.bytes_per_record,
        report.replay_seconds,
        report.records_per_s,
        report.window_stories,
        report.index_mb,
        report.peak_rss_mb,
        if done.complete {
            ""
        } else {
            " (INCOMPLETE: timed out)"
        }
    );
    Ok(report)
}
