"""Route keys and the route selection expression."""
