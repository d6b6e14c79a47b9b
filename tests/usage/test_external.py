"""Usage from outside AWS's APIs: image references one a line, and a recorded
``kubectl get pods -A -o json`` (tests/usage/data/pods.json: containerd's and
docker's imageID forms, a pending pod, init containers, EKS's own images, Docker Hub)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.usage.external import parse_external
from ecrctl.usage.model import RUNNING, ImageUri, Unreadable
from tests.usage import world as w

PODS = Path(__file__).parent / "data" / "pods.json"
ONE = "sha256:6efb5da42358b1f78297b36cab1df3b53ab88db7b3fcb475e7874e3a4ee2ba65"
UNTAGGED = "sha256:a52124f10be0409fed36cc0087a9bc085212a5af4673f1b00661f04469310fa2"


def test_a_recorded_pod_list_names_what_runs_and_what_restarts_pull() -> None:
    found = parse_external(PODS.read_text(), str(PODS))
    assert found.pods == 6 and found.counts() == {"references": 13, "pods": 6}
    ours = [
        (r.user.name, r.how, r.image.tag, r.image.digest)
        for r in found.references
        if isinstance(r.image, ImageUri) and r.image.registry_id == w.ACCOUNT
    ]
    assert ours == [
        ("pod prod/web-7d9f8b6c5d-x2k4p (web)", "tag", "v1", None),
        ("pod prod/web-7d9f8b6c5d-x2k4p (web)", RUNNING, None, ONE),
        ("pod batch/worker-5c8d7f9b4-q8r2t (worker)", "tag", "v2", None),
        ("pod batch/worker-5c8d7f9b4-q8r2t (worker)", RUNNING, None, UNTAGGED),
        ("pod prod/web-7d9f8b6c5d-pending (web)", "tag", "v3", None),
    ]
    eks = {r.image.repository for r in found.references if r.image.registry_id == "602401143452"}
    assert eks == {"amazon-k8s-cni", "amazon-k8s-cni-init", "eks/coredns"}
    assert all(r.user.kind == "external" for r in found.references)


def test_one_pod_as_kubectl_get_pod_prints_it() -> None:
    pod = json.loads(PODS.read_text())["items"][0]
    found = parse_external(json.dumps(pod), "-")
    assert found.pods == 1 and len(found.references) == 2


def test_references_one_a_line() -> None:
    text = (
        "# what App Runner runs\n"
        f"{w.uri('app', 'v1')}\n\n"
        f"  {w.uri('app', digest=ONE)}  \n"
        "nginx:1.27\n"
        f"{w.uri('app')}@sha256@{ONE}\n"
    )
    with pytest.raises(InvalidInput, match="line 6"):
        parse_external(text, "refs.txt")
    found = parse_external(text.rsplit("\n", 2)[0] + "\n", "refs.txt")
    assert [(r.user.text(), r.uri) for r in found.references] == [
        ("external refs.txt line 2", w.uri("app", "v1")),
        ("external refs.txt line 4", w.uri("app", digest=ONE)),
    ]
    assert found.counts() == {"references": 3}


def test_a_pod_image_on_an_ecr_host_that_does_not_read_is_kept() -> None:
    pod = {
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "n"},
        "spec": {"containers": [{"name": "c", "image": f"{w.HOST}/App:v1"}]},
    }
    [ref] = parse_external(json.dumps(pod), "-").references
    assert isinstance(ref.image, Unreadable) and ref.user.name == "pod n/p (c)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"kind": "Service"}', "is JSON but no pod list"),
        ("app:v1\nApp:V1\n", "line 2"),
    ],
)
def test_what_does_not_read_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        parse_external(text, "-")
    assert "stdin" in refused.value.one_line() and "kubectl get pods" in refused.value.one_line()
