#!/usr/bin/env python3
"""Shared (field, operator, value) triples between vendors, and the near misses.

A maintainer tool for the field table and the indicator key
(docs/normalization.md, docs/fields.md). It reads a built catalog
(`rule-atlas build ... --out DIR` writes DIR/catalog.json) and:

1. recomputes the key of every indicator leaf and the number of triples each
   set of vendors shares -- the build report's `shared_indicators`, which it
   checks against DIR/build-report.json when that file is there;
2. lists near misses: triples that would be shared if
   - the FIELD were mapped: the same operator and value used by two vendors
     under different canonical fields (a missing or wrong alias in
     crates/catalog/data/fields.toml -- or two fields that really differ:
     check real rules before adding an alias);
   - the VALUE were spelled the same: equal after one candidate rewrite
     (quotes, URL encoding, doubled backslashes, trailing separator, registry
     hive, drive letter, leading/trailing `*`, ...). Some rewrites are not
     equalities (`*x*` is not `x`); they are listed so a person can decide;
   - the OPERATOR were written the same: equal text under different
     operators (a literal regex, a one-address CIDR block, `*` vs exists).

The key is re-implemented here from crates/catalog/src/indicator.rs and
crates/catalog/src/wildcard.rs; keep the two in step (`key()` below lists the
rules in the same order). The canonical field of each leaf is the one the
build resolved, so the field table used is the catalog's own.

Usage:
    scripts/indicator-overlap.py /tmp/norm/catalog.json [--top 25] [--examples 4]
    scripts/indicator-overlap.py NEW/catalog.json --compare OLD/catalog.json

--compare keys both catalogs with the key below, so what it lists is what
changed in the catalogs' leaves (the field table the build used, the front
ends); to see what a change of the key itself does, build before and after it
and compare the `shared:` lines.
"""
import argparse
import collections
import ipaddress
import json
import re
import signal
import sys
import urllib.parse
from pathlib import Path

VENDORS = ["sigma", "elastic", "splunk"]
SETS = [("sigma", "elastic"), ("sigma", "splunk"), ("elastic", "splunk"), ("sigma", "elastic", "splunk")]

# --- the wildcard convention (crates/catalog/src/wildcard.rs) ---------------

ANY, ONE = "\0*", "\0?"  # tokens that cannot be literal characters


def decode(pattern):
    """`*` any run, `?` one character, `\\*` `\\?` `\\\\` literal, other backslashes literal."""
    tokens, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            tokens.append(ANY)
        elif c == "?":
            tokens.append(ONE)
        elif c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*?\\":
            tokens.append(pattern[i + 1])
            i += 1
        else:
            tokens.append(c)
        i += 1
    return tokens


def encode(tokens):
    out = []
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if t == ANY:
            if i == 0 or tokens[i - 1] != ANY:
                out.append("*")
        elif t == ONE:
            out.append("?")
        elif t in ("*", "?"):
            out.append("\\" + t)
        elif t == "\\":
            out.append("\\\\" if nxt in (ANY, ONE, "*", "?", "\\") else "\\")
        else:
            out.append(t)
    return "".join(out)


def literal(tokens):
    return None if any(t in (ANY, ONE) for t in tokens) else "".join(tokens)


# --- the key (crates/catalog/src/indicator.rs) -------------------------------

REGISTRY_PATH_FIELDS = {"registry.path"}
REGISTRY_DATA_FIELD = "registry.data.strings"
HIVES = [
    ("hkey_local_machine\\", "hklm\\"),
    ("\\registry\\machine\\", "hklm\\"),
    ("machine\\", "hklm\\"),
    ("hkey_users\\", "hku\\"),
    ("\\registry\\user\\", "hku\\"),
    ("user\\", "hku\\"),
    ("hkey_current_user\\", "hkcu\\"),
    ("hkey_classes_root\\", "hkcr\\"),
    ("hkey_current_config\\", "hkcc\\"),
]


class Table:
    """The parts of the field table the key uses (catalog.json `fields`)."""

    def __init__(self, fields):
        self.names = {f["name"] for f in fields}
        self.basename = {f["basename_of"]: f["name"] for f in fields if f.get("basename_of")}
        self.path_of_name = {f["name"]: f["basename_of"] for f in fields if f.get("basename_of")}
        self.extension = {f["extension_of"]: f["name"] for f in fields if f.get("extension_of")}


