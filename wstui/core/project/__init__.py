"""The project: the typed model of `wstui.toml`, its loading, validation and round-trip edits."""
