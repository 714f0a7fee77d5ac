"""Pure business rules: stdlib only, no I/O."""
