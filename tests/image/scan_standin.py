"""A loopback stand-in for ECR's scanning calls, speaking ECR's JSON 1.1 protocol
(``X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>``) to the real
botocore, with answers shaped as the ECR API reference's (DescribeImageScanFindings'
``imageScanFindings.enhancedFindings`` with ``packageVulnerabilityDetails``,
``fixAvailable``, ``severity``, ``score``; timestamps as epoch seconds, as the JSON
protocol carries them).

Why a stand-in and not moto: moto's ECR has no enhanced scanning (it never answers
``enhancedFindings``), answers every scan COMPLETE at once (never IN_PROGRESS, ACTIVE,
PENDING, SCAN_ELIGIBILITY_EXPIRED, FINDINGS_UNAVAILABLE, LIMIT_EXCEEDED or
IMAGE_ARCHIVED in sequence), never fills findings in after answering COMPLETE, and
cannot refuse a caller with AccessDeniedException. Basic scanning end to end runs
against moto (tests/cli/image/test_scan.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from http.server import ThreadingHTTPServer
from typing import Any

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.login.registries import Registries
from tests.support.loopback import Handler, loopback_server, serving, url_of

ACCOUNT = "123456789012"
REPOSITORY = "team/app"
DIGEST = "sha256:" + "4c" * 32
PUSHED = 1_700_000_000.0
TARGET = "AmazonEC2ContainerRegistry_V20150921."

Answer = tuple[int, dict[str, Any]]


def error(code: str, message: str) -> Answer:
    return 400, {"__type": code, "message": message}


def denied(action: str) -> Answer:
    return error(
        "AccessDeniedException",
        f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: {action} on "
        f"resource: arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{REPOSITORY}",
    )


def _hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def enhanced_finding(
    cve: str,
    severity: str,
    *,
    fix: str = "YES",
    package: str = "openssl",
    version: str = "3.0.8",
    release: str = "r0",
    fixed: str | None = "3.0.8-r1",
    score: float = 7.5,
    status: str = "ACTIVE",
) -> dict[str, Any]:
    """An EnhancedImageScanFinding, every member the API reference lists."""
    vulnerable: dict[str, Any] = {
        "arch": "X86_64",
        "epoch": 0,
        "filePath": None,
        "name": package,
        "packageManager": "OS",
        "release": release,
        "sourceLayerHash": "sha256:" + "5d" * 32,
        "version": version,
    }
    vulnerable = {k: v for k, v in vulnerable.items() if v is not None}
    if fixed is not None:
        vulnerable["fixedInVersion"] = fixed
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
    return {
        "awsAccountId": ACCOUNT,
        "description": f"A flaw in {package}.",
        "findingArn": f"arn:aws:inspector2:us-east-1:{ACCOUNT}:finding/{_hex(cve)}",
        "firstObservedAt": PUSHED + 60,
        "lastObservedAt": PUSHED + 120,
        "packageVulnerabilityDetails": {
            "cvss": [
                {"baseScore": score, "scoringVector": vector, "source": "NVD", "version": "3.1"}
            ],
            "referenceUrls": [f"https://security.example.org/{cve}"],
            "relatedVulnerabilities": [],
            "source": "NVD",
            "sourceUrl": f"https://nvd.nist.gov/vuln/detail/{cve}",
            "vendorCreatedAt": PUSHED - 86400,
            "vendorSeverity": severity,
            "vendorUpdatedAt": PUSHED - 3600,
            "vulnerabilityId": cve,
            "vulnerablePackages": [vulnerable],
        },
        "remediation": {"recommendation": {"text": "None Provided"}},
        "resources": [
            {
                "details": {
                    "awsEcrContainerImage": {
                        "architecture": "amd64",
                        "imageHash": DIGEST,
                        "imageTags": ["1.0"],
                        "platform": "ALPINE_LINUX_3_17",
                        "pushedAt": PUSHED,
                        "registry": ACCOUNT,
                        "repositoryName": REPOSITORY,
                    }
                },
                "id": f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{REPOSITORY}/{DIGEST}",
                "type": "AWS_ECR_CONTAINER_IMAGE",
            }
        ],
        "score": score,
        "scoreDetails": {
            "cvss": {
                "adjustments": [],
                "score": score,
                "scoreSource": "NVD",
                "scoringVector": vector,
                "version": "3.1",
            }
        },
        "severity": severity,
        "status": status,
        "title": f"{cve} - {package}",
        "type": "PACKAGE_VULNERABILITY",
        "updatedAt": PUSHED + 120,
        "fixAvailable": fix,
        "exploitAvailable": "NO",
    }


def basic_finding(cve: str, severity: str, package: str = "busybox") -> dict[str, Any]:
    """An ImageScanFinding of basic scanning."""
    return {
        "name": cve,
        "description": f"A flaw in {package}.",
        "uri": f"https://security-tracker.debian.org/tracker/{cve}",
        "severity": severity,
        "attributes": [
            {"key": "package_version", "value": "1.36.1"},
            {"key": "package_name", "value": package},
            {"key": "CVSS2_VECTOR", "value": "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
            {"key": "CVSS2_SCORE", "value": "7.5"},
        ],
    }


def scan_answer(
    status: str,
    *,
    enhanced: list[dict[str, Any]] | None = None,
    basic: list[dict[str, Any]] | None = None,
    description: str | None = None,
    completed: float | None = PUSHED + 300,
    next_token: str | None = None,
) -> Answer:
    """A DescribeImageScanFindings answer; ``None`` lists are left out of the shape."""
    findings: dict[str, Any] = {}
    if completed is not None:
        findings["imageScanCompletedAt"] = completed
        findings["vulnerabilitySourceUpdatedAt"] = completed - 60
    if basic is not None:
        findings["findings"] = basic
    if enhanced is not None:
        findings["enhancedFindings"] = enhanced
    severities: dict[str, int] = {}
    for item in [*(basic or []), *(enhanced or [])]:
        severities[item["severity"]] = severities.get(item["severity"], 0) + 1
    if severities:
        findings["findingSeverityCounts"] = severities
    body: dict[str, Any] = {
        "registryId": ACCOUNT,
        "repositoryName": REPOSITORY,
        "imageId": {"imageDigest": DIGEST, "imageTag": "1.0"},
        "imageScanStatus": {"status": status, "description": description or f"{status}."},
        "imageScanFindings": findings,
    }
    if next_token:
        body["nextToken"] = next_token
    return 200, body


class EcrStandIn:
    """ECR's scanning calls on 127.0.0.1.

    ``scans`` are DescribeImageScanFindings' answers in order (the last one repeats);
    an answer with a nextToken is followed by the next one in the list for the call
    that carries the token. ``answers`` overrides any operation.
    """

    def __init__(
        self,
        *,
        scan_type: str = "ENHANCED",
        frequency: str = "CONTINUOUS_SCAN",
        scans: list[Answer] | None = None,
    ) -> None:
        self.reset(scan_type=scan_type, frequency=frequency, scans=scans)
        self.server = self._server()
        self.url = url_of(self.server)

    def reset(
        self,
        *,
        scan_type: str = "ENHANCED",
        frequency: str = "CONTINUOUS_SCAN",
        scans: list[Answer] | None = None,
    ) -> None:
        """Forget the calls; answer as a new stand-in would."""
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.scans = list(scans or [])
        self.scan_type = scan_type
        self.frequency = frequency
        self.answers: dict[str, Callable[[dict[str, Any]], Answer]] = {
            "DescribeImages": lambda body: (200, {"imageDetails": [self.image_detail()]}),
            "GetRegistryScanningConfiguration": lambda body: (200, self.configuration()),
            "BatchGetRepositoryScanningConfiguration": lambda body: (200, self.repositories()),
            "DescribeImageScanFindings": self._next_scan,
            "StartImageScan": lambda body: (
                200,
                {
                    "registryId": ACCOUNT,
                    "repositoryName": REPOSITORY,
                    "imageId": {"imageDigest": DIGEST},
                    "imageScanStatus": {"status": "IN_PROGRESS"},
                },
            ),
        }

    @cached_property
    def aws(self) -> Aws:
        """ecrctl's AWS side pointed at the stand-in (one client for every test)."""
        return Aws(AwsSettings(region="us-east-1", endpoint_url=self.url, max_attempts=1))

    @cached_property
    def registries(self) -> Registries:
        """The command's resolver over :attr:`aws` (what the CLI hands the scan)."""
        from ecrctl.login.registries import Registries

        return Registries(self.aws)

    def image_detail(self) -> dict[str, Any]:
        return {
            "registryId": ACCOUNT,
            "repositoryName": REPOSITORY,
            "imageDigest": DIGEST,
            "imageTags": ["1.0"],
            "imageSizeInBytes": 3_000_000,
            "imagePushedAt": PUSHED,
            "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json",
        }

    def configuration(self) -> dict[str, Any]:
        rules = []
        if self.frequency != "MANUAL":
            filters = [{"filter": "team/*", "filterType": "WILDCARD"}]
            rules = [{"scanFrequency": self.frequency, "repositoryFilters": filters}]
        return {
            "registryId": ACCOUNT,
            "scanningConfiguration": {"scanType": self.scan_type, "rules": rules},
        }

    def repositories(self) -> dict[str, Any]:
        applied = (
            [] if self.frequency == "MANUAL" else [{"filter": "team/*", "filterType": "WILDCARD"}]
        )
        return {
            "scanningConfigurations": [
                {
                    "repositoryArn": f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{REPOSITORY}",
                    "repositoryName": REPOSITORY,
                    "scanOnPush": False,
                    "scanFrequency": self.frequency,
                    "appliedScanFilters": applied,
                }
            ],
            "failures": [],
        }

    def _next_scan(self, body: dict[str, Any]) -> Answer:
        if not self.scans:
            return error("ScanNotFoundException", "Image scan does not exist for the image")
        return self.scans.pop(0) if len(self.scans) > 1 else self.scans[0]

    def operations(self) -> list[str]:
        return [name for name, _ in self.calls]

    def _server(self) -> ThreadingHTTPServer:
        standin = self

        class StandIn(Handler):
            def do_POST(self) -> None:
                target = self.headers.get("X-Amz-Target", "")
                operation = target.removeprefix(TARGET)
                body = json.loads(self.read_body() or b"{}")
                standin.calls.append((operation, body))
                answer = standin.answers.get(operation)
                status, payload = (
                    answer(body)
                    if target.startswith(TARGET) and answer
                    else error("UnknownOperationException", f"{target} is not served here")
                )
                self.reply_json(status, payload)

        return loopback_server(StandIn)


@contextmanager
def running(standin: EcrStandIn) -> Iterator[EcrStandIn]:
    with serving(standin.server, poll=0.02):
        yield standin
