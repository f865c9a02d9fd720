#!/usr/bin/env python3
"""Compares `rule-atlas explain` with Elastic's own EQL parser (the `eql` package).

For every active EQL rule of a detection-rules clone (rules/** without
rules/_deprecated, and rules_building_block/**; `maturity = "deprecated"`
skipped), the query is parsed by `eql` -- Elasticsearch syntax, schema and
function checks off, optimizer off, sequences / samples / `runs=` / missing
events allowed -- and its syntax tree is reduced to one canonical tree:
and/or flattened and sorted, leaves as (field, op, value, case-sensitive).
The `explain` output of the same files is reduced the same way, and the two
are compared. Prints the agreement rate and the first disagreements.

The reduction mirrors the catalog's conventions (docs/catalog-format.md and
the header of crates/builder/src/elastic/eql.rs), so only real misreadings
show:
- `category where cond` is `and(event.category eq category, cond)` (the
  rule's `event_category_override` field instead when it has one); `any`
  adds nothing; `where true` adds nothing.
- `==` is a case-sensitive `eq`, `!=` is `not(eq)`; `<` `<=` `>` `>=` are
  `lt` `lte` `gt` `gte`; `== null` is `null`, `!= null` is `exists`; two
  fields compared are `fieldref`.
- `:` is case-insensitive whether or not `~` is written; `:` / `like` /
  `wildcard()` values are patterns in the canonical spelling (`*`, `?`,
  a backslash doubled only before a wildcard), `eq` when they hold no
  wildcard; `like~` and `wildcard~()` are case-insensitive.
- `regex` / `match()` are `regex_match`; `in` / `in~` / `not in` are an `or`
  (under `not`) of `eq`; a list after `:`, `like` or `regex` is an `or`.
- startsWith / endsWith / stringContains are the patterns `x*`, `*x`, `*x*`
  (the value literal); cidrMatch is `cidr`; `~` on a function makes it
  case-insensitive; `f(...) == false` is `not f(...)`; `length(x) > 0` is
  `exists`.
- A sequence or sample is the `and` of its steps; a missing step `![...]`
  and the `until` step are `not(step)`.
- Anything else (other functions, arithmetic) is a `raw` leaf; raw leaves
  are compared by their field (the one field they test, else none) only,
  since the text kept is the rule's own.
- `not not x` is `x` on both sides (eql's parser drops an even run of
  `not`s; the catalog keeps it as written); eql's `0 - 1` for `-1` is the
  number -1. Rules with `[[rule.filters]]` are counted but not compared:
  their filters are AND-ed into the tree and are not EQL.

The `eql` syntax tree drops the `~` of `like~`, `regex~`, `in~` and
functions, so the parser's callbacks are wrapped to record it per node.

Not part of the test suite (it needs `pip install eql==0.9.19`, the version
detection-rules pins); run it by hand after `cargo build --release`:
    scripts/compare-eql.py ../shared/corpus/elastic [--show 10]
"""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

try:
    import eql
    import eql.ast as A
    from eql.parser import LarkToEQL
except ImportError:
    sys.exit("needs Elastic's EQL parser: pip install eql==0.9.19")

# ---------------------------------------------------------------------------
# Case-insensitivity, which the eql syntax tree does not keep.

INSENSITIVE = {}  # id(ast node) -> (node, case-insensitive?); the node keeps the id alive


def _wrap(name, insensitive):
    """Wraps the parser callback `name` to record whether the node it builds
    is case-insensitive, as `insensitive(lark tree)` tells."""
    original = getattr(LarkToEQL, name)

    def wrapped(self, node, *args, **kwargs):
        info = original(self, node, *args, **kwargs)
        target = info.node
        # `not in` comes back as Not(InSet): the flag belongs to the set.
        if isinstance(target, A.Not):
            target = target.term
        INSENSITIVE[id(target)] = (target, insensitive(node))
        return info

    setattr(LarkToEQL, name, wrapped)


def _predicate_insensitive(node):
    """`:` is case-insensitive with or without `~`; `like` / `regex` only with it."""
    return str(node["STRING_PREDICATE"]) in (":", "like~", "regex~")


def _in_insensitive(node):
    return str(node.get("IN") or "in") == "in~"


def _function_insensitive(node):
    """`name~(…)`; the method form `x:name()` has no `~`."""
    if node.data == "method":
        return False
    return getattr(node.children[0], "type", None) == "INSENSITIVE_NAME"


_wrap("string_predicate", _predicate_insensitive)
_wrap("in_set", _in_insensitive)
_wrap("function_call", _function_insensitive)


def insensitive(node):
    entry = INSENSITIVE.get(id(node))
    return bool(entry and entry[0] is node and entry[1])


def parse(query):
    with eql.parser.elasticsearch_syntax, eql.parser.ignore_missing_functions, \
            eql.parser.skip_optimizations, eql.parser.allow_sample, eql.parser.allow_runs, \
            eql.parser.allow_negation:
        return eql.parse_query(query)


