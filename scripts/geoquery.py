#!/usr/bin/env python3
"""Converts the GeoQuery geobase tables into a factbot knowledge file.

Usage:
    scripts/geoquery.py GEOBASE_DIR > data/packs/geoquery/geobase.facts

GEOBASE_DIR holds the tables as tab-separated files with a header row
(state.tsv, city.tsv, river.tsv, border.tsv, highlow.tsv, lake.tsv,
mountain.tsv), as in ../shared/geoquery/geobase. The output declares one
source (the geobase), every entity with its kind and names, and one fact a
table cell. Units are the geobase's: people, square miles (state area),
square kilometres (lake area), kilometres (river length), metres
(elevations). Two classes follow the definitions of the original executor:
a major city has more than 150,000 people, a major river is longer than
750 km. The GeoQuery data is GPL v2 (see data/packs/geoquery/README.md).
"""
import csv
import os
import sys


def rows(base, name):
    with open(os.path.join(base, name), newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def slug(s):
    out = "".join(c if c.isalnum() else "-" for c in s.lower())
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def title(s):
    words = []
    for w in s.split():
        if w in ("of", "the", "and"):
            words.append(w)
        elif w.startswith("mc") and len(w) > 2:
            words.append("Mc" + w[2:].capitalize())
        else:
            words.append(w[:1].upper() + w[1:])
    return " ".join(words)


def q(s):
    return '"' + s.replace('"', "'") + '"'


def number(s, places=6):
    s = s.strip()
    if not s:
        return None
    v = round(float(s), places)
    return str(int(v)) if v == int(v) else repr(v)


# The states' two-letter postal codes (USPS), which people write after a
# city's name ("Atlanta GA", "Washington DC"). Not in the geobase tables;
# used only to name cities, never alone (many are English words).
POSTAL = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
    "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR",
    "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA",
    "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
}


def main():
    base = sys.argv[1]
    out = []
    say = out.append
    say("# GeoQuery geobase (GPL v2; see README.md here), converted by scripts/geoquery.py.")
    say('source geobase "GeoQuery geobase" 1988 "US geography database of the GeoQuery corpus (Zelle and Mooney 1996)"')
    say("")
    say('entity usa country "United States" aka "USA", "US", "U.S.", "United States of America", "America", "the country", "the nation", "the 50 states"')
    say('entity major-city class "major city" aka "major cities"')
    say('entity major-river class "major river" aka "major rivers"')
    say('entity major-lake class "major lake" aka "major lakes"')
    entities = {}
    facts = []

    def entity(eid, kind, name, *aliases):
        if eid in entities:
            return eid
        names = [a for a in dict.fromkeys(aliases) if a and a.lower() != name.lower()]
        line = f"entity {eid} {kind} {q(name)}"
        if names:
            line += " aka " + ", ".join(q(a) for a in names)
        entities[eid] = line
        return eid

    def fact(s, rel, o):
        facts.append(f"{s} {rel} {o} [geobase]")

    states = rows(base, "state.tsv")
    for r in states:
        sid = entity("state-" + slug(r["state_name"]), "state", title(r["state_name"]), "the state of " + title(r["state_name"]), title(r["state_name"]) + " state")
        fact(sid, "in_country", "usa")
        for col, rel in (("population", "population"), ("area", "area"), ("density", "density")):
            n = number(r[col], 4)
            if n is not None:
                fact(sid, rel, n)

    def city_id(name, state):
        return "city-" + slug(name) + "-" + slug(state)

    def city(name, state):
        cid = city_id(name, state)
        code = POSTAL.get(state.strip().lower())
        coded = [f"{title(name)} {code}", f"{title(name)}, {code}"] if code else []
        if code == "DC":
            coded.append(f"{title(name)} D.C.")
        return entity(cid, "city", title(name), f"{title(name)}, {title(state)}", f"{title(name)} {title(state)}", title(name) + " city", "the city of " + title(name), *coded)

    for r in rows(base, "city.tsv"):
        cid = city(r["city_name"], r["state_name"])
        fact(cid, "located_in", "state-" + slug(r["state_name"]))
        fact(cid, "in_country", "usa")
        n = number(r["population"])
        if n is not None:
            fact(cid, "population", n)
            if float(n) > 150000:
                fact(cid, "is_a", "major-city")
    for r in states:
        if r["capital"].strip():
            # A capital the city table lacks (16 of them) is a city of no
            # known state or population, as in the geobase.
            cid = city(r["capital"], r["state_name"])
            fact("state-" + slug(r["state_name"]), "capital", cid)

    lengths = {}
    for r in rows(base, "river.tsv"):
        name = r["river_name"]
        rid = entity("river-" + slug(name), "river", title(name), title(name) + " river", "the " + title(name) + " river", "river " + title(name))
        fact(rid, "traverses", "state-" + slug(r["traverse"]))
        lengths[rid] = number(r["length"])
    for rid, n in lengths.items():
        fact(rid, "in_country", "usa")
        if n is not None:
            fact(rid, "length", n)
            if float(n) > 750:
                fact(rid, "is_a", "major-river")

    for r in rows(base, "border.tsv"):
        fact("state-" + slug(r["state_name"]), "borders", "state-" + slug(r["border"]))

    # A place named in several states is one place where its elevation is
    # the same everywhere (the Atlantic Ocean, at 0 m); where it differs
    # (the Potomac River: 0 m in DC, 73 m in West Virginia) each state's is
    # a place of its own, so that no state is measured by another's.
    place_elevation = {}
    for r in rows(base, "highlow.tsv"):
        sid = "state-" + slug(r["state_name"])
        for which, elev in (("highest_point", "highest_elevation"), ("lowest_point", "lowest_elevation")):
            name = r[which].strip()
            if not name:
                continue
            n = number(r[elev])
            pid = "place-" + slug(name)
            if place_elevation.setdefault(pid, n) != n:
                pid = pid + "-" + slug(r["state_name"])
                place_elevation[pid] = n
            pid = entity(pid, "place", title(name))
            fact(sid, which, pid)
            fact(pid, "located_in", sid)
            fact(pid, "in_country", "usa")
            if n is not None and not any(f.startswith(pid + " elevation ") for f in facts):
                fact(pid, "elevation", n)

    for r in rows(base, "lake.tsv"):
        lid = entity("lake-" + slug(r["lake_name"]), "lake", title(r["lake_name"]), "lake " + title(r["lake_name"]), title(r["lake_name"]) + " lake")
        fact(lid, "located_in", "state-" + slug(r["state_name"]))
        fact(lid, "in_country", "usa")
        n = number(r["area"])
        if n is not None and not any(f.startswith(lid + " lake_area ") for f in facts):
            fact(lid, "lake_area", n)
            # As the original executor's major(lake): over 750 square km.
            if float(n) > 750:
                fact(lid, "is_a", "major-lake")

    for r in rows(base, "mountain.tsv"):
        name = r["mountain_name"]
        mid = entity("mountain-" + slug(name), "mountain", title(name), "mount " + title(name), "mt " + title(name), title(name) + " mountain")
        fact(mid, "located_in", "state-" + slug(r["state_name"]))
        fact(mid, "in_country", "usa")
        n = number(r["mountain_altitude"])
        if n is not None and not any(f.startswith(mid + " elevation ") for f in facts):
            fact(mid, "elevation", n)

    say("")
    out.extend(entities.values())
    say("")
    seen = set()
    for f in facts:
        if f not in seen:
            seen.add(f)
            say(f)
    print("\n".join(out))


if __name__ == "__main__":
    main()
