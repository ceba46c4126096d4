//! `wiredesk process`: JSON Lines (or plain-text files) in, envelopes as JSON Lines out, no Kafka.
//! Rejected lines go to a dead-letter file (default stderr) with their line number, reason and the
//! raw input; a summary closes the run.

use crate::config::Config;
use crate::enrich::{State, StoryContext};
use crate::envelope::Source;
use crate::metrics::StoryRejected;
use crate::processor::{Outcome, now_ms, now_rfc3339, process_message, process_story};
use crate::story::{RejectReason, story_from_text};
use serde::Serialize;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("cannot open input {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read input {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write output: {0} (is the reader of stdout still there?)")]
    Write(std::io::Error),
    #[error("cannot create dead-letter file {path}: {source}")]
    Dlq {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What to read and where to write.
#[derive(Debug, Clone)]
pub struct ProcessOptions {
    /// Input files; `-` (or none) is stdin. `*.json` files hold one ninjs item each (pretty-printed
    /// or not); other files are JSON Lines.
    pub inputs: Vec<PathBuf>,
    /// Treat each input as one plain-text story (first line headline) instead of JSON Lines.
    pub text: bool,
    /// Dead-letter file; `None` writes rejects to stderr.
    pub dlq: Option<PathBuf>,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
}

/// Counts of one run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub read: usize,
    pub enriched: usize,
    pub rejected: usize,
    pub unique: usize,
    pub duplicate: usize,
    pub related: usize,
    pub blank_lines: usize,
}

/// One dead-letter record of `process`.
#[derive(Serialize)]
struct DeadLetter<'a> {
    file: &'a str,
    line: usize,
    reason: &'static str,
    error: String,
    /// The raw input as text (invalid UTF-8 replaced by U+FFFD).
    raw: String,
    /// The raw bytes in base64, present when they are not valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_base64: Option<String>,
}

/// Runs `process` over the inputs, writing envelopes to `out`.
pub fn run_process(
    config: &Config,
    state: &mut State,
    opts: &ProcessOptions,
    out: &mut dyn Write,
) -> Result<Summary, ProcessError> {
    let mut dlq: Box<dyn Write> = match &opts.dlq {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|source| ProcessError::Dlq {
                path: path.clone(),
                source,
            })?,
        )),
        None => Box::new(std::io::stderr()),
    };
    let inputs: Vec<PathBuf> = if opts.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        opts.inputs.clone()
    };
    let progress = progress_bar(opts, &inputs);
    let mut summary = Summary::default();
    let started = Instant::now();
    let max = config.limits.max_story_bytes;
    for path in &inputs {
        let name = path.display().to_string();
        if opts.text {
            let bytes = read_all(path)?;
            summary.read += 1;
            let outcome = match std::str::from_utf8(&bytes) {
                Err(e) => Outcome::Rejected(RejectReason::InvalidUtf8 {
                    valid_up_to: e.valid_up_to(),
                }),
                Ok(_) if bytes.len() > max => Outcome::Rejected(RejectReason::TooLarge {
                    size: bytes.len(),
                    limit: max,
                }),
                Ok(text) => match story_from_text(uri_from_path(path), text) {
                    Ok(story) => Outcome::Enriched(process_story(state, story, ctx(&name, 1))),
                    Err(r) => Outcome::Rejected(r),
                },
            };
            handle(outcome, &name, 1, &bytes, out, &mut *dlq, &mut summary)?;
            if let Some(p) = &progress {
                p.inc(1);
            }
            continue;
        }
        if is_whole_json_file(path) {
            let bytes = read_all(path)?;
            summary.read += 1;
            let outcome = process_message(state, trim_line(&bytes), max, ctx(&name, 1));
            handle(outcome, &name, 1, &bytes, out, &mut *dlq, &mut summary)?;
            if let Some(p) = &progress {
                p.inc(bytes.len() as u64);
            }
            continue;
        }
        let reader = open(path)?;
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let mut line_no = 0usize;
        let mut buf = Vec::with_capacity(4096);
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|source| ProcessError::Read {
                    path: path.clone(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            line_no += 1;
            if let Some(p) = &progress {
                p.inc(n as u64);
            }
            let line = trim_line(&buf);
            if line.iter().all(u8::is_ascii_whitespace) {
                summary.blank_lines += 1;
                continue;
            }
            summary.read += 1;
            let outcome = process_message(state, line, max, ctx(&name, line_no));
            handle(outcome, &name, line_no, line, out, &mut *dlq, &mut summary)?;
        }
    }
    out.flush().map_err(ProcessError::Write)?;
    dlq.flush().map_err(ProcessError::Write)?;
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    eprintln!(
        "wiredesk process: {} read, {} enriched ({} unique, {} related, {} duplicate), {} rejected{}; {:.0} stories/s",
        summary.read,
        summary.enriched,
        summary.unique,
        summary.related,
        summary.duplicate,
        summary.rejected,
        match &opts.dlq {
            Some(p) if summary.rejected > 0 => format!(" (see {})", p.display()),
            _ => String::new(),
        },
        summary.enriched as f64 / secs
    );
    Ok(summary)
}

