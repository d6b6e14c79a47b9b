"""ecrctl image copy vs skopeo copy vs docker pull + tag + push, between two
local docker-registry servers standing for two ECR accounts.

python benchmarks/bench_copy.py [--runs N] [--mib N] [--layers N] [--tags N] [--big-mib N]
                                [--only fresh,bytes,repo,big]

Every timed copy moves fresh random content (a new image per run). skopeo
gets a fresh HOME per run, so its blob-info cache is empty (it would mount
blobs it has seen otherwise) and reads its credentials from a docker config.
ecrctl, likewise logged in, reads its tokens from its cache in a real Secret
Service (gnome-keyring on a private D-Bus session, which the benchmark starts);
it is also timed with the cache off, asking moto for both tokens. Each
destination repository holds one earlier image. Bytes moved are counted by a
loopback proxy in front of the destination, in separate untimed runs; peak RSS
and CPU are the child's own (GNU time).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from common import ROOT, backends, base_env, ecrctl_bin, in_secret_service

sys.path.insert(0, str(ROOT))

from tests.distribution.images import Registry
from tests.distribution.proxy import Proxy

MIB = 1 << 20


LAST_CPU: list[float] = [0.0]  # CPU seconds (user + system) of the last run_rss child


def run_rss(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """(seconds, peak RSS in bytes, stdout) of one run of ``argv``, under GNU time:
    the RSS of a child forked from this (large) process would count what it
    shared before exec. Its CPU seconds are left in ``LAST_CPU``."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M %U %S", "-o", rss.name, *argv], env=env, capture_output=True
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{argv[:3]} failed: {done.stderr.decode(errors='replace')[-800:]}")
        peak_kib, user, system = rss.read().strip().splitlines()[-1].split()
    LAST_CPU[0] = float(user) + float(system)
    return elapsed, int(peak_kib) * 1024, done.stdout.decode()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process (a backend) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gz_layer(size: int) -> tuple[bytes, str]:
    """A gzip'd tar of one file of fresh random bytes (docker must be able to unpack
    it), and the digest of the tar (its diff_id)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo(f"data-{uuid.uuid4().hex}")
        info.size = size
        tar.addfile(info, io.BytesIO(os.urandom(size)))
    tar_bytes = raw.getvalue()
    diff_id = "sha256:" + hashlib.sha256(tar_bytes).hexdigest()
    return gzip.compress(tar_bytes, compresslevel=1), diff_id


def push_fresh(registry: Registry, repository: str, total_mib: int, layers: int) -> str:
    each = total_mib * MIB // layers
    made = [gz_layer(each) for _ in range(layers)]
    registry.push_image(repository, "1", [m[0] for m in made], diff_ids=[m[1] for m in made])
    return f"{registry.host}/{repository}:1"


def push_big(registry: Registry, repository: str, size: int) -> None:
    """One layer of ``size`` random bytes, streamed up in chunks (never all in memory)."""
    session = registry.session
    start = session.post(registry.url(f"/v2/{repository}/blobs/uploads/"))
    hasher = hashlib.sha256()

    def chunks() -> Iterator[bytes]:
        left = size
        while left:
            chunk = os.urandom(min(left, 8 * MIB))
            hasher.update(chunk)
            left -= len(chunk)
            yield chunk

    patched = session.patch(start.headers["Location"], data=chunks())
    digest = "sha256:" + hasher.hexdigest()
    location = patched.headers["Location"]
    sep = "&" if "?" in location else "?"
    assert session.put(f"{location}{sep}digest={digest}").status_code == 201
    config = json.dumps({"os": "linux", "architecture": "amd64", "rootfs": {}}).encode()
    config_digest = registry.put_blob(repository, config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": len(config),
            "digest": config_digest,
        },
        "layers": [
            {
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size": size,
                "digest": digest,
            }
        ],
    }
    body = json.dumps(manifest).encode()
    registry.put_manifest(repository, "big", body, manifest["mediaType"])


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        # overlay2, as a docker host would run it (the tests' vfs copies every layer)
        os.environ.setdefault("ECRCTL_DOCKERD_STORAGE_DRIVER", "overlay2")
        env = backends.start(workdir, ["moto", "registry", "registry2", "dockerd"])
        self.moto = env["AWS_ENDPOINT_URL_ECR"]
        self.a = Registry(env["ECRCTL_TEST_REGISTRY"], backends.MOTO_PASSWORD)
        self.b = Registry(env["ECRCTL_TEST_REGISTRY2"], backends.SECOND_PASSWORD)
        self.docker_host = env["DOCKER_HOST"]
        pids = dict(line.split() for line in (workdir / "pids").read_text().split("\n") if line)
        self.registry_b_pid = int(pids["registry2"])
        self.config = workdir / "config.toml"
        self.ecrctl = ecrctl_bin()
        self.env = base_env(self.moto)
        self.env.update(
            {
                "AWS_ENDPOINT_URL_STS": self.moto,
                "ECRCTL_CONFIG": str(self.config),
                "ECRCTL_NO_CACHE": "1",
                "DOCKER_CONFIG": str(workdir / "docker"),
                "DOCKER_HOST": self.docker_host,
            }
        )
        # the token cache on, in the Secret Service this benchmark runs beside
        self.warm_env = {k: v for k, v in self.env.items() if k != "ECRCTL_NO_CACHE"}
        self.write_config([])
        (workdir / "docker").mkdir()
        auths = {
            r.host: {"auth": base64.b64encode(f"AWS:{p}".encode()).decode()}
            for r, p in ((self.a, backends.MOTO_PASSWORD), (self.b, backends.SECOND_PASSWORD))
        }
        (workdir / "docker" / "config.json").write_text(json.dumps({"auths": auths}))
        self.authfile = workdir / "docker" / "config.json"

    def write_config(self, extra_b_hosts: list[str]) -> None:
        lines = []
        for host, account, region in [
            (self.a.host, backends.MOTO_ACCOUNT, "us-east-1"),
            *[(h, backends.SECOND_ACCOUNT, "eu-west-1") for h in [self.b.host, *extra_b_hosts]],
        ]:
            lines.append(
                f'[registries."{host}"]\naccount = "{account}"\nregion = "{region}"\n'
                f'endpoint_url = "{self.moto}"\n'
            )
        self.config.write_text("\n".join(lines))

    def create_b(self, repository: str) -> None:
        import boto3

        ecr = boto3.client(
            "ecr",
            region_name="eu-west-1",
            endpoint_url=self.moto,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        ecr.create_repository(repositoryName=repository, registryId=backends.SECOND_ACCOUNT)

    def ecrctl_copy(self, src: str, dst: str) -> list[str]:
        jobs = ["--jobs", str(self.args.jobs)]
        return [self.ecrctl, "image", "copy", src, dst, "-o", "json", *jobs]

    def skopeo_copy(self, src: str, dst: str, home: Path) -> tuple[list[str], dict[str, str]]:
        env = {**self.env, "HOME": str(home)}
        argv = [
            "skopeo", "--insecure-policy", "copy", "--authfile", str(self.authfile),
            "--src-tls-verify=false", "--dest-tls-verify=false", f"docker://{src}", f"docker://{dst}",
        ]  # fmt: skip
        return argv, env

    def docker_way(self, src: str, dst: str) -> float:
        start = time.perf_counter()
        for argv in (["docker", "pull", src], ["docker", "tag", src, dst], ["docker", "push", dst]):
            done = subprocess.run(argv, env=self.env, capture_output=True)
            if done.returncode != 0:
                raise RuntimeError(f"{argv}: {done.stderr.decode(errors='replace')[-600:]}")
        elapsed = time.perf_counter() - start
        subprocess.run(["docker", "rmi", src, dst], env=self.env, capture_output=True)
        return elapsed


def warm_token_cache(bench: Bench) -> None:
    """Fill ecrctl's token cache (gnome-keyring) for both registries, as a login
    would, and check that a copy is then served from it."""
    repo = f"warm-{uuid.uuid4().hex[:8]}"
    bench.a.push_image(repo, "1", [os.urandom(1024)])
    bench.create_b(repo)
    for tag in ("1", "2"):
        argv = [*bench.ecrctl_copy(f"{bench.a.host}/{repo}:1", f"{bench.b.host}/{repo}:{tag}")]
        done = subprocess.run([*argv, "--debug"], env=bench.warm_env, capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace")[-800:])
    if done.stderr.count(b"served from the cache") != 2:
        raise RuntimeError("ecrctl's token cache is not serving both registries' tokens")


def fresh_copies(bench: Bench) -> None:
    args = bench.args
    tools: tuple[str, ...] = ("ecrctl", "ecrctl, cache off", "skopeo", "docker")
    if args.no_docker:
        tools = tools[:3]
    times: dict[str, list[float]] = {tool: [] for tool in tools}
    rss: dict[str, list[int]] = {tool: [] for tool in tools[:3]}
    cpu: dict[str, list[float]] = {tool: [] for tool in tools[:3]}
    dest_cpu: dict[str, list[float]] = {tool: [] for tool in tools[:3]}
    warm_token_cache(bench)
    for _ in range(args.runs):
        for tool in times:
            src_repo, dst_repo = f"fresh-{uuid.uuid4().hex[:8]}", f"dst-{uuid.uuid4().hex[:8]}"
            src = push_fresh(bench.a, src_repo, args.mib, args.layers)
            dst = f"{bench.b.host}/{dst_repo}:1"
            bench.create_b(dst_repo)
            # an earlier image in the repository, as in a pipeline's; and so
            # docker-registry lists the repository, as ECR lists every one it has
            bench.b.push_image(dst_repo, "earlier", [os.urandom(1024)])
            # the pushes' dirty pages written out now, not during the timed copy
            os.sync()
            before = cpu_seconds(bench.registry_b_pid)
            if tool == "ecrctl":
                seconds, peak, _ = run_rss(bench.ecrctl_copy(src, dst), bench.warm_env)
            elif tool == "ecrctl, cache off":
                seconds, peak, _ = run_rss(bench.ecrctl_copy(src, dst), bench.env)
            elif tool == "skopeo":
                home = Path(tempfile.mkdtemp(dir=bench.workdir))
                argv, env = bench.skopeo_copy(src, dst, home)
                seconds, peak, _ = run_rss(argv, env)
            else:
                seconds = bench.docker_way(src, dst)
            if tool in rss:
                rss[tool].append(peak)
                cpu[tool].append(LAST_CPU[0])
                dest_cpu[tool].append(cpu_seconds(bench.registry_b_pid) - before)
            times[tool].append(seconds)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"\nFresh copy, {args.mib} MiB in {args.layers} layers, A -> B ({args.runs} runs, median)"
    )
    print("| tool | time | vs ecrctl | peak RSS | tool CPU | destination registry CPU |")
    print("|---|---:|---:|---:|---:|---:|")
    for tool in times:
        if tool in rss:
            peak = f"{statistics.median(rss[tool]) / MIB:.0f} MiB"
            used = f"{statistics.median(cpu[tool]):.2f} s"
            dest = f"{statistics.median(dest_cpu[tool]):.2f} s"
        else:
            peak, used, dest = "(daemon)", "-", "-"
        ratio = med[tool] / med["ecrctl"]
        print(f"| {tool} | {med[tool]:.2f} s | {ratio:.2f}x | {peak} | {used} | {dest} |")
    print("- every run, seconds:", {k: [round(x, 2) for x in v] for k, v in times.items()})


def bytes_moved(bench: Bench) -> None:
    """Untimed: what each kind of copy sends to the destination, counted by a proxy."""
    args = bench.args
    rows = []
    with Proxy(bench.b.host) as proxy_b, Proxy(bench.a.host) as proxy_a:
        bench.write_config([proxy_b.host])
        src_repo = f"bytes-{uuid.uuid4().hex[:8]}"
        src = push_fresh(bench.a, src_repo, args.mib // 4, args.layers)
        # the first copy keeps the repository's name (as a migration does), so the
        # second one can mount from it (ecrctl tries the source repository's name)
        first, second = src_repo, f"two-{uuid.uuid4().hex[:6]}"
        for name in (first, second):
            bench.create_b(name)
        cases = [
            ("fresh, A -> B", src, f"{proxy_b.host}/{first}:1", proxy_b),
            ("again (idempotent)", src, f"{proxy_b.host}/{first}:1", proxy_b),
            ("blobs already in another repo of B", src, f"{proxy_b.host}/{second}:1", proxy_b),
        ]
        for case, s, d, proxy in cases:
            proxy.reset()
            seconds, _, out = run_rss(bench.ecrctl_copy(s, d), bench.env)
            blobs = json.loads(out)["blobs"]
            rows.append((f"{case}, {seconds:.2f} s", proxy.counters.uploaded, blobs))
        bench.config.write_text(
            bench.config.read_text()
            + f'\n[registries."{proxy_a.host}"]\naccount = "{backends.MOTO_ACCOUNT}"\n'
            f'region = "us-east-1"\nendpoint_url = "{bench.moto}"\n'
        )
        proxy_a.reset()
        within = bench.ecrctl_copy(f"{proxy_a.host}/{src_repo}:1", f"{proxy_a.host}/{src_repo}-b:1")
        within.append("--create")
        seconds, _, out = run_rss(within, bench.env)
        rows.append(
            (
                f"within A (mount), {seconds:.2f} s",
                proxy_a.counters.uploaded,
                json.loads(out)["blobs"],
            )
        )
    print(f"\nBytes sent to the destination by ecrctl ({args.mib // 4} MiB image)")
    print("| case | bytes uploaded | blobs |")
    print("|---|---:|---|")
    for case, sent, blobs in rows:
        print(f"| {case} | {sent} | {blobs} |")


def repo_copy(bench: Bench) -> None:
    args = bench.args
    repo = f"many-{uuid.uuid4().hex[:8]}"
    base = [gz_layer(2 * MIB)[0], gz_layer(2 * MIB)[0]]
    blobs: dict[str, int] = {}
    for i in range(args.tags):
        blobs.update(bench.a.push_image(repo, f"t{i}", [*base, os.urandom(1024)]).blobs)
    unique_bytes = sum(blobs.values())
    with Proxy(bench.b.host) as proxy_b:
        bench.write_config([proxy_b.host])
        bench.create_b(repo)
        argv = [
            bench.ecrctl,
            "repo",
            "copy",
            f"{bench.a.host}/{repo}",
            f"{proxy_b.host}/{repo}",
            "-o",
            "json",
        ]
        seconds, peak, out = run_rss(argv, bench.env)
        report = json.loads(out)
        sent = proxy_b.counters.uploaded
        home = Path(tempfile.mkdtemp(dir=bench.workdir))
        sync_dst = f"{repo}-sync"
        skopeo = [
            "skopeo", "--insecure-policy", "sync", "--authfile", str(bench.authfile),
            "--src-tls-verify=false", "--dest-tls-verify=false",
            "--src", "docker", "--dest", "docker",
            f"{bench.a.host}/{repo}", f"{bench.b.host}/{sync_dst}",
        ]  # fmt: skip
        proxy_b.reset()
        start = time.perf_counter()
        subprocess.run(
            skopeo, env={**bench.env, "HOME": str(home)}, check=True, capture_output=True
        )
        skopeo_seconds = time.perf_counter() - start
    print(f"\n`repo copy` of {args.tags} tags sharing two 2 MiB layers (one 1 KiB layer each)")
    print("| tool | time | bytes uploaded | peak RSS |")
    print("|---|---:|---:|---:|")
    print(f"| ecrctl repo copy | {seconds:.2f} s | {sent} | {peak / MIB:.0f} MiB |")
    print(f"| skopeo sync (fresh cache) | {skopeo_seconds:.2f} s | - | - |")
    print(
        f"- distinct blobs of the repository: {len(blobs)}, {unique_bytes} bytes; "
        f"ecrctl: {report['blobs']}, {len(report['done'])} tags done"
    )


def big_layer(bench: Bench) -> None:
    size = bench.args.big_mib * MIB
    repo = f"big-{uuid.uuid4().hex[:8]}"
    push_big(bench.a, repo, size)
    bench.write_config([])
    bench.create_b(repo)
    seconds, peak, _ = run_rss(
        bench.ecrctl_copy(f"{bench.a.host}/{repo}:big", f"{bench.b.host}/{repo}:big"), bench.env
    )
    print(f"\nOne {bench.args.big_mib} MiB layer, A -> B: ecrctl {seconds:.2f} s, ", end="")
    print(f"peak RSS {peak / MIB:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--tags", type=int, default=200)
    parser.add_argument("--big-mib", type=int, default=1024)
    parser.add_argument("--jobs", type=int, default=4, help="ecrctl image copy --jobs")
    parser.add_argument("--no-docker", action="store_true", help="time no docker way")
    parser.add_argument("--only", default="fresh,bytes,repo,big", help="parts to run, in order")
    args = parser.parse_args()
    if "fresh" in args.only and os.environ.get("ECRCTL_BENCH_SECRET_SERVICE") != "1":
        in_secret_service(sys.argv)  # runs this benchmark again inside one; never returns
    for tool in ("skopeo", "docker", "docker-registry", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed: run scripts/install-deps")
    workdir = Path(tempfile.mkdtemp(prefix="ecrctl-bench-copy-"))
    bench = Bench(args, workdir)
    parts = {"fresh": fresh_copies, "bytes": bytes_moved, "repo": repo_copy, "big": big_layer}
    try:
        for name in args.only.split(","):
            parts[name](bench)
    finally:
        backends.stop(workdir)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
