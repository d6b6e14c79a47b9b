"""Lifecycle policies: validation, an offline preview with ECR's evaluation
rules, templates from the user guide, and the AWS calls around them.

Pure modules: ``validate`` (with ``problems`` and ``rulecheck``), ``engine``
(with ``rules`` and ``tagindex``), ``images``, ``templates``, ``compare`` and
``jsontext``; none imports click, rich or boto3. ``store`` and ``remote`` take
an ECR client as a parameter; ``preview`` is the preview command's workflow,
reading files and AWS through what its caller injects.
"""
