"""The schema's root types: each field bound to its resolver; the schema object."""
