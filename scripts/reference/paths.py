#!/usr/bin/env python3
"""Reference values for graph/analysis paths*.go, computed with networkx.

For every network in testdata/networks (GraphML, and SNAP .txt edge lists read
as undirected graphs) this picks a fixed-seed sample of node pairs and writes
graph/analysis/testdata/reference/paths_<name>.json with, per pair:

  hops, wcost        shortest path length by hops / by Σ 1/weight (None: unreachable)
  k_hops, k_w        costs of the first K=10 shortest_simple_paths
  k_hops_sure, k_w_sure
                     those of the first K paths whose cost is below the
                     (K+1)-th path's cost: the set every correct answer shares
  all_hops, all_w    number of all_shortest_paths (None if above CAP)
  all_hops_paths, all_w_paths  the paths themselves when at most SMALL
  introducers        share of the hop-shortest paths through each
                     intermediate node, counted from the enumerated paths
  connectivity       nx.algorithms.connectivity.local_node_connectivity
  min_cut            nx.minimum_node_cut(G, s, t) when connectivity is 1 and
                     s, t are not adjacent (it can come back empty on
                     directed graphs: networkx gives the auxiliary graph's
                     edge arcs capacity 1 too, so its minimum cut may fall on
                     one of them, which maps to no node)
  critical           brute force: nodes of one s–t path whose removal
                     disconnects t from s (when connectivity is 1)

Weights: tie strength `weight` (larger = stronger); the length of an edge is
1/weight, as in graph/analysis. The Go tests compare lengths and costs with
internal/testnet.Near: |got-want| <= 1e-12 + 1e-9|want|.
Usage (after scripts/reference/setup): python3 scripts/reference/paths.py
"""
import itertools
import json
import os
import random
import sys

import refenv

refenv.use_pinned_tools()

import networkx as nx
from networkx.algorithms.connectivity import (
    build_auxiliary_node_connectivity,
    local_node_connectivity,
)
from networkx.algorithms.flow import build_residual_network

K = 10
CAP = 20000   # enumerate at most this many shortest paths to count them
SMALL = 20    # list the shortest paths when there are at most this many

ROOT, OUT = refenv.ROOT, refenv.OUT


def load(path):
    if path.endswith(".graphml"):
        g = nx.read_graphml(path)
        if g.is_multigraph():  # merge parallel edges, the strongest tie wins
            h = nx.DiGraph() if g.is_directed() else nx.Graph()
            h.add_nodes_from(g.nodes(data=True))
            for u, v, d in g.edges(data=True):
                w = d.get("weight", 1.0)
                if not h.has_edge(u, v) or h[u][v]["weight"] < w:
                    h.add_edge(u, v, weight=w)
            g = h
    else:
        g = nx.read_edgelist(path, comments="#", nodetype=str)
    weighted = any("weight" in d for _, _, d in g.edges(data=True))
    for _, _, d in g.edges(data=True):
        d["cost"] = 1.0 / float(d.get("weight", 1.0))
    return g, weighted


def pairs(g, name, count):
    rng = random.Random("paths-" + name)
    nodes = list(g.nodes())
    out = []
    while len(out) < count:
        s = rng.choice(nodes)
        reach = [v for v in nx.descendants(g, s)] if g.is_directed() else list(nx.node_connected_component(g, s) - {s})
        if reach and rng.random() < 0.85:
            t = rng.choice(sorted(reach))
        else:
            t = rng.choice(nodes)
        if s != t:
            out.append((s, t))
    return out


def cost(g, p, weight):
    if weight is None:
        return len(p) - 1
    return sum(g.adj[u][v][weight] for u, v in zip(p, p[1:]))


def kpaths(g, s, t, weight):
    ps = list(itertools.islice(nx.shortest_simple_paths(g, s, t, weight=weight), K + 1))
    cs = [cost(g, p, weight) for p in ps]
    sure = ps[:K] if len(ps) <= K else [p for p, c in zip(ps[:K], cs) if c < cs[K]]
    return cs[:K], sorted(sure)


def allpaths(g, s, t, weight):
    ps = list(itertools.islice(nx.all_shortest_paths(g, s, t, weight=weight), CAP + 1))
    if len(ps) > CAP:
        return None, None, ps
    return len(ps), (sorted(ps) if len(ps) <= SMALL else None), ps


def critical(g, s, t):
    path = nx.shortest_path(g, s, t)
    out = []
    for v in path[1:-1]:
        if not nx.has_path(nx.restricted_view(g, [v], []), s, t):
            out.append(v)
    return out


def pair_record(g, weighted, s, t, aux, res):
    rec = {"s": s, "t": t}
    if not nx.has_path(g, s, t):
        rec.update(hops=None, connectivity=0)
        return rec
    rec["hops"] = nx.shortest_path_length(g, s, t)
    rec["k_hops"], rec["k_hops_sure"] = kpaths(g, s, t, None)
    n, small, ps = allpaths(g, s, t, None)
    rec["all_hops"], rec["all_hops_paths"] = n, small
    if n is not None:
        through = {}
        for p in ps:
            for v in p[1:-1]:
                through[v] = through.get(v, 0) + 1
        rec["introducers"] = {v: c / n for v, c in through.items()}
    if weighted:
        rec["wcost"] = nx.shortest_path_length(g, s, t, weight="cost")
        rec["k_w"], rec["k_w_sure"] = kpaths(g, s, t, "cost")
        n, small, _ = allpaths(g, s, t, "cost")
        rec["all_w"], rec["all_w_paths"] = n, small
    k = local_node_connectivity(g, s, t, auxiliary=aux, residual=res)
    rec["connectivity"] = k
    rec["adjacent"] = g.has_edge(s, t)
    if k == 1 and not rec["adjacent"]:
        rec["min_cut"] = sorted(nx.minimum_node_cut(g, s, t))
        rec["critical"] = critical(g, s, t)
    return rec


def main():
    ddir = refenv.NETWORKS
    os.makedirs(OUT, exist_ok=True)
    for fn in sorted(os.listdir(ddir)):
        if not (fn.endswith(".graphml") or fn.endswith(".txt")):
            continue
        name = fn.rsplit(".", 1)[0]
        g, weighted = load(os.path.join(ddir, fn))
        aux = build_auxiliary_node_connectivity(g)
        res = build_residual_network(aux, "capacity")
        count = 30 if g.number_of_nodes() < 100 else 50
        recs = [pair_record(g, weighted, s, t, aux, res) for s, t in pairs(g, name, count)]
        doc = {"dataset": fn, "directed": g.is_directed(), "weighted": weighted, "k": K,
               "networkx": nx.__version__, "pairs": recs}
        with open(os.path.join(OUT, "paths_%s.json" % name), "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
        print("paths_%s.json: %d pairs" % (name, len(recs)), file=sys.stderr)


if __name__ == "__main__":
    main()
