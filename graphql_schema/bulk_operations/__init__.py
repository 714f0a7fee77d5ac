"""GraphQL declarations for background bulk operations."""
