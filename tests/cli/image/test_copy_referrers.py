"""What the copies say of referrers: a line per referrer not carried with its reason,
the count of each outcome, and exit 1 (PartialFailure) only when one was not
carried; ``repo copy`` leaves the exit to the batch's own error when images failed."""

from __future__ import annotations

import pytest

from ecrctl import batch
from ecrctl.cli.app import App
from ecrctl.cli.image.copy_referrers import (
    end_repo_copy,
    raise_if_not_carried,
    referrers_error,
    show_referrers,
)
from ecrctl.distribution.referrers import API, Referrer
from ecrctl.errors import PartialFailure
from ecrctl.image.referrers import ReferrerItem
from ecrctl.image.repo_copy import CopyItem, RepoCopyReport

IMAGE, SBOM, SIG = ("sha256:" + c * 64 for c in "abc")


def report(refused: bool = True) -> dict[str, object]:
    items = []
    for digest, kind in ((SBOM, "application/spdx+json"), (SIG, "application/vnd.sig")):
        item = ReferrerItem(
            digest, subject=IMAGE, referrer=Referrer(digest, "m", 9, kind, IMAGE, API)
        )
        if digest == SIG and refused:
            item.settle(batch.FAILED, "ServiceError", "PUT ...: HTTP 405 UNSUPPORTED")
        else:
            item.outcome = "copied"
            item.settle(batch.DONE)
        items.append(item)
    unread = ReferrerItem(SIG.replace("c", "d"), subject=SIG.replace("c", "d"))
    if refused:
        unread.settle(batch.FAILED, "AccessDenied", "its referrers could not be read: denied")
        items.append(unread)
    return batch.report(items)


def test_each_referrer_not_carried_is_named_with_the_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    show_referrers(App(), report())
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"referrer {SIG} (application/vnd.sig) of {IMAGE}: not carried: ServiceError: PUT ...: "
        "HTTP 405 UNSUPPORTED",
        f"referrers of {SIG.replace('c', 'd')}: not carried: AccessDenied: its referrers could "
        "not be read: denied",
        "referrers: 1 copied, 2 not carried",
    ]
    with pytest.raises(PartialFailure, match="2 of 3 referrers not carried") as caught:
        raise_if_not_carried(report())
    assert caught.value.hint == "the image was copied; --no-referrers copies it alone"


def test_nothing_found_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    show_referrers(App(), batch.report([]))
    show_referrers(App(), None)
    assert capsys.readouterr().err == ""
    raise_if_not_carried(report(refused=False))
    assert referrers_error(None) is None


def test_repo_copy_leaves_the_exit_to_failed_images(capsys: pytest.CaptureFixture[str]) -> None:
    failed = CopyItem("v1")
    failed.settle(batch.FAILED, "NotFound", "gone")
    end_repo_copy(App(), RepoCopyReport(items=[failed], referrers=report()))
    assert "referrers: 1 copied, 2 not carried" in capsys.readouterr().err
    done = CopyItem("v2")
    done.settle(batch.DONE)
    with pytest.raises(PartialFailure, match="2 of 3 referrers") as caught:
        end_repo_copy(App(), RepoCopyReport(items=[done], referrers=report()))
    assert caught.value.hint == "the images were copied; --no-referrers copies them alone"
