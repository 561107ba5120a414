"""Instance types, Hypothesis strategies and data samplers of the catalogue."""
