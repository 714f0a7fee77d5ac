"""GraphQL declarations for webhook endpoints and their deliveries."""
