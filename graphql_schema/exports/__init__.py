"""GraphQL declarations for order exports."""
