"""A principal's IAM policies, read from IAM: who the principal is (a user or role
ARN, or an assumed-role session mapped to its role), its managed and inline
policies, its groups' (for a user) and its permissions boundary.

Read with the per-principal calls (GetRole/GetUser, ListAttached*Policies,
List*Policies and Get*Policy, ListGroupsForUser, GetPolicy and
GetPolicyVersion for each managed policy), over an IAM client from
``Aws.client("iam")``. IAM answers only for its own account.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ecrctl.aws.access import error_code, error_message, items, pages
from ecrctl.errors import AccessDenied, InvalidInput, NotFound
from ecrctl.policy.matching import BOUNDARY, IDENTITY, Policy, Principal

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>iam|sts)::(?P<account>\d{12}):(?P<resource>.+)"
)


@dataclass(frozen=True)
class PrincipalRef:
    """Who to test, before IAM is asked: a user or role by name."""

    partition: str
    account: str
    kind: str  # "user" | "role"
    name: str
    session_arn: str | None = None

    @property
    def arn(self) -> str:
        """The session's ARN, else the user's or role's (without a path: IAM knows it)."""
        iam = f"arn:{self.partition}:iam::{self.account}:{self.kind}/{self.name}"
        return self.session_arn or iam


def parse_principal(value: str, *, what: str = "--principal") -> PrincipalRef:
    """An IAM user or role ARN, or an assumed-role session ARN (as STS reports it)."""
    match = _ARN.fullmatch(value.strip())
    resource = match["resource"] if match else ""
    kind, _, rest = resource.partition("/")
    if match and match["service"] == "sts" and kind == "assumed-role" and rest.count("/") == 1:
        role = rest.split("/")[0]
        return PrincipalRef(match["partition"], match["account"], "role", role, value.strip())
    if match and match["service"] == "iam" and kind in ("user", "role") and rest:
        return PrincipalRef(match["partition"], match["account"], kind, rest.rsplit("/", 1)[-1])
    raise InvalidInput(
        f"{what} {value!r} is not an IAM user or role ARN",
        hint="e.g. arn:aws:iam::111122223333:role/ci, arn:aws:iam::111122223333:user/alice "
        "or an assumed-role ARN (an account, its root user or a group cannot be tested)",
    )


def document(raw: Any) -> dict[str, Any]:
    """A policy document as IAM returns it: decoded by botocore, or URL-encoded JSON text."""
    if isinstance(raw, dict):
        return raw
    text = str(raw)
    try:
        parsed = json.loads(text if text.lstrip().startswith("{") else unquote(text))
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def name_of(arn: str) -> str:
    """A managed policy's name from its ARN (``.../policy/path/NAME``)."""
    return arn.rsplit("/", 1)[-1]


def tags_of(entity: dict[str, Any]) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value")) for t in entity.get("Tags") or []}


@dataclass
class Gathered:
    principal: Principal
    identity: tuple[Policy, ...]
    boundary: Policy | None


class _Reader:
    """IAM's per-principal calls, each managed policy read once."""

    def __init__(self, iam: Any) -> None:
        self.iam = iam
        self.managed: dict[str, tuple[str, dict[str, Any]]] = {}

    def managed_policy(self, arn: str, kind: str, attached_to: str) -> Policy:
        if arn not in self.managed:
            found = self.iam.get_policy(PolicyArn=arn)["Policy"]
            version = self.iam.get_policy_version(
                PolicyArn=arn, VersionId=found["DefaultVersionId"]
            )["PolicyVersion"]
            name = found.get("PolicyName") or name_of(arn)
            self.managed[arn] = (name, document(version.get("Document")))
        name, doc = self.managed[arn]
        return Policy(name, kind, attached_to, doc, arn=arn)

    def attached(self, kind: str, name: str) -> list[Policy]:
        """``kind`` "role", "user" or "group": its managed policies, then its inline ones."""
        capital = kind.capitalize()
        key: dict[str, Any] = {f"{capital}Name": name}
        found = [
            self.managed_policy(p["PolicyArn"], IDENTITY, f"{kind}/{name}")
            for p in items(self.iam, f"list_attached_{kind}_policies", "AttachedPolicies", **key)
        ]
        for page in pages(self.iam, f"list_{kind}_policies", **key):
            for policy_name in page.get("PolicyNames") or []:
                answer = getattr(self.iam, f"get_{kind}_policy")(**key, PolicyName=policy_name)
                doc = document(answer.get("PolicyDocument"))
                found.append(Policy(policy_name, IDENTITY, f"{kind}/{name}", doc, inline=True))
        return found


def gather(iam: Any, ref: PrincipalRef) -> Gathered:
    """The principal and its policies, read from IAM."""
    try:
        return _gather(iam, ref)
    except Exception as exc:
        if error_code(exc) not in ("AccessDenied", "AccessDeniedException"):
            raise
        raise AccessDenied(
            f"IAM refused to show the policies of {ref.arn}: {error_message(exc)}",
            hint=f"reading them needs iam:Get{ref.kind.capitalize()}, iam:List*Policies, "
            "iam:Get*Policy, iam:GetPolicy and iam:GetPolicyVersion (and "
            "iam:ListGroupsForUser for a user); or pass --iam-details FILE",
        ) from exc


def _gather(iam: Any, ref: PrincipalRef) -> Gathered:
    reader = _Reader(iam)
    try:
        entity = (
            iam.get_role(RoleName=ref.name)["Role"]
            if ref.kind == "role"
            else iam.get_user(UserName=ref.name)["User"]
        )
    except Exception as exc:
        if error_code(exc) == "NoSuchEntity":
            raise NotFound(
                f"IAM has no {ref.kind} {ref.name!r} in the account of these credentials",
                hint=f"check the name; for a principal of account {ref.account}, read its "
                "policies with credentials of that account (--iam-profile)",
            ) from exc
        raise
    identity = reader.attached(ref.kind, ref.name)
    if ref.kind == "user":
        for group in items(iam, "list_groups_for_user", "Groups", UserName=ref.name):
            identity += reader.attached("group", group["GroupName"])
    boundary_arn = (entity.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    boundary = (
        reader.managed_policy(boundary_arn, BOUNDARY, f"{ref.kind}/{ref.name}")
        if boundary_arn
        else None
    )
    principal = Principal(
        entity["Arn"], ref.account, ref.kind, ref.name, ref.session_arn, tags_of(entity)
    )
    return Gathered(principal, tuple(identity), boundary)
