"""The command-line layer: parse, call one core function, render.

Modules here may import click (and rich, lazily); they must not import boto3,
botocore or docker at module level.
"""
