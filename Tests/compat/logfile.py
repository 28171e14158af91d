"""Reads Trident's log segment files (`<data>/log/*.log`) frame by frame, for tests that damage them.

Frame layout (little-endian, 8-byte aligned): magic "TLG1", u32 length, u64 first sequence, u32 count,
u32 flags (1 = seal), u64 durable-through, u64 checksum, then `length` bytes of entries.
"""

import os
import struct

MAGIC = b"TLG1"
HEADER = 40


def segments(data_dir):
    """Segment file paths in log order (spares left out)."""
    folder = os.path.join(data_dir, "log")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".log") and not n.startswith("spare"))
    return [os.path.join(folder, n) for n in names]


def frames(path):
    """(offset, first, count, is_seal) of each frame from the start, up to the first non-frame."""
    with open(path, "rb") as f:
        data = f.read()
    out, at = [], 0
    while at + HEADER <= len(data) and data[at:at + 4] == MAGIC:
        length, first, count, flags = struct.unpack_from("<IQII", data, at + 4)
        out.append((at, first, count, flags & 1 == 1))
        at += (HEADER + length + 7) & ~7
    return out


def overwrite(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)
