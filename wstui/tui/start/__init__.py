"""The start area of the app."""
