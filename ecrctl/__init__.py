"""ecrctl: a command-line client for Amazon ECR.

The package root stays import-free: the credential helper and shell completion
start through it and must not pay for boto3, docker, click or rich.
"""

__version__ = "0.1.0"
