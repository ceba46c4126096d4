//! Closed word lists used by the entity tagger's unknown-name rules: titles, organisation and place
//! head words, context cues, common sentence-initial words, days, months, and the small built-in
//! first-name list (`first_names.txt`). All entries are lowercase.

use super::gazetteer::{FastHasher, FastMap};

/// Words that name a role and, placed before a capitalised name, mark it as a person.
const TITLES: &str = "president vice-president vice-chancellor vice-chair vice-chairman vice-chairwoman \
vice-governor vice-premier vice-minister vice-admiral vice-principal vice-captain premier chancellor king queen prince princess pope emperor empress \
senator sen rep representative registrar ombudsman auditor comptroller congressman congresswoman congressmember governor gov mayor ambassador envoy \
spokesman spokeswoman spokesperson chairman chairwoman chairperson chair ceo cfo coo cto executive coach manager \
captain skipper dr mr mrs ms mx miss sir dame lord lady baroness baron viscount earl countess duke duchess marquess judge justice detective inspector sergeant sgt constable \
officer lieutenant lt colonel col general gen admiral adm major maj commander cmdr corporal cpl private pvt marshal \
director founder co-founder leader lawmaker mp mep deputy striker defender midfielder goalkeeper forward winger \
player actor actress singer rapper author writer novelist poet professor prof dean rector rabbi imam reverend rev \
father bishop archbishop cardinal sheikh emir sultan ayatollah attorney lawyer prosecutor analyst economist \
researcher scientist journalist reporter correspondent editor photographer official diplomat aide adviser advisor \
boss owner investor billionaire businessman businesswoman entrepreneur candidate nominee challenger incumbent \
activist dissident commissioner superintendent nurse doctor surgeon teacher student son daughter wife husband \
brother sister widow widower mother grandmother grandfather uncle aunt cousin colleague suspect defendant \
plaintiff victim witness survivor veteran driver pilot farmer chef artist musician producer star champion substitute seamer spinner opener wicketkeeper batter all-rounder \
captain full-back centre-back fly-half scrum-half cllr boxer \
cyclist runner sprinter swimmer golfer batsman bowler jockey trainer president-elect secretary-general \
minister secretary treasurer economist strategist commentator presenter anchor blogger influencer \
designer architect engineer physician psychologist historian chancellor provost headteacher principal \
councillor councilman councilwoman councilmember councilor councilperson alderman alderwoman \
assemblyman assemblywoman assemblymember legislator selectman selectwoman supervisor magistrate sheriff deputy marshal \
warden chaplain monk nun priest pastor patriarch metropolitan lama guru collector speaker solicitor \
barrister counsel coroner referee umpire firefighter paramedic brigadier commandant taoiseach tanaiste \
tánaiste superintendent midwife pharmacist consul postmaster accountant procurator advocate garda \
passenger resident villager shopkeeper trader vendor fisherman haji hajji alhaji alhaja hajiya mallam \
datuk dato datin ustaz regent bupati voivode seismologist volcanologist meteorologist \
epidemiologist virologist geologist climatologist forecaster maître maitre monsieur madame mme";

/// Modifiers that may precede a title inside a capitalised run ("Foreign Minister", "Deputy Prime Minister").
const TITLE_MODIFIERS: &str = "foreign defence defense finance interior health prime deputy vice former acting chief \
general state trade economy economic justice education energy home culture environment agriculture transport \
labour labor press junior senior attorney executive managing head assistant associate first lady crown \
supreme grand high lord lieutenant police army navy air military security intelligence national federal \
regional district county city provincial opposition majority minority party team club coalition \
interim outgoing incoming incumbent late then co joint permanent special top development digital science \
technology research housing employment immigration treasury commerce industry foreign-affairs \
chief-executive managing-director head-coach cabinet group financial operating information marketing \
commercial medical legal communications operations station watch area divisional borough metropolitan \
nursing clinical scientific technical sales investment strategy policy local government mines lands \
fisheries forestry infrastructure planning welfare affairs internal social veterans";

