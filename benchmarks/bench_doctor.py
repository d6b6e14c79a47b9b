"""``ecrctl doctor REPO:TAG`` with everything healthy, on loopback.

python benchmarks/bench_doctor.py [--runs N]

moto_server answers every AWS call, the Debian docker-registry is the registry
host (ECRCTL_REGISTRY_URL), a private dockerd is the engine, and docker is logged
in to the registry through ecrctl's login workflow. No other tool runs these
checks, so there is nothing to compare with: the figure is the wall time of the
whole command (23 checks), against the 3 s target.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import backends, base_env, ecrctl_bin, median_seconds

TARGET_S = 3.0

SETUP = """
import json
from datetime import UTC, datetime, timedelta
import boto3
from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.login.token import RegistryAuth
from ecrctl.login.workflow import login
ecr = boto3.client("ecr", region_name="us-east-1")
ecr.create_repository(repositoryName="team/app")
manifest = {"schemaVersion": 2, "config": {"size": 1, "digest": "sha256:" + "1" * 64},
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "layers": []}
ecr.put_image(repositoryName="team/app", imageManifest=json.dumps(manifest), imageTag="v1")
auth = RegistryAuth("123456789012", "{registry}", "https://x", "AWS", "{password}",
                    datetime.now(UTC) + timedelta(hours=12))
login(Aws(AwsSettings()), [auth], helper=False)
boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="trail-logs")
cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
cloudtrail.create_trail(Name="main", S3BucketName="trail-logs", IsMultiRegionTrail=True)
cloudtrail.start_logging(Name="main")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ecrctl-bench-doctor-"))
    started = backends.start(workdir, ["moto", "registry", "dockerd"])
    try:
        env = base_env()
        home = workdir / "home"
        home.mkdir()
        env.update(
            HOME=str(home),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_CACHE_HOME=str(home / "cache"),
            DOCKER_CONFIG=str(home / "docker"),
            DOCKER_HOST=started["DOCKER_HOST"],
            AWS_ENDPOINT_URL=started["AWS_ENDPOINT_URL_ECR"],
            AWS_EC2_METADATA_DISABLED="true",
            ECRCTL_REGISTRY_URL=started["ECRCTL_TEST_REGISTRY"],
        )
        script = SETUP.replace("{registry}", started["ECRCTL_TEST_REGISTRY"]).replace(
            "{password}", backends.MOTO_PASSWORD
        )
        subprocess.run([sys.executable, "-c", script], env=env, check=True)
        seconds = median_seconds([ecrctl_bin(), "doctor", "team/app:v1"], runs=args.runs, env=env)
    finally:
        backends.stop(workdir)
        shutil.rmtree(workdir, ignore_errors=True)
    print("\n| case | ecrctl median | target |")
    print("|---|---:|---:|")
    print(
        f"| `doctor team/app:v1`, everything healthy | {seconds * 1000:.0f} ms | {TARGET_S:g} s |"
    )


if __name__ == "__main__":
    main()
