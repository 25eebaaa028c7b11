"""The deploy area of the app."""