/// Last words that make a capitalised run an organisation.
const ORG_HEADS: &str = "ministry council agency university refining refinery refineries inc inc. ltd ltd. llc plc corp corp. corporation co \
company companies fc afc cf sc party hospital police bank group association union committee commission court \
institute institution foundation service services department authority organisation organization federation \
league club airlines airways airline museum school college academy church times news post journal herald \
tribune telegraph gazette network bureau press army navy forces force guard office board trust fund parliament \
assembly senate congress cabinet government administration tribunal chamber exchange holdings industries \
motors library libraries hospice ambulance constabulary travel travels tours coaches \
solutions catering institutet system systems technologies labs laboratories pharmaceuticals pharma media broadcasting tv radio pharmacy pharmacies drugstore rescue \
society alliance coalition movement brigade brigades battalion regiment corps command secretariat directorate \
inspectorate unit team united rovers securities advisors advisers advisory commodities markets \
management research registry survey surveys consultants consulting associates brokers \
logistics shipping electric electronics chemicals foods brewery brewing airlines wanderers athletic commissariat gmbh ag sa nv bv ab asa spa ag. \
conference council's ministry's cooperative co-op partnership partners capital ventures investments \
insurance energy petroleum oil gas mining steel airport-authority railways railway rail studios records \
publishing publishers foundation's hospitals clinic observatory centre center magazine daily weekly \
regulator regulators watchdog stockbrokers brokerage dairies dairy bakery bakeries creamery distillery \
winery treasury coastguard mission jewellers jewelers supermarkets supermarket stores retail retailers \
highways waterways utilities utility telecom telecoms communications therapeutics biotech biosciences \
healthcare hotels resorts restaurants cinemas theatres theatre orchestra choir ensemble philharmonic \
symphony opera ballet collective cooperative syndicate consortium taskforce task-force panel caucus \
assn dept govt ministries agencies councils commissions committees tribunals courts rangers \
associations federations unions societies cooperatives confederation confederations \
hotspur harriers gaels holding gruppe gruppen konzern werke verlag sparkasse \
versicherung forvaltning fondsforvaltning rederi kapital invest finans juweliers jewellery oy oyj se kg kgaa \
branch s.a. a.ş. a/s sp s.p.a. n.v. b.v. s.l. s.r.l. s.a.s. s.a.c. s.a.a. c.a. sarl sas srl ltda pty bhd tbk jsc pjsc ojsc llp lp sons bros brothers brewers growers producers manufacturers exporters employers \
bankers pantry shelter metro newswire wire dispatch chronicle courier mirror express \
infirmary municipality shire recycling construction engineering properties developments interiors \
aerospace automotive haulage freight fisheries textiles division divisions cement bancorp \
minerals metals resources mines motor air aviation penitentiary prison prisons jail gendarmerie \
correctional mobility forum equities realty homes renovations mills packaging apparel apparels \
aquaculture staffing ferries transport technology spirits squadron headquarters nation \
bancorporation bancshares workers hydro transit clan fashions knit knitwear garments \
rugby cricket athletics netball marathon campus rfc rlfc sia oü uab saoc saog pvt sdn pank banka bankas banken bankasi energi energia energie \
telekom bahn verkehrsbetriebe stadtwerke autobusy tramwaje spårvägar infra verein vereniging forening \
förening selskab selskap bolaget klinikum polizei politie zrt zrt. nyrt nyrt. kft kft. bt. cjsc ead ood eood aps ad";

/// First words that, followed by "of", make a capitalised run an organisation ("Bank of England").
const ORG_PREFIXES: &str = "ministry department bank university council court church office federation league \
academy institute commission committee union embassy board chamber museum order house organisation \
organization association society school college agency bureau party government army navy \
transport brotherhood confederation guild diocese archdiocese";

