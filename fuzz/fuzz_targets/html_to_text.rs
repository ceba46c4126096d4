//! Fuzz target for `wiredesk::story::html_to_text` and `decode_entities`: arbitrary (lossily
//! decoded) input must never panic, and the text must come out with normalised whitespace.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiredesk::story::{decode_entities, html_to_text};

fuzz_target!(|raw: &[u8]| {
    let html = String::from_utf8_lossy(raw);
    let text = html_to_text(&html);
    assert_eq!(text, text.trim(), "output not trimmed: {text:?}");
    assert!(!text.contains("\n\n\n"), "double blank line: {text:?}");
    assert!(!text.contains(['\t', '\u{a0}']), "tab or no-break space: {text:?}");
    assert!(!text.contains("  "), "run of spaces: {text:?}");
    for line in text.split('\n') {
        assert_eq!(line, line.trim(), "line not trimmed: {line:?}");
    }
    let decoded = decode_entities(&html);
    assert!(!decoded.contains('\n'), "decode_entities kept a newline: {decoded:?}");
});
