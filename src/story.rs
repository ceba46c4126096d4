//! The input model: one `Story` parsed from a ninjs 1.x, 2.x or 3.x item (or a plain-text file),
//! and the precise reasons a raw message is rejected.
//!
//! Parsing is strict about what wiredesk needs (a `uri`, some text, well-typed fields) and lenient
//! about everything else: unknown keys are ignored, HTML bodies become plain text.

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

/// The ninjs generation a story arrived in (detected from its keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NinjsVersion {
    /// 1.x: `headline`, `body_text` / `body_html`, `versioncreated`, `byline`.
    V1,
    /// 2.x: lowercase keys, `headlines[]`, `bodies[]`, `contenttype`.
    V2,
    /// 3.x: camelCase keys, `headlines[]`, `bodies[]`, `contentType`, `versionCreated`.
    V3,
}

impl NinjsVersion {
    /// Short label used in logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            NinjsVersion::V1 => "1.x",
            NinjsVersion::V2 => "2.x",
            NinjsVersion::V3 => "3.x",
        }
    }
}

/// One wire story, normalised from whichever ninjs version it came in.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub uri: String,
    pub ninjs_version: NinjsVersion,
    /// Main headline (may be empty when the item has none).
    pub headline: String,
    /// Main body as plain text (HTML converted), paragraphs separated by a blank line.
    pub body: String,
    pub by: Option<String>,
    pub language: Option<String>,
    pub version_created: Option<DateTime<FixedOffset>>,
}

impl Story {
    /// Event time in milliseconds since the epoch: `versionCreated` when present, else `fallback_ms`
    /// (the Kafka timestamp, or the time of processing).
    pub fn event_time_ms(&self, fallback_ms: i64) -> i64 {
        self.version_created
            .map(|t| t.timestamp_millis())
            .unwrap_or(fallback_ms)
    }
}

/// Why a raw message could not become a `Story`. Each variant says exactly what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RejectReason {
    #[error(
        "message is {size} bytes, over the configured limit of {limit} bytes (limits.max_story_bytes)"
    )]
    TooLarge { size: usize, limit: usize },
    #[error("message is not valid UTF-8 (first bad byte at offset {valid_up_to})")]
    InvalidUtf8 { valid_up_to: usize },
    #[error("message is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("story must be a JSON object, found {found}")]
    NotAnObject { found: &'static str },
    #[error("story has no `uri` (a non-empty string is required)")]
    MissingUri,
    #[error("field `{field}` must be {expected}, found {found}")]
    WrongType {
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("field `{field}` is not an RFC 3339 date-time: {value:?}")]
    BadTimestamp { field: &'static str, value: String },
    #[error("story `{uri}` has no text: no headline and an empty body")]
    EmptyBody { uri: String },
}

impl RejectReason {
    /// A bounded label for metrics and dead-letter headers.
    pub fn label(&self) -> &'static str {
        match self {
            RejectReason::TooLarge { .. } => "too_large",
            RejectReason::InvalidUtf8 { .. } => "invalid_utf8",
            RejectReason::InvalidJson(_) => "invalid_json",
            RejectReason::EmptyBody { .. } => "empty_body",
            RejectReason::NotAnObject { .. }
            | RejectReason::MissingUri
            | RejectReason::WrongType { .. }
            | RejectReason::BadTimestamp { .. } => "invalid_story",
        }
    }

    /// Every label `label()` can return, for pre-registering metric series.
    pub const LABELS: [&'static str; 5] = [
        "too_large",
        "invalid_utf8",
        "invalid_json",
        "empty_body",
        "invalid_story",
    ];
}

/// Parses raw message bytes (one ninjs JSON object) into a `Story`.
pub fn parse_story(raw: &[u8], max_bytes: usize) -> Result<Story, RejectReason> {
    if raw.len() > max_bytes {
        return Err(RejectReason::TooLarge {
            size: raw.len(),
            limit: max_bytes,
        });
    }
    let text = std::str::from_utf8(raw).map_err(|e| RejectReason::InvalidUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| RejectReason::InvalidJson(e.to_string()))?;
    story_from_value(&value)
}

/// Builds a story from a plain-text file: the first non-empty line is the headline, the rest the body.
pub fn story_from_text(uri: String, text: &str) -> Result<Story, RejectReason> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let headline = lines
        .by_ref()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_string();
    let body = paragraphs_from_lines(lines, text.len());
    finish(Story {
        uri,
        ninjs_version: NinjsVersion::V3,
        headline,
        body,
        by: None,
        language: None,
        version_created: None,
    })
}

