"""``ecrctl doctor``: the user guide's Troubleshooting chapter and its service limits as
checks that run concurrently, each with a bounded time.

:mod:`model` holds what a check reports, :mod:`facts` what several checks share
(the caller, the registry host, docker's credential, the engine, the repository),
:mod:`runner` runs them; one module per group of checks: :mod:`aws`,
:mod:`registry`, :mod:`credentials`, :mod:`docker`, :mod:`repository`,
:mod:`limits`. :mod:`workflow` is the one entry point the CLI calls.
"""
