"""GraphQL declarations for agents."""
