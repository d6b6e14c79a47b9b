"""ECR Public: repositories with catalog data, their images, and what ECR Public lacks."""
