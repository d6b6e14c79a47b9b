"""Principal values of a policy: what they look like, and what they mean."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecrctl.errors import InvalidInput

ACCOUNT = re.compile(r"\d{12}")
PRINCIPAL_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>iam|sts)::(?P<account>\d{12}):(?P<resource>.+)"
)
SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?")
_RESOURCE_TYPES = ("user/", "role/", "assumed-role/", "federated-user/")


def principal_problem(value: str) -> str | None:
    """Why ``value`` is not a valid AWS principal (None when it is)."""
    if value == "*" or ACCOUNT.fullmatch(value):
        return None
    match = PRINCIPAL_ARN.fullmatch(value)
    if not match:
        return 'is not an AWS account id, an IAM user or role ARN, or "*"'
    resource = match["resource"]
    if resource.startswith("group/"):
        return "is an IAM group, which cannot be a principal: name its users or the account"
    if resource == "root" or resource.startswith(_RESOURCE_TYPES):
        return None
    return "is not an account root, user, role or assumed-role ARN"


def account_of(value: str) -> str | None:
    if ACCOUNT.fullmatch(value):
        return value
    match = PRINCIPAL_ARN.fullmatch(value)
    return match["account"] if match else None


def is_account(value: str) -> bool:
    """An account id or the account's root ARN: every principal of that account."""
    if ACCOUNT.fullmatch(value):
        return True
    match = PRINCIPAL_ARN.fullmatch(value)
    return bool(match and match["resource"] == "root")


@dataclass(frozen=True)
class Caller:
    """Who is asking: one principal (``arn`` set) or a whole account (``arn`` None)."""

    account: str
    arn: str | None = None
    role: str | None = None  # the role name, for an assumed-role session

    @property
    def label(self) -> str:
        return self.arn or f"account {self.account}"


def parse_caller(value: str) -> Caller:
    """``--principal`` of explain, or the ARN STS reports for the caller."""
    problem = principal_problem(value)
    if value == "*" or problem:
        raise InvalidInput(
            f"invalid principal {value!r}: expected a 12-digit account id or an IAM ARN",
            hint="e.g. 111122223333 or arn:aws:iam::111122223333:user/alice",
        )
    account = account_of(value)
    assert account is not None
    if is_account(value):
        return Caller(account)
    resource = value.split(":", 5)[5]
    role = None
    if resource.startswith("assumed-role/"):
        role = resource.split("/")[1]
    elif resource.startswith("role/"):
        role = resource.rsplit("/", 1)[1]
    return Caller(account, value, role)


def match(caller: Caller, principal: str) -> str:
    """Does a policy principal cover the caller: "yes", "no", or "some" (a few of
    the account's principals, when the caller is a whole account)."""
    if principal == "*":
        return "yes"
    account = account_of(principal)
    if account is None or account != caller.account:
        return "no"
    if is_account(principal):
        return "yes"
    if caller.arn is None:
        return "some"
    if principal == caller.arn:
        return "yes"
    resource = principal.split(":", 5)[5]
    if caller.role and resource.startswith("role/") and resource.rsplit("/", 1)[1] == caller.role:
        return "yes"
    return "no"
