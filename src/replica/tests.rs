use super::*;
use crate::enrich::{State, StoryContext, enrich_with_decision, lock};
use crate::envelope::Source;
use crate::story::{Story, parse_story};

fn ctx() -> StoryContext {
    StoryContext {
        source: Source::File {
            file: "t".into(),
            line: 1,
        },
        processed_at: "2026-03-02T00:00:00Z".into(),
        fallback_time_ms: 0,
        received_ms: None,
    }
}

const BODY: &str = "Flood barriers failed along the River Wendle on Tuesday, forcing the evacuation \
of 340 homes in Marbury, the county council said. Emergency crews from three counties worked \
through the night to shore up the banks as water levels rose by 1.8 metres in six hours. \
Council leader Priya Lansdowne said residents would be housed at the leisure centre on Mill \
Road and at two schools. \"We have never seen the river rise this fast,\" Lansdowne said. The \
Environment Agency issued a severe flood warning for the lower valley and advised people not \
to drive through flood water. Forecasters expect a further 40 mm of rain by Thursday.";

fn story(uri: &str, minute: u32, extra: &str) -> Story {
    let raw = serde_json::json!({
        "uri": uri,
        "headline": "Hundreds evacuated as River Wendle floods Marbury",
        "body_text": format!("{BODY}{extra}"),
        "versioncreated": format!("2026-03-02T10:{minute:02}:00Z"),
    })
    .to_string();
    parse_story(raw.as_bytes(), 1 << 20).unwrap()
}

fn decide(state: &mut State, s: Story) -> (Decision, StoryRecord) {
    let (_, decision, record) = enrich_with_decision(state, s, ctx());
    (
        decision,
        record.expect("State::with_defaults shares records"),
    )
}

#[test]
fn record_round_trips_and_rejects_every_truncation() {
    let mut state = State::with_defaults().unwrap();
    let (_, record) = decide(&mut state, story("urn:a", 0, ""));
    let bytes = record.to_bytes();
    assert_eq!(StoryRecord::from_bytes(&bytes).unwrap(), record);
    assert!(!record.features.is_empty());
    assert!(record.features.len() <= MAX_RECORD_FEATURES);
    for cut in 0..bytes.len() {
        assert!(StoryRecord::from_bytes(&bytes[..cut]).is_err(), "cut {cut}");
    }
    let mut wrong = bytes.clone();
    wrong[0] = 99;
    assert!(StoryRecord::from_bytes(&wrong).is_err());
}

#[test]
fn own_record_and_consumed_again_story_repeat_the_first_decision() {
    let mut state = State::with_defaults().unwrap();
    let (first, record) = decide(&mut state, story("urn:a", 0, ""));
    assert_eq!(
        lock(&state.index).absorb(&record, None).unwrap(),
        Absorbed::Known
    );
    let (again, _) = decide(&mut state, story("urn:a", 0, ""));
    assert!(again.repeated);
    assert_eq!(again.verdict, Verdict::Unique);
    assert_eq!(again.story_tag, first.story_tag);
    assert_eq!(lock(&state.index).dedup.len(), 1);
}

#[test]
fn a_record_from_another_instance_makes_its_resends_duplicates_here() {
    let mut one = State::with_defaults().unwrap();
    let mut two = State::with_defaults().unwrap();
    let (original, record) = decide(&mut one, story("urn:a", 0, ""));
    assert_eq!(
        lock(&two.index).absorb(&record, None).unwrap(),
        Absorbed::Indexed(None)
    );
    let (resend, _) = decide(&mut two, story("urn:b", 5, " (Updates with forecast)"));
    assert_eq!(resend.verdict, Verdict::Duplicate);
    assert_eq!(resend.duplicate_of.as_deref(), Some("urn:a"));
    assert_eq!(resend.story_tag, original.story_tag);
}

#[test]
fn simultaneous_original_and_resend_converge_on_the_earlier_one() {
    let mut one = State::with_defaults().unwrap();
    let mut two = State::with_defaults().unwrap();
    // Each instance decides its story before the other's record arrives: both are originals.
    let (a, rec_a) = decide(&mut one, story("urn:a", 0, ""));
    let (b, rec_b) = decide(&mut two, story("urn:b", 1, " Roads were closed."));
    assert_eq!(a.verdict, Verdict::Unique);
    assert_eq!(b.verdict, Verdict::Unique);
    // The records cross.
    let at_one = lock(&one.index).absorb(&rec_b, None).unwrap();
    let at_two = lock(&two.index).absorb(&rec_a, None).unwrap();
    let expected = |c: &Correction| {
        &*c.loser_uri == "urn:b"
            && &*c.winner_uri == "urn:a"
            && c.winner_story == a.story_tag
            && c.loser_story == b.story_tag
    };
    match (&at_one, &at_two) {
        (Absorbed::Indexed(Some(x)), Absorbed::Indexed(Some(y))) => {
            assert!(expected(x), "{x:?}");
            assert!(expected(y), "{y:?}");
        }
        other => panic!("both sides must settle the race: {other:?}"),
    }
    // Later re-sends point at the winner on both instances, under one story id.
    for state in [&mut one, &mut two] {
        let (c, _) = decide(state, story("urn:c", 30, " Schools stay shut."));
        assert_eq!(c.verdict, Verdict::Duplicate);
        assert_eq!(c.duplicate_of.as_deref(), Some("urn:a"));
        assert_eq!(c.story_tag, a.story_tag);
    }
    // And the loser, consumed again on its instance, is now a duplicate of the winner.
    let (again, _) = decide(&mut two, story("urn:b", 1, " Roads were closed."));
    assert_eq!(again.verdict, Verdict::Duplicate);
    assert_eq!(again.duplicate_of.as_deref(), Some("urn:a"));
}

