"""ECR's history from CloudTrail: who pushed, retagged or deleted an image, changed a
policy or created a repository, and when.

ECR keeps no history of its own (``imagePushedAt`` is a digest's first push; a retag
is recorded nowhere), so CloudTrail's records are the only one. :mod:`window` reads
``--since``/``--until``; :mod:`lookup` pages CloudTrail's event history
(LookupEvents, the last 90 days), :mod:`trailfiles` a trail's log files in S3 (any
age), :mod:`trails` the trails themselves (for ``--trail`` and ``doctor``),
:mod:`sources` chooses between them; :mod:`model` reads one record, :mod:`changes`
says what it changed, :mod:`query` is the one entry point of ``ecrctl events``,
:mod:`history` that of a tag's history.
"""
