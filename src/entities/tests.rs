//! End-to-end tests of the tagger on original example sentences with a small inline gazetteer.

use super::*;

const GAZETTEER: &str = "# test gazetteer\n\
https://sws.geonames.org/2017370/\tplace\tRussia\tRussia|Russian Federation\tcountry,country=RU,pop=144000000\n\
https://sws.geonames.org/1873107/\tplace\tNorth Korea\tNorth Korea|DPRK\tcountry,country=KP,pop=25000000\n\
https://sws.geonames.org/6252001/\tplace\tUnited States\tUnited States|US|U.S.\tcountry,country=US,pop=327000000,rank=1\n\
https://sws.geonames.org/2673730/\tplace\tStockholm\tStockholm\tcapital,country=SE,pop=1500000\n\
https://sws.geonames.org/4140963/\tplace\tWashington\tWashington\tcapital,country=US,pop=700000\n\
https://sws.geonames.org/5815135/\tplace\tWashington State\tWashington\tregion,country=US,pop=7000000,ambiguous\n\
https://sws.geonames.org/2990440/\tplace\tNice\tNice\tcity,country=FR,pop=340000,ambiguous\n\
wiredesk:person:vladimir-putin\tperson\tVladimir Putin\tVladimir Putin|Putin\thead-of-state,rank=1\n\
wiredesk:person:kim-jong-un\tperson\tKim Jong Un\tKim Jong Un|Kim Jong-un|Kim Jong-Un\thead-of-state,rank=1\n\
wiredesk:org:united-nations\torganisation\tUnited Nations\tUnited Nations|UN|U.N.\tintl-org,rank=1\n\
wiredesk:org:workers-party-of-korea\torganisation\tWorkers' Party of Korea\tWorkers' Party of Korea\tparty,country=KP,rank=3\n\
wiredesk:person:amara-okonkwo-vale\tperson\tAmara Okonkwo-Vale\tAmara Okonkwo-Vale\thead-of-state,rank=1\n\
https://sws.geonames.org/1/\tplace\tJapan\tJapan\tcountry,country=JP,pop=125000000\n\
https://sws.geonames.org/2/\tplace\tBrindlecombe\tBrindlecombe\tcity,country=GB,pop=60000\n";

const DEMONYMS: &str = "Russian\nNorth Korean\nAmerican\nSwedish\n";

fn tagger() -> EntityTagger {
    match EntityTagger::from_sources(GAZETTEER, DEMONYMS) {
        Ok(tagger) => tagger,
        Err(error) => panic!("test gazetteer must parse: {error}"),
    }
}

fn find<'a>(entities: &'a [Entity], id: &str) -> Option<&'a Entity> {
    entities.iter().find(|entity| entity.id == id)
}

fn texts(entity: &Entity) -> Vec<&str> {
    entity
        .mentions
        .iter()
        .map(|mention| mention.text.as_str())
        .collect()
}

#[test]
fn spellings_of_one_person_are_one_entity() {
    let body =
        "Kim Jong-un met envoys on Tuesday. Later Kim Jong Un spoke. Kim said talks went well.";
    let entities = tagger().tag("Kim Jong-Un hosts envoys", body);
    let kim = find(&entities, "wiredesk:person:kim-jong-un");
    assert!(kim.is_some(), "{entities:#?}");
    let kim = kim.map(texts).unwrap_or_default();
    assert_eq!(kim, ["Kim Jong-Un", "Kim Jong-un", "Kim Jong Un", "Kim"]);
    assert_eq!(
        entities
            .iter()
            .filter(|entity| entity.entity_type == EntityType::Person)
            .count(),
        1,
        "{entities:#?}"
    );
}

#[test]
fn acronyms_match_only_in_upper_case() {
    let entities = tagger().tag(
        "",
        "The UN and the U.N. agencies told us the United Nations agrees. The un-named aide left.",
    );
    let un = find(&entities, "wiredesk:org:united-nations").map(texts);
    assert_eq!(un, Some(vec!["UN", "U.N.", "United Nations"]));
    assert!(find(&entities, "https://sws.geonames.org/6252001/").is_none());
}

#[test]
fn dprk_and_north_korea_are_one_place_and_demonyms_are_not_entities() {
    let entities = tagger().tag(
        "",
        "North Korean state media said the DPRK would answer. North Korea has said little.",
    );
    let places: Vec<&Entity> = entities
        .iter()
        .filter(|entity| entity.entity_type == EntityType::Place)
        .collect();
    assert_eq!(places.len(), 1, "{entities:#?}");
    assert_eq!(texts(places[0]), ["DPRK", "North Korea"]);
}

