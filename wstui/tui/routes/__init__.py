"""The routes area of the app."""
