"""Linear algebra: products (addmm & co., einsum, outer, tensordot, kron, trace) and
torch.linalg (inv, det, slogdet, solve, cholesky, qr, svd, eigh, pinv, cross, norms,
matrix_power, cdist), with PyTorch's grad_fn names, shapes, dtypes and error messages
(recorded from torch 2.13).

Decompositions with a sign ambiguity (qr, svd, eigh) are checked through gauge-invariant
functions of their outputs; inverses and factorizations get well-conditioned matrices
(A A^T + n I) built inside the checked function, so finite differences see them too."""
import math
import warnings

import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from opcheck import anyv, check_spec

LA = torch.linalg


def _spd(a):   # symmetric positive definite, well conditioned
    return a @ a.mT + 3 * torch.eye(a.shape[-1], dtype=a.dtype)


def _jspd(a):
    return a @ jnp.swapaxes(a, -1, -2) + 3 * jnp.eye(a.shape[-1])


def _qr_inv(q, r):   # gauge-invariant: the projector Q Q^T and |R|
    return torch.cat([(q @ q.mT).flatten(), r.abs().flatten()])


def _jqr_inv(q, r):
    return jnp.concatenate([(q @ q.T).ravel(), jnp.abs(r).ravel()])


SPECS = {
    "addmm": ([anyv(3), anyv(2, 4), anyv(4, 3)],
              lambda x, a, b: torch.addmm(x, a, b, beta=0.5, alpha=2.0),
              lambda x, a, b: 0.5 * x + 2.0 * a @ b),
    "addmv": ([anyv(2), anyv(2, 3), anyv(3)], lambda x, a, v: torch.addmv(x, a, v, alpha=-1.5),
              lambda x, a, v: x - 1.5 * a @ v),
    "baddbmm": ([anyv(2, 1, 4), anyv(2, 2, 3), anyv(2, 3, 4)],
                lambda x, a, b: torch.baddbmm(x, a, b, beta=2.0),
                lambda x, a, b: 2.0 * x + a @ b),
    "addbmm": ([anyv(2, 4), anyv(3, 2, 3), anyv(3, 3, 4)], torch.addbmm,
               lambda x, a, b: x + jnp.einsum("bij,bjk->ik", a, b)),
    "trace": ([anyv(3, 4)], torch.trace, jnp.trace),
    "einsum": ([anyv(2, 3), anyv(3, 4)], lambda a, b: torch.einsum("ij,jk->ik", a, b),
               lambda a, b: a @ b),
    "einsum_mul": ([anyv(2), anyv(3)], lambda a, b: torch.einsum("i,j->ij", [a, b]),
                   lambda a, b: a[:, None] * b),
    "einsum_sum": ([anyv(2, 3, 4)], lambda a: torch.einsum("bij->bj", a),
                   lambda a: a.sum(1)),
    "einsum_permute": ([anyv(2, 3, 3)], lambda a: torch.einsum("...ii->...i", a),
                       lambda a: jnp.diagonal(a, axis1=1, axis2=2)),
    "linalg_inv": ([anyv(2, 3, 3)], lambda a: LA.inv(_spd(a)),
                   lambda a: jnp.linalg.inv(_jspd(a))),
    "linalg_det": ([anyv(3, 3)], LA.det, jnp.linalg.det),
    "linalg_slogdet": ([anyv(3, 3)], lambda a: LA.slogdet(a).logabsdet * LA.slogdet(a).sign,
                       lambda a: jnp.linalg.slogdet(a)[1] * jnp.linalg.slogdet(a)[0]),
    "linalg_solve": ([anyv(3, 3), anyv(2, 3, 2)],
                     lambda a, b: LA.solve(a + 4 * torch.eye(3, dtype=a.dtype), b),
                     lambda a, b: jnp.linalg.solve(a + 4 * jnp.eye(3), b)),
    "linalg_cholesky": ([anyv(3, 3)], lambda a: LA.cholesky(_spd(a), upper=True),
                        lambda a: jnp.linalg.cholesky(_jspd(a)).T),
    "linalg_qr": ([anyv(4, 3)], lambda a: _qr_inv(*LA.qr(a)),
                  lambda a: _jqr_inv(*jnp.linalg.qr(a))),
    "linalg_svd": ([anyv(4, 3)],
                   lambda a: torch.cat([x.abs().flatten()
                                        for x in LA.svd(a, full_matrices=False)]),
                   lambda a: jnp.concatenate([jnp.abs(x).ravel()
                                              for x in jnp.linalg.svd(a, full_matrices=False)])),
    "linalg_eigh": ([anyv(3, 3)],
                    lambda a: torch.cat([LA.eigh(_spd(a)).eigenvalues,
                                         LA.eigh(_spd(a)).eigenvectors.abs().flatten()]),
                    lambda a: jnp.concatenate([jnp.linalg.eigh(_jspd(a))[0],
                                               jnp.abs(jnp.linalg.eigh(_jspd(a))[1]).ravel()])),
    "linalg_pinv": ([anyv(3, 2)], LA.pinv, jnp.linalg.pinv),
    "linalg_cross": ([anyv(2, 3), anyv(3)], LA.cross, lambda a, b: jnp.cross(a, b[None])),
    "cdist": ([anyv(3, 2), anyv(4, 2)], torch.cdist,
              lambda a, b: jnp.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))),
}
NOT_DIRECT = {}
NO_FINITE_DIFFERENCES = {}

