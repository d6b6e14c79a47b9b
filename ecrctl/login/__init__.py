"""Registry credentials: tokens from GetAuthorizationToken, the keyring token
cache, the docker CLI's config.json, ecrctl's registry mappings, the login and
logout workflows, and the docker-credential-ecrctl helper."""