/// Parses an already decoded JSON value.
pub fn story_from_value(value: &Value) -> Result<Story, RejectReason> {
    let obj = value.as_object().ok_or(RejectReason::NotAnObject {
        found: json_kind(value),
    })?;
    let uri = match obj.get("uri") {
        None | Some(Value::Null) => return Err(RejectReason::MissingUri),
        Some(v) => expect_str(v, "uri")?.trim().to_string(),
    };
    if uri.is_empty() {
        return Err(RejectReason::MissingUri);
    }
    let version = detect_version(obj);

    let headline = match obj.get("headlines") {
        Some(v) => pick_text_block(v, "headlines")?
            .map(|(text, _)| text)
            .unwrap_or_default(),
        None => first_pattern_string(obj, "headline")?.unwrap_or_default(),
    };
    let body = match obj.get("bodies") {
        Some(v) => match pick_text_block(v, "bodies")? {
            Some((text, true)) => html_to_text(&text),
            Some((text, false)) => normalise_plain(&text),
            None => String::new(),
        },
        None => v1_body(obj)?,
    };
    // Items without a body (briefs, alerts) still carry text in their description.
    let body = if body.trim().is_empty() {
        description_text(obj)?
    } else {
        body
    };
    let by = optional_str(obj, &["by", "byline"])?;
    let language = optional_str(obj, &["language"])?;
    let version_created = match optional_str(obj, &["versionCreated", "versioncreated"])? {
        Some(raw) => Some(parse_time(&raw).ok_or(RejectReason::BadTimestamp {
            field: "versionCreated",
            value: raw,
        })?),
        None => None,
    };
    finish(Story {
        uri,
        ninjs_version: version,
        headline: collapse_spaces(headline.trim()),
        body,
        by,
        language,
        version_created,
    })
}

fn finish(story: Story) -> Result<Story, RejectReason> {
    if story.body.trim().is_empty() {
        return Err(RejectReason::EmptyBody { uri: story.uri });
    }
    Ok(story)
}

fn detect_version(obj: &Map<String, Value>) -> NinjsVersion {
    const CAMEL: [&str; 6] = [
        "versionCreated",
        "firstCreated",
        "pubStatus",
        "copyrightHolder",
        "copyrightNotice",
        "contentCreated",
    ];
    if CAMEL.iter().any(|k| obj.contains_key(*k)) || has_camel_blocks(obj) {
        NinjsVersion::V3
    } else if obj.contains_key("headlines") || obj.contains_key("bodies") {
        NinjsVersion::V2
    } else {
        NinjsVersion::V1
    }
}

fn has_camel_blocks(obj: &Map<String, Value>) -> bool {
    ["bodies", "headlines"].iter().any(|k| {
        obj.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|b| b.get("contentType").is_some()))
    })
}