def wildcard_key(field, value, table):
    tokens = decode(value)
    lit = literal(tokens)
    if lit is not None:
        return field, "eq", lit
    if tokens and tokens[0] == ANY:
        rest = tokens[1:]
        name_field = table.basename.get(field)
        if name_field and len(rest) >= 2 and rest[0] in ("\\", "/"):
            name = literal(rest[1:])
            if name is not None and "\\" not in name and "/" not in name:
                return name_field, "eq", name
        ext_field = table.extension.get(table.path_of_name.get(field, field))
        if ext_field and len(rest) >= 2 and rest[0] == ".":
            ext = literal(rest[1:])
            if ext is not None and ext.isascii() and ext.isalnum():
                return ext_field, "eq", ext
    return field, "wildcard", value


def cidr_key(field, value):
    address, _, prefix = value.partition("/")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return field, "cidr", value
    if not prefix or (prefix == "32" and ip.version == 4) or (prefix == "128" and ip.version == 6):
        return field, "eq", address
    return field, "cidr", value


def short_hive(op, value):
    tokens = decode(value) if op == "wildcard" else list(value)
    for long, short in HIVES:
        if tokens[: len(long)] == list(long):
            out = list(short) + tokens[len(long):]
            return encode(out) if op == "wildcard" else "".join(out)
    return value


def key(leaf, table):
    """Rules 1-8 of atlas_catalog::indicator::key, in its order."""
    field = leaf.get("field") or ""
    value = leaf.get("value") or ""
    op = leaf["op"]
    if op == "wildcard":
        field, op, value = wildcard_key(field, value, table)
    elif op == "match" and field:
        tokens = decode(value)
        if not tokens or tokens[0] != ANY:
            tokens.insert(0, ANY)
        if tokens[-1] != ANY:
            tokens.append(ANY)
        op, value = "wildcard", encode(tokens)
    elif op == "cidr":
        field, op, value = cidr_key(field, value)
    if op == "wildcard" and value and set(value) == {"*"}:
        op, value = "exists", ""
    if op not in ("regex_match", "fieldref", "raw"):
        value = value.lower()
    if op in ("eq", "wildcard") and field in REGISTRY_PATH_FIELDS:
        value = short_hive(op, value)
    elif op == "eq" and field == REGISTRY_DATA_FIELD:
        m = re.fullmatch(r"dword \(0x([0-9a-f]{8})\)", value)
        if m:
            value = "0x" + m.group(1)
    return field, op, value


# --- reading a catalog --------------------------------------------------------


def leaves(expr, negations=0, top_level=False, root=True):
    """(leaf, polarity) as Expr::for_each_leaf gives them."""
    if "and" in expr:
        for operand in expr["and"]:
            if root and "not" in operand:
                yield from leaves(operand["not"], 1, True, False)
            else:
                yield from leaves(operand, negations, top_level, False)
    elif "or" in expr:
        for operand in expr["or"]:
            yield from leaves(operand, negations, top_level, False)
    elif "not" in expr:
        yield from leaves(expr["not"], 1 if root else negations + 1, True if root else top_level, False)
    else:
        polarity = "indicator" if negations == 0 else ("exclusion" if negations == 1 and top_level else "other")
        yield expr, polarity


class Index:
    """Indicator triples -> vendor -> rules, and the source fields behind them."""

    def __init__(self, path):
        catalog = json.loads(Path(path).read_text())
        self.table = Table(catalog["fields"])
        self.rules = collections.defaultdict(lambda: collections.defaultdict(set))
        self.sources = collections.defaultdict(collections.Counter)
        for rule in catalog["rules"]:
            if not rule.get("logic"):
                continue
            for leaf, polarity in leaves(rule["logic"]):
                if polarity != "indicator":
                    continue
                k = key(leaf, self.table)
                self.rules[k][rule["vendor"]].add(rule.get("path") or rule["id"])
                self.sources[(k[0], rule["vendor"])][leaf.get("source_field") or "(none)"] += 1

    def vendors(self, k):
        return set(self.rules[k])

    def shared(self):
        counts = {}
        for s in SETS:
            counts["+".join(s)] = sum(1 for k in self.rules if set(s) <= self.vendors(k))
        return counts

    def source_names(self, field, vendor, n=3):
        return ", ".join(name for name, _ in self.sources[(field, vendor)].most_common(n))


