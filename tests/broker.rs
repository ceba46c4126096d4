//! Delivery guarantees on a real Kafka-compatible broker (tansu, started by `.ci/broker.sh`):
//! `wiredesk run` as a child process, SIGKILLed and restarted mid-run; a frozen broker; a corpus of
//! poison messages. Skipped, with a message, unless `WIREDESK_BROKER` is set.

use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn broker() -> Option<String> {
    match std::env::var("WIREDESK_BROKER") {
        Ok(b) if !b.is_empty() => Some(b),
        _ => {
            eprintln!(
                "SKIPPED: WIREDESK_BROKER is not set (bash .ci/run starts tansu and sets it)"
            );
            None
        }
    }
}

/// Topic names unique to one test run.
struct Topics {
    input: String,
    output: String,
    dlq: String,
    shared: String,
    group: String,
}

impl Topics {
    fn new(name: &str) -> Topics {
        let tag = format!("{name}-{}", std::process::id());
        Topics {
            input: format!("in-{tag}"),
            output: format!("out-{tag}"),
            dlq: format!("dlq-{tag}"),
            shared: format!("fp-{tag}"),
            group: format!("g-{tag}"),
        }
    }
}

async fn create_topics(broker: &str, t: &Topics, partitions: i32) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", broker)
        .create()
        .unwrap();
    let topics = [
        NewTopic::new(&t.input, partitions, TopicReplication::Fixed(1)),
        NewTopic::new(&t.output, partitions, TopicReplication::Fixed(1)),
        NewTopic::new(&t.dlq, 1, TopicReplication::Fixed(1)),
        NewTopic::new(&t.shared, partitions, TopicReplication::Fixed(1))
            .set("cleanup.policy", "compact"),
    ];
    let res = admin
        .create_topics(
            &topics,
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
        )
        .await
        .unwrap();
    for r in res {
        r.unwrap_or_else(|(t, e)| panic!("create topic {t}: {e}"));
    }
}

fn story(i: usize) -> Vec<u8> {
    serde_json::json!({
        "uri": format!("urn:broker-test:{i}"),
        "type": "text",
        "headlines": [{"role": "main", "value": format!("Council approves budget item {i}")}],
        "bodies": [{"role": "main", "contentType": "text/plain",
            "value": format!("LEEDS, May 11 - The city council approved spending line {i} worth {} pounds on Tuesday, officials said.\n\nThe vote was {} to {}.", i * 1000 + 7, i % 50, i % 13)}],
        "versionCreated": "2026-05-11T09:00:00Z"
    })
    .to_string()
    .into_bytes()
}

async fn produce(broker: &str, topic: &str, payloads: &[Vec<u8>]) {
    let keyed: Vec<(Option<i32>, Vec<u8>)> = payloads.iter().map(|p| (None, p.clone())).collect();
    produce_to(broker, topic, &keyed).await;
}

/// Produces payloads, each to the given partition (or by key when `None`).
async fn produce_to(broker: &str, topic: &str, payloads: &[(Option<i32>, Vec<u8>)]) {
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", broker)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .create()
        .unwrap();
    let mut pending = Vec::new();
    for (i, (partition, payload)) in payloads.iter().enumerate() {
        let key = format!("k{i}");
        let mut record = FutureRecord::to(topic).payload(payload).key(&key);
        if let Some(partition) = partition {
            record = record.partition(*partition);
        }
        pending.push(p.send_result(record).unwrap());
        if pending.len() >= 2000 {
            for f in pending.drain(..) {
                f.await.unwrap().unwrap();
            }
        }
    }
    for f in pending {
        f.await.unwrap().unwrap();
    }
}

/// Reads from `topic` until `done` says so or `timeout` passes; returns what it read.
async fn read_until(
    broker: &str,
    topic: &str,
    timeout: Duration,
    mut done: impl FnMut(&[OwnedMessage]) -> bool,
) -> Vec<OwnedMessage> {
    let c: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", broker)
        .set(
            "group.id",
            format!("reader-{topic}-{}", rand::random::<u32>()),
        )
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .set("session.timeout.ms", "6000")
        .create()
        .unwrap();
    c.subscribe(&[topic]).unwrap();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    // `done` is asked again at least every 200 ms, also when nothing arrives.
    while !done(&out) && tokio::time::Instant::now() < deadline {
        let wait = deadline.min(tokio::time::Instant::now() + Duration::from_millis(200));
        match tokio::time::timeout_at(wait, c.recv()).await {
            Ok(Ok(m)) => out.push(m.detach()),
            Ok(Err(e)) => eprintln!("reader: {e}"),
            Err(_) => {}
        }
    }
    out
}

