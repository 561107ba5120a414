"""Torch models the catalogue's theorems are about, with their trainers."""
