#!/usr/bin/env python3
"""Compares `rule-atlas explain` with pySigma, the reference Sigma implementation.

For every Sigma rule file given (or every rule under a Sigma clone), both
readings are reduced to one canonical tree -- and/or flattened and sorted,
leaves as (field, kind, value, case-sensitive) -- and compared. Prints the
agreement rate and the first disagreements.

Not part of the test suite (it needs `pip install pysigma`); run it by hand:
    scripts/compare-pysigma.py ../shared/corpus/sigma [--show 10]
"""
import json
import subprocess
import sys
from pathlib import Path

from sigma.rule import SigmaRule
import sigma.conditions as C
import sigma.types as T

FOLDERS = ["rules", "rules-emerging-threats", "rules-threat-hunting", "rules-compliance", "rules-placeholder"]


def encode(tokens):
    """The catalog's canonical wildcard spelling (crates/catalog/src/wildcard.rs)."""
    out = []
    for i, t in enumerate(tokens):
        if t == "*ANY":
            out.append("*")
        elif t == "?ONE":
            out.append("?")
        elif t in ("*", "?"):
            out.append("\\" + t)
        elif t == "\\":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            out.append("\\\\" if nxt in ("*ANY", "?ONE", "*", "?", "\\") else "\\")
        else:
            out.append(t)
    return "".join(out)


def sigma_string(s):
    tokens = []
    for part in s.s:
        if part == T.SpecialChars.WILDCARD_MULTI:
            tokens.append("*ANY")
        elif part == T.SpecialChars.WILDCARD_SINGLE:
            tokens.append("?ONE")
        elif isinstance(part, T.Placeholder):
            tokens.extend("%" + part.name + "%")
        else:
            tokens.extend(part)
    wild = any(t in ("*ANY", "?ONE") for t in tokens)
    return wild, encode(tokens), "".join(t for t in tokens)


def leaf(field, value, keyword=False):
    cased = isinstance(value, getattr(T, "SigmaCasedString", ()))
    if isinstance(value, T.SigmaExpansion):
        return ("or", tuple(sorted(leaf(field, v, keyword) for v in value.values)))
    if isinstance(value, T.SigmaString):
        wild, pattern, literal = sigma_string(value)
        if keyword:
            return (None, "match", pattern, cased)
        return (field, "wildcard", pattern, cased) if wild else (field, "eq", literal, cased)
    if isinstance(value, T.SigmaRegularExpression):
        flags = {f.name for f in getattr(value, "flags", set())}
        prefix = "".join(c for c, n in (("m", "MULTILINE"), ("s", "DOTALL")) if n in flags)
        raw = value.regexp
        raw = raw.original if hasattr(raw, "original") else str(raw)
        regexp = (f"(?{prefix})" if prefix else "") + raw
        return (field, "regex_match", regexp, "IGNORECASE" not in flags)
    if isinstance(value, T.SigmaCIDRExpression):
        return (field, "cidr", value.cidr, False)
    if isinstance(value, T.SigmaNull):
        return (field, "null", None, False)
    if isinstance(value, T.SigmaBool):
        return (field, "eq", "true" if value.boolean else "false", False)
    if isinstance(value, T.SigmaNumber):
        return (None, "match", str(value.number), False) if keyword else (field, "eq", str(value.number), False)
    if isinstance(value, T.SigmaFieldReference):
        return (field, "fieldref", value.field, False)
    if isinstance(value, T.SigmaExists):
        node = (field, "exists", None, False)
        return node if value.exists else ("not", node)
    if isinstance(value, T.SigmaCompareExpression):
        op = {"LT": "lt", "LTE": "lte", "GT": "gt", "GTE": "gte"}[value.op.name]
        return (field, op, str(value.number.number), False)
    return (field, "?" + type(value).__name__, str(value), False)


def junction(kind, children):
    flat = []
    for c in children:
        if c[0] == kind:
            flat.extend(c[1])
        else:
            flat.append(c)
    flat = sorted(set(flat), key=repr)
    return flat[0] if len(flat) == 1 else (kind, tuple(flat))


def from_pysigma(node):
    if isinstance(node, C.ConditionAND):
        return junction("and", [from_pysigma(a) for a in node.args])
    if isinstance(node, C.ConditionOR):
        return junction("or", [from_pysigma(a) for a in node.args])
    if isinstance(node, C.ConditionNOT):
        return ("not", from_pysigma(node.args[0]))
    if isinstance(node, C.ConditionFieldEqualsValueExpression):
        return normalize(leaf(node.field, node.value))
    if isinstance(node, C.ConditionValueExpression):
        return normalize(leaf(None, node.value, keyword=True))
    return ("?", type(node).__name__)


def normalize(node):
    """Re-flattens trees produced by expansions."""
    if node[0] in ("and", "or"):
        return junction(node[0], [normalize(c) for c in node[1]])
    if node[0] == "not":
        return ("not", normalize(node[1]))
    return node


def from_atlas(expr):
    if "and" in expr:
        return junction("and", [from_atlas(e) for e in expr["and"]])
    if "or" in expr:
        return junction("or", [from_atlas(e) for e in expr["or"]])
    if "not" in expr:
        return ("not", from_atlas(expr["not"]))
    return (expr["source_field"], expr["op"], expr["value"], expr["case_sensitive"])


def rule_files(root):
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(p for f in FOLDERS for p in (root / f).rglob("*.yml"))


def main():
    args = sys.argv[1:]
    show = 5
    if "--show" in args:
        i = args.index("--show")
        show = int(args[i + 1])
        del args[i : i + 2]
    files = [f for a in args for f in rule_files(a)]
    binary = Path(__file__).resolve().parent.parent / "target/release/rule-atlas"
    atlas = {}
    for chunk in range(0, len(files), 500):
        batch = [str(f) for f in files[chunk : chunk + 500]]
        out = subprocess.run([str(binary), "explain", *batch], capture_output=True, text=True).stdout
        for line in out.splitlines():
            d = json.loads(line)
            atlas[d["file"]] = d
    agree, differ, skipped, rejected = 0, [], 0, []
    for f in files:
        try:
            rule = SigmaRule.from_yaml(f.read_text())
            trees = [from_pysigma(c.parsed) for c in rule.detection.parsed_condition]
            reference = junction("or", trees) if len(trees) > 1 else trees[0]
        except Exception as e:  # pySigma rejects the rule: nothing to compare
            skipped += 1
            rejected.append((f, f"{type(e).__name__}: {e}"))
            continue
        ours = atlas.get(str(f), {}).get("logic")
        mine = from_atlas(ours) if ours else None
        if mine == reference:
            agree += 1
        else:
            differ.append((f, reference, mine))
    total = agree + len(differ)
    print(f"{agree} of {total} rules agree ({100.0 * agree / max(total, 1):.2f}%); {skipped} rejected by pySigma")
    for f, why in rejected[:show]:
        print(f"rejected: {f}: {why[:200]}")
    for f, ref, mine in differ[:show]:
        print(f"\n{f}\n  pySigma: {ref}\n  atlas:   {mine}")


if __name__ == "__main__":
    main()