# functions composed of other ops (PyTorch composes them the same way): checked the same way
COMPOSITE_SPECS = {
    "outer": ([anyv(3), anyv(4)], torch.outer, jnp.outer),
    "ger": ([anyv(3), anyv(2)], lambda a, b: a.ger(b), jnp.outer),
    "tensordot_int": ([anyv(2, 3, 4), anyv(3, 4, 2)], lambda a, b: torch.tensordot(a, b, 2),
                      lambda a, b: jnp.tensordot(a, b, 2)),
    "tensordot_lists": ([anyv(2, 3, 4), anyv(4, 2, 3)],
                        lambda a, b: torch.tensordot(a, b, dims=([1, 0], [2, 1])),
                        lambda a, b: jnp.tensordot(a, b, axes=([1, 0], [2, 1]))),
    "kron": ([anyv(2, 3), anyv(2)], torch.kron, jnp.kron),
    "logdet": ([anyv(3, 3)], lambda a: torch.logdet(_spd(a)),
               lambda a: jnp.linalg.slogdet(_jspd(a))[1]),
    "matrix_power_5": ([anyv(3, 3) * 0.5], lambda a: LA.matrix_power(a, 5),
                       lambda a: jnp.linalg.matrix_power(a, 5)),
    "matrix_power_batched": ([anyv(2, 3, 3) * 0.5], lambda a: torch.matrix_power(a, 3),
                             lambda a: jnp.linalg.matrix_power(a, 3)),
    "matrix_power_neg": ([anyv(3, 3)], lambda a: LA.matrix_power(_spd(a), -2),
                         lambda a: jnp.linalg.matrix_power(_jspd(a), -2)),
    "norm_vector": ([anyv(2, 3)], LA.norm, lambda a: jnp.linalg.norm(a.ravel())),
    "norm_dim": ([anyv(2, 3)], lambda a: LA.norm(a, 3, dim=1),
                 lambda a: jnp.linalg.norm(a, 3, axis=1)),
    "svdvals": ([anyv(3, 4)], LA.svdvals, lambda a: jnp.linalg.svd(a, compute_uv=False)),
    "eigvalsh": ([anyv(3, 3)], lambda a: LA.eigvalsh(_spd(a), UPLO="U"),
                 lambda a: jnp.linalg.eigvalsh(_jspd(a))),
    "svd_full_square": ([anyv(3, 3)], lambda a: (lambda u, s, vh: (u * s) @ vh)(*LA.svd(a)),
                        lambda a: a),
}
for _o in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
    COMPOSITE_SPECS[f"matrix_norm_{_o}"] = (
        [anyv(3, 4)], lambda a, _o=_o: LA.matrix_norm(a, _o),
        lambda a, _o=_o: jnp.linalg.norm(a, _o))
