"""docker-credential-ecrctl vs docker-credential-ecr-login vs aws ecr get-login-password.

python benchmarks/bench_login.py [--runs N]

Both credential helpers answer ``get`` from a seeded cache (ecrctl: its keyring
cache in a real Secret Service, gnome-keyring on a private D-Bus session, since
ecrctl refuses plaintext keyring backends; ecr-login: $AWS_ECR_CACHE_DIR/cache.json).
``aws ecr get-login-password`` has no cache and asks moto_server every time, as
does ecrctl when its cache holds nothing usable.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import (
    aws_cli,
    base_env,
    ecrctl_bin,
    in_secret_service,
    median_seconds,
    moto_server,
    report,
)

ACCOUNT = "123456789012"
REGION = "us-east-1"
HOST = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
TARGET_MS = 60

SEED_ECRCTL = """
from datetime import UTC, datetime, timedelta
from ecrctl.aws.settings import AwsSettings, resolve
from ecrctl.login import cache as tokencache
cache = tokencache.open_cache()
assert cache.usable, cache.reason
resolved = resolve(AwsSettings())
endpoint = resolved.endpoint_url
arn = "arn:aws:sts::{account}:user/moto"
cache.remember_identity(resolved.credential_source(),
                        tokencache.Identity(arn, "{account}"))
now = datetime.now(UTC)
key = tokencache.CacheKey("aws", "{account}", "{region}", arn, endpoint)
token = tokencache.CachedToken("AWS", "ecrctl-bench-secret", "https://{host}",
                               now + timedelta(hours=12), now, "{host}")
assert cache.put(key, token)
"""


def seed_ecr_login(cache_dir: Path, access_key: str) -> None:
    """A fresh entry in amazon-ecr-credential-helper 0.6's cache.json.

    Its key: region, base64 of (access key id + md5 of nothing) as that version
    builds it, and the registry id.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    checksum = base64.b64encode(access_key.encode() + hashlib.md5(b"").digest()).decode()
    now = datetime.now(UTC)
    entry = {
        "AuthorizationToken": base64.b64encode(b"AWS:ecr-login-bench-secret").decode(),
        "RequestedAt": now.isoformat(),
        "ExpiresAt": (now + timedelta(hours=12)).isoformat(),
        "ProxyEndpoint": f"https://{HOST}",
        "Service": "ecr",
    }
    key = f"{REGION}-{checksum}-{ACCOUNT}"
    data = {"Registries": {key: entry}, "Version": "1.0"}
    (cache_dir / "cache.json").write_text(json.dumps(data))


def answer(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, input=HOST.encode(), env=env, capture_output=True, check=True)
    secret: str = json.loads(done.stdout)["Secret"]
    return secret


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    if os.environ.get("ECRCTL_BENCH_SECRET_SERVICE") != "1":
        in_secret_service(sys.argv)  # runs this benchmark again inside one; never returns
    helper = str(Path(ecrctl_bin()).parent / "docker-credential-ecrctl")
    ecr_login = shutil.which("docker-credential-ecr-login")
    aws = aws_cli()
    work = Path(tempfile.mkdtemp(prefix="ecrctl-bench-login-"))
    try:
        with moto_server() as url:
            env = base_env(url)
            env.update(
                {
                    "HOME": str(work),
                    "XDG_CACHE_HOME": str(work / "cache"),
                    "XDG_DATA_HOME": str(work / "data"),
                    "XDG_CONFIG_HOME": str(work / "config"),
                    "XDG_STATE_HOME": str(work / "state"),
                    "DOCKER_CONFIG": str(work / "docker"),
                    "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
                    "AWS_ECR_CACHE_DIR": str(work / "ecr-login"),
                    "AWS_REGION": REGION,
                }
            )
            seed = SEED_ECRCTL.format(account=ACCOUNT, region=REGION, host=HOST)
            subprocess.run([sys.executable, "-c", seed], env=env, check=True)
            assert answer([helper, "get"], env) == "ecrctl-bench-secret"
            hit = median_seconds([helper, "get"], args.runs, env, stdin=HOST.encode())
            floor = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
            password = median_seconds(
                [aws, "ecr", "get-login-password"], max(5, args.runs // 3), env
            )
            uncached = {**env, "ECRCTL_NO_CACHE": "1"}
            assert answer([helper, "get"], uncached) == f"{ACCOUNT}-auth-token"
            miss = median_seconds(
                [helper, "get"], max(5, args.runs // 3), uncached, stdin=HOST.encode()
            )
            rows = [
                ("cache-hit get vs get-login-password", hit, password),
                ("uncached get vs get-login-password", miss, password),
            ]
            report(
                "docker-credential-ecrctl vs aws ecr get-login-password",
                rows,
                names=("ecrctl", "aws-cli"),
            )
            if ecr_login:
                seed_ecr_login(work / "ecr-login", env["AWS_ACCESS_KEY_ID"])
                assert answer([ecr_login, "get"], env) == "ecr-login-bench-secret"
                theirs = median_seconds([ecr_login, "get"], args.runs, env, stdin=HOST.encode())
                report(
                    "docker-credential-ecrctl vs docker-credential-ecr-login",
                    [("cache-hit get", hit, theirs)],
                    names=("ecrctl", "ecr-login"),
                )
            else:
                print("\ndocker-credential-ecr-login is not installed: that comparison is skipped")
            verdict = "met" if hit * 1000 < TARGET_MS else "MISSED"
            print(
                f"\ncache-hit get median {hit * 1000:.0f} ms (python -c pass: "
                f"{floor * 1000:.0f} ms); target < {TARGET_MS} ms: {verdict}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
