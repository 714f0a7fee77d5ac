"""The compiled read path (see roots.py): answer a whole query with one SQL statement."""

from resolvers.compiled.roots import execute_compiled

__all__ = ["execute_compiled"]
