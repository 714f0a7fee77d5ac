"""GraphQL declarations for companies."""
