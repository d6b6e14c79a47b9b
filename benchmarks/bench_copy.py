"""ecrctl image copy and repo copy vs skopeo copy and skopeo sync, between two local
docker-registry servers standing for two ECR accounts.

python benchmarks/bench_copy.py [--runs N] [--mib N] [--layers N] [--tags N]
                                [--repo-runs N] [--big-mib N] [--jobs N] [--docker]
                                [--latency-ms MS] [--latency-tags N] [--compare ROOT]
                                [--only fresh,bytes,repo,latency,big,imports]

fresh: every timed copy moves fresh random content (a new image of --mib MiB in
--layers gzip'd layers per run and tool) into a repository holding one earlier image
(as a pipeline's does); then the same copy again, where nothing moves (the rerun).
The tools run in paired rounds: each round copies one fresh image with every tool,
the order turning by one each round, so that the load of a shared machine falls on
all alike; medians of the rounds, and the median of each round's own ratio.

Logged in, each way the tools can be:

- ``ecrctl, no token cache``: ECRCTL_NO_CACHE=1, each registry's token asked of the
  ECR API (moto) by the copy itself (GetAuthorizationToken, one per host);
- ``ecrctl, token cache``: served from ecrctl's token cache in the kernel keyring,
  as on a CI runner after ``ecrctl login`` (no session bus, no keyring backend);
- ``skopeo, auth file``: the two tokens already in its docker config (auths), as after
  ``docker login`` or ``ecrctl login``;
- ``skopeo, credential helper, no cache``: credHelpers naming docker-credential-ecrctl
  with ECRCTL_NO_CACHE=1: skopeo asks for each token at run time, from the ECR API,
  as ecrctl without its cache does.
- ``skopeo, ecr-login, no cache``: credHelpers naming Debian's
  docker-credential-ecr-login with its cache off (AWS_ECR_DISABLE_CACHE): the neutral
  peer of ecrctl without its cache (see ecr_login_peer.py for how it reaches moto; as
  root only, and left out with the reason where it cannot run).

skopeo gets a fresh HOME per run, so its blob-info cache is empty (it would mount
blobs it has seen). Peak RSS and CPU seconds are each tool's own (GNU time); the
destination registry's CPU is read from /proc around each fresh copy.

repo: ecrctl repo copy against skopeo sync of --tags tags, paired rounds. latency: repo
copy with --latency-ms added to every registry request by a proxy (a network round
trip), this checkout against another one (--compare ROOT). big: one --big-mib layer,
its peak RSS. imports (not run by default): the fresh copy with the import of the
registry client and its HTTP stack (http.client, ssl) taken out of the clock
(launch_ecrctl.py), beside ecrctl as it runs and skopeo through ecr-login: the most any
cut to that import could give.
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
from collections.abc import Callable, Iterator
from pathlib import Path

import ecr_login_peer
from common import ROOT, backends, base_env, ecrctl_bin

sys.path.insert(0, str(ROOT))

from tests.distribution.images import Registry
from tests.distribution.proxy import Proxy

MIB = 1 << 20
TOOLS = (
    "ecrctl, no token cache",
    "ecrctl, token cache",
    "skopeo, auth file",
    "skopeo, credential helper, no cache",
)
ECR_LOGIN = "skopeo, ecr-login, no cache"  # where ecr_login_peer.why_not() is None
FORGET_KERNEL_KEYS = """
from ecrctl.login import cache as tokencache
tokencache.open_cache().drop_where(lambda entry: False)
"""

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
    registry.put_manifest(repository, "big", json.dumps(manifest).encode(), manifest["mediaType"])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        # overlay2, as a docker host would run it (the tests' vfs copies every layer)
        os.environ.setdefault("ECRCTL_DOCKERD_STORAGE_DRIVER", "overlay2")
        names = ["moto", "registry", "registry2"] + (["dockerd"] if args.docker else [])
        env = backends.start(workdir, names)
        self.moto = env["AWS_ENDPOINT_URL_ECR"]
        self.a = Registry(env["ECRCTL_TEST_REGISTRY"], backends.MOTO_PASSWORD)
        self.b = Registry(env["ECRCTL_TEST_REGISTRY2"], backends.SECOND_PASSWORD)
        self.docker_host = env.get("DOCKER_HOST", "")
        pids = dict(line.split() for line in (workdir / "pids").read_text().split("\n") if line)
        self.registry_b_pid = int(pids["registry2"])
        self.config = workdir / "config.toml"
        (workdir / "home").mkdir()
        self.ecrctl = ecrctl_bin()
        # no session bus and no keyring backend: the token cache is the kernel keyring's
        self.env = {
            k: v
            for k, v in base_env(self.moto).items()
            if k not in ("DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND")
        }
        self.env.update(
            {
                "AWS_ENDPOINT_URL_STS": self.moto,
                "ECRCTL_CONFIG": str(self.config),
                "HOME": str(workdir / "home"),
                "XDG_CACHE_HOME": str(workdir / "cache"),
                "XDG_CONFIG_HOME": str(workdir / "config"),
                "XDG_STATE_HOME": str(workdir / "state"),
                "XDG_DATA_HOME": str(workdir / "data"),
                "DOCKER_CONFIG": str(workdir / "docker"),
                "PATH": f"{Path(self.ecrctl).parent}{os.pathsep}{os.environ['PATH']}",
            }
        )
        if self.docker_host:
            self.env["DOCKER_HOST"] = self.docker_host
        self.uncached = {**self.env, "ECRCTL_NO_CACHE": "1"}
        self.write_config([])
        self.authfile = self.docker_config("auth.json", helper=False)
        self.helperfile = self.docker_config("helper.json", helper=True)
        (workdir / "docker").mkdir()
        self.authfile_copy = workdir / "docker" / "config.json"  # docker's own, for --docker
        shutil.copy(self.authfile, self.authfile_copy)
        self.peer: ecr_login_peer.EcrLoginPeer | None = None
        self.tools = TOOLS
        reason = ecr_login_peer.why_not()
        if reason:
            print(f"skopeo through docker-credential-ecr-login is left out: {reason}")
        else:
            self.peer = ecr_login_peer.EcrLoginPeer(
                workdir,
                {
                    self.a.host: f"{backends.MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com",
                    self.b.host: f"{backends.SECOND_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com",
                },
            )
            self.peerfile = self.peer.auth_file()
            self.tools = (*TOOLS, ECR_LOGIN)

    def docker_config(self, name: str, *, helper: bool) -> Path:
        """A docker config naming both registries: their tokens (auths), or
        docker-credential-ecrctl for each (credHelpers)."""
        pairs = ((self.a, backends.MOTO_PASSWORD), (self.b, backends.SECOND_PASSWORD))
        if helper:
            data: dict[str, object] = {"credHelpers": {r.host: "ecrctl" for r, _ in pairs}}
        else:
            data = {
                "auths": {
                    r.host: {"auth": base64.b64encode(f"AWS:{p}".encode()).decode()}
                    for r, p in pairs
                }
            }
        path = self.workdir / name
        path.write_text(json.dumps(data))
        return path

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
        jobs = ["--jobs", str(self.args.jobs)] if self.args.jobs else []
        return [self.ecrctl, "image", "copy", src, dst, "-o", "json", *jobs]

    def skopeo(self, verb: str, authfile: Path, *refs: str) -> list[str]:
        transport = ["--src", "docker", "--dest", "docker"] if verb == "sync" else []
        return [
            "skopeo", "--insecure-policy", verb, "--authfile", str(authfile),
            "--src-tls-verify=false", "--dest-tls-verify=false", *transport, *refs,
        ]  # fmt: skip

    def command(self, tool: str, src: str, dst: str) -> tuple[list[str], dict[str, str]]:
        """One tool's copy of ``src`` to ``dst`` (skopeo with a fresh HOME: no blob cache)."""
        if tool.startswith("ecrctl"):
            env = self.uncached if "no token cache" in tool else self.env
            return self.ecrctl_copy(src, dst), env
        home = Path(tempfile.mkdtemp(dir=self.workdir))
        if tool == ECR_LOGIN and self.peer is not None:
            refs = (f"docker://{self.peer.ecr_name(src)}", f"docker://{self.peer.ecr_name(dst)}")
            argv = self.skopeo("copy", self.peerfile, *refs)
            return self.peer.wrap(argv, {**self.uncached, "HOME": str(home)})
        if "helper" in tool:
            refs = (f"docker://{src}", f"docker://{dst}")
            return self.skopeo("copy", self.helperfile, *refs), {**self.uncached, "HOME": str(home)}
        refs = (f"docker://{src}", f"docker://{dst}")
        return self.skopeo("copy", self.authfile, *refs), {**self.env, "HOME": str(home)}

    def docker_way(self, src: str, dst: str) -> float:
        env = {**self.env, "DOCKER_CONFIG": str(self.authfile_copy.parent)}
        start = time.perf_counter()
        for argv in (["docker", "pull", src], ["docker", "tag", src, dst], ["docker", "push", dst]):
            done = subprocess.run(argv, env=env, capture_output=True)
            if done.returncode != 0:
                raise RuntimeError(f"{argv}: {done.stderr.decode(errors='replace')[-600:]}")
        elapsed = time.perf_counter() - start
        subprocess.run(["docker", "rmi", src, dst], env=env, capture_output=True)
        return elapsed

    def forget_kernel_keys(self) -> None:
        subprocess.run([sys.executable, "-c", FORGET_KERNEL_KEYS], env=self.env, check=False)


