"""The rows of ``tests/test_bad_input.py``: bad input, files and settings, and the
words each error line must contain. ``{d}`` in arguments, environment values and
file names is the case's private home directory."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    expect: str = ""
    code: int = 2
    env: dict[str, str | None] = field(default_factory=dict)
    files: dict[str, str | bytes | None] = field(default_factory=dict)  # None: a directory
    stdin: str | None = None
    tool: str = "ecrctl"


def case(
    id: str,
    *args: str,
    expect: str = "",
    code: int = 2,
    env: dict[str, str | None] | None = None,
    files: dict[str, str | bytes | None] | None = None,
    stdin: str | None = None,
    tool: str = "ecrctl",
) -> Case:
    return Case(id, args, expect, code, env or {}, files or {}, stdin, tool)


DIGEST = "sha256:" + "a" * 64
NESTED = "[" * 1000 + "]" * 1000


def _rule(**selection: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "tagStatus": "untagged",
        "countType": "imageCountMoreThan",
        "countNumber": 1,
    }
    base.update(selection)
    return {
        "rulePriority": 1,
        "description": "expire old untagged images",
        "selection": {k: v for k, v in base.items() if v is not ...},
        "action": {"type": "expire"},
    }


def lifecycle(**selection: Any) -> str:
    return json.dumps({"rules": [_rule(**selection)]}, indent=2)


GOOD_LIFECYCLE = lifecycle()


def repo_policy(**statement: Any) -> str:
    base: dict[str, Any] = {
        "Sid": "AllowPull",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": ["ecr:DescribeImages"],
    }
    base.update(statement)
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{k: v for k, v in base.items() if v is not ...}]}
    )


GOOD_POLICY = repo_policy()
DUPLICATE_EFFECT = GOOD_POLICY.replace('"Effect": "Allow"', '"Effect": "Deny", "Effect": "Allow"')


def _usage() -> list[Case]:
    return [
        case(
            "unknown-command", "repo", "lst", expect="no such command 'lst' (did you mean 'list'?)"
        ),
        case("unknown-group", "bogus", expect="no such command 'bogus'; see: ecrctl -h"),
        case("unknown-option", "repo", "list", "--limt", "3", expect="no such option '--limt'"),
        case(
            "option-typo-suggested",
            "image",
            "list",
            "team/app",
            "--sortt",
            "size",
            expect="(did you mean --sort?)",
        ),
        case(
            "missing-argument",
            "repo",
            "create",
            expect="missing argument 'NAME'; see: ecrctl repo create -h",
        ),
        case("extra-arguments", "repo", "create", "a1", "b1", expect="unexpected extra argument"),
        case("bad-output-choice", "-o", "xml", "repo", "list", expect="'xml' is not one of"),
        case(
            "bad-sort-choice",
            "image",
            "list",
            "team/app",
            "--sort",
            "age",
            expect="'age' is not one of",
        ),
        case("limit-zero", "image", "list", "team/app", "--limit", "0", expect="--limit"),
        case(
            "limit-not-int",
            "image",
            "list",
            "team/app",
            "--limit",
            "many",
            expect="'many' is not a valid integer",
        ),
        case(
            "max-attempts-zero-option",
            "--max-attempts",
            "0",
            "repo",
            "list",
            expect="--max-attempts",
        ),
        case(
            "max-attempts-word-option",
            "repo",
            "list",
            "--max-attempts",
            "x",
            expect="--max-attempts",
        ),
        case(
            "registry-timeout-zero-option",
            "--registry-timeout",
            "0",
            "registry",
            "api",
            "/v2/",
            expect="invalid --registry-timeout '0'",
        ),
        case(
            "registry-timeout-word-option",
            "registry",
            "api",
            "/v2/",
            "--registry-timeout",
            "soon",
            expect="invalid --registry-timeout 'soon'",
        ),
        case(
            "encryption-choice",
            "repo",
            "create",
            "team/new",
            "--encryption",
            "DES",
            expect="'DES' is not one of",
        ),
        case(
            "option-without-value",
            "repo",
            "list",
            "--region",
            expect="option '--region' requires an argument",
        ),
        case("pull-missing-ref", "image", "pull", expect="missing argument"),
        case(
            "lifecycle-unknown-sub",
            "policy",
            "lifecycle",
            "valdate",
            "x",
            expect="(did you mean 'validate'?)",
        ),
        case(
            "policy-unknown-sub", "policy", "repo", "sett", "x", "y", expect="(did you mean 'set'?)"
        ),
        case(
            "timeout-negative",
            "policy",
            "lifecycle",
            "preview",
            "team/app",
            "--timeout",
            "-1",
            expect="--timeout",
        ),
        case("login-bad-option", "login", "--registry", "x", expect="no such option"),
        case("completion-bad-shell", "completion", "tcsh", expect="tcsh"),
    ]


def _query() -> list[Case]:
    return [
        case(
            "query-unclosed-bracket", "repo", "list", "--query", "[", expect="invalid --query '['"
        ),
        case(
            "query-before-create",
            "repo",
            "create",
            "team/q",
            "--query",
            "[",
            expect="invalid --query",
        ),
        case(
            "query-before-delete",
            "repo",
            "delete",
            "team/app",
            "--yes",
            "--query",
            "a..b",
            expect="invalid --query",
        ),
        case(
            "query-before-tag",
            "repo",
            "tag",
            "team/app",
            "a=b",
            "--query",
            "[?",
            expect="invalid --query",
        ),
        case("query-bad-function", "repo", "list", "--query", "nosuch(@)", expect="nosuch"),
        case(
            "query-before-policy-set",
            "policy",
            "repo",
            "set",
            "team/app",
            "p.json",
            "--query",
            "{",
            files={"p.json": GOOD_POLICY},
            expect="invalid --query",
        ),
        case(
            "query-text-output",
            "-o",
            "text",
            "repo",
            "list",
            "--query",
            "]",
            expect="invalid --query",
        ),
    ]


def _regions() -> list[Case]:
    return [
        case(
            "region-with-space",
            "--region",
            "not a region!",
            "repo",
            "list",
            expect="invalid region 'not a region!' (from --region)",
        ),
        case(
            "region-5000-chars",
            "--region",
            "a" * 5000,
            "repo",
            "list",
            expect="invalid region 'aaaa",
        ),
        case(
            "region-uppercase",
            "--region",
            "US-EAST-1",
            "repo",
            "list",
            expect="use lowercase: us-east-1",
        ),
        case(
            "region-typo-esat",
            "--region",
            "us-esat-1",
            "repo",
            "list",
            expect="did you mean us-east-1?",
        ),
        case(
            "region-typo-wset",
            "--region",
            "eu-wset-1",
            "repo",
            "list",
            expect="did you mean eu-west-1?",
        ),
        case(
            "region-typo-no-dashes",
            "--region",
            "useast1",
            "repo",
            "list",
            expect="did you mean us-east-1?",
        ),
        case(
            "region-typo-env",
            "repo",
            "list",
            env={"AWS_DEFAULT_REGION": "ap-southeast-l"},
            expect="(from AWS_DEFAULT_REGION)",
        ),
        case(
            "region-typo-aws-region",
            "repo",
            "list",
            env={"AWS_DEFAULT_REGION": None, "AWS_REGION": "us-wset-2"},
            expect="(from AWS_REGION); did you mean us-west-2?",
        ),
        case(
            "region-double-dash", "--region", "us--east-1", "repo", "list", expect="invalid region"
        ),
        case(
            "region-trailing-dash",
            "--region",
            "us-east-1-",
            "repo",
            "list",
            expect="invalid region",
        ),
        case(
            "region-unknown-no-endpoint",
            "--region",
            "atlantis",
            "repo",
            "list",
            env={"AWS_ENDPOINT_URL_ECR": None},
            expect="AWS has no region of that name",
        ),
        case("region-unicode", "--region", "us-éast-1", "repo", "list", expect="invalid region"),
        case(
            "region-in-profile",
            "repo",
            "list",
            env={"AWS_DEFAULT_REGION": None, "AWS_PROFILE": "dev"},
            files={".aws/config": "[profile dev]\nregion = eu west 1\n"},
            expect="(from profile dev)",
        ),
        case(
            "no-region",
            "repo",
            "list",
            env={"AWS_DEFAULT_REGION": None},
            expect="no AWS region is set",
        ),
    ]


def _endpoints() -> list[Case]:
    return [
        case(
            "endpoint-not-a-url",
            "--endpoint-url",
            "not a url",
            "repo",
            "list",
            expect="the scheme must be http or https",
        ),
        case(
            "endpoint-ftp",
            "--endpoint-url",
            "ftp://127.0.0.1:21",
            "repo",
            "list",
            expect="'ftp://127.0.0.1:21'",
        ),
        case(
            "endpoint-port-99999",
            "--endpoint-url",
            "http://127.0.0.1:99999",
            "repo",
            "list",
            expect="port",
        ),
        case(
            "endpoint-port-word",
            "--endpoint-url",
            "http://127.0.0.1:abc",
            "repo",
            "list",
            expect="port",
        ),
        case(
            "endpoint-port-zero",
            "--endpoint-url",
            "http://127.0.0.1:0",
            "repo",
            "list",
            expect="port 0",
        ),
        case(
            "endpoint-no-host", "--endpoint-url", "http://", "repo", "list", expect="it has no host"
        ),
        case(
            "endpoint-no-scheme",
            "--endpoint-url",
            "127.0.0.1:5000",
            "repo",
            "list",
            expect="http or https",
        ),
        case(
            "endpoint-env-ecr",
            "repo",
            "list",
            env={"AWS_ENDPOINT_URL_ECR": "htp://127.0.0.1"},
            expect="(from AWS_ENDPOINT_URL_ECR)",
        ),
        case(
            "endpoint-env-global",
            "repo",
            "list",
            env={"AWS_ENDPOINT_URL_ECR": None, "AWS_ENDPOINT_URL": "localhost"},
            expect="(from AWS_ENDPOINT_URL)",
        ),
        case(
            "endpoint-profile",
            "repo",
            "list",
            env={"AWS_ENDPOINT_URL_ECR": None, "AWS_PROFILE": "dev"},
            files={".aws/config": "[profile dev]\nendpoint_url = file:///etc\n"},
            expect="(from profile)",
        ),
        case(
            "endpoint-sts-env",
            "policy",
            "repo",
            "set",
            "team/app",
            "p.json",
            env={"AWS_ENDPOINT_URL_STS": "sts-somewhere"},
            files={"p.json": GOOD_POLICY},
            expect="(from AWS_ENDPOINT_URL_STS)",
        ),
        case(
            "endpoint-ipv6-bad",
            "--endpoint-url",
            "http://[::1",
            "repo",
            "list",
            expect="invalid endpoint URL",
        ),
    ]


def _retries_and_profiles() -> list[Case]:
    config = {".aws/config": "[profile dev]\nregion = us-east-1\n"}
    return [
        case(
            "progress-interval-word",
            "image",
            "push",
            "local/app:1",
            "team/app",
            env={"ECRCTL_PROGRESS_INTERVAL": "soon"},
            expect="ECRCTL_PROGRESS_INTERVAL='soon' is not a number of seconds above 0",
        ),
        case(
            "aws-max-attempts-zero",
            "repo",
            "list",
            env={"ECRCTL_MAX_ATTEMPTS": None, "AWS_MAX_ATTEMPTS": "0"},
            expect="AWS_MAX_ATTEMPTS='0'",
        ),
        case(
            "aws-max-attempts-word",
            "repo",
            "list",
            env={"ECRCTL_MAX_ATTEMPTS": None, "AWS_MAX_ATTEMPTS": "lots"},
            expect="AWS_MAX_ATTEMPTS='lots'",
        ),
        case(
            "aws-max-attempts-negative",
            "repo",
            "list",
            env={"ECRCTL_MAX_ATTEMPTS": None, "AWS_MAX_ATTEMPTS": "-3"},
            expect="AWS_MAX_ATTEMPTS='-3'",
        ),
        case(
            "ecrctl-max-attempts-word",
            "repo",
            "list",
            env={"ECRCTL_MAX_ATTEMPTS": "2.5"},
            expect="ECRCTL_MAX_ATTEMPTS='2.5'",
        ),
        case(
            "ecrctl-registry-timeout-word",
            "registry",
            "api",
            "--registry",
            "127.0.0.1:9",
            "/v2/",
            env={"ECRCTL_REGISTRY_TIMEOUT": "soon"},
            expect="invalid ECRCTL_REGISTRY_TIMEOUT 'soon'",
        ),
        case(
            "ecrctl-stdlib-http-word",
            "registry",
            "api",
            "--registry",
            "127.0.0.1:9",
            "/v2/",
            env={"ECRCTL_STDLIB_HTTP": "sometimes"},
            expect="invalid ECRCTL_STDLIB_HTTP 'sometimes'; use 0 to send registry requests",
        ),
        case(
            "ecrctl-insecure-registries-scheme",
            "registry",
            "api",
            "--registry",
            "registry.example",
            "/v2/",
            env={"ECRCTL_INSECURE_REGISTRIES": "http://registry.example"},
            expect="invalid ECRCTL_INSECURE_REGISTRIES entry 'http://registry.example'",
        ),
        case(
            "profile-max-attempts",
            "repo",
            "list",
            env={"ECRCTL_MAX_ATTEMPTS": None, "AWS_PROFILE": "dev"},
            files={".aws/config": "[profile dev]\nmax_attempts = none\n"},
            expect="max_attempts in the AWS profile",
        ),
        case(
            "retry-mode-env",
            "repo",
            "list",
            env={"AWS_RETRY_MODE": "fast"},
            expect="AWS_RETRY_MODE='fast' is not a retry mode",
        ),
        case(
            "retry-mode-case",
            "repo",
            "list",
            env={"AWS_RETRY_MODE": "Standard"},
            expect="use one of legacy, standard, adaptive",
        ),
        case(
            "retry-mode-profile",
            "repo",
            "list",
            env={"AWS_PROFILE": "dev"},
            files={".aws/config": "[profile dev]\nretry_mode = turbo\n"},
            expect="retry_mode in the AWS profile",
        ),
        case(
            "aws-profile-missing",
            "repo",
            "list",
            env={"AWS_PROFILE": "nosuch"},
            expect="AWS profile 'nosuch' (from AWS_PROFILE)",
        ),
        case(
            "aws-default-profile-missing",
            "repo",
            "list",
            env={"AWS_DEFAULT_PROFILE": "gone"},
            files=config,
            expect="AWS profile 'gone' (from AWS_DEFAULT_PROFILE)",
        ),
        case(
            "profile-option-missing",
            "--profile",
            "nosuch",
            "repo",
            "list",
            files=config,
            expect="(from --profile)",
        ),
        case(
            "aws-config-unparsable",
            "repo",
            "list",
            env={"AWS_PROFILE": "dev"},
            files={".aws/config": "[profile dev\nregion = us-east-1\n"},
            expect="cannot parse the AWS config file",
        ),
        case(
            "aws-config-not-utf8",
            "repo",
            "list",
            env={"AWS_PROFILE": "dev"},
            files={".aws/config": b"[profile dev]\nregion = \xff\xfe\n"},
            expect="cannot parse the AWS config file",
        ),
        case(
            "no-credentials",
            "repo",
            "list",
            env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None},
            expect="no AWS credentials found",
        ),
        case(
            "registry-id-short",
            "--registry-id",
            "123",
            "repo",
            "list",
            expect="invalid registry id '123'",
        ),
        case(
            "registry-id-letters",
            "repo",
            "list",
            "--registry-id",
            "12345678901x",
            expect="12-digit AWS account id",
        ),
        case(
            "registry-id-13",
            "repo",
            "list",
            "--registry-id",
            "1234567890123",
            expect="invalid registry id",
        ),
    ]


def _repositories() -> list[Case]:
    return [
        case("repo-uppercase", "repo", "create", "Team/App", expect="use lowercase: 'team/app'"),
        case("repo-one-char", "repo", "create", "a", expect="2 to 256 characters"),
        case("repo-too-long", "repo", "create", "a" * 257, expect="2 to 256 characters"),
        case(
            "repo-trailing-slash",
            "repo",
            "create",
            "team/",
            expect="invalid repository name 'team/'",
        ),
        case("repo-leading-slash", "repo", "create", "/team", expect="invalid repository name"),
        case("repo-double-dash", "repo", "create", "team--app", expect="invalid repository name"),
        case("repo-space", "repo", "create", "team app", expect="invalid repository name"),
        case("repo-unicode", "repo", "create", "tëam", expect="invalid repository name"),
        case("repo-double-slash", "repo", "create", "team//app", expect="invalid repository name"),
        case("repo-show-bad", "repo", "show", "Bad_Name", expect="use lowercase"),
        case(
            "repo-delete-bad",
            "repo",
            "delete",
            "x!",
            "--yes",
            expect="invalid repository name 'x!'",
        ),
        case("repo-list-bad-prefix", "repo", "list", "UP/", expect="use lowercase: 'up/'"),
        case(
            "repo-bad-arn",
            "repo",
            "tags",
            "arn:aws:ecr:us-east-1:123:repository/x",
            expect="invalid",
        ),
        case(
            "tag-no-equals",
            "repo",
            "create",
            "team/new",
            "--tag",
            "env",
            expect="malformed tag 'env': expected KEY=VALUE",
        ),
        case(
            "tag-aws-prefix",
            "repo",
            "create",
            "team/new",
            "--tag",
            "aws:env=dev",
            expect="aws: prefix is reserved",
        ),
        case(
            "tag-empty-key", "repo", "create", "team/new", "--tag", "=dev", expect="invalid tag key"
        ),
        case(
            "tag-duplicate",
            "repo",
            "create",
            "team/new",
            "--tag",
            "a=1",
            "--tag",
            "a=2",
            expect="duplicate tag key 'a'",
        ),
        case(
            "tag-key-long",
            "repo",
            "create",
            "team/new",
            "--tag",
            "k" * 129 + "=v",
            expect="1 to 128 characters",
        ),
        case(
            "tag-value-long", "repo", "create", "team/new", "--tag", "k=" + "v" * 257, expect="256"
        ),
        case(
            "tag-too-many",
            "repo",
            "create",
            "team/new",
            *[f"--tag=k{i}=v" for i in range(51)],
            expect="at most 50",
        ),
        case(
            "repo-tag-bad-pair",
            "repo",
            "tag",
            "team/app",
            "novalue",
            expect="malformed tag 'novalue'",
        ),
        case("repo-tag-aws", "repo", "tag", "team/app", "aws:x=1", expect="reserved"),
        case("repo-untag-empty", "repo", "untag", "team/app", "", expect="invalid tag key"),
        case(
            "repo-untag-dup", "repo", "untag", "team/app", "k", "k", expect="duplicate tag key 'k'"
        ),
        case(
            "repo-delete-no-tty",
            "repo",
            "delete",
            "team/app",
            "--force",
            expect="pass --yes to confirm",
        ),
        case(
            "repo-show-typo-suggests",
            "repo",
            "show",
            "team/ap",
            code=1,
            expect="did you mean 'team/app'?",
        ),
        case(
            "repo-delete-missing-names-it",
            "repo",
            "delete",
            "zzzz/qqqq",
            "--yes",
            code=1,
            expect="or create it: ecrctl repo create zzzz/qqqq",
        ),
    ]


def _images() -> list[Case]:
    return [
        case("pull-empty-tag", "image", "pull", "team/app:", expect="empty tag after ':'"),
        case("pull-empty-digest", "image", "pull", "team/app@", expect="nothing after '@'"),
        case(
            "pull-bad-digest", "image", "pull", "team/app@sha256:zz", expect="invalid image digest"
        ),
        case(
            "pull-sha512",
            "image",
            "pull",
            "team/app@sha512:" + "a" * 128,
            expect="invalid image digest",
        ),
        case("pull-unicode-tag", "image", "pull", "team/app:tä", expect="invalid image tag 'tä'"),
        case(
            "pull-tag-and-digest",
            "image",
            "pull",
            f"team/app:v1@{DIGEST}",
            expect="both a tag and a digest",
        ),
        case("pull-uppercase-repo", "image", "pull", "Team/app:v1", expect="use lowercase"),
        case("pull-tag-dot", "image", "pull", "team/app:.hidden", expect="invalid image tag"),
        case("pull-tag-long", "image", "pull", "team/app:" + "t" * 301, expect="invalid image tag"),
        case(
            "push-dest-empty-tag",
            "image",
            "push",
            "busybox:1",
            "team/app:",
            expect="destination 'team/app:' has an empty tag",
        ),
        case(
            "push-dest-digest",
            "image",
            "push",
            "busybox:1",
            f"team/app@{DIGEST}",
            expect="a digest cannot be pushed to",
        ),
        case(
            "push-dest-unicode-tag",
            "image",
            "push",
            "busybox:1",
            "team/app:tä",
            expect="invalid image tag",
        ),
        case(
            "push-dest-bad-repo",
            "image",
            "push",
            "busybox:1",
            "Team/App:v1",
            expect="use lowercase",
        ),
        case(
            "push-src-empty-tag",
            "image",
            "push",
            "busybox:",
            "team/app:v2",
            expect="local image 'busybox:' has an empty tag",
        ),
        case("push-src-digest-only", "image", "push", DIGEST, expect="has no name to push it as"),
        case(
            "show-unicode-tag", "image", "show", "team/app", "vä", expect="invalid image tag 'vä'"
        ),
        case(
            "show-bad-digest",
            "image",
            "show",
            "team/app",
            "sha256:123",
            expect="invalid image digest",
        ),
        case("show-md5", "image", "show", "team/app", "md5:abc", expect="only sha256 digests"),
        case("show-empty-ref", "image", "show", "team/app", "", expect="empty image tag"),
        case("show-dash-tag", "image", "show", "team/app", "-v1", expect="no such option"),
        case("list-bad-repo", "image", "list", "team/App", expect="use lowercase"),
        case(
            "show-missing-repo-suggests",
            "image",
            "list",
            "team/apps",
            code=1,
            expect="did you mean 'team/app'?",
        ),
    ]


def _repository_policies() -> list[Case]:
    def validate(id: str, text: str | bytes, expect: str) -> Case:
        return case(
            id, "policy", "repo", "validate", "p.json", files={"p.json": text}, expect=expect
        )

    return [
        validate("rp-not-json", "{", "not valid JSON: line 1, column 2"),
        validate(
            "rp-duplicate-effect", DUPLICATE_EFFECT, "Statement[0].Effect: this key appears twice"
        ),
        validate(
            "rp-nested",
            repo_policy(Condition=json.loads("[" * 60 + "]" * 60)).replace(
                '"Condition": [' + "[" * 59, '"Condition": ' + NESTED[:-60]
            ),
            "levels deep",
        ),
        validate("rp-nested-text", '{"Version": ' + NESTED + "}", "levels deep"),
        validate("rp-nan", GOOD_POLICY.replace('"2012-10-17"', "NaN"), "NaN is not a JSON number"),
        validate(
            "rp-infinity",
            GOOD_POLICY.replace('"2012-10-17"', "-Infinity"),
            "-Infinity is not a JSON number",
        ),
        validate(
            "rp-resource", repo_policy(Resource="*"), "Resource: not allowed in a repository policy"
        ),
        validate(
            "rp-version", repo_policy().replace("2012-10-17", "2019-01-01"), 'Version: "2019-01-01"'
        ),
        validate(
            "rp-unknown-top",
            json.dumps({**json.loads(GOOD_POLICY), "Extra": 1}),
            "Extra: unknown element",
        ),
        validate(
            "rp-empty-statement", '{"Version": "2012-10-17", "Statement": []}', "Statement: empty"
        ),
        validate("rp-not-object", "[]", "must be a JSON object"),
        validate(
            "rp-push-image", repo_policy(Action="ecr:PushImage"), 'did you mean "ecr:PutImage"?'
        ),
        validate("rp-bad-effect", repo_policy(Effect="allow"), "Effect"),
        validate("rp-not-utf8", b'{"Version": "\xff"}', "is not UTF-8 text"),
        validate("rp-big-int", repo_policy(Sid=10**30), "is out of range"),
        case(
            "rp-missing-file",
            "policy",
            "repo",
            "validate",
            "nope.json",
            expect="'nope.json' does not exist",
        ),
        case(
            "rp-directory",
            "policy",
            "repo",
            "validate",
            "dir",
            files={"dir": None},
            expect="is a directory",
        ),
        case(
            "rp-set-invalid",
            "policy",
            "repo",
            "set",
            "team/app",
            "p.json",
            files={"p.json": repo_policy(Resource="*")},
            expect="the policy is invalid",
        ),
        case(
            "rp-set-duplicate",
            "policy",
            "repo",
            "set",
            "team/app",
            "-",
            stdin=DUPLICATE_EFFECT,
            expect="appears twice",
        ),
        case(
            "rp-set-nested",
            "policy",
            "repo",
            "set",
            "team/app",
            "-",
            stdin=NESTED,
            expect="levels deep",
        ),
        case(
            "rp-set-bad-repo",
            "policy",
            "repo",
            "set",
            "Team",
            "-",
            stdin=GOOD_POLICY,
            expect="use lowercase",
        ),
        case(
            "rp-explain-nested",
            "policy",
            "repo",
            "explain",
            "--file",
            "-",
            "--principal",
            "123456789012",
            stdin=NESTED,
            expect="levels deep",
        ),
        case(
            "rp-explain-dup",
            "policy",
            "repo",
            "explain",
            "--file",
            "-",
            "--principal",
            "123456789012",
            stdin=DUPLICATE_EFFECT,
            expect="appears twice",
        ),
    ]


def _statements() -> list[Case]:
    base = (
        "policy",
        "repo",
        "add-statement",
        "team/app",
        "--sid",
        "S1",
        "--principal",
        "123456789012",
    )

    def add(id: str, *args: str, expect: str) -> Case:
        return case(id, *base, *args, expect=expect)

    return [
        add(
            "as-bad-effect",
            "--effect",
            "Permit",
            "--action",
            "pull",
            expect="'Permit' is not one of",
        ),
        add(
            "as-bad-action",
            "--effect",
            "Allow",
            "--action",
            "ecr:PushImage",
            expect='did you mean "ecr:PutImage"?',
        ),
        add(
            "as-bad-condition",
            "--effect",
            "Allow",
            "--action",
            "pull",
            "--condition",
            "{oops",
            expect="--condition is not valid JSON",
        ),
        add(
            "as-nested-condition",
            "--effect",
            "Allow",
            "--action",
            "pull",
            "--condition",
            NESTED,
            expect="levels deep",
        ),
        add(
            "as-dup-condition",
            "--effect",
            "Allow",
            "--action",
            "pull",
            "--condition",
            '{"StringEquals": {"aws:PrincipalOrgID": "o-1"}, "StringEquals": {}}',
            expect="StringEquals: this key appears twice",
        ),
        add(
            "as-nan-condition",
            "--effect",
            "Allow",
            "--action",
            "pull",
            "--condition",
            '{"NumericLessThan": {"x": NaN}}',
            expect="NaN is not a JSON number",
        ),
        case(
            "as-empty-sid",
            "policy",
            "repo",
            "add-statement",
            "team/app",
            "--sid",
            "",
            "--effect",
            "Allow",
            "--principal",
            "*",
            "--action",
            "pull",
            expect="--sid must not be empty",
        ),
        case(
            "as-bad-principal",
            "policy",
            "repo",
            "add-statement",
            "team/app",
            "--sid",
            "S",
            "--effect",
            "Allow",
            "--principal",
            "arn:aws:iam::12:user/x",
            "--action",
            "pull",
            expect="arn:aws:iam::12:user/x",
        ),
        case(
            "as-star-and-more",
            "policy",
            "repo",
            "add-statement",
            "team/app",
            "--sid",
            "S",
            "--effect",
            "Allow",
            "--principal",
            "*",
            "--principal",
            "123456789012",
            "--action",
            "pull",
            expect='"*" already covers everyone',
        ),
        case("rp-template-unknown", "policy", "repo", "template", "pull-push", expect="pull-push"),
        case(
            "rp-template-bad-account",
            "policy",
            "repo",
            "template",
            "push-pull",
            "--account",
            "12",
            expect="12",
        ),
    ]


def _lifecycle() -> list[Case]:
    def validate(id: str, text: str | bytes, expect: str) -> Case:
        return case(
            id, "policy", "lifecycle", "validate", "l.json", files={"l.json": text}, expect=expect
        )

    return [
        validate(
            "lc-day",
            lifecycle(countType="sinceImagePushed", countUnit="day", countNumber=14),
            'use "days"',
        ),
        validate("lc-tagged-no-list", lifecycle(tagStatus="tagged"), '"tagPatternList": ["*"]'),
        validate("lc-null-list", lifecycle(tagPrefixList=None), "tagPrefixList: is null"),
        validate(
            "lc-big-count", lifecycle(countNumber=99999999999999999999999999999), "is out of range"
        ),
        validate(
            "lc-duplicate-key",
            GOOD_LIFECYCLE.replace('"rulePriority": 1', '"rulePriority": 2, "rulePriority": 1'),
            "rules[0].rulePriority: this key appears twice",
        ),
        validate(
            "lc-nested-description",
            GOOD_LIFECYCLE.replace('"expire old untagged images"', NESTED),
            "levels deep",
        ),
        validate("lc-nan", GOOD_LIFECYCLE.replace('"countNumber": 1', '"countNumber": NaN'), "NaN"),
        case(
            "lc-too-short",
            "policy",
            "lifecycle",
            "put",
            "team/app",
            "-",
            "--yes",
            stdin='{"rules": []}',
            expect="ECR accepts 100 to 30,720 (and 1 more)",
        ),
        validate("lc-count-zero", lifecycle(countNumber=0), "countNumber"),
        validate("lc-bad-status", lifecycle(tagStatus="TAGGED"), "use 'tagged'"),
        validate("lc-unknown-key", lifecycle(tagStatuss="any"), "did you mean tagStatus?"),
        validate("lc-not-utf8", b"\xff\xfe{}", "is not UTF-8 text"),
        case(
            "lc-missing-file",
            "policy",
            "lifecycle",
            "validate",
            "none.json",
            expect="does not exist",
        ),
        case(
            "lc-put-invalid",
            "policy",
            "lifecycle",
            "put",
            "team/app",
            "l.json",
            "--yes",
            files={"l.json": lifecycle(tagStatus="tagged")},
            expect="Must specify tagPrefixList",
        ),
        case(
            "lc-put-nested",
            "policy",
            "lifecycle",
            "put",
            "team/app",
            "-",
            "--yes",
            stdin=NESTED,
            expect="levels deep",
        ),
        case(
            "lc-preview-nested-policy",
            "policy",
            "lifecycle",
            "preview",
            "team/app",
            "--policy",
            "-",
            stdin=NESTED,
            expect="levels deep",
        ),
        case(
            "lc-preview-nested-images",
            "policy",
            "lifecycle",
            "preview",
            "--policy",
            "l.json",
            "--images",
            "-",
            files={"l.json": GOOD_LIFECYCLE},
            stdin='{"imageDetails": ' + NESTED + "}",
            expect="levels deep",
        ),
        case(
            "lc-preview-dup-images",
            "policy",
            "lifecycle",
            "preview",
            "--policy",
            "l.json",
            "--images",
            "-",
            files={"l.json": GOOD_LIFECYCLE},
            stdin='{"imageDetails": [], "imageDetails": []}',
            expect="appears twice",
        ),
        case(
            "lc-template-unknown",
            "policy",
            "lifecycle",
            "template",
            "keep-everything",
            expect="keep-everything",
        ),
    ]


def _iam() -> list[Case]:
    return [
        case(
            "iam-aws-tag-key",
            "policy",
            "iam",
            "template",
            "create-tagged-only",
            "--tag-key",
            "aws:x",
            expect="keys starting with aws: are reserved",
        ),
        case(
            "iam-aws-tag-key-upper",
            "policy",
            "iam",
            "template",
            "deny-tagged",
            "--tag-key",
            "AWS:env",
            expect="reserved for AWS",
        ),
        case(
            "iam-tag-key-long",
            "policy",
            "iam",
            "template",
            "deny-tagged",
            "--tag-key",
            "k" * 129,
            expect="1 to 128 characters",
        ),
        case("iam-unknown-template", "policy", "iam", "template", "admin", expect="admin"),
        case(
            "iam-bad-repository",
            "policy",
            "iam",
            "template",
            "read-only",
            "--repository",
            "team/app",
            expect="expected a repository ARN",
        ),
        case(
            "iam-tag-on-plain",
            "policy",
            "iam",
            "template",
            "read-only",
            "--tag-key",
            "env",
            expect="takes no --tag-key",
        ),
    ]


def _policy_test() -> list[Case]:
    test = ("policy", "test", "team/app")
    group = "arn:aws:iam::123456789012:group/devs"
    return [
        case("pt-group", *test, "--principal", group, expect="is not an IAM user or role ARN"),
        case("pt-account", *test, "--principal", "123456789012", expect="an account, its root"),
        case("pt-action", *test, "--action", "ecr:PushImage", expect="unknown ECR action"),
        case("pt-context", *test, "--context", "aws:SourceAccount", expect="expected KEY=VALUE"),
        case("pt-context-key", *test, "--context", "team=blue", expect="invalid --context"),
        case("pt-details-missing", *test, "--iam-details", "no.json", expect="does not exist"),
        case(
            "pt-details-not-json",
            *test,
            "--iam-details",
            "iam.json",
            files={"iam.json": "{"},
            expect="is not valid JSON",
        ),
        case(
            "pt-details-shape",
            *test,
            "--iam-details",
            "-",
            stdin='{"Users": []}',
            expect="is not a GetAccountAuthorizationDetails answer",
        ),
        case("pt-bad-repo", "policy", "test", "Team", expect="use lowercase"),
        case("pt-iam-profile", *test, "--iam-profile", "nope", expect="nope"),
    ]


CONFIG = ".config/ecrctl/config.toml"


def _config_files() -> list[Case]:
    def mapped(id: str, text: str | bytes | None, expect: str) -> Case:
        return case(id, "login", "status", files={CONFIG: text}, expect=expect)

    return [
        mapped("toml-broken", "[registries\n", "is not valid TOML"),
        mapped("toml-registries-string", 'registries = "x"\n', "registries must be tables"),
        mapped("toml-registries-list", "registries = [1, 2]\n", "registries must be tables"),
        mapped("toml-entry-not-table", '[registries]\n"h:1" = 3\n', "must be a table"),
        mapped(
            "toml-account-int",
            '[registries."h:1"]\naccount = 123456789012\nregion = "us-east-1"\n',
            "12 digits, quoted",
        ),
        mapped(
            "toml-bad-region",
            '[registries."h:1"]\naccount = "123456789012"\nregion = "moon base"\n',
            "invalid region 'moon base'",
        ),
        mapped(
            "toml-bad-endpoint",
            '[registries."h:1"]\naccount = "123456789012"\nregion = "us-east-1"\n'
            'endpoint_url = "ftp://x"\n',
            "invalid endpoint URL 'ftp://x'",
        ),
        mapped(
            "toml-profile-int",
            '[registries."h:1"]\naccount = "123456789012"\nregion = "us-east-1"\nprofile = 3\n',
            "profile must be a non-empty string",
        ),
        mapped("toml-not-utf8", b"\xff\xfe", "is not UTF-8 text"),
        mapped("toml-token-cache", 'token_cache = "disk"\n', "token_cache 'disk' is not a token"),
        case(
            "token-cache-variable",
            "login",
            "status",
            env={"ECRCTL_TOKEN_CACHE": "disk"},
            expect="ECRCTL_TOKEN_CACHE 'disk' is not a token cache; use one of auto, keyring",
        ),
        case(
            "helper-token-cache-variable",
            "get",
            tool="docker-credential-ecrctl",
            stdin="123456789012.dkr.ecr.us-east-1.amazonaws.com\n",
            env={"ECRCTL_TOKEN_CACHE": "memory"},
            expect="ECRCTL_TOKEN_CACHE 'memory' is not a token cache",
        ),
        case(
            "helper-direct-token-variable",
            "get",
            tool="docker-credential-ecrctl",
            stdin="123456789012.dkr.ecr.us-east-1.amazonaws.com\n",
            env={"ECRCTL_DIRECT_TOKEN": "maybe"},
            expect="invalid ECRCTL_DIRECT_TOKEN 'maybe'; use 0 to ask for tokens through botocore",
        ),
        case(
            "direct-token-variable",
            "login",
            env={"ECRCTL_DIRECT_TOKEN": "sometimes"},
            expect="invalid ECRCTL_DIRECT_TOKEN 'sometimes'",
        ),
        mapped("toml-directory", None, "is a directory"),
        case(
            "helper-broken-config",
            "get",
            tool="docker-credential-ecrctl",
            stdin="127.0.0.1:5000\n",
            code=2,
            files={CONFIG: "[registries\n"},
            expect="is not valid TOML",
        ),
        case(
            "helper-bad-region-config",
            "get",
            tool="docker-credential-ecrctl",
            stdin="127.0.0.1:5000\n",
            code=2,
            files={
                CONFIG: '[registries."127.0.0.1:5000"]\naccount = "123456789012"\nregion = "x y"\n'
            },
            expect="invalid region",
        ),
    ]


def _paths() -> list[Case]:
    return [
        case(
            "docker-config-is-file",
            "login",
            "--registry-url",
            "127.0.0.1:5000",
            code=1,
            env={"DOCKER_CONFIG": "{d}/afile"},
            files={"afile": "x"},
            expect="point DOCKER_CONFIG elsewhere",
        ),
        case(
            "state-dir-is-file",
            "login",
            "--registry-url",
            "127.0.0.1:5000",
            code=1,
            env={"XDG_STATE_HOME": "{d}/state"},
            files={"state": "x"},
            expect="point XDG_STATE_HOME elsewhere",
        ),
        case(
            "policy-file-unreadable-dir",
            "policy",
            "lifecycle",
            "validate",
            "d",
            files={"d": None},
            expect="is a directory",
        ),
    ]


def _replication_rules(count: int = 1, destinations: int = 1, **rule: Any) -> str:
    """A replication file of ``count`` rules of ``destinations`` destinations each."""
    body = {
        "destinations": [
            {"region": "eu-west-1", "registryId": f"{111122220000 + n}"}
            for n in range(destinations)
        ],
        **rule,
    }
    return json.dumps({"rules": [body] * count}, indent=2)


def _registry_policy(
    *actions: str, resource: str | None = "arn:aws:ecr:us-east-1:123456789012:repository/*"
) -> str:
    statement: dict[str, Any] = {
        "Sid": "ReplicationFrom111122223333",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": list(actions),
    }
    if resource is not None:
        statement["Resource"] = resource
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)


def _settings() -> list[Case]:
    """repo set, registry replication and registry policy: refused before any write."""

    def replication(id: str, text: str, expect: str) -> Case:
        args = ("registry", "replication", "set", "r.json")
        return case(id, *args, files={"r.json": text}, expect=expect)

    def registry_policy(id: str, text: str, expect: str, *extra: str) -> Case:
        args = ("registry", "policy", "set", "p.json", *extra)
        return case(id, *args, files={"p.json": text}, expect=expect)

    repo_set = ("repo", "set", "team/app")
    return [
        case(
            "set-bad-mutability",
            *repo_set,
            "--mutability",
            "SOMETIMES",
            expect="'SOMETIMES' is not one of",
        ),
        case(
            "set-exclusion-without-filter",
            *repo_set,
            "--mutability",
            "IMMUTABLE_WITH_EXCLUSION",
            expect="--mutability IMMUTABLE_WITH_EXCLUSION needs at least one --exclude",
        ),
        case(
            "set-filter-without-exclusion",
            *repo_set,
            "--mutability",
            "IMMUTABLE",
            "--exclude",
            "latest",
            expect="--exclude needs --mutability IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH",
        ),
        case(
            "set-bad-filter",
            *repo_set,
            "--mutability",
            "MUTABLE_WITH_EXCLUSION",
            "--exclude",
            "release/1",
            expect="invalid --exclude 'release/1'",
        ),
        case(
            "set-too-many-filters",
            *repo_set,
            "--mutability",
            "MUTABLE_WITH_EXCLUSION",
            *[a for n in range(6) for a in ("--exclude", f"v{n}-*")],
            expect="6 --exclude filters; ECR takes at most 5",
        ),
        case("set-nothing", *repo_set, expect="nothing to set"),
        replication(
            "replication-too-many-rules", _replication_rules(11), "11 rules; ECR takes at most 10"
        ),
        replication(
            "replication-too-many-destinations",
            _replication_rules(1, 26),
            "rules[0].destinations: 26 destinations; a rule takes at most 25",
        ),
        replication(
            "replication-bad-json",
            '{"rules": [\n  {"destinations": [}\n]}',
            "replication file 'r.json' is not valid JSON: line 2, column 21",
        ),
        replication(
            "replication-unknown-region",
            _replication_rules().replace("eu-west-1", "eu-wset-1"),
            "rules[0].destinations[0].region: unknown region 'eu-wset-1' (did you mean eu-west-1?)",
        ),
        replication(
            "replication-bad-account",
            _replication_rules().replace("111122220000", "1111-2222"),
            'rules[0].destinations[0].registryId: "1111-2222" is not a 12-digit AWS account id',
        ),
        replication(
            "replication-bad-filter-type",
            _replication_rules(repositoryFilters=[{"filter": "team/", "filterType": "WILDCARD"}]),
            'rules[0].repositoryFilters[0].filterType: "WILDCARD" is not "PREFIX_MATCH"',
        ),
        replication(
            "replication-unknown-field",
            _replication_rules(destination=[]),
            "rules[0].destination: unknown field",
        ),
        case(
            "replication-bad-region-flag",
            *("registry", "replication", "set", "--to", "EU-WEST-1"),
            expect="invalid --to 'EU-WEST-1'",
        ),
        case(
            "replication-bad-account-flag",
            *("registry", "replication", "set", "--to", "eu-west-1:12345"),
            expect="'12345' is not a 12-digit AWS account id",
        ),
        case(
            "replication-to-itself",
            *("registry", "replication", "set", "--to", "us-east-1"),
            expect="us-east-1 in 123456789012 is this registry itself",
        ),
        case(
            "replication-bad-prefix",
            *("registry", "replication", "set", "--to", "eu-west-1", "--prefix", "Team/"),
            expect="invalid --prefix",
        ),
        case(
            "replication-delete-unconfirmed",
            *("registry", "replication", "delete"),
            expect="refusing to remove the replication rules without confirmation",
        ),
        registry_policy(
            "registry-policy-bad-json",
            '{"Version": "2012-10-17",\n "Statement": [}',
            "registry policy 'p.json' is invalid: policy: JSON: not valid JSON: line 2, column 16",
        ),
        registry_policy(
            "registry-policy-missing-replicate",
            _registry_policy("ecr:CreateRepository"),
            "replication for 111122223333 needs ecr:ReplicateImage",
            "--replication-from",
            "111122223333",
        ),
        registry_policy(
            "registry-policy-not-repository",
            _registry_policy("ecr:ReplicateImage", resource="arn:aws:s3:::bucket"),
            '"arn:aws:s3:::bucket" is not an ECR repository ARN',
        ),
        registry_policy(
            "registry-policy-no-resource",
            _registry_policy("ecr:ReplicateImage", resource=None),
            "Resource: missing: name this registry's repositories",
        ),
        case(
            "registry-policy-bad-account",
            *("registry", "policy", "set", "--replication-from", "1111"),
            expect="invalid --replication-from '1111'",
        ),
        case(
            "registry-policy-bad-principal",
            *("registry", "policy", "set", "--pull-through-for", "arn:aws:iam::1:role/x"),
            expect="invalid --pull-through-for",
        ),
    ]


def _network() -> list[Case]:
    vpc = "vpc-0abc12345def67890"
    return [
        case("network-no-target", "network", "check", expect="give one of --vpc, --subnet"),
        case("network-bad-vpc", "network", "check", "--vpc", "vpc-xyz", expect="invalid --vpc"),
        case(
            "network-two-targets",
            "network",
            "create",
            "--vpc",
            vpc,
            "--ecs-service",
            "prod/web",
            expect="(not --vpc and --ecs-service)",
        ),
        case(
            "network-bad-subnet", "network", "check", "--subnet", "sub-1", expect="invalid --subnet"
        ),
        case(
            "network-bad-service",
            "network",
            "check",
            "--ecs-service",
            "web",
            expect="give CLUSTER/SERVICE",
        ),
        case(
            "network-launch-type-with-service",
            "network",
            "check",
            "--ecs-service",
            "prod/web",
            "--launch-type",
            "ec2",
            expect="read from the service",
        ),
        case(
            "network-bad-launch-type",
            "network",
            "check",
            "--vpc",
            vpc,
            "--launch-type",
            "lambda",
            expect="'lambda' is not one of",
        ),
        case(
            "network-bad-s3-policy",
            "network",
            "create",
            "--vpc",
            vpc,
            "--s3-policy",
            "none",
            expect="'none' is not one of",
        ),
    ]


def _scanning() -> list[Case]:
    bad_filter = json.dumps(
        {
            "scanType": "ENHANCED",
            "rules": [
                {
                    "scanFrequency": "CONTINUOUS_SCAN",
                    "repositoryFilters": [{"filter": "Prod/*", "filterType": "WILDCARD"}],
                }
            ],
        }
    )
    return [
        case("scan-uppercase-repo", "image", "scan", "Team/app:v1", expect="use lowercase"),
        case(
            "scan-settle-not-shorter",
            "image",
            "scan",
            "team/app:v1",
            "--wait",
            "--settle",
            "900",
            expect="--settle 900 is not shorter than --timeout 900",
        ),
        case(
            "scan-ignore-bad-date",
            "image",
            "scan",
            "team/app:v1",
            "--ignore",
            "{d}/ignore.txt",
            files={"ignore.txt": "CVE-2023-0464 2025-13-01 not reachable\n"},
            expect="ignore.txt:1: '2025-13-01' is not a date",
        ),
        case(
            "scan-ignore-no-reason",
            "image",
            "scan",
            "team/app:v1",
            "--ignore",
            "{d}/ignore.txt",
            files={"ignore.txt": "CVE-2023-0464 2025-12-01\n"},
            expect="'CVE-2023-0464' has no reason",
        ),
        case(
            "scan-ignore-missing",
            "image",
            "scan",
            "team/app:v1",
            "--ignore",
            "{d}/nope.txt",
            expect="ignore file",
        ),
        case(
            "scan-fail-on-choice",
            "image",
            "scan",
            "team/app:v1",
            "--fail-on",
            "SEVERE",
            expect="'SEVERE' is not one of",
        ),
        case(
            "scan-sarif-no-dir",
            "image",
            "scan",
            "team/app:v1",
            "--sarif",
            "{d}/missing/scan.sarif",
            expect="does not exist",
        ),
        case(
            "findings-severity-choice",
            "image",
            "findings",
            "team/app:v1",
            "--severity",
            "ANY",
            expect="'ANY' is not one of",
        ),
        case(
            "scanning-continuous-basic",
            "registry",
            "scanning",
            "set",
            "--scan-type",
            "BASIC",
            "--continuous",
            "*",
            "--yes",
            expect="--continuous needs --scan-type ENHANCED",
        ),
        case(
            "scanning-file-bad-filter",
            "registry",
            "scanning",
            "set",
            "{d}/scanning.json",
            "--yes",
            files={"scanning.json": bad_filter},
            expect="rules[0].repositoryFilters[0].filter: 'Prod/*' is not a valid repository",
        ),
        case(
            "scanning-registry-id",
            "registry",
            "scanning",
            "show",
            "--registry-id",
            "210987654321",
            expect="--registry-id 210987654321",
        ),
    ]


def _events() -> list[Case]:
    return [
        case("events-since-words", "events", "--since", "last week", expect="'last week'"),
        case(
            "events-since-after-until", "events", "--since", "1d", "--until", "2d", expect="--until"
        ),
        case(
            "events-trail-and-bucket", "events", "--trail", "t", "--bucket", "b", expect="not both"
        ),
        case("events-prefix-alone", "events", "--prefix", "p/", expect="--prefix needs --bucket"),
        case("events-uppercase-repo", "events", "Team/App", expect="use lowercase"),
        case("events-host", "events", "ghcr.io/team/app", expect="ghcr.io"),
        case("events-bad-digest", "events", "team/app@sha256:zz", expect="invalid image digest"),
        case("history-digest", "image", "history", f"team/app@{DIGEST}", expect="follows a tag"),
        case("history-empty-tag", "image", "history", "team/app:", expect="empty tag after ':'"),
    ]


def _conversion() -> list[Case]:
    return [
        case(
            "copy-format-unknown",
            "image",
            "copy",
            "team/app:1.0",
            "team/app:1.0-oci",
            "--format",
            "oci-v2",
            expect="'oci-v2' is not one of 'oci', 'docker'",
        ),
        case(
            "inspect-artifact-type-not-a-media-type",
            "image",
            "inspect",
            "team/app:1.0",
            "--artifact-type",
            "spdx",
            expect="invalid artifact type 'spdx'; give a media type",
        ),
    ]


def _usage_scan() -> list[Case]:
    listing = ("image", "list", "team/app", "--in-use")
    return [
        case(
            "usage-regions-invalid",
            *listing,
            "--usage-regions",
            "us-east-1,us_east_1",
            expect="invalid region 'us_east_1' (from --usage-regions)",
        ),
        case(
            "usage-role-not-a-role-arn",
            "image",
            "delete",
            "team/app",
            "v1",
            "--usage-role",
            "arn:aws:iam::123456789012:user/ci",
            expect="is not an IAM role ARN; give arn:aws:iam::ACCOUNT:role/NAME",
        ),
        case(
            "usage-from-missing",
            *listing,
            "--usage-from",
            "{d}/nope.txt",
            expect="--usage-from file '",
        ),
        case(
            "usage-from-bad-line",
            "image",
            "delete",
            "team/app",
            "v1",
            "--usage-from",
            "{d}/refs.txt",
            files={"refs.txt": "# in use\nteam/app:v1\nTeam/App:V1\n"},
            expect="line 3",
        ),
        case(
            "lifecycle-check-invalid-policy",
            "policy",
            "lifecycle",
            "check",
            "team/app",
            "-",
            stdin='{"rules": []}' + " " * 100,
            expect="lifecycle policy from stdin",
        ),
        case(
            "usage-from-not-a-pod-list",
            *listing,
            "--usage-from",
            "-",
            stdin='{"kind": "Service", "metadata": {}}',
            expect="is JSON but no pod list",
        ),
    ]


CASES: list[Case] = [
    *_usage(),
    *_usage_scan(),
    *_query(),
    *_regions(),
    *_endpoints(),
    *_retries_and_profiles(),
    *_repositories(),
    *_images(),
    *_repository_policies(),
    *_statements(),
    *_lifecycle(),
    *_iam(),
    *_policy_test(),
    *_config_files(),
    *_paths(),
    *_settings(),
    *_events(),
    *_scanning(),
    *_network(),
    *_conversion(),
]