/// Picks the main block of a `headlines[]`/`bodies[]` array: role "main" first, else a plain-text
/// block, else the first. Returns the text and whether it is HTML.
fn pick_text_block(v: &Value, field: &str) -> Result<Option<(String, bool)>, RejectReason> {
    let arr = v.as_array().ok_or_else(|| RejectReason::WrongType {
        field: field.to_string(),
        expected: "an array of objects",
        found: json_kind(v),
    })?;
    let mut blocks = Vec::with_capacity(arr.len());
    for (i, block) in arr.iter().enumerate() {
        let name = format!("{field}[{i}]");
        let b = block.as_object().ok_or_else(|| RejectReason::WrongType {
            field: name.clone(),
            expected: "an object",
            found: json_kind(block),
        })?;
        let value = match b.get("value") {
            Some(v) => expect_str(v, &format!("{name}.value"))?,
            None => continue,
        };
        let role = b.get("role").and_then(Value::as_str).unwrap_or("");
        let ctype = b
            .get("contentType")
            .or_else(|| b.get("contenttype"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let is_html = ctype.contains("html") || role == "html" || looks_like_html(value);
        blocks.push((role, is_html, value));
    }
    let chosen = blocks
        .iter()
        .find(|(role, ..)| *role == "main")
        .or_else(|| blocks.iter().find(|(_, html, _)| !html))
        .or_else(|| blocks.first());
    Ok(chosen.map(|(_, html, v)| (v.to_string(), *html)))
}

/// ninjs 1.x body: `body_text`, else `body_html`, else any other `body_*` property.
fn v1_body(obj: &Map<String, Value>) -> Result<String, RejectReason> {
    if let Some(v) = obj.get("body_text") {
        return Ok(normalise_plain(expect_str(v, "body_text")?));
    }
    if let Some(v) = obj.get("body_html") {
        return Ok(html_to_text(expect_str(v, "body_html")?));
    }
    match first_pattern_string(obj, "body")? {
        Some(text) if looks_like_html(&text) => Ok(html_to_text(&text)),
        Some(text) => Ok(normalise_plain(&text)),
        None => Ok(String::new()),
    }
}

/// The description of an item (`descriptions[]` in 2.x/3.x, `description_*` in 1.x), as text.
fn description_text(obj: &Map<String, Value>) -> Result<String, RejectReason> {
    let picked = match obj.get("descriptions") {
        Some(v) => pick_text_block(v, "descriptions")?,
        None => first_pattern_string(obj, "description")?.map(|t| {
            let html = looks_like_html(&t);
            (t, html)
        }),
    };
    Ok(match picked {
        Some((text, true)) => html_to_text(&text),
        Some((text, false)) => normalise_plain(&text),
        None => String::new(),
    })
}

/// `key` itself, else the first `key_*` property (ninjs 1.x pattern properties), as a string.
fn first_pattern_string(
    obj: &Map<String, Value>,
    key: &str,
) -> Result<Option<String>, RejectReason> {
    if let Some(v) = obj.get(key) {
        return Ok(Some(expect_str(v, key)?.to_string()));
    }
    let prefix = format!("{key}_");
    let mut keys: Vec<&String> = obj.keys().filter(|k| k.starts_with(&prefix)).collect();
    keys.sort_by_key(|k| (!k.ends_with("_main"), k.as_str()));
    match keys.first() {
        Some(k) => Ok(Some(expect_str(&obj[k.as_str()], k)?.to_string())),
        None => Ok(None),
    }
}

fn optional_str(obj: &Map<String, Value>, keys: &[&str]) -> Result<Option<String>, RejectReason> {
    for key in keys {
        match obj.get(*key) {
            None | Some(Value::Null) => continue,
            Some(v) => {
                let s = expect_str(v, key)?.trim();
                if !s.is_empty() {
                    return Ok(Some(s.to_string()));
                }
            }
        }
    }
    Ok(None)
}

fn expect_str<'a>(v: &'a Value, field: &str) -> Result<&'a str, RejectReason> {
    v.as_str().ok_or_else(|| RejectReason::WrongType {
        field: field.to_string(),
        expected: "a string",
        found: json_kind(v),
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Accepts RFC 3339 and the common near-misses agencies send ("2019-05-10T16:02:28+0200",
/// "2019-05-10T16:02:28", "2019-05-10 16:02:28Z").
pub fn parse_time(raw: &str) -> Option<DateTime<FixedOffset>> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t);
    }
    let fixed = raw.replacen(' ', "T", 1);
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(t) = DateTime::parse_from_str(&fixed, fmt) {
            return Some(t);
        }
    }
    chrono::NaiveDateTime::parse_from_str(&fixed, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc().fixed_offset())
}

fn looks_like_html(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with('<') && (t.contains("</") || t.contains("/>") || t.contains("<br"))
}

/// Collapses runs of spaces/tabs inside a line.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_collapsed(&mut out, s);
    out
}

/// Whether `c` is a space that [`push_collapsed`] folds (space, tab, no-break space).
fn is_folded_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{a0}'
}

/// Appends `s` to `out` with every run of spaces, tabs and no-break spaces folded into one
/// space, and none at either end. Most wire lines need no folding and are copied whole.
fn push_collapsed(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let clean = bytes.first().is_some_and(|&b| b != b' ')
        && bytes.last().is_some_and(|&b| b != b' ')
        && memchr::memchr2(b'\t', 0xC2, bytes).is_none()
        && memchr::memmem::find(bytes, b"  ").is_none();
    if clean {
        out.push_str(s);
        return;
    }
    let mut first = true;
    for piece in s.split(is_folded_space).filter(|p| !p.is_empty()) {
        if !first {
            out.push(' ');
        }
        out.push_str(piece);
        first = false;
    }
}

