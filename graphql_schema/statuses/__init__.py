"""GraphQL declarations for the status catalogs."""
