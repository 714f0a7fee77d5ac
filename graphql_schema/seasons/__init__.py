"""GraphQL declarations for seasons."""
