"""No import cycles between heat-core's modules.

Each source file is a module (`a/mod.rs` is `a`, `a/b.rs` is `a::b`). A file that names an item
of another module (`use super::b::Item`, `crate::a::b::f(..)`, `super::{b, c::D}`) depends on
it. A module and its own ancestors are one unit here (a child naming its parent's items is how
Rust modules are written); between any other two modules, a dependency both ways, or round a
longer ring, is a cycle, and each is printed as `a -> b -> a`. Exit status 1 when there is one.

    python3 scripts/check-cycles.py [heat-core/src]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def module_of(root: Path, path: Path) -> tuple[str, ...]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("mod", "lib"):
        parts.pop()
    return tuple(parts)


def code_of(text: str) -> str:
    """The text without comments, string literals and a trailing `#[cfg(test)] mod tests`."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    cut = re.search(r"#\[cfg\(test\)\]\s*mod tests\s*\{", text)
    return text[: cut.start()] if cut else text


def paths_in(code: str) -> list[list[str]]:
    """Every path that starts at `crate::`, `super::` or `self::`, braces expanded."""
    found: list[list[str]] = []

    def expand(prefix: list[str], rest: str) -> None:
        rest = rest.strip()
        if rest.startswith("{"):
            depth, item, items = 0, "", []
            for ch in rest[1:]:
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    if depth == 0:
                        break
                    depth -= 1
                if ch == "," and depth == 0:
                    items.append(item)
                    item = ""
                else:
                    item += ch
            items.append(item)
            for it in items:
                if it.strip():
                    expand(prefix, it)
            return
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*(::\s*(.*))?$", rest, flags=re.S)
        if not m:
            found.append(prefix)
            return
        if m.group(2):
            expand(prefix + [m.group(1)], m.group(3))
        else:
            found.append(prefix + [m.group(1)])

    for m in re.finditer(r"\b((?:crate|super|self)(?:\s*::\s*(?:super|self))*)\s*::\s*", code):
        start = m.end()
        if code[start : start + 1] == "{":
            depth, end = 0, start
            for end in range(start, len(code)):
                if code[end] == "{":
                    depth += 1
                elif code[end] == "}":
                    depth -= 1
                    if depth == 0:
                        break
            tail = code[start : end + 1]
        else:
            tail = re.match(r"[A-Za-z0-9_:\s]*", code[start:]).group(0)
            tail = re.sub(r"\s*::\s*$", "", tail.strip())
        head = [p.strip() for p in m.group(1).split("::")]
        expand(head, tail)
    return found


def resolve(here: tuple[str, ...], path: list[str], modules: set) -> tuple[str, ...] | None:
    """The deepest module a path names, from module `here`."""
    if not path:
        return None
    base: list[str]
    if path[0] == "crate":
        base, rest = [], path[1:]
    else:
        base, rest = list(here), path
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
    best = tuple(base)
    for i in range(len(rest)):
        candidate = tuple(base + rest[: i + 1])
        if candidate in modules:
            best = candidate
        else:
            break
    return best


def related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return a[: len(b)] == b or b[: len(a)] == a


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "heat-core/src")
    files = sorted(root.rglob("*.rs"))
    modules = {module_of(root, f) for f in files}
    edges: dict[tuple, set] = {m: set() for m in modules}
    for f in files:
        here = module_of(root, f)
        for path in paths_in(code_of(f.read_text(encoding="utf-8"))):
            target = resolve(here, path, modules)
            if target is not None and not related(here, target):
                edges[here].add(target)
    # Cycles: strongly connected components of more than one module (Tarjan).
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(v: tuple) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(modules):
        if v not in index:
            visit(v)
    name = lambda m: "::".join(m) or "crate"  # noqa: E731
    for group in out:
        ring = " -> ".join(name(m) for m in group + [group[0]])
        print(f"import cycle: {ring}")
    print(f"{len(modules)} modules, {sum(map(len, edges.values()))} dependencies between unrelated modules, {len(out)} cycles")
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
