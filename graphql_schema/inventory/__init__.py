"""GraphQL declarations for stock counts."""
