//! Configuration: built-in defaults, then a TOML file (`config/wiredesk.toml`), then environment
//! overrides `WIREDESK_<SECTION>__<KEY>` (for example `WIREDESK_KAFKA__BROKERS=kafka:9092`).
//! Unknown keys are errors everywhere, so a typo never silently falls back to a default.

use crate::cluster::ClusterConfig;
use crate::dedup::DedupConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Prefix of environment overrides.
pub const ENV_PREFIX: &str = "WIREDESK_";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub kafka: KafkaConfig,
    pub limits: LimitsConfig,
    pub dedup: DedupConfig,
    pub cluster: ClusterConfig,
    pub metrics: MetricsConfig,
    pub log: LogConfig,
    pub shutdown: ShutdownConfig,
    pub shared: SharedConfig,
}

/// Shared state between instances (and across restarts) through a Kafka topic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SharedConfig {
    /// Topic of story records (compacted, retention at least the dedup horizon); every instance
    /// publishes to it and reads all of it. "" turns sharing off: an instance then knows only the
    /// stories it processed itself since it started.
    pub topic: String,
    /// At start, most seconds to replay the topic before consuming input (then start anyway,
    /// with a warning, and keep following).
    pub replay_timeout_secs: u64,
    /// Envelopes remembered to correct a story that lost a tie-break against another instance's
    /// simultaneous original (about 5 KB each).
    pub recent_outputs: usize,
}

impl Default for SharedConfig {
    fn default() -> Self {
        SharedConfig {
            topic: "wiredesk.fingerprints".into(),
            replay_timeout_secs: 600,
            recent_outputs: 10_000,
        }
    }
}

/// Delivery guarantee of `wiredesk run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// Offsets commit only after the output is acknowledged; a crash may repeat a few stories.
    #[default]
    AtLeastOnce,
    /// Transactional producer with offsets in the transaction (needs a broker with transactions).
    ExactlyOnce,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaConfig {
    /// Bootstrap servers, comma-separated `host:port`.
    pub brokers: String,
    pub group_id: String,
    pub input_topic: String,
    pub output_topic: String,
    pub dlq_topic: String,
    pub delivery: Delivery,
    /// Transactional id for exactly-once mode (unique per instance); default `wiredesk-<group>-<host>`.
    pub transactional_id: Option<String>,
    pub session_timeout_ms: u32,
    /// After the group takes this instance's partitions away involuntarily (session timeout,
    /// broker unreachable) and gives none back within this time, leave the group and join it
    /// again as a new member. 0 = twice `session_timeout_ms`.
    pub rejoin_timeout_ms: u64,
    /// Offsets of acknowledged work are committed at least this often.
    pub commit_interval_ms: u64,
    /// Most messages consumed but not yet acknowledged (backpressure bound).
    pub max_in_flight: usize,
    /// Worker threads enriching stories; each input partition is handled by one worker, in order.
    /// 0 = one per CPU core.
    pub workers: usize,
    /// Extra librdkafka consumer properties, e.g. `"fetch.max.bytes" = "1048576"`.
    pub consumer: BTreeMap<String, String>,
    /// Extra librdkafka producer properties, e.g. `"compression.type" = "zstd"`.
    pub producer: BTreeMap<String, String>,
    /// librdkafka statistics interval (feeds the consumer lag gauge); 0 disables.
    pub statistics_interval_ms: u32,
}

impl KafkaConfig {
    /// How long to wait for partitions after losing them before rejoining the group.
    pub fn rejoin_timeout(&self) -> Duration {
        match self.rejoin_timeout_ms {
            0 => Duration::from_millis(2 * u64::from(self.session_timeout_ms)),
            ms => Duration::from_millis(ms),
        }
    }

    /// Worker threads to run: `workers`, or one per CPU core when 0.
    pub fn worker_count(&self) -> usize {
        match self.workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: "127.0.0.1:9092".into(),
            group_id: "wiredesk".into(),
            input_topic: "wire.stories".into(),
            output_topic: "wire.enriched".into(),
            dlq_topic: "wire.stories.dlq".into(),
            delivery: Delivery::AtLeastOnce,
            transactional_id: None,
            session_timeout_ms: 45_000,
            rejoin_timeout_ms: 0,
            commit_interval_ms: 2,
            max_in_flight: 200,
            workers: 0,
            consumer: BTreeMap::new(),
            producer: BTreeMap::new(),
            statistics_interval_ms: 5_000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Larger messages go to the dead-letter topic as `too_large`.
    pub max_story_bytes: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_story_bytes: 1 << 20,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Address of the HTTP endpoint serving /metrics, /healthz and /readyz; empty disables it.
    pub listen: String,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            listen: "127.0.0.1:9464".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A tracing filter: `info`, `wiredesk=debug,rdkafka=warn`, ...
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info,librdkafka=warn,rdkafka=warn".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShutdownConfig {
    /// On SIGINT/SIGTERM: most time to drain, flush and commit before exiting.
    pub timeout_secs: u64,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        ShutdownConfig { timeout_secs: 30 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "cannot read config file {path}: {source} (pass --config FILE, or create it from config/wiredesk.toml)"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("invalid configuration ({origin}): {message}")]
    Invalid { origin: String, message: String },
    #[error("environment override {var}: {message}")]
    Env { var: String, message: String },
}

impl Config {
    /// Loads defaults, then `path` (if given), then `WIREDESK_*` environment overrides.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        Self::load_with_env(path, &env)
    }