COMPOSITE_SPECS["matrix_norm_batched_dim"] = (
    [anyv(3, 2, 4)], lambda a: LA.matrix_norm(a, 1, dim=(0, 2), keepdim=True),
    lambda a: jnp.max(jnp.abs(a).sum(0, keepdims=True), 2, keepdims=True))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_op_forward_and_gradient(name):
    check_spec(SPECS[name], name not in NO_FINITE_DIFFERENCES, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", sorted(COMPOSITE_SPECS))
def test_composite_forward_and_gradient(name):
    # compositions of ops whose specs check finite differences: jax.grad suffices here
    check_spec(COMPOSITE_SPECS[name], False, rtol=1e-8, atol=1e-10)


def _t(a, rg=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=rg)


# grad_fn names, as torch 2.13 names them
def _gf(x):
    return x.grad_fn.name() if x.grad_fn is not None else None


def test_grad_fn_names():
    a = anyv(3, 3)
    A, B = _t(a @ a.T + 3 * np.eye(3), True), _t(anyv(3, 3), True)
    v, w, b3 = _t(anyv(3), True), _t(anyv(4), True), _t(anyv(2, 3, 3), True)
    cases = {
        "MulBackward0": [torch.outer(v, w), torch.ger(v, w), torch.einsum("i,j->ij", v, w)],
        "ViewBackward0": [torch.einsum("ij,jk->ik", B, A), torch.einsum("ij,jk", [B, A]),
                          torch.tensordot(B, A, dims=1), torch.einsum("i,i->", v, v)],
        "PermuteBackward0": [torch.einsum("ii->i", B), torch.einsum("ij->ji", B)],
        "SumBackward1": [torch.einsum("ii", B), LA.matrix_norm(B, "nuc")],
        "AddmmBackward0": [torch.addmm(v, B, A)], "AddmvBackward0": [torch.addmv(v, B, v)],
        "AddbmmBackward0": [torch.addbmm(B, b3, b3)], "BaddbmmBackward0": [torch.baddbmm(b3, b3, b3)],
        "UnsafeViewBackward0": [torch.kron(B, A), LA.matrix_power(b3, 3)],
        "TraceBackward0": [torch.trace(B)],
        "LinalgInvExBackward0": [LA.inv(A), torch.inverse(A), A.inverse()],
        "LinalgDetBackward0": [LA.det(A), torch.det(A), A.det()],
        "LinalgSlogdetBackward0": [*LA.slogdet(A), *torch.slogdet(A)],
        "WhereBackward0": [torch.logdet(A)],
        "LinalgSolveExBackward0": [LA.solve(A, B), LA.solve(A, v)],
        "LinalgCholeskyExBackward0": [LA.cholesky(A), LA.cholesky(A, upper=True)],
        "LinalgQrBackward0": [*LA.qr(B), LA.qr(B, mode="r").R],
        "LinalgSvdBackward0": [*LA.svd(B), LA.svdvals(B)],
        "LinalgEighBackward0": [*LA.eigh(A), LA.eigvalsh(A)],
        "LinalgVectorNormBackward0": [LA.matrix_norm(B), LA.norm(B), LA.norm(v)],
        "AmaxBackward0": [LA.matrix_norm(B, 1), LA.matrix_norm(B, 2), LA.norm(B, math.inf)],
        "AminBackward0": [LA.matrix_norm(B, -1), LA.matrix_norm(B, -2),
                          LA.matrix_norm(B, -math.inf)],
        "MmBackward0": [LA.matrix_power(B, 3), LA.matrix_power(A, -2)],
        "CloneBackward0": [LA.matrix_power(B, 1)],
        "LinalgPinvBackward0": [LA.pinv(B), torch.pinverse(B)],
        "LinalgCrossBackward0": [torch.cross(B, A, dim=1), LA.cross(B, A)],
        "CdistBackward0": [torch.cdist(B, A), torch.cdist(B, A, p=1)],
    }
    for name, outs in cases.items():
        assert [_gf(o) for o in outs] == [name] * len(outs), name
    assert LA.qr(B, mode="r").Q.grad_fn is None


def test_return_types():
    A = _t(np.eye(2))
    r = LA.slogdet(A)
    assert type(r).__name__ == "linalg_slogdet" and r._fields == ("sign", "logabsdet")
    assert repr(r) == ("torch.return_types.linalg_slogdet(\nsign=tensor(1., dtype=torch.float64),"
                       "\nlogabsdet=tensor(0., dtype=torch.float64))")
    assert type(torch.slogdet(A)).__name__ == "slogdet"
    assert LA.qr(A)._fields == ("Q", "R") and type(LA.qr(A)).__name__ == "linalg_qr"
    assert LA.svd(A)._fields == ("U", "S", "Vh")
    assert LA.eigh(A)._fields == ("eigenvalues", "eigenvectors")
    q, r = LA.qr(A)
    assert tuple(q.shape) == (2, 2) and LA.qr(A).R.shape == r.shape


def test_values_batched_against_numpy():
    a = anyv(2, 4, 4)
    s = a @ np.swapaxes(a, -1, -2) + 4 * np.eye(4)
    A, S = _t(a), _t(s)
    npt = np.testing.assert_allclose
    npt(LA.inv(S).numpy(), np.linalg.inv(s), rtol=1e-10)
    npt(LA.det(A).numpy(), np.linalg.det(a), rtol=1e-10)
    sign, logabs = LA.slogdet(A)
    npt(sign.numpy(), np.linalg.slogdet(a)[0])
    npt(logabs.numpy(), np.linalg.slogdet(a)[1], rtol=1e-10)
    npt(LA.cholesky(S).numpy(), np.linalg.cholesky(s), rtol=1e-10)
    npt(LA.eigvalsh(S).numpy(), np.linalg.eigvalsh(s), rtol=1e-10)
    npt(LA.svdvals(A).numpy(), np.linalg.svd(a, compute_uv=False), rtol=1e-10)
    q, r = LA.qr(A)
    npt((q @ r).numpy(), a, atol=1e-12)
    npt(LA.pinv(A).numpy(), np.linalg.pinv(a), rtol=1e-8)
    npt(LA.matrix_power(A, 6).numpy(), np.linalg.matrix_power(a, 6), rtol=1e-10)
    npt(LA.matrix_power(A, 0).numpy(), np.broadcast_to(np.eye(4), (2, 4, 4)))
    npt(LA.matrix_norm(A, "nuc").numpy(), np.linalg.norm(a, "nuc", axis=(1, 2)), rtol=1e-10)
    npt(LA.norm(A, dim=(1, 2)).numpy(), np.linalg.norm(a, axis=(1, 2)), rtol=1e-10)
    # solve: B a batch of vectors when it has A's shape without the last dim
    b = anyv(2, 4)
    x = LA.solve(S, _t(b))
    assert tuple(x.shape) == (2, 4)
    npt(x.numpy(), np.linalg.solve(s, b[..., None])[..., 0], rtol=1e-10)
    npt(LA.solve(S, _t(b[0])).numpy(), np.linalg.solve(s, b[0]), rtol=1e-10)
    m = anyv(3, 4)
    npt(LA.solve(S, _t(m), left=False).numpy(), np.linalg.solve(np.swapaxes(s, -1, -2),
                                                                m.T).swapaxes(-1, -2), rtol=1e-10)
    p, q2 = anyv(2, 3, 5), anyv(2, 4, 5)
    d = np.sqrt(((p[:, :, None] - q2[:, None]) ** 2).sum(-1))
    npt(torch.cdist(_t(p), _t(q2)).numpy(), d, rtol=1e-10)
    npt(torch.cdist(_t(p), _t(q2), p=1).numpy(), np.abs(p[:, :, None] - q2[:, None]).sum(-1),
        rtol=1e-10)
    npt(torch.cdist(_t(p), _t(q2), p=math.inf).numpy(),
        np.abs(p[:, :, None] - q2[:, None]).max(-1), rtol=1e-10)


def test_shapes_of_decompositions():
    A = _t(anyv(2, 5, 3))
    assert [tuple(x.shape) for x in LA.qr(A)] == [(2, 5, 3), (2, 3, 3)]
    assert [tuple(x.shape) for x in LA.qr(A, mode="complete")] == [(2, 5, 5), (2, 5, 3)]
    q, r = LA.qr(A, mode="r")
    assert tuple(q.shape) == (0,) and tuple(r.shape) == (2, 3, 3)
    u, s, vh = LA.svd(A)
    assert [tuple(x.shape) for x in (u, s, vh)] == [(2, 5, 5), (2, 3), (2, 3, 3)]
    np.testing.assert_allclose((u[..., :3] * s[..., None, :] @ vh).numpy(), A.numpy(),
                               atol=1e-12)
    np.testing.assert_allclose((u.mT @ u).numpy(), np.broadcast_to(np.eye(5), (2, 5, 5)),
                               atol=1e-12)
    assert [tuple(x.shape) for x in LA.svd(A, full_matrices=False)] == [(2, 5, 3), (2, 3),
                                                                       (2, 3, 3)]
    # the gradient of a full SVD of a tall matrix flows through its first min(m, n) columns
    a = _t(anyv(4, 2), True)
    u, s, vh = LA.svd(a)
    ((u[:, :2] * s) @ vh).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.ones((4, 2)), rtol=1e-10)