/// Last words that make a capitalised run a place.
const PLACE_HEADS: &str = "street road avenue boulevard lane square bridge river lake sea ocean bay gulf strait \
straits island islands isles mountain mountains hills hill valley desert peninsula coast province county region \
district oblast prefecture village town airport port harbour harbor park forest canal plain plains plateau delta \
heights strip channel ridge creek springs gorge cove republic kingdom emirates principality sultanate palace castle cathedral mosque stadium arena highway motorway expressway falls beach reef glacier volcano crossing cosmodrome peak range basin archipelago \
canyon highlands lowlands territory territories governorate krai okrug voivodeship canton \
borough township neighbourhood neighborhood quarter way drive estate crescent terrace gardens meadows \
parade embankment wharf quay quays docks dock marina pier plaza promenade reservoir dam lagoon marsh \
marshes wetlands estuary fjord fjords headland moor moors heath fen fens glen pass ghats hamlet \
suburb parish commune arrondissement prefecture atoll cays keys mesa bayou sound firth loch lough \
waterfront riverside seafront corniche circuit racecourse speedway velodrome ground grounds \
tunnel interchange junction bypass underpass flyover causeway heads head downs rim ranges brook hut \
market khola green parkway freeway turnpike thruway beltway panhandle pit deeps quarry colliery city";

/// First words that make a capitalised run an organisation without "of" ("Banque Lemoine").
const ORG_LEADS: &str = "banque banco banca grupo groupe compagnie compania companhia societe société \
sociedad fondation stiftung club deportivo deportiva atlético atletico sporting racing \
brouwerij brasserie brauerei bodega bodegas cervecería cerveceria piekarnia transportes transports \
ysbyty ysgol colegio universidad universidade université universität universiteit università instituto institut \
istituto ospedale hôpital hospital clínica clinica escuela escola liceo lycée fundación fundación fundação \
asociación associação partido partito parti hm hmp hms radio-televisión editorial editora \
aerolíneas aerolineas linhas lignes fluggesellschaft dynamo autoridade autoridad autorité \
ministério ministerio ministère ministero consejo conselho conseil consiglio comisión comissão \
commissione agência agencia agenzia policía polícia polizia confederación confederação \
confédération federación federação fédération federazione sindicato syndicat empresa \
scoil gaelscoil coláiste colaiste unión união frente movimiento movimento alianza aliança \
secretaría secretaria fiscalía tribunal corte cámara câmara camara congreso senado servicio serviço \
compañía companhía centrale caisse caja air universiti radio";

/// Plural or area nouns that, before "of", make the next name a place ("parts of Oromia").
const PLACE_OF: &str = "capital people residents heart centre center edge east west north south \
northeast northwest southeast southwest suburb central northern southern eastern western rural coastal areas parts regions provinces outskirts villages village towns town cities city \
districts district suburbs states state islands island region province nearby neighbouring \
neighboring community communities hamlet settlement municipality neighbourhood neighborhood";

/// First words that make a capitalised run a place ("Mount Fuji", "Lake Geneva").
const PLACE_PREFIXES: &str = "mount mt loch lake port fort cape gulf sea isle isla san santa st. sao são river rio río \
monte puerto porto bahia bahía lac lago ciudad pico sierra cerro wadi jebel jabal ras tel kfar \
ilha ile île estadio estádio stade stadio avenida rua calle carrera jalan rue kampung kampong barangay";

/// Lowercase words that, directly before a capitalised name, suggest a place.
const PLACE_PREPOSITIONS: &str = "in near outside across throughout towards toward into inside around \
within via";

/// Lowercase words after a name that make it a place ("Sichuan province").
const PLACE_AFTER: &str = "province region city county district oblast prefecture village town \
municipality governorate area border valley department state regions areas provinces residents villagers volcano \
river rivers ravine ravines gorge gorges canyon canyons creek lake lakes valleys neighbourhood neighbourhoods \
neighborhood neighborhoods suburb suburbs departments counties prefectures municipalities \
governorates cantons parishes communes";

