"""The screens of the Candour app, one module per screen (or family of small forms), and `base`: what the
screens share with the app, which imports them (they never import it)."""
