"""GraphQL declarations only: no SQL, no rules."""
