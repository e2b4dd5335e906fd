#!/usr/bin/env python3
"""Checks the PromQL of Grafana dashboards: python3 check_exprs.py DASHBOARD.json... (CI: alerts/check).

Every panel target's `expr` (rows and nested panels included) and every query variable's
`label_values(...)` must
- use only flowwatch's metrics (and `up`), listed below: a renamed metric fails here, not on a blank panel;
- parse as PromQL: Grafana's variables are replaced by sample values, each expression becomes a
  recording rule in a temporary rules file, and `promtool check rules` parses that file.
Also checks that each dashboard has a fixed uid and uses the ${DS_PROMETHEUS} data source input.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

METRICS = {
    "flowwatch_flows_total",
    "flowwatch_violations_total",
    "flowwatch_audit_events_total",
    "flowwatch_records_rejected_total",
    "flowwatch_last_record_timestamp_seconds",
    "flowwatch_topology_namespaces",
    "flowwatch_lost_events_total",
    "flowwatch_alerts_sent_total",
    "flowwatch_isolation_findings",
    "flowwatch_consumer_lag_records",
    "up",
}
# Grafana's variables, as sample values of the right kind.
VARIABLES = {
    "__rate_interval": "2m",
    "__interval": "1m",
    "__range": "6h",
    "__range_s": "21600",
    "tenant": "acme-corp",
    "cluster": "eu-prod-1",
}
VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)")
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
            "and", "or", "unless", "atan2", "inf", "nan"}
LABEL_VALUES = re.compile(r"^label_values\((\w+),\s*\w+\)$")


def panels(items):
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def metric_names(expr):
    """The metric names an expression selects: identifiers left once strings, label matchers,
    grouping lists, ranges and function calls are taken out."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\boffset\s+\w+", " ", expr)
    names = re.findall(r"[A-Za-z_:][\w:]*(?!\w)(?!\s*\()", expr)
    return {n for n in names if n not in KEYWORDS and not re.fullmatch(r"\d+\w*", n)}


def substitute(expr, where):
    def value(match):
        name = match.group(1) or match.group(2)
        if name not in VARIABLES:
            sys.exit(f"{where}: unknown Grafana variable ${name} in: {expr}")
        return VARIABLES[name]
    return VARIABLE.sub(value, expr)


def main(paths):
    problems = []
    exprs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            board = json.load(f)
        name = os.path.basename(path)
        if not board.get("uid"):
            problems.append(f"{name}: no fixed uid")
        if not any(i.get("name") == "DS_PROMETHEUS" for i in board.get("__inputs", [])):
            problems.append(f"{name}: no DS_PROMETHEUS input")
        for panel in panels(board.get("panels", [])):
            if panel.get("type") == "row":
                continue
            where = f"{name}: panel {panel.get('id')} '{panel.get('title')}'"
            if "targets" in panel and panel.get("datasource") != "${DS_PROMETHEUS}":
                problems.append(f"{where}: datasource is not ${{DS_PROMETHEUS}}")
            for target in panel.get("targets", []):
                if target.get("datasource") != "${DS_PROMETHEUS}":
                    problems.append(f"{where} target {target.get('refId')}: datasource is not ${{DS_PROMETHEUS}}")
                expr = target.get("expr", "")
                if not expr.strip():
                    problems.append(f"{where}: target {target.get('refId')} has no expr")
                    continue
                exprs.append((where, substitute(expr, where)))
        for var in board.get("templating", {}).get("list", []):
            if var.get("type") != "query":
                continue
            match = LABEL_VALUES.match(var.get("query", ""))
            if not match:
                problems.append(f"{name}: variable {var['name']}: expected label_values(metric, label)")
            elif match.group(1) not in METRICS:
                problems.append(f"{name}: variable {var['name']}: unknown metric {match.group(1)}")

    for where, expr in exprs:
        names = metric_names(expr)
        for metric in sorted(names - METRICS):
            problems.append(f"{where}: unknown metric {metric} in: {expr}")
        if not names:
            problems.append(f"{where}: no metric in: {expr}")

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as rules:
        rules.write("groups:\n  - name: dashboard-exprs\n    rules:\n")
        for i, (_, expr) in enumerate(exprs):
            rules.write(f"      - record: dashboard_expr_{i}\n        expr: {json.dumps(expr)}\n")
    try:
        result = subprocess.run(["promtool", "check", "rules", rules.name], capture_output=True, text=True)
    finally:
        os.unlink(rules.name)
    if result.returncode != 0:
        problems.append("promtool check rules failed on the dashboard expressions:\n"
                        + result.stdout + result.stderr
                        + "\n".join(f"  dashboard_expr_{i}: {w}: {e}" for i, (w, e) in enumerate(exprs)))

    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{len(exprs)} dashboard expressions in {len(paths)} dashboards parse and use only flowwatch's metrics")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
