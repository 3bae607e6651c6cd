#!/usr/bin/env python3
"""Validate seed/demo.json (format "partnergraph/1") against the seed rules.

Checks structure, keys, enumerations, references, dates, ordering and layout,
and that every evidence quote is a verbatim substring of the seed document its
source names (after collapsing whitespace and normalising curly quotes and
dashes). Prints counts. Exit status 0 if valid, 1 otherwise. Stdlib only.

usage: scripts/check-demo.py [--seeds DIR] [FILE]
  FILE   defaults to seed/demo.json next to this script's repository
  DIR    defaults to seed/documents in this repository
"""
import argparse
import collections
import datetime
import json
import os
import re
import signal
import sys

FORMAT = "partnergraph/1"
KINDS = ("Organisation", "Person")
ORG_TYPES = ("UNIVERSITY", "RESEARCH_CENTRE", "SCHOOL", "COLLEGE", "LOCAL_AUTHORITY", "ACADEMY_TRUST", "CHARITY",
             "BUSINESS", "GOVERNMENT_AGENCY", "HEALTH", "POLICE", "FAITH_BODY", "NETWORK", "OTHER")
SECTORS = ("Higher education", "Schools", "Further education", "Early years", "Local government",
           "Central government", "Voluntary and community", "Business", "Health", "Policing", "Faith", "Cross-sector")
LINK_TYPES = ("AFFILIATION", "MEMBERSHIP", "PARTNERSHIP", "COLLABORATION", "KNOWLEDGE_EXCHANGE", "GOVERNANCE",
              "FUNDING", "PARTICIPATION")
ROLES = ("LEAD", "PARTNER", "FUNDER", "EVALUATOR", "BROKER")
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SOURCE_SEP = " — "  # "<seed file name> — <document title>"
MAX_QUOTE = 300

ACTOR_FIELDS = {"key", "kind", "name", "aliases", "description", "title", "roles", "email", "phone", "type", "sector", "region",
                "parent", "evidence"}
PERSON_ONLY = ("title", "roles", "email", "phone")
ORG_ONLY = ("type", "sector", "region", "parent")
PROGRAMME_FIELDS = {"key", "name", "description", "aims", "start", "end", "tags", "evidence"}
PART_FIELDS = {"actor", "programme", "role", "evidence"}
LINK_FIELDS = {"key", "type", "source", "target", "directed", "weight", "from", "to", "programme", "brokeredBy",
               "evidence"}
EVIDENCE_FIELDS = {"source", "quote", "note"}

_TRANS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
                        "\u2212": "-"})


def normalise(text):
    """Collapse whitespace (incl. no-break spaces) and map curly quotes and dashes to ASCII."""
    return re.sub(r"\s+", " ", text.translate(_TRANS)).strip()


