"""Best one-to-one pairing of two lists under a score: the Hungarian algorithm, small and exact.

The scorer pairs key and response templates within a message, and key and response fillers
within a slot; either way the pairing must maximise total credit, which a greedy pass does
not (a response filler that is partly right for two key fillers must go where it helps most).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["best_pairing", "greedy_pairing"]


def best_pairing(weights: Sequence[Sequence[float | None]]) -> list[tuple[int, int]]:
    """(row, column) pairs, each row and column used at most once, with the highest total weight.

    ``None`` marks a pair that may not be made. Pairs of weight zero or less are left out of
    the answer (pairing them gains nothing). Ties go to the lower indices, so equal templates
    pair in file order.
    """
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    if not rows or not cols:
        return []
    transposed = rows > cols
    if transposed:
        matrix = [[weights[r][c] for r in range(rows)] for c in range(cols)]
        rows, cols = cols, rows
    else:
        matrix = [list(row) for row in weights]
    # Minimise cost = -weight; a forbidden or worthless pair costs 0, like leaving both unpaired.
    # A tiny index-dependent term breaks ties in file order.
    epsilon = 1e-9
    cost = [
        [
            -(w if w is not None and w > 0 else 0.0) + epsilon * (r + c) / (rows + cols)
            for c, w in enumerate(row)
        ]
        for r, row in enumerate(matrix)
    ]
    inf = float("inf")
    u = [0.0] * (rows + 1)
    v = [0.0] * (cols + 1)
    match = [0] * (cols + 1)  # match[column] = row (1-based), 0 = free
    way = [0] * (cols + 1)
    for row in range(1, rows + 1):
        match[0] = row
        column = 0
        minv = [inf] * (cols + 1)
        used = [False] * (cols + 1)
        while True:
            used[column] = True
            current, delta, next_column = match[column], inf, 0
            for c in range(1, cols + 1):
                if not used[c]:
                    reduced = cost[current - 1][c - 1] - u[current] - v[c]
                    if reduced < minv[c]:
                        minv[c], way[c] = reduced, column
                    if minv[c] < delta:
                        delta, next_column = minv[c], c
            for c in range(cols + 1):
                if used[c]:
                    u[match[c]] += delta
                    v[c] -= delta
                else:
                    minv[c] -= delta
            column = next_column
            if match[column] == 0:
                break
        while column:
            previous = way[column]
            match[column] = match[previous]
            column = previous
    pairs = []
    for c in range(1, cols + 1):
        r = match[c]
        if r == 0:
            continue
        w = matrix[r - 1][c - 1]
        if w is None or w <= 0:
            continue
        pairs.append((c - 1, r - 1) if transposed else (r - 1, c - 1))
    return sorted(pairs)


def greedy_pairing(weights: Sequence[Sequence[float | None]]) -> list[tuple[int, int]]:
    """(row, column) pairs taken best first: the highest weight, then the next among the rest.

    Ties go to the lower row, then the lower column. ``None`` and weights of zero or less are
    never paired. This is how the 1992 scorer mapped templates; it is not always optimal.
    """
    cells = sorted(
        (
            (weight, -row, -col)
            for row, line in enumerate(weights)
            for col, weight in enumerate(line)
            if weight is not None and weight > 0
        ),
        reverse=True,
    )
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    pairs = []
    for _, row, col in cells:
        row, col = -row, -col
        if row in used_rows or col in used_cols:
            continue
        used_rows.add(row)
        used_cols.add(col)
        pairs.append((row, col))
    return sorted(pairs)
