//! The command line: `wiredesk run | process | demo | check-config`, with help that teaches, and
//! the glue that turns a parsed command into a run of the library.

use crate::config::{Config, ConfigError, LogFormat};
use crate::enrich::{State, StateError};
use crate::process::{ProcessOptions, run_process};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

const ABOUT: &str = "Newsroom wire desk: recognises re-sends and near-identical reports, groups \
independent reports of one event into a story, tags people, organisations and places, and \
publishes one enriched ninjs 3.1 envelope per story.";

#[derive(Debug, Parser)]
#[command(name = "wiredesk", version, about = ABOUT, long_about = None)]
#[command(
    after_help = "Examples:\n  wiredesk demo                                   # whole service on an in-process Kafka\n  wiredesk process feed.jsonl > enriched.jsonl     # files in, JSON Lines out\n  wiredesk process --text ../shared/seeds/*.txt   # one plain-text story per file\n  wiredesk run --config config/wiredesk.toml       # the Kafka service\n  WIREDESK_KAFKA__BROKERS=kafka:9092 wiredesk run  # any setting from the environment"
)]
pub struct Cli {
    /// Configuration file (TOML). Settings can also come from WIREDESK_<SECTION>__<KEY>
    /// environment variables, which win over the file.
    #[arg(long, short = 'c', global = true, env = "WIREDESK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format (overrides log.format).
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` or `wiredesk=debug,rdkafka=warn` (overrides log.level).
    #[arg(long, global = true)]
    pub log_level: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Kafka service: consume wire.stories, publish envelopes to wire.enriched and
    /// rejects to wire.stories.dlq, committing offsets only after the output is acknowledged.
    ///
    /// Example: wiredesk run --config config/wiredesk.toml --brokers kafka:9092
    Run(RunArgs),
    /// Enrich files without Kafka: JSON Lines (one ninjs story per line) or, with --text,
    /// plain-text files (one story each; first line is the headline). Envelopes go to stdout
    /// in input order; rejected lines go to --dlq (default stderr) with line number and reason.
    ///
    /// Example: wiredesk process feed.jsonl --dlq rejected.jsonl > enriched.jsonl
    Process(ProcessArgs),
    /// Run the whole service on an in-process Kafka mock cluster with the bundled sample feed,
    /// printing one line per enriched story (storyId, verdict, headline, top entities).
    ///
    /// Example: wiredesk demo --follow --metrics-listen 127.0.0.1:9464
    Demo(DemoArgs),
    /// Measure the enrichment core on a generated wire feed: stories/s per stage and for the
    /// whole core on one core, bytes per indexed story, peak memory, and the metrics' cost.
    ///
    /// Example: wiredesk bench --stories 100000
    Bench(BenchArgs),
    /// Score the real core on the bundled original data: entity tagging (P/R/F1 per type, split
    /// rate, id consistency), story clustering (B-cubed), duplicate verdicts, and the
    /// near-duplicate case generator by kind; the seed reports too when present.
    ///
    /// Example: wiredesk eval --seeds ../shared/seeds
    Eval(EvalArgs),
    /// Load and validate the configuration (file + environment), print the effective settings
    /// as TOML, and exit non-zero with the reason if they are invalid.
    CheckConfig,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Kafka bootstrap servers (overrides kafka.brokers).
    #[arg(long)]
    pub brokers: Option<String>,
    /// Metrics/health HTTP address (overrides metrics.listen; empty disables).
    #[arg(long)]
    pub metrics_listen: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// Input files; `-` or none reads stdin. A `*.json` file is one ninjs item (may be
    /// pretty-printed); any other file is JSON Lines, one item per line.
    pub files: Vec<PathBuf>,
    /// Each file is one plain-text story (first non-empty line = headline; uri from the file name).
    #[arg(long)]
    pub text: bool,
    /// Write rejected lines here as JSON Lines (default: stderr).
    #[arg(long)]
    pub dlq: Option<PathBuf>,
    /// No progress bar even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Stories in the feed.
    #[arg(long, default_value_t = 50_000)]
    pub stories: usize,
    /// Share of re-sends in the generated feed.
    #[arg(long, default_value_t = 0.2)]
    pub resend_rate: f64,
    /// Stories in the clustering window for the clustering figure (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    pub cluster_window: usize,
    /// Measure this JSON Lines feed instead of a generated one.
    #[arg(long)]
    pub feed: Option<PathBuf>,
    /// Seed of the generated feed.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Print the report as one JSON object too.
    #[arg(long)]
    pub json: bool,
    /// Measure stories/s through this Kafka broker instead (wiredesk against a plain
    /// pass-through consumer-producer, same feed, same run).
    #[arg(long)]
    pub broker: Option<String>,
    /// With --broker: instead, time the start-up replay of a shared topic holding --stories
    /// story records (what a restarted instance reads before it reports ready).
    #[arg(long, requires = "broker")]
    pub replay: bool,
    /// Only write the generated feed to this file (JSON Lines, ninjs 3.x), e.g. to run the
    /// Python baseline (bench/datasketch_baseline.sh) on the very same stories.
    #[arg(long)]
    pub write_feed: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Directory holding devset/ and demo/.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
    /// Seed reports with their gold.json (scored, never tuned to).
    #[arg(long, default_value = "../shared/seeds")]
    pub seeds: PathBuf,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep running after the feed is done: re-send the feed every few seconds (so the re-sends
    /// show up as duplicates) and keep serving metrics, until Ctrl-C.
    #[arg(long)]
    pub follow: bool,
    /// Metrics/health HTTP address (overrides metrics.listen; empty disables).
    #[arg(long)]
    pub metrics_listen: Option<String>,
    /// Print only the summary, not one line per story.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Process(#[from] crate::process::ProcessError),
    #[error(transparent)]
    Pipeline(#[from] crate::kafka::KafkaPipelineError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    #[error(
        "cannot listen for metrics on {addr}: {source} (set metrics.listen, or --metrics-listen '' to disable)"
    )]
    MetricsListen {
        addr: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Bench(#[from] crate::bench::BenchError),
    #[error(transparent)]
    Eval(#[from] crate::eval::EvalCmdError),
    #[error(transparent)]
    BrokerBench(#[from] crate::bench::BrokerBenchError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot print the configuration: {0}")]
    Render(String),
}

/// Loads the configuration with the command-line overrides applied.
pub fn load_config(cli: &Cli) -> Result<Config, ConfigError> {
    let default = PathBuf::from("config/wiredesk.toml");
    let path = match &cli.config {
        Some(p) => Some(p.clone()),
        None if default.exists() => Some(default),
        None => None,
    };
    let mut config = Config::load(path.as_deref())?;
    if let Some(f) = cli.log_format {
        config.log.format = f;
    }
    if let Some(l) = &cli.log_level {
        config.log.level = l.clone();
    }
    match &cli.command {
        Command::Run(a) => {
            if let Some(b) = &a.brokers {
                config.kafka.brokers = b.clone();
            }
            if let Some(m) = &a.metrics_listen {
                config.metrics.listen = m.clone();
            }
        }
        Command::Demo(a) => {
            if let Some(m) = &a.metrics_listen {
                config.metrics.listen = m.clone();
            }
        }
        _ => {}
    }
    Ok(config)
}

/// Sets up logging from the configuration.
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn build_state(config: &Config) -> Result<State, CliError> {
    let tagger = Arc::new(crate::entities::EntityTagger::new().map_err(StateError::from)?);
    let mut state = State::new(config.dedup.clone(), config.cluster.clone(), tagger)?;
    state.share_records = !config.shared.topic.is_empty();
    Ok(state)
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    let config = load_config(&cli)?;
    init_logging(&config);
    match cli.command {
        Command::CheckConfig => {
            let text =
                toml::to_string_pretty(&config).map_err(|e| CliError::Render(e.to_string()))?;
            println!("{text}");
            eprintln!("configuration is valid");
            Ok(())
        }
        Command::Eval(args) => {
            crate::eval::run_eval(&args.data, Some(&args.seeds))?;
            Ok(())
        }
        Command::Bench(args) => {
            let opts = crate::bench::BenchOptions {
                stories: args.stories,
                resend_rate: args.resend_rate,
                cluster_window: args.cluster_window,
                feed: args.feed,
                seed: args.seed,
            };
            if let Some(path) = &args.write_feed {
                crate::bench::write_feed(&opts, path)?;
                eprintln!("bench: feed written to {}", path.display());
                return Ok(());
            }
            if let (Some(brokers), true) = (&args.broker, args.replay) {
                let report = runtime()?.block_on(crate::bench::run_replay_bench(&opts, brokers))?;
                if args.json {
                    println!("{}", serde_json::to_string(&report).unwrap_or_default());
                }
                return Ok(());
            }
            if let Some(brokers) = &args.broker {
                let report = runtime()?.block_on(crate::bench::run_broker_bench(&opts, brokers))?;
                if args.json {
                    println!("{}", serde_json::to_string(&report).unwrap_or_default());
                }
                return Ok(());
            }
            let report = crate::bench::run_bench(&opts)?;
            if args.json {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
            }
            Ok(())
        }
        Command::Process(args) => {
            let mut state = build_state(&config)?;
            // Files in, files out: no other instance listens for story records.
            state.share_records = false;
            let opts = ProcessOptions {
                inputs: args.files,
                text: args.text,
                dlq: args.dlq,
                progress: !args.no_progress,
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            run_process(&config, &mut state, &opts, &mut out)?;
            Ok(())
        }
        Command::Run(_) => {
            let state = build_state(&config)?;
            runtime()?.block_on(async move {
                let (tx, rx) = watch::channel(false);
                let _metrics = start_metrics(&config, rx.clone()).await?;
                tokio::spawn(forward_signals(tx));
                let options = crate::kafka::RunOptions { log_every: 100_000 };
                crate::kafka::run_pipeline(&config, state, rx, options).await?;
                Ok(())
            })
        }
        Command::Demo(args) => {
            let state = build_state(&config)?;
            runtime()?.block_on(async move {
                let (tx, rx) = watch::channel(false);
                // The demo is for trying things out: a busy metrics port should not stop it.
                let _metrics = match start_metrics(&config, rx.clone()).await {
                    Ok(handle) => handle,
                    Err(e) => {
                        tracing::warn!("{e}; the demo runs without a metrics endpoint");
                        None
                    }
                };
                tokio::spawn(forward_signals(tx));
                let options = crate::demo::DemoOptions {
                    follow: args.follow,
                    print: !args.quiet,
                    ..crate::demo::DemoOptions::default()
                };
                let s = crate::demo::run_demo(config, state, options, rx).await?;
                println!(
                    "\ndemo: {} messages in, {} envelopes out ({}), {} dead letters; {} stories",
                    s.produced,
                    s.enriched,
                    s.verdicts
                        .iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    s.dead_letters,
                    s.stories
                );
                if s.superseded > 0 {
                    println!(
                        "demo: {} envelopes replaced an earlier envelope of the same story (a correction: an earlier version arrived late and became the original; counted above with the latest verdict)",
                        s.superseded
                    );
                }
                Ok(())
            })
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)
}

/// Starts the metrics endpoint if configured.
async fn start_metrics(
    config: &Config,
    shutdown: watch::Receiver<bool>,
) -> Result<Option<tokio::task::JoinHandle<()>>, CliError> {
    let addr = config.metrics.listen.trim();
    if addr.is_empty() {
        return Ok(None);
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| CliError::MetricsListen {
            addr: addr.to_string(),
            source,
        })?;
    tracing::info!("metrics on http://{addr}/metrics (health: /healthz, readiness: /readyz)");
    Ok(Some(tokio::spawn(crate::metrics::serve(
        listener, shutdown,
    ))))
}

/// Turns SIGINT/SIGTERM into a shutdown request; a second signal exits at once.
async fn forward_signals(tx: watch::Sender<bool>) {
    wait_signal().await;
    tracing::info!("signal received: stopping (send again to exit at once)");
    let _ = tx.send(true);
    wait_signal().await;
    tracing::warn!("second signal: exiting without draining");
    std::process::exit(130);
}

async fn wait_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    // Keep the future from completing instantly in odd environments.
    tokio::time::sleep(Duration::from_millis(1)).await;
}
