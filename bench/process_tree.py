"""Peak memory of a process and its descendants, read from /proc (Linux)."""

from __future__ import annotations

from pathlib import Path

PAGE = 4096


def descendants(root: int) -> list[int]:
    """root and every live process below it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # exited while we looked
        # The command name may hold spaces and parentheses: fields start after the last ")".
        parent = int(text[text.rindex(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes; (0, 0) once the process is gone."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    except (OSError, ValueError):
        return 0, 0
    return int(fields["Rss"].split()[0]) * 1024, int(fields["Pss"].split()[0]) * 1024


class TreeSampler:
    """Call sample() periodically; keeps the peak sums over the tree."""

    def __init__(self, root: int):
        self.root = root
        self.peak_rss = 0
        self.peak_pss = 0

    def sample(self) -> None:
        totals = [memory(pid) for pid in descendants(self.root)]
        self.peak_rss = max(self.peak_rss, sum(rss for rss, _ in totals))
        self.peak_pss = max(self.peak_pss, sum(pss for _, pss in totals))