/// Lowercase words that, directly before a capitalised name, describe an organisation.
const ORG_DESCRIPTORS: &str = "carmaker automaker company firm broadcaster newspaper daily magazine agency \
airline bank lender insurer retailer startup start-up giant conglomerate manufacturer maker club side outlet \
network charity organisation organization union party militia band label studio brand chain supplier operator \
developer platform app service website watchdog regulator exchange publisher group tabloid weekly \
broadsheet newswire channel station university school hospital team insurer miner producer shipper \
carrier distributor contractor consultancy chipmaker drugmaker pharmaceutical rival rivals \
brokerage steelmaker refiner utility telco telecoms shipbuilder grocer supermarket brewer fund";

/// Common words that begin sentences and are not names.
const COMMON_CAPITALISED: &str = "the a an neighbouring neighboring this that these those some many most all both each every several few \
such other another according asked speaking following despite during since until unlike like while when where \
why how what who whom whose which whether if although though because as at by for from in into of on over under \
with without after before between among against around about above below beyond through throughout within across \
along amid outside inside near once only just not no yes so then thus therefore instead otherwise indeed also and \
but or nor he she it they we i you his her its their our my your him them there here me mine ours theirs \
meanwhile however still yet even now later earlier last next first second third new old more less much \
very well perhaps maybe already again often sometimes never always nobody everyone someone anyone nothing \
something everything anything none neither either whatever whoever whichever let lets please thank thanks \
today yesterday tomorrow tonight overall further furthermore moreover nevertheless nonetheless finally \
initially currently recently previously additionally separately similarly likewise elsewhere here's there's \
it's that's what's we're they're i'm he's she's don't doesn't didn't can't won't isn't aren't wasn't weren't \
one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen \
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand dozen \
hundreds thousands millions dozens officials police \
authorities critics experts analysts residents witnesses sources observers lawmakers investors voters \
under-fire breaking update updated exclusive watch read listen analysis opinion editorial comment live \
photo video graphic factbox explainer timeline reporting writing editing additional sign subscribe \
reuters-style mr mrs ms dr";

/// Capitalised words that are not names of people, places or organisations.
const NOT_NAME_WORDS: &str = "monday tuesday wednesday thursday friday saturday sunday january february march april \
may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec \
mon tue tues wed thu thur thurs fri sat sun christmas easter ramadan eid hanukkah diwali thanksgiving \
covid covid-19 coronavirus internet web god allah cup games olympics olympic war day week year festival awards \
award prize act bill law treaty conventions convention report index agreement accord plan summit conference forum championship championships \
open series season tournament final finals grand prix world international global national cold \
spring summer autumn fall winter north south east west northern southern eastern western central \
am pm gmt utc et bst cet copa coupe coppa torneo campeonato trofeo pokal composite benchmark";

/// Days and months and similar time words that never start or end a name.
const TIME_WORDS: &str = "monday tuesday wednesday thursday friday saturday sunday january february march april \
may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec \
christmas easter today yesterday tomorrow";

/// Lowercase connectors allowed inside a capitalised name ("Bank of England", "Ludwig van Beethoven").
const CONNECTORS: &str = "of for de la le du des del della der den van von bin bint al el da dos das di y and & \
upon the ap ibn ben zu ter dello dei degli do los las dela delos";

/// Cues after a name that suggest a person ("..., who", "... said").
const PERSON_AFTER: &str = "said says told added wrote tweeted posted argued insisted denied admitted explained \
warned stressed noted acknowledged claimed recalled asked replied responded testified";

/// Lowercase words after a name that make it an organisation ("Hollis spokeswoman", "Labour
/// councillors", "Acme shares").
const ORG_AFTER: &str = "spokesman spokeswoman spokesperson spokespeople leadership councillors \
councilors lawmakers mps meps shareholders shares stock executives employees staff workers subsidiary \
subsidiaries headquarters fighters militants chairman chairwoman chairperson boss bosses insiders \
franchise squad roster stores outlets branches customers members \
councillor councilor candidate candidates manager coach chief ceo owner owners \
profit profits revenue revenues earnings takeover";