# ---------------------------------------------------------------------------
# Canonical tree.

def encode(tokens):
    """The catalog's canonical wildcard spelling (crates/catalog/src/wildcard.rs).
    Tokens are "*ANY", "?ONE" or one literal character."""
    out = []
    for i, t in enumerate(tokens):
        if t == "*ANY":
            if i == 0 or tokens[i - 1] != "*ANY":
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


def pattern_leaf(field, tokens, cased):
    if any(t in ("*ANY", "?ONE") for t in tokens):
        return (field, "wildcard", encode(tokens), cased)
    return (field, "eq", "".join(tokens), cased)


def eql_pattern(value):
    """An EQL pattern: `*` and `?` are wildcards, nothing escapes them."""
    return ["*ANY" if c == "*" else "?ONE" if c == "?" else c for c in value]


def junction(kind, children):
    flat = []
    for c in children:
        if c[0] == kind:
            flat.extend(c[1])
        else:
            flat.append(c)
    flat = sorted(set(flat), key=repr)
    return flat[0] if len(flat) == 1 else (kind, tuple(flat))


def raw(node):
    fields = sorted({field_name(n) for n in node if isinstance(n, A.Field)})
    return (fields[0] if len(fields) == 1 else None, "raw", None, False)


def field_name(node):
    if not isinstance(node, A.Field):
        return None
    out = node.base
    for part in node.path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def negate(tree):
    """`not`; double negation cancels. The catalog keeps `not not x` as
    written, but eql's parser already drops an even run of `not`s, so both
    sides are compared with it cancelled."""
    return tree[1] if tree[0] == "not" else ("not", tree)


def negative_number(node):
    """eql reads `-1` as the arithmetic `0 - 1`."""
    if isinstance(node, A.MathOperation) and node.operator == "-" and isinstance(node.left, A.Number) \
            and node.left.value == 0 and isinstance(node.right, A.Number):
        return A.Number(-node.right.value)
    return node


def literal_text(node):
    if isinstance(node, A.Boolean):
        return "true" if node.value else "false"
    if isinstance(node, A.Null):
        return None
    if isinstance(node, (A.String, A.Number)):
        return str(node.value)
    return None


def is_constant(node):
    return isinstance(node, (A.String, A.Number, A.Boolean))


COMPARE = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def comparison(node):
    left, op, right = negative_number(node.left), node.comparator, negative_number(node.right)
    if not isinstance(left, A.Field) and isinstance(right, A.Field) and is_constant(left):
        left, op, right = right, MIRROR[op], left
    lf, rf = field_name(left), field_name(right)
    if lf and rf:
        leaf = (lf, "fieldref", rf, True)
        return {"==": leaf, "!=": negate(leaf)}.get(op, raw(node))
    if isinstance(left, A.FunctionCall) and left.name.lower() == "length" and len(left.arguments) == 1 \
            and isinstance(right, A.Number) and (op, right.value) in ((">", 0), (">=", 1), ("!=", 0)) \
            and field_name(left.arguments[0]):
        return (field_name(left.arguments[0]), "exists", None, False)
    if isinstance(left, A.FunctionCall) and isinstance(right, A.Boolean) and op in ("==", "!="):
        test = condition(left)
        return test if right.value == (op == "==") else negate(test)
    if not lf or not is_constant(right):
        return raw(node)
    if op in ("==", "!="):
        leaf = (lf, "eq", literal_text(right), True)
        return leaf if op == "==" else negate(leaf)
    return (lf, COMPARE[op], literal_text(right), True)


def function(node):
    name = node.name.lower()
    args = node.arguments
    if not args or not field_name(args[0]) or len(args) < 2 or not all(is_constant(a) for a in args[1:]):
        return raw(node)
    field = field_name(args[0])
    values = [literal_text(a) for a in args[1:]]
    cased = not insensitive(node)
    # `:` and `like` are wildcard() calls, `regex` is match() in eql's tree.
    if name == "wildcard":
        leaves = [pattern_leaf(field, eql_pattern(v), cased) for v in values]
    elif name == "match":
        leaves = [(field, "regex_match", v, cased) for v in values]
    elif name == "startswith":
        leaves = [pattern_leaf(field, list(v) + ["*ANY"], cased) for v in values]
    elif name == "endswith":
        leaves = [pattern_leaf(field, ["*ANY"] + list(v), cased) for v in values]
    elif name == "stringcontains":
        leaves = [pattern_leaf(field, ["*ANY"] + list(v) + ["*ANY"], cased) for v in values]
    elif name == "cidrmatch":
        leaves = [(field, "cidr", v, False) for v in values]
    else:
        return raw(node)
    return junction("or", leaves)


def in_set(node):
    field = field_name(node.expression)
    if not field or not all(is_constant(v) for v in node.container):
        return raw(node)
    cased = not insensitive(node)
    return junction("or", [(field, "eq", literal_text(v), cased) for v in node.container])


