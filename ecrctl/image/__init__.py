"""Images in one repository: query (list, describe, show), delete, retag by
manifest, and push/pull through the Docker Engine."""
