"""glibc's malloc arenas capped for every printline process (`PRINTLINE_MALLOC_ARENAS`, default 2).

glibc gives each new thread a malloc arena of its own, up to 8 per core: libvips' workers, the
measurements' thread and the render thread each get one, and what each keeps free adds to the
peak. Measured on `printline render` of poster-50x70 from a 24 MP photo (2 cores, 6 paired runs):
peak 136-140 MB with glibc's default, 128-130 MB with 2 arenas; wall median 2.40 s against 2.44 s
(within the machine's noise), 1 arena saved no more. Set before the threads start (an arena made
before the cap stays); nothing happens where the C library is not glibc.
"""

from __future__ import annotations

import ctypes

M_ARENA_MAX = -8  # glibc's malloc.h


def cap_malloc_arenas(count: int) -> bool:
    """At most `count` malloc arenas from now on (0 leaves glibc's default); whether it took."""
    if count <= 0:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_ARENA_MAX, count))
