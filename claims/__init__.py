"""The catalogue of claims: one package per paper, one module per claim."""
