"""Active-CPU shares of the embedded store's py-spy profile (raw/folded stacks): samples whose innermost frame is a
blocking wait (recv, poll, locks, accept) are left out; each listed function's inclusive share of the rest."""

import collections
import sys

IDLE = ("_recv_exactly", "Condition.wait", "_readable", "socket.accept", "Event.wait", "select")
SHOWN = [
    "Storage.insert",
    "Storage._write_index_entries",
    "Storage._index_options_map",
    "Storage._emit_oplog",
    "_find",
    "_update",
    "_get_more",
    "_aggregate",
    "decode",
    "encode",
    "read_message",
]


def main(path: str) -> None:
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    with open(path) as stacks:
        for line in stacks:
            stack, count = line.rsplit(" ", 1)
            frames = [frame.split(" (")[0] for frame in stack.split(";")]
            if any(idle in frames[-1] for idle in IDLE):
                continue
            total += int(count)
            for name in set(frames):
                inclusive[name] += int(count)
    print(f"store: {total} samples with Python running")
    for name in SHOWN:
        if inclusive[name]:
            print(f"{100 * inclusive[name] / total:5.1f}% {name}")


if __name__ == "__main__":
    main(sys.argv[1])
