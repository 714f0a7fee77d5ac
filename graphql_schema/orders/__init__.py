"""GraphQL declarations for orders."""
