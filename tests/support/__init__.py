"""Code the test modules share that is not a fixture: builders of AWS clients and apps,
documents and answers several modules use."""
