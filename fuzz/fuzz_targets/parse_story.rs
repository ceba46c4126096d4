//! Fuzz target for `wiredesk::story::parse_story`: arbitrary message bytes must never panic, and
//! every result must respect what the parser guarantees (size limit, deterministic outcome, trimmed
//! non-empty `uri` and body, normalised whitespace in headline and body).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiredesk::story::{RejectReason, Story, parse_story};

/// A limit most inputs exceed, to exercise the `TooLarge` path.
const SMALL_LIMIT: usize = 64;
/// A limit no fuzz input reaches (libFuzzer's `-max_len` is far below it).
const LARGE_LIMIT: usize = 1 << 20;

fuzz_target!(|raw: &[u8]| {
    let large = parse_story(raw, LARGE_LIMIT);
    let small = parse_story(raw, SMALL_LIMIT);
    if raw.len() > SMALL_LIMIT {
        assert_eq!(
            small,
            Err(RejectReason::TooLarge {
                size: raw.len(),
                limit: SMALL_LIMIT
            })
        );
    } else {
        // The limit only gates size: below it, the outcome must not depend on it.
        assert_eq!(small, large);
    }
    match &large {
        Ok(story) => check_story(story),
        Err(reason) => {
            assert!(RejectReason::LABELS.contains(&reason.label()));
            assert!(!reason.to_string().is_empty());
            assert!(!matches!(reason, RejectReason::TooLarge { .. }));
        }
    }
});

fn check_story(story: &Story) {
    assert!(!story.uri.is_empty(), "empty uri accepted");
    assert_eq!(story.uri, story.uri.trim(), "uri not trimmed");
    assert!(!story.body.is_empty(), "empty body accepted");
    assert_normalised("body", &story.body);
    assert!(!story.body.contains("\n\n\n"), "body has a double blank line: {:?}", story.body);
    assert!(!story.ninjs_version.as_str().is_empty());
    assert_normalised("headline", &story.headline);
    for (name, value) in [("by", &story.by), ("language", &story.language)] {
        if let Some(v) = value {
            assert!(!v.is_empty(), "{name} is Some(\"\")");
            assert_eq!(v, v.trim(), "{name} not trimmed");
        }
    }
    let _ = story.event_time_ms(0);
}

/// Whitespace normalisation `collapse_spaces` + `trim` guarantee: no edge whitespace on the text
/// or on any of its lines, no tabs or no-break spaces, no runs of spaces.
fn assert_normalised(field: &str, text: &str) {
    assert_eq!(text, text.trim(), "{field} not trimmed: {text:?}");
    assert!(
        !text.contains(['\t', '\u{a0}']),
        "{field} keeps a tab or no-break space: {text:?}"
    );
    assert!(!text.contains("  "), "{field} keeps a run of spaces: {text:?}");
    if field == "body" {
        for line in text.split('\n') {
            assert_eq!(line, line.trim(), "body line not trimmed: {line:?}");
        }
    }
}
