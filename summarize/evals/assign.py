"""Optimal one-to-one assignment (the Hungarian method), small and dependency-free.

Predicted incidents are paired with gold incidents, and predicted names with gold names,
so that the total similarity is as large as possible; a greedy pairing can steal a gold
incident's best partner and score a good brief as a bad one. Matrices here are tiny
(incidents of one article), so an O(n^3) pure-Python solver is plenty; SciPy is not needed.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["assign"]


def assign(similarity: Sequence[Sequence[float]], *, minimum: float = 0.0) -> list[tuple[int, int]]:
    """Pairs ``(row, column)`` maximising total similarity; pairs below ``minimum`` are dropped.

    ``similarity[r][c]`` scores row ``r`` against column ``c``; the matrix may be rectangular.
    Pairs are returned in row order.
    """
    rows = len(similarity)
    cols = len(similarity[0]) if rows else 0
    if rows == 0 or cols == 0:
        return []
    transposed = rows > cols
    matrix = (
        [list(col) for col in zip(*similarity, strict=True)] if transposed else [list(r) for r in similarity]
    )
    n = len(matrix)
    top = max(max(max(r) for r in matrix), 0.0)
    # cost to minimise; a pair below the minimum gains nothing, and every row may stay unpaired
    # (a dummy column per row), so no row is forced into a poor pair that costs another a good one
    cost = [[top - (v if v >= minimum and v > 0 else 0.0) for v in r] + [top] * n for r in matrix]
    m = len(cost[0])
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    match = [0] * (m + 1)  # match[j] = row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        match[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    pairs = []
    for j in range(1, len(matrix[0]) + 1):
        i = match[j]
        if i and matrix[i - 1][j - 1] >= minimum and matrix[i - 1][j - 1] > 0:
            pairs.append((j - 1, i - 1) if transposed else (i - 1, j - 1))
    return sorted(pairs)
