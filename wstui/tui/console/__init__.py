"""The console area of the app."""