class Checker:
    def __init__(self, seeds_dir):
        self.seeds_dir = seeds_dir
        self.errors = []
        self._docs = {}
        self.titles = collections.defaultdict(set)
        self.sources_used = collections.Counter()

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def doc(self, name):
        if name not in self._docs:
            path = os.path.join(self.seeds_dir, name)
            if os.path.basename(name) != name or not os.path.isfile(path):
                self._docs[name] = None
            else:
                with open(path, encoding="utf-8") as f:
                    self._docs[name] = normalise(f.read())
        return self._docs[name]

    def fields(self, where, obj, allowed):
        if not isinstance(obj, dict):
            self.err(where, "is not an object")
            return False
        for k in obj:
            if k not in allowed:
                self.err(where, f"unknown field {k!r}")
        return True

    def string(self, where, obj, field, required=False):
        v = obj.get(field)
        if v is None:
            if required:
                self.err(where, f"{field} is required")
            return ""
        if not isinstance(v, str):
            self.err(where, f"{field} must be a string")
            return ""
        if required and not v.strip():
            self.err(where, f"{field} is empty")
        if v != v.strip():
            self.err(where, f"{field} has leading or trailing space")
        return v

    def strings(self, where, obj, field):
        v = obj.get(field)
        if v is None:
            return []
        if not isinstance(v, list) or not all(isinstance(s, str) and s.strip() for s in v):
            self.err(where, f"{field} must be a list of non-empty strings")
            return []
        if len(set(v)) != len(v):
            self.err(where, f"{field} has duplicates")
        return v

    def date(self, where, obj, field):
        v = self.string(where, obj, field)
        if not v:
            return None
        if not DATE_RE.match(v):
            self.err(where, f"{field} {v!r} is not YYYY-MM-DD")
            return None
        try:
            return datetime.date.fromisoformat(v)
        except ValueError:
            self.err(where, f"{field} {v!r} is not a valid date")
            return None

    def evidence(self, where, obj):
        e = obj.get("evidence")
        where = where + ".evidence"
        if e is None:
            self.err(where, "evidence is required")
            return
        if not self.fields(where, e, EVIDENCE_FIELDS):
            return
        source = self.string(where, e, "source", required=True)
        quote = self.string(where, e, "quote", required=True)
        self.string(where, e, "note")
        if not source or not quote:
            return
        if len(quote) > MAX_QUOTE:
            self.err(where, f"quote is {len(quote)} characters (max {MAX_QUOTE})")
        name, sep, title = source.partition(SOURCE_SEP)
        if not sep or not title.strip():
            self.err(where, f"source {source!r} is not '<seed file>{SOURCE_SEP}<title>'")
            return
        self.titles[name].add(title)
        self.sources_used[name] += 1
        text = self.doc(name)
        if text is None:
            self.err(where, f"seed file {name!r} not found in {self.seeds_dir}")
            return
        if normalise(quote) not in text:
            self.err(where, f"quote not found verbatim in {name}: {quote[:80]!r}...")

    def aliases(self, where, actor):
        """Every alias is a word of the seed document the actor's evidence cites: no invented names."""
        aliases = self.strings(where, actor, "aliases") or []
        source = (actor.get("evidence") or {}).get("source", "")
        if not aliases or not source:
            return
        text = self.doc(source.split(SOURCE_SEP)[0])
        for alias in aliases:
            if text is not None and not re.search(r"\b" + re.escape(normalise(alias)) + r"\b", text):
                self.err(where, f"alias {alias!r} is not in its evidence document")

    def sorted_check(self, where, items, keyfn):
        keys = [keyfn(x) for x in items]
        for i in range(1, len(keys)):
            if keys[i] < keys[i - 1]:
                self.err(where, f"not in stable order at index {i} ({keys[i - 1]} > {keys[i]})")
                return

    def run(self, path):
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as e:
            self.err(path, f"invalid JSON: {e}")
            return None
        if not self.fields("file", data, {"format", "actors", "programmes", "participations", "links"}):
            return None
        if data.get("format") != FORMAT:
            self.err("file", f"format must be {FORMAT!r}")
        if raw != json.dumps(data, ensure_ascii=False, indent=2) + "\n":
            self.err("file", "layout differs from json.dumps(indent=2, ensure_ascii=False) plus a final newline")
        for section in ("actors", "programmes", "participations", "links"):
            if not isinstance(data.get(section), list):
                self.err("file", f"{section} must be a list")
                data[section] = []

        # ---- actors
        actors = {}
        for i, a in enumerate(data["actors"]):
            where = f"actors[{i}]"
            if not self.fields(where, a, ACTOR_FIELDS):
                continue
            key = self.string(where, a, "key", required=True)
            where = f"actor {key or i}"
            if key and not KEY_RE.match(key):
                self.err(where, "key is not lowercase-kebab-case")
            if key in actors:
                self.err(where, "duplicate actor key")
            actors[key] = a
            self.string(where, a, "name", required=True)
            self.string(where, a, "description")
            self.aliases(where, a)
            kind = a.get("kind")
            if kind not in KINDS:
                self.err(where, f"kind {kind!r} is not one of {KINDS}")
            if kind == "Person":
                for fld in ORG_ONLY:
                    if fld in a:
                        self.err(where, f"a person has no {fld}")
                self.string(where, a, "title")
                self.strings(where, a, "roles")
                email = self.string(where, a, "email")
                if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
                    self.err(where, f"email {email!r} is not an address")
                self.string(where, a, "phone")
            elif kind == "Organisation":
                for fld in PERSON_ONLY:
                    if fld in a:
                        self.err(where, f"an organisation has no {fld}")
                if a.get("type") not in ORG_TYPES:
                    self.err(where, f"type {a.get('type')!r} is not one of the organisation types")
                sector = self.string(where, a, "sector")
                if sector and sector not in SECTORS:
                    self.err(where, f"sector {sector!r} is not one of {SECTORS}")
                self.string(where, a, "region")
                self.string(where, a, "parent")
            self.evidence(where, a)
        for key, a in actors.items():
            parent = a.get("parent")
            if a.get("kind") != "Organisation" or not parent:
                continue
            if parent == key:
                self.err(f"actor {key}", "an organisation cannot be its own parent")
            elif parent not in actors or actors[parent].get("kind") != "Organisation":
                self.err(f"actor {key}", f"parent {parent!r} is not an organisation in this file")
            seen, cur = {key}, parent
            while cur in actors and actors[cur].get("parent"):
                if cur in seen:
                    self.err(f"actor {key}", "parent chain has a cycle")
                    break
                seen.add(cur)
                cur = actors[cur]["parent"]
        self.sorted_check("actors", data["actors"],
                          lambda a: (KINDS.index(a["kind"]) if a.get("kind") in KINDS else 9, a.get("key", "")))

        # ---- programmes
        programmes = {}
        for i, p in enumerate(data["programmes"]):
            where = f"programmes[{i}]"
            if not self.fields(where, p, PROGRAMME_FIELDS):
                continue
            key = self.string(where, p, "key", required=True)
            where = f"programme {key or i}"
            if key and not KEY_RE.match(key):
                self.err(where, "key is not lowercase-kebab-case")
            if key in programmes:
                self.err(where, "duplicate programme key")
            programmes[key] = p
            self.string(where, p, "name", required=True)
            self.string(where, p, "description")
            self.strings(where, p, "aims")
            self.strings(where, p, "tags")
            start, end = self.date(where, p, "start"), self.date(where, p, "end")
            if start and end and end < start:
                self.err(where, "end is before start")
            self.evidence(where, p)
        self.sorted_check("programmes", data["programmes"], lambda p: p.get("key", ""))

        # ---- participations
        pairs = set()
        for i, p in enumerate(data["participations"]):
            where = f"participations[{i}]"
            if not self.fields(where, p, PART_FIELDS):
                continue
            actor, prog = p.get("actor"), p.get("programme")
            where = f"participation {actor}@{prog}"
            if actor not in actors:
                self.err(where, f"actor {actor!r} is not defined")
            if prog not in programmes:
                self.err(where, f"programme {prog!r} is not defined")
            if p.get("role") not in ROLES:
                self.err(where, f"role {p.get('role')!r} is not one of {ROLES}")
            if (actor, prog) in pairs:
                self.err(where, "duplicate participation (one role per actor and programme)")
            pairs.add((actor, prog))
            self.evidence(where, p)
        self.sorted_check("participations", data["participations"],
                          lambda p: (p.get("programme", ""), p.get("actor", "")))

        # ---- links
        link_keys, natural, undirected = set(), set(), set()
        for i, l in enumerate(data["links"]):
            where = f"links[{i}]"
            if not self.fields(where, l, LINK_FIELDS):
                continue
            src, dst, typ = l.get("source"), l.get("target"), l.get("type")
            where = f"link[{i}] {typ} {src}->{dst}"
            key = self.string(where, l, "key")
            if "key" in l:
                if not key or not KEY_RE.match(key):
                    self.err(where, "key is not lowercase-kebab-case")
                elif key in link_keys:
                    self.err(where, "duplicate link key")
                link_keys.add(key)
            if typ not in LINK_TYPES:
                self.err(where, f"type {typ!r} is not one of {LINK_TYPES}")
            for fld, v in (("source", src), ("target", dst)):
                if v not in actors:
                    self.err(where, f"{fld} {v!r} is not a defined actor")
            if src == dst:
                self.err(where, "source equals target")
            broker = l.get("brokeredBy")
            if broker is not None:
                if broker not in actors:
                    self.err(where, f"brokeredBy {broker!r} is not a defined actor")
                if broker in (src, dst):
                    self.err(where, "brokeredBy is one of the link's ends")
            prog = l.get("programme")
            if prog is not None and prog not in programmes:
                self.err(where, f"programme {prog!r} is not defined")
            directed = l.get("directed", False)
            if not isinstance(directed, bool):
                self.err(where, "directed must be true or false")
            w = l.get("weight", 1)
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not (0 < w <= 1e12):
                self.err(where, f"weight {w!r} must be a positive number")
            frm, to = self.date(where, l, "from"), self.date(where, l, "to")
            if frm and to and to < frm:
                self.err(where, "to is before from")
            nk = (src, dst, typ, prog or "", l.get("from", ""))
            if not key and nk in natural:
                self.err(where, "duplicate of another link (same ends, type, programme and from); give it a key")
            natural.add(nk)
            if not directed:
                uk = (frozenset((src, dst)), typ, prog or "", l.get("from", ""))
                if uk in undirected:
                    self.err(where, "duplicate undirected link (same pair, type, programme and from)")
                undirected.add(uk)
            self.evidence(where, l)
        self.sorted_check("links", data["links"],
                          lambda l: (l.get("type", ""), l.get("source", ""), l.get("target", ""),
                                     l.get("programme", ""), l.get("from", "")))

        for name, titles in self.titles.items():
            if len(titles) > 1:
                self.err("evidence", f"{name} is cited with {len(titles)} different titles: {sorted(titles)}")
        return data