/// Adjectives that end the short name of a hospital, school or college ("Wrenfield General",
/// "Thomas Haney Secondary").
const INSTITUTION_ADJECTIVES: &str = "general regional memorial secondary technical elementary \
primary comprehensive polytechnic infirmary intermediate collegiate";

/// Place head words that are rarely surnames: they make a run a place even after a given name
/// ("Wayne County", "Mack Avenue", "River Clyde" is handled by prefixes).
const STRONG_PLACE_HEADS: &str = "county province region district avenue road boulevard way drive \
street airport valley stadium bridge estate square oblast prefecture township borough \
island islands canal highway motorway expressway crescent terrace gardens meadows reservoir estuary \
governorate parish mountains peninsula river volcano glacier parkway freeway turnpike thruway \
beltway";

const FIRST_NAMES: &str = include_str!("first_names.txt");

/// Word classes, combined as bit flags per word.
pub(crate) const TITLE: u32 = 1;
pub(crate) const TITLE_MODIFIER: u32 = 1 << 1;
pub(crate) const ORG_HEAD: u32 = 1 << 2;
pub(crate) const ORG_PREFIX: u32 = 1 << 3;
pub(crate) const PLACE_HEAD: u32 = 1 << 4;
pub(crate) const PLACE_PREFIX: u32 = 1 << 5;
pub(crate) const PLACE_PREPOSITION: u32 = 1 << 6;
pub(crate) const PLACE_AFTER_WORD: u32 = 1 << 7;
pub(crate) const ORG_DESCRIPTOR: u32 = 1 << 8;
pub(crate) const COMMON: u32 = 1 << 9;
pub(crate) const NOT_NAME: u32 = 1 << 10;
pub(crate) const TIME: u32 = 1 << 11;
pub(crate) const CONNECTOR: u32 = 1 << 12;
pub(crate) const SPEECH_VERB: u32 = 1 << 13;
pub(crate) const FIRST_NAME: u32 = 1 << 14;
pub(crate) const DEMONYM: u32 = 1 << 15;
/// First word of a multi-word demonym ("north" in "north korean").
pub(crate) const DEMONYM_HEAD: u32 = 1 << 16;
pub(crate) const ORG_LEAD: u32 = 1 << 17;
pub(crate) const PLACE_OF_WORD: u32 = 1 << 18;
pub(crate) const ORG_AFTER_WORD: u32 = 1 << 19;
pub(crate) const INSTITUTION_ADJECTIVE: u32 = 1 << 20;
pub(crate) const STRONG_PLACE_HEAD: u32 = 1 << 21;

/// Every listed lowercase word (and multi-word demonym) with its class bits: one hash lookup
/// answers all list-membership questions about a word.
#[derive(Debug)]
pub(crate) struct Lexicon {
    /// Keyed by [`word_hash`] of the lowercase word.
    classes: FastMap<u64, u32>,
    /// One bit per slot of `hash >> filter_shift`, set for every listed word: most words of a
    /// story are unlisted, and the bit answers them without probing the map.
    filter: Vec<u64>,
    filter_shift: u32,
}

/// Hash of a word lowercased (ASCII fast path, Unicode otherwise) with trailing dots ignored;
/// lets lexicon lookups skip building a lowercase copy.
#[inline]
pub(crate) fn word_hash(word: &str) -> u64 {
    use std::hash::Hasher;
    // Trailing dots are ASCII, so a byte-level trim is the same as trimming chars.
    let mut length = word.len();
    while length > 0 && word.as_bytes()[length - 1] == b'.' {
        length -= 1;
    }
    let bytes = &word.as_bytes()[..length];
    let mut hasher = FastHasher::default();
    if bytes.is_ascii() {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let value = load_le(chunk);
            hasher.write_u64(value | ascii_case_bits(value));
        }
        let value = load_le(chunks.remainder());
        hasher.write_u64((value | ascii_case_bits(value)) ^ ((bytes.len() as u64) << 56));
    } else {
        let word = &word[..length];
        for character in word.chars().flat_map(char::to_lowercase) {
            hasher.write_u32(u32::from(character));
        }
        hasher.write_u64(u64::MAX);
    }
    hasher.finish()
}

