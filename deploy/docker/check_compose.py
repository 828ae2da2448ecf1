#!/usr/bin/env python3
"""Checks deploy/docker-compose.yml without a Docker engine: that what it mounts and wires up exists.

Reads the file as `docker-compose config` resolves it (give that output on stdin) and checks:
- every file or directory bind-mounted from the repository exists; anything mounted from deploy/secrets/
  (bind mounts and Docker secrets) is listed in deploy/secrets/README.md and ignored by git, since secrets
  are made on the host, never committed;
- each build context and Dockerfile exists, and every file the Dockerfile COPYs from the context;
- every absolute path a mounted configuration names (certificates, password and ACL files, secrets, rule
  files, dashboards, the store) lies under something mounted into that service (a secret's `.example`
  in deploy/docker/ stands for the secret);
- every host:port a configuration or the Prometheus scrape config points at is a service of this file
  listening on that port (Flux's from its listener/http_listener lines; the images' own defaults), and
  every published port is one the service listens on.
Prints FILE: WHAT per problem and exits 1 if there is any.
"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SECRETS = DEPLOY / "secrets"
# The ports the third-party images listen on (their defaults, which this stack keeps).
IMAGE_PORTS = {"influxdb": {8086}, "prom/prometheus": {9090}, "prom/alertmanager": {9093}, "grafana/grafana": {3000}}
problems = []


def rel(p):
    p = Path(p)
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def inside(path, base):
    return path == base or path.startswith(base.rstrip("/") + "/")


def secret_source_ok(source, what):
    """A mount from deploy/secrets/: documented and ignored by git, need not exist."""
    name = Path(source).resolve().relative_to(SECRETS).parts[0]
    readme = (SECRETS / "README.md").read_text() if (SECRETS / "README.md").exists() else ""
    if f"`{name}`" not in readme and f"`{name}/`" not in readme:
        problems.append(f"deploy/secrets/README.md: does not say how to make {name!r} ({what})")
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", f"deploy/secrets/{name}"]).returncode == 0
    if not ignored:
        problems.append(f"deploy/secrets/{name}: not ignored by git ({what}); secrets must never be committed")


def check_source(source, what):
    p = Path(source)
    if inside(str(p.resolve()), str(SECRETS)):
        secret_source_ok(source, what)
    elif not inside(str(p.resolve()), str(ROOT)):
        problems.append(f"deploy/docker-compose.yml: {what}: {source} is outside the repository")
    elif not p.exists():
        problems.append(f"deploy/docker-compose.yml: {what}: {rel(p)} does not exist in the repository")


def flux_ports(text):
    return {int(m) for m in re.findall(r"^\s*(?:listener|http_listener|port)\s+(\d+)", text, re.M)}


def main():
    compose = yaml.safe_load(sys.stdin.read())
    services = compose.get("services", {})
    secret_files = {k: v.get("file") for k, v in (compose.get("secrets") or {}).items()}
    configs = {}  # service -> [(label, text)] of the configurations it reads
    mounts = {}  # service -> container paths mounted
    listens = {}
    for name, svc in services.items():
        targets, texts = [], []
        build = svc.get("build")
        if build:
            context = Path(build["context"])
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            if not dockerfile.exists():
                problems.append(f"deploy/docker-compose.yml: {name}: Dockerfile {rel(dockerfile)} does not exist")
            else:
                for line in dockerfile.read_text().splitlines():
                    m = re.match(r"\s*COPY\s+(?!--from)(.+)\s+\S+$", line)
                    if m:
                        for src in m.group(1).split():
                            if not src.startswith("--") and not (context / src).exists():
                                problems.append(f"{rel(dockerfile)}: COPY {src}: not in the build context")
        for v in svc.get("volumes", []) or []:
            if isinstance(v, str):
                parts = v.split(":")
                v = {"type": "bind" if parts[0].startswith("/") else "volume", "source": parts[0], "target": parts[1]}
            targets.append(v["target"])
            if v.get("type") == "bind":
                check_source(v["source"], f"{name} mounts {v['target']}")
                src = Path(v["source"])
                if src.is_file():
                    texts.append((rel(src), src.read_text()))
                elif src.is_dir() and not inside(str(src.resolve()), str(SECRETS)):
                    for f in sorted(src.rglob("*.y*ml")):
                        texts.append((rel(f), f.read_text()))
        for t in svc.get("tmpfs", []) or []:
            targets.append(t.split(":")[0])
        for s in svc.get("secrets", []) or []:
            source = s["source"] if isinstance(s, dict) else s
            target = s.get("target", source) if isinstance(s, dict) else s
            targets.append(target if target.startswith("/") else f"/run/secrets/{target}")
            if source not in secret_files:
                problems.append(f"deploy/docker-compose.yml: {name}: secret {source!r} is not declared")
                continue
            check_source(secret_files[source], f"{name} secret {source}")
            example = DEPLOY / "docker" / f"{Path(secret_files[source]).name}.example"
            if example.exists():
                texts.append((rel(example), example.read_text()))
        mounts[name], configs[name] = targets, texts
        image = svc.get("image", "")
        if build:
            listens[name] = set().union(*(flux_ports(t) for _, t in texts)) if texts else set()
            if not listens[name]:
                problems.append(f"deploy/docker-compose.yml: {name}: no configuration with a listener is mounted")
        else:
            listens[name] = next((ports for key, ports in IMAGE_PORTS.items() if image.split(":")[0] == key), set())
            if not listens[name]:
                problems.append(f"deploy/docker-compose.yml: {name}: image {image!r}: its port is not known to this check")
        for p in svc.get("ports", []) or []:
            port = int(p["target"]) if isinstance(p, dict) else int(str(p).split(":")[-1].split("/")[0])
            if port not in listens[name]:
                problems.append(f"deploy/docker-compose.yml: {name}: publishes port {port}, which nothing in it listens on "
                                f"(it listens on {sorted(listens[name])})")
        env_port = (svc.get("environment") or {}).get("FLUX_HTTP_PORT")
        if build:
            dockerfile_port = re.search(r"FLUX_HTTP_PORT=(\d+)", (Path(build["context"]) / build.get("dockerfile", "Dockerfile")).read_text())
            health = int(env_port or (dockerfile_port.group(1) if dockerfile_port else 0))
            http = {int(p) for _, t in texts for p in re.findall(r"^\s*http_listener\s+(\d+)", t, re.M)}
            if health not in http:
                problems.append(f"deploy/docker-compose.yml: {name}: the health check's port {health} (FLUX_HTTP_PORT) "
                                f"is not an http_listener of its configuration")
    for name, texts in configs.items():
        for label, text in texts:
            for line in text.splitlines():
                if line.lstrip().startswith("#"):
                    continue
                for path in re.findall(r"(?<![\w/:.])(/(?:etc|run|var)/[\w./-]+)", line):
                    if not any(inside(path, t) for t in mounts[name]):
                        problems.append(f"{label}: {path}: not mounted into {name} (mounts: {', '.join(sorted(mounts[name]))})")
                for host, port in re.findall(r"(?:(?:tcp|ssl|http|https)://|[\"'\s\[])([a-z][\w-]*):(\d+)\b", line):
                    if host in ("localhost",):
                        continue
                    if host not in services:
                        problems.append(f"{label}: {host}:{port}: {host} is not a service of deploy/docker-compose.yml")
                    elif int(port) not in listens[host]:
                        problems.append(f"{label}: {host}:{port}: {host} does not listen on {port} "
                                        f"(it listens on {sorted(listens[host])})")
    for p in problems:
        print(p)
    if problems:
        print(f"check_compose: {len(problems)} problem(s)")
        return 1
    print(f"check_compose: {len(services)} services; every mount, secret, port and address they use exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
