"""Widgets the Candour app composes its screens from."""
