"""GraphQL declarations for products."""
