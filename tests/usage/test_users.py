"""How a user of an image is named: in full (refusals, warnings), in short (the IN
USE column) and in JSON."""

from __future__ import annotations

from ecrctl.usage.users import Use, User, short_text


def test_lambda_user_names_its_aliases() -> None:
    user = User("lambda-function", "fn:3", "arn:fn:3", ("live", "prod"))
    assert user.text() == "function fn:3 (alias live, prod)"
    assert user.to_json()["aliases"] == ["live", "prod"]


def test_the_short_form_counts_tasks_and_caps_names() -> None:
    users = [User("ecs-task", f"prod/t{n}", f"arn:t{n}") for n in range(3)]
    users += [User("ecs-task-definition", f"web:{n}", f"arn:web:{n}") for n in range(1, 5)]
    users.append(User("lambda-function", "fn:1", "arn:fn:1", ("live",)))
    assert short_text(users) == "task def web:1, task def web:2, task def web:3, 3 task(s), 2 more"
    assert short_text(users[-1:]) == "function fn:1 (live)"


def test_users_in_another_account_or_region_say_where() -> None:
    user = User(
        "batch-job-definition", "train:3", "arn:jd", where="account 210987654321, eu-west-1"
    )
    assert user.text() == "job definition train:3 in account 210987654321, eu-west-1"
    assert user.to_json()["where"] == "account 210987654321, eu-west-1"
    schedule = User("scheduler-schedule", "default/nightly", "arn:s")
    assert short_text([schedule, User("sagemaker-model", "m", "arn:m")]) == (
        "schedule default/nightly, SageMaker model m"
    )


def test_a_use_says_how_the_user_names_the_image() -> None:
    use = Use(User("external", "pod prod/web (web)", "uid-1"), "running")
    assert use.text() == "external pod prod/web (web) [running]"
    assert use.to_json() == {
        "kind": "external",
        "name": "pod prod/web (web)",
        "arn": "uid-1",
        "via": "running",
    }
