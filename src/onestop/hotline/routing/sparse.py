"""A compressed-sparse-row matrix in plain numpy: just what the router needs, no SciPy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Csr:
    """Rows of (column, value) pairs: ``indices[indptr[i]:indptr[i+1]]`` are row i's columns."""

    indptr: np.ndarray  # int64, n_rows + 1
    indices: np.ndarray  # int32
    data: np.ndarray  # float32
    n_cols: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        s, e = int(self.indptr[i]), int(self.indptr[i + 1])
        return self.indices[s:e], self.data[s:e]

    def take(self, rows: np.ndarray) -> Csr:
        """The sub-matrix of the given rows, in that order."""
        starts = self.indptr[rows]
        ends = self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        if indptr[-1] == 0:
            return Csr(indptr, self.indices[:0], self.data[:0], self.n_cols)
        # Positions of every kept entry: for each row, starts[r] .. ends[r].
        offsets = np.repeat(starts - indptr[:-1], lengths)
        positions = np.arange(indptr[-1], dtype=np.int64) + offsets
        return Csr(indptr, self.indices[positions], self.data[positions], self.n_cols)

    @staticmethod
    def vstack(parts: list[Csr]) -> Csr:
        n_cols = max(p.n_cols for p in parts)
        indptr = [np.zeros(1, dtype=np.int64)]
        offset = 0
        for p in parts:
            indptr.append(p.indptr[1:] + offset)
            offset += int(p.indptr[-1])
        return Csr(
            np.concatenate(indptr),
            np.concatenate([p.indices for p in parts]).astype(np.int32),
            np.concatenate([p.data for p in parts]).astype(np.float32),
            n_cols,
        )

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """``self @ weights`` for a dense (n_cols × k) matrix: per row, the weight rows of its columns gathered
        and combined by one matrix-vector product (memory stays at one row's worth)."""
        k = weights.shape[1]
        out = np.zeros((self.n_rows, k), dtype=np.float32)
        indptr, indices, data = self.indptr, self.indices, self.data
        for i in range(self.n_rows):
            s, e = indptr[i], indptr[i + 1]
            if s != e:
                out[i] = data[s:e] @ weights[indices[s:e]]
        return out

    def row_sq_norms(self) -> np.ndarray:
        squares = self.data.astype(np.float64) ** 2
        sums = np.zeros(self.n_rows, dtype=np.float64)
        lengths = np.diff(self.indptr)
        nonempty = lengths > 0
        if squares.size:
            sums[nonempty] = np.add.reduceat(squares, self.indptr[:-1][nonempty])
        return sums