/// A `wiredesk run` child that is killed if the test fails before stopping it.
struct Service(Child);

impl std::ops::Deref for Service {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Service {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn spawn_wiredesk(broker: &str, t: &Topics, extra: &[(&str, &str)]) -> Service {
    let bin = std::env::var("WIREDESK_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_wiredesk").to_string());
    let mut cmd = Command::new(bin);
    cmd.arg("run")
        .env("WIREDESK_KAFKA__BROKERS", broker)
        .env("WIREDESK_KAFKA__INPUT_TOPIC", &t.input)
        .env("WIREDESK_KAFKA__OUTPUT_TOPIC", &t.output)
        .env("WIREDESK_KAFKA__DLQ_TOPIC", &t.dlq)
        .env(
            "WIREDESK_SHARED__TOPIC",
            std::env::var("WIREDESK_TEST_SHARED_TOPIC").unwrap_or_else(|_| t.shared.clone()),
        )
        .env("WIREDESK_KAFKA__GROUP_ID", &t.group)
        .env("WIREDESK_KAFKA__SESSION_TIMEOUT_MS", "6000")
        .env("WIREDESK_METRICS__LISTEN", "")
        .env(
            "WIREDESK_LOG__LEVEL",
            std::env::var("WIREDESK_TEST_LOG_LEVEL").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    Service(cmd.spawn().expect("start wiredesk run"))
}

fn signal(child: &Child, sig: &str) {
    let status = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for a child to exit, failing the test after `timeout`.
fn wait_exit(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            panic!("wiredesk did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sum of the committed offsets of `group` on `topic`.
fn committed_total(broker: &str, group: &str, topic: &str, partitions: i32) -> i64 {
    let c: rdkafka::consumer::BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", broker)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut tpl = rdkafka::TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let got = c.committed_offsets(tpl, Duration::from_secs(10)).unwrap();
    got.elements()
        .iter()
        .map(|e| match e.offset() {
            rdkafka::Offset::Offset(o) => o,
            _ => 0,
        })
        .sum()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// HTTP status of GET /readyz, or None if the endpoint does not answer.
fn readyz(port: u16) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    buf.split_whitespace().nth(1)?.parse().ok()
}

/// Polls /readyz until it reports `ready` (200) or not (503); false on timeout.
fn wait_ready(port: u16, ready: bool, timeout: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        match readyz(port) {
            Some(200) if ready => return true,
            Some(503) if !ready => return true,
            _ => std::thread::sleep(Duration::from_millis(250)),
        }
    }
    false
}

fn key_of(m: &OwnedMessage) -> String {
    String::from_utf8_lossy(m.key().unwrap_or_default()).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_test_at_least_once_nothing_lost_after_three_sigkills() {
    let Some(broker) = broker() else { return };
    let t = Topics::new("crash");
    create_topics(&broker, &t, 3).await;
    let n = 20_000;
    produce(&broker, &t.input, &(0..n).map(story).collect::<Vec<_>>()).await;

    let mut rng_state = std::process::id() as u64;
    let mut next = || {
        rng_state = rng_state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng_state >> 33) % 1000
    };
    // A background reader collects the output while the service is killed and restarted.
    let collected = std::sync::Arc::new(std::sync::Mutex::new(Vec::<OwnedMessage>::new()));
    let reader = {
        let collected = collected.clone();
        let (broker, topic) = (broker.clone(), t.output.clone());
        tokio::spawn(async move {
            read_until(&broker, &topic, Duration::from_secs(400), |m| {
                if let Ok(mut c) = collected.lock() {
                    let have = c.len();
                    c.extend(m.iter().skip(have).cloned());
                }
                m.len() >= n && m.iter().map(key_of).collect::<HashSet<_>>().len() >= n
            })
            .await
        })
    };
    let distinct = || {
        collected
            .lock()
            .map(|c| c.iter().map(key_of).collect::<HashSet<_>>().len())
            .unwrap_or(0)
    };
    let mut child = spawn_wiredesk(&broker, &t, &[]);
    for (kill, share) in [(1, 0.15), (2, 0.4), (3, 0.65)] {
        // Kill at a random moment once the output has passed `share` of the feed.
        let threshold = (share * n as f64) as usize + next() as usize;
        let waited = Instant::now();
        while distinct() < threshold && waited.elapsed() < Duration::from_secs(120) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(next() / 5)).await;
        signal(&child, "KILL");
        let _ = child.wait();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        eprintln!(
            "crash test: SIGKILL #{kill} with {} of {n} stories out, {} committed",
            distinct(),
            committed_total(&broker, &t.group, &t.input, 3)
        );
        child = spawn_wiredesk(&broker, &t, &[]);
    }
    let out = reader.await.unwrap();
    signal(&child, "TERM");
    let status = wait_exit(&mut child, Duration::from_secs(40));
    let mut counts: HashMap<String, usize> = HashMap::new();
    for m in &out {
        *counts.entry(key_of(m)).or_default() += 1;
    }
    let missing: Vec<usize> = (0..n)
        .filter(|i| !counts.contains_key(&format!("urn:broker-test:{i}")))
        .collect();
    let repeated: usize = counts.values().map(|c| c - 1).sum();
    eprintln!(
        "crash test: {n} stories, 3 SIGKILLs: {} distinct out, {} missing, {repeated} repeated ({:.2}%)",
        counts.len(),
        missing.len(),
        100.0 * repeated as f64 / n as f64
    );
    assert!(
        missing.is_empty(),
        "lost stories: {:?}",
        &missing[..missing.len().min(10)]
    );
    assert!(status.success(), "clean exit after SIGTERM: {status}");
    assert!(
        (repeated as f64) < 0.01 * n as f64,
        "{repeated} repeats is not under 1% of {n}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_corpus_all_dead_lettered_with_original_bytes_all_good_enriched() {
    let Some(broker) = broker() else { return };
    let t = Topics::new("poison");
    create_topics(&broker, &t, 3).await;
    let bad = poison_corpus(10_000);
    let mut feed = Vec::new();
    let mut good = 0;
    for (i, b) in bad.iter().enumerate() {
        feed.push(b.clone());
        if i % 4 == 0 {
            feed.push(story(i));
            good += 1;
        }
    }
    produce(&broker, &t.input, &feed).await;
    let mut child = spawn_wiredesk(
        &broker,
        &t,
        &[("WIREDESK_LIMITS__MAX_STORY_BYTES", "65536")],
    );
    let dlq = read_until(&broker, &t.dlq, Duration::from_secs(240), |m| {
        m.len() >= bad.len()
    })
    .await;
    // Until every good story is out: tie-break corrections re-send envelopes under keys already
    // seen, so count distinct keys, not messages.
    let out = read_until(&broker, &t.output, Duration::from_secs(60), |m| {
        m.iter().map(key_of).collect::<HashSet<_>>().len() >= good
    })
    .await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "wiredesk still running after the poison"
    );
    signal(&child, "TERM");
    let status = wait_exit(&mut child, Duration::from_secs(40));
    assert!(status.success());
    let want: HashMap<Vec<u8>, usize> = bad.iter().fold(HashMap::new(), |mut m, b| {
        *m.entry(b.clone()).or_default() += 1;
        m
    });
    let mut got: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut reasons: HashMap<String, usize> = HashMap::new();
    for m in &dlq {
        *got.entry(m.payload().unwrap_or_default().to_vec())
            .or_default() += 1;
        let reason = m
            .headers()
            .and_then(|h| {
                h.iter()
                    .find(|x| x.key == "wiredesk-reason")
                    .and_then(|x| x.value)
            })
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default();
        *reasons.entry(reason).or_default() += 1;
    }
    eprintln!(
        "poison corpus: {} bad in, {} dead letters by reason {reasons:?}; {good} good in, {} enriched",
        bad.len(),
        dlq.len(),
        out.len()
    );
    assert_eq!(
        dlq.len(),
        bad.len(),
        "every bad message dead-lettered exactly once"
    );
    assert_eq!(got, want, "dead letters carry the original bytes");
    assert!(
        !reasons.contains_key(""),
        "every dead letter has a reason header"
    );
    assert_eq!(out.iter().map(key_of).collect::<HashSet<_>>().len(), good);
}

/// Deterministic bad messages of every kind: invalid UTF-8, truncated and deeply nested JSON,
/// wrong types, huge fields, empty bodies, binary.
fn poison_corpus(n: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(n);
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let good = String::from_utf8(story(i)).unwrap();
        let msg: Vec<u8> = match i % 10 {
            0 => {
                let mut b = good.clone().into_bytes();
                let at = (x as usize) % b.len();
                b[at] = 0xff;
                b
            }
            1 => good.as_bytes()[..(x as usize) % (good.len() - 1)].to_vec(),
            2 => format!(
                "{}{}",
                "[".repeat(200 + (x % 5000) as usize),
                "]".repeat(10)
            )
            .into_bytes(),
            3 => format!(r#"{{"uri": {}, "body_text": "x"}}"#, x % 1000).into_bytes(),
            4 => format!(r#"{{"uri": "urn:p:{i}", "bodies": "{}"}}"#, "not an array").into_bytes(),
            5 => format!(
                r#"{{"uri": "urn:p:{i}", "body_text": "{}"}}"#,
                "A".repeat(70_000 + (x % 1000) as usize)
            )
            .into_bytes(),
            6 => format!(r#"{{"uri": "urn:p:{i}", "body_text": "   ", "headline": "h"}}"#)
                .into_bytes(),
            7 => (0..(16 + x % 200))
                .map(|j| ((x >> (j % 56)) as u8) | 0x80)
                .collect(),
            8 => format!(r#"{{"uri": "urn:p:{i}", "versionCreated": 5, "body_text": "x"}}"#)
                .into_bytes(),
            _ => format!(r#"["uri", "urn:p:{i}"]"#).into_bytes(),
        };
        out.push(msg);
    }
    out
}

/// What happens to the broker in the middle of an outage test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outage {
    /// SIGSTOP for 30 s, then SIGCONT.
    Freeze30s,
    /// SIGKILL, down for 10 s, then started again on its durable (sqlite) storage.
    KillAndRestart,
}

fn broker_sh(command: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/broker.sh");
    let ok = Command::new("bash")
        .args([script, command])
        .status()
        .unwrap();
    assert!(ok.success(), "broker.sh {command}");
}

/// Half the feed before the outage, half after: wiredesk must report not-ready while the broker
/// is unreachable, ready again afterwards, survive, and lose nothing.
async fn outage_resumes_with_nothing_lost(broker: &str, outage: Outage) {
    let t = Topics::new(match outage {
        Outage::Freeze30s => "outage",
        Outage::KillAndRestart => "restart-broker",
    });
    create_topics(broker, &t, 3).await;
    let n = 3_000;
    produce(broker, &t.input, &(0..n / 2).map(story).collect::<Vec<_>>()).await;
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    // tansu's group coordinator answers slowly for a while after a restart on sqlite storage
    // (heartbeats time out after 6 s): a longer session rides that out.
    let session_ms = match outage {
        Outage::Freeze30s => "6000",
        Outage::KillAndRestart => "20000",
    };
    let mut child = spawn_wiredesk(
        broker,
        &t,
        &[
            ("WIREDESK_METRICS__LISTEN", &listen),
            ("WIREDESK_KAFKA__STATISTICS_INTERVAL_MS", "1000"),
            ("WIREDESK_KAFKA__SESSION_TIMEOUT_MS", session_ms),
        ],
    );
    assert!(
        wait_ready(port, true, Duration::from_secs(60)),
        "/readyz reports ready once partitions are assigned"
    );
    let down_at = Instant::now();
    let (saw_not_ready, what) = match outage {
        Outage::Freeze30s => {
            broker_sh("freeze");
            let saw = wait_ready(port, false, Duration::from_secs(29));
            tokio::time::sleep(Duration::from_secs(30).saturating_sub(down_at.elapsed())).await;
            broker_sh("thaw");
            (saw, "broker frozen 30 s")
        }
        Outage::KillAndRestart => {
            broker_sh("kill");
            let saw = wait_ready(port, false, Duration::from_secs(25));
            tokio::time::sleep(Duration::from_secs(10).saturating_sub(down_at.elapsed())).await;
            broker_sh("restart");
            (
                saw,
                "broker killed, down 10 s, restarted on its sqlite storage",
            )
        }
    };
    assert!(
        saw_not_ready,
        "/readyz reported not-ready while the broker was unreachable ({what})"
    );
    assert!(
        wait_ready(port, true, Duration::from_secs(90)),
        "/readyz ready again after the outage ({what})"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "wiredesk survived the outage ({what})"
    );
    produce(broker, &t.input, &(n / 2..n).map(story).collect::<Vec<_>>()).await;
    let out = read_until(broker, &t.output, Duration::from_secs(180), |m| {
        m.iter().map(key_of).collect::<HashSet<_>>().len() >= n
    })
    .await;
    signal(&child, "TERM");
    let status = wait_exit(&mut child, Duration::from_secs(40));
    let distinct = out.iter().map(key_of).collect::<HashSet<_>>().len();
    eprintln!(
        "outage: {n} stories, {what}: {distinct} distinct out of {} envelopes",
        out.len()
    );
    assert_eq!(distinct, n, "nothing lost across the outage ({what})");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_frozen_for_30s_then_resumes_with_nothing_lost() {
    let Some(broker) = broker() else { return };
    outage_resumes_with_nothing_lost(&broker, Outage::Freeze30s).await;
}

/// Needs a broker with durable storage (`WIREDESK_BROKER_STORAGE=sqlite`, and
/// `WIREDESK_BROKER_STATE` naming its broker.sh state dir): `.ci/run` runs it on the sqlite tansu.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durable_broker_killed_and_restarted_then_resumes_with_nothing_lost() {
    let Some(broker) = broker() else { return };
    if std::env::var("WIREDESK_BROKER_STORAGE").as_deref() != Ok("sqlite") {
        eprintln!(
            "SKIPPED durable_broker_killed_and_restarted: set WIREDESK_BROKER_STORAGE=sqlite with a sqlite-backed broker"
        );
        return;
    }
    outage_resumes_with_nothing_lost(&broker, Outage::KillAndRestart).await;
}

/// tansu 0.6.0 accepts transactions (EndTxn commits and aborts) but does not hide aborted records
/// from read_committed readers (docs/tansu.md). So exactly-once mode runs here; what this test
/// can prove on tansu is that it never hangs and never loses a story across crashes. Repeats
/// from aborted transactions stay visible on tansu and are only reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_once_mode_survives_sigkills_without_loss() {
    let Some(broker) = broker() else { return };
    let t = Topics::new("eos");
    create_topics(&broker, &t, 3).await;
    let n = 5_000;
    produce(&broker, &t.input, &(0..n).map(story).collect::<Vec<_>>()).await;
    let eos = [("WIREDESK_KAFKA__DELIVERY", "exactly-once")];
    let mut child = spawn_wiredesk(&broker, &t, &eos);
    for kill in 1..=3 {
        tokio::time::sleep(Duration::from_millis(4_000 + kill * 700)).await;
        signal(&child, "KILL");
        let _ = child.wait();
        child = spawn_wiredesk(&broker, &t, &eos);
    }
    let out = read_until(&broker, &t.output, Duration::from_secs(240), |m| {
        m.iter().map(key_of).collect::<HashSet<_>>().len() >= n
    })
    .await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "exactly-once mode keeps running on tansu"
    );
    signal(&child, "TERM");
    let status = wait_exit(&mut child, Duration::from_secs(60));
    let distinct = out.iter().map(key_of).collect::<HashSet<_>>().len();
    eprintln!(
        "exactly-once on tansu: {n} stories, 3 SIGKILLs: {distinct} distinct, {} envelopes visible (tansu shows aborted records too)",
        out.len()
    );
    assert_eq!(distinct, n, "no story lost");
    assert!(status.success());
}

// ---------------------------------------------------------------------------------------------
// Scale-out: several instances sharing one index through the fingerprints topic. The `scale_out_`
// tests resume partitions from committed offsets inside record batches, so they need tansu's
// sqlite storage (the memory engine skips the rest of such a batch: docs/tansu.md); `.ci/run`
// runs them there. The restart test resumes only at the end of its input, and runs on the memory
// broker (the sqlite broker's group coordinator was slow to admit a member after a SIGKILL).
// ---------------------------------------------------------------------------------------------

const SCALE_PARTITIONS: i32 = 6;

/// Payloads with the partition each goes to.
type PartitionedFeed = Vec<(Option<i32>, Vec<u8>)>;

fn ninjs(s: &wiredesk::synth::SynthStory) -> Vec<u8> {
    let time = chrono::DateTime::from_timestamp_millis(s.event_time_ms)
        .unwrap()
        .to_rfc3339();
    serde_json::json!({
        "uri": s.uri, "type": "text", "versionCreated": time,
        "headlines": [{"role": "main", "value": s.headline}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": s.body}],
    })
    .to_string()
    .into_bytes()
}

/// Generated wire stories with a quarter re-sends; every re-send goes to another partition than
/// its original. Returns (partition, payload) in feed order, all uris, and re-send → original.
fn scale_feed(seed: u64, n: usize) -> (PartitionedFeed, Vec<String>, HashMap<String, String>) {
    let mut partition_of: HashMap<String, i32> = HashMap::new();
    let (mut feed, mut uris, mut resends) = (Vec::new(), Vec::new(), HashMap::new());
    for (i, (s, original)) in wiredesk::synth::stories_with_resends(seed, n, 0.25).enumerate() {
        let partition = match &original {
            Some(o) => (partition_of[o] + 1 + (i % 5) as i32) % SCALE_PARTITIONS,
            None => i as i32 % SCALE_PARTITIONS,
        };
        partition_of.insert(s.uri.clone(), partition);
        if let Some(o) = original {
            resends.insert(s.uri.clone(), o);
        }
        uris.push(s.uri.clone());
        feed.push((Some(partition), ninjs(&s)));
    }
    (feed, uris, resends)
}

/// Reads the output until every uri is there, then `grace` longer (corrections); the latest
/// envelope per uri.
async fn latest_envelopes(
    broker: &str,
    topic: &str,
    uris: usize,
    timeout: Duration,
    grace: Duration,
) -> HashMap<String, serde_json::Value> {
    let mut all_seen_at: Option<Instant> = None;
    let out = read_until(broker, topic, timeout, |m| {
        if all_seen_at.is_none() && m.iter().map(key_of).collect::<HashSet<_>>().len() >= uris {
            all_seen_at = Some(Instant::now());
        }
        all_seen_at.is_some_and(|t| t.elapsed() >= grace)
    })
    .await;
    let mut latest = HashMap::new();
    for m in &out {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(m.payload().unwrap_or_default())
        {
            latest.insert(key_of(m), v);
        }
    }
    latest
}

/// Re-sends flagged as duplicates of their original, and originals wrongly flagged.
fn duplicates_found(
    latest: &HashMap<String, serde_json::Value>,
    resends: &HashMap<String, String>,
) -> (usize, usize) {
    let found = resends
        .iter()
        .filter(|(r, o)| {
            latest.get(*r).is_some_and(|v| {
                v["dedup"]["verdict"] == "duplicate" && v["dedup"]["duplicateOf"] == o.as_str()
            })
        })
        .count();
    let originals_flagged = latest
        .iter()
        .filter(|(uri, v)| !resends.contains_key(*uri) && v["dedup"]["verdict"] == "duplicate")
        .count();
    (found, originals_flagged)
}

/// Runs `instances` services over a fresh set of topics fed with `feed`; optionally SIGKILLs the
/// last one once `kill_at` of the uris are out. Returns the latest envelopes and the seconds from
/// start to the last uri.
async fn run_scale(
    broker: &str,
    name: &str,
    feed: &[(Option<i32>, Vec<u8>)],
    uris: &[String],
    instances: usize,
    kill_at: Option<f64>,
) -> (HashMap<String, serde_json::Value>, f64) {
    let t = Topics::new(name);
    create_topics(broker, &t, SCALE_PARTITIONS).await;
    produce_to(broker, &t.input, feed).await;
    let started = Instant::now();
    // A 20 s session: tansu's sqlite-backed group coordinator can take over 6 s to answer a
    // heartbeat while two instances and the broker share two busy cores.
    let mut services: Vec<Service> = (0..instances)
        .map(|_| {
            spawn_wiredesk(
                broker,
                &t,
                &[("WIREDESK_KAFKA__SESSION_TIMEOUT_MS", "20000")],
            )
        })
        .collect();
    let latest = match kill_at {
        None => {
            let latest = latest_envelopes(
                broker,
                &t.output,
                uris.len(),
                Duration::from_secs(300),
                Duration::from_secs(3),
            )
            .await;
            (latest, started.elapsed().as_secs_f64() - 3.0)
        }
        Some(share) => {
            let threshold = (share * uris.len() as f64) as usize;
            let seen = std::sync::Arc::new(std::sync::Mutex::new(0usize));
            let reader = {
                let (broker, topic, seen) = (broker.to_string(), t.output.clone(), seen.clone());
                let n = uris.len();
                tokio::spawn(async move {
                    let mut all_at: Option<Instant> = None;
                    read_until(&broker, &topic, Duration::from_secs(300), |m| {
                        let distinct = m.iter().map(key_of).collect::<HashSet<_>>().len();
                        if let Ok(mut s) = seen.lock() {
                            *s = distinct;
                        }
                        if all_at.is_none() && distinct >= n {
                            all_at = Some(Instant::now());
                        }
                        all_at.is_some_and(|t| t.elapsed() >= Duration::from_secs(3))
                    })
                    .await
                })
            };
            let waited = Instant::now();
            while seen.lock().map(|s| *s).unwrap_or(0) < threshold
                && waited.elapsed() < Duration::from_secs(120)
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            if let Some(victim) = services.last() {
                signal(victim, "KILL");
            }
            eprintln!(
                "scale-out: SIGKILLed one of {instances} instances with {} of {} uris out",
                seen.lock().map(|s| *s).unwrap_or(0),
                uris.len()
            );
            let out = reader.await.unwrap();
            let mut latest = HashMap::new();
            for m in &out {
                if let Ok(v) =
                    serde_json::from_slice::<serde_json::Value>(m.payload().unwrap_or_default())
                {
                    latest.insert(key_of(m), v);
                }
            }
            (latest, started.elapsed().as_secs_f64() - 3.0)
        }
    };
    for s in &mut services {
        if let Ok(None) = s.try_wait() {
            signal(s, "TERM");
            wait_exit(s, Duration::from_secs(40));
        }
    }
    latest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_out_two_instances_over_six_partitions_find_what_one_instance_finds() {
    let Some(broker) = broker() else { return };
    let (feed, uris, resends) = scale_feed(71, 4_000);
    let (one, one_secs) = run_scale(&broker, "scale1", &feed, &uris, 1, None).await;
    let (two, two_secs) = run_scale(&broker, "scale2", &feed, &uris, 2, None).await;
    for latest in [&one, &two] {
        let missing = uris.iter().filter(|u| !latest.contains_key(*u)).count();
        assert_eq!(missing, 0, "every story reaches the output");
    }
    let (found_one, wrong_one) = duplicates_found(&one, &resends);
    let (found_two, wrong_two) = duplicates_found(&two, &resends);
    eprintln!(
        "scale-out: {} stories, {} re-sends (each on another partition than its original): one instance found {found_one} ({wrong_one} originals flagged) in {one_secs:.1} s, two instances found {found_two} ({wrong_two} originals flagged) in {two_secs:.1} s",
        uris.len(),
        resends.len()
    );
    assert!(
        found_one as f64 >= 0.95 * resends.len() as f64,
        "one instance finds the re-sends: {found_one} of {}",
        resends.len()
    );
    assert!(
        found_two as f64 >= 0.99 * found_one as f64,
        "two instances find at least 99% of what one finds: {found_two} vs {found_one}"
    );
    assert!(wrong_two <= wrong_one + resends.len() / 100);
}

/// Not run by `.ci/run`: on tansu 0.6.0 the survivor sometimes gets no partitions back after its
/// peer is SIGKILLed (memory storage: see the Fetch bug in docs/tansu.md; sqlite storage: the
/// group stalls in rebalancing), so the outcome depends on the broker. Passed 2 of 4 runs on
/// sqlite storage here. Run it with `-- --ignored scale_out_killing`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "flaky on tansu 0.6.0 (group rebalancing after a member dies); see docs/tansu.md"]
async fn scale_out_killing_one_of_two_instances_loses_nothing() {
    let Some(broker) = broker() else { return };
    let (feed, uris, resends) = scale_feed(72, 4_000);
    let (latest, _) = run_scale(&broker, "scalekill", &feed, &uris, 2, Some(0.4)).await;
    let missing: Vec<&String> = uris.iter().filter(|u| !latest.contains_key(*u)).collect();
    let (found, _) = duplicates_found(&latest, &resends);
    eprintln!(
        "scale-out kill: {} of {} uris out, {found} of {} re-sends flagged",
        latest.len(),
        uris.len(),
        resends.len()
    );
    assert!(
        missing.is_empty(),
        "lost after the kill: {:?}",
        &missing[..missing.len().min(10)]
    );
    // Re-sends decided by the killed instance before their (earlier) original reached the
    // survivor stay uncorrected (their envelopes died with it); most are still found.
    assert!(found as f64 >= 0.5 * resends.len() as f64, "{found}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_after_a_kill_still_catches_resends_of_earlier_stories() {
    let Some(broker) = broker() else { return };
    let t = Topics::new("restart");
    create_topics(&broker, &t, SCALE_PARTITIONS).await;
    let originals: Vec<wiredesk::synth::SynthStory> = wiredesk::synth::stories(73, 1_500).collect();
    let first: Vec<(Option<i32>, Vec<u8>)> = originals
        .iter()
        .enumerate()
        .map(|(i, s)| (Some(i as i32 % SCALE_PARTITIONS), ninjs(s)))
        .collect();
    produce_to(&broker, &t.input, &first).await;
    let mut child = spawn_wiredesk(&broker, &t, &[]);
    let out = latest_envelopes(
        &broker,
        &t.output,
        originals.len(),
        Duration::from_secs(300),
        Duration::from_secs(2),
    )
    .await;
    assert_eq!(out.len(), originals.len());
    signal(&child, "KILL");
    let _ = child.wait();
    // A fresh process knows nothing in memory; it must replay the shared topic.
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    child = spawn_wiredesk(&broker, &t, &[("WIREDESK_METRICS__LISTEN", &listen)]);
    assert!(
        wait_ready(port, true, Duration::from_secs(120)),
        "ready after the replay"
    );
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(74);
    let mut second = Vec::new();
    let mut resends = HashMap::new();
    let mut uris: Vec<String> = originals.iter().map(|s| s.uri.clone()).collect();
    for (i, s) in originals.iter().enumerate().step_by(3) {
        let (headline, body) = wiredesk::dedup::eval::light_resend(&s.headline, &s.body, &mut rng);
        let resend = wiredesk::synth::SynthStory {
            uri: format!("{}#after-restart", s.uri),
            headline,
            body,
            event_time_ms: s.event_time_ms + 3_600_000,
        };
        resends.insert(resend.uri.clone(), s.uri.clone());
        uris.push(resend.uri.clone());
        second.push((Some((i as i32 + 3) % SCALE_PARTITIONS), ninjs(&resend)));
    }
    produce_to(&broker, &t.input, &second).await;
    let latest = latest_envelopes(
        &broker,
        &t.output,
        uris.len(),
        Duration::from_secs(300),
        Duration::from_secs(1),
    )
    .await;
    signal(&child, "TERM");
    wait_exit(&mut child, Duration::from_secs(40));
    let (found, _) = duplicates_found(&latest, &resends);
    eprintln!(
        "restart: {found} of {} re-sends of stories seen before the kill caught after the restart",
        resends.len()
    );
    assert!(
        found as f64 >= 0.99 * resends.len() as f64,
        "{found} of {}",
        resends.len()
    );
}