#[test]
fn offsets_slice_the_text_exactly() {
    let headline = "Putin’s gift to Kim draws U.S. rebuke";
    let body = "STOCKHOLM, May 3 (Wire) - President Vladimir Putin's gift was discussed by State \
Department spokeswoman Alma Brekke in Stockholm. Brekke said the U.S. objected.";
    let entities = tagger().tag(headline, body);
    for entity in &entities {
        for mention in &entity.mentions {
            let source = match mention.field {
                Field::Headline => headline,
                Field::Body => body,
            };
            assert_eq!(&source[mention.start..mention.end], mention.text);
        }
    }
    let putin = find(&entities, "wiredesk:person:vladimir-putin").map(texts);
    assert_eq!(putin, Some(vec!["Putin", "Vladimir Putin"]));
    let brekke = find(&entities, "wiredesk:person:alma-brekke").map(texts);
    assert_eq!(brekke, Some(vec!["Alma Brekke", "Brekke"]), "{entities:#?}");
    let stockholm = find(&entities, "https://sws.geonames.org/2673730/").map(texts);
    assert_eq!(stockholm, Some(vec!["STOCKHOLM", "Stockholm"]));
}

#[test]
fn unknown_names_are_typed_by_cues() {
    let body = "Detective Inspector Rhona Callister of Greater Aldmoor Police said officers were \
called to a house in Brackenfold, near Oskeby. Coach Tamsin Arkwright watched. The Harwick \
Valley Hospital treated two people, and Fenwright Holdings Ltd declined to comment. \
Callister said Fenwright had been warned.";
    let entities = tagger().tag("", body);
    let typed = |name: &str| {
        entities
            .iter()
            .find(|entity| entity.name == name)
            .map(|entity| entity.entity_type)
    };
    assert_eq!(
        typed("Rhona Callister"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_eq!(
        typed("Greater Aldmoor Police"),
        Some(EntityType::Organisation)
    );
    assert_eq!(typed("Brackenfold"), Some(EntityType::Place));
    assert_eq!(typed("Oskeby"), Some(EntityType::Place));
    assert_eq!(typed("Tamsin Arkwright"), Some(EntityType::Person));
    assert_eq!(
        typed("Harwick Valley Hospital"),
        Some(EntityType::Organisation)
    );
    assert_eq!(
        typed("Fenwright Holdings Ltd"),
        Some(EntityType::Organisation)
    );
    let callister = entities
        .iter()
        .find(|entity| entity.name == "Rhona Callister");
    assert_eq!(callister.map(|entity| entity.mentions.len()), Some(2));
    assert!(typed("The").is_none() && typed("Detective Inspector").is_none());
}

#[test]
fn defined_acronyms_attach_to_their_long_form() {
    let body = "The Workers' Party of Korea (WPK) met. The Lindqvist Maritime Authority (LMA) \
said the WPK and the LMA would talk.";
    let entities = tagger().tag("", body);
    let party = find(&entities, "wiredesk:org:workers-party-of-korea").map(texts);
    assert_eq!(
        party,
        Some(vec!["Workers' Party of Korea", "WPK", "WPK"]),
        "{entities:#?}"
    );
    let authority = find(&entities, "wiredesk:org:lindqvist-maritime-authority").map(texts);
    assert_eq!(
        authority,
        Some(vec!["Lindqvist Maritime Authority", "LMA", "LMA"])
    );
}

#[test]
fn ambiguous_aliases_need_context() {
    let entities = tagger().tag(
        "",
        "It was a nice day. Nice weather helped. She flew in to Nice.",
    );
    let nice = find(&entities, "https://sws.geonames.org/2990440/").map(texts);
    assert_eq!(nice, None, "'to Nice' is not a listed cue: {entities:#?}");
    let entities = tagger().tag("", "The festival in Nice drew crowds.");
    let nice = find(&entities, "https://sws.geonames.org/2990440/").map(texts);
    assert_eq!(nice, Some(vec!["Nice"]));
}

#[test]
fn prominence_chooses_between_entries_sharing_an_alias() {
    let entities = tagger().tag("", "Officials in Washington said the plan would go ahead.");
    assert!(
        find(&entities, "https://sws.geonames.org/4140963/").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn ids_are_stable_across_stories_and_spellings() {
    let tagger = tagger();
    let first = tagger.tag(
        "",
        "Finance minister Oyelaran Badmus-Kole said on Monday taxes would rise.",
    );
    let second = tagger.tag("", "Critics of Oyelaran Badmus Kole's plan rallied.");
    let id_of = |entities: &[Entity]| {
        entities
            .iter()
            .find(|entity| entity.entity_type == EntityType::Person)
            .map(|entity| entity.id.clone())
    };
    assert_eq!(
        id_of(&first),
        Some("wiredesk:person:oyelaran-badmus-kole".to_string())
    );
    assert_eq!(id_of(&first), id_of(&second), "{second:#?}");
}

#[test]
fn headline_case_does_not_invent_entities() {
    let entities = tagger().tag(
        "Storm Batters Coast As Ferry Services Halt",
        "A storm hit the coast on Friday, and ferry services were halted.",
    );
    assert!(entities.is_empty(), "{entities:#?}");
}

#[test]
fn output_is_deterministic_and_sorted() {
    let tagger = tagger();
    let body = "Putin met Kim Jong Un in Russia. The UN watched.";
    let first = tagger.tag("Kim meets Putin", body);
    assert_eq!(first, tagger.tag("Kim meets Putin", body));
    let order: Vec<&str> = first.iter().map(|entity| entity.name.as_str()).collect();
    assert_eq!(
        order,
        ["Kim Jong Un", "Vladimir Putin", "Russia", "United Nations"]
    );
}

#[test]
fn tagger_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<EntityTagger>();
}

#[test]
fn slugs_fold_case_accents_and_punctuation() {
    assert_eq!(
        wiredesk_id(EntityType::Organisation, "Castlebrook Rovers FC"),
        wiredesk_id(EntityType::Organisation, "Castlebrook Rovers")
    );
    assert_eq!(
        wiredesk_id(EntityType::Person, "Ana Co"),
        "wiredesk:person:ana-co"
    );
    assert_eq!(slug("Zürich  Airport"), "zurich-airport");
    assert_eq!(slug("Workers' Party of Korea"), "workers-party-of-korea");
    assert_eq!(
        wiredesk_id(EntityType::Organisation, "Fenwright Ltd."),
        "wiredesk:org:fenwright"
    );
}

#[test]
fn embedded_gazetteer_loads() {
    let started = std::time::Instant::now();
    let tagger = EntityTagger::new();
    assert!(tagger.is_ok(), "{:?}", tagger.err());
    eprintln!("embedded gazetteer loaded in {:?}", started.elapsed());
}

#[test]
fn prominent_people_are_found_by_surname_alone() {
    let entities = tagger().tag(
        "Okonkwo-Vale Opens Summit",
        "Okonkwo-Vale said trade would grow.",
    );
    let person = find(&entities, "wiredesk:person:amara-okonkwo-vale").map(texts);
    assert_eq!(
        person,
        Some(vec!["Okonkwo-Vale", "Okonkwo-Vale"]),
        "{entities:#?}"
    );
}

#[test]
fn coordinated_names_split_unless_they_share_a_head() {
    let entities = tagger().tag(
        "",
        "Officials from the Lindmoor and Hasket Fire Authority met Tamsin Arkwright and Rhona \
Callister in the towns of Oskeby, Brackenfold and Tullagh.",
    );
    let names: Vec<(&str, EntityType)> = entities
        .iter()
        .map(|entity| (entity.name.as_str(), entity.entity_type))
        .collect();
    assert!(
        names.contains(&(
            "Lindmoor and Hasket Fire Authority",
            EntityType::Organisation
        )),
        "{names:?}"
    );
    assert!(
        names.contains(&("Tamsin Arkwright", EntityType::Person)),
        "{names:?}"
    );
    assert!(
        names.contains(&("Rhona Callister", EntityType::Person)),
        "{names:?}"
    );
    for place in ["Oskeby", "Brackenfold", "Tullagh"] {
        assert!(
            names.contains(&(place, EntityType::Place)),
            "{place}: {names:?}"
        );
    }
}

#[test]
fn names_of_a_place_and_possessive_organisations() {
    let entities = tagger().tag(
        "",
        "She beat Emma Tavistock of Japan. Staff at St Aldric's Hospice in Brindlecombe said \
Emma Tavistock had visited.",
    );
    let names: Vec<(&str, EntityType)> = entities
        .iter()
        .map(|entity| (entity.name.as_str(), entity.entity_type))
        .collect();
    assert!(
        names.contains(&("Emma Tavistock", EntityType::Person)),
        "{names:?}"
    );
    assert!(names.contains(&("Japan", EntityType::Place)), "{names:?}");
    assert!(
        names.contains(&("St Aldric's Hospice", EntityType::Organisation)),
        "{names:?}"
    );
    assert!(
        names.contains(&("Brindlecombe", EntityType::Place)),
        "{names:?}"
    );
}
