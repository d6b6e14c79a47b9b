"""Every command's examples, by command path ("" is ecrctl itself): the one table the
epilogs of ``--help`` are made from, and that tests/cli/test_examples.py parses against
the command tree. A line continued with a backslash goes on, indented, on the next line."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        "ecrctl repo create team/app --tag env=dev",
        "ecrctl repo list -o json --query '[].repositoryUri'",
    ),
    "completion": (
        "ecrctl completion install",
        "ecrctl completion install zsh",
        "ecrctl completion bash > ~/.local/share/bash-completion/completions/ecrctl",
        'eval "$(ecrctl completion bash)"',
    ),
    "completion bash": ("ecrctl completion bash",),
    "completion fish": ("ecrctl completion fish",),
    "completion install": ("ecrctl completion install", "ecrctl completion install fish"),
    "completion zsh": ("ecrctl completion zsh",),
    "doctor": (
        "ecrctl doctor",
        "ecrctl doctor team/app --push",
        "ecrctl doctor team/app:v1.2.0 --pull -o json",
    ),
    "events": (
        "ecrctl events --since 7d",
        "ecrctl events team/app:prod",
        'ecrctl events team/app -o json --query "events[].summary"',
        "ecrctl events team/app --trail main --since 2023-01-01 --until 2023-02-01",
    ),
    "image": (
        "ecrctl image list team/app --untagged",
        "ecrctl image retag team/app v1.2.0 latest stable",
        "ecrctl image push myapp:dev team/app:dev --create",
    ),
    "image copy": (
        "ecrctl image copy team/app:1.0 team/app-prod:1.0",
        "ecrctl image copy team/app:1.0 210987654321.dkr.ecr.eu-west-1.amazonaws.com/app:1.0"
        " --create",
        "ecrctl image copy docker.io/library/alpine:3.20 mirror/alpine --platform linux/arm64",
        "ecrctl image copy team/app:1.0 team/app:1.0-oci --format oci",
        "ecrctl image copy team/app:1.0 team/app-prod:1.0 --no-referrers",
    ),
    "image delete": (
        "ecrctl image delete team/app v1 v2",
        "ecrctl image delete team/app sha256:4ccc... --yes",
        "ecrctl image delete team/app --untagged --dry-run",
        "ecrctl image delete team/app v1 --force   # even if ECS or Lambda uses it",
    ),
    "image findings": (
        "ecrctl image findings team/app:1.0",
        "ecrctl image findings team/app:1.0 --severity HIGH -o json",
    ),
    "image history": (
        "ecrctl image history team/app:prod",
        "ecrctl image history team/app:prod --since 30d -o json",
        "ecrctl image history team/app:prod --trail main --since 2023-01-01",
    ),
    "image inspect": (
        "ecrctl image inspect team/app:1.0",
        "ecrctl image inspect team/app:1.0 --platform linux/arm64"
        " -o json --query config.config.Env",
        "ecrctl image inspect team/app:1.0 --artifact-type application/spdx+json",
    ),
    "image list": (
        "ecrctl image list team/app",
        "ecrctl image list team/app --untagged -o json --query '[].imageDigest'",
        "ecrctl image list team/app --sort size --limit 5",
        "ecrctl image list team/app --in-use",
    ),
    "image pull": (
        "ecrctl image pull team/app:1.0",
        "ecrctl image pull team/app@sha256:4ccc...",
        "ecrctl image pull public.ecr.aws/docker/library/alpine:3",
    ),
    "image push": (
        "ecrctl image push myapp:1.0 team/app",
        "ecrctl image push team/app:dev --create",
        "ecrctl image push myapp:1.0 public.ecr.aws/my-alias/app",
        "ecrctl image push myapp:1.0 app --public",
    ),
    "image retag": (
        "ecrctl image retag team/app v1.2.0 latest stable",
        "ecrctl image retag team/app sha256:4ccc... release-7 --dry-run",
    ),
    "image scan": (
        "ecrctl image scan team/app:1.0",
        "ecrctl image scan team/app:1.0 --wait --fail-on HIGH",
        "ecrctl image scan team/app@sha256:4ccc... --wait --fail-on CRITICAL --fixable-only \\\n"
        "    --ignore .ecr-ignore --sarif scan.sarif",
    ),
    "image show": (
        "ecrctl image show team/app v1.2.0",
        "ecrctl image show team/app sha256:4ccc... --raw > manifest.json",
        "ecrctl image show app 1.0 --public",
    ),
    "login": (
        "ecrctl login",
        "ecrctl login --registry-id 137112412989 --region us-west-2",
        "ecrctl login --helper --profile prod",
        "ecrctl login --print-password | skopeo login --username AWS --password-stdin HOST",
        "ecrctl login --public",
        "ecrctl login status",
    ),
    "login status": ("ecrctl login status", "ecrctl login status -o json"),
    "logout": (
        "ecrctl logout",
        "ecrctl logout 123456789012.dkr.ecr.us-east-1.amazonaws.com",
        "ecrctl logout --helper 127.0.0.1:5000",
    ),
    "network": (
        "ecrctl network check --ecs-service prod/web",
        "ecrctl network create --vpc vpc-0abc12345def67890 --dry-run",
    ),
    "network check": (
        "ecrctl network check --ecs-service prod/web",
        "ecrctl network check --vpc vpc-0abc12345def67890 --launch-type fargate --awslogs",
        "ecrctl network check --subnet subnet-0a1b2c3d4e5f67890 -o json",
    ),
    "network create": (
        "ecrctl network create --ecs-service prod/web --dry-run",
        "ecrctl network create --vpc vpc-0abc12345def67890 --launch-type ec2 --yes",
        "ecrctl network create --subnet subnet-0a1b2c3d4e5f67890 --modify-existing",
    ),
    "policy": (
        "ecrctl policy repo template push-pull --account 111122223333",
        "ecrctl policy lifecycle preview team/app --only-expiring",
        "ecrctl policy iam template read-only",
    ),
    "policy iam": (
        "ecrctl policy iam template --list",
        "ecrctl policy iam template read-only > ecr-read-only.json",
    ),
    "policy iam template": (
        "ecrctl policy iam template power-user",
        "ecrctl policy iam template read-only \\\n"
        "    --repository 'arn:aws:ecr:us-east-1:111122223333:repository/team/*'",
        "ecrctl policy iam template deny-tagged --tag-key stage --tag-value prod",
    ),
    "policy lifecycle": (
        "ecrctl policy lifecycle template keep-untagged count=3 > policy.json",
        "ecrctl policy lifecycle preview team/app --policy policy.json",
        "ecrctl policy lifecycle put team/app policy.json",
    ),
    "policy lifecycle check": (
        "ecrctl policy lifecycle check team/app policy.json",
        "ecrctl policy lifecycle check team/app   # the policy it has now",
        "ecrctl policy lifecycle check team/app policy.json --usage-regions us-east-1,eu-west-1",
        "kubectl get pods -A -o json"
        " | ecrctl policy lifecycle check team/app policy.json --usage-from -",
    ),
    "policy lifecycle delete": ("ecrctl policy lifecycle delete team/app --yes",),
    "policy lifecycle get": (
        "ecrctl policy lifecycle get team/app",
        "ecrctl policy lifecycle get team/app -o json",
    ),
    "policy lifecycle preview": (
        "ecrctl policy lifecycle preview team/app --policy policy.json",
        "aws ecr describe-images --repository-name app > images.json",
        "ecrctl policy lifecycle preview --policy policy.json --images images.json"
        " --now 2024-05-01T00:00:00Z",
        "ecrctl policy lifecycle preview team/app --diff stricter.json",
        "ecrctl policy lifecycle preview team/app --compare",
        "ecrctl policy lifecycle preview team/app --policy policy.json --fail-if-in-use",
    ),
    "policy lifecycle put": (
        "ecrctl policy lifecycle put team/app policy.json",
        "ecrctl policy lifecycle template keep-latest count=10"
        " | ecrctl policy lifecycle put team/app - --yes",
        "ecrctl policy lifecycle put team/app policy.json --guard",
    ),
    "policy lifecycle template": (
        "ecrctl policy lifecycle template --list",
        "ecrctl policy lifecycle template expire-untagged days=30",
        "ecrctl policy lifecycle template keep-per-prefix prefixes=prod,beta count=5",
    ),
    "policy lifecycle validate": (
        "ecrctl policy lifecycle validate policy.json",
        "aws ecr get-lifecycle-policy --repository-name app --query lifecyclePolicyText"
        " --output text | ecrctl policy lifecycle validate -",
    ),
    "policy repo": (
        "ecrctl policy repo template push-pull --principal arn:aws:iam::111122223333:user/ci"
        " | ecrctl policy repo set team/app -",
        "ecrctl policy repo explain team/app --principal 111122223333",
    ),
    "policy repo add-statement": (
        "ecrctl policy repo add-statement team/app --sid AllowPull --effect Allow"
        " --principal 111122223333 --action pull",
        "ecrctl policy repo add-statement team/app --sid DenyDelete --effect Deny"
        " --principal '*' --action ecr:BatchDeleteImage --replace",
    ),
    "policy repo delete": (
        "ecrctl policy repo delete team/app",
        "ecrctl policy repo delete team/app --yes",
    ),
    "policy repo explain": (
        "ecrctl policy repo explain team/app --principal 111122223333",
        "ecrctl policy repo explain --file policy.json \\\n"
        "    --principal arn:aws:iam::111122223333:role/ci --action ecr:PutImage",
    ),
    "policy repo get": (
        "ecrctl policy repo get team/app",
        "ecrctl policy repo get team/app -o json",
    ),
    "policy repo remove-statement": (
        "ecrctl policy repo remove-statement team/app --sid AllowPull",
    ),
    "policy repo set": (
        "ecrctl policy repo set team/app policy.json",
        "ecrctl policy repo template public-pull | ecrctl policy repo set team/app -",
    ),
    "policy repo template": (
        "ecrctl policy repo template --list",
        "ecrctl policy repo template cross-account-push --account 111122223333",
        "ecrctl policy repo template pull-and-admin --principal arn:aws:iam::111122223333:user/a"
        " --admin arn:aws:iam::111122223333:user/admin",
    ),
    "policy repo validate": (
        "ecrctl policy repo validate policy.json",
        "ecrctl policy repo get team/app | ecrctl policy repo validate -",
    ),
    "policy test": (
        "ecrctl policy test team/app",
        "ecrctl policy test team/app --principal arn:aws:iam::111122223333:role/ci \\\n"
        "    --action push --context aws:PrincipalOrgID=o-abc123",
        "ecrctl policy test team/app --principal arn:aws:iam::444455556666:role/ci \\\n"
        "    --iam-profile other-account --simulate -o json",
    ),
    "registry": (
        "ecrctl registry show --public",
        "ecrctl registry api /v2/team/app/tags/list",
        "ecrctl registry api --registry ghcr.io /v2/owner/tool/tags/list --paginate",
    ),
    "registry api": (
        "ecrctl registry api /v2/team/app/tags/list",
        "ecrctl registry api /v2/team/app/manifests/1.0 --method HEAD -i",
        "ecrctl registry api --registry 127.0.0.1:5000 /v2/_catalog --paginate",
    ),
    "registry policy": (
        "ecrctl registry policy show --replication-from 111122223333",
        "ecrctl registry policy set --replication-from 111122223333 --dry-run",
        "ecrctl registry policy set registry-policy.json",
    ),
    "registry policy delete": (
        "ecrctl registry policy delete",
        "ecrctl registry policy delete --yes",
    ),
    "registry policy set": (
        "ecrctl registry policy set policy.json",
        "ecrctl registry policy set --replication-from 111122223333"
        " --replication-from 444455556666",
        "ecrctl registry policy set --pull-through-for arn:aws:iam::111122223333:role/ci --dry-run",
    ),
    "registry policy show": (
        "ecrctl registry policy show",
        "ecrctl registry policy show --replication-from 111122223333 -o json",
    ),
    "registry policy validate": (
        "ecrctl registry policy validate policy.json",
        "ecrctl registry policy validate policy.json --replication-from 111122223333",
    ),
    "registry replication": (
        "ecrctl registry replication show",
        "ecrctl registry replication set --to eu-west-1 --to us-west-2:111122223333 --prefix team/",
        "ecrctl registry replication set replication.json --dry-run",
    ),
    "registry replication delete": (
        "ecrctl registry replication delete",
        "ecrctl registry replication delete --yes",
    ),
    "registry replication set": (
        "ecrctl registry replication set --to eu-west-1",
        "ecrctl registry replication set --to us-west-2:111122223333 --prefix team/ --append",
        "ecrctl registry replication set rules.json --dry-run",
    ),
    "registry replication show": (
        "ecrctl registry replication show",
        "ecrctl registry replication show -o json --query replicationConfiguration > rules.json",
    ),
    "registry scanning": (
        "ecrctl registry scanning show",
        "ecrctl registry scanning set --scan-type ENHANCED --continuous 'prod/*'"
        " --scan-on-push '*' --dry-run",
        "ecrctl registry scanning set scanning.json --yes",
    ),
    "registry scanning delete": (
        "ecrctl registry scanning delete --dry-run",
        "ecrctl registry scanning delete --yes",
    ),
    "registry scanning set": (
        "ecrctl registry scanning set --scan-type BASIC --scan-on-push '*'",
        "ecrctl registry scanning set --scan-type ENHANCED --continuous 'prod/*'"
        " --scan-on-push 'team/*' --dry-run",
        "ecrctl registry scanning set scanning.json --yes",
    ),
    "registry scanning show": (
        "ecrctl registry scanning show",
        "ecrctl registry scanning show -o json --query scanningConfiguration > scanning.json",
    ),
    "registry show": (
        "ecrctl registry show",
        "ecrctl registry show --public -o json --query '[0].primaryAlias'",
    ),
    "repo": (
        "ecrctl repo create team/app --immutable",
        "ecrctl repo list team/",
        "ecrctl repo set team/app --scan-on-push",
        "ecrctl repo delete team/app --force --yes",
    ),
    "repo copy": (
        "ecrctl repo copy team/app team/app-archive",
        "ecrctl repo copy team/app 210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/app"
        " --tags 'v1.*' --create",
    ),
    "repo create": (
        "ecrctl repo create team/app",
        "ecrctl repo create team/app --tag env=dev --tag owner=ops --scan-on-push",
    ),
    "repo delete": ("ecrctl repo delete team/app", "ecrctl repo delete team/app --force --yes"),
    "repo list": ("ecrctl repo list", "ecrctl repo list team/ -o json"),
    "repo set": (
        "ecrctl repo set team/app --mutability IMMUTABLE",
        "ecrctl repo set team/app --mutability IMMUTABLE_WITH_EXCLUSION"
        " --exclude latest --exclude 'dev-*'",
        "ecrctl repo set team/app --scan-on-push --dry-run",
    ),
    "repo show": ("ecrctl repo show team/app",),
    "repo tag": ("ecrctl repo tag team/app env=prod owner=ops",),
    "repo tags": ("ecrctl repo tags team/app -o json",),
    "repo untag": ("ecrctl repo untag team/app owner",),
}

# Their one example is headed "Example:"; every other epilog says "Examples:".
SINGULAR = ("repo show", "repo tag", "repo tags", "repo untag", "policy lifecycle delete")


def examples(path: str, then: str = "") -> str:
    """The epilog of the command at ``path``: its examples, then ``then`` (the rest of the
    epilog, e.g. its exit codes). A path not in the table is a KeyError."""
    heading = "Example:" if path in SINGULAR else "Examples:"
    lines = "\n".join(f"  {line}" for entry in EXAMPLES[path] for line in entry.split("\n"))
    return f"\b\n{heading}\n{lines}" + (f"\n{then}" if then else "")
