#!/usr/bin/env python3
"""Convert a SNAP undirected edge list (such as testdata/networks/ca-grqc.txt)
to partnergraph's JSON network format ("partnergraph/1") for
`partnergraph import`.

Every node becomes a person whose key is the node id; every distinct pair
becomes one undirected COLLABORATION link. Self-loops and repeated pairs
(SNAP lists each pair both ways) are skipped.

    scripts/ca-grqc-to-json.py testdata/networks/ca-grqc.txt > /tmp/ca-grqc.json
    partnergraph import --data DIR /tmp/ca-grqc.json
"""
import json
import sys


def read_pairs(lines, nodes):
    """Yields (a, b) node-id pairs, self-loops and repeats removed, a < b.
    Every node seen, even one with only a self-loop, is added to nodes."""
    seen = set()
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        a, b = line.split()[:2]
        nodes.setdefault(a, None)
        nodes.setdefault(b, None)
        if a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        if pair in seen:
            continue
        seen.add(pair)
        yield pair


def document(lines, source):
    nodes, links = {}, []
    for a, b in read_pairs(lines, nodes):
        links.append({"key": f"{a}-{b}", "type": "COLLABORATION", "source": a, "target": b})
    actors = [{"key": n, "kind": "Person", "name": f"Author {n}",
               "evidence": {"source": source}} for n in nodes]
    return {"format": "partnergraph/1", "actors": actors, "programmes": [],
            "participations": [], "links": links}


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: ca-grqc-to-json.py EDGELIST > network.json")
    with open(argv[1], encoding="utf-8") as f:
        doc = document(f, "SNAP ca-GrQc (Leskovec, Kleinberg, Faloutsos 2007)")
    json.dump(doc, sys.stdout, separators=(",", ":"))
    print(f"{len(doc['actors'])} actors, {len(doc['links'])} links", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
