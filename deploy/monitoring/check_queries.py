#!/usr/bin/env python3
"""Static checks of the monitoring files against docs/metrics.md, the metric contract.

- Every PromQL expression of the alert rules and of the Grafana dashboards (panel targets and template
  variable queries) uses only metric names docs/metrics.md defines, only labels those metrics carry (plus
  job and instance, and le for histogram buckets), and for labels with a fixed list of values only those
  values.
- Every dashboard panel and target names the datasource uid provisioned in
  grafana/provisioning/datasources; no __inputs; unique panel ids; every target has refId and expr; every
  $variable is defined; panels fit the 24-column grid.
- Every alert rule has a runbook_url docs/operations.md#<alert name in lower case>, that heading exists,
  and alerts.test.yml tests the rule both firing and not firing.

Prints one line per problem as FILE: WHERE: WHAT and exits 1 if there is any, else prints a summary and
exits 0. Run by deploy/check.
"""
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
METRICS_MD = ROOT / "docs/metrics.md"
OPERATIONS_MD = ROOT / "docs/operations.md"
MONITORING = ROOT / "deploy/monitoring"
ALERTS = MONITORING / "prometheus/alerts.yml"
ALERT_TESTS = MONITORING / "prometheus/alerts.test.yml"
DATASOURCES = MONITORING / "grafana/provisioning/datasources"
DASHBOARDS = MONITORING / "grafana/dashboards"

TARGET_LABELS = {"job", "instance"}
KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
    "offset", "inf", "nan", "atan2",
}
problems = []


def problem(where, what):
    problems.append(f"{where}: {what}")


def rel(path):
    return str(Path(path).resolve().relative_to(ROOT))


