"""The screens of the Candour app, one module per screen (or family of small forms)."""
