#!/usr/bin/env python3
"""Convert a GraphML network to CSV files that R can read without igraph.

Usage: net2csv.py NETWORK.graphml ATTR OUTDIR

Writes OUTDIR/nodes.csv (key, ATTR as text, in GraphML node order),
OUTDIR/edges.csv (source, target, one row per edge as stored) and
OUTDIR/meta.csv (directed: TRUE or FALSE). Used by brokerage.R.
"""
import csv
import os
import sys

import refenv

refenv.use_pinned_tools()

import networkx as nx


def main():
    path, attr, outdir = sys.argv[1:4]
    g = nx.read_graphml(path)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "nodes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "group"])
        for v, d in g.nodes(data=True):
            w.writerow([v, str(d.get(attr, ""))])
    with open(os.path.join(outdir, "edges.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "target"])
        for u, v in g.edges():
            w.writerow([u, v])
    with open(os.path.join(outdir, "meta.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["directed"])
        w.writerow(["TRUE" if g.is_directed() else "FALSE"])


if __name__ == "__main__":
    main()
