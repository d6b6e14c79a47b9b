"""The registry side: ECR registry hosts, repository names and image references,
manifests and their media types, and the Docker Engine (client and errors)."""
