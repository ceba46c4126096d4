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
https://sws.geonames.org/2/\tplace\tBrindlecombe\tBrindlecombe\tcity,country=GB,pop=60000\n\
wiredesk:place:marlshire\tplace\tMarlshire\tMarlshire\tregion,country=GB\n";

const DEMONYMS: &str = "Russian\nNorth Korean\nAmerican\nSwedish\n";

fn tagger() -> EntityTagger {
    match EntityTagger::from_sources(GAZETTEER, DEMONYMS) {
        Ok(tagger) => tagger,
        Err(error) => panic!("test gazetteer must parse: {error}"),
    }
}

/// The tagger on the embedded gazetteer (what the binary ships).
fn embedded_tagger() -> EntityTagger {
    match EntityTagger::new() {
        Ok(tagger) => tagger,
        Err(error) => panic!("embedded gazetteer must load: {error}"),
    }
}

fn find<'a>(entities: &'a [Entity], id: &str) -> Option<&'a Entity> {
    entities.iter().find(|entity| entity.id == id)
}

fn assert_no_organisation(entities: &[Entity]) {
    assert!(
        entities
            .iter()
            .all(|entity| entity.entity_type != EntityType::Organisation),
        "{entities:#?}"
    );
}

/// Asserts that each of `names` is tagged as an organisation.
fn assert_organisations(entities: &[Entity], names: &[&str]) {
    for name in names {
        assert_eq!(
            type_of(entities, name),
            Some(EntityType::Organisation),
            "{name}: {entities:#?}"
        );
    }
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
    assert_eq!(
        type_of(&entities, "Rhona Callister"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Greater Aldmoor Police"),
        Some(EntityType::Organisation)
    );
    assert_eq!(type_of(&entities, "Brackenfold"), Some(EntityType::Place));
    assert_eq!(type_of(&entities, "Oskeby"), Some(EntityType::Place));
    assert_eq!(
        type_of(&entities, "Tamsin Arkwright"),
        Some(EntityType::Person)
    );
    assert_eq!(
        type_of(&entities, "Harwick Valley Hospital"),
        Some(EntityType::Organisation)
    );
    assert_eq!(
        type_of(&entities, "Fenwright Holdings Ltd"),
        Some(EntityType::Organisation)
    );
    let callister = entities
        .iter()
        .find(|entity| entity.name == "Rhona Callister");
    assert_eq!(callister.map(|entity| entity.mentions.len()), Some(2));
    assert!(
        type_of(&entities, "The").is_none() && type_of(&entities, "Detective Inspector").is_none()
    );
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
    // Letters whose stroke or dot is no combining mark fold too: one id with or without them.
    assert_eq!(slug("Paweł Grabski"), slug("Pawel Grabski"));
    assert_eq!(slug("Łódź Regional Court"), "lodz-regional-court");
    assert_eq!(slug("Bayraklı"), "bayrakli");
    assert_eq!(slug("Ødegaard Straße"), "odegaard-strasse");
    assert_eq!(slug("Workers' Party of Korea"), "workers-party-of-korea");
    assert_eq!(
        wiredesk_id(EntityType::Organisation, "Kestrava Holdings"),
        wiredesk_id(EntityType::Organisation, "Kestrava Group")
    );
    assert_eq!(
        wiredesk_id(EntityType::Organisation, "Wrenfield General Hospital"),
        wiredesk_id(EntityType::Organisation, "Wrenfield General")
    );
    assert_eq!(
        wiredesk_id(EntityType::Organisation, "Ashcombe Hospital"),
        "wiredesk:org:ashcombe-hospital"
    );
    assert_eq!(
        slug("Devon & Cornwall Police"),
        slug("Devon and Cornwall Police")
    );
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
fn a_sentence_initial_the_does_not_hide_a_gazetteer_country() {
    let tagger = embedded_tagger();
    // Country names ending in a place head word ("Kingdom", "Republic", "Emirates") after a
    // sentence's "The" keep their GeoNames entry, the same as after a lowercase "the".
    let entities = tagger.tag(
        "",
        "The United Kingdom objected. Trade with the United Kingdom fell. The Czech Republic \
agreed. The United Arab Emirates said it would help.",
    );
    let ids: Vec<(&str, &str)> = entities
        .iter()
        .map(|entity| (entity.name.as_str(), entity.id.as_str()))
        .collect();
    for name in ["United Kingdom", "Czech Republic", "United Arab Emirates"] {
        let of_name: Vec<&str> = ids
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, id)| *id)
            .collect();
        assert_eq!(of_name.len(), 1, "one entity for {name}: {ids:?}");
        assert!(
            of_name[0].starts_with("https://sws.geonames.org/"),
            "{name}: {ids:?}"
        );
    }
}

#[test]
fn names_that_end_in_an_apostrophe_s_are_found_whole() {
    let tagger = embedded_tagger();
    let entities = tagger.tag(
        "",
        "Moody's said it would review the rating. Analysts at McDonald's agreed.",
    );
    for id in ["wiredesk:org:moody-s", "wiredesk:org:mcdonald-s"] {
        assert!(find(&entities, id).is_some(), "{id}: {entities:#?}");
    }
}

#[test]
fn a_dateline_credit_is_an_agency_not_the_place_it_starts_with() {
    let tagger = embedded_tagger();
    let entities = tagger.tag(
        "",
        "MOMBASA, Kenya (Sahel Courier) - Port workers walked out on Monday.",
    );
    let names: Vec<(&str, EntityType)> = entities
        .iter()
        .map(|entity| (entity.name.as_str(), entity.entity_type))
        .collect();
    assert!(
        names.contains(&("Sahel Courier", EntityType::Organisation)),
        "{names:?}"
    );
    assert!(!names.iter().any(|(name, _)| *name == "Sahel"), "{names:?}");
}

