"""The wstui library: everything the CLI and the TUI do, with no user-interface imports."""
