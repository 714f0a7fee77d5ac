"""Client writes: partners with the CLIENT role and their addresses."""
