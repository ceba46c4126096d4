//! Exactly-once mode on rdkafka's mock cluster: the whole transaction flow (begin, produce,
//! send offsets, commit), and injected failures that abort a transaction and reprocess its input
//! from the committed position with the same verdicts. (The mock cluster does not enforce
//! read_committed, so readers take the last envelope per uri.)

use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Message, OwnedMessage};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;
use wiredesk::config::{Config, Delivery};
use wiredesk::enrich::State;
use wiredesk::kafka::{RunOptions, RunSummary, run_pipeline};

const IN: &str = "wire.stories";
const OUT: &str = "wire.enriched";
const DLQ: &str = "wire.stories.dlq";

fn cluster() -> MockCluster<'static, rdkafka::producer::DefaultProducerContext> {
    let c = MockCluster::new(3).expect("mock cluster");
    for (t, p) in [(IN, 3), (OUT, 3), (DLQ, 1), ("wiredesk.fingerprints", 3)] {
        c.create_topic(t, p, 1).unwrap();
    }
    c
}

fn config(bootstrap: &str, group: &str) -> Config {
    let mut c = Config::default();
    c.kafka.brokers = bootstrap.into();
    c.kafka.group_id = group.into();
    c.kafka.delivery = Delivery::ExactlyOnce;
    c.kafka.transactional_id = Some(format!("tx-{group}"));
    c.kafka.session_timeout_ms = 6_000;
    c.kafka.statistics_interval_ms = 0;
    c.kafka.commit_interval_ms = 5;
    c.kafka.max_in_flight = 8;
    c
}

/// 30 distinct stories, then exact re-sends of the first 10 under new uris.
fn feed() -> Vec<Vec<u8>> {
    let story = |uri: String, i: usize| {
        serde_json::json!({
            "uri": uri,
            "headline": format!("Harbour authority report {i}"),
            "body_text": format!("ROTTERDAM - The port said {i} vessels waited {} hours on day {}.", i * 3 + 1, i + 2),
            "versioncreated": "2026-03-02T08:00:00Z"
        })
        .to_string()
        .into_bytes()
    };
    let mut v: Vec<Vec<u8>> = (0..30).map(|i| story(format!("urn:eos:{i}"), i)).collect();
    v.extend((0..10).map(|i| story(format!("urn:eos:{i}:resend"), i)));
    v.push(b"{broken".to_vec());
    v
}

async fn produce(bootstrap: &str, payloads: &[Vec<u8>]) {
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .unwrap();
    for (i, payload) in payloads.iter().enumerate() {
        // One partition keeps the arrival order identical between runs.
        p.send(
            FutureRecord::to(IN)
                .payload(payload)
                .key(&format!("{i}"))
                .partition(0),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    }
}

/// Reads until every uri in `want` has an envelope (last one per uri wins).
async fn read_verdicts(
    bootstrap: &str,
    want: usize,
) -> HashMap<String, (String, Option<String>, String)> {
    let c: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("reader-{}", rand::random::<u32>()))
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed")
        .create()
        .unwrap();
    c.subscribe(&[OUT]).unwrap();
    let mut out = HashMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(150);
    while out.len() < want {
        let m: OwnedMessage = tokio::time::timeout_at(deadline, c.recv())
            .await
            .unwrap_or_else(|_| panic!("only {} of {want} envelopes", out.len()))
            .unwrap()
            .detach();
        let v: serde_json::Value = serde_json::from_slice(m.payload().unwrap()).unwrap();
        out.insert(
            v["item"]["uri"].as_str().unwrap().to_string(),
            (
                v["dedup"]["verdict"].as_str().unwrap().to_string(),
                v["dedup"]["duplicateOf"].as_str().map(str::to_string),
                v["dedup"]["storyId"].as_str().unwrap().to_string(),
            ),
        );
    }
    out
}

async fn run(
    c: &MockCluster<'static, rdkafka::producer::DefaultProducerContext>,
    group: &str,
    inject: bool,
) -> (
    RunSummary,
    HashMap<String, (String, Option<String>, String)>,
) {
    let bs = c.bootstrap_servers();
    let feed = feed();
    produce(&bs, &feed).await;
    if inject {
        // The first transaction commits fail: each must abort and reprocess from the last commit.
        c.request_errors(
            RDKafkaApiKey::Produce,
            &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED; 2],
        );
    }
    let (tx, rx) = watch::channel(false);
    let cfg = config(&bs, group);
    let task = tokio::spawn(async move {
        run_pipeline(
            &cfg,
            State::with_defaults().unwrap(),
            rx,
            RunOptions::default(),
        )
        .await
    });
    let verdicts = read_verdicts(&bs, feed.len() - 1).await;
    // Let the last transaction commit. (The mock cluster does not apply transactional offset
    // commits to the group, so committed offsets cannot be checked here; tests/broker.rs and
    // the summary's transaction count cover them.)
    tokio::time::sleep(Duration::from_millis(500)).await;
    tx.send(true).unwrap();
    let summary = task.await.unwrap().expect("exactly-once run ends cleanly");
    (summary, verdicts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_carry_outputs_dead_letters_and_offsets() {
    let c = cluster();
    let (summary, verdicts) = run(&c, "eos-clean", false).await;
    assert!(summary.commits >= 1);
    assert_eq!(summary.aborts, 0);
    assert_eq!(summary.dead_letters, 1);
    assert_eq!(verdicts.len(), 40);
    assert_eq!(verdicts["urn:eos:3:resend"].0, "duplicate");
    assert_eq!(verdicts["urn:eos:3:resend"].1.as_deref(), Some("urn:eos:3"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_failures_abort_and_reprocess_with_the_same_verdicts() {
    let clean_cluster = cluster();
    let (_, clean) = run(&clean_cluster, "eos-ref", false).await;
    let c = cluster();
    let (summary, verdicts) = run(&c, "eos-fail", true).await;
    assert!(
        summary.aborts >= 1,
        "the injected errors aborted a transaction: {summary:?}"
    );
    assert!(
        summary.consumed > 41,
        "aborted input was consumed again: {summary:?}"
    );
    assert_eq!(
        verdicts, clean,
        "replayed stories keep the verdicts of a clean run"
    );
}
