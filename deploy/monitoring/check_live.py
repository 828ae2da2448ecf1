#!/usr/bin/env python3
"""The dashboard's queries run by a real Prometheus (observability.md §4.3).

  check_live.py exposition       print a /metrics page with every metric of docs/metrics.md (every listed label
                                 value, a placeholder for free labels), for `promtool check metrics`
  check_live.py dashboard [--target HOST:PORT] [--prometheus PATH]
                                 start Prometheus on a free loopback port with a scratch database, scraping
                                 TARGET every second as job "flux" (default: this script serving the page
                                 above, until the broker has its /metrics endpoint), wait for 3 scrapes, then
                                 run every panel query of the dashboards with Grafana's macros and variables
                                 substituted: each must succeed (syntax) and return series (names and labels
                                 exist). Prints "N passed, M failed".
"""
import http.server
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_queries  # noqa: E402  (same directory)

PLACEHOLDERS = {"listener": "0.0.0.0:8883", "filter": "electrical", "factory_id": "factory-a",
                "equipment_type": "oven", "sensor_type": "electrical", "version": "0.1.0", "pool": "direct",
                "gc": "G1 Young Generation", "runtime": "OpenJDK Runtime Environment", "vendor": "Eclipse Adoptium"}
MACROS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "5m"}


def exposition(contract):
    lines = []
    for name, (mtype, labels) in sorted(contract.items()):
        if name in ("up", "scrape_duration_seconds"):
            continue  # made by Prometheus
        keys = sorted(labels)
        values = [sorted(labels[k]) if labels[k] else [PLACEHOLDERS.get(k, "x")] for k in keys]
        lines.append(f"# HELP {name} {name} (synthetic, docs/metrics.md)")
        lines.append(f"# TYPE {name} {mtype}")
        for combo in itertools.product(*values):
            ls = ",".join(f'{k}="{v}"' for k, v in zip(keys, combo))
            if mtype == "histogram":
                for le in ("0.005", "0.05", "0.5", "+Inf"):
                    lines.append(f'{name}_bucket{{{ls}{"," if ls else ""}le="{le}"}} 1')
                lines.append(f"{name}_sum{{{ls}}} 0.001")
                lines.append(f"{name}_count{{{ls}}} 1")
            elif mtype == "summary":
                lines.append(f"{name}_sum{{{ls}}} 0.001")
                lines.append(f"{name}_count{{{ls}}} 1")
            else:
                value = 1 if not name.endswith("_timestamp_seconds") else int(time.time()) + 60 * 86400
                lines.append(f"{name}{{{ls}}} {value}" if ls else f"{name} {value}")
    return "\n".join(lines) + "\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(page):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = page.encode()
            self.send_response(200 if self.path == "/metrics" else 404)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_address[1]}"


def query(base, expr):
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)


def panel_queries(dashboard):
    def walk(panels):
        for p in panels:
            if p.get("type") == "row":
                yield from walk(p.get("panels", []))
                continue
            for t in p.get("targets", []):
                yield f"panel {p.get('id')} {p.get('title')!r} {t.get('refId')}", t["expr"]

    return list(walk(dashboard.get("panels", [])))


def substitute(expr, variables):
    for macro, value in MACROS.items():
        expr = expr.replace(macro, value)
    for var in variables:
        expr = expr.replace("${" + var + "}", ".*").replace("$" + var, ".*")
    return expr


def dashboard(args, contract):
    prometheus = args[args.index("--prometheus") + 1] if "--prometheus" in args else shutil.which("prometheus")
    if not prometheus:
        print("check_live: prometheus not found; install Debian's prometheus")
        return 2
    server = None
    if "--target" in args:
        target = args[args.index("--target") + 1]
    else:
        server, target = serve(exposition(contract))
    scratch = Path(tempfile.mkdtemp(prefix="flux-check-live-"))
    port = free_port()
    (scratch / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"scrape_configs:\n  - job_name: flux\n    static_configs: [{{targets: ['{target}']}}]\n")
    proc = subprocess.Popen([prometheus, f"--config.file={scratch / 'prometheus.yml'}",
                             f"--storage.tsdb.path={scratch / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=open(scratch / "prometheus.log", "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:  # rate() needs at least two samples in its window: wait for three scrapes
            if proc.poll() is not None:
                print(f"check_live: prometheus exited {proc.returncode}:\n{(scratch / 'prometheus.log').read_text()[-2000:]}")
                return 1
            try:
                r = query(base, 'count_over_time(up{job="flux"}[1m]) >= 3')
                if r.get("status") == "success" and r["data"]["result"]:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                print(f"check_live: {target} was not scraped 3 times within 90 s")
                return 1
            time.sleep(0.5)
        passed, failed = 0, []
        for path in sorted((check_queries.DASHBOARDS).glob("*.json")):
            dash = json.loads(path.read_text())
            variables = [v["name"] for v in dash.get("templating", {}).get("list", [])]
            for where, expr in panel_queries(dash):
                q = substitute(expr, variables)
                r = query(base, q)
                if r.get("status") != "success":
                    failed.append(f"{path.name}: {where}: {r.get('errorType')}: {r.get('error')}: {q}")
                elif not r["data"]["result"]:
                    failed.append(f"{path.name}: {where}: no data: {q}")
                else:
                    passed += 1
        for f in failed:
            print(f)
        print(f"{passed} passed, {len(failed)} failed")
        return 1 if failed else 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if server:
            server.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    args = sys.argv[1:]
    contract = check_queries.read_contract()
    if check_queries.problems:
        print("\n".join(check_queries.problems))
        return 1
    if args[:1] == ["exposition"]:
        sys.stdout.write(exposition(contract))
        return 0
    if args[:1] == ["dashboard"]:
        return dashboard(args, contract)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
