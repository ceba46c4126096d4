//! Near-duplicate diagnostics: for two stories of a JSON Lines feed, prints the dedup stage's
//! verification evidence (Jaccard, containment both ways, lead containment, name/figure
//! agreement), its verdict and how many LSH/lead keys the two share (0: the later story would
//! never retrieve the earlier one as a candidate).
//!
//! `cargo run --release --example explain_pair -- FEED.jsonl EARLIER_URI LATER_URI`

use wiredesk::dedup::{DedupConfig, DedupIndex};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [feed, earlier, later] = arguments.as_slice() else {
        return Err("usage: explain_pair FEED.jsonl EARLIER_URI LATER_URI".into());
    };
    let index = DedupIndex::new(DedupConfig::default())?;
    let text = std::fs::read_to_string(feed)?;
    let mut found = [None, None];
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let story = wiredesk::story::parse_story(line.as_bytes(), usize::MAX)
            .map_err(|reason| format!("{feed}: {reason:?}"))?;
        for (slot, uri) in found.iter_mut().zip([earlier, later]) {
            if &story.uri == uri {
                *slot = Some(index.fingerprint(&story.headline, &story.body));
            }
        }
    }
    let [Some(earlier_fp), Some(later_fp)] = found else {
        return Err(format!("{earlier} or {later} is not in {feed}").into());
    };
    let (evidence, verdict, shared_keys) = index.explain(&later_fp, &earlier_fp);
    println!("{evidence:#?}");
    println!("verdict: {verdict:?}; shared retrieval keys: {shared_keys}");
    Ok(())
}