def report(data, chk):
    actors = data["actors"]
    by_key = {a["key"]: a for a in actors}
    print(f"actors: {len(actors)}")
    for kind in KINDS:
        n = sum(1 for a in actors if a["kind"] == kind)
        print(f"  {kind}: {n}")
        if kind == "Organisation":
            c = collections.Counter(a["type"] for a in actors if a["kind"] == kind)
            for t in ORG_TYPES:
                if c[t]:
                    print(f"    {t}: {c[t]}")
    print(f"programmes: {len(data['programmes'])}")
    parts = data["participations"]
    print(f"participations: {len(parts)}")
    c = collections.Counter(p["role"] for p in parts)
    for r in ROLES:
        if c[r]:
            print(f"  {r}: {c[r]}")
    links = data["links"]
    print(f"links: {len(links)}")
    c = collections.Counter(l["type"] for l in links)
    for t in LINK_TYPES:
        if c[t]:
            print(f"  {t}: {c[t]}")
    print(f"  directed: {sum(1 for l in links if l.get('directed'))}, "
          f"dated: {sum(1 for l in links if l.get('from') or l.get('to'))}, "
          f"in a programme: {sum(1 for l in links if l.get('programme'))}, "
          f"weight>1: {sum(1 for l in links if l.get('weight', 1) > 1)}")
    brokered = [l for l in links if l.get("brokeredBy")]
    print(f"brokered links: {len(brokered)}")
    for l in brokered:
        print(f"  {l['source']} -- {l['target']} ({l['type']}) brokered by {l['brokeredBy']}")
    brokers = [p for p in parts if p["role"] == "BROKER"]
    print(f"BROKER participations: {len(brokers)}")
    for p in brokers:
        print(f"  {p['actor']} in {p['programme']}")
    # connected components of the undirected link graph (parents not counted)
    adj = collections.defaultdict(set)
    for l in links:
        adj[l["source"]].add(l["target"])
        adj[l["target"]].add(l["source"])
    seen, comps = set(), []
    for k in by_key:
        if k in seen:
            continue
        stack, comp = [k], []
        seen.add(k)
        while stack:
            u = stack.pop()
            comp.append(u)
            for v in adj[u]:
                if v not in seen:
                    seen.add(v)
                    stack.append(v)
        comps.append(comp)
    comps.sort(key=len, reverse=True)
    isolated = [c[0] for c in comps if len(c) == 1 and not adj[c[0]]]
    print(f"components (links only): {len(comps)}; sizes {[len(c) for c in comps if len(c) > 1]}; "
          f"actors without links: {len(isolated)} {isolated}")
    print("evidence per seed file: " + ", ".join(f"{k}: {v}" for k, v in sorted(chk.sources_used.items())))


def main():
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", default=os.path.join(here, "..", "seed", "demo.json"))
    ap.add_argument("--seeds", default=os.path.join(here, "..", "seed", "documents"))
    args = ap.parse_args()
    chk = Checker(args.seeds)
    data = chk.run(args.file)
    if chk.errors:
        for e in chk.errors:
            print("ERROR " + e, file=sys.stderr)
        print(f"{len(chk.errors)} error(s) in {args.file}", file=sys.stderr)
        return 1
    report(data, chk)
    print(f"OK: {os.path.normpath(args.file)} is valid; every quote found verbatim in its seed document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