/// Plain text bodies: normalise line endings, keep paragraph breaks, trim each line.
fn normalise_plain(s: &str) -> String {
    if s.contains('\r') {
        let unified = s.replace("\r\n", "\n").replace('\r', "\n");
        paragraphs_from_lines(unified.lines(), unified.len())
    } else {
        paragraphs_from_lines(s.lines(), s.len())
    }
}

/// Joins lines into paragraphs separated by one blank line; a single line break inside a
/// paragraph is kept as a line break (wire copy often has one line per paragraph).
fn paragraphs_from_lines<'a>(lines: impl IntoIterator<Item = &'a str>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut blank_run = false;
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            blank_run = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run { "\n\n" } else { "\n" });
        }
        push_collapsed(&mut out, line);
        blank_run = false;
    }
    out
}

/// Converts an HTML body to plain text: block elements become paragraph breaks, tags are dropped,
/// `script`/`style` content is skipped, character references are decoded.
pub fn html_to_text(html: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(lt) => {
                if skip_until.is_none() {
                    current.push_str(&decode_entities(&rest[..lt]));
                }
                let after = &rest[lt..];
                let gt = match after.find('>') {
                    Some(gt) => gt,
                    None => {
                        // A stray '<' with no closing '>': keep it as text.
                        if skip_until.is_none() {
                            current.push_str(&decode_entities(after));
                        }
                        break;
                    }
                };
                let tag = &after[1..gt];
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let closing = tag.starts_with('/');
                if let Some(end) = skip_until {
                    if closing && name == end {
                        skip_until = None;
                    }
                } else if !closing && (name == "script" || name == "style") {
                    skip_until = Some(if name == "script" { "script" } else { "style" });
                } else if is_block(&name) {
                    flush_paragraph(&mut paragraphs, &mut current);
                } else if name == "br" {
                    current.push('\n');
                }
                rest = &after[gt + 1..];
            }
            None => {
                if skip_until.is_none() {
                    current.push_str(&decode_entities(rest));
                }
                break;
            }
        }
    }
    flush_paragraph(&mut paragraphs, &mut current);
    paragraphs.join("\n\n")
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "hr"
            | "figure"
            | "figcaption"
            | "header"
            | "footer"
    )
}

fn flush_paragraph(paragraphs: &mut Vec<String>, current: &mut String) {
    let lines: Vec<String> = current
        .split('\n')
        .map(|l| collapse_spaces(l.trim()))
        .filter(|l| !l.is_empty())
        .collect();
    if !lines.is_empty() {
        paragraphs.push(lines.join("\n"));
    }
    current.clear();
}

