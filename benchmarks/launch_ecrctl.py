"""Start ecrctl with some of its imports done before the clock starts.

python launch_ecrctl.py bare|http ECRCTL-ARGS...

The interpreter starts (``http``: and imports ecrctl's registry client with the HTTP
stack it sends with: the standard library's ``http.client`` and ``ssl``), says ``ready``
on stdout, waits for a line on stdin, then runs ``ecrctl ECRCTL-ARGS``. The difference
between the two timings from that line to the exit is what importing the HTTP stack
costs ecrctl's run: the most that any cut to that import could give
(``bench_copy.py --only imports``)."""

from __future__ import annotations

import sys

if sys.argv[1] == "http":
    import ecrctl.distribution.client  # noqa: F401
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.readline()

from ecrctl.cli.main import main  # noqa: E402

sys.argv = ["ecrctl", *sys.argv[2:]]
main()
