#!/usr/bin/env python3
"""Benchmark: ``ecrctl policy lifecycle preview`` of 100,000 images under 50 rules,
both read from files (no AWS call).

Measures the whole command (interpreter start, imports, JSON parsing, the
evaluation and the JSON output) as a child process: the median wall time of
several runs and the child's peak RSS (``resource.getrusage(RUSAGE_CHILDREN)``
after each run; one run per fresh measuring process). Targets: < 1.5 s and
< 300 MB.

There is no incumbent to run side by side: the AWS CLI has no offline preview
(``aws ecr start-lifecycle-policy-preview`` needs the policy and the images
in AWS, and moto does not implement it), and no open-source tool evaluates
lifecycle JSON offline.

    python benchmarks/bench_lifecycle.py [--images 100000] [--rules 50] [--runs 5]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ecrctl_bin

NOW = 1_700_000_000
DAY = 86_400
TARGET_SECONDS = 1.5
TARGET_MB = 300

PREFIXES = [f"svc{i:02d}-" for i in range(40)]


def make_images(count: int, seed: int = 7) -> dict[str, object]:
    """describe-images output: tagged releases per service, CI builds, untagged layers."""
    rng = random.Random(seed)
    details = []
    for i in range(count):
        age = rng.uniform(0, 400) * DAY
        kind = rng.random()
        if kind < 0.25:
            tags: list[str] = []
        elif kind < 0.85:
            prefix = rng.choice(PREFIXES)
            # a tag names one image of a repository: every tag is unique
            tags = [f"{prefix}{i}", f"{prefix}build-{rng.getrandbits(40):010x}-{i}"]
            if rng.random() < 0.1:
                tags.append(f"release-{i}")
        else:
            tags = [f"feature-{rng.randrange(5000)}-{i}"]
        detail: dict[str, object] = {
            "registryId": "123456789012",
            "repositoryName": "bench/app",
            "imageDigest": "sha256:" + hashlib.sha256(str(i).encode()).hexdigest(),
            "imageSizeInBytes": rng.randrange(10_000_000, 900_000_000),
            # the AWS CLI v1 prints epoch seconds, v2 ISO 8601: mix both
            "imagePushedAt": round(NOW - age, 3) if i % 2 else _iso(NOW - age),
            "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "artifactMediaType": "application/vnd.docker.container.image.v1+json",
        }
        if tags:
            detail["imageTags"] = tags
        if rng.random() < 0.5:
            detail["lastRecordedPullTime"] = _iso(NOW - age * rng.random())
        details.append(detail)
    return {"imageDetails": details}


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + "+00:00"


def make_policy(rules: int) -> dict[str, object]:
    """``rules`` rules: per-service keep-N and age rules, patterns, untagged, any last."""
    out: list[dict[str, object]] = []
    for priority in range(1, rules - 1):
        prefix = PREFIXES[(priority - 1) % len(PREFIXES)]
        if priority % 3 == 0:
            selection: dict[str, object] = {
                "tagStatus": "tagged",
                "tagPatternList": [f"{prefix}*", f"{prefix}build-*"],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 90,
            }
        else:
            selection = {
                "tagStatus": "tagged",
                "tagPrefixList": [prefix],
                "countType": "imageCountMoreThan",
                "countNumber": 20 + priority,
            }
        out.append(
            {
                "rulePriority": priority,
                "description": f"rule for {prefix}",
                "selection": selection,
                "action": {"type": "expire"},
            }
        )
    out.append(
        {
            "rulePriority": rules - 1,
            "description": "untagged older than 14 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        }
    )
    out.append(
        {
            "rulePriority": rules,
            "description": "keep 500 images overall",
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": 500,
            },
            "action": {"type": "expire"},
        }
    )
    return {"rules": out}


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
if done.returncode:
    sys.stderr.write(done.stderr.decode())
    sys.exit(done.returncode)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def measure(argv: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one run of ``argv``."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        images = Path(tmp) / "images.json"
        policy = Path(tmp) / "policy.json"
        images.write_text(json.dumps(make_images(args.images), indent=2))
        policy.write_text(json.dumps(make_policy(args.rules), indent=2))
        size_mb = images.stat().st_size / 1e6
        base = [
            *[ecrctl_bin(), "policy", "lifecycle", "preview"],
            *["--policy", str(policy), "--images", str(images), "--now", _iso(NOW)],
        ]
        cases = {
            "preview -o json": [*base, "-o", "json"],
            "preview --only-expiring (table)": [*base, "--only-expiring"],
            "preview (table, every image)": base,
        }
        print(
            f"Lifecycle preview from files: {args.images:,} images ({size_mb:.0f} MB of "
            f"describe-images JSON), {args.rules} rules; median of {args.runs} runs; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        print(f"{'command':34} {'wall s':>7} {'CPU s':>6} {'peak MB':>8}  target")
        for label, argv in cases.items():
            measure(argv)  # warm the page cache and .pyc files
            runs = [measure(argv) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = max(r[2] for r in runs)
            verdict = "ok" if wall < TARGET_SECONDS and rss < TARGET_MB else "missed"
            print(
                f"{label:34} {wall:7.2f} {cpu:6.2f} {rss:8.0f}  "
                f"< {TARGET_SECONDS} s and < {TARGET_MB} MB: {verdict}"
            )
        print(
            "aws CLI: nothing to run side by side; it has no offline preview "
            "(start-lifecycle-policy-preview evaluates in AWS)"
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "200")
    raise SystemExit(main())
