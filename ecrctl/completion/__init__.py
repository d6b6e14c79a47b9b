"""Names for shell completion: the per-scope cache of repository names and image
tags, refreshed by one bounded AWS call. The shells' side lives in ecrctl.cli."""
