"""Peak memory and CPU time of a process and its descendants, read from /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path

PAGE = 4096
TICKS = os.sysconf("SC_CLK_TCK")


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


def cpu_seconds(pid: int) -> float | None:
    """User + system seconds the process itself has used (not its children); None once gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class TreeSampler:
    """Call sample() periodically; keeps the peak sums over the tree, and the CPU seconds of
    every process seen in it (as last sampled: a process's last tenth of a second may be missed,
    but workers that no one waits for, as a forkserver's, are counted)."""

    def __init__(self, root: int):
        self.root = root
        self.peak_rss = 0
        self.peak_pss = 0
        self._cpu: dict[int, float] = {}

    @property
    def cpu(self) -> float:
        return sum(self._cpu.values())

    def sample(self) -> None:
        pids = descendants(self.root)
        totals = [memory(pid) for pid in pids]
        self.peak_rss = max(self.peak_rss, sum(rss for rss, _ in totals))
        self.peak_pss = max(self.peak_pss, sum(pss for _, pss in totals))
        for pid in pids:
            seconds = cpu_seconds(pid)
            if seconds is not None:
                self._cpu[pid] = max(seconds, self._cpu.get(pid, 0.0))
