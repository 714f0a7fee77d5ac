"""GraphQL declarations for clients."""
