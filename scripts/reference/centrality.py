#!/usr/bin/env python3
"""Reference centrality values from networkx for every network in testdata/networks.

Writes graph/analysis/testdata/reference/centrality_<dataset>.json, which the Go tests in
graph/analysis compare node by node (|got-want| <= 1e-12 + 1e-9|want|, internal/testnet.Near).
Regenerate with one command:

    scripts/reference/setup                            # once: the pinned networkx, numpy, scipy
    python3 scripts/reference/centrality.py            # all datasets (about an hour: networkx on ca-hepth)
    python3 scripts/reference/centrality.py karate     # only names containing "karate"
    python3 scripts/reference/centrality.py --only eigenvector_exact   # one entry, others kept

It needs networkx, numpy and scipy at the versions scripts/reference/requirements.txt
pins; it re-executes itself with the environment scripts/reference/setup makes.

Conventions (they are what the Go side implements, see graph/analysis/centrality*.go):
  * GraphML files are read with nx.read_graphml: edgedefault decides directedness
    (the krackhardt_* files are directed). The SNAP files (ca-*.txt) are read as
    undirected simple graphs: each pair is listed both ways and merges, self-loops stay.
  * Weighted variants exist where the file has an edge attribute `weight` (tie
    strength). Shortest paths then use the length 1/weight, stored in the edge
    attribute `length` and passed to networkx as weight="length".
  * Eigenvector centrality with weights uses `weight` itself (adjacency entries).
  * Node-valued results are objects keyed by node id (JSON keys sorted); edge
    betweenness is a list of [u, v, value] with u < v for undirected graphs,
    sorted; self-loop edges are left out (networkx gives them 0).
"""

import argparse
import json
import os
import random
import sys
import time

# One BLAS thread: sums in a fixed order, so regenerated files do not change in
# the last digits (set before numpy loads).
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import refenv

refenv.use_pinned_tools()

import networkx as nx
import numpy as np
import scipy.sparse.linalg

ROOT, DATASETS, OUT = refenv.ROOT, refenv.NETWORKS, refenv.OUT

# Sampled betweenness (Brandes & Pich 2007) is checked on these datasets with
# the sources networkx itself draws for (k, seed).
SAMPLED = {"karate": 10, "lesmis": 20, "krackhardt_advice": 8, "netscience": 100}
SEED = 42


def nx_version():
    return tuple(int(p) for p in nx.__version__.split(".")[:2])


def load(path):
    if path.endswith(".graphml"):
        G = nx.read_graphml(path)
    else:
        G = nx.read_edgelist(path, comments="#", nodetype=str, create_using=nx.Graph)
    if G.is_multigraph():
        raise SystemExit(f"{path}: parallel edges; the Go snapshot merges them, networkx would not")
    weighted = G.number_of_edges() > 0 and all("weight" in d for _, _, d in G.edges(data=True))
    if weighted:
        for _, _, d in G.edges(data=True):
            d["length"] = 1.0 / float(d["weight"])
    return G, weighted


def by_key(d):
    return {str(k): float(v) for k, v in sorted(d.items(), key=lambda kv: str(kv[0]))}


def edge_list(G, d):
    rows = []
    for (u, v), val in d.items():
        if u == v:
            continue
        u, v = str(u), str(v)
        if not G.is_directed() and v < u:
            u, v = v, u
        rows.append([u, v, float(val)])
    rows.sort()
    return rows


