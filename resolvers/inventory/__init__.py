"""Stock counts entered through the API."""
