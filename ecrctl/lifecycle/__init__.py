"""Lifecycle policies: validation, an offline preview with ECR's evaluation
rules, templates from the user guide, and the AWS calls around them.

Pure modules (``validate``, ``engine``, ``images``, ``templates``, ``compare``)
import neither click, rich nor boto3; ``store`` and ``remote`` take an ECR
client as a parameter.
"""
