"""The README's run command: scripts/demo walks the tutorial on real local backends."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_demo_walks_the_tutorial_end_to_end(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DOCKER_"))}
    env.update({"ECRCTL_DEMO_NO_INSTALL": "1", "TMPDIR": str(scratch)})
    proc = subprocess.run(
        [str(ROOT / "scripts" / "demo")], env=env, capture_output=True, text=True, timeout=300
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    pushed = re.search(r"^(sha256:[0-9a-f]{64})$", proc.stdout, re.M)
    assert pushed, out[-3000:]
    # the digest push printed is the one ECR lists, pull by digest and retag agree on
    assert proc.stdout.count(pushed.group(1)) >= 3
    tags_row = re.search(r"^Tags\s+(.+?)\s*$", proc.stdout, re.M)
    assert tags_row, out[-3000:]
    # retag puts the new tags concurrently, so their order is not fixed
    assert sorted(tags_row.group(1).split(", ")) == ["latest", "stable", "v1.0"]
    assert "image deleted (tags: stable, v1.0, latest)" in proc.stdout
    assert "deleted hello-world" in proc.stdout
    assert "invalid repository name 'Hello-World'; use lowercase: 'hello-world'" in out
    assert "123456789012-auth-token" not in out  # the password never shows
    assert not list(scratch.iterdir())  # the demo cleaned up after itself


def test_every_step_of_the_demo_is_shown() -> None:
    """Once the tutorial starts, every command the demo runs is printed as it runs (run,
    run_pipeline), the emulator-only step included: nothing happens off screen."""
    script = (ROOT / "scripts" / "demo").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in script.splitlines()]
    first = next(n for n, line in enumerate(lines) if line.startswith("step "))
    shown = ("#", "step ", "echo ", "run ", "run_pipeline ")
    # a shown command's output, or a name made of other names
    assigned = re.compile(r'\w+=(\$\(run .*\)|"(?:[^`$]|\$(?!\())*")')
    hidden = [
        line
        for line in lines[first:]
        if line and not line.startswith(shown) and not assigned.fullmatch(line)
    ]
    assert hidden == []
    readme = (ROOT / "README.md").read_text()
    assert "mirror-image" in readme and "docker import" in readme  # what the demo adds, said
