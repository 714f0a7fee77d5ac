"""Agent writes: partners with the REPRESENTATIVE role."""