#[test]
fn a_known_city_then_city_is_that_city_or_a_british_club() {
    let tagger = embedded_tagger();
    let entities = tagger.tag(
        "",
        "ILOILO CITY, Philippines - Flights resumed on Monday. Crews in Iloilo City cleared \
debris. Exeter City lost at home.",
    );
    let iloilo: Vec<&Entity> = entities
        .iter()
        .filter(|entity| entity.name == "Iloilo")
        .collect();
    assert_eq!(iloilo.len(), 1, "{entities:#?}");
    assert_eq!(texts(iloilo[0]), vec!["ILOILO CITY", "Iloilo City"]);
    assert!(
        iloilo[0].id.starts_with("https://sws.geonames.org/"),
        "{entities:#?}"
    );
    assert!(
        !entities.iter().any(|entity| entity.name == "City"),
        "{entities:#?}"
    );
    let club = entities.iter().find(|entity| entity.name == "Exeter City");
    assert_eq!(
        club.map(|entity| entity.entity_type),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn unknown_towns_listed_with_a_known_place_are_places() {
    // Brindlecombe is in the test gazetteer; Otterby, Fennick Cross and Wastrel Bay are not.
    let entities = tagger().tag(
        "",
        "Buses to Brindlecombe and Otterby were cancelled. Crews came from Fennick Cross, \
Wastrel Bay and Brindlecombe. Doctors in nearby Harrowfield treated six people. Talks between \
Brindlecombe, Tamsin Arkwright said, would resume. Trains from Quellham to Brindlecombe and \
from Brindlecombe to Dorrow ran late. Kelsholm residents were told to boil water.",
    );
    let places: Vec<&str> = entities
        .iter()
        .filter(|entity| entity.entity_type == EntityType::Place)
        .map(|entity| entity.name.as_str())
        .collect();
    for name in [
        "Otterby",
        "Fennick Cross",
        "Wastrel Bay",
        "Harrowfield",
        "Quellham",
        "Dorrow",
        "Kelsholm",
    ] {
        assert!(places.contains(&name), "{name}: {places:?}");
    }
    // A comma alone makes no list: the speaker stays a person.
    assert!(
        entities
            .iter()
            .any(|entity| entity.name == "Tamsin Arkwright"
                && entity.entity_type == EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn a_given_name_that_is_also_a_title_opens_a_name_before_a_surname() {
    let entities = tagger().tag(
        "",
        "Senior forecaster Dean Harlowe said gusts would ease. Group Commander Dean Pellow \
agreed. The dean of the law school declined to comment.",
    );
    let people: Vec<&str> = entities
        .iter()
        .filter(|entity| entity.entity_type == EntityType::Person)
        .map(|entity| entity.name.as_str())
        .collect();
    assert!(people.contains(&"Dean Harlowe"), "{people:?}");
    assert!(people.contains(&"Dean Pellow"), "{people:?}");
}

#[test]
fn a_known_acronym_spelling_an_organisation_of_the_story_joins_it() {
    let tagger = embedded_tagger();
    let entities = tagger.tag(
        "",
        "Fighters of the Rapid Support Forces shelled the market on Monday. RSF commanders \
denied it.",
    );
    let forces = entities
        .iter()
        .find(|entity| entity.name == "Rapid Support Forces")
        .map(texts);
    assert_eq!(
        forces,
        Some(vec!["Rapid Support Forces", "RSF"]),
        "{entities:#?}"
    );
    assert_eq!(entities.len(), 1, "{entities:#?}");
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

/// A gazetteer for the rule tests below: small places that are also names, an acronym.
const RULE_GAZETTEER: &str = "# rule-test gazetteer\n\
https://sws.geonames.org/11/\tplace\tScotland\tScotland\tregion,country=GB,pop=5400000\n\
https://sws.geonames.org/12/\tplace\tKarbeck\tKarbeck\tcity,country=KE,pop=9000\n\
https://sws.geonames.org/13/\tplace\tSolvane\tSolvane\tcity,country=AR,pop=400000\n\
https://sws.geonames.org/14/\tplace\tWayne\tWayne\tcity,country=US,pop=50000\n\
wiredesk:org:acme-health\torganisation\tAcme Health Service\tAcme Health Service|AHS\tgov-body,country=GB,rank=3\n";

fn rule_tagger() -> EntityTagger {
    match EntityTagger::from_sources(RULE_GAZETTEER, DEMONYMS) {
        Ok(tagger) => tagger,
        Err(error) => panic!("rule-test gazetteer must parse: {error}"),
    }
}

/// The type of the entity with a mention exactly `text`, if any.
fn type_of(entities: &[Entity], text: &str) -> Option<EntityType> {
    entities
        .iter()
        .find(|entity| entity.mentions.iter().any(|mention| mention.text == text))
        .map(|entity| entity.entity_type)
}

#[test]
fn street_estate_and_river_names_are_places_not_people() {
    let body = "Police closed Tollard Way and the Brenning Industrial Estate overnight. Fumes \
        drifted over River Maddle. A crash blocked Mack Avenue near the junction.";
    let entities = rule_tagger().tag("Fire at depot", body);
    for place in [
        "Tollard Way",
        "Brenning Industrial Estate",
        "River Maddle",
        "Mack Avenue",
    ] {
        assert_eq!(
            type_of(&entities, place),
            Some(EntityType::Place),
            "{place}: {entities:#?}"
        );
    }
}

#[test]
fn a_given_name_before_a_strong_place_head_is_a_place() {
    let body = "Flooding hit Wayne County on Sunday, officials said.";
    let entities = rule_tagger().tag("Floods", body);
    assert_eq!(
        type_of(&entities, "Wayne County"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
    assert_eq!(type_of(&entities, "Wayne"), None, "{entities:#?}");
}

#[test]
fn title_phrases_are_not_people() {
    let body = "\"We worked all night,\" Group Commander Dean Halloway said. The Cabinet \
        Secretary declined to comment, and the Chief Financial Officer resigned.";
    let entities = rule_tagger().tag("Blaze", body);
    assert!(
        entities
            .iter()
            .all(|entity| !entity.name.contains("Commander")
                && !entity.name.contains("Secretary")
                && !entity.name.contains("Financial")),
        "{entities:#?}"
    );
}

#[test]
fn a_title_turns_a_following_small_place_into_a_given_name() {
    let body = "Treasury Cabinet Secretary Karbeck Mwaura presented the budget in Nairobi.";
    let entities = rule_tagger().tag("Budget", body);
    assert_eq!(
        type_of(&entities, "Karbeck Mwaura"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn capitalised_phrases_used_in_lower_case_are_not_people() {
    let body = "The Vaccine Provision scheme pays for each vaccine provision made by clinics.";
    let entities = rule_tagger().tag("Vaccines", body);
    assert_eq!(
        type_of(&entities, "Vaccine Provision"),
        None,
        "{entities:#?}"
    );
}

#[test]
fn organisations_without_a_classic_head_word() {
    let body = "Shares in Hollis & Garrow Logistics fell. Hollis & Garrow employs 140 people. \
        The Charities Regulator opened an inquiry. Doctors at Wrenfield General were busy. \
        Fans of Club Atlético Solvane cheered, and Brouwerij Van Gent sold out. \
        A Trelawny spokeswoman said the Committee on Rural Affairs would meet.";
    let entities = rule_tagger().tag("Business", body);
    for organisation in [
        "Hollis & Garrow Logistics",
        "Charities Regulator",
        "Wrenfield General",
        "Club Atlético Solvane",
        "Brouwerij Van Gent",
        "Trelawny",
        "Committee on Rural Affairs",
    ] {
        assert_eq!(
            type_of(&entities, organisation),
            Some(EntityType::Organisation),
            "{organisation}: {entities:#?}"
        );
    }
    let firm = entities
        .iter()
        .find(|entity| entity.name == "Hollis & Garrow Logistics");
    assert_eq!(
        firm.map(texts).unwrap_or_default(),
        ["Hollis & Garrow Logistics", "Hollis & Garrow"],
        "{entities:#?}"
    );
    assert_eq!(type_of(&entities, "Solvane"), None, "{entities:#?}");
}

#[test]
fn an_acronym_and_the_place_it_serves_are_one_organisation() {
    let body = "Farmers told NFU Scotland about the drought, and AHS Scotland said it was ready.";
    let entities = rule_tagger().tag("Drought", body);
    assert_eq!(
        type_of(&entities, "NFU Scotland"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "AHS Scotland"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
    assert_eq!(type_of(&entities, "Scotland"), None, "{entities:#?}");
}

#[test]
fn initials_and_post_nominals_belong_to_people_s_names() {
    let body = "Revenue minister K. Rajan visited, with Tore O. Sandvik. Counsel Eoin Farrelly SC \
        spoke for the charity.";
    let entities = rule_tagger().tag("Visit", body);
    for person in ["K. Rajan", "Tore O. Sandvik", "Eoin Farrelly"] {
        assert_eq!(
            type_of(&entities, person),
            Some(EntityType::Person),
            "{person}: {entities:#?}"
        );
    }
    assert_eq!(type_of(&entities, "K"), None, "{entities:#?}");
}

#[test]
fn accented_given_names_and_given_name_cues() {
    let body = "Finance chief Álvaro Solvane Mendes spoke. Local developer Marcus \
        Whitlow-Brandt donated the site. Roxy Mathew Quill, who studies monsoons, said rain \
        would ease. Neighbour Gary Pinton said he heard a bang.";
    let entities = rule_tagger().tag("Names", body);
    for person in [
        "Álvaro Solvane Mendes",
        "Marcus Whitlow-Brandt",
        "Roxy Mathew Quill",
        "Gary Pinton",
    ] {
        assert_eq!(
            type_of(&entities, person),
            Some(EntityType::Person),
            "{person}: {entities:#?}"
        );
    }
}

#[test]
fn short_names_and_venue_words_keep_their_name_parts() {
    let body = "Flights left from New Chitwell Airport, and Trelawny Parliament met. The bill \
        passed in Parliament on Tuesday.";
    let entities = rule_tagger().tag("Flights", body);
    assert_eq!(
        type_of(&entities, "New Chitwell Airport"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Parliament"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn club_short_forms_and_foreign_firm_words_make_organisations() {
    let body = "Ashcombe Town FC won 2-0. Fans of Ashcombe Town cheered in Brindlecombe. Nurses \
        at University Hospital Brindlecombe and staff of Vanderbeek Juweliers joined in.";
    let entities = tagger().tag("Promotion", body);
    let club = entities
        .iter()
        .find(|entity| entity.name == "Ashcombe Town FC");
    assert_eq!(
        club.map(texts).unwrap_or_default(),
        ["Ashcombe Town FC", "Ashcombe Town"],
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Vanderbeek Juweliers"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
    assert_eq!(type_of(&entities, "Brindlecombe"), Some(EntityType::Place));
}

#[test]
fn a_team_before_a_score_is_an_organisation() {
    let body = "Castleford beat Ashworth Town 3-0 on Sunday in the final.";
    let entities = tagger().tag("Final", body);
    assert_eq!(
        type_of(&entities, "Ashworth Town"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn a_player_before_a_score_stays_a_person() {
    let body = "Top seed Maria Kovalenko won 6-3 6-4 against her rival.";
    let entities = tagger().tag("Tennis", body);
    assert_eq!(
        type_of(&entities, "Maria Kovalenko"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn an_organisation_before_its_officer_s_title_keeps_its_head_word() {
    let body = "Halvard Group Chairman Jonas Reite and Kestrel Communications Chief Executive \
        Mira Osei signed the deal.";
    let entities = tagger().tag("Deal", body);
    for organisation in ["Halvard Group", "Kestrel Communications"] {
        assert_eq!(
            type_of(&entities, organisation),
            Some(EntityType::Organisation),
            "{organisation}: {entities:#?}"
        );
    }
    for person in ["Jonas Reite", "Mira Osei"] {
        assert_eq!(
            type_of(&entities, person),
            Some(EntityType::Person),
            "{person}: {entities:#?}"
        );
    }
}

/// The test gazetteer plus UK places and a few organisations for the organisation-recall rules.
fn uk_tagger() -> EntityTagger {
    let extra = "https://sws.geonames.org/2635167/\tplace\tUnited Kingdom\tUnited Kingdom|UK|Britain\tcountry,country=GB,pop=66000000\n\
wiredesk:place:england\tplace\tEngland\tEngland\tregion,country=GB\n\
wiredesk:place:wales\tplace\tWales\tWales\tregion,country=GB\n\
wiredesk:place:scotland\tplace\tScotland\tScotland\tregion,country=GB\n\
wiredesk:place:cornwall\tplace\tCornwall\tCornwall\tregion,country=GB\n\
https://sws.geonames.org/2637487/\tplace\tSouthampton\tSouthampton\tcity,country=GB,pop=250000\n\
https://sws.geonames.org/2964574/\tplace\tDublin\tDublin\tcapital,country=IE,pop=1000000\n\
wiredesk:org:euronext\torganisation\tEuronext\tEuronext\tcompany,rank=3\n\
wiredesk:org:the-independent\torganisation\tThe Independent\tThe Independent\tagency,country=GB,rank=4\n\
wiredesk:org:uk-labour-party\torganisation\tLabour Party\tLabour Party|Labour\tparty,country=GB,rank=2,ambiguous\n";
    let gazetteer = format!("{GAZETTEER}{extra}");
    match EntityTagger::from_sources(&gazetteer, DEMONYMS) {
        Ok(tagger) => tagger,
        Err(error) => panic!("test gazetteer must parse: {error}"),
    }
}

fn organisation_names(entities: &[Entity]) -> Vec<&str> {
    entities
        .iter()
        .filter(|entity| entity.entity_type == EntityType::Organisation)
        .map(|entity| entity.name.as_str())
        .collect()
}

#[test]
fn comma_lists_inside_organisation_names_are_kept() {
    let entities = uk_tagger().tag(
        "Councils warned over budgets",
        "A spokesman for the Ministry of Housing, Communities and Local Government said funding \
         had risen. The National Union of Rail, Maritime and Transport Workers disagreed.",
    );
    let names = organisation_names(&entities);
    assert!(
        names.contains(&"Ministry of Housing, Communities and Local Government"),
        "{names:?}"
    );
    assert!(
        names.contains(&"National Union of Rail, Maritime and Transport Workers"),
        "{names:?}"
    );
    assert!(!names.contains(&"Ministry of Housing"), "{names:?}");
}

#[test]
fn organisations_named_for_places_keep_the_places_inside() {
    let entities = uk_tagger().tag(
        "Officers back inquiry",
        "The Police Federation of England and Wales said it would help. Patients at University \
         Hospital Southampton waited hours, and shares traded on Euronext Dublin rose. Devon and \
         Cornwall Police said roads were shut.",
    );
    let names = organisation_names(&entities);
    for expected in [
        "Police Federation of England and Wales",
        "University Hospital Southampton",
        "Euronext Dublin",
        "Devon and Cornwall Police",
    ] {
        assert!(names.contains(&expected), "{expected}: {names:?}");
    }
    assert_eq!(type_of(&entities, "Wales"), None);
    assert_eq!(type_of(&entities, "Southampton"), None);
}

#[test]
fn nouns_before_a_country_name_an_organisation() {
    let entities = uk_tagger().tag(
        "Charities warn on heating costs",
        "Age UK said older people were struggling, and Police Scotland said it had made arrests. \
         Prices in the UK rose again.",
    );
    let names = organisation_names(&entities);
    assert!(names.contains(&"Age UK"), "{names:?}");
    assert!(names.contains(&"Police Scotland"), "{names:?}");
    assert_eq!(type_of(&entities, "UK"), Some(EntityType::Place));
}

#[test]
fn context_cues_type_unknown_organisations() {
    let entities = uk_tagger().tag(
        "Appliance maker cuts forecast",
        "Shares in Kestrava fell 14 percent on Thursday. Analysts at Brannhall cut their targets. \
         Rival Breedon Group reports next week.\n\nVarnholt said in a statement that it would \
         appeal. Regulator Ofwat said it was monitoring the firm.",
    );
    let names = organisation_names(&entities);
    for expected in [
        "Kestrava",
        "Brannhall",
        "Breedon Group",
        "Varnholt",
        "Ofwat",
    ] {
        assert!(names.contains(&expected), "{expected}: {names:?}");
    }
    assert!(!names.contains(&"Rival Breedon Group"), "{names:?}");
}

#[test]
fn prominent_ambiguous_organisations_count_in_running_text() {
    let entities = uk_tagger().tag(
        "Libraries to close",
        "The council, which Labour has controlled since 2012, voted to close three libraries.",
    );
    let labour = find(&entities, "wiredesk:org:uk-labour-party");
    assert_eq!(labour.map(texts), Some(vec!["Labour"]));
    // At a sentence start the word needs more context.
    let entities = uk_tagger().tag("Farms short of staff", "Labour shortages hit farms.");
    assert!(find(&entities, "wiredesk:org:uk-labour-party").is_none());
}

#[test]
fn leading_gazetteer_article_and_foreign_lead_words() {
    let entities = uk_tagger().tag(
        "Regulators widen inquiries",
        "The inquiry by the Independent Office for Police Conduct was widened, while the \
         Autoridade da Concorrência and Transport for London declined to comment.",
    );
    let names = organisation_names(&entities);
    for expected in [
        "Independent Office for Police Conduct",
        "Autoridade da Concorrência",
        "Transport for London",
    ] {
        assert!(names.contains(&expected), "{expected}: {names:?}");
    }
    assert!(!names.contains(&"The Independent"), "{names:?}");
}

#[test]
fn appositives_naming_a_kind_of_firm_type_organisations() {
    let entities = uk_tagger().tag(
        "Engineering group to buy Valdeluz Redes",
        "The group agreed to buy Valdeluz Redes, a Swedish maker of switchgear, on Monday. \
         Orlanda Pike, a union member, said staff were worried. Haruna Tiya, a coordinator \
         with a kitchen network, agreed. Tomas Reyes, a company \
         spokesman, declined to comment.",
    );
    let valdeluz: Vec<&Entity> = entities
        .iter()
        .filter(|entity| entity.name == "Valdeluz Redes")
        .collect();
    assert_eq!(valdeluz.len(), 1, "{entities:?}");
    assert_eq!(valdeluz[0].entity_type, EntityType::Organisation);
    assert_eq!(valdeluz[0].mentions.len(), 2);
    assert_eq!(type_of(&entities, "Orlanda Pike"), Some(EntityType::Person));
    assert_eq!(type_of(&entities, "Haruna Tiya"), Some(EntityType::Person));
    assert_eq!(type_of(&entities, "Tomas Reyes"), Some(EntityType::Person));
}

#[test]
fn possessive_firm_nouns_type_organisations() {
    let entities = uk_tagger().tag(
        "Markets steady",
        "Investors welcomed the news and Valcorra's shares rose 3 percent. Dremmel's chief \
         executive said the outlook was weak. Anneli Stroud's staff were praised.",
    );
    let names = organisation_names(&entities);
    assert!(names.contains(&"Valcorra"), "{names:?}");
    assert!(names.contains(&"Dremmel"), "{names:?}");
    assert_eq!(
        type_of(&entities, "Anneli Stroud"),
        Some(EntityType::Person)
    );
}

/// The entity of `entity_type` whose mentions include `text`.
fn typed<'a>(entities: &'a [Entity], entity_type: EntityType, text: &str) -> Option<&'a Entity> {
    entities.iter().find(|entity| {
        entity.entity_type == entity_type
            && entity.mentions.iter().any(|mention| mention.text == text)
    })
}

#[test]
fn teams_named_after_places_are_organisations_in_match_reports() {
    let body = "Marlshire beat Brindlecombe by six wickets on Tuesday. Brindlecombe resumed on 90 \
                for three in their second innings but lost seven wickets before lunch. Marlshire \
                captain Owen Talbot said the season was young. Brindlecombe host the leaders next \
                week in the championship.";
    let entities = tagger().tag("Marlshire sink Brindlecombe", body);
    let brindlecombe = typed(&entities, EntityType::Organisation, "Brindlecombe");
    assert!(brindlecombe.is_some(), "{entities:#?}");
    assert_eq!(brindlecombe.map(|entity| entity.mentions.len()), Some(4));
    assert!(typed(&entities, EntityType::Organisation, "Marlshire").is_some());
    assert!(typed(&entities, EntityType::Place, "Brindlecombe").is_none());
    // Outside sport, the same words are places.
    let entities = tagger().tag(
        "Storm hits Marlshire",
        "Floods cut roads in Marlshire and Brindlecombe on Tuesday after heavy rain.",
    );
    assert!(
        typed(&entities, EntityType::Place, "Brindlecombe").is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Place, "Marlshire").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn a_place_listed_with_a_club_is_a_team_in_a_match_report() {
    let body = "Castlebridge Rovers FC and Brindlecombe were fined by the league after the match. \
                Both clubs said the season had been marred by crowd trouble and a late goal.";
    let entities = tagger().tag("Clubs fined", body);
    assert!(
        typed(&entities, EntityType::Organisation, "Brindlecombe").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn a_club_short_name_folds_into_its_full_name() {
    let body = "Marlshire County Cricket Club crushed Dunmoor Wanderers by an innings. It was \
                Marlshire's second win of the season, built on 12 wickets for their spinner.";
    let entities = tagger().tag("Cricket", body);
    let club = typed(
        &entities,
        EntityType::Organisation,
        "Marlshire County Cricket Club",
    );
    assert!(club.is_some(), "{entities:#?}");
    assert!(
        club.is_some_and(|entity| texts(entity).contains(&"Marlshire")),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Place, "Marlshire").is_none(),
        "{entities:#?}"
    );
}

#[test]
fn a_place_may_lead_an_organisation_joined_by_and() {
    let body = "Crews from Marlshire Fire and Rescue Service were called to the barn at 2am. \
                Marlshire and Brindlecombe Fire and Rescue Service sent a second engine.";
    let entities = tagger().tag("Barn fire", body);
    assert!(
        typed(
            &entities,
            EntityType::Organisation,
            "Marlshire and Brindlecombe Fire and Rescue Service"
        )
        .is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(
            &entities,
            EntityType::Organisation,
            "Marlshire Fire and Rescue Service"
        )
        .is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Place, "Marlshire").is_none(),
        "{entities:#?}"
    );
}

#[test]
fn a_place_before_a_cue_typed_name_joins_the_organisation() {
    let body = "Brindlecombe RailWatch, the passenger watchdog, said fares had risen too fast.";
    let entities = tagger().tag("Fares rise", body);
    assert!(
        typed(
            &entities,
            EntityType::Organisation,
            "Brindlecombe RailWatch"
        )
        .is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Place, "Brindlecombe").is_none(),
        "{entities:#?}"
    );
}

#[test]
fn venues_and_landmarks_without_given_names_are_not_people() {
    let body = "She won in three sets on Campo Verdello. Walkers crossed the Pike Harrow ridge \
                before dark.";
    let entities = tagger().tag("Tennis and walking", body);
    assert!(
        typed(&entities, EntityType::Person, "Campo Verdello").is_none(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Place, "Campo Verdello").is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Place, "Pike Harrow").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn peerage_titles_mark_people() {
    let body = "Baroness Quenby Larchmont told peers the bill would fail. Viscount Tarrow agreed.";
    let entities = tagger().tag("Lords debate", body);
    assert!(
        typed(&entities, EntityType::Person, "Quenby Larchmont").is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Person, "Tarrow").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn an_organisation_then_a_title_and_a_name_is_two_entities() {
    let body = "Bank of Japan Governor Tomoko Harada said on Monday that rates would stay low. \
                In a letter, Marlshire Water Authority Chief Executive Dana Whitlock said bills \
                would rise. Energy Minister Ruth Calder declined to comment. Ministry of Health \
                Deputy Spokesman Omar Haddad said clinics stayed open.";
    let entities = tagger().tag("Rates on hold", body);
    for (entity_type, text) in [
        (EntityType::Organisation, "Bank of Japan"),
        (EntityType::Person, "Tomoko Harada"),
        (EntityType::Organisation, "Ministry of Health"),
        (EntityType::Person, "Omar Haddad"),
        (EntityType::Organisation, "Marlshire Water Authority"),
        (EntityType::Person, "Dana Whitlock"),
        (EntityType::Person, "Ruth Calder"),
    ] {
        assert!(
            typed(&entities, entity_type, text).is_some(),
            "{text}: {entities:#?}"
        );
    }
    assert!(
        typed(&entities, EntityType::Organisation, "Energy").is_none(),
        "{entities:#?}"
    );
}

#[test]
fn names_joined_by_and_under_one_head_stay_whole() {
    let body = "The Marlshire Fire and Rescue Service said crews were at the scene. Goods will \
                move through the UN Support and Logistics Agency from June. A spokesperson for \
                the National Directorate for Flood and Coastal Management said it would help.";
    let entities = tagger().tag("Floods", body);
    for text in [
        "Marlshire Fire and Rescue Service",
        "UN Support and Logistics Agency",
        "National Directorate for Flood and Coastal Management",
    ] {
        assert!(
            typed(&entities, EntityType::Organisation, text).is_some(),
            "{text}: {entities:#?}"
        );
    }
}

#[test]
fn local_bodies_and_hospitals_named_after_places_are_organisations() {
    let body = "Two girls were taken to Brindlecombe Level 4 Hospital, where doctors said they \
                were stable. Others went by bus to Brindlecombe Royal Infirmary. Brindlecombe \
                Municipality said water would be restored. Tarrow Shire Mayor Jo Pell said \
                sandbags were ready. Parks Marlshire closed the walking tracks.";
    let entities = tagger().tag("Bus crash", body);
    for text in [
        "Brindlecombe Level 4 Hospital",
        "Brindlecombe Royal Infirmary",
        "Brindlecombe Municipality",
        "Tarrow Shire",
        "Parks Marlshire",
    ] {
        assert!(
            typed(&entities, EntityType::Organisation, text).is_some(),
            "{text}: {entities:#?}"
        );
    }
    assert!(
        typed(&entities, EntityType::Person, "Jo Pell").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn brand_like_words_and_acting_acronyms_are_organisations() {
    let body = "KestraNet said its crews were on standby overnight. McAllister said he had \
                lost power. The RWTA has ordered checks on all school buses. Economists said \
                the GDP figures were weak.";
    let entities = tagger().tag("Storm", body);
    assert!(
        typed(&entities, EntityType::Organisation, "KestraNet").is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Organisation, "RWTA").is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Organisation, "McAllister").is_none(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Organisation, "GDP").is_none(),
        "{entities:#?}"
    );
}

#[test]
fn a_sentence_initial_word_before_an_organisation_head_stays_in_the_name() {
    let body = "The central bank left rates unchanged. Central Bank of Japan Governor Tomoko \
                Harada said inflation was easing.";
    let entities = tagger().tag("Rates", body);
    assert!(
        typed(&entities, EntityType::Organisation, "Central Bank of Japan").is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Person, "Tomoko Harada").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn a_place_word_opening_a_listed_club_is_the_club_in_match_reports() {
    let gazetteer = format!(
        "{GAZETTEER}wiredesk:org:brindlecombe-rovers\torganisation\tBrindlecombe Rovers\t\
         Brindlecombe Rovers\tsports,country=GB,rank=4\n"
    );
    let tagger = match EntityTagger::from_sources(&gazetteer, DEMONYMS) {
        Ok(tagger) => tagger,
        Err(error) => panic!("test gazetteer must parse: {error}"),
    };
    let body = "Brindlecombe, in third place, travel to Ashcombe on Saturday. Their striker \
                scored twice in the last match and the squad is unbeaten this season in the \
                league.";
    let entities = tagger.tag("Title race", body);
    let club = find(&entities, "wiredesk:org:brindlecombe-rovers");
    assert!(club.is_some(), "{entities:#?}");
    assert_eq!(club.map(texts).unwrap_or_default(), ["Brindlecombe"]);
    let body = "Brindlecombe, a market town, voted to keep its library open on Tuesday.";
    let entities = tagger.tag("Library saved", body);
    assert!(
        typed(&entities, EntityType::Place, "Brindlecombe").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn an_undefined_acronym_spelling_a_named_organisation_joins_it() {
    let body = "The Marlshire Water Authority said on Monday that supplies were safe. Later the \
                MWA said testing would continue.";
    let entities = tagger().tag("Water safe", body);
    let authority = typed(
        &entities,
        EntityType::Organisation,
        "Marlshire Water Authority",
    );
    assert!(authority.is_some(), "{entities:#?}");
    assert!(
        authority.is_some_and(|entity| texts(entity).contains(&"MWA")),
        "{entities:#?}"
    );
}

#[test]
fn business_heads_and_numbered_units_name_organisations() {
    let body = "Tarrow Recycling said it would appeal. Soldiers of the 14th Mechanised Division \
                moved east, and Kestle Home Interiors closed its warehouse.";
    let entities = tagger().tag("Appeal", body);
    for text in [
        "Tarrow Recycling",
        "14th Mechanised Division",
        "Kestle Home Interiors",
    ] {
        assert!(
            typed(&entities, EntityType::Organisation, text).is_some(),
            "{text}: {entities:#?}"
        );
    }
    assert!(
        typed(&entities, EntityType::Person, "Tarrow Recycling").is_none(),
        "{entities:#?}"
    );
}

#[test]
fn parties_sharing_a_name_follow_the_country_of_the_story_s_places() {
    let gazetteer = format!(
        "{GAZETTEER}wiredesk:org:greens-de\torganisation\tGreens (DE)\tGreens\tparty,country=DE,rank=4\n\
         wiredesk:org:greens-gb\torganisation\tGreens (GB)\tGreens\tparty,country=GB,rank=4\n"
    );
    let tagger = match EntityTagger::from_sources(&gazetteer, DEMONYMS) {
        Ok(tagger) => tagger,
        Err(error) => panic!("test gazetteer must parse: {error}"),
    };
    let entities = tagger.tag(
        "By-election",
        "The Greens won the council seat in Brindlecombe on Thursday.",
    );
    assert!(
        find(&entities, "wiredesk:org:greens-gb").is_some(),
        "{entities:#?}"
    );
}

fn has_type(entities: &[Entity], entity_type: EntityType) -> bool {
    entities
        .iter()
        .any(|entity| entity.entity_type == entity_type)
}

#[test]
fn a_name_guessed_a_person_takes_the_type_cued_in_another_mention() {
    let tagger = embedded_tagger();
    let entities = tagger.tag(
        "",
        "Flood water reached Selvo Panjari late on Sunday. Families in Selvo Panjari were moved \
         to a school on higher ground.",
    );
    assert!(!has_type(&entities, EntityType::Person), "{entities:#?}");
    assert!(
        typed(&entities, EntityType::Place, "Selvo Panjari").is_some(),
        "{entities:#?}"
    );
    let entities = tagger.tag(
        "Quarnby Tilework to cut 80 jobs",
        "Quarnby Tilework Ltd said on Monday it would close a kiln.",
    );
    assert!(!has_type(&entities, EntityType::Person), "{entities:#?}");
    assert!(
        typed(&entities, EntityType::Organisation, "Quarnby Tilework").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn vessel_names_are_no_people() {
    let entities = embedded_tagger().tag(
        "",
        "The trawler Morning Gannet left port before dawn. Relatives said the Morning Gannet, a \
         14-metre trawler, carried a new radio.",
    );
    assert!(!has_type(&entities, EntityType::Person), "{entities:#?}");
}

#[test]
fn a_listed_organisation_after_ministry_of_belongs_to_the_ministry() {
    let entities = embedded_tagger().tag(
        "",
        "Dock workers asked the Ministry of Labour to mediate in the pay dispute.",
    );
    assert!(
        typed(&entities, EntityType::Organisation, "Ministry of Labour").is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Organisation, "Labour").is_none(),
        "{entities:#?}"
    );
}

#[test]
fn a_dateline_names_one_place() {
    let entities = embedded_tagger().tag(
        "",
        "BELLWOOD BEND, Texas (Harbour Wire) - The council approved a new water tower on Monday.",
    );
    assert!(
        typed(&entities, EntityType::Place, "BELLWOOD BEND").is_some(),
        "{entities:#?}"
    );
    assert!(typed(&entities, EntityType::Place, "BEND").is_none());
}

#[test]
fn industry_head_words_end_organisation_names() {
    let entities = embedded_tagger().tag(
        "",
        "Norvale Cement cut 200 jobs on Friday, while Hollins Bancorp reported higher profit and \
         the Orchard Packing Workers welcomed a new contract.",
    );
    for text in [
        "Norvale Cement",
        "Hollins Bancorp",
        "Orchard Packing Workers",
    ] {
        assert!(
            typed(&entities, EntityType::Organisation, text).is_some(),
            "{text}: {entities:#?}"
        );
    }
    assert!(!has_type(&entities, EntityType::Person), "{entities:#?}");
}

#[test]
fn a_comma_listed_union_name_may_close_with_a_title_word() {
    let text = "National Union of Mining, Energy and General Workers";
    let entities = embedded_tagger().tag(
        "",
        "The National Union of Mining, Energy and General Workers said it would ballot members.",
    );
    assert!(
        typed(&entities, EntityType::Organisation, text).is_some(),
        "{entities:#?}"
    );
}

#[test]
fn unknown_names_after_at_from_or_through_are_places() {
    let entities = embedded_tagger().tag(
        "",
        "Buses were diverted through Korvanet for most of the day. Crews worked at Selvik Tarra \
         all night, and volunteers came from Dunmore Hollow.",
    );
    for text in ["Korvanet", "Selvik Tarra", "Dunmore Hollow"] {
        assert!(
            typed(&entities, EntityType::Place, text).is_some(),
            "{text}: {entities:#?}"
        );
    }
    assert!(!has_type(&entities, EntityType::Person), "{entities:#?}");
}

#[test]
fn a_titled_name_whose_words_are_places_is_a_person() {
    let entities = embedded_tagger().tag(
        "",
        "\"The repairs are free,\" company spokesman Yuki Tsuruoka said on Thursday.",
    );
    assert!(
        typed(&entities, EntityType::Person, "Yuki Tsuruoka").is_some(),
        "{entities:#?}"
    );
    assert!(!has_type(&entities, EntityType::Place), "{entities:#?}");
}

#[test]
fn a_compass_word_before_a_known_region_names_one_place() {
    let entities = embedded_tagger().tag(
        "",
        "Storms knocked out power to thousands of homes across Central Ohio on Tuesday.",
    );
    assert!(
        typed(&entities, EntityType::Place, "Central Ohio").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn an_acronym_spelling_an_and_joined_run_names_one_organisation() {
    let entities = embedded_tagger().tag(
        "",
        "Crews from Parks and Wildlife Tasmania (PWT) closed the summit track on Monday.",
    );
    assert!(
        typed(
            &entities,
            EntityType::Organisation,
            "Parks and Wildlife Tasmania"
        )
        .is_some(),
        "{entities:#?}"
    );
    assert!(!has_type(&entities, EntityType::Place), "{entities:#?}");
}

#[test]
fn a_name_after_x_based_is_an_organisation_without_its_base() {
    let entities = embedded_tagger().tag(
        "",
        "The ferry was chartered from Dunedin-based Harbourline Marine last spring.",
    );
    assert!(
        typed(&entities, EntityType::Organisation, "Harbourline Marine").is_some(),
        "{entities:#?}"
    );
    assert!(
        typed(&entities, EntityType::Place, "Dunedin").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn regional_adjectives_are_not_entities() {
    let entities = embedded_tagger().tag(
        "",
        "Shares rose across Southeast Asian markets while East African currencies weakened.",
    );
    assert!(entities.is_empty(), "{entities:#?}");
}

#[test]
fn smaller_economies_exchanges_and_firms_are_known() {
    let entities = embedded_tagger().tag(
        "",
        "Fonterra shares fell on NZX while Maybank gained on Bursa Malaysia and ZESCO bonds \
         slipped on the Lusaka Securities Exchange.",
    );
    for id in [
        "wiredesk:org:fonterra",
        "wiredesk:org:nzx",
        "wiredesk:org:maybank",
        "wiredesk:org:bursa-malaysia",
        "wiredesk:org:zesco",
        "wiredesk:org:lusaka-securities-exchange",
    ] {
        assert!(find(&entities, id).is_some(), "{id}: {entities:#?}");
    }
}

#[test]
fn a_sentence_initial_neighbouring_is_no_part_of_the_name() {
    let entities = embedded_tagger().tag(
        "",
        "Floods closed the border crossing. Neighbouring Malawi sent rescue boats on Sunday.",
    );
    assert!(
        typed(&entities, EntityType::Place, "Malawi").is_some(),
        "{entities:#?}"
    );
    assert!(!has_type(&entities, EntityType::Person), "{entities:#?}");
}

#[test]
fn aliases_beginning_with_a_non_ascii_capital_match() {
    let entities = embedded_tagger().tag(
        "Met Éireann warns of floods",
        "GALWAY (Test Wire) - Met Éireann issued a warning on Sunday and Bus Éireann cancelled \
         services. ÉIREANN was not a word anyone used alone.",
    );
    let met = find(&entities, "wiredesk:org:met-eireann").map(texts);
    assert_eq!(
        met,
        Some(vec!["Met Éireann", "Met Éireann"]),
        "{entities:#?}"
    );
    assert!(
        find(&entities, "wiredesk:org:bus-eireann").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn subdivisions_are_places_and_short_capitals_in_running_text_are_not() {
    let entities = embedded_tagger().tag(
        "Floods hit KwaZulu-Natal and South Sulawesi",
        "DURBAN (Test Wire) - Rain swept KwaZulu-Natal and Gauteng on Monday, and the storm \
         reached Finistère in France. In the match, VAR ruled the goal out.",
    );
    for name in ["KwaZulu-Natal", "South Sulawesi", "Gauteng", "Finistère"] {
        let found = entities
            .iter()
            .find(|entity| entity.name == name)
            .map(|entity| entity.entity_type);
        assert_eq!(found, Some(EntityType::Place), "{name}: {entities:#?}");
    }
    assert!(
        entities
            .iter()
            .all(|entity| entity.mentions.iter().all(|m| m.text != "VAR")),
        "{entities:#?}"
    );
}

#[test]
fn named_storms_and_honorifics_are_not_part_of_names() {
    let entities = embedded_tagger().tag(
        "Storm Ciarán batters coast",
        "Storm Ciarán brought winds of 180 km/h on Thursday. Haji Muhammad Yusuf, who builds \
         boats, said the yard was flooded. Passenger Jonel Sumalinog said the bus tipped over.",
    );
    let names: Vec<&str> = entities.iter().map(|entity| entity.name.as_str()).collect();
    assert!(names.iter().all(|name| !name.contains("Ciar")), "{names:?}");
    assert!(names.contains(&"Muhammad Yusuf"), "{names:?}");
    assert!(names.contains(&"Jonel Sumalinog"), "{names:?}");
}

#[test]
fn clubs_named_after_their_city_are_organisations_in_match_reports() {
    let body = "WARSAW (Test Wire) - Zorza Warsaw beat Iskra Gliwice 2-1 in the league on \
                Saturday. The striker scored the winning goal in the 88th minute, and the coach \
                praised the season's best crowd. Morgan Rogers also scored for the visitors.";
    let entities = embedded_tagger().tag("Zorza win again", body);
    let type_of = |name: &str| {
        entities
            .iter()
            .find(|entity| entity.mentions.iter().any(|m| m.text == name))
            .map(|entity| entity.entity_type)
    };
    assert_eq!(
        type_of("Zorza Warsaw"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
    assert_eq!(
        type_of("Iskra Gliwice"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
    assert_ne!(
        type_of("Morgan Rogers"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
    // Outside a match report the same words are a name and a city.
    let plain = embedded_tagger().tag("", "Zorza Warsaw met the mayor on Monday.");
    assert!(
        plain
            .iter()
            .all(|entity| entity.entity_type != EntityType::Organisation),
        "{plain:#?}"
    );
}

#[test]
fn ranked_firms_named_by_common_words_are_tagged_in_company_news() {
    let body = "LONDON (Test Wire) - Oil major Shell beat analysts' forecasts with a quarterly \
                profit of $5.1 billion on Thursday, and said Shell would keep buying back shares.";
    let entities = embedded_tagger().tag("Profit beats forecasts", body);
    assert!(
        find(&entities, "wiredesk:org:shell").is_some(),
        "{entities:#?}"
    );
    // Without company news, the common word is left alone.
    let beach = embedded_tagger().tag(
        "",
        "Children collected every Shell they found on the beach.",
    );
    assert!(find(&beach, "wiredesk:org:shell").is_none(), "{beach:#?}");
}

#[test]
fn a_comma_list_name_runs_to_the_acronym_spelling_its_initials() {
    let entities = embedded_tagger().tag(
        "",
        "Members of the National Education, Health and Allied Workers' Union (NEHAWU) marched. \
         NEHAWU said talks had failed.",
    );
    let union = entities
        .iter()
        .find(|entity| entity.name == "National Education, Health and Allied Workers' Union");
    assert!(union.is_some(), "{entities:#?}");
    assert_eq!(
        union.map(texts),
        Some(vec![
            "National Education, Health and Allied Workers' Union",
            "NEHAWU",
            "NEHAWU"
        ])
    );
}

#[test]
fn an_unlisted_long_form_takes_the_id_of_the_listed_acronym_it_defines() {
    let entities = embedded_tagger().tag(
        "",
        "The Philippine Atmospheric, Geophysical and Astronomical Services Administration \
         (PAGASA) raised the storm signal. PAGASA said winds would ease.",
    );
    let agency = find(&entities, "wiredesk:org:pagasa");
    assert_eq!(
        agency.map(|entity| entity.mentions.len()),
        Some(3),
        "{entities:#?}"
    );
    assert_eq!(
        entities
            .iter()
            .filter(|entity| entity.id == "wiredesk:org:pagasa")
            .count(),
        1
    );
}

#[test]
fn hyphenated_pairs_of_known_names_are_both_tagged() {
    let entities = embedded_tagger().tag(
        "",
        "Talks on the US-China trade deal resumed as the Israel-Hamas ceasefire held. Governor \
         Babajide Sanwo-Olu opened the Lagos-Ibadan Expressway; Guinea-Bissau sent a minister.",
    );
    for id in [
        "https://sws.geonames.org/6252001/",
        "https://sws.geonames.org/1814991/",
    ] {
        assert!(find(&entities, id).is_some(), "{id}: {entities:#?}");
    }
    let names: Vec<&str> = entities.iter().map(|entity| entity.name.as_str()).collect();
    for name in [
        "Israel",
        "Hamas",
        "Lagos",
        "Ibadan",
        "Guinea-Bissau",
        "Babajide Sanwo-Olu",
    ] {
        assert!(names.contains(&name), "{name}: {names:?}");
    }
    assert!(
        !names.iter().any(|name| name.contains("Expressway")),
        "{names:?}"
    );
}

#[test]
fn a_kind_of_firm_before_an_unknown_name_makes_it_an_organisation() {
    let entities = embedded_tagger().tag(
        "",
        "Analysts at brokerage Harvane Institutional Equities said the cuts would help. The group \
         bought steelmaker Corvane in 2007, and refiner Teldrick Energy followed. City manager \
         Ken Marlowe told reporters the plant would stay open.",
    );
    assert_organisations(
        &entities,
        &[
            "Harvane Institutional Equities",
            "Corvane",
            "Teldrick Energy",
        ],
    );
    assert_eq!(
        type_of(&entities, "Ken Marlowe"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn state_and_province_abbreviations_name_their_region() {
    let entities = embedded_tagger().tag(
        "",
        "SAVANNAH, Ga., Nov 16 (Coast Wire) - Nurses in Reading, Pa., and Churchill, Man., \
         walked out. Police in the Georgia city said the shops stayed shut.",
    );
    for (id, mentions) in [
        ("https://sws.geonames.org/4197000/", vec!["Ga.", "Georgia"]),
        ("https://sws.geonames.org/6254927/", vec!["Pa."]),
        ("wiredesk:place:manitoba", vec!["Man."]),
    ] {
        let entity = find(&entities, id);
        assert_eq!(entity.map(texts), Some(mentions), "{id}: {entities:#?}");
    }
}

#[test]
fn a_place_in_a_match_report_dateline_is_no_team() {
    let entities = embedded_tagger().tag(
        "",
        "BRANDON, Man., Nov 29 (Prairie Wire) - The Brandon Curling Club won its first Manitoba \
         title on Sunday, beating the holders 8-6 in the final. They will represent Manitoba at \
         the national championship, where they led 6-4 after eight ends last season.",
    );
    let manitoba = find(&entities, "wiredesk:place:manitoba");
    assert_eq!(
        manitoba.map(|entity| entity.entity_type),
        Some(EntityType::Place),
        "{entities:#?}"
    );
}

#[test]
fn unknown_names_in_a_teams_place_in_a_match_report_are_teams() {
    let body = "Varkaus Hawks beat Lappeenranta Ravens 88-80 in the cup final on Sunday. The win \
                was the first for the Hawks, whose coach said the league title was next. Their \
                striker scored twice in the second half.";
    let entities = embedded_tagger().tag("", body);
    for name in ["Varkaus Hawks", "Lappeenranta Ravens"] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Organisation),
            "{name}: {entities:#?}"
        );
    }
    // Outside a match report the same words stay a person's name.
    let entities = embedded_tagger().tag("", "Varkaus Hawks beat the deadline to file the papers.");
    assert_no_organisation(&entities);
}

#[test]
fn a_firm_with_a_dotted_legal_form_is_one_organisation_with_its_short_name() {
    let entities = embedded_tagger().tag(
        "",
        "Later Varnoa Datos said it would grow. Varnoa Datos S.A. said profits rose 5%.",
    );
    let firm = find(&entities, "wiredesk:org:varnoa-datos");
    assert_eq!(
        firm.map(texts),
        Some(vec!["Varnoa Datos", "Varnoa Datos S.A."]),
        "{entities:#?}"
    );
    assert!(
        entities
            .iter()
            .all(|entity| entity.entity_type != EntityType::Person)
    );
}

#[test]
fn accented_given_names_and_spanish_organisations_keep_their_type() {
    let entities = embedded_tagger().tag(
        "",
        "The vote was close. Germán Rolón Achával voted no. The Unión Cívica Radical abstained, \
         while Frente Amplio backed the bill.",
    );
    assert_eq!(
        type_of(&entities, "Germán Rolón Achával"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    for name in ["Unión Cívica Radical", "Frente Amplio"] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Organisation),
            "{name}: {entities:#?}"
        );
    }
}

#[test]
fn plural_abbreviations_and_the_philippine_adjective_are_no_places() {
    let entities = embedded_tagger().tag(
        "",
        "Nobody will be paid in IOUs, the minister said. The central Philippine province of Cebu \
         was hit.",
    );
    let names: Vec<&str> = entities.iter().map(|entity| entity.name.as_str()).collect();
    assert!(
        !names.contains(&"IOUs") && !names.contains(&"Philippine"),
        "{names:?}"
    );
    assert!(names.contains(&"Cebu"), "{names:?}");
}

#[test]
fn two_trades_joined_by_and_under_one_head_are_one_organisation() {
    let entities = embedded_tagger().tag(
        "",
        "The Dhorwan Garment Manufacturers and Exporters Association (DGMEA) said factories would \
         reopen; DGMEA members agreed. Kestral Airways and Standard Chartered signed a deal.",
    );
    let names: Vec<&str> = entities.iter().map(|entity| entity.name.as_str()).collect();
    let association = entities
        .iter()
        .find(|entity| entity.name == "Dhorwan Garment Manufacturers and Exporters Association");
    assert_eq!(
        association.map(|entity| entity.mentions.len()),
        Some(3),
        "{names:?}"
    );
    assert!(names.contains(&"Standard Chartered"), "{names:?}");
}

#[test]
fn an_organisations_possessive_before_another_organisation_is_two_names() {
    let entities = embedded_tagger().tag(
        "",
        "Orvandi University's Kestrel Observatory recorded the quake. Acme Group's Beta Bank fell.",
    );
    let names: Vec<&str> = entities.iter().map(|entity| entity.name.as_str()).collect();
    for name in [
        "Orvandi University",
        "Kestrel Observatory",
        "Acme Group",
        "Beta Bank",
    ] {
        assert!(names.contains(&name), "{name}: {names:?}");
    }
}

#[test]
fn an_organisation_head_word_inside_a_longer_name_makes_an_organisation() {
    let entities = embedded_tagger().tag(
        "",
        "She studied at University College Wexcombe. Shares in gold producer Karri Minerals \
         rose. Stranded passengers waited for Wings Air. The wounded were taken to Peermade \
         and the Orvandi Medical College Hospital.",
    );
    assert_organisations(
        &entities,
        &[
            "University College Wexcombe",
            "Karri Minerals",
            "Wings Air",
            "Orvandi Medical College Hospital",
        ],
    );
    // "and the" joins no names.
    assert!(
        entities
            .iter()
            .all(|entity| !entity.name.contains(" and the "))
    );
}

#[test]
fn a_spanish_article_opens_no_persons_name() {
    let entities = embedded_tagger().tag(
        "",
        "Police said Los Choneros and Las Panteras fought inside the jail. Forecasters blamed \
         El Nino for the rains.",
    );
    assert_eq!(
        type_of(&entities, "Los Choneros"),
        Some(EntityType::Organisation)
    );
    assert_eq!(
        type_of(&entities, "Las Panteras"),
        Some(EntityType::Organisation)
    );
    assert!(
        entities
            .iter()
            .all(|entity| entity.entity_type != EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn a_monarchs_title_stays_out_of_the_mention() {
    let entities = embedded_tagger().tag("", "King Mohammed VI ordered an inquiry.");
    let king = entities
        .iter()
        .find(|entity| entity.entity_type == EntityType::Person);
    assert_eq!(king.map(texts), Some(vec!["Mohammed VI"]), "{entities:#?}");
}

#[test]
fn a_derby_and_the_dateline_name_the_city_in_a_match_report() {
    let entities = embedded_tagger().tag(
        "Hearts edge Hibernian in Edinburgh derby",
        "EDINBURGH, Dec 2 - Hearts beat Hibernian 2-1 in a fierce Edinburgh derby on Tuesday, \
         their striker scoring twice. Celtic were held 0-0 by Motherwell and stay top of the \
         league.",
    );
    for mention in ["EDINBURGH", "Edinburgh"] {
        assert_eq!(
            type_of(&entities, mention),
            Some(EntityType::Place),
            "{mention}: {entities:#?}"
        );
    }
    assert_eq!(
        type_of(&entities, "Motherwell"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn a_brand_like_word_after_a_title_word_is_a_firm() {
    let entities = embedded_tagger().tag(
        "",
        "The dam began spilling, according to state power producer VoltGen.",
    );
    assert_eq!(
        type_of(&entities, "VoltGen"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn a_name_along_a_route_or_before_a_river_word_is_a_place() {
    let entities = embedded_tagger().tag(
        "",
        "Flows travelled along the Wesuk Tobokan river valley. Mining along the Wesuk Tobokan \
         feeds villagers.",
    );
    assert_eq!(
        type_of(&entities, "Wesuk Tobokan"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
}

#[test]
fn sector_words_end_firm_names_but_join_public_bodies() {
    let entities = embedded_tagger().tag(
        "",
        "Buses of Asante Star Transport were checked by the National Transport and Safety \
         Authority. Harrop Homes and Storm Bay Aquaculture hired staff from Allegheny Relief \
         Staffing. A helicopter of the 103 Search and Rescue Squadron flew in.",
    );
    let names: Vec<&str> = entities.iter().map(|entity| entity.name.as_str()).collect();
    for name in [
        "Asante Star Transport",
        "National Transport and Safety Authority",
        "Harrop Homes",
        "Storm Bay Aquaculture",
        "Allegheny Relief Staffing",
        "103 Search and Rescue Squadron",
    ] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Organisation),
            "{name}: {names:?}"
        );
    }
}

#[test]
fn landform_and_settlement_heads_make_places() {
    let entities = embedded_tagger().tag(
        "",
        "Storms lashed Carrow Heads and the Marrin Downs, and rain fell on the Tolley Ranges \
         and at Pellow Brook.",
    );
    for name in [
        "Carrow Heads",
        "Marrin Downs",
        "Tolley Ranges",
        "Pellow Brook",
    ] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Place),
            "{name}: {entities:#?}"
        );
    }
}

#[test]
fn a_region_is_mentioned_without_its_generic_word_and_joins_its_namesake() {
    let entities = embedded_tagger().tag(
        "",
        "Drones hit the Chernihiv region overnight. Floods swamped Iloilo province, and the \
         city of Iloilo lost power.",
    );
    let chernihiv = entities.iter().find(|entity| {
        entity
            .mentions
            .iter()
            .any(|m| m.text.starts_with("Chernihiv"))
    });
    assert_eq!(
        chernihiv.map(texts),
        Some(vec!["Chernihiv"]),
        "{entities:#?}"
    );
    let iloilo: Vec<&Entity> = entities
        .iter()
        .filter(|entity| entity.mentions.iter().any(|m| m.text == "Iloilo"))
        .collect();
    assert_eq!(iloilo.len(), 1, "{entities:#?}");
    assert_eq!(iloilo[0].mentions.len(), 2, "{entities:#?}");
}

#[test]
fn an_abbreviation_opening_a_listed_organisation_is_mentioned_too() {
    let entities = embedded_tagger().tag("", "The US State Department has argued otherwise.");
    assert_eq!(
        type_of(&entities, "US"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "US State Department"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn a_bare_end_of_an_organisations_name_is_that_organisation() {
    let entities = embedded_tagger().tag(
        "",
        "The Kenya Red Cross Society said 300 families were displaced. The Red Cross said it \
         needed tents.",
    );
    let organisations: Vec<&Entity> = entities
        .iter()
        .filter(|entity| entity.entity_type == EntityType::Organisation)
        .collect();
    assert_eq!(organisations.len(), 1, "{entities:#?}");
    assert!(
        texts(organisations[0]).contains(&"Red Cross"),
        "{entities:#?}"
    );
}

#[test]
fn a_plural_nickname_in_a_teams_place_is_a_team() {
    let entities = embedded_tagger().tag(
        "",
        "Kestrel Rovers stayed top of the league after a late goal. They lead Silver Hornets, \
         who drew 1-1 away to Copper Falcons on Sunday, and meet the Iron Badgers in the cup. \
         The coach praised his striker and said the season was long.",
    );
    for team in ["Silver Hornets", "Copper Falcons", "Iron Badgers"] {
        assert_eq!(
            type_of(&entities, team),
            Some(EntityType::Organisation),
            "{team}: {entities:#?}"
        );
    }
}

#[test]
fn a_hyphenated_given_name_opens_a_person() {
    let entities =
        embedded_tagger().tag("", "The report drew on interviews by Marc-André Vautrin.");
    assert_eq!(
        type_of(&entities, "Marc-André Vautrin"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn an_age_in_the_appositive_names_a_person() {
    let entities = embedded_tagger().tag(
        "",
        "Shirin Akhter Moni, a 29-year-old machine operator, said the stairs were blocked.",
    );
    assert_eq!(
        type_of(&entities, "Shirin Akhter Moni"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn a_dotted_state_abbreviation_needs_its_comma() {
    let entities =
        embedded_tagger().tag("", "Md. Rafiqul Hasan Talukder said the gate was locked.");
    assert_eq!(
        type_of(&entities, "Md. Rafiqul Hasan Talukder"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert!(
        entities.iter().all(|e| e.name != "Maryland"),
        "{entities:#?}"
    );
    let entities = embedded_tagger().tag("", "Nurses in Frederick, Md., walked out.");
    let maryland: Vec<&str> = entities
        .iter()
        .filter(|entity| entity.name == "Maryland")
        .flat_map(texts)
        .collect();
    assert_eq!(maryland, ["Md."], "{entities:#?}");
}

#[test]
fn a_players_role_keeps_a_place_named_surname_a_person() {
    // Kabwe is a Zambian city; after "midfielder" it is a player's surname.
    let entities = embedded_tagger().tag(
        "",
        "Mufulira Stars went ahead through midfielder Chanda Kabwe. The league match ended 1-1 \
         and the coach praised the goal and the defence for the rest of the season.",
    );
    assert_eq!(
        type_of(&entities, "Chanda Kabwe"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn rivers_volcanoes_and_romance_connectors_make_places() {
    let entities = embedded_tagger().tag(
        "",
        "Ash fell near the Quetrupillan volcano as the Thu Bon River rose. Trains to San Isidro \
         de las Lomas ran late.",
    );
    assert_eq!(
        type_of(&entities, "Quetrupillan"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Thu Bon River"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "San Isidro de las Lomas"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
}

#[test]
fn a_plural_nickname_the_story_uses_with_the_is_a_team_and_avenida_opens_a_street() {
    let entities = embedded_tagger().tag(
        "",
        "Kestrel Rovers knocked Golden Jackals out of the cup on Tuesday. The Jackals scored \
         first, and the coach said the league season was long. Fans walked down Avenida \
         Pereira Lima after the match.",
    );
    assert_eq!(
        type_of(&entities, "Golden Jackals"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Avenida Pereira Lima"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
}

#[test]
fn an_unlisted_places_generic_word_stays_out_of_its_id() {
    for (long, short) in [
        ("Quellon Region", "Quellon"),
        ("Nakatumba Island", "Nakatumba"),
        ("County Ardmullen", "Ardmullen"),
        ("Korimako Coast District", "Korimako Coast"),
    ] {
        assert_eq!(
            wiredesk_id(EntityType::Place, long),
            wiredesk_id(EntityType::Place, short),
            "{long}"
        );
    }
    // Only places: an organisation's kind is part of its name.
    assert_ne!(
        wiredesk_id(EntityType::Organisation, "Quellon Region"),
        wiredesk_id(EntityType::Organisation, "Quellon")
    );
}

#[test]
fn a_listed_clubs_opening_word_no_list_knows_is_the_team_in_a_match_report() {
    let entities = embedded_tagger().tag(
        "",
        "Munster survived a late fightback to win 21-19 on Saturday, with two tries and a \
         penalty in the league match. Munster held on for the rest of the season's derby.",
    );
    assert_eq!(
        type_of(&entities, "Munster"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn a_city_marathon_is_the_race_not_the_city() {
    let entities = embedded_tagger().tag("", "She was third at the Lisbon Marathon in October.");
    assert_eq!(
        type_of(&entities, "Lisbon Marathon"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn a_listed_organisation_and_one_more_name_word_is_its_branch() {
    let entities = embedded_tagger().tag(
        "",
        "Workers at Fraport Slovenija said they would strike. Embraer E2 jets were grounded.",
    );
    assert_eq!(
        type_of(&entities, "Fraport Slovenija"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
    // A model number is no branch.
    assert_eq!(type_of(&entities, "Embraer E2"), None, "{entities:#?}");
}

#[test]
fn a_town_or_port_administration_named_with_of_is_an_organisation() {
    let body = "The City of Brackenfold said bins would be collected on Friday. Cranes at the \
Port of Oskeby stood idle, and the Town of Harwick Mills closed its library. Tourists visited \
Brindlecombe.";
    let entities = tagger().tag("", body);
    assert_organisations(
        &entities,
        &[
            "City of Brackenfold",
            "Port of Oskeby",
            "Town of Harwick Mills",
        ],
    );
    // The place inside the name is no mention of its own; a listed place elsewhere still is.
    assert!(type_of(&entities, "Oskeby").is_none(), "{entities:#?}");
    assert_eq!(type_of(&entities, "Brindlecombe"), Some(EntityType::Place));
}

#[test]
fn a_titled_name_ending_in_a_place_word_is_a_person() {
    let body = "Marlshire Mayor Tavo Brindlecombe said the road would reopen. Brindlecombe \
residents were relieved.";
    let entities = tagger().tag("", body);
    assert_eq!(
        type_of(&entities, "Tavo Brindlecombe"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_eq!(type_of(&entities, "Marlshire"), Some(EntityType::Place));
}

#[test]
fn a_country_before_another_countrys_body_names_its_own_and_acronyms_follow_the_text() {
    let gazetteer = format!(
        "{GAZETTEER}https://sws.geonames.org/3/\tplace\tGhana\tGhana\tcountry,country=GH,pop=30000000\n\
wiredesk:org:premier-league\torganisation\tPremier League\tPremier League\tsports,country=GB,rank=2\n\
wiredesk:org:federal-reserve\torganisation\tFederal Reserve\tFederal Reserve\tcentral-bank,country=US,rank=2\n\
wiredesk:org:guyana-power-and-light\torganisation\tGuyana Power and Light\tGuyana Power and Light|GPL\tcompany,country=GY,rank=4\n"
    );
    let tagger = match EntityTagger::from_sources(&gazetteer, DEMONYMS) {
        Ok(tagger) => tagger,
        Err(error) => panic!("test gazetteer must parse: {error}"),
    };
    let body = "Kotoko went top of the Ghana Premier League (GPL) on Wednesday. The GPL resumes in \
January. Markets watched the US Federal Reserve.";
    let entities = tagger.tag("", body);
    let league = entities
        .iter()
        .find(|entity| entity.name == "Ghana Premier League");
    assert_eq!(
        league.map(|entity| (entity.entity_type, texts(entity))),
        Some((
            EntityType::Organisation,
            vec!["Ghana Premier League", "GPL", "GPL"]
        )),
        "{entities:#?}"
    );
    assert!(find(&entities, "wiredesk:org:premier-league").is_none());
    assert!(find(&entities, "wiredesk:org:guyana-power-and-light").is_none());
    // The same country's own listed body stays the listed one.
    assert!(
        find(&entities, "wiredesk:org:federal-reserve").is_some(),
        "{entities:#?}"
    );
}

#[test]
fn mixed_case_acronyms_defined_in_text_join_their_long_form() {
    let body = "The Bureau of Meteorology (BoM) warned of hail. A BoM forecaster said storms \
would reach Brindlecombe by noon.";
    let entities = tagger().tag("", body);
    let bureau = entities
        .iter()
        .find(|entity| entity.name == "Bureau of Meteorology");
    assert_eq!(
        bureau.map(texts),
        Some(vec!["Bureau of Meteorology", "BoM", "BoM"]),
        "{entities:#?}"
    );
}

#[test]
fn firms_bodies_and_councilmembers_are_typed_by_their_words() {
    let body = "Councilmember Dolores Varga-Lind said Oskeby Refining and the regional carrier \
Air Tavora had joined talks with the Harwick Irrigation District and Universiti Teknologi \
Marlshire.";
    let entities = tagger().tag("", body);
    assert_eq!(
        type_of(&entities, "Dolores Varga-Lind"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_organisations(
        &entities,
        &[
            "Oskeby Refining",
            "Air Tavora",
            "Harwick Irrigation District",
            "Universiti Teknologi Marlshire",
        ],
    );
}

#[test]
fn an_unlisted_body_opened_by_a_country_abbreviation_is_named_without_it() {
    let body = "The U.S. Bureau of Land Tenure said cuts would deepen. Later the Bureau of Land \
Tenure said talks would resume.";
    let entities = tagger().tag("", body);
    let bureau = entities
        .iter()
        .find(|entity| entity.name == "Bureau of Land Tenure");
    assert_eq!(
        bureau.map(texts),
        Some(vec!["Bureau of Land Tenure", "Bureau of Land Tenure"]),
        "{entities:#?}"
    );
    let us = find(&entities, "https://sws.geonames.org/6252001/");
    assert_eq!(us.map(texts), Some(vec!["U.S."]));
}

#[test]
fn adjectives_before_places_and_speakers_named_like_places() {
    let body = "\"We are left with the dust,\" said Brindlecombe Huaraca Tito, a farmer. Grain \
left through the Russian Marlshire port.";
    let entities = tagger().tag("", body);
    assert_eq!(
        type_of(&entities, "Brindlecombe Huaraca Tito"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    let marlshire = find(&entities, "wiredesk:place:marlshire");
    assert_eq!(
        marlshire.map(texts),
        Some(vec!["Marlshire"]),
        "{entities:#?}"
    );
    // Regional adjectives are in the shipped list of demonyms.
    let valley = embedded_tagger().tag("", "The city sits in a narrow Andean valley.");
    assert!(type_of(&valley, "Andean").is_none(), "{valley:#?}");
}

#[test]
fn a_title_word_opening_a_bodys_name_titles_no_one() {
    let body = "The General Confederation of Oskeby Enterprises welcomed the decision, and the \
General Directorate of Meteorology issued a warning.";
    let entities = tagger().tag("", body);
    assert_organisations(
        &entities,
        &[
            "General Confederation of Oskeby Enterprises",
            "General Directorate of Meteorology",
        ],
    );
    assert!(
        entities
            .iter()
            .all(|entity| entity.entity_type != EntityType::Person)
    );
}

#[test]
fn french_bodies_keep_their_lowercase_words() {
    let body = "The Union des locataires and the Office de la protection du voyageur said fees \
were too high, as did the Regroupement des cyclistes de Brindlecombe and the Régie de \
l'énergie. Union members and the office of the mayor were not consulted.";
    let entities = tagger().tag("", body);
    assert_organisations(
        &entities,
        &[
            "Union des locataires",
            "Office de la protection du voyageur",
            "Regroupement des cyclistes de Brindlecombe",
            "Régie de l'énergie",
        ],
    );
    assert!(type_of(&entities, "Union").is_none(), "{entities:#?}");
}

#[test]
fn malay_names_open_with_their_name_prefixes_and_keep_their_short_forms() {
    let body = "The plan was defended by Nik Amran Nik Yusri, the works minister, and by Wan \
Faizal Tuanku Rashid, the speaker. Consumer advocate Sharifah Adlina Syed Hassan said prices had \
risen. Nik Amran later said the plan would pass, and Tengku Hafiz Omar agreed. Tengku Hafiz spoke \
last.";
    let entities = embedded_tagger().tag("", body);
    for (name, short) in [
        ("Nik Amran Nik Yusri", Some("Nik Amran")),
        ("Wan Faizal Tuanku Rashid", None),
        ("Sharifah Adlina Syed Hassan", None),
        ("Tengku Hafiz Omar", Some("Tengku Hafiz")),
    ] {
        let person = entities
            .iter()
            .find(|entity| entity.name == name && entity.entity_type == EntityType::Person);
        let Some(person) = person else {
            panic!("{name} is no person: {entities:#?}");
        };
        if let Some(short) = short {
            assert!(texts(person).contains(&short), "{person:#?}");
        }
    }
    assert!(type_of(&entities, "Hassan").is_none(), "{entities:#?}");
    let people = entities
        .iter()
        .filter(|entity| entity.entity_type == EntityType::Person);
    assert_eq!(people.count(), 4, "{entities:#?}");
}

#[test]
fn a_title_ending_a_sentence_titles_no_word_of_the_next() {
    let body = "He thanked the speaker. Housing costs had risen, and he thanked the minister.\n\n\
Consumer prices rose too, spokesman Orvel Kanta said.";
    let entities = tagger().tag("", body);
    assert!(type_of(&entities, "Housing").is_none(), "{entities:#?}");
    assert!(type_of(&entities, "Consumer").is_none(), "{entities:#?}");
    assert_eq!(
        type_of(&entities, "Orvel Kanta"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn legal_forms_keep_their_full_stops_and_foreign_spellings() {
    let body = "Shares of Orlavent Semiconductor Inc. fell, and analysts at Kelbrook Securities \
Co. in Seoul cut their targets. The contractor, Vostrana-Brindlecombe Sp. z o.o., will appeal, \
said Ayla Demir of Kestane Menkul Değerler A.Ş. She expects more. Tarnvik Container Lines A/S \
said ships would wait. The unit was sold to Marlow Holdings Ltd. The deal closed on Monday.";
    let entities = tagger().tag("", body);
    assert_organisations(
        &entities,
        &[
            "Orlavent Semiconductor Inc.",
            "Kelbrook Securities Co.",
            "Vostrana-Brindlecombe Sp. z o.o.",
            "Kestane Menkul Değerler A.Ş.",
            "Tarnvik Container Lines A/S",
            // A full stop before a new sentence is the sentence's.
            "Marlow Holdings Ltd",
        ],
    );
    let id_of = |name: &str| {
        entities
            .iter()
            .find(|entity| entity.name == name)
            .map(|entity| entity.id.as_str())
    };
    assert_eq!(
        id_of("Vostrana-Brindlecombe Sp. z o.o."),
        Some("wiredesk:org:vostrana-brindlecombe")
    );
    assert_eq!(
        id_of("Tarnvik Container Lines A/S"),
        Some("wiredesk:org:tarnvik-container-lines")
    );
}

#[test]
fn lower_case_and_central_european_legal_forms_make_organisations() {
    let body = "Velbrana Transport d.o.o. said profit rose. Ostrek Vode s.r.o. and Karsten Mlyn \
a.s. cut jobs, while Hraunvik Orka hf. hired. Dorvana Capital CJSC advised, and Szelvar \
Ertekpapir Zrt. said shares rose. Later, Velbrana Transport said it would hire.";
    let entities = tagger().tag("", body);
    assert_organisations(
        &entities,
        &[
            "Velbrana Transport d.o.o.",
            "Ostrek Vode s.r.o.",
            "Karsten Mlyn a.s.",
            "Hraunvik Orka hf.",
            "Dorvana Capital CJSC",
            "Szelvar Ertekpapir Zrt.",
        ],
    );
    let velbrana: Vec<_> = entities
        .iter()
        .filter(|entity| entity.name.starts_with("Velbrana"))
        .collect();
    assert_eq!(velbrana.len(), 1, "{velbrana:?}");
    assert_eq!(velbrana[0].id, "wiredesk:org:velbrana-transport");
    assert_eq!(velbrana[0].mentions.len(), 2);
}

#[test]
fn the_gulf_of_a_north_american_story_is_the_gulf_of_mexico() {
    let tagger = embedded_tagger();
    let id_of_gulf = |body: &str| {
        tagger
            .tag("", body)
            .into_iter()
            .find(|entity| entity.mentions.iter().any(|m| m.text == "the Gulf"))
            .map(|entity| entity.id)
    };
    assert_eq!(
        id_of_gulf(
            "Warm air from the Gulf fed storms across Mississippi and Alabama on Sunday, \
forecasters in Jackson said."
        )
        .as_deref(),
        Some("wiredesk:place:gulf-of-mexico")
    );
    assert_eq!(
        id_of_gulf(
            "The United States warned Iran after a tanker was seized in the Gulf, officials \
in Washington said."
        )
        .as_deref(),
        Some("wiredesk:place:persian-gulf")
    );
}

#[test]
fn a_dateline_after_a_byline_paragraph_is_a_place_not_the_club() {
    let body = "By Morag Pettigrew\n\nDUNFERMLINE (NNA) \u{2014} Partick Thistle drew 2-2 at \
Dunfermline Athletic on Sunday, and Dunfermline stay second after Ross County beat Airdrieonians.";
    let entities = embedded_tagger().tag("Late equaliser denies Dunfermline", body);
    let dateline = entities
        .iter()
        .find(|entity| entity.mentions.iter().any(|m| m.text == "DUNFERMLINE"));
    assert_eq!(dateline.map(|e| e.entity_type), Some(EntityType::Place));
    assert_organisations(
        &entities,
        &[
            "Partick Thistle",
            "Dunfermline Athletic",
            "Ross County",
            "Airdrieonians",
        ],
    );
}

#[test]
fn a_given_name_before_park_after_at_or_in_is_a_place() {
    let body = "The clubs meet again at Victoria Park on Saturday, and fans gathered in Albert \
Park. Analyst Grace Park said tickets sold out.";
    let entities = tagger().tag("", body);
    assert_eq!(type_of(&entities, "Victoria Park"), Some(EntityType::Place));
    assert_eq!(type_of(&entities, "Albert Park"), Some(EntityType::Place));
    assert_eq!(type_of(&entities, "Grace Park"), Some(EntityType::Person));
}

#[test]
fn places_named_by_a_shared_place_word_or_a_community_and_numbered_sites() {
    let body = "Levels on the Tengwe and Mudzi rivers rose, and the Karanda gorge flooded. The \
tornado moved on to the community of Pellerton. The breakdown at Thermal Power Plant No. 4 cut \
heat, and crews from the Kestrel Pit joined. Patients went to Marrowdale Health Campus.";
    let entities = tagger().tag("", body);
    for place in [
        "Tengwe",
        "Mudzi",
        "Karanda",
        "Pellerton",
        "Thermal Power Plant No. 4",
        "Kestrel Pit",
    ] {
        assert_eq!(
            type_of(&entities, place),
            Some(EntityType::Place),
            "{place}"
        );
    }
    assert_organisations(&entities, &["Marrowdale Health Campus"]);
}

#[test]
fn a_listed_body_after_a_plural_possessive_heads_a_longer_name() {
    let body = "The Lanka Estate Workers' Congress (LEWC) said pay was low. Local Government \
Minister Tendai Marufu visited.";
    let entities = embedded_tagger().tag("", body);
    assert_organisations(&entities, &["Lanka Estate Workers' Congress", "LEWC"]);
    assert!(
        entities
            .iter()
            .all(|entity| entity.name != "US Congress" && entity.name != "Local Government"),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Tendai Marufu"),
        Some(EntityType::Person)
    );
}

#[test]
fn a_name_after_a_listed_citys_possessive_and_a_district_before_a_title_are_places() {
    let body = "Stalls burned at Nairobi's Korogwe market, and Kenya's Mbatha spoke. Karanda \
District Mayor Emmanuel Ndori said the metro is run by Velotransit.";
    let entities = embedded_tagger().tag("", body);
    assert_eq!(type_of(&entities, "Korogwe"), Some(EntityType::Place));
    assert_ne!(type_of(&entities, "Mbatha"), Some(EntityType::Place));
    assert_eq!(
        type_of(&entities, "Karanda District"),
        Some(EntityType::Place)
    );
    assert_eq!(
        type_of(&entities, "Emmanuel Ndori"),
        Some(EntityType::Person)
    );
    assert_eq!(
        type_of(&entities, "Velotransit"),
        Some(EntityType::Organisation)
    );
}

#[test]
fn foreign_language_head_words_make_organisations() {
    let body = "Soome Pank raised rates. Nordvik Energi cut output, and Malmvik Spårvägar ran \
fewer trams while Shree Kavita Infra won a contract.";
    let entities = tagger().tag("", body);
    assert_organisations(
        &entities,
        &[
            "Soome Pank",
            "Nordvik Energi",
            "Malmvik Spårvägar",
            "Shree Kavita Infra",
        ],
    );
}

#[test]
fn a_listed_company_with_its_legal_form_is_the_listed_company() {
    let entities = embedded_tagger().tag(
        "",
        "Hyundai Motor Co. rose 2.4%, and Hyundai Motor Co \
closed higher.",
    );
    let hyundai: Vec<_> = entities
        .iter()
        .filter(|entity| entity.entity_type == EntityType::Organisation)
        .collect();
    assert_eq!(hyundai.len(), 1, "{entities:#?}");
    assert_eq!(hyundai[0].id, "wiredesk:org:hyundai");
}

#[test]
fn surname_particles_stay_inside_unknown_peoples_names() {
    let body = "The strike was called by Joost van Kerkhoven, a union leader, and backed by \
Gabriela Montes de Ortuzar. \"We will fight,\" said Sanne de Wolters. Van Kerkhoven said talks \
had failed. Buses of Transportes Luz del Valle were stopped near Portage la Prairie.";
    let entities = tagger().tag("", body);
    for name in [
        "Joost van Kerkhoven",
        "Gabriela Montes de Ortuzar",
        "Sanne de Wolters",
    ] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Person),
            "{name}: {entities:#?}"
        );
    }
    assert!(
        type_of(&entities, "Luz del Valle").is_none(),
        "{entities:#?}"
    );
    assert_ne!(
        type_of(&entities, "Portage la Prairie"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn regents_radio_stations_pharmacies_parkways_and_number_words() {
    let body = "Regent Hendrik Sulaiman said rescuers were digging. Fourteen residents were \
missing, the Marlshire Fire Rescue department said. The suspect walked into Kessler Pharmacy and \
fled along the Lincoln Alexander Parkway, the minister told Radio Mitre. Seismologist Prof. Selin \
Kaymak said the quake was shallow.";
    let entities = tagger().tag("", body);
    assert_eq!(
        type_of(&entities, "Hendrik Sulaiman"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Selin Kaymak"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_organisations(
        &entities,
        &["Marlshire Fire Rescue", "Kessler Pharmacy", "Radio Mitre"],
    );
    assert!(type_of(&entities, "Fourteen").is_none(), "{entities:#?}");
    assert_ne!(
        type_of(&entities, "Lincoln Alexander Parkway"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn clubs_named_after_their_towns_in_match_reports() {
    let headline = "Late goal gives Bala Town win";
    let body = "Bala Town beat Caernarfon Town 2-1 in the league on Saturday, the striker \
scoring a late goal. Haverfordwest County drew 0-0 with Aberystwyth Town, and a midfielder was \
sent off at half-time. Fans in Bala Town celebrated. The Cymru Premier resumes after Christmas.";
    let entities = embedded_tagger().tag(headline, body);
    assert_organisations(
        &entities,
        &[
            "Bala Town",
            "Caernarfon Town",
            "Haverfordwest County",
            "Aberystwyth Town",
        ],
    );
    let bala: Vec<_> = entities
        .iter()
        .filter(|entity| entity.name == "Bala Town")
        .collect();
    assert_eq!(bala.len(), 1, "{entities:#?}");
    assert_ne!(
        type_of(&entities, "Cymru Premier"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}

#[test]
fn a_state_before_its_countrys_listed_body_is_the_states_own_body() {
    let body = "The Texas Department of Transportation closed Interstate 40, and the US \
Department of Transportation said it would help. The Ghana Premier League resumes in May.";
    let entities = embedded_tagger().tag("", body);
    assert_organisations(
        &entities,
        &[
            "Texas Department of Transportation",
            "US Department of Transportation",
            "Ghana Premier League",
        ],
    );
    let texas_dot = entities
        .iter()
        .find(|entity| entity.name == "Texas Department of Transportation");
    assert!(
        texas_dot.is_some_and(|entity| entity.id.starts_with("wiredesk:org:texas")),
        "{entities:#?}"
    );
}

#[test]
fn laws_groups_and_generic_group_words_are_no_names() {
    let body = "The teenager cannot be named under the Youth Criminal Justice Act. Ethiopian \
Orthodox Christians celebrate Christmas on Jan. 7, and fighting with the Fano militia has \
hampered aid.";
    let entities = embedded_tagger().tag("", body);
    assert!(
        entities
            .iter()
            .all(|entity| entity.entity_type != EntityType::Person),
        "{entities:#?}"
    );
    let fano = entities
        .iter()
        .find(|entity| entity.id == "wiredesk:org:fano-militia");
    assert!(
        fano.is_some_and(|entity| texts(entity) == ["Fano"]),
        "{entities:#?}"
    );
}

#[test]
fn a_bracketed_name_after_an_organisation_is_its_own_language_name() {
    let body = "Anti-corruption group Transparency Oskeland (Przejrzysta Oskelandia) said the \
case showed the need for reform. Przejrzysta Oskelandia has long campaigned on the issue.";
    let entities = tagger().tag("", body);
    let group: Vec<_> = entities
        .iter()
        .filter(|entity| {
            texts(entity).contains(&"Przejrzysta Oskelandia")
                || entity.name == "Transparency Oskeland"
        })
        .collect();
    assert_eq!(group.len(), 1, "{entities:#?}");
    assert_eq!(group[0].entity_type, EntityType::Organisation);
    assert_eq!(
        texts(group[0])
            .iter()
            .filter(|text| text.starts_with("Przejrzysta"))
            .count(),
        2,
        "{entities:#?}"
    );
}

#[test]
fn a_treasury_is_the_one_of_the_storys_country() {
    let tagger = embedded_tagger();
    let kenya = tagger.tag(
        "",
        "NAIROBI, Kenya - County workers blamed delays in disbursements from the national \
Treasury, and Treasury Cabinet Secretary John Mbadi said funds would flow.",
    );
    let pretoria = tagger.tag(
        "",
        "PRETORIA, South Africa - The National Treasury said the budget gap had widened.",
    );
    let id_of = |entities: &[Entity]| {
        entities
            .iter()
            .find(|entity| entity.entity_type == EntityType::Organisation)
            .map(|entity| entity.id.clone())
    };
    assert_eq!(
        id_of(&kenya).as_deref(),
        Some("wiredesk:org:national-treasury-kenya"),
        "{kenya:#?}"
    );
    assert_eq!(
        type_of(&kenya, "John Mbadi"),
        Some(EntityType::Person),
        "{kenya:#?}"
    );
    assert_eq!(
        id_of(&pretoria).as_deref(),
        Some("wiredesk:org:national-treasury-south-africa"),
        "{pretoria:#?}"
    );
}

#[test]
fn a_panhandle_is_a_region() {
    let entities = embedded_tagger().tag(
        "",
        "Heavy snow fell across the Texas Panhandle and the Oklahoma Panhandle on Friday.",
    );
    for name in ["Texas Panhandle", "Oklahoma Panhandle"] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Place),
            "{name}: {entities:#?}"
        );
    }
}

#[test]
fn legal_forms_of_south_asia_malaysia_oman_and_the_baltics_end_a_firm() {
    let entities = embedded_tagger().tag(
        "",
        "Prosecutors charged Varnel Haulage Pvt Ltd, Quorra Fibre Sdn Bhd and Tamsin Gridworks \
         SAOC on Monday. Kellow Mills (Pty) Ltd and Ostrava Sleepers SIA were fined, as were \
         Marjala Track Services OÜ and Vaskari Raudtee AS. Later Varnel Haulage said it would \
         appeal.",
    );
    let id_of = |name: &str| {
        entities
            .iter()
            .find(|entity| entity.mentions.iter().any(|mention| mention.text == name))
            .map(|entity| (entity.entity_type, entity.id.as_str()))
    };
    for (name, id) in [
        ("Varnel Haulage Pvt Ltd", "wiredesk:org:varnel-haulage"),
        ("Quorra Fibre Sdn Bhd", "wiredesk:org:quorra-fibre"),
        ("Tamsin Gridworks SAOC", "wiredesk:org:tamsin-gridworks"),
        ("Kellow Mills (Pty) Ltd", "wiredesk:org:kellow-mills"),
        ("Ostrava Sleepers SIA", "wiredesk:org:ostrava-sleepers"),
        (
            "Marjala Track Services OÜ",
            "wiredesk:org:marjala-track-services",
        ),
        ("Vaskari Raudtee AS", "wiredesk:org:vaskari-raudtee"),
        ("Varnel Haulage", "wiredesk:org:varnel-haulage"),
    ] {
        assert_eq!(
            id_of(name),
            Some((EntityType::Organisation, id)),
            "{name}: {entities:#?}"
        );
    }
}

#[test]
fn a_legal_form_before_and_ends_the_first_firm() {
    let entities = embedded_tagger().tag(
        "",
        "Prosecutors said Kestrel Rail AS and Daugmale Timber SIA had shared the contract.",
    );
    assert_organisations(&entities, &["Kestrel Rail AS", "Daugmale Timber SIA"]);
}

#[test]
fn bank_before_a_listed_place_names_a_bank() {
    let entities = embedded_tagger().tag(
        "",
        "Commercial lenders followed: Bank Windhoek and Bank Muscat cut their prime rates. The \
         committee kept Bank Rate unchanged.",
    );
    assert_organisations(&entities, &["Bank Windhoek", "Bank Muscat"]);
    assert_eq!(type_of(&entities, "Windhoek"), None, "{entities:#?}");
    assert_ne!(
        type_of(&entities, "Bank Rate"),
        Some(EntityType::Organisation),
        "{entities:#?}"
    );
}

#[test]
fn a_hyphenated_nationality_adjective_is_no_place() {
    let entities = embedded_tagger().tag(
        "",
        "The line will run to the Lithuanian-Polish border, officials in Tallinn said.",
    );
    assert_eq!(
        type_of(&entities, "Lithuanian-Polish"),
        None,
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Tallinn"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
}

#[test]
fn villages_schools_particles_and_french_titles() {
    let entities = embedded_tagger().tag(
        "",
        "Water rose in Kampung Lidasan and Kampung Sungai Porok overnight. Pupils of Ysgol Bro \
         Tegid were sent home. Councillor Ramon dela Paz visited, and Maître Awa Koffi-Dembele \
         told the court her client was innocent. Cases rose in the Mayo-Sava and Logone-et-Chari \
         departments.",
    );
    for name in [
        "Kampung Lidasan",
        "Kampung Sungai Porok",
        "Mayo-Sava",
        "Logone-et-Chari",
    ] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Place),
            "{name}: {entities:#?}"
        );
    }
    assert_organisations(&entities, &["Ysgol Bro Tegid"]);
    for name in ["Ramon dela Paz", "Awa Koffi-Dembele"] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Person),
            "{name}: {entities:#?}"
        );
    }
}

#[test]
fn a_rugby_club_ends_in_rfc() {
    let entities = embedded_tagger().tag(
        "",
        "Pentrefoel RFC scored in the last minute to beat Abermorlais RFC 24-22 on Wednesday.",
    );
    assert_organisations(&entities, &["Pentrefoel RFC", "Abermorlais RFC"]);
}

#[test]
fn a_place_before_a_firm_the_story_named_joins_its_short_form() {
    let entities = embedded_tagger().tag(
        "",
        "The plane, operated by Mindanao Orchid Freight Inc., overran the runway. Mindanao Orchid \
         Freight, founded in 2015, flies mainly to Manila. The bus belonged to Pokhara Sunrise \
         Travels, a private operator.",
    );
    let freight = entities
        .iter()
        .find(|entity| entity.id == "wiredesk:org:mindanao-orchid-freight")
        .unwrap_or_else(|| panic!("{entities:#?}"));
    let texts: Vec<&str> = freight.mentions.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        ["Mindanao Orchid Freight Inc.", "Mindanao Orchid Freight"],
        "{entities:#?}"
    );
    assert_eq!(type_of(&entities, "Mindanao"), None, "{entities:#?}");
    assert_organisations(&entities, &["Pokhara Sunrise Travels"]);
}

#[test]
fn portfolios_in_affairs_and_cities_by_name() {
    let entities = embedded_tagger().tag(
        "",
        "Economic Affairs Minister Erkki Valdmets said revenue would fund Tashigang Harmony City, \
         a special economic zone.",
    );
    assert_eq!(
        type_of(&entities, "Erkki Valdmets"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Economic Affairs"),
        None,
        "{entities:#?}"
    );
    assert_eq!(
        type_of(&entities, "Tashigang Harmony City"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
}

#[test]
fn a_listed_party_name_after_another_capitalised_word_is_another_party() {
    let entities = embedded_tagger().tag(
        "",
        "The bill passed with the support of the opposition Social Democratic Party (SDP), while \
         the Texas Democratic Party said nothing.",
    );
    assert_organisations(&entities, &["Social Democratic Party", "SDP"]);
    assert_eq!(
        type_of(&entities, "Democratic Party"),
        None,
        "{entities:#?}"
    );
    let social = entities
        .iter()
        .find(|entity| entity.name == "Social Democratic Party")
        .unwrap_or_else(|| panic!("{entities:#?}"));
    assert!(
        social.mentions.iter().any(|mention| mention.text == "SDP"),
        "{entities:#?}"
    );
}

#[test]
fn an_elision_before_a_capital_goes_on_with_the_name() {
    let entities = embedded_tagger().tag(
        "",
        "The Federation of Coffee Growers of Côte d'Ivoire protested, as did the Chamber of Trades \
         of Valle d'Aosta.",
    );
    assert_organisations(
        &entities,
        &[
            "Federation of Coffee Growers of Côte d'Ivoire",
            "Chamber of Trades of Valle d'Aosta",
        ],
    );
}

#[test]
fn a_name_after_a_plural_possessive_is_no_part_of_the_owner() {
    let entities = embedded_tagger().tag(
        "",
        "The goalkeeper saved from Harriers' Pennock-Vale in the shootout. The Ceylon Workers' \
         Congress and the Ghana Union of Traders' Associations met.",
    );
    assert_eq!(
        type_of(&entities, "Harriers' Pennock-Vale"),
        None,
        "{entities:#?}"
    );
    assert_organisations(
        &entities,
        &[
            "Ceylon Workers' Congress",
            "Ghana Union of Traders' Associations",
        ],
    );
}

#[test]
fn a_confederation_heads_an_organisation() {
    let entities = embedded_tagger().tag(
        "",
        "Members of the Alvorada Growers Confederation marched through the town on Monday.",
    );
    assert_organisations(&entities, &["Alvorada Growers Confederation"]);
}

#[test]
fn a_surname_of_place_after_a_particle_stays_in_the_name() {
    let entities = embedded_tagger().tag(
        "",
        "The motion was tabled by María Fernanda Ruiz de Córdoba, who chairs the committee.",
    );
    assert_eq!(
        type_of(&entities, "María Fernanda Ruiz de Córdoba"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_eq!(type_of(&entities, "Córdoba"), None, "{entities:#?}");
}

#[test]
fn a_legal_form_after_a_comma_makes_a_firm_and_group_words_drop_from_short_forms() {
    let entities = embedded_tagger().tag(
        "",
        "Calçados Vinhais, S.A., the Porto-based maker of footwear, reported a rise in profit. \
         Tessaro Doors, Inc. said on Monday it would cut jobs. Groupe Lumivert Bois Inc. said \
         sales fell.\n\nLumivert Bois shares fell 2 percent. Sydney, Cape Town, SA and Reno, NV \
         were named.",
    );
    assert_organisations(
        &entities,
        &["Calçados Vinhais", "Tessaro Doors", "Lumivert Bois"],
    );
    assert_eq!(type_of(&entities, "S.A."), None, "{entities:#?}");
    assert_eq!(type_of(&entities, "Inc"), None, "{entities:#?}");
    assert_eq!(
        type_of(&entities, "Cape Town"),
        Some(EntityType::Place),
        "{entities:#?}"
    );
}

#[test]
fn a_chief_after_a_department_and_an_editors_note_are_no_names() {
    let entities = embedded_tagger().tag(
        "",
        "The fire spread fast.\n\nHollowbrook Volunteer Fire Department Chief Lonnie Beasworth \
         said his crews were overwhelmed.\n\n(Corrects area burned in second paragraph)",
    );
    assert_organisations(&entities, &["Hollowbrook Volunteer Fire Department"]);
    assert_eq!(
        type_of(&entities, "Lonnie Beasworth"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
    assert_eq!(type_of(&entities, "Corrects"), None, "{entities:#?}");
}

#[test]
fn a_surname_shape_makes_a_person_after_a_place_preposition() {
    let entities = embedded_tagger().tag(
        "",
        "Tomas met a low cross from Marin Vukašinović at the near post. The ball came in from \
         Petros Antonopoulos.",
    );
    for name in ["Marin Vukašinović", "Petros Antonopoulos"] {
        assert_eq!(
            type_of(&entities, name),
            Some(EntityType::Person),
            "{entities:#?}"
        );
    }
}

#[test]
fn a_directorate_general_and_a_numbered_school_keep_their_whole_names() {
    let entities = embedded_tagger().tag(
        "",
        "Flights were suspended, the Directorate General of Civil Aviation said. Pupils of the \
         Escuela Rural Mixta No. 14 were sent home.",
    );
    assert_organisations(
        &entities,
        &[
            "Directorate General of Civil Aviation",
            "Escuela Rural Mixta No. 14",
        ],
    );
}

#[test]
fn an_unlisted_place_and_a_listed_one_after_of_share_one_body() {
    let entities = embedded_tagger().tag(
        "",
        "The Union of Artisanal Fishermen of Ndiarkou and Dakar called a strike on Monday.",
    );
    assert_organisations(
        &entities,
        &["Union of Artisanal Fishermen of Ndiarkou and Dakar"],
    );
    assert_eq!(type_of(&entities, "Dakar"), None, "{entities:#?}");
}

#[test]
fn an_acronym_in_brackets_or_a_founding_makes_a_body() {
    let entities = embedded_tagger().tag(
        "",
        "Ferry operators cancelled all sailings, while Caledonian Brenmoray (CBM) cancelled \
         services from Ullapool. Kysucké Lisovne was founded in 1994 on the site of a former \
         works. Talvora Ceramica, founded in 1961, employs 2,100 people. Ana Petrovna Volkova \
         (APV) was born in 1990.",
    );
    assert_organisations(
        &entities,
        &[
            "Caledonian Brenmoray",
            "Kysucké Lisovne",
            "Talvora Ceramica",
        ],
    );
    assert_eq!(
        type_of(&entities, "Ana Petrovna Volkova"),
        Some(EntityType::Person),
        "{entities:#?}"
    );
}
