"""The local area of the app."""