# --- near misses ----------------------------------------------------------------


def weak(op, value):
    """Values too common to say two fields mean the same (numbers, booleans, any-value)."""
    return op in ("exists", "null") or re.fullmatch(r"-?\d{1,3}|true|false|yes|no|0x0*[0-9a-f]?|", value) is not None


def field_near_misses(ix):
    """(vendor a, field a, vendor b, field b) -> [(op, value)] for op+value shared only across fields."""
    by_op_value = collections.defaultdict(dict)
    for (field, op, value), per_vendor in ix.rules.items():
        by_op_value[(op, value)][field] = set(per_vendor)
    groups = collections.defaultdict(list)
    for (op, value), fields in by_op_value.items():
        if len(fields) < 2 or op in ("regex_match", "raw", "fieldref"):
            continue
        for fa, va in fields.items():
            for fb, vb in fields.items():
                if fa >= fb:
                    continue
                for a in va:
                    for b in vb:
                        if a == b or (b in va and a in vb):
                            continue  # same vendor, or already shared on one field
                        pair = (a, fa, b, fb) if a < b else (b, fb, a, fa)
                        groups[pair].append((op, value))
    return groups


def strip_quotes(v):
    return v[1:-1] if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'" else v


def hive(v):
    for long, short in HIVES + [("hklm:\\", "hklm\\"), ("hkcu:\\", "hkcu\\")]:
        for lead in ("", "*", "*\\"):
            if v.startswith(lead + long):
                return lead + short + v[len(lead + long):]
    return v


# Candidate rewrites of a value, each named. "equal" says whether two values that
# meet only after the rewrite can be the same indicator; the others are listed for
# a person to judge (and are mostly different patterns on purpose).
REWRITES = [
    ("surrounding whitespace", True, lambda v: v.strip()),
    ("surrounding quotes", True, strip_quotes),
    ("URL encoding", True, lambda v: urllib.parse.unquote(v) if "%" in v else v),
    ("doubled backslashes in text", True, lambda v: re.sub(r"\\\\(?=[^*?\\])", r"\\", v)),
    ("registry hive spelling (any field)", True, hive),
    ("Sysmon DWORD (0x...) spelling", True, lambda v: re.sub(r"^dword \((0x[0-9a-f]{8})\)$", r"\1", v)),
    ("trailing path separator", False, lambda v: v.rstrip("\\/") if v.rstrip("\\/") else v),
    ("drive letter ?: vs c:", False, lambda v: re.sub(r"^(\*?)[a-z?]:\\", r"\1?:\\", v)),
    ("leading/trailing * (anchoring)", False, lambda v: v.strip("*") or v),
]


def value_near_misses(ix):
    """rewrite name -> [(field, rewritten value, [(op, value, vendors)])]"""
    out = {}
    for name, _, rewrite in REWRITES:
        groups = collections.defaultdict(list)
        for k in ix.rules:
            field, op, value = k
            if op not in ("eq", "wildcard"):
                continue
            groups[(field, rewrite(value))].append(k)
        found = []
        for (field, rewritten), ks in groups.items():
            if len(ks) < 2:
                continue
            vendors = set().union(*(ix.vendors(k) for k in ks))
            pairs = [p for p in SETS[:3] if set(p) <= vendors and not any(set(p) <= ix.vendors(k) for k in ks)]
            if pairs:
                found.append((field, rewritten, [(k[1], k[2], sorted(ix.vendors(k))) for k in ks], pairs))
        out[name] = found
    return out


def literal_text(op, value):
    """The literal a test stands for when only its operator's spelling differs."""
    if op == "eq":
        return value
    if op == "regex_match":
        m = re.fullmatch(r"(?:\(\?i\))?\^([^\\\[\](){}.*+?|$^]*)\$", value)
        return m.group(1).lower() if m else None
    if op == "cidr":
        return value  # meets an `eq` of the block's text (SPL `src_ip=10.0.0.0/8` is a CIDR match)
    if op == "match":
        return None if any(t in (ANY, ONE) for t in decode(value)) else value
    return None


