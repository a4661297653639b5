"""Records the bundled replay case and its float64 reference result.

A least-squares problem, 64 parameters, 100 full-batch steps of AdamL (lr 0.01, defaults
otherwise) in float64 NumPy, written straight from the formulas in AdamL's Javadoc. The gradient
and loss of every step are recorded as the case; the float64 end state is the expected result the
replay is compared with. Run: python3 make_replay_example.py
"""
import pathlib

import numpy as np

case = pathlib.Path(__file__).resolve().parents[1] / "resources" / "replay" / "adaml-example"
(case / "expected").mkdir(parents=True, exist_ok=True)

rng = np.random.default_rng(2026)
n, rows, steps = 64, 128, 100
a = rng.standard_normal((rows, n)) / np.sqrt(n)
b = rng.standard_normal(rows)
p0 = rng.standard_normal(n).astype("<f4")

lr, beta1, beta2, eps, gamma, loss_min = 0.01, 0.9, 0.999, 1e-8, 1.0, 0.0
p = p0.astype(np.float64)
m = np.zeros(n)
v = np.zeros(n)
grads, losses = [], []
loss_ref = None
for t in range(1, steps + 1):
    residual = a @ p - b
    loss = 0.5 * np.mean(residual ** 2)
    g = (a.T @ residual / rows).astype("<f4")      # the recorded gradient, as float32
    grads.append(g)
    losses.append(loss)
    g = g.astype(np.float64)
    loss_ref = loss if loss_ref is None else loss_ref
    r = (loss - loss_min) / (loss_ref - loss_min) if loss_ref > loss_min else 0.0
    lam = min(1.0, max(0.0, r)) ** gamma
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * lam * g * g + eps
    bc1, bc2 = 1 - beta1 ** t, 1 - beta2 ** t
    p = p - (lr / bc1) * m / np.sqrt(v / bc2)

(case / "case.properties").write_text(
    "# AdamL on a 64-parameter least-squares problem; see src/test/python/make_replay_example.py\n"
    "optimizer=adaml\nlr=0.01\n")
np.save(case / "params.npy", p0)
np.save(case / "grads.npy", np.stack(grads).astype("<f4"))
np.save(case / "losses.npy", np.array(losses, dtype="<f8"))
np.save(case / "expected" / "params.npy", p)
np.save(case / "expected" / "m.npy", m)
np.save(case / "expected" / "v.npy", v)
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f} over {steps} steps")