def warm_token_cache(bench: Bench) -> None:
    """Fill ecrctl's token cache (the kernel keyring) for both registries, as a login
    would, and check that a copy is then served from it."""
    repo = f"warm-{uuid.uuid4().hex[:8]}"
    bench.a.push_image(repo, "1", [os.urandom(1024)])
    bench.create_b(repo)
    for tag in ("1", "2"):
        argv = [*bench.ecrctl_copy(f"{bench.a.host}/{repo}:1", f"{bench.b.host}/{repo}:{tag}")]
        done = subprocess.run([*argv, "--debug"], env=bench.env, capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace")[-800:])
    if done.stderr.count(b"served from the cache") != 2:
        raise RuntimeError("ecrctl's token cache is not serving both registries' tokens")


Samples = dict[str, list[float]]


def fresh_image(bench: Bench) -> tuple[str, str]:
    """A new image of --mib MiB in --layers layers in A, and where its copy goes in B."""
    args = bench.args
    src_repo, dst_repo = f"fresh-{uuid.uuid4().hex[:8]}", f"dst-{uuid.uuid4().hex[:8]}"
    src = push_fresh(bench.a, src_repo, args.mib, args.layers)
    bench.create_b(dst_repo)
    # an earlier image in the repository, as in a pipeline's; and so
    # docker-registry lists the repository, as ECR lists every one it has
    bench.b.push_image(dst_repo, "earlier", [os.urandom(1024)])
    os.sync()  # the pushes' dirty pages written out now, not during the timed copy
    return src, f"{bench.b.host}/{dst_repo}:1"


def fresh_copies(bench: Bench) -> None:
    """Paired rounds: a fresh image per tool, copied, then copied again (the rerun)."""
    args = bench.args
    tools = list(bench.tools) + (["docker pull + tag + push"] if args.docker else [])
    fresh: Samples = {tool: [] for tool in tools}
    rerun: Samples = {tool: [] for tool in tools}
    rss: Samples = {tool: [] for tool in bench.tools}
    cpu: Samples = {tool: [] for tool in bench.tools}
    dest_cpu: Samples = {tool: [] for tool in bench.tools}
    warm_token_cache(bench)
    for round_ in range(args.runs):
        turn = round_ % len(tools)
        for tool in tools[turn:] + tools[:turn]:
            src, dst = fresh_image(bench)
            if tool.startswith("docker"):
                fresh[tool].append(bench.docker_way(src, dst))
                continue
            before = cpu_seconds(bench.registry_b_pid)
            argv, env = bench.command(tool, src, dst)
            seconds, peak, _ = run_rss(argv, env)
            fresh[tool].append(seconds)
            rss[tool].append(peak)
            cpu[tool].append(LAST_CPU[0])
            dest_cpu[tool].append(cpu_seconds(bench.registry_b_pid) - before)
            argv, env = bench.command(tool, src, dst)  # a fresh HOME for skopeo again
            rerun[tool].append(run_rss(argv, env)[0])
    report_copies(bench, fresh, rerun, {"rss": rss, "cpu": cpu, "dest": dest_cpu})


def paired(samples: Samples, ours: str, theirs: str) -> float:
    """The median over the rounds of each round's ratio theirs/ours (speed-up)."""
    return median([t / o for o, t in zip(samples[ours], samples[theirs], strict=True)])


def report_copies(bench: Bench, fresh: Samples, rerun: Samples, per: dict[str, Samples]) -> None:
    args = bench.args
    print(
        f"\nimage copy, {args.mib} MiB in {args.layers} fresh layers, A -> B, "
        f"{args.runs} paired rounds on {os.cpu_count()} CPUs (medians)"
    )
    print("| tool | fresh copy | rerun (nothing moves) | peak RSS | tool CPU | dest. CPU |")
    print("|---|---:|---:|---:|---:|---:|")
    for tool in fresh:
        if tool in per["rss"]:
            extra = (
                f"{median(per['rss'][tool]) / MIB:.0f} MiB | {median(per['cpu'][tool]):.2f} s"
                f" | {median(per['dest'][tool]):.2f} s"
            )
        else:
            extra = "(daemon) | - | -"
        rerun_s = f"{median(rerun[tool]):.3f} s" if rerun[tool] else "-"
        print(f"| {tool} | {median(fresh[tool]):.3f} s | {rerun_s} | {extra} |")
    print("\nSpeed of ecrctl against skopeo (x > 1: ecrctl faster), ratio of the medians and")
    print("(in brackets) the median of the rounds' own ratios:")
    print("| ecrctl | skopeo | fresh copy | rerun: skopeo's time / ecrctl's |")
    print("|---|---|---:|---:|")
    for ours in bench.tools[:2]:
        for theirs in bench.tools[2:]:
            f = median(fresh[theirs]) / median(fresh[ours])
            r = median(rerun[theirs]) / median(rerun[ours])
            print(
                f"| {ours} | {theirs} | {f:.2f}x ({paired(fresh, ours, theirs):.2f}x) "
                f"| {r:.2f}x ({paired(rerun, ours, theirs):.2f}x) |"
            )
    print("- every run, seconds:", {k: [round(x, 3) for x in v] for k, v in fresh.items()})
    print("- every rerun, seconds:", {k: [round(x, 3) for x in v] for k, v in rerun.items()})


def launched(mode: str, argv: list[str], env: dict[str, str]) -> float:
    """Seconds from the go line to the exit of ecrctl started by launch_ecrctl.py."""
    launcher = [sys.executable, str(Path(__file__).with_name("launch_ecrctl.py")), mode]
    child = subprocess.Popen(
        [*launcher, *argv[1:]],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    if child.stdout.readline().strip() != "ready":
        raise RuntimeError(f"the launcher did not start: {child.communicate()[1][-800:]}")
    start = time.perf_counter()
    child.stdin.write("go\n")
    child.stdin.flush()
    _, err = child.communicate()
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"ecrctl through the launcher failed: {err[-800:]}")
    return elapsed


def imports_bound(bench: Bench) -> None:
    """The fresh copy with the HTTP stack's import taken out of the clock, in paired
    rounds beside ecrctl as it runs and skopeo through ecr-login: the launcher started
    bare against the launcher that imported the registry client and its HTTP stack
    before the clock."""
    args = bench.args
    peer = ECR_LOGIN if bench.peer is not None else "skopeo, auth file"
    tools = ["ecrctl, no token cache", "launcher, bare", "launcher, http imported", peer]
    times: Samples = {tool: [] for tool in tools}
    for round_ in range(args.runs):
        turn = round_ % len(tools)
        for tool in tools[turn:] + tools[:turn]:
            src, dst = fresh_image(bench)
            if tool.startswith("launcher"):
                argv, env = bench.command("ecrctl, no token cache", src, dst)
                times[tool].append(launched("http" if "http" in tool else "bare", argv, env))
            else:
                times[tool].append(run_rss(*bench.command(tool, src, dst))[0])
    share = [b - h for b, h in zip(times[tools[1]], times[tools[2]], strict=True)]
    without = [e - s for e, s in zip(times[tools[0]], share, strict=True)]
    print(f"\nimage copy, {args.mib} MiB in {args.layers} fresh layers, {args.runs} paired rounds")
    for tool in tools:
        print(f"- {tool}: {median(times[tool]):.3f} s {[round(x, 3) for x in times[tool]]}")
    theirs = times[peer]
    print(
        f"- the HTTP stack's import: {median(share) * 1000:.0f} ms of ecrctl's run; "
        f"ecrctl against {peer}: {median(theirs) / median(times[tools[0]]):.2f}x "
        f"({median([t / o for o, t in zip(times[tools[0]], theirs, strict=True)]):.2f}x), "
        f"without that import: {median(theirs) / median(without):.2f}x "
        f"({median([t / o for o, t in zip(without, theirs, strict=True)]):.2f}x)"
    )


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
            seconds, _, out = run_rss(bench.ecrctl_copy(s, d), bench.uncached)
            blobs = json.loads(out)["blobs"]
            rows.append((f"{case}, {seconds:.2f} s", proxy.counters.uploaded, blobs))
        bench.config.write_text(
            bench.config.read_text()
            + f'\n[registries."{proxy_a.host}"]\naccount = "{backends.MOTO_ACCOUNT}"\n'
            f'region = "us-east-1"\nendpoint_url = "{bench.moto}"\n'
        )
        proxy_a.reset()
        within = bench.ecrctl_copy(f"{proxy_a.host}/{src_repo}:1", f"{proxy_a.host}/{src_repo}-b:1")
        seconds, _, out = run_rss([*within, "--create"], bench.uncached)
        blobs = json.loads(out)["blobs"]
        rows.append((f"within A (mount), {seconds:.2f} s", proxy_a.counters.uploaded, blobs))
    bench.write_config([])
    print(f"\nBytes sent to the destination by ecrctl ({args.mib // 4} MiB image)")
    print("| case | bytes uploaded | blobs |")
    print("|---|---:|---|")
    for case, sent, blobs in rows:
        print(f"| {case} | {sent} | {blobs} |")


def many_tags(bench: Bench, tags: int, layer: int = 2 * MIB) -> tuple[str, int]:
    """A repository of ``tags`` tags sharing two layers of ``layer`` bytes (one 1 KiB
    layer each)."""
    repo = f"many-{uuid.uuid4().hex[:8]}"
    base = [gz_layer(layer)[0], gz_layer(layer)[0]]
    blobs: dict[str, int] = {}
    for i in range(tags):
        blobs.update(bench.a.push_image(repo, f"t{i}", [*base, os.urandom(1024)]).blobs)
    return repo, sum(blobs.values())


def repo_copy(bench: Bench) -> None:
    """Paired rounds: ecrctl repo copy (no token cache) and skopeo sync (auth file) of
    a repository of --tags tags, fresh for each, both straight to the registry; then,
    untimed, the bytes ecrctl sends, counted by a proxy in front of the destination."""
    args = bench.args
    times: Samples = {"ecrctl repo copy, no token cache": [], "skopeo sync, auth file": []}
    peaks: list[float] = []
    for round_ in range(args.repo_runs):
        order = list(times)[round_ % 2 :] + list(times)[: round_ % 2]
        for tool in order:
            repo, _ = many_tags(bench, args.tags)
            bench.create_b(repo)
            src, dst = f"{bench.a.host}/{repo}", f"{bench.b.host}/{repo}"
            os.sync()
            if tool.startswith("ecrctl"):
                argv = [bench.ecrctl, "repo", "copy", src, dst, "-o", "json"]
                seconds, peak, out = run_rss(argv, bench.uncached)
                assert json.loads(out)["complete"] is True
                peaks.append(peak)
            else:
                home = Path(tempfile.mkdtemp(dir=bench.workdir))
                argv = bench.skopeo("sync", bench.authfile, src, dst)
                seconds = run_rss(argv, {**bench.env, "HOME": str(home)})[0]
            times[tool].append(seconds)
    repo, unique_bytes = many_tags(bench, args.tags)
    bench.create_b(repo)
    with Proxy(bench.b.host) as proxy_b:
        bench.write_config([proxy_b.host])
        to = f"{proxy_b.host}/{repo}"
        out = run_rss([bench.ecrctl, "repo", "copy", f"{bench.a.host}/{repo}", to, "-o", "json"],
                      bench.uncached)[2]  # fmt: skip
        sent = proxy_b.counters.uploaded
    bench.write_config([])
    ours, theirs = times
    print(f"\nrepo copy of {args.tags} tags sharing two 2 MiB layers ({args.repo_runs} rounds)")
    print("| tool | time (median) | every run |")
    print("|---|---:|---|")
    for tool, values in times.items():
        print(f"| {tool} | {median(values):.2f} s | {[round(v, 2) for v in values]} |")
    ratio = median(times[theirs]) / median(times[ours])
    print(f"- skopeo sync / ecrctl repo copy: {ratio:.2f}x ({paired(times, ours, theirs):.2f}x)")
    print(f"- peak RSS {max(peaks) / MIB:.0f} MiB; untimed, through a proxy: {sent} bytes sent ")
    print(f"  for {unique_bytes} bytes of distinct blobs; {json.loads(out)['blobs']}")


def latency(bench: Bench) -> None:
    """repo copy of --latency-tags tags through proxies that hold every registry request
    --latency-ms before forwarding it (a network round trip, as to a registry in another
    region); paired rounds of this checkout and, with --compare ROOT, another one.
    skopeo is not run: it does not get through the proxy (it falls back to schema 1)."""
    args = bench.args
    trees = {"this checkout": str(ROOT), **({"--compare": args.compare} if args.compare else {})}
    times: Samples = {name: [] for name in trees}
    with Proxy(bench.a.host) as proxy_a, Proxy(bench.b.host) as proxy_b:
        for proxy in (proxy_a, proxy_b):
            proxy.delay = ("/v2/", args.latency_ms / 1000)
        bench.write_config([proxy_b.host])
        with bench.config.open("a") as handle:
            handle.write(
                f'\n[registries."{proxy_a.host}"]\naccount = "{backends.MOTO_ACCOUNT}"\n'
                f'region = "us-east-1"\nendpoint_url = "{bench.moto}"\n'
            )
        for round_ in range(args.repo_runs):
            names = list(trees)[round_ % len(trees) :] + list(trees)[: round_ % len(trees)]
            for name in names:
                repo, _ = many_tags(bench, args.latency_tags, layer=MIB)
                bench.create_b(repo)
                env = {**bench.uncached, "PYTHONPATH": trees[name]}
                argv = [bench.ecrctl, "repo", "copy", f"{proxy_a.host}/{repo}",
                        f"{proxy_b.host}/{repo}", "-o", "json"]  # fmt: skip
                times[name].append(run_rss(argv, env)[0])
    bench.write_config([])
    print(
        f"\nrepo copy of {args.latency_tags} tags, {args.latency_ms:g} ms added to every "
        f"registry request ({args.repo_runs} rounds)"
    )
    print("| ecrctl | time (median) | every run |")
    print("|---|---:|---|")
    for name, values in times.items():
        print(f"| {name} | {median(values):.2f} s | {[round(v, 2) for v in values]} |")


def big_layer(bench: Bench) -> None:
    size = bench.args.big_mib * MIB
    repo = f"big-{uuid.uuid4().hex[:8]}"
    push_big(bench.a, repo, size)
    bench.create_b(repo)
    argv = bench.ecrctl_copy(f"{bench.a.host}/{repo}:big", f"{bench.b.host}/{repo}:big")
    seconds, peak, _ = run_rss(argv, bench.uncached)
    print(f"\nOne {bench.args.big_mib} MiB layer, A -> B: ecrctl {seconds:.2f} s, ", end="")
    print(f"peak RSS {peak / MIB:.0f} MiB (target: under 64 MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="paired rounds of image copy")
    parser.add_argument("--mib", type=int, default=128)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--tags", type=int, default=200)
    parser.add_argument("--repo-runs", type=int, default=3, help="paired rounds of repo copy")
    parser.add_argument("--big-mib", type=int, default=1024)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--latency-tags", type=int, default=40)
    parser.add_argument("--compare", metavar="ROOT", help="another checkout, in latency")
    parser.add_argument("--jobs", type=int, default=0, help="ecrctl --jobs (default: its own)")
    parser.add_argument("--docker", action="store_true", help="time the docker way too")
    parser.add_argument("--only", default="fresh,bytes,repo,latency,big", help="parts, in order")
    args = parser.parse_args()
    needed = ["skopeo", "docker-registry", "/usr/bin/time", *(["docker"] if args.docker else [])]
    for tool in needed:
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed: run scripts/install-deps")
    workdir = Path(tempfile.mkdtemp(prefix="ecrctl-bench-copy-"))
    bench = Bench(args, workdir)
    parts: dict[str, Callable[[Bench], None]] = {
        "fresh": fresh_copies,
        "bytes": bytes_moved,
        "repo": repo_copy,
        "latency": latency,
        "big": big_layer,
        "imports": imports_bound,
    }
    try:
        for name in args.only.split(","):
            parts[name](bench)
    finally:
        bench.forget_kernel_keys()
        if bench.peer is not None:
            bench.peer.close()
        backends.stop(workdir)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
