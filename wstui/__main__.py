"""`python -m wstui` runs the same command line as the `wstui` script."""

from wstui.cli.main import main

main()