def test_eigh_reads_one_triangle():
    a = anyv(3, 3)
    lower = np.tril(a) + np.tril(a, -1).T
    upper = np.triu(a) + np.triu(a, 1).T
    np.testing.assert_allclose(LA.eigvalsh(_t(a)).numpy(), np.linalg.eigvalsh(lower), rtol=1e-10)
    np.testing.assert_allclose(LA.eigh(_t(a), UPLO="U").eigenvalues.numpy(),
                               np.linalg.eigvalsh(upper), rtol=1e-10)


def test_addmm_family_beta_zero_ignores_nan():
    nan = torch.full((2, 3), math.nan, dtype=torch.float64)
    a, b = _t(np.ones((2, 4))), _t(np.ones((4, 3)))
    assert torch.addmm(nan, a, b, beta=0).tolist() == [[4.0] * 3] * 2
    assert torch.addmm(nan, a, b, beta=0.0, alpha=0.5).tolist() == [[2.0] * 3] * 2
    assert math.isnan(torch.addmm(nan, a, b, beta=1e-30)[0, 0].item())
    assert torch.addmv(nan[0, :2], a, b[:, 0], beta=0).tolist() == [4.0, 4.0]
    x = torch.ones(2, 3, dtype=torch.int64)
    r = torch.addmm(x, torch.ones(2, 4, dtype=torch.int64), torch.ones(4, 3, dtype=torch.int64),
                    beta=2, alpha=3)
    assert r.dtype == torch.int64 and r.tolist() == [[14] * 3] * 2
    y = torch.zeros(2, 3, dtype=torch.float64)
    y.addmm_(a, b)
    assert y.tolist() == [[4.0] * 3] * 2


