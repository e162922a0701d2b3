#!/usr/bin/env python3
"""The disk's floor for durable writes: how many small appends followed by fdatasync the data
directory's disk does per second, the rate one commit at a time could never beat.

    python3 bench/fsync.py DIRECTORY [SECONDS]
"""

import os
import sys
import time

directory = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
path = os.path.join(directory, "fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
count, start = 0, time.monotonic()
try:
    while time.monotonic() - start < seconds:
        os.write(fd, b"x" * 4096)
        os.fdatasync(fd)
        count += 1
finally:
    os.close(fd)
    os.remove(path)
print(f"disk floor: {count / (time.monotonic() - start):.0f} fdatasync/s (4 KB appends) in {directory}")
