"""Plugins: pluggy hook specifications, loading, and the built-in plugins wstui itself is made of."""