#[test]
fn tie_on_event_time_goes_to_the_smaller_uri() {
    let mut one = State::with_defaults().unwrap();
    let mut two = State::with_defaults().unwrap();
    let (_, rec_z) = decide(&mut one, story("urn:z", 0, ""));
    let (_, rec_y) = decide(&mut two, story("urn:y", 0, ""));
    let Absorbed::Indexed(Some(c)) = lock(&one.index).absorb(&rec_y, None).unwrap() else {
        panic!("race not settled");
    };
    assert_eq!(&*c.winner_uri, "urn:y");
    let Absorbed::Indexed(Some(c)) = lock(&two.index).absorb(&rec_z, None).unwrap() else {
        panic!("race not settled");
    };
    assert_eq!(&*c.winner_uri, "urn:y");
}

#[test]
fn recent_outputs_correct_the_loser_and_its_story() {
    let mut recent = RecentOutputs::new(10);
    let env = |uri: &str, story: &str| {
        serde_json::json!({"item": {"uri": uri}, "dedup": {"verdict": "unique", "duplicateOf": null, "similarity": 0.0, "storyId": story}})
            .to_string()
    };
    recent.remember("urn:b", 2, env("urn:b", "s2").as_bytes());
    recent.remember("urn:x", 2, env("urn:x", "s2").as_bytes());
    recent.remember("urn:q", 3, env("urn:q", "s3").as_bytes());
    let dup = serde_json::json!({"item": {"uri": "urn:d"}, "dedup": {"verdict": "duplicate", "duplicateOf": "urn:b", "similarity": 0.9, "storyId": "s2"}}).to_string();
    recent.remember("urn:d", 2, dup.as_bytes());
    let mut fixed = recent.corrections(&Correction {
        loser_uri: Arc::from("urn:b"),
        loser_story: 2,
        winner_uri: Arc::from("urn:a"),
        winner_story: 1,
        similarity: 0.93,
    });
    fixed.sort();
    assert_eq!(fixed.len(), 3);
    let b: serde_json::Value = serde_json::from_slice(&fixed[0].1).unwrap();
    assert_eq!(b["dedup"]["verdict"], "duplicate");
    assert_eq!(b["dedup"]["duplicateOf"], "urn:a");
    assert_eq!(b["dedup"]["storyId"], crate::cluster::story_id_string(1));
    let d: serde_json::Value = serde_json::from_slice(&fixed[1].1).unwrap();
    assert_eq!(
        d["dedup"]["duplicateOf"], "urn:a",
        "a duplicate of the loser names the winner"
    );
    let x: serde_json::Value = serde_json::from_slice(&fixed[2].1).unwrap();
    assert_eq!(x["dedup"]["verdict"], "unique");
    assert_eq!(x["dedup"]["storyId"], crate::cluster::story_id_string(1));
    // Nothing changes a second time.
    assert!(
        recent
            .corrections(&Correction {
                loser_uri: Arc::from("urn:b"),
                loser_story: 1,
                winner_uri: Arc::from("urn:a"),
                winner_story: 1,
                similarity: 0.93,
            })
            .is_empty()
    );
    // Capacity bounds what is remembered.
    for i in 0..20 {
        recent.remember(&format!("urn:{i}"), 9, b"{}");
    }
    assert_eq!(recent.len(), 10);
}

#[test]
fn an_earlier_version_arriving_late_becomes_the_first_of_the_chain() {
    let mut state = State::with_defaults().unwrap();
    let (later, _) = decide(&mut state, story("urn:later", 20, " Roads were closed."));
    let (earlier, _) = decide(&mut state, story("urn:earlier", 0, ""));
    assert_eq!(earlier.verdict, Verdict::Related);
    assert_eq!(earlier.story_tag, later.story_tag);
    let c = earlier.correction.expect("the later story is corrected");
    assert_eq!(&*c.loser_uri, "urn:later");
    assert_eq!(&*c.winner_uri, "urn:earlier");
    let (next, _) = decide(&mut state, story("urn:next", 40, " Schools stay shut."));
    assert_eq!(next.duplicate_of.as_deref(), Some("urn:earlier"));
    assert_eq!(next.story_tag, later.story_tag);
}
