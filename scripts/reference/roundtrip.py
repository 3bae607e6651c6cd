#!/usr/bin/env python3
"""Reads a network file that `partnergraph export` wrote, as a researcher
would with networkx, and prints networkx's metrics for every node as JSON:
{"networkx": VERSION, "directed": bool, "metric": {node: value}}.

    python3 scripts/reference/roundtrip.py FILE.graphml|FILE.gexf

networkx reads a graph with parallel edges as a multigraph; like the
server, which merges parallel links into one tie, it is analysed as the
simple graph (nx.Graph / nx.DiGraph). Unweighted, networkx defaults.
"""
import json
import sys

import networkx as nx


def main(path):
    g = nx.read_gexf(path) if path.endswith(".gexf") else nx.read_graphml(path)
    g = nx.DiGraph(g) if g.is_directed() else nx.Graph(g)
    out = {
        "networkx": nx.__version__,
        "directed": g.is_directed(),
        "betweenness": nx.betweenness_centrality(g),
        "degree": nx.degree_centrality(g),
        "closeness": nx.harmonic_centrality(g),
    }
    if not g.is_directed():
        out["constraint"] = {v: c for v, c in nx.constraint(g).items() if c == c}
        out["effective-size"] = {v: c for v, c in nx.effective_size(g).items() if c == c}
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
