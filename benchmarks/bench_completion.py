"""Shell completion speed: one completion request through click's env-var
protocol (what the bash/zsh/fish scripts send at each TAB), next to
``python -c pass`` as the floor and AWS CLI v1's ``aws_completer``.

    python benchmarks/bench_completion.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import common

TARGET = 0.150


def request(line: str) -> dict[str, str]:
    words = line.split(" ")
    return {
        "_ECRCTL_COMPLETE": "bash_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs

    home = Path(tempfile.mkdtemp(prefix="ecrctl-bench-completion-"))
    try:
        env = common.base_env()
        env.update({"HOME": str(home), "XDG_CACHE_HOME": str(home / "cache")})
        os.environ.update(env)
        from ecrctl.aws.settings import AwsSettings
        from ecrctl.completion import cache as cc

        scope = cc.CacheScope.of(AwsSettings())
        cc.remember_repositories(scope, [f"team{i // 50}/app{i}" for i in range(500)])
        cc.remember_images(
            scope,
            "team0/app0",
            [cc.ImageId(f"v{i}", "sha256:" + f"{i:064x}") for i in range(1000)],
        )

        ecrctl = common.ecrctl_bin()
        floor = common.median_seconds([sys.executable, "-c", "pass"], runs, env=env)
        cases = [
            ("subcommands: `ecrctl re`", "ecrctl re"),
            ("500 repositories: `ecrctl repo delete team1`", "ecrctl repo delete team1"),
            ("regions: `ecrctl --region eu-`", "ecrctl --region eu-"),
        ]
        rows: list[tuple[str, float]] = []
        for title, line in cases:
            seconds = common.median_seconds([ecrctl], runs, env={**env, **request(line)})
            rows.append((title, seconds))

        with common.moto_server() as url:
            stale = {**env, "AWS_ENDPOINT_URL_ECR": url, "ECRCTL_COMPLETION_MAX_AGE": "0"}
            seconds = common.median_seconds(
                [ecrctl], max(5, runs // 3), env={**stale, **request("ecrctl repo delete ")}
            )
            rows.append(("stale cache, one call to moto: `ecrctl repo delete `", seconds))

        print("\nCompletion (one request, fresh cache unless stated)")
        print("| case | median | above the floor | target < 150 ms |")
        print("|---|---:|---:|---|")
        print(f"| floor: `python -c pass` | {floor * 1000:.0f} ms | - | - |")
        for title, seconds in rows:
            verdict = "-" if "stale" in title else ("met" if seconds < TARGET else "MISSED")
            print(
                f"| {title} | {seconds * 1000:.0f} ms | {(seconds - floor) * 1000:.0f} ms "
                f"| {verdict} |"
            )

        aws_completer = Path(common.aws_cli()).with_name("aws_completer")
        line = "aws ecr describe-re"
        theirs = common.median_seconds(
            [str(aws_completer)],
            runs,
            env={**env, "COMP_LINE": line, "COMP_POINT": str(len(line))},
        )
        ours = rows[0][1]
        common.report(
            "Subcommand completion side by side",
            [("complete a subcommand name", ours, theirs)],
            names=("ecrctl", "aws_completer"),
        )
        print(f"\n(measured {time.strftime('%Y-%m-%d')}, {runs} runs each)")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