    /// As `load`, with the environment given explicitly (testable).
    pub fn load_with_env(
        path: Option<&Path>,
        env: &[(String, String)],
    ) -> Result<Config, ConfigError> {
        let mut table = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                    path: p.to_path_buf(),
                    source,
                })?;
                toml::from_str::<toml::Table>(&text).map_err(|e| ConfigError::Syntax {
                    path: p.to_path_buf(),
                    message: e.to_string(),
                })?
            }
            None => toml::Table::new(),
        };
        let mut applied = Vec::new();
        for (var, value) in env {
            if let Some(key) = var.strip_prefix(ENV_PREFIX) {
                if key.contains("__") {
                    apply_env(&mut table, var, key, value)?;
                    applied.push(var.as_str());
                }
            }
        }
        let origin = match (path, applied.is_empty()) {
            (Some(p), true) => p.display().to_string(),
            (Some(p), false) => format!("{} + {}", p.display(), applied.join(", ")),
            (None, true) => "defaults".to_string(),
            (None, false) => format!("defaults + {}", applied.join(", ")),
        };
        let config: Config =
            Config::deserialize(toml::Value::Table(table)).map_err(|e| ConfigError::Invalid {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
        config
            .validate()
            .map_err(|message| ConfigError::Invalid { origin, message })?;
        Ok(config)
    }

    /// Checks that go beyond types.
    pub fn validate(&self) -> Result<(), String> {
        let k = &self.kafka;
        if k.brokers.trim().is_empty() {
            return Err("kafka.brokers is empty: set it to host:port[,host:port]".into());
        }
        for (name, topic) in [
            ("kafka.input_topic", &k.input_topic),
            ("kafka.output_topic", &k.output_topic),
            ("kafka.dlq_topic", &k.dlq_topic),
        ] {
            if topic.is_empty() {
                return Err(format!("{name} is empty"));
            }
        }
        if k.input_topic == k.output_topic || k.input_topic == k.dlq_topic {
            return Err(
                "kafka.input_topic must differ from the output and dead-letter topics".into(),
            );
        }
        if k.max_in_flight == 0 {
            return Err("kafka.max_in_flight must be at least 1".into());
        }
        if self.limits.max_story_bytes < 64 {
            return Err("limits.max_story_bytes must be at least 64".into());
        }
        Ok(())
    }
}

/// Sets `a.b.c` from `WIREDESK_A__B__C`; the value is read as a TOML scalar when it parses as
/// one (number, boolean), else as a string.
fn apply_env(
    table: &mut toml::Table,
    var: &str,
    key: &str,
    value: &str,
) -> Result<(), ConfigError> {
    let path: Vec<String> = key.split("__").map(|s| s.to_ascii_lowercase()).collect();
    if path.iter().any(String::is_empty) {
        return Err(ConfigError::Env {
            var: var.into(),
            message: "empty key segment (use WIREDESK_SECTION__KEY)".into(),
        });
    }
    let parsed = parse_scalar(value);
    let mut node = table;
    for (i, seg) in path.iter().enumerate() {
        if i + 1 == path.len() {
            node.insert(seg.clone(), parsed);
            break;
        }
        let entry = node
            .entry(seg.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        node = entry.as_table_mut().ok_or_else(|| ConfigError::Env {
            var: var.into(),
            message: format!("`{seg}` is not a section"),
        })?;
    }
    Ok(())
}

fn parse_scalar(value: &str) -> toml::Value {
    if let Ok(i) = value.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    if let Ok(f) = value.parse::<f64>() {
        if value.contains('.') {
            return toml::Value::Float(f);
        }
    }
    match value {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let c = Config::load_with_env(None, &[]).unwrap();
        assert_eq!(c.kafka.input_topic, "wire.stories");
        assert_eq!(c.kafka.output_topic, "wire.enriched");
        assert_eq!(c.kafka.dlq_topic, "wire.stories.dlq");
    }

    #[test]
    fn env_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[kafka]\nbrokers = \"a:1\"\nmax_in_flight = 7\n").unwrap();
        let env = vec![
            ("WIREDESK_KAFKA__BROKERS".to_string(), "b:2".to_string()),
            ("WIREDESK_LOG__FORMAT".to_string(), "json".to_string()),
        ];
        let c = Config::load_with_env(Some(&p), &env).unwrap();
        assert_eq!(c.kafka.brokers, "b:2");
        assert_eq!(c.kafka.max_in_flight, 7);
        assert_eq!(c.log.format, LogFormat::Json);
    }

    #[test]
    fn unknown_keys_are_errors_that_name_the_key() {
        let env = vec![("WIREDESK_KAFKA__BROKER".to_string(), "x".to_string())];
        let err = Config::load_with_env(None, &env).unwrap_err().to_string();
        assert!(err.contains("broker"), "{err}");
        assert!(err.contains("WIREDESK_KAFKA__BROKER"), "{err}");
    }

    #[test]
    fn shipped_config_file_loads() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/wiredesk.toml");
        let c = Config::load_with_env(Some(&p), &[]).unwrap();
        assert_eq!(c.kafka.group_id, "wiredesk");
        // The file shows the engines' defaults: it must change when they do.
        assert_eq!(c.dedup, DedupConfig::default());
        assert_eq!(
            serde_json::to_value(&c.cluster).unwrap(),
            serde_json::to_value(ClusterConfig::default()).unwrap()
        );
    }

    #[test]
    fn semantic_errors_say_what_to_fix() {
        let env = vec![(
            "WIREDESK_KAFKA__OUTPUT_TOPIC".to_string(),
            "wire.stories".to_string(),
        )];
        let err = Config::load_with_env(None, &env).unwrap_err().to_string();
        assert!(err.contains("must differ"), "{err}");
    }
}
