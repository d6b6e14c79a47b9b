"""``ecrctl registry``: the caller's registry as the ECR API describes it (``registry
show``) and raw registry API calls (``registry api``)."""