def read_contract():
    """metric name -> (type, {label: set of values or None})"""
    metrics = {}
    for n, line in enumerate(METRICS_MD.read_text().splitlines(), 1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.fullmatch(r"`[a-zA-Z_:][a-zA-Z0-9_:]*`", cells[0]):
            continue
        name, mtype = cells[0].strip("`"), cells[1]
        if mtype not in ("counter", "gauge", "histogram", "summary"):
            problem(f"{rel(METRICS_MD)}:{n}", f"{name}: type {mtype!r} is not counter, gauge, histogram or summary")
        if name in metrics:
            problem(f"{rel(METRICS_MD)}:{n}", f"{name}: defined twice")
        if mtype == "counter" and not name.endswith("_total"):
            problem(f"{rel(METRICS_MD)}:{n}", f"{name}: a counter's name must end in _total")
        labels = {}
        for spec in re.findall(r"`([^`]+)`", cells[2]):
            key, _, values = spec.partition("=")
            labels[key] = set(values.split(",")) if values else None
        metrics[name] = (mtype, labels)
    if not metrics:
        problem(rel(METRICS_MD), "no metric rows found")
    return metrics


def resolve(name, contract):
    """The contract entry a series name refers to (histogram and summary series included), or None."""
    if name in contract:
        return contract[name][1], name
    for suffix, types in (("_bucket", ("histogram",)), ("_sum", ("histogram", "summary")),
                          ("_count", ("histogram", "summary"))):
        base = name[: -len(suffix)]
        if name.endswith(suffix) and base in contract and contract[base][0] in types:
            labels = dict(contract[base][1])
            if suffix == "_bucket":
                labels["le"] = None
            return labels, base
    return None, None


MATCHER = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')


def check_expr(expr, where, contract):
    """Checks one PromQL expression; returns the metric names it uses."""
    used = {}  # metric -> labels allowed
    # selectors with matchers: name{...}
    for m in re.finditer(r'([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}', expr):
        name, body = m.group(1), m.group(2)
        if not name or name in KEYWORDS:
            problem(where, f"a selector without a metric name: {{{body}}}")
            continue
        labels, _ = resolve(name, contract)
        if labels is None:
            continue  # reported below with the other names
        for key, op, value in MATCHER.findall(body):
            if key not in labels and key not in TARGET_LABELS:
                problem(where, f"{name}: label {key!r} is not one of its labels in docs/metrics.md "
                               f"({', '.join(sorted(labels)) or 'none'})")
                continue
            allowed = labels.get(key)
            if allowed is None or "$" in value:
                continue
            if op in ("=", "!="):
                values = [value]
            elif re.fullmatch(r"[A-Za-z0-9_.:|-]+", value):
                values = value.split("|")
            else:
                continue  # a real regular expression: not checked
            for v in values:
                if v not in allowed:
                    problem(where, f"{name}: {key}={v!r} is not a value docs/metrics.md lists "
                                   f"({', '.join(sorted(allowed))})")
    # names: drop strings, matchers, ranges, grouping clauses, then every identifier not called as a function
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    grouping = []
    def keep_grouping(m):
        grouping.extend(l.strip() for l in m.group(2).split(",") if l.strip())
        return " "
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", keep_grouping, text)
    for m in re.finditer(r"(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", text):
        token, call = m.group(1), m.group(2)
        if call or token in KEYWORDS or re.fullmatch(r"\d.*", token):
            continue
        labels, _ = resolve(token, contract)
        if labels is None:
            problem(where, f"metric {token!r} is not defined in docs/metrics.md")
        else:
            used[token] = labels
    known = set(TARGET_LABELS) | {"le"}
    for labels in used.values():
        known |= set(labels)
    for label in grouping:
        if label not in known:
            problem(where, f"grouping label {label!r} is not a label of the metrics used "
                           f"({', '.join(sorted(used))})")
    return set(used)


def check_alerts(contract):
    doc = yaml.safe_load(ALERTS.read_text())
    anchors = set()
    for line in OPERATIONS_MD.read_text().splitlines() if OPERATIONS_MD.exists() else []:
        m = re.match(r"#+\s+(.*)", line)
        if m:
            anchors.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    if not OPERATIONS_MD.exists():
        problem(rel(OPERATIONS_MD), "missing (the alerts' runbooks)")
    tests = yaml.safe_load(ALERT_TESTS.read_text())
    firing, quiet = set(), set()
    for test in tests.get("tests", []):
        for case in test.get("alert_rule_test", []) or []:
            (firing if case.get("exp_alerts") else quiet).add(case["alertname"])
    names = []
    for group in doc["groups"]:
        for rule in group["rules"]:
            name = rule.get("alert") or rule.get("record")
            names.append(name)
            where = f"{rel(ALERTS)}: {name}"
            check_expr(rule["expr"], where, contract)
            if "alert" not in rule:
                continue
            want = f"docs/operations.md#{name.lower()}"
            got = rule.get("annotations", {}).get("runbook_url")
            if got != want:
                problem(where, f"runbook_url is {got!r}; expected {want!r}")
            elif name.lower() not in anchors:
                problem(where, f"docs/operations.md has no heading {name!r} for its runbook")
            if name not in firing:
                problem(where, f"{rel(ALERT_TESTS)} has no test where it fires")
            if name not in quiet:
                problem(where, f"{rel(ALERT_TESTS)} has no test where it does not fire")
    return names


def provisioned_uid():
    uids = {}
    for f in sorted(DATASOURCES.glob("*.y*ml")):
        for ds in yaml.safe_load(f.read_text()).get("datasources", []):
            uids[ds.get("type")] = ds.get("uid")
    if not uids.get("prometheus"):
        problem(rel(DATASOURCES), "no Prometheus datasource with a uid")
    return uids.get("prometheus")


def check_dashboard(path, uid, contract):
    name = rel(path)
    dash = json.loads(path.read_text())
    if "__inputs" in dash:
        problem(name, "has __inputs (an export for the UI import flow); provisioned dashboards must name the datasource uid")
    if dash.get("id") is not None:
        problem(name, "id must be null")
    if not dash.get("uid") or len(dash["uid"]) > 40:
        problem(name, "uid must be set and at most 40 characters")
    variables = {v["name"] for v in dash.get("templating", {}).get("list", [])}
    variables |= {"__rate_interval", "__interval", "__range", "__interval_ms", "__range_s"}
    for v in dash.get("templating", {}).get("list", []):
        where = f"{name}: variable {v['name']}"
        if v.get("type") == "query":
            if v.get("datasource", {}).get("uid") != uid:
                problem(where, f"datasource uid {v.get('datasource', {}).get('uid')!r} is not the provisioned {uid!r}")
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = re.fullmatch(r"label_values\((.+),\s*([a-zA-Z_]\w*)\)", q or "")
            if not m:
                problem(where, f"query {q!r} is not label_values(SELECTOR, LABEL)")
                continue
            used = check_expr(m.group(1), where, contract)
            labels = set(TARGET_LABELS)
            for metric in used:
                labels |= set(resolve(metric, contract)[0])
            if m.group(2) not in labels:
                problem(where, f"label {m.group(2)!r} is not a label of {', '.join(sorted(used))}")
    ids = set()
    count = 0

    def walk(panels):
        nonlocal count
        for p in panels:
            where = f"{name}: panel {p.get('id')} {p.get('title')!r}"
            if p.get("id") in ids:
                problem(where, "duplicate panel id")
            ids.add(p.get("id"))
            g = p.get("gridPos", {})
            if g.get("x", 0) + g.get("w", 0) > 24:
                problem(where, "gridPos x + w is over 24")
            if p.get("type") == "row":
                walk(p.get("panels", []))
                continue
            count += 1
            if p.get("datasource", {}).get("uid") != uid:
                problem(where, f"datasource uid {p.get('datasource', {}).get('uid')!r} is not the provisioned {uid!r}")
            if not p.get("targets"):
                problem(where, "has no query")
            for t in p.get("targets", []):
                tw = f"{where} target {t.get('refId')}"
                if not t.get("refId") or not t.get("expr"):
                    problem(tw, "needs refId and expr")
                    continue
                if t.get("datasource", {}).get("uid") != uid:
                    problem(tw, f"datasource uid {t.get('datasource', {}).get('uid')!r} is not the provisioned {uid!r}")
                for var in re.findall(r"\$\{?(\w+)", t["expr"]):
                    if var not in variables:
                        problem(tw, f"${var} is not a dashboard variable")
                check_expr(t["expr"], tw, contract)

    walk(dash.get("panels", []))
    return count


def main():
    contract = read_contract()
    rules = check_alerts(contract)
    uid = provisioned_uid()
    dashboards = sorted(DASHBOARDS.glob("*.json"))
    if not dashboards:
        problem(rel(DASHBOARDS), "no dashboard")
    panels = sum(check_dashboard(d, uid, contract) for d in dashboards)
    for p in problems:
        print(p)
    if problems:
        print(f"check_queries: {len(problems)} problem(s)")
        return 1
    print(f"check_queries: {len(contract)} metrics in docs/metrics.md; {len(rules)} rules and "
          f"{panels} panels in {len(dashboards)} dashboard(s) use only those; runbooks and rule tests present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
