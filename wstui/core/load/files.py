"""Open files: every connection is one, and the soft limit (often 1,024) stops a run far below 5,000.

A process may raise its own soft limit up to the hard one without any privilege, so each driver does,
as far as its share of the connections needs. Past the hard limit only the system's administrator can
help; more worker processes can too, since each has a limit of its own.
"""

from __future__ import annotations

from wstui.core.errors import Remedy, UsageError

# Beyond the connections: the interpreter's own files, the event loop, pipes to the parent, DNS.
SPARE_FILES = 64


def raise_open_files_limit(connections: int) -> int | None:
    """Make room for `connections` sockets; the soft limit now, or None where the system has no such limit (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = connections + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise UsageError(
                f"{connections} connections in one process need {needed} open files, and this system allows "
                f"{hard} (the hard limit, `ulimit -Hn`).", Remedy.LOAD_WORKERS,
                workers=str(-(-connections // (hard - SPARE_FILES))), fits=str(hard - SPARE_FILES),
            )
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        soft = needed
    return soft
