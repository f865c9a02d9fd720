#!/usr/bin/env python3
"""Regenerates the table in docs/fields.md from crates/catalog/data/fields.toml.

The table is the part of the "## The table" section made of `|` lines; the text
around it is kept. One row per canonical field, in the order of the TOML file:

    | canonical | Sigma | Elastic | Splunk | relation |

The Splunk cell lists `splunk`, then `splunk_raw` after "raw:".
(`docs_list_every_canonical_field` in crates/frontend/src/fieldtable.rs checks
that every canonical field has a row.) It also checks that no `splunk_raw` name
is another field's, nor a `splunk` name of another field: a Splunk name means
one field.

Usage: scripts/fields-doc.py [--check]   (--check: exit 1 if the doc is stale)
"""
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOML = ROOT / "crates/catalog/data/fields.toml"
DOC = ROOT / "docs/fields.md"
HEADING = "## The table"


def names(values):
    return ", ".join(f"`{v}`" for v in values)


def table(fields):
    rows = ["| canonical | Sigma | Elastic | Splunk | relation |", "|---|---|---|---|---|"]
    for f in fields:
        relation = ""
        if f.get("basename_of"):
            relation = f"name of `{f['basename_of']}`"
        elif f.get("extension_of"):
            relation = f"extension of `{f['extension_of']}`"
        splunk = names(f.get("splunk", []))
        if f.get("splunk_raw"):
            splunk = "; ".join(filter(None, [splunk, "raw: " + names(f["splunk_raw"])]))
        cells = [f"`{f['name']}`", names(f.get("sigma", [])), names(f.get("elastic", [])), splunk, relation]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def raw_conflicts(fields):
    """Splunk raw names that another field also claims (as `splunk` or `splunk_raw`)."""
    owner, problems = {}, []
    for f in fields:
        for name in f.get("splunk", []):
            owner.setdefault(name, f["name"])
    for f in fields:
        for name in f.get("splunk_raw", []):
            other = owner.setdefault(name, f["name"])
            if other != f["name"]:
                problems.append(f"Splunk name `{name}` is listed for both {other} and {f['name']}")
    return problems


def main():
    fields = tomllib.loads(TOML.read_text())["field"]
    problems = raw_conflicts(fields)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    lines = DOC.read_text().split("\n")
    start = lines.index(HEADING)
    first = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("|"))
    end = next((i for i in range(first, len(lines)) if not lines[i].startswith("|")), len(lines))
    new = "\n".join(lines[:first] + table(fields) + lines[end:])
    if not new.endswith("\n"):
        new += "\n"
    if "--check" in sys.argv[1:]:
        stale = new != DOC.read_text()
        print("docs/fields.md is stale: run scripts/fields-doc.py" if stale else "docs/fields.md is up to date")
        return 1 if stale else 0
    DOC.write_text(new)
    print(f"docs/fields.md: {len(fields)} canonical fields")
    return 0


if __name__ == "__main__":
    sys.exit(main())
