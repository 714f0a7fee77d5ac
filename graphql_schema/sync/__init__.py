"""GraphQL declarations for sync checkpoints."""
