"""Which ECR images are in use: the images that ECS (tasks, services, the newest
task-definition revisions) and Lambda (image functions, their versions and aliases)
reference, resolved to digests, and the checks built on it (the lifecycle preview's
``--in-use``, ``image delete``'s refusal, ``image list --in-use``).

``model`` holds the results, ``calls`` the concurrent, permission-aware API
access, ``ecs`` and ``awslambda`` the two scans, ``scan`` the whole workflow and
``guard`` what the commands ask of it.
"""