/// [`word_hash`] of `text[start..end]`, which the caller knows is ASCII: reads whole eight-byte
/// blocks from the surrounding text and masks off the bytes past the word, so short words hash
/// without length-dependent branches.
#[inline]
pub(crate) fn ascii_word_hash_in(text: &[u8], start: usize, end: usize) -> u64 {
    use std::hash::Hasher;
    let mut end = end;
    while end > start && text[end - 1] == b'.' {
        end -= 1;
    }
    let length = end - start;
    let mut hasher = FastHasher::default();
    let mut position = start;
    while end - position >= 8 {
        let value = load_le(&text[position..position + 8]);
        hasher.write_u64(value | ascii_case_bits(value));
        position += 8;
    }
    let rest = end - position;
    let value = if position + 8 <= text.len() {
        load_le(&text[position..position + 8]) & ((1u64 << (8 * rest)) - 1)
    } else {
        load_le(&text[position..end])
    };
    hasher.write_u64((value | ascii_case_bits(value)) ^ ((length as u64) << 56));
    hasher.finish()
}

/// Up to eight bytes as a little-endian u64 (missing high bytes zero), with overlapping fixed-size
/// loads instead of a variable-length copy.
#[inline]
pub(crate) fn load_le(bytes: &[u8]) -> u64 {
    let length = bytes.len();
    if length >= 8 {
        let mut block = [0u8; 8];
        block.copy_from_slice(&bytes[..8]);
        return u64::from_le_bytes(block);
    }
    if length >= 4 {
        let mut low = [0u8; 4];
        low.copy_from_slice(&bytes[..4]);
        let mut high = [0u8; 4];
        high.copy_from_slice(&bytes[length - 4..]);
        // Overlapping bytes are equal in both halves, so OR-ing keeps them unchanged.
        return u64::from(u32::from_le_bytes(low))
            | (u64::from(u32::from_le_bytes(high)) << (8 * (length - 4)));
    }
    if length == 0 {
        return 0;
    }
    u64::from(bytes[0])
        | (u64::from(bytes[length / 2]) << (8 * (length / 2)))
        | (u64::from(bytes[length - 1]) << (8 * (length - 1)))
}

/// For eight ASCII bytes packed in a u64: 0x20 in every byte that is an upper-case letter
/// (OR-ing it in lowercases the letter), computed with SWAR arithmetic.
#[inline]
pub(crate) fn ascii_case_bits(value: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes >= 'A' (0x41) and <= 'Z' (0x5a); all bytes are < 0x80 here.
    let at_least_a = (value | HIGH).wrapping_sub(ONES * 0x41) & HIGH;
    let at_most_z = ((ONES * 0x5a) | HIGH).wrapping_sub(value) & HIGH;
    (at_least_a & at_most_z) >> 2
}