def sampled_betweenness(G, k, weight):
    """networkx's betweenness_centrality(G, k, seed=SEED, weight) with the sources it draws.

    networkx >= 3.5 rescales sampled betweenness so that sampled sources and
    the other nodes are each unbiased (betweenness.py, _rescale with
    sampled_nodes); older versions multiply everything by n/k. We follow the
    current rule. The raw sums over the sampled sources come from networkx's
    own betweenness_centrality_subset; with networkx >= 3.5 the result is also
    checked against betweenness_centrality(k=...) itself.
    """
    sources = random.Random(SEED).sample(list(G.nodes()), k)
    n = len(G)
    raw = nx.betweenness_centrality_subset(G, sources, list(G), normalized=False, weight=weight)
    corr = 1 if G.is_directed() else 2
    raw = {v: b * corr for v, b in raw.items()}  # undo the subset helper's 1/2 for undirected graphs
    N = n - 1
    src = set(sources)
    vals = {v: b / ((k - 1) * (N - 1)) if v in src else b / (k * (N - 1)) for v, b in raw.items()}
    if nx_version() >= (3, 5):
        direct = nx.betweenness_centrality(G, k=k, seed=SEED, weight=weight)
        for v in G:
            assert abs(direct[v] - vals[v]) <= 1e-12 * (1 + abs(vals[v])), (v, direct[v], vals[v])
    eraw = nx.edge_betweenness_centrality_subset(G, sources, list(G), normalized=False, weight=weight)
    evals = {e: b * corr / (k * (n - 1)) for e, b in eraw.items()}
    return {"k": k, "seed": SEED, "sources": sorted(str(s) for s in sources),
            "betweenness": by_key(vals), "edge_betweenness": edge_list(G, evals)}


def power_eigenvector(G, weight):
    try:
        return {"values": by_key(nx.eigenvector_centrality(G, weight=weight))}
    except nx.PowerIterationFailedConvergence as e:
        return {"error": "PowerIterationFailedConvergence", "detail": str(e)}


def exact_eigenvector(G, weight):
    """The Perron eigenvector, when it is unique.

    The eigenvector for the largest eigenvalue of A (A^T for in-edges when
    directed) is unique when that eigenvalue is simple: always for a connected
    undirected or strongly connected directed graph, and for a disconnected
    undirected graph when one component's spectral radius is strictly the
    largest. Otherwise the entry says why it was skipped.
    """
    if G.is_directed():
        if not nx.is_strongly_connected(G):
            return {"skipped": "directed graph not strongly connected: Perron vector not unique"}
        comps = [set(G)]
    else:
        comps = [c for c in nx.connected_components(G) if len(c) > 1]
        if not comps:
            return {"skipped": "no edges"}
    radii = []
    for c in comps:
        # Sorted: set order depends on string hashing, which changes per process.
        M = nx.to_scipy_sparse_array(G.subgraph(c), nodelist=sorted(c, key=str), weight=weight, dtype=float)
        if len(c) <= 200:
            ev = np.linalg.eigvals(M.toarray())
        else:
            ev = scipy.sparse.linalg.eigs(M.T, k=2, which="LR", maxiter=100000, tol=0,
                                          v0=np.ones(len(c)), return_eigenvectors=False)
        radii.append(max(ev.real))
    radii.sort(reverse=True)
    if len(radii) > 1 and radii[0] - radii[1] <= 1e-9 * radii[0]:
        return {"skipped": f"largest eigenvalue {radii[0]!r} shared by several components"}
    return {"eigenvalue": float(radii[0]), "gap": float(radii[0] - radii[1]) if len(radii) > 1 else None,
            "values": by_key(numpy_eigenvector(G, weight))}


def numpy_eigenvector(G, weight):
    """networkx's eigenvector_centrality_numpy, computed as it does (ARPACK on the
    transposed adjacency, largest real part, unit norm, positive), but from a fixed
    start vector so that regenerated files do not change in the last digits; and
    networkx >= 3.2 refuses disconnected graphs even where the vector is unique."""
    M = nx.to_scipy_sparse_array(G, nodelist=list(G), weight=weight, dtype=float)
    _, vec = scipy.sparse.linalg.eigs(M.T, k=1, which="LR", maxiter=100000, tol=0, v0=np.ones(len(G)))
    largest = vec.flatten().real
    norm = np.sign(largest.sum()) * scipy.linalg.norm(largest)
    return dict(zip(G, largest / norm))