/// Decodes HTML character references (named ones common in news copy, and numeric ones).
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.replace('\n', " ");
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let semi = after.find(';').filter(|&i| i <= 10);
        let decoded = semi.and_then(|i| decode_entity(&after[1..i]).map(|c| (c, i)));
        match decoded {
            Some((c, i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace('\n', " ")
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        "hellip" => '\u{2026}',
        "euro" => '\u{20ac}',
        "pound" => '\u{a3}',
        "copy" => '\u{a9}',
        "eacute" => '\u{e9}',
        "auml" => '\u{e4}',
        "ouml" => '\u{f6}',
        "uuml" => '\u{fc}',
        "szlig" => '\u{df}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1 << 20;

    #[test]
    fn parses_ninjs_1x() {
        let raw = br#"{"uri":"urn:a","headline":"Fire in harbour","body_text":"LISBON - A fire broke out.\n\nNobody was hurt.","versioncreated":"2026-03-02T08:00:00Z","byline":"Ana Reis"}"#;
        let s = parse_story(raw, LIMIT).unwrap();
        assert_eq!(s.ninjs_version, NinjsVersion::V1);
        assert_eq!(s.headline, "Fire in harbour");
        assert_eq!(s.body, "LISBON - A fire broke out.\n\nNobody was hurt.");
        assert_eq!(s.by.as_deref(), Some("Ana Reis"));
        assert_eq!(s.event_time_ms(0), 1_772_438_400_000);
    }

    #[test]
    fn parses_ninjs_1x_html_body() {
        let raw = br#"{"uri":"urn:a","headline":"H","body_html":"<p>First &amp; best.</p><p>Second<br/>line</p>"}"#;
        let s = parse_story(raw, LIMIT).unwrap();
        assert_eq!(s.body, "First & best.\n\nSecond\nline");
    }

    #[test]
    fn parses_ninjs_2x_and_prefers_main_plain_body() {
        let raw = br#"{"uri":"urn:b","headlines":[{"role":"sub","value":"x"},{"role":"main","value":"Main  head"}],
            "bodies":[{"role":"html","contenttype":"text/html","value":"<p>html</p>"},{"role":"main","contenttype":"text/plain","value":"plain text"}],
            "versioncreated":"2019-05-10T16:02:28+02:00"}"#;
        let s = parse_story(raw, LIMIT).unwrap();
        assert_eq!(s.ninjs_version, NinjsVersion::V2);
        assert_eq!(s.headline, "Main head");
        assert_eq!(s.body, "plain text");
    }

    #[test]
    fn parses_ninjs_3x_html_only_body() {
        let raw = br#"{"uri":"urn:c","versionCreated":"2019-05-10T16:02:28+02:00","bodies":[{"role":"html","contentType":"text/html","value":"<section><p>Eins.</p><p>Zwei &#x263A;</p></section>"}]}"#;
        let s = parse_story(raw, LIMIT).unwrap();
        assert_eq!(s.ninjs_version, NinjsVersion::V3);
        assert_eq!(s.headline, "");
        assert_eq!(s.body, "Eins.\n\nZwei \u{263a}");
    }

    #[test]
    fn rejects_with_precise_reasons() {
        let cases: Vec<(&[u8], &str)> = vec![
            (b"\xff\xfe{}", "invalid_utf8"),
            (b"{\"uri\": ", "invalid_json"),
            (b"[1,2]", "invalid_story"),
            (br#"{"headline":"x","body_text":"y"}"#, "invalid_story"),
            (br#"{"uri":5,"body_text":"y"}"#, "invalid_story"),
            (br#"{"uri":"u","body_text":["y"]}"#, "invalid_story"),
            (br#"{"uri":"u","headline":"only a headline"}"#, "empty_body"),
            (br#"{"uri":"u","body_text":"   "}"#, "empty_body"),
            (
                br#"{"uri":"u","body_text":"x","versioncreated":"yesterday"}"#,
                "invalid_story",
            ),
        ];
        for (raw, label) in cases {
            let err = parse_story(raw, LIMIT).unwrap_err();
            assert_eq!(err.label(), label, "{err}");
        }
        let big = vec![b' '; 100];
        assert_eq!(parse_story(&big, 10).unwrap_err().label(), "too_large");
    }

    #[test]
    fn deeply_nested_json_is_rejected_not_overflowing() {
        let mut raw = String::new();
        for _ in 0..100_000 {
            raw.push('[');
        }
        assert_eq!(
            parse_story(raw.as_bytes(), usize::MAX).unwrap_err().label(),
            "invalid_json"
        );
    }

    #[test]
    fn wrong_type_error_names_the_field() {
        let err = parse_story(br#"{"uri":"u","bodies":[{"value":7}]}"#, LIMIT).unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `bodies[0].value` must be a string, found a number"
        );
    }

    #[test]
    fn text_file_story_uses_first_line_as_headline() {
        let s = story_from_text(
            "urn:f".into(),
            "\n  Headline here \nPara one.\n\nPara two.\n",
        )
        .unwrap();
        assert_eq!(s.headline, "Headline here");
        assert_eq!(s.body, "Para one.\n\nPara two.");
    }

    #[test]
    fn parses_every_shared_ninjs_example() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/ninjs/examples");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("skipping: {} not found", dir.display());
            return;
        };
        let mut n = 0;
        for e in entries.flatten() {
            let raw = std::fs::read(e.path()).unwrap();
            let s = parse_story(&raw, LIMIT)
                .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            assert!(
                !s.body.is_empty() && !s.body.contains('<'),
                "{}",
                e.path().display()
            );
            n += 1;
        }
        assert!(n >= 5);
    }

    #[test]
    fn time_formats() {
        assert!(parse_time("2019-05-10T16:02:28+0200").is_some());
        assert!(parse_time("2019-05-10T16:02:28").is_some());
        assert!(parse_time("2019-05-10 16:02:28Z").is_some());
        assert!(parse_time("10 May 2019").is_none());
    }
}