def operator_near_misses(ix):
    groups = collections.defaultdict(list)
    for k in ix.rules:
        field, op, value = k
        text = literal_text(op, value)
        if text is not None:
            groups[(field, text)].append(k)
        if op == "exists" or (op == "wildcard" and value == "*"):
            groups[(field, "(any value)")].append(k)
    found = []
    for (field, text), ks in groups.items():
        if len({k[1] for k in ks}) < 2:
            continue
        vendors = set().union(*(ix.vendors(k) for k in ks))
        pairs = [p for p in SETS[:3] if set(p) <= vendors and not any(set(p) <= ix.vendors(k) for k in ks)]
        if pairs:
            found.append((field, text, [(k[1], k[2], sorted(ix.vendors(k))) for k in ks]))
    return found


# --- report ----------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("catalog", help="catalog.json of a build")
    ap.add_argument("--top", type=int, default=25, help="groups to print per section")
    ap.add_argument("--examples", type=int, default=4, help="examples per group")
    ap.add_argument("--compare", metavar="OLD", help="an older catalog.json: shared triples gained and lost")
    args = ap.parse_args()

    ix = Index(args.catalog)
    shared = ix.shared()
    print(f"indicator triples: {len(ix.rules)} distinct")
    print("shared: " + ", ".join(f"{k} {v}" for k, v in shared.items()))
    report = Path(args.catalog).with_name("build-report.json")
    if report.exists():
        built = json.loads(report.read_text()).get("shared_indicators", {})
        if built and built != shared:
            print(f"WARNING: the build reported {built}; this script's key no longer mirrors indicator.rs")
        elif built:
            print("(matches build-report.json: the key here mirrors indicator.rs)")

    if args.compare:
        old = Index(args.compare)
        for s in SETS[:3]:
            name = "+".join(s)
            now = {k for k in ix.rules if set(s) <= ix.vendors(k)}
            before = {k for k in old.rules if set(s) <= old.vendors(k)}
            print(f"\n{name}: {len(before)} -> {len(now)} (+{len(now - before)} -{len(before - now)})")
            for tag, ks in (("+", now - before), ("-", before - now)):
                for k in sorted(ks)[: args.top]:
                    print(f"  {tag} {k[0]} {k[1]} {k[2]}")
        return

    groups = field_near_misses(ix)
    ranked = sorted(groups.items(), key=lambda kv: (-sum(1 for ov in kv[1] if not weak(*ov)), -len(kv[1])))
    mark = lambda f: f + ("" if f in ix.table.names else "*")
    sections = [
        ("at least one field not in the table (* marks it): alias candidates", args.top,
         lambda fa, fb: fa not in ix.table.names or fb not in ix.table.names),
        ("both fields in the table: mostly deliberately different fields (name vs original"
         " name, parent vs child, command line vs args); a wrong alias shows here too", args.top // 2 or 1,
         lambda fa, fb: fa in ix.table.names and fb in ix.table.names),
    ]
    for title, limit, wanted in sections:
        print(f"\n== FIELD near misses, {title} ==")
        print("   distinct non-trivial values (all values)  vendor field [source fields]  <->  ...")
        shown = [g for g in ranked if wanted(g[0][1], g[0][3])][:limit]
        for (a, fa, b, fb), values in shown:
            strong = [ov for ov in values if not weak(*ov)]
            print(f"{len(strong):4} ({len(values)})  {a} {mark(fa)} [{ix.source_names(fa, a)}]"
                  f"  <->  {b} {mark(fb)} [{ix.source_names(fb, b)}]")
            for op, value in (strong or values)[: args.examples]:
                print(f"        {op} {value}")

    print("\n== VALUE near misses: same field, values equal after one rewrite ==")
    misses = value_near_misses(ix)
    for name, equal, _ in REWRITES:
        found = misses[name]
        verdict = "equal spellings" if equal else "NOT equal in general; for judgement"
        print(f"-- {name} ({verdict}): {len(found)} groups")
        for field, rewritten, members, pairs in sorted(found, key=lambda g: -len(g[2]))[: args.top if equal else 8]:
            shown = "; ".join(f"{op} {v} {'/'.join(vs)}" for op, v, vs in members[: args.examples])
            print(f"     {field}: {shown}")

    print("\n== OPERATOR near misses: same field and text under different operators ==")
    found = operator_near_misses(ix)
    print(f"{len(found)} groups")
    for field, text, members in found[: args.top]:
        shown = "; ".join(f"{op} {v} {'/'.join(vs)}" for op, v, vs in members[: args.examples])
        print(f"     {field} {text!r}: {shown}")


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    sys.exit(main())