def dumps(v, depth):
    """JSON with one node value or one edge row per line: small diffs, easy to read."""
    pad = " " * depth
    if isinstance(v, dict) and v:
        items = [f"{pad} {json.dumps(k)}: {dumps(v[k], depth + 1)}" for k in sorted(v)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list) and v and isinstance(v[0], list):
        return "[\n" + ",\n".join(pad + " " + json.dumps(r) for r in v) + "\n" + pad + "]"
    return json.dumps(v)


def metrics(G, weighted, stem):
    """Every reference entry for G, by JSON key, as functions computing it."""
    m = {
        "betweenness": lambda: by_key(nx.betweenness_centrality(G)),
        "edge_betweenness": lambda: edge_list(G, nx.edge_betweenness_centrality(G)),
        "degree": lambda: by_key(nx.degree_centrality(G)),
        "harmonic": lambda: by_key(nx.harmonic_centrality(G)),
        "eigenvector": lambda: power_eigenvector(G, None),
        "eigenvector_exact": lambda: exact_eigenvector(G, None),
    }
    if weighted:
        m.update({
            "betweenness_weighted": lambda: by_key(nx.betweenness_centrality(G, weight="length")),
            "edge_betweenness_weighted": lambda: edge_list(G, nx.edge_betweenness_centrality(G, weight="length")),
            "harmonic_weighted": lambda: by_key(nx.harmonic_centrality(G, distance="length")),
            "eigenvector_weighted": lambda: power_eigenvector(G, "weight"),
            "eigenvector_exact_weighted": lambda: exact_eigenvector(G, "weight"),
        })
    if stem in SAMPLED:
        m["sampled"] = lambda: sampled_betweenness(G, SAMPLED[stem], None)
        if weighted:
            m["sampled_weighted"] = lambda: sampled_betweenness(G, SAMPLED[stem], "length")
    return m


def reference(path, only):
    """Writes the reference file for the dataset at path; with only, recomputes just
    those entries and keeps the rest of the existing file."""
    G, weighted = load(path)
    name = os.path.basename(path)
    stem = os.path.splitext(name)[0]
    dest = os.path.join(OUT, "centrality_" + stem + ".json")
    t0 = time.time()
    out = {
        "dataset": name,
        "generator": "scripts/reference/centrality.py",
        "networkx": nx.__version__,
        "directed": G.is_directed(),
        "weighted": weighted,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "self_loops": nx.number_of_selfloops(G),
        "tolerance": "|got-want| <= 1e-12 + 1e-9*|want|",
    }
    todo = metrics(G, weighted, stem)
    if only:
        with open(dest) as f:
            old = json.load(f)
        # The file records one networkx version: mixing entries from two would
        # make that record false.
        if old.get("networkx") != nx.__version__:
            raise SystemExit(f"{dest}: made with networkx {old.get('networkx')}, this is {nx.__version__}: "
                             "regenerate the whole file (without --only)")
        out = dict(old, **{k: out[k] for k in ("generator", "networkx", "tolerance")})
        todo = {k: fn for k, fn in todo.items() if k in only}
    for key, fn in todo.items():
        out[key] = fn()
    os.makedirs(OUT, exist_ok=True)
    with open(dest + ".tmp", "w") as f:
        f.write(dumps(out, 0) + "\n")
    os.replace(dest + ".tmp", dest)
    print(f"{name}: n={out['nodes']} m={out['edges']} {', '.join(todo)} -> {os.path.relpath(dest, ROOT)} "
          f"({time.time() - t0:.1f}s)", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description="networkx reference centralities for testdata/networks")
    ap.add_argument("names", nargs="*", help="only datasets whose file name contains one of these")
    ap.add_argument("--only", help="comma-separated entries to recompute (e.g. eigenvector_exact), "
                                   "keeping the rest of the existing files")
    args = ap.parse_args()
    names = sorted(f for f in os.listdir(DATASETS) if f.endswith((".graphml", ".txt")))
    if args.names:
        names = [f for f in names if any(a in f for a in args.names)]
    only = set(args.only.split(",")) if args.only else None
    for f in names:
        reference(os.path.join(DATASETS, f), only)


if __name__ == "__main__":
    main()
