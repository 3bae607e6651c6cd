#!/usr/bin/python3
"""Reference communities and modularity for every network in testdata/networks.

Writes graph/analysis/testdata/reference/communities_<dataset>.json, which
graph/analysis/communities_test.go reads:
  * partition: networkx's louvain_communities(G, seed=0) as node -> community,
    with networkx.community.modularity of it at resolutions 0.5, 1 and 2
    ("modularity"); Go's Modularity must give the same to 1e-9.
  * louvain: networkx's louvain_communities modularity for seeds 0..9 and the best;
    Go's best of Leiden over the same seeds must reach the best minus 0.5%.
  * igraph: igraph's community_leiden(objective_function="modularity",
    n_iterations=-1) best over seeds 0..9, run by /usr/bin/python3 (Debian
    python3-igraph) on the undirected view (reciprocal arcs summed) and scored
    here with networkx's modularity of G; absent when that python has no igraph.

    python3 scripts/reference/communities.py            # all networks (a few minutes: ca-hepth)
    python3 scripts/reference/communities.py karate     # names containing "karate"

Weighted networks (every edge has `weight`) use weight="weight" throughout.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import refenv

refenv.use_pinned_tools()

import networkx as nx

ROOT, DATASETS, OUT = refenv.ROOT, refenv.NETWORKS, refenv.OUT
SEEDS = list(range(10))
RESOLUTIONS = {"0.5": 0.5, "1": 1.0, "2": 2.0}

IGRAPH = r"""
import json, random, sys
import igraph as ig
d = json.load(sys.stdin)
g = ig.Graph(n=d["n"], edges=d["edges"], directed=False)
g.es["weight"] = d["weights"]
g = g.simplify(multiple=True, loops=False, combine_edges="sum")
out = []
for seed in d["seeds"]:
    random.seed(seed)
    c = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
    out.append(c.membership)
print(json.dumps({"version": ig.__version__, "memberships": out}))
"""


def load(path):
    if path.endswith(".graphml"):
        G = nx.read_graphml(path)
    else:
        G = nx.read_edgelist(path, comments="#", nodetype=str, create_using=nx.Graph)
    weighted = G.number_of_edges() > 0 and all("weight" in d for _, _, d in G.edges(data=True))
    if weighted:
        for _, _, d in G.edges(data=True):
            d["weight"] = float(d["weight"])
    return G, weighted


def igraph_leiden(G, weight):
    """igraph's Leiden partitions for SEEDS, or None when /usr/bin/python3 has no igraph."""
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    edges, weights = [], []
    for u, v, d in G.edges(data=True):
        edges.append([index[u], index[v]])
        weights.append(d.get(weight, 1.0) if weight else 1.0)
    p = subprocess.run(["/usr/bin/python3", "-c", IGRAPH], capture_output=True, text=True,
                       input=json.dumps({"n": len(nodes), "edges": edges, "weights": weights, "seeds": SEEDS}))
    if p.returncode != 0:
        print(f"igraph not run: {p.stderr.strip().splitlines()[-1]}", file=sys.stderr)
        return None
    res = json.loads(p.stdout)
    parts = []
    for m in res["memberships"]:
        comms = {}
        for i, c in enumerate(m):
            comms.setdefault(c, set()).add(nodes[i])
        parts.append(list(comms.values()))
    return res["version"], parts


def reference(path):
    G, weighted = load(path)
    weight = "weight" if weighted else None
    name = os.path.basename(path)
    stem = os.path.splitext(name)[0]
    t0 = time.time()
    runs = []
    for seed in SEEDS:
        comms = nx.community.louvain_communities(G, weight=weight, seed=seed)
        runs.append({"seed": seed, "modularity": nx.community.modularity(G, comms, weight=weight), "communities": comms})
    first = runs[0]["communities"]
    partition = {str(v): i for i, c in enumerate(sorted(first, key=lambda c: min(map(str, c)))) for v in c}
    out = {
        "dataset": name,
        "generator": "scripts/reference/communities.py",
        "networkx": nx.__version__,
        "directed": G.is_directed(),
        "weighted": weighted,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "tolerance": "modularity |got-want| <= 1e-12 + 1e-9*|want|; best of seeds >= (1-0.005) * reference best",
        "partition": dict(sorted(partition.items())),
        "modularity": {k: nx.community.modularity(G, first, weight=weight, resolution=r) for k, r in RESOLUTIONS.items()},
        "louvain": {"seeds": SEEDS, "modularity": [r["modularity"] for r in runs],
                    "best": max(r["modularity"] for r in runs)},
    }
    ig = igraph_leiden(G, weight)
    if ig:
        version, parts = ig
        q = [nx.community.modularity(G, p, weight=weight) for p in parts]
        out["igraph"] = {"version": version, "seeds": SEEDS, "modularity": q, "best": max(q),
                         "call": 'community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)'}
    os.makedirs(OUT, exist_ok=True)
    dest = os.path.join(OUT, "communities_" + stem + ".json")
    with open(dest + ".tmp", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(dest + ".tmp", dest)
    print(f"{name}: louvain best {out['louvain']['best']:.6f}"
          + (f" igraph best {out['igraph']['best']:.6f}" if ig else "")
          + f" -> {os.path.relpath(dest, ROOT)} ({time.time() - t0:.1f}s)", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description="networkx (and igraph) reference communities for testdata/networks")
    ap.add_argument("names", nargs="*", help="only networks whose file name contains one of these")
    args = ap.parse_args()
    names = sorted(f for f in os.listdir(DATASETS) if f.endswith((".graphml", ".txt")))
    if args.names:
        names = [f for f in names if any(a in f for a in args.names)]
    for f in names:
        reference(os.path.join(DATASETS, f))


if __name__ == "__main__":
    main()
