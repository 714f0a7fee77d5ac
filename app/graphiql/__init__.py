"""GraphiQL served from this package, so the IDE works on a machine without internet."""
