"""A fast, deterministic force-directed layout in plain numpy.

The HTML view draws thousands of actors; running physics in the browser would
take tens of seconds, and networkx's ``spring_layout`` computes all n² repulsions.
This module runs Fruchterman-Reingold with the *grid* variant of its repulsion
(nodes push only on nodes closer than twice the ideal edge length, found through
a uniform grid of cells), so one iteration costs O(n + m), all in vectorised
numpy. A fixed seed makes the result the same on every run.

Examples
--------
>>> pos = force_layout(3, [(0, 1), (1, 2)], seed=1)
>>> pos.shape
(3, 2)
>>> bool((force_layout(3, [(0, 1), (1, 2)], seed=1) == pos).all())
True
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

_HALF_NEIGHBOURHOOD = ((0, 0), (1, -1), (1, 0), (1, 1), (0, 1))
"""Cell offsets that visit every pair of neighbouring grid cells exactly once."""


def close_pairs(pos: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Return index arrays ``(i, j)`` of all pairs of points closer than ``radius``.

    Points are put into square cells of side ``radius``; only points in the same
    or adjacent cells are compared. Each unordered pair appears once, ``i != j``.

    Parameters
    ----------
    pos : numpy.ndarray
        Array of shape ``(n, 2)`` with point coordinates.
    radius : float
        Distance below which two points count as close.

    Returns
    -------
    tuple of numpy.ndarray
        Two integer arrays of equal length.

    Examples
    --------
    >>> i, j = close_pairs(np.array([[0.0, 0.0], [0.5, 0.0], [5.0, 5.0]]), 1.0)
    >>> sorted(zip(i.tolist(), j.tolist()))
    [(0, 1)]
    """
    n = len(pos)
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    cells = np.floor((pos - pos.min(axis=0)) / radius).astype(np.int64)
    height = int(cells[:, 1].max()) + 3
    key = (cells[:, 0] + 1) * height + (cells[:, 1] + 1)
    order = np.argsort(key, kind="stable")
    keys, first, counts = np.unique(key[order], return_index=True, return_counts=True)
    points = np.arange(n)
    found_i, found_j = [], []
    for dx, dy in _HALF_NEIGHBOURHOOD:
        wanted = key + dx * height + dy
        slot = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        hit = keys[slot] == wanted
        count = np.where(hit, counts[slot], 0)
        total = int(count.sum())
        if total == 0:
            continue
        i = np.repeat(points, count)
        within = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        j = order[np.repeat(first[slot], count) + within]
        keep = i < j if (dx, dy) == (0, 0) else np.ones(total, dtype=bool)
        delta = pos[i] - pos[j]
        keep &= np.einsum("ij,ij->i", delta, delta) < radius * radius
        found_i.append(i[keep])
        found_j.append(j[keep])
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(found_i), np.concatenate(found_j)


def _accumulate(n: int, index: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Sum ``vectors`` into ``n`` rows by ``index`` (a fast ``np.add.at``)."""
    return np.stack(
        [np.bincount(index, weights=vectors[:, 0], minlength=n),
         np.bincount(index, weights=vectors[:, 1], minlength=n)],
        axis=1,
    )


def _unit_kernel(size: int, near: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the FFTs of the x and y repulsion kernels on a ``2*size`` mesh.

    The kernel is the Fruchterman-Reingold repulsion ``r / |r|²`` in cell units,
    zero closer than ``near`` cells (those pairs are computed exactly).
    """
    offsets = np.fft.fftfreq(2 * size, d=1.0 / (2 * size))
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    dist2 = dx * dx + dy * dy
    inverse = np.where(dist2 >= near * near, 1.0 / np.maximum(dist2, 1e-12), 0.0)
    return np.fft.rfft2(dx * inverse), np.fft.rfft2(dy * inverse)


def _mesh_repulsion(
    pos: np.ndarray, size: int, kernel: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, float]:
    """Far-field repulsion on every point from a density mesh, and the cell side."""
    low = pos.min(axis=0)
    cell = max(float((pos.max(axis=0) - low).max()) / (size - 1), 1e-9)
    index = np.minimum(((pos - low) / cell).astype(np.int64), size - 1)
    flat = index[:, 0] * (2 * size) + index[:, 1]
    density = np.bincount(flat, minlength=4 * size * size).reshape(2 * size, 2 * size)
    spectrum = np.fft.rfft2(density)
    shape = density.shape
    fx = np.fft.irfft2(spectrum * kernel[0], s=shape).ravel()[flat]
    fy = np.fft.irfft2(spectrum * kernel[1], s=shape).ravel()[flat]
    return np.stack([fx, fy], axis=1) / cell, cell


def force_layout(
    n: int,
    edges: Iterable[tuple[int, int]],
    *,
    seed: int = 0,
    iterations: int | None = None,
    scale: float = 100.0,
) -> np.ndarray:
    """Lay out a graph of ``n`` nodes with Fruchterman-Reingold forces.

    Repulsion between far nodes comes from a density mesh convolved with the
    repulsion kernel by FFT (particle-mesh); between near nodes it is exact.
    Each iteration is O(n + m + G² log G) for a mesh of G² cells.

    Parameters
    ----------
    n : int
        Number of nodes, numbered ``0 .. n-1``.
    edges : iterable of (int, int)
        Node index pairs; direction, duplicates and self-loops are ignored.
    seed : int
        Seed of the random start positions; the same seed gives the same layout.
    iterations : int, optional
        Number of force iterations (default 150).
    scale : float
        Ideal edge length in output units (vis-network pixels).

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n, 2)``, centred on the origin.

    Examples
    --------
    >>> pos = force_layout(2, [(0, 1)])
    >>> 20 < float(np.linalg.norm(pos[0] - pos[1])) < 300
    True
    """
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    pairs = np.array([(a, b) for a, b in edges if a != b], dtype=np.int64).reshape(-1, 2)
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    src, dst = pairs[:, 0], pairs[:, 1]
    iterations = 150 if iterations is None else iterations
    rng = np.random.default_rng(seed)
    k = 1.0
    side = float(np.sqrt(n)) * k
    pos = rng.uniform(-side / 2, side / 2, size=(n, 2))
    size = int(min(256, max(16, 2 ** np.ceil(np.log2(np.sqrt(n))))))
    near = 1.5
    kernel = _unit_kernel(size, near)
    gravity = 1.0 / side
    start_temperature = side / 4
    for step in range(iterations):
        temperature = start_temperature * (1 - step / iterations) ** 2 + 0.02 * k
        disp, cell = _mesh_repulsion(pos, size, kernel)
        disp *= k * k
        i, j = close_pairs(pos, near * cell)
        delta = pos[i] - pos[j]
        dist2 = np.maximum(np.einsum("ij,ij->i", delta, delta), 1e-4)
        push = delta * (k * k / dist2)[:, None]
        disp += _accumulate(n, i, push) - _accumulate(n, j, push)
        delta = pos[src] - pos[dst]
        pull = delta * (np.sqrt(np.einsum("ij,ij->i", delta, delta)) / k)[:, None]
        disp += _accumulate(n, dst, pull) - _accumulate(n, src, pull)
        disp -= gravity * pos * np.linalg.norm(pos, axis=1)[:, None]
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
    pos -= pos.mean(axis=0)
    return pos * scale
