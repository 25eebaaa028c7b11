"""The Textual app: areas (Routes, Local, ...) as modes; screens render what `wstui.core` does."""
