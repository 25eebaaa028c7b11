"""The `wstui` command line: parse arguments, call wstui.core, render what it returns."""
