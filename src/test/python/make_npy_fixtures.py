"""Writes the .npy fixtures of NpyTest with NumPy itself: python3 make_npy_fixtures.py"""
import pathlib

import numpy as np

out = pathlib.Path(__file__).resolve().parents[1] / "resources" / "npy"
out.mkdir(parents=True, exist_ok=True)

vector = np.array([1.5, -0.0, 1e-40, np.inf, -3.25], dtype="<f4")
np.save(out / "f4_vector.npy", vector)
np.save(out / "f4_matrix.npy", np.arange(6, dtype="<f4").reshape(2, 3) / 4)
np.save(out / "f8_vector.npy", np.array([0.1, 2.0, -7.5], dtype="<f8"))
np.save(out / "f4_empty.npy", np.zeros(0, dtype="<f4"))
np.save(out / "f4_big_endian.npy", vector.astype(">f4"))
np.save(out / "i4_vector.npy", np.arange(3, dtype="<i4"))
np.save(out / "f4_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
with open(out / "f4_vector_v2.npy", "wb") as f:
    np.lib.format.write_array(f, vector, version=(2, 0))
