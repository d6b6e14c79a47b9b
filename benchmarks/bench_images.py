"""ecrctl vs AWS CLI v1 on the image workflows, on one paginating moto server.

python benchmarks/bench_images.py [--runs N] [--images N] [--latency-ms MS]

moto ignores maxResults/nextToken, so this script starts its own moto server
with DescribeImages and ListImages paginated the way ECR documents them
(default page 100, maxResults up to 1000, an opaque nextToken). Both tools talk
to that server; API calls are counted from each tool's --debug log.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import aws_cli, backends, base_env, ecrctl_bin, report, reset

SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json"
REPO = "bench/images"


# -- a moto server that paginates like ECR --------------------------------------------


def _paginate(original: Callable[[Any], Any], key: str) -> Callable[[Any], Any]:
    def method(self: Any) -> Any:
        from moto.core.responses import ActionResult

        result = original(self)
        items = list(result.result[key])
        size = int(self._get_param("maxResults") or 100)
        start = int(self._get_param("nextToken") or 0)
        page: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            page["nextToken"] = str(start + size)
        return ActionResult(page)

    return method


def serve(port: str, latency_ms: str) -> None:
    backends.apply_moto_fixes()
    from moto.ecr.responses import ECRResponse
    from moto.server import main as moto_main

    delay = int(latency_ms) / 1000
    if delay:
        original_call = ECRResponse.call_action

        def call_action(self: Any) -> Any:
            time.sleep(delay)  # a network round trip to a real ECR endpoint
            return original_call(self)

        ECRResponse.call_action = call_action
    ECRResponse.describe_images = _paginate(ECRResponse.describe_images, "imageDetails")
    ECRResponse.list_images = _paginate(ECRResponse.list_images, "imageIds")
    moto_main(["-H", "127.0.0.1", "-p", port])


@contextmanager
def paginating_moto(log: Path, latency_ms: int = 0) -> Iterator[str]:
    port = str(backends.free_port())
    with open(log, "ab") as handle:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", port, str(latency_ms)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        backends.wait_http(f"{url}/moto-api/")
        yield url
    finally:
        backends.stop_pid(proc.pid)


# -- helpers ------------------------------------------------------------------------


def client(url: str) -> Any:
    import boto3

    return boto3.client(
        "ecr",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def manifest(seed: str) -> str:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": SCHEMA2,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 1000,
                "digest": "sha256:" + hashlib.sha256(f"c{seed}".encode()).hexdigest(),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 2048,
                    "digest": "sha256:" + hashlib.sha256(f"l{seed}".encode()).hexdigest(),
                }
            ],
        }
    )


def seed(url: str, count: int, *, tagged: bool, prefix: str = "") -> None:
    ecr = client(url)
    for n in range(count):
        kwargs: dict[str, Any] = {
            "repositoryName": REPO,
            "imageManifest": manifest(f"{prefix}{n}"),
            "imageManifestMediaType": SCHEMA2,
        }
        if tagged:
            kwargs["imageTag"] = f"t{n}"
        ecr.put_image(**kwargs)


def fresh(url: str) -> None:
    reset(url)
    client(url).create_repository(repositoryName=REPO)


def timed(command: list[str] | str, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        command, env=env, capture_output=True, shell=isinstance(command, str), text=True
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{command} failed: {proc.stderr[-800:]}")
    return elapsed, proc.stderr


def calls(debug_log: str, operation: str) -> int:
    return debug_log.count(f"Making request for OperationModel(name={operation})")


def median(values: list[float]) -> float:
    return statistics.median(values)


# -- the cases ----------------------------------------------------------------------


def bench_list(url: str, aws: str, ecrctl: str, env: dict[str, str], args: Any) -> list[Any]:
    fresh(url)
    started = time.perf_counter()
    seed(url, args.images, tagged=True)
    print(f"seeded {args.images} images in {time.perf_counter() - started:.1f} s", flush=True)
    ours_cmd = [ecrctl, "image", "list", REPO]
    theirs_cmd = [aws, "ecr", "describe-images", "--repository-name", REPO, "--output", "json"]
    _, ours_log = timed([*ours_cmd, "--debug"], env)
    _, theirs_log = timed([*theirs_cmd, "--debug"], env)
    counts = (calls(ours_log, "DescribeImages"), calls(theirs_log, "DescribeImages"))
    rows = []
    for label, ours, theirs in (
        ("table", ours_cmd, theirs_cmd),
        ("json", [*ours_cmd, "-o", "json"], theirs_cmd),
    ):
        a = median([timed(ours, env)[0] for _ in range(args.runs)])
        b = median([timed(theirs, env)[0] for _ in range(args.runs)])
        rows.append((f"image list, {args.images} images ({label})", a, b))
    print(
        f"DescribeImages calls for {args.images} images: ecrctl {counts[0]}, "
        f"aws-cli {counts[1]} (expected ecrctl {math.ceil(args.images / 1000)})",
        flush=True,
    )
    return rows


def bench_retag(url: str, aws: str, ecrctl: str, env: dict[str, str], args: Any) -> list[Any]:
    """ecrctl's retag (one process, concurrent puts) vs the guide's aws-cli loop."""
    fresh(url)
    seed(url, 1, tagged=True)  # tag t0
    ours, loop = [], []
    for run in range(args.runs):
        tags = [f"e{run}-{n}" for n in range(100)]
        ours.append(timed([ecrctl, "image", "retag", REPO, "t0", *tags, "-q"], env)[0])
        script = (
            f"M=$({aws} ecr batch-get-image --repository-name {REPO} --image-ids imageTag=t0 "
            "--query 'images[0].imageManifest' --output text) && "
            f"for n in $(seq 0 99); do {aws} ecr put-image --repository-name {REPO} "
            f'--image-tag a{run}-$n --image-manifest "$M" >/dev/null || exit 1; done'
        )
        loop.append(timed(script, env)[0])
    return [("image retag, 100 new tags (vs aws-cli put-image loop)", median(ours), median(loop))]


def bench_retag_calls(url: str, runs: int, latency_ms: int) -> tuple[str, float, float]:
    """In one process, on one client: retag() of 100 new tags vs 100 sequential
    PutImage calls of the same manifest."""
    from ecrctl.image.query import ImageRef
    from ecrctl.image.retag import plan_retag, retag

    fresh(url)
    seed(url, 1, tagged=True)
    ecr = client(url)
    text = ecr.batch_get_image(repositoryName=REPO, imageIds=[{"imageTag": "t0"}])["images"][0][
        "imageManifest"
    ]
    ours, sequential = [], []
    for run in range(runs):
        start = time.perf_counter()
        result = retag(
            plan_retag(ecr, REPO, ImageRef(tag="t0"), [f"r{run}-{n}" for n in range(100)])
        )
        ours.append(time.perf_counter() - start)
        assert not result.failed
        start = time.perf_counter()
        for n in range(100):
            ecr.put_image(
                repositoryName=REPO,
                imageManifest=text,
                imageTag=f"s{run}-{n}",
                imageManifestMediaType=SCHEMA2,
            )
        sequential.append(time.perf_counter() - start)
    a, b = median(ours), median(sequential)
    print(
        f"retag 100 tags, {latency_ms} ms per call: retag() {a:.3f} s, "
        f"100 sequential PutImage {b:.3f} s, ratio {b / a:.1f}x",
        flush=True,
    )
    label = f"retag() vs 100 sequential PutImage, {latency_ms} ms added per call"
    return (label, a, b)


def bench_delete(url: str, aws: str, ecrctl: str, env: dict[str, str], args: Any) -> list[Any]:
    ours, theirs = [], []
    ours_calls = theirs_calls = 0
    for run in range(args.delete_runs):
        fresh(url)
        seed(url, 1000, tagged=False, prefix=f"o{run}-")
        elapsed, log = timed(
            [ecrctl, "image", "delete", REPO, "--untagged", "--yes", "-q", "--debug"], env
        )
        ours.append(elapsed)
        ours_calls = calls(log, "BatchDeleteImage")
        assert not client(url).list_images(repositoryName=REPO)["imageIds"]
        fresh(url)
        seed(url, 1000, tagged=False, prefix=f"a{run}-")
        script = (
            f"{aws} ecr list-images --repository-name {REPO} --filter tagStatus=UNTAGGED "
            "--query 'imageIds[].imageDigest' --output text | tr '\\t' '\\n' | "
            "sed 's/^/imageDigest=/' | "
            f"xargs -n 100 {aws} --debug ecr batch-delete-image --repository-name {REPO} "
            "--image-ids >/dev/null"
        )
        elapsed, log = timed(script, env)
        theirs.append(elapsed)
        theirs_calls = calls(log, "BatchDeleteImage")
        assert not client(url).list_images(repositoryName=REPO)["imageIds"]
    print(
        f"delete 1000 untagged images: BatchDeleteImage calls ecrctl {ours_calls}, "
        f"aws-cli + xargs -n 100 {theirs_calls}",
        flush=True,
    )
    return [("image delete --untagged, 1000 images", median(ours), median(theirs))]


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--delete-runs", type=int, default=3)
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args()
    aws, ecrctl = aws_cli(), ecrctl_bin()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"ecrctl-bench-images-{os.getpid()}.log"
    with paginating_moto(log) as url:
        env = {**base_env(url), "COLUMNS": "200"}
        rows = bench_list(url, aws, ecrctl, env, args)
        rows += bench_retag(url, aws, ecrctl, env, args)
        rows += bench_delete(url, aws, ecrctl, env, args)
        calls_rows = [bench_retag_calls(url, args.runs, 0)]
    with paginating_moto(log, args.latency_ms) as url:
        calls_rows.append(bench_retag_calls(url, args.runs, args.latency_ms))
    log.unlink(missing_ok=True)
    report("Images (median wall time, lower is better)", rows)
    report(
        "Retag in one process (median wall time)",
        calls_rows,
        ("ecrctl retag()", "sequential PutImage"),
    )


if __name__ == "__main__":
    main()