fn ctx(file: &str, line: usize) -> StoryContext {
    StoryContext {
        source: Source::File {
            file: file.to_string(),
            line,
        },
        processed_at: now_rfc3339(),
        fallback_time_ms: now_ms(),
        received_ms: Some(now_ms()),
    }
}

fn handle(
    outcome: Outcome,
    file: &str,
    line: usize,
    raw: &[u8],
    out: &mut dyn Write,
    dlq: &mut dyn Write,
    summary: &mut Summary,
) -> Result<(), ProcessError> {
    match outcome {
        Outcome::Enriched(e) => {
            out.write_all(&e.json).map_err(ProcessError::Write)?;
            out.write_all(b"\n").map_err(ProcessError::Write)?;
            summary.enriched += 1;
            match e.verdict {
                crate::envelope::Verdict::Unique => summary.unique += 1,
                crate::envelope::Verdict::Duplicate => summary.duplicate += 1,
                crate::envelope::Verdict::Related => summary.related += 1,
            }
        }
        Outcome::Rejected(reason) => {
            summary.rejected += 1;
            let position = format!("{file}:{line}");
            StoryRejected {
                reason: &reason,
                position: &position,
            }
            .emit();
            let utf8 = std::str::from_utf8(raw).is_ok();
            let record = DeadLetter {
                file,
                line,
                reason: reason.label(),
                error: reason.to_string(),
                raw: String::from_utf8_lossy(raw).into_owned(),
                raw_base64: (!utf8).then(|| base64(raw)),
            };
            let json = serde_json::to_vec(&record).unwrap_or_default();
            dlq.write_all(&json).map_err(ProcessError::Write)?;
            dlq.write_all(b"\n").map_err(ProcessError::Write)?;
        }
    }
    Ok(())
}

/// A `.json` file holds one (possibly pretty-printed) ninjs item; anything else is JSON Lines.
fn is_whole_json_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn trim_line(buf: &[u8]) -> &[u8] {
    let mut end = buf.len();
    while end > 0 && (buf[end - 1] == b'\n' || buf[end - 1] == b'\r') {
        end -= 1;
    }
    &buf[..end]
}

fn open(path: &Path) -> Result<Box<dyn Read>, ProcessError> {
    if path == Path::new("-") {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let f = std::fs::File::open(path).map_err(|source| ProcessError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Box::new(f))
}

fn read_all(path: &Path) -> Result<Vec<u8>, ProcessError> {
    let mut bytes = Vec::new();
    open(path)?
        .read_to_end(&mut bytes)
        .map_err(|source| ProcessError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(bytes)
}

/// `urn:wiredesk:file:<file stem>` for plain-text inputs.
pub fn uri_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stdin".into());
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("urn:wiredesk:file:{clean}")
}

fn progress_bar(opts: &ProcessOptions, inputs: &[PathBuf]) -> Option<indicatif::ProgressBar> {
    if !opts.progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = if opts.text {
        indicatif::ProgressBar::new(inputs.len() as u64)
    } else {
        let total: u64 = inputs
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} {bar:40} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    };
    Some(bar)
}

/// Standard base64 (RFC 4648) with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn jsonl_in_envelopes_out_rejects_to_dlq_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        let dlq = dir.path().join("dlq.jsonl");
        let mut data = Vec::new();
        data.extend_from_slice(br#"{"uri":"urn:1","headline":"A","body_text":"first story"}"#);
        data.extend_from_slice(b"\n\n{not json\n\xff\xfe\n");
        data.extend_from_slice(
            br#"{"uri":"urn:2","headlines":[{"value":"B"}],"bodies":[{"value":"second story"}]}"#,
        );
        data.extend_from_slice(b"\r\n");
        std::fs::write(&input, &data).unwrap();
        let opts = ProcessOptions {
            inputs: vec![input],
            text: false,
            dlq: Some(dlq.clone()),
            progress: false,
        };
        let mut state = State::with_defaults().unwrap();
        let mut out = Vec::new();
        let s = run_process(&Config::default(), &mut state, &opts, &mut out).unwrap();
        assert_eq!(
            (s.read, s.enriched, s.rejected, s.blank_lines),
            (4, 2, 2, 1)
        );
        let lines: Vec<serde_json::Value> = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(lines[0]["item"]["uri"], "urn:1");
        assert_eq!(lines[1]["item"]["uri"], "urn:2");
        assert_eq!(lines[1]["source"]["line"], 5);
        let dead: Vec<serde_json::Value> = std::fs::read_to_string(&dlq)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(dead[0]["line"], 3);
        assert_eq!(dead[0]["reason"], "invalid_json");
        assert_eq!(dead[0]["raw"], "{not json");
        assert_eq!(dead[1]["reason"], "invalid_utf8");
        assert_eq!(dead[1]["raw_base64"], "//4=");
    }
}
