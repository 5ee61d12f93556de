"""A griffe extension for the docs site: doctest examples in heatkit's docstrings are shown as
Python console code (```pycon fences), not read as Markdown (where ``[...]`` output lines would be
taken for links)."""

from __future__ import annotations

from typing import Any, List

import griffe


def fence_doctests(text: str) -> str:
    """Wraps each run of ``>>>`` lines and their output (up to a blank line) in a pycon fence."""
    out: List[str] = []
    fenced = in_example = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        elif not fenced and not in_example and stripped.startswith(">>>"):
            out.append("```pycon")
            in_example = True
        elif in_example and not stripped:
            out.append("```")
            in_example = False
        out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fences the doctests of every object the docs load."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
