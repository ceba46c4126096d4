//! The Kafka pipeline end to end on rdkafka's in-process mock cluster: every story in comes out,
//! poison goes to the dead-letter topic intact, produce failures are retried without committing
//! past them, and shutdown commits what was done.

use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::watch;
use wiredesk::config::Config;
use wiredesk::enrich::State;
use wiredesk::kafka::{RunOptions, RunSummary, run_pipeline};

const IN: &str = "wire.stories";
const OUT: &str = "wire.enriched";
const DLQ: &str = "wire.stories.dlq";
const SHARED: &str = "wiredesk.fingerprints";

fn cluster() -> MockCluster<'static, rdkafka::producer::DefaultProducerContext> {
    let c = MockCluster::new(3).expect("mock cluster");
    c.create_topic(IN, 3, 1).unwrap();
    c.create_topic(OUT, 3, 1).unwrap();
    c.create_topic(DLQ, 1, 1).unwrap();
    c.create_topic(SHARED, 3, 1).unwrap();
    c
}

fn config(bootstrap: &str, group: &str) -> Config {
    let mut c = Config::default();
    c.kafka.brokers = bootstrap.to_string();
    c.kafka.group_id = group.to_string();
    c.kafka.session_timeout_ms = 6_000;
    c.kafka.commit_interval_ms = 100;
    c.kafka.statistics_interval_ms = 0;
    c.shutdown.timeout_secs = 20;
    c
}

fn story(i: usize) -> Vec<u8> {
    serde_json::json!({
        "uri": format!("urn:test:{i}"),
        "headline": format!("Story number {i}"),
        "body_text": format!("Body of story {i}: the harbour authority said {i} ships were delayed on day {}.", i * 7 + 3),
        "versioncreated": "2026-03-02T08:00:00Z"
    })
    .to_string()
    .into_bytes()
}