def condition(node):
    if isinstance(node, A.And):
        return junction("and", [condition(t) for t in node.terms])
    if isinstance(node, A.Or):
        return junction("or", [condition(t) for t in node.terms])
    if isinstance(node, A.Not):
        return negate(condition(node.term))
    if isinstance(node, A.Comparison):
        return comparison(node)
    if isinstance(node, A.IsNull) and field_name(node.expr):
        return (field_name(node.expr), "null", None, False)
    if isinstance(node, A.IsNotNull) and field_name(node.expr):
        return (field_name(node.expr), "exists", None, False)
    if isinstance(node, A.InSet):
        return in_set(node)
    if isinstance(node, A.FunctionCall):
        return function(node)
    if isinstance(node, A.Field):
        return (field_name(node), "eq", "true", True)
    return raw(node)


def event(query, category_field):
    parts = []
    if query.event_type != "any":
        parts.append((category_field, "eq", query.event_type, True))
    if not (isinstance(query.query, A.Boolean) and query.query.value):
        parts.append(condition(query.query))
    if not parts:
        return None
    return junction("and", parts)


def steps(queries, category_field):
    trees = []
    for sub in queries:
        tree = event(sub.query, category_field)
        if tree is None:
            continue
        negated = bool(sub.data and sub.data.get("is_negated"))
        trees.append(negate(tree) if negated else tree)
    return trees


def from_eql(parsed, category_field):
    first = parsed.first
    if isinstance(first, A.EventQuery):
        return event(first, category_field)
    if isinstance(first, A.Sequence):
        trees = steps(first.queries, category_field)
        if first.close is not None:
            trees += [negate(t) for t in steps([first.close], category_field)]
        return junction("and", trees) if trees else None
    if isinstance(first, A.Sample):
        trees = steps(first.queries, category_field)
        return junction("and", trees) if trees else None
    return ("?", type(first).__name__)


def from_atlas(expr):
    if "and" in expr:
        return junction("and", [from_atlas(e) for e in expr["and"]])
    if "or" in expr:
        return junction("or", [from_atlas(e) for e in expr["or"]])
    if "not" in expr:
        return negate(from_atlas(expr["not"]))
    if expr["op"] == "raw":
        return (expr["source_field"], "raw", None, False)
    return (expr["source_field"], expr["op"], expr["value"], expr["case_sensitive"])


# ---------------------------------------------------------------------------

def rule_files(root):
    root = Path(root)
    if root.is_file():
        return [root]
    files = [p for p in (root / "rules").rglob("*.toml") if "_deprecated" not in p.relative_to(root / "rules").parts[:1]]
    files += (root / "rules_building_block").rglob("*.toml")
    return sorted(files)


def eql_rules(files):
    """(file, query, category field) of the active EQL rules; rules with
    `[[rule.filters]]` are counted apart (their filters are AND-ed in)."""
    out, filtered = [], []
    for f in files:
        try:
            data = tomllib.loads(f.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue  # not a rule: the build reports it
        rule = data.get("rule", {})
        if rule.get("language") != "eql" or "query" not in rule:
            continue
        if data.get("metadata", {}).get("maturity") == "deprecated":
            continue
        if rule.get("filters"):
            filtered.append(f)
            continue
        out.append((f, rule["query"], rule.get("event_category_override", "event.category")))
    return out, filtered


def explain(files):
    binary = Path(__file__).resolve().parent.parent / "target/release/rule-atlas"
    atlas = {}
    for chunk in range(0, len(files), 300):
        batch = [str(f) for f in files[chunk : chunk + 300]]
        out = subprocess.run([str(binary), "explain", *batch], capture_output=True, text=True).stdout
        for line in out.splitlines():
            d = json.loads(line)
            atlas[d["file"]] = d
    return atlas


def main():
    args = sys.argv[1:]
    show = 5
    if "--show" in args:
        i = args.index("--show")
        show = int(args[i + 1])
        del args[i : i + 2]
    files = [f for a in (args or ["../shared/corpus/elastic"]) for f in rule_files(a)]
    rules, filtered = eql_rules(files)
    atlas = explain([f for f, _, _ in rules])
    agree, differ, rejected = 0, [], []
    for f, query, category_field in rules:
        try:
            reference = from_eql(parse(query), category_field)
        except Exception as e:  # eql rejects the query: nothing to compare
            rejected.append((f, f"{type(e).__name__}: {e}"))
            continue
        ours = atlas.get(str(f), {}).get("logic")
        mine = from_atlas(ours) if ours else None
        if mine == reference:
            agree += 1
        else:
            differ.append((f, reference, mine))
    total = agree + len(differ)
    print(f"{agree} of {total} EQL rules agree ({100.0 * agree / max(total, 1):.2f}%); "
          f"{len(rejected)} rejected by eql; {len(filtered)} with rule filters not compared")
    for f, why in rejected[:show]:
        print(f"rejected: {f}: {why[:300]}")
    for f, ref, mine in differ[:show]:
        print(f"\n{f}\n  eql:   {ref}\n  atlas: {mine}")


if __name__ == "__main__":
    main()
