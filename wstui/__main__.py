"""`python -m wstui` runs the same command line as the `wstui` script.

The guard matters: `wstui load --workers N` starts its workers with multiprocessing's `spawn`, which
imports this module again in each of them (as `__mp_main__`), where it must not run the command line."""

from wstui.cli.main import main

if __name__ == "__main__":
    main()