async fn produce_all(bootstrap: &str, payloads: &[Vec<u8>]) {
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .unwrap();
    for (i, payload) in payloads.iter().enumerate() {
        let key = format!("k{i}");
        p.send(
            FutureRecord::to(IN).payload(payload).key(&key),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    }
}

/// Reads `n` messages from `topic` (fails the test after 60 s).
async fn read_n(bootstrap: &str, topic: &str, n: usize) -> Vec<rdkafka::message::OwnedMessage> {
    let c: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set(
            "group.id",
            format!("reader-{topic}-{}", rand::random::<u32>()),
        )
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    c.subscribe(&[topic]).unwrap();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while out.len() < n {
        let m = tokio::time::timeout_at(deadline, c.recv())
            .await
            .unwrap_or_else(|_| panic!("only {} of {n} messages on {topic}", out.len()))
            .unwrap();
        out.push(m.detach());
    }
    out
}

/// Committed offsets of `group` on the input topic, summed over partitions.
fn committed_total(bootstrap: &str, group: &str) -> i64 {
    let c: rdkafka::consumer::BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..3 {
        tpl.add_partition(IN, p);
    }
    let got = c.committed_offsets(tpl, Duration::from_secs(10)).unwrap();
    got.elements()
        .iter()
        .map(|e| match e.offset() {
            Offset::Offset(o) => o,
            _ => 0,
        })
        .sum()
}

async fn run_until(
    config: Config,
    want_out: usize,
    want_dlq: usize,
) -> (
    RunSummary,
    Vec<rdkafka::message::OwnedMessage>,
    Vec<rdkafka::message::OwnedMessage>,
) {
    let (tx, rx) = watch::channel(false);
    let state = State::with_defaults().unwrap();
    let cfg = config.clone();
    let task =
        tokio::spawn(async move { run_pipeline(&cfg, state, rx, RunOptions::default()).await });
    let out = read_n(&config.kafka.brokers, OUT, want_out).await;
    let dlq = if want_dlq > 0 {
        read_n(&config.kafka.brokers, DLQ, want_dlq).await
    } else {
        Vec::new()
    };
    tx.send(true).unwrap();
    let summary = task.await.unwrap().expect("pipeline ends cleanly");
    (summary, out, dlq)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_story_in_comes_out_once_with_matching_uri_and_headers() {
    let c = cluster();
    let bs = c.bootstrap_servers();
    let n = 60;
    produce_all(&bs, &(0..n).map(story).collect::<Vec<_>>()).await;
    let (summary, out, _) = run_until(config(&bs, "g-all"), n, 0).await;
    assert_eq!(summary.enriched as usize, n);
    let uris: HashSet<String> = out
        .iter()
        .map(|m| {
            let v: serde_json::Value = serde_json::from_slice(m.payload().unwrap()).unwrap();
            let uri = v["item"]["uri"].as_str().unwrap().to_string();
            assert_eq!(m.key().unwrap(), uri.as_bytes(), "output key is the uri");
            let headers = m.headers().unwrap();
            let names: Vec<&str> = headers.iter().map(|h| h.key).collect();
            assert!(names.contains(&"wiredesk-story-id") && names.contains(&"wiredesk-source"));
            uri
        })
        .collect();
    let expected: HashSet<String> = (0..n).map(|i| format!("urn:test:{i}")).collect();
    assert_eq!(uris, expected);
    assert_eq!(
        committed_total(&bs, "g-all"),
        n as i64,
        "shutdown committed everything"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_goes_to_the_dead_letter_topic_intact_and_the_pipeline_keeps_going() {
    let c = cluster();
    let bs = c.bootstrap_servers();
    let poison: Vec<Vec<u8>> = vec![
        b"\xff\xfe\x00binary".to_vec(),
        b"{\"uri\": \"urn:x\", \"body_text\": ".to_vec(),
        br#"{"uri": 42, "body_text": "x"}"#.to_vec(),
        br#"{"uri": "urn:empty", "body_text": ""}"#.to_vec(),
        "[".repeat(5000).into_bytes(),
    ];
    let mut feed = Vec::new();
    for (i, p) in poison.iter().enumerate() {
        feed.push(story(i));
        feed.push(p.clone());
    }
    feed.push(story(99));
    produce_all(&bs, &feed).await;
    let (summary, out, dlq) = run_until(config(&bs, "g-poison"), 6, poison.len()).await;
    assert_eq!(summary.dead_letters as usize, poison.len());
    assert_eq!(out.len(), 6);
    let got: HashSet<Vec<u8>> = dlq
        .iter()
        .map(|m| m.payload().unwrap_or_default().to_vec())
        .collect();
    let want: HashSet<Vec<u8>> = poison.iter().cloned().collect();
    assert_eq!(got, want, "dead letters carry the original bytes unchanged");
    for m in &dlq {
        let h = m.headers().unwrap();
        let get = |k: &str| {
            h.iter()
                .find(|x| x.key == k)
                .and_then(|x| x.value)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        let reason = get("wiredesk-reason").unwrap();
        assert!(
            [
                "invalid_utf8",
                "invalid_json",
                "invalid_story",
                "empty_body"
            ]
            .contains(&reason.as_str()),
            "{reason}"
        );
        assert_eq!(get("wiredesk-source-topic").as_deref(), Some(IN));
        assert!(
            get("wiredesk-source-offset")
                .unwrap()
                .parse::<i64>()
                .is_ok()
        );
        assert!(get("wiredesk-error").is_some());
    }
    assert_eq!(committed_total(&bs, "g-poison"), feed.len() as i64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_and_nothing_is_lost_or_committed_early() {
    let c = cluster();
    let bs = c.bootstrap_servers();
    let n = 30;
    produce_all(&bs, &(0..n).map(story).collect::<Vec<_>>()).await;
    // Every produce request fails for a while with a non-retriable error: librdkafka reports the
    // deliveries as failed and the pipeline must produce them again itself.
    c.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED; 12],
    );
    let mut cfg = config(&bs, "g-retry");
    cfg.kafka
        .producer
        .insert("enable.idempotence".into(), "false".into());
    cfg.kafka.producer.insert("linger.ms".into(), "0".into());
    let (summary, out, _) = run_until(cfg, n, 0).await;
    assert!(
        summary.retried > 0,
        "the injected errors caused retries: {summary:?}"
    );
    let uris: HashSet<String> = out
        .iter()
        .map(|m| String::from_utf8_lossy(m.key().unwrap()).into_owned())
        .collect();
    assert_eq!(uris.len(), n, "every story delivered after retry");
    assert_eq!(committed_total(&bs, "g-retry"), n as i64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_commits_so_a_restart_does_not_reprocess() {
    let c = cluster();
    let bs = c.bootstrap_servers();
    let n = 25;
    produce_all(&bs, &(0..n).map(story).collect::<Vec<_>>()).await;
    let (first, _, _) = run_until(config(&bs, "g-restart"), n, 0).await;
    assert_eq!(first.consumed as usize, n);
    // A second run of the same group, with 5 new stories, consumes only the new ones.
    produce_all(&bs, &(100..105).map(story).collect::<Vec<_>>()).await;
    let (tx, rx) = watch::channel(false);
    let cfg = config(&bs, "g-restart");
    let task = tokio::spawn(async move {
        run_pipeline(
            &cfg,
            State::with_defaults().unwrap(),
            rx,
            RunOptions::default(),
        )
        .await
    });
    read_n(&bs, OUT, n + 5).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    tx.send(true).unwrap();
    let second = task.await.unwrap().unwrap();
    assert_eq!(
        second.consumed, 5,
        "restart resumed from the committed offsets"
    );
}
