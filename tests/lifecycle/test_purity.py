"""The lifecycle core imports neither click, rich nor boto3."""

from __future__ import annotations

import subprocess
import sys


def test_core_modules_import_no_cli_or_aws_library() -> None:
    code = (
        "import sys\n"
        "import ecrctl.lifecycle.validate, ecrctl.lifecycle.engine, ecrctl.lifecycle.images\n"
        "import ecrctl.lifecycle.templates, ecrctl.lifecycle.compare, ecrctl.lifecycle.jsontext\n"
        "import ecrctl.lifecycle.rules, ecrctl.lifecycle.tagindex, ecrctl.lifecycle.problems\n"
        "import ecrctl.lifecycle.rulecheck, ecrctl.lifecycle.preview\n"
        "import ecrctl.lifecycle.store, ecrctl.lifecycle.remote\n"
        "print(sorted(m for m in ('click', 'rich', 'boto3', 'botocore') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_cli_modules_import_no_heavy_library() -> None:
    code = (
        "import sys\nimport ecrctl.cli.policy.lifecycle, ecrctl.cli.policy.lifecycle_preview\n"
        "print(sorted(m for m in ('rich', 'boto3', 'botocore', 'docker', 'keyring') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