def test_einsum_forms():
    a, b = anyv(2, 3), anyv(4, 2)
    np.testing.assert_allclose(torch.einsum("ba,cb", _t(a), _t(b)).numpy(),
                               np.einsum("ba,cb", a, b), rtol=1e-12)
    x, y = anyv(2, 3), anyv(4, 1, 3)
    np.testing.assert_allclose(torch.einsum("...i,...i->...", _t(x), _t(y)).numpy(),
                               np.einsum("...i,...i->...", x, y), rtol=1e-12)
    assert tuple(torch.einsum("...ba", _t(anyv(5, 2, 3))).shape) == (5, 3, 2)
    np.testing.assert_allclose(torch.einsum("ij,j->ij", _t(a), _t(np.ones(1))).numpy(), a)
    i = torch.ones(2, 2, dtype=torch.int64)
    assert torch.einsum("ij,jk->ik", i, i).dtype == torch.int64


def test_misc_dtypes_and_values():
    assert torch.trace(torch.ones(3, 3, dtype=torch.int32)).dtype == torch.int64
    assert torch.trace(torch.eye(2).half()).dtype == torch.float16
    assert torch.outer(torch.arange(3), torch.ones(3)).dtype == torch.float32
    assert torch.kron(torch.ones(2, 2, dtype=torch.int64), torch.ones(3, 3)).dtype == torch.float32
    assert LA.matrix_power(torch.ones(2, 2, dtype=torch.int64), 3).tolist() == [[4, 4], [4, 4]]
    assert torch.cross(torch.ones(3, 2), torch.ones(3, 2), dim=0).tolist() == [[0.0] * 2] * 3
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg"):
        r = torch.cross(torch.eye(3), torch.ones(3, 3))
    np.testing.assert_allclose(r.numpy(), np.cross(np.eye(3), np.ones((3, 3)), axis=0))


