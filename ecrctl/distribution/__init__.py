"""The registry HTTP API (the OCI distribution protocol) on the wire: image references,
registry hosts, manifests, the HTTP client, blob transfer. No AWS API and no credentials
policy: those are :mod:`ecrctl.aws`'s and :mod:`ecrctl.login`'s."""
