"""One argument style per kind of value, the other spelling kept working:

- a policy file is a positional FILE (``put``, ``set``, ``validate``, and now
  ``lifecycle preview NAME FILE``); ``preview --policy FILE`` still works;
- template parameters are KEY=VALUE (``lifecycle template keep-latest count=1``,
  ``repo template cross-account-push account=ID``); ``--account`` and the like still work;
- tags are ``--tag KEY=VALUE`` (``repo create``, and now ``repo tag``); ``repo tag NAME
  K=V`` still works.
"""

from __future__ import annotations

from ecrctl.errors import InvalidInput

REPO_TEMPLATE_KEYS = ("account", "principal", "admin")


def one_policy_file(positional: str | None, option: str | None) -> str | None:
    """The policy file given either way; both: refused."""
    if positional and option:
        raise InvalidInput(
            f"two policy files: {positional!r} and --policy {option!r}", hint="give one of them"
        )
    return positional or option


def some_tags(pairs: tuple[str, ...], options: tuple[str, ...]) -> tuple[str, ...]:
    """KEY=VALUE pairs given positionally or with --tag; at least one."""
    found = (*pairs, *options)
    if not found:
        raise InvalidInput("no tags given", hint="give KEY=VALUE (or --tag KEY=VALUE)")
    return found


def template_params(
    params: tuple[str, ...],
    principals: tuple[str, ...],
    accounts: tuple[str, ...],
    admin: str | None,
) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """``account=ID principal=ARN admin=ARN`` added to the options' values."""
    more: dict[str, list[str]] = {key: [] for key in REPO_TEMPLATE_KEYS}
    for param in params:
        key, equals, value = param.partition("=")
        if not equals or key not in more or not value:
            raise InvalidInput(
                f"invalid template parameter {param!r}",
                hint="give " + ", ".join(f"{k}=..." for k in REPO_TEMPLATE_KEYS),
            )
        more[key].append(value)
    if len(more["admin"]) + (admin is not None) > 1:
        raise InvalidInput("two admins given", hint="give one admin=ARN")
    chosen = admin if admin is not None else next(iter(more["admin"]), None)
    return (*principals, *more["principal"]), (*accounts, *more["account"]), chosen
