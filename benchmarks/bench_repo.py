"""ecrctl vs AWS CLI v1 on the repository workflows, on one moto server.

python benchmarks/bench_repo.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import subprocess

from common import aws_cli, base_env, ecrctl_bin, median_seconds, moto_server, report, reset


def seed(aws: str, env: dict[str, str], url: str, count: int) -> None:
    import boto3

    client = boto3.client(
        "ecr",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    for index in range(count):
        client.create_repository(repositoryName=f"bench/repo-{index:04d}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--repos", type=int, default=500)
    args = parser.parse_args()
    aws = aws_cli()
    ecrctl = ecrctl_bin()
    with moto_server() as url:
        env = base_env(url)
        rows = [
            (
                "--help",
                median_seconds([ecrctl, "--help"], args.runs, env),
                median_seconds([aws, "ecr", "help"], args.runs, {**env, "PAGER": "cat"}),
            )
        ]
        reset(url)
        seed(aws, env, url, args.repos)
        listed = subprocess.run(
            [ecrctl, "repo", "list", "-o", "json"], env=env, capture_output=True, check=True
        ).stdout
        assert len(json.loads(listed)) == args.repos
        rows.append(
            (
                f"repo list ({args.repos} repositories)",
                median_seconds([ecrctl, "repo", "list", "-o", "json"], args.runs, env),
                median_seconds(
                    [aws, "ecr", "describe-repositories", "--output", "json"], args.runs, env
                ),
            )
        )
        ours = median_seconds(
            [
                "sh",
                "-c",
                f"{ecrctl} repo create bench/tmp >/dev/null && "
                f"{ecrctl} repo delete bench/tmp >/dev/null",
            ],
            args.runs,
            env,
        )
        theirs = median_seconds(
            [
                "sh",
                "-c",
                f"{aws} ecr create-repository --repository-name "
                f"bench/tmp >/dev/null && {aws} ecr delete-repository "
                "--repository-name bench/tmp >/dev/null",
            ],
            args.runs,
            env,
        )
        rows.append(("repo create + repo delete", ours, theirs))
    report("Repositories (median wall time, lower is better)", rows)


if __name__ == "__main__":
    main()