def test_singular_matrices_give_inf_or_nan():
    # documented difference: PyTorch raises LinAlgError after reading the values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = LA.inv(torch.zeros(3, 3)).numpy()
        assert not np.isfinite(r).all()
        assert not np.isfinite(LA.cholesky(-torch.eye(3)).numpy()).all()


_SQ = "A must be batches of square matrices, but they are 2 by 3 matrices"
_FL = "Expected a floating point or complex tensor as input. Got Long"
A23, S33, I33 = torch.randn(2, 3), torch.randn(3, 3), torch.ones(3, 3, dtype=torch.int64)
ERRORS = [
    (lambda: LA.inv(A23), RuntimeError, "linalg.inv: " + _SQ),
    (lambda: LA.inv(torch.randn(3)), RuntimeError,
     "linalg.inv: The input tensor A must have at least 2 dimensions."),
    (lambda: LA.inv(I33), RuntimeError, "linalg.inv: " + _FL),
    (lambda: LA.inv(S33.half()), RuntimeError,
     "linalg.inv: Low precision dtypes not supported. Got Half"),
    (lambda: LA.det(I33), RuntimeError, "linalg.det: " + _FL),
    (lambda: LA.det(A23), RuntimeError, "linalg.det: " + _SQ),
    (lambda: LA.slogdet(A23), RuntimeError, "linalg.slogdet: " + _SQ),
    (lambda: LA.solve(A23, S33), RuntimeError, "linalg.solve: " + _SQ),
    (lambda: LA.solve(S33, torch.randn(4, 2)), RuntimeError,
     "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x2)"),
    (lambda: LA.solve(S33, torch.randn(4)), RuntimeError,
     "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x1)"),
    (lambda: LA.solve(I33, I33), RuntimeError, "linalg.solve: " + _FL),
    (lambda: LA.solve(S33, S33.double()), RuntimeError,
     "linalg.solve: Expected A and B to have the same dtype, but found A of type Float and B of "
     "type Double instead"),
    (lambda: LA.cholesky(A23), RuntimeError, "linalg.cholesky: " + _SQ),
    (lambda: LA.cholesky(I33), RuntimeError, "linalg.cholesky: " + _FL),
    (lambda: LA.qr(torch.randn(3)), RuntimeError,
     "linalg.qr: The input tensor A must have at least 2 dimensions."),
    (lambda: LA.qr(I33), RuntimeError, "linalg.qr: " + _FL),
    (lambda: LA.qr(S33, mode="foo"), RuntimeError,
     "qr received unrecognized mode 'foo' but expected one of 'reduced' (default), 'r', or "
     "'complete'"),
    (lambda: LA.svd(I33), RuntimeError, "linalg.svd: " + _FL),
    (lambda: LA.svdvals(I33), RuntimeError, "linalg.svd: " + _FL),
    (lambda: LA.eigh(A23), RuntimeError, "linalg.eigh: " + _SQ),
    (lambda: LA.eigh(I33), NotImplementedError, "\"linalg_eigh_cpu\" not implemented for 'Long'"),
    (lambda: LA.eigh(S33, UPLO="X"), RuntimeError,
     "Expected UPLO argument to be 'L' or 'U', but got X"),
    (lambda: LA.matrix_norm(torch.randn(3)), RuntimeError,
     "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."),
    (lambda: LA.matrix_norm(I33), RuntimeError, "linalg.matrix_norm: " + _FL),
    (lambda: LA.matrix_norm(S33, 3), RuntimeError, "linalg.matrix_norm: Order 3 not supported."),
    (lambda: LA.norm(I33), RuntimeError, "linalg.vector_norm: " + _FL),
    (lambda: LA.norm(torch.randn(2, 2, 2), 2), RuntimeError,
     "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D."),
    (lambda: LA.norm(torch.randn(3), "fro"), RuntimeError,
     "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."),
    (lambda: LA.matrix_power(A23, 2), RuntimeError, "linalg.matrix_power: " + _SQ),
    (lambda: LA.matrix_power(I33, -1), RuntimeError, "linalg.inv: " + _FL),
    (lambda: LA.pinv(I33), RuntimeError,
     "linalg.pinv(Long{[3, 3]}): expected a tensor with 2 or more dimensions of float, double, "
     "cfloat or cdouble types"),
    (lambda: LA.cross(torch.randn(3, 2), torch.randn(3, 2)), RuntimeError,
     "linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2"),
    (lambda: LA.cross(S33, torch.randn(2, 3)), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
    (lambda: LA.cross(S33, S33.double()), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda: torch.cdist(I33[None], I33[None]), RuntimeError,
     "cdist only supports floating-point dtypes, X1 got: Long"),
    (lambda: torch.cdist(S33, torch.randn(3, 4)), RuntimeError,
     "X1 and X2 must have the same number of columns. X1: 3 X2: 4"),
    (lambda: torch.cdist(torch.randn(3), torch.randn(3)), RuntimeError,
     "cdist only supports at least 2D tensors, X1 got: 1D"),
    (lambda: torch.cdist(S33, S33, p=-1), RuntimeError, "cdist only supports non-negative p values"),
    (lambda: torch.trace(torch.randn(3)), RuntimeError,
     "trace: expected a matrix, but got tensor with dim 1"),
    (lambda: torch.trace(I33.bool()), NotImplementedError, "\"trace\" not implemented for 'Bool'"),
    (lambda: torch.outer(A23, torch.randn(3)), RuntimeError,
     "outer: Expected 1-D argument self, but got 2-D"),
    (lambda: torch.outer(torch.randn(3), torch.randn(3, 1)), RuntimeError,
     "outer: Expected 1-D argument vec2, but got 2-D"),
    (lambda: torch.addmm(torch.randn(2, 5), torch.randn(2, 3), torch.randn(4, 5)), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"),
    (lambda: torch.addmm(torch.randn(2, 5), torch.randn(3), torch.randn(3, 5)), RuntimeError,
     "mat1 must be a matrix, got 1-D tensor"),
    (lambda: torch.addmm(torch.randn(3, 5), torch.randn(2, 3), torch.randn(3, 5)), RuntimeError,
     "The expanded size of the tensor (2) must match the existing size (3) at non-singleton "
     "dimension 0.  Target sizes: [2, 5].  Tensor sizes: [3, 5]"),
    (lambda: torch.addmm(torch.randn(2, 5), torch.randn(2, 3), torch.randn(3, 5).double()),
     RuntimeError, "self and mat2 must have the same dtype, but got Float and Double"),
    (lambda: torch.addmm(torch.randn(2, 5), torch.randn(2, 3).double(), torch.randn(3, 5)),
     RuntimeError, "mat1 and mat2 must have the same dtype, but got Double and Float"),
    (lambda: torch.addmv(torch.randn(2), torch.randn(2, 3), torch.randn(4)), RuntimeError,
     "size mismatch, got input (2), mat (2x3), vec (4)"),
    (lambda: torch.addmv(torch.randn(3), torch.randn(2, 3), torch.randn(3)), RuntimeError,
     "size mismatch, got input (3), mat (2x3), vec (3)"),
    (lambda: torch.addmv(torch.randn(2), torch.randn(2, 3), torch.randn(3, 1)), RuntimeError,
     "vector + matrix @ vector expected, got 1, 2, 2"),
    (lambda: torch.addmv(torch.randn(2), torch.randn(2, 3), torch.randn(3).double()),
     RuntimeError, "addmv input tensors must have the same dtype, but got Float, Float, and Double"),
    (lambda: torch.baddbmm(torch.randn(2, 2, 5), torch.randn(2, 2, 3), torch.randn(2, 4, 5)),
     RuntimeError,
     "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4]."),
    (lambda: torch.baddbmm(torch.randn(2, 5), torch.randn(2, 3), torch.randn(3, 5)), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda: torch.baddbmm(torch.randn(2, 2, 5).double(), torch.randn(2, 2, 3),
                           torch.randn(2, 3, 5)), RuntimeError,
     "Input dtypes must be the same, got: input double, batch1: float, batch2: float"),
    (lambda: torch.addbmm(torch.randn(2, 5), torch.randn(2, 2, 3), torch.randn(2, 4, 5)),
     RuntimeError, "Incompatible matrix sizes for bmm (2x3 and 4x5)"),
    (lambda: torch.addbmm(torch.randn(2, 5), torch.randn(2, 2, 3), torch.randn(3, 3, 5)),
     RuntimeError, "batch1 and batch2 must have same number of batches, got 2 and 3"),
    (lambda: torch.tensordot(S33, A23, dims=1), RuntimeError,
     "contracted dimensions need to match, but first has size 3 in dim -1 and second has size 2 "
     "in dim 0"),
    (lambda: torch.tensordot(S33, A23, dims=([0], [0, 1])), RuntimeError,
     "both dimension lists should have same length"),
    (lambda: torch.tensordot(S33, A23, dims=-1), RuntimeError,
     "tensordot expects dims >= 0, but got dims=-1"),
    (lambda: torch.einsum("ij,jk->ik", S33, A23), RuntimeError,
     "einsum(): subscript j has size 2 for operand 1 which does not broadcast with previously "
     "seen size 3"),
    (lambda: torch.einsum("ij,jk->ik", S33), RuntimeError,
     "einsum(): fewer operands were provided than specified in the equation"),
    (lambda: torch.einsum("i->", torch.randn(3), torch.randn(3)), RuntimeError,
     "einsum(): more operands were provided than specified in the equation"),
    (lambda: torch.einsum("ijk,jk->ik", S33, S33), RuntimeError,
     "einsum(): the number of subscripts in the equation (3) does not match the number of "
     "dimensions (2) for operand 0 and no ellipsis was given"),
    (lambda: torch.einsum("...ijk->", A23), RuntimeError,
     "einsum(): the number of subscripts in the equation (3) is more than the number of "
     "dimensions (2) for operand 0"),
    (lambda: torch.einsum("ij,jk->ik", S33, S33.double()), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda: torch.einsum("ij,jk->ii", S33, S33), RuntimeError,
     "einsum(): output subscript i appears more than once in the output"),
    (lambda: torch.einsum("ij,jk->iz", S33, S33), RuntimeError,
     "einsum(): output subscript z does not appear in the equation for any input operand"),
    (lambda: torch.einsum("i1,i->", S33, torch.randn(3)), RuntimeError,
     "einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in "
     "[a-zA-Z]"),
    (lambda: torch.einsum("ii->i", A23), RuntimeError,
     "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"),
    (lambda: torch.cross(torch.randn(2, 2), torch.randn(2, 2)), RuntimeError,
     "no dimension of size 3 in input"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_pytorch(i):
    fn, exc, msg = ERRORS[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as e:
            fn()
    assert str(e.value) == msg
