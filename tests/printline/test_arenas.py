"""`printline.arenas`: glibc's malloc arenas capped per process, counted by glibc's own malloc_info."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from printline.arenas import cap_malloc_arenas

# eight live threads that each malloc (a large bytearray skips pymalloc), then glibc's <heap nr=...> count
PROBE = """
import ctypes, os, sys, tempfile, threading
from printline.arenas import cap_malloc_arenas
took = cap_malloc_arenas(int(sys.argv[1]))
together = threading.Barrier(8)
def work():
    held = bytearray(200_000)  # each thread's first malloc, while all eight are alive
    together.wait()
    del held
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
path = tempfile.mktemp()
fp = libc.fopen(path.encode(), b"w"); libc.malloc_info(0, fp); libc.fclose(fp)
print(took, open(path).read().count("<heap nr="))
os.unlink(path)
"""


def _arenas(cap: int) -> tuple[str, int]:
    done = subprocess.run([sys.executable, "-c", PROBE, str(cap)], capture_output=True, text=True, timeout=60)
    took, count = done.stdout.split()
    return took, int(count)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")
def test_threads_share_the_capped_arenas():
    assert _arenas(0) == ("False", 9)  # glibc's default: the main arena and one per thread
    assert _arenas(2) == ("True", 2)


def test_zero_leaves_the_default_alone():
    assert cap_malloc_arenas(0) is False
