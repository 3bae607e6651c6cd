"""What the reference scripts share: where the networks and the reference
files are, and the pinned tools that make them.

Every script calls use_pinned_tools() before importing networkx, so the files
it writes record the versions in requirements.txt whatever python3 ran it.
"""
import importlib.metadata
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NETWORKS = os.path.join(ROOT, "testdata", "networks")
OUT = os.path.join(ROOT, "graph", "analysis", "testdata", "reference")
VENV = os.path.join(ROOT, ".cache", "reference", "venv")


def pins():
    """The name==version lines of requirements.txt, as a dict."""
    out = {}
    with open(os.path.join(HERE, "requirements.txt")) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line:
                name, version = line.split("==")
                out[name.strip()] = version.strip()
    return out


def use_pinned_tools():
    """Re-executes the running script with the environment scripts/reference/setup
    made, or exits saying how to make it; inside it, checks the pinned versions."""
    if os.path.realpath(sys.prefix) != os.path.realpath(VENV):
        python = os.path.join(VENV, "bin", "python")
        if not os.path.exists(python):
            sys.exit("reference tools not installed: run scripts/reference/setup")
        os.execv(python, [python] + sys.argv)
    wrong = [f"{n} {importlib.metadata.version(n)} (pinned {v})" for n, v in pins().items()
             if importlib.metadata.version(n) != v]
    if wrong:
        sys.exit(f"reference tools differ from requirements.txt: {', '.join(wrong)}: run scripts/reference/setup")
