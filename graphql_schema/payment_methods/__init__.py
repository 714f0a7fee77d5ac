"""GraphQL declarations for payment methods."""
