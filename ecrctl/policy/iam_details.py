"""A principal's IAM policies from a saved GetAccountAuthorizationDetails answer
(``aws iam get-account-authorization-details > iam.json``), without asking IAM:
for a principal of another account, or to test offline.

The file's ``Policies`` entries are matched by ``Arn`` (a ``PolicyName`` is not
required: some emulators leave it out); the document is the version marked
``IsDefaultVersion``.
"""

from __future__ import annotations

from typing import Any

from ecrctl.errors import InvalidInput, NotFound
from ecrctl.policy.matching import BOUNDARY, IDENTITY, Policy, Principal
from ecrctl.policy.principal_policies import Gathered, PrincipalRef, document, name_of, tags_of

LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


def check_details(data: Any, source: str) -> dict[str, Any]:
    """``data`` must look like GetAccountAuthorizationDetails' answer."""
    if not isinstance(data, dict) or not any(isinstance(data.get(k), list) for k in LISTS):
        raise InvalidInput(
            f"{source} is not a GetAccountAuthorizationDetails answer "
            "(no UserDetailList, RoleDetailList, GroupDetailList or Policies)",
            hint="save one with: aws iam get-account-authorization-details > iam.json",
        )
    return data


class _Details:
    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        self.policies = {
            p["Arn"]: p for p in data.get("Policies") or [] if isinstance(p, dict) and "Arn" in p
        }

    def entity(self, ref: PrincipalRef) -> dict[str, Any]:
        listed = self.data.get("RoleDetailList" if ref.kind == "role" else "UserDetailList")
        for entity in listed or []:
            name = entity.get("RoleName" if ref.kind == "role" else "UserName")
            if name == ref.name and f"::{ref.account}:" in str(entity.get("Arn", "")):
                return dict(entity)
        raise NotFound(
            f"{self.source} has no {ref.kind} {ref.name!r} of account {ref.account}",
            hint="save the details of the principal's own account",
        )

    def managed(self, arn: str, kind: str, attached_to: str) -> Policy:
        found = self.policies.get(arn)
        if found is None:
            raise InvalidInput(
                f"{self.source} has no document for managed policy {arn} "
                f"(attached to {attached_to})",
                hint="save the details without --filter, so that they hold every policy",
            )
        versions = found.get("PolicyVersionList") or []
        default = next((v for v in versions if v.get("IsDefaultVersion")), None)
        doc = document(default.get("Document")) if default else {}
        return Policy(found.get("PolicyName") or name_of(arn), kind, attached_to, doc, arn=arn)

    def attached(
        self, entity: dict[str, Any], kind: str, name: str, inline_key: str
    ) -> list[Policy]:
        where = f"{kind}/{name}"
        found = [
            self.managed(p["PolicyArn"], IDENTITY, where)
            for p in entity.get("AttachedManagedPolicies") or []
        ]
        found += [
            Policy(p["PolicyName"], IDENTITY, where, document(p.get("PolicyDocument")), inline=True)
            for p in entity.get(inline_key) or []
        ]
        return found

    def group(self, name: str) -> dict[str, Any]:
        for group in self.data.get("GroupDetailList") or []:
            if group.get("GroupName") == name:
                return dict(group)
        raise InvalidInput(
            f"{self.source} names group {name!r} but has no details of it",
            hint="save the details without --filter",
        )


def gather_from_details(data: dict[str, Any], ref: PrincipalRef, source: str) -> Gathered:
    """The principal and its policies, from a saved answer (see :func:`check_details`)."""
    details = _Details(data, source)
    entity = details.entity(ref)
    inline_key = "RolePolicyList" if ref.kind == "role" else "UserPolicyList"
    identity = details.attached(entity, ref.kind, ref.name, inline_key)
    for group_name in entity.get("GroupList") or []:
        identity += details.attached(
            details.group(group_name), "group", group_name, "GroupPolicyList"
        )
    boundary_arn = (entity.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    where = f"{ref.kind}/{ref.name}"
    boundary = details.managed(boundary_arn, BOUNDARY, where) if boundary_arn else None
    principal = Principal(
        entity["Arn"], ref.account, ref.kind, ref.name, ref.session_arn, tags_of(entity)
    )
    return Gathered(principal, tuple(identity), boundary)
