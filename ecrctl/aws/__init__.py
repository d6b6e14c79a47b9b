"""AWS access: the one settings resolver (profile, region, endpoint, retries,
credential source), the botocore session and client factories, the ECR access
helpers (paginators, registry id, error codes), and botocore's errors as ecrctl's."""
