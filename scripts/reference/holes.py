#!/usr/bin/env python3
"""Reference values for graph/analysis structural holes, cut-points and
removal impact, computed with networkx on every network in testdata/networks.

Run (after scripts/reference/setup):  python3 scripts/reference/holes.py [NAME ...]
(NAME is a dataset file name without extension; default: all of them).
Writes graph/analysis/testdata/reference/{holes,cuts,impact}_<name>.json.

Conventions (the same as the Go code; see holes.go, cuts.go, impact.go):
- GraphML as networkx reads it; SNAP .txt files as nx.read_edgelist into an
  undirected Graph (each pair listed both ways merges into one edge).
- Structural holes (nx.constraint, nx.effective_size; efficiency as the
  networkx documentation computes it, effective size / degree; see holes()
  for the effective size of networks over BIG nodes) run on the
  graph with self-loops removed: Burt's sums are over contacts j != i, and
  networkx would otherwise count ego as its own contact. Unweighted always;
  weighted (weight="weight") where edges carry weights. Nodes without any
  contact are NaN in networkx and null here.
- networkx's pure-Python path (no scipy here) returns NaN for a directed
  node whose only ties are incoming (it tests len(G[v]), the successors);
  networkx's scipy path and its documented definition (contacts are
  predecessors or successors) give a value. For those nodes the value is
  recomputed from networkx's own local_constraint and normalized_mutual_weight
  and the nodes are listed under "recomputed".
- Efficiency divides by the number of contacts (distinct predecessors and
  successors): G.degree(v) for a loop-free undirected graph, which is the
  networkx recipe.
- Cut-points, bridges, components and removal impact use the undirected view
  (G.to_undirected()). Density is nx.density(G) on the graph as read.
- One synthetic case, krackhardt_advice_weighted, gives krackhardt_advice
  random integer weights 1..5 (seed 1989); its edge list is written to
  holes_krackhardt_advice_weighted_edges.csv for the Go test to rebuild.
"""
import json
import math
import os
import random
import sys
import time

import refenv

refenv.use_pinned_tools()

import networkx as nx
from networkx.algorithms.structuralholes import local_constraint, normalized_mutual_weight

DATASETS, OUT = refenv.NETWORKS, refenv.OUT


def load(name):
    gml = os.path.join(DATASETS, name + ".graphml")
    if os.path.exists(gml):
        return nx.read_graphml(gml)
    return nx.read_edgelist(os.path.join(DATASETS, name + ".txt"), comments="#", nodetype=str)


def num(x):
    return None if x is None or math.isnan(x) else x


def contacts(G, v):
    return set(nx.all_neighbors(G, v)) - {v}


# networkx's effective_size for an undirected unweighted graph calls
# ego_graph(G, v, undirected=True) per node, which copies the whole graph
# (G.to_undirected()): hours on ca-hepth. For networks this big we pass a
# weight key no edge has, so every tie weighs 1 and networkx uses its
# general formula instead; on the smaller networks both are computed and
# must agree to 1e-12.
BIG = 3000
UNIT = "__unit_weight__"


def holes(G, weight):
    H = G.copy()
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    con = nx.constraint(H, weight=weight)
    if weight is None and not H.is_directed() and H.number_of_nodes() > BIG:
        esz = nx.effective_size(H, weight=UNIT)
    else:
        esz = nx.effective_size(H, weight=weight)
        if weight is None and not H.is_directed():
            general = nx.effective_size(H, weight=UNIT)
            for v in H:
                a, b = esz[v], general[v]
                assert (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12 * max(1, abs(a)), (v, a, b)
    recomputed = []
    for v in H:
        c = contacts(H, v)
        if not c or not (math.isnan(con[v]) or math.isnan(esz[v])):
            continue
        recomputed.append(v)
        con[v] = sum(local_constraint(H, v, n, weight=weight) for n in c)
        esz[v] = sum(
            1 - sum(normalized_mutual_weight(H, v, w, weight=weight)
                    * normalized_mutual_weight(H, u, w, norm=max, weight=weight)
                    for w in c)
            for u in c)
    eff = {v: (esz[v] / len(contacts(H, v)) if contacts(H, v) else float("nan")) for v in H}
    return {
        "constraint": {v: num(con[v]) for v in H},
        "effective_size": {v: num(esz[v]) for v in H},
        "efficiency": {v: num(eff[v]) for v in H},
        "recomputed": sorted(recomputed),
    }


def cuts(G):
    U = G.to_undirected() if G.is_directed() else G
    comps = list(nx.connected_components(U))
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "density": nx.density(G),
        "components": len(comps),
        "largest": max((len(c) for c in comps), default=0),
        "articulation_points": sorted(nx.articulation_points(U)),
        "bridges": sorted(sorted(e) for e in nx.bridges(U)),
    }


def distance_sums(G, sources, keep):
    """Sum and count of shortest distances in G over the unordered pairs of
    nodes from `sources` to nodes in `keep` that can reach each other."""
    total = pairs = 0
    for s in sources:
        for t, d in nx.single_source_shortest_path_length(G, s).items():
            if t != s and t in keep:
                total += d
                pairs += 1
    return total // 2, pairs // 2


