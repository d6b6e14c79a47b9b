"""Repositories: create, list, show, delete, and their resource tags."""