impl Lexicon {
    pub fn new<'a>(demonyms: impl Iterator<Item = &'a str>) -> Self {
        let mut classes: FastMap<u64, u32> = FastMap::default();
        let mut add = |word: &str, class: u32| {
            *classes.entry(word_hash(word)).or_insert(0) |= class;
        };
        let lists: [(&str, u32); 20] = [
            (ORG_AFTER, ORG_AFTER_WORD),
            (INSTITUTION_ADJECTIVES, INSTITUTION_ADJECTIVE),
            (STRONG_PLACE_HEADS, STRONG_PLACE_HEAD),
            (ORG_LEADS, ORG_LEAD),
            (PLACE_OF, PLACE_OF_WORD),
            (TITLES, TITLE),
            (TITLE_MODIFIERS, TITLE_MODIFIER),
            (ORG_HEADS, ORG_HEAD),
            (ORG_PREFIXES, ORG_PREFIX),
            (PLACE_HEADS, PLACE_HEAD),
            (PLACE_PREFIXES, PLACE_PREFIX),
            (PLACE_PREPOSITIONS, PLACE_PREPOSITION),
            (PLACE_AFTER, PLACE_AFTER_WORD),
            (ORG_DESCRIPTORS, ORG_DESCRIPTOR),
            (COMMON_CAPITALISED, COMMON),
            (NOT_NAME_WORDS, NOT_NAME),
            (TIME_WORDS, TIME),
            (CONNECTORS, CONNECTOR),
            (PERSON_AFTER, SPEECH_VERB),
            (FIRST_NAMES, FIRST_NAME),
        ];
        for (list, class) in lists {
            for line in list
                .lines()
                .filter(|line| !line.trim_start().starts_with('#'))
            {
                for word in line.split_whitespace() {
                    add(word.trim_end_matches('.'), class);
                }
            }
        }
        for demonym in demonyms {
            let demonym = demonym.trim().to_lowercase();
            if demonym.is_empty() {
                continue;
            }
            if let Some((head, _)) = demonym.split_once(' ') {
                add(head, DEMONYM_HEAD);
            }
            add(&demonym, DEMONYM);
        }
        let slots = (classes.len() * 8).next_power_of_two().max(4096);
        let filter_shift = 64 - slots.trailing_zeros();
        let mut filter = vec![0u64; slots / 64];
        for hash in classes.keys() {
            let position = (hash >> filter_shift) as usize;
            filter[position / 64] |= 1u64 << (position % 64);
        }
        Self {
            classes,
            filter,
            filter_shift,
        }
    }

    /// Class bits of a word whose [`word_hash`] is `hash` (0 when unlisted).
    #[inline]
    pub fn classes_of_hash(&self, hash: u64) -> u32 {
        let position = (hash >> self.filter_shift) as usize;
        if self
            .filter
            .get(position / 64)
            .is_none_or(|bits| bits & (1u64 << (position % 64)) == 0)
        {
            return 0;
        }
        self.classes.get(&hash).copied().unwrap_or(0)
    }

    /// Class bits of a word or phrase in any case (0 when unlisted).
    #[inline]
    pub fn classes(&self, word: &str) -> u32 {
        self.classes_of_hash(word_hash(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_hash_ignores_case_and_trailing_dots() {
        assert_eq!(word_hash("President"), word_hash("president"));
        assert_eq!(word_hash("SPOKESWOMAN"), word_hash("spokeswoman"));
        assert_eq!(word_hash("Inc."), word_hash("inc"));
        assert_ne!(word_hash("president"), word_hash("presidents"));
        assert_ne!(word_hash("[at]"), word_hash("{at}"));
        assert_eq!(word_hash("Zürich"), word_hash("zürich"));
        assert_eq!(word_hash("U.S."), word_hash("u.s"));
    }

    #[test]
    fn ascii_hash_in_text_matches_word_hash() {
        let text = "The U.S. Federal Reserve, Inc. and BANK-of-England.. x";
        for start in 0..text.len() {
            for end in start..=text.len() {
                assert_eq!(
                    ascii_word_hash_in(text.as_bytes(), start, end),
                    word_hash(&text[start..end]),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn load_le_matches_a_zero_padded_copy() {
        let text = b"abcdefghijk";
        for length in 0..=8 {
            let mut block = [0u8; 8];
            block[..length].copy_from_slice(&text[..length]);
            assert_eq!(
                load_le(&text[..length]),
                u64::from_le_bytes(block),
                "{length}"
            );
        }
    }

    #[test]
    fn lexicon_classes_combine() {
        let lexicon = Lexicon::new(["North Korean", "Russian"].into_iter());
        assert_ne!(lexicon.classes("Minister") & TITLE, 0);
        assert_ne!(lexicon.classes("north") & DEMONYM_HEAD, 0);
        assert_ne!(lexicon.classes("north korean") & DEMONYM, 0);
        assert_ne!(lexicon.classes("RUSSIAN") & DEMONYM, 0);
        assert_eq!(lexicon.classes("Brekke"), 0);
    }
}