def state(U):
    comps = list(nx.connected_components(U))
    n = U.number_of_nodes()
    largest = max((len(c) for c in comps), default=0)
    connected = sum(len(c) * (len(c) - 1) // 2 for c in comps)
    return {
        "nodes": n,
        "components": len(comps),
        "largest": largest,
        "largest_share": largest / n if n else 0.0,
        "unreachable_pairs": n * (n - 1) // 2 - connected,
    }


def impact(G, removed):
    U = nx.Graph(G.to_undirected() if G.is_directed() else G)
    U.remove_edges_from(list(nx.selfloop_edges(U)))
    H = U.copy()
    H.remove_nodes_from(removed)
    rest = set(H)
    # Pairs of remaining nodes still connected in H: the set P.
    after_sum, after_pairs = distance_sums(H, H, rest)
    before_sum, before_pairs = 0, 0
    comp = {}
    for i, c in enumerate(nx.connected_components(H)):
        for v in c:
            comp[v] = i
    for s in H:
        for t, d in nx.single_source_shortest_path_length(U, s).items():
            if t != s and t in rest and comp[t] == comp[s]:
                before_sum += d
                before_pairs += 1
    before_sum //= 2
    before_pairs //= 2
    assert before_pairs == after_pairs
    # Pairs of remaining nodes connected in U but not in H.
    ucomp = {}
    for i, c in enumerate(nx.connected_components(U)):
        for v in c:
            ucomp[v] = i
    counts = {}
    for v in rest:
        counts[ucomp[v]] = counts.get(ucomp[v], 0) + 1
    connected_before = sum(k * (k - 1) // 2 for k in counts.values())
    return {
        "removed": sorted(removed),
        "before": state(U),
        "after": state(H),
        "disconnected_pairs": connected_before - after_pairs,
        "connected_pairs": after_pairs,
        "distance_before": before_sum / before_pairs if before_pairs else 0.0,
        "distance_after": after_sum / after_pairs if after_pairs else 0.0,
        "isolated": sorted(v for v in rest if H.degree(v) == 0 and U.degree(v) > 0),
    }


def removal_cases(G, big):
    U = G.to_undirected() if G.is_directed() else G
    U = nx.Graph(U)
    U.remove_edges_from(list(nx.selfloop_edges(U)))
    by_degree = sorted(U, key=lambda v: (-U.degree(v), v))
    cases = [("max_degree", by_degree[:1])]
    if not big:
        aps = set(nx.articulation_points(U))
        top_cuts = [v for v in by_degree if v in aps][:3]
        cases.append(("top_cutpoints", top_cuts or by_degree[:3]))
        cases.append(("top5_degree", by_degree[:5]))
    return [dict(name=name, **impact(G, removed)) for name, removed in cases]


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")
    print("wrote", path, file=sys.stderr)


def weighted_krackhardt():
    G = load("krackhardt_advice")
    rng = random.Random(1989)
    for u, v in sorted(G.edges()):
        G[u][v]["weight"] = rng.randint(1, 5)
    path = os.path.join(OUT, "holes_krackhardt_advice_weighted_edges.csv")
    with open(path, "w") as f:
        f.write("# krackhardt_advice with random weights 1..5 (random.Random(1989)), by scripts/reference/holes.py"
                f" with networkx {nx.__version__}\n")
        f.write("source,target,weight\n")
        for u, v in sorted(G.edges()):
            f.write(f"{u},{v},{G[u][v]['weight']}\n")
    return G


def main():
    # Sets iterate in hash order, which changes the last bits of the sums;
    # a fixed seed makes the output files reproducible byte for byte.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})
    names = sys.argv[1:] or sorted(
        os.path.splitext(f)[0] for f in os.listdir(DATASETS)
        if f.endswith(".graphml") or f.endswith(".txt"))
    meta = {"networkx": nx.__version__, "script": "scripts/reference/holes.py"}
    synthetic = "krackhardt_advice_weighted"
    for name in names:
        if name == synthetic:
            continue
        t0 = time.time()
        G = load(name)
        big = G.number_of_nodes() > BIG
        weighted = any("weight" in d for _, _, d in G.edges(data=True))
        h = {"dataset": name, "directed": G.is_directed(), "unweighted": holes(G, None), **meta}
        if weighted:
            h["weighted"] = holes(G, "weight")
        write(f"holes_{name}.json", h)
        write(f"cuts_{name}.json", {"dataset": name, **cuts(G), **meta})
        write(f"impact_{name}.json", {"dataset": name, "cases": removal_cases(G, big), **meta})
        print(f"{name}: {time.time() - t0:.1f}s", file=sys.stderr)
    if not sys.argv[1:] or synthetic in names:
        G = weighted_krackhardt()
        write(f"holes_{synthetic}.json",
              {"dataset": synthetic, "directed": True, "weighted": holes(G, "weight"), **meta})


if __name__ == "__main__":
    main()
