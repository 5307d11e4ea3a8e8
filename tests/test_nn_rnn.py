"""RNN, LSTM, GRU, MultiheadAttention and TransformerEncoderLayer: forward and gradients (with
respect to every parameter and the input) against a plain-JAX re-implementation, in float64,
with the weights taken from the module's state_dict."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from facade import nn

rng = np.random.RandomState(0)


def np_of(t):
    return t.detach().numpy()


def grads_match(module, inputs, out_weights, ref_fn, rtol=1e-8):
    """Run module(*inputs) in float64; compare the outputs with ref_fn(params, *inputs) and
    the gradients of sum(out_i * w_i) for every parameter and every float input."""
    module.double()
    params = {k: np_of(v).astype(np.float64) for k, v in module.named_parameters()}
    ts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray)
          else a for a in inputs]
    outs = module(*ts)
    outs = [o for o in _flat(outs) if o is not None]
    loss = sum((o * torch.tensor(w)).sum() for o, w in zip(outs, out_weights))
    loss.backward()

    float_idx = [i for i, a in enumerate(inputs) if isinstance(a, np.ndarray)
                 and a.dtype.kind == "f"]

    def ref_loss(p, *fl):
        args = list(inputs)
        for i, a in zip(float_idx, fl):
            args[i] = a
        ro = [o for o in _flat(ref_fn(p, *args)) if o is not None]
        return sum(jnp.sum(o * w) for o, w in zip(ro, out_weights)), ro

    with jax.enable_x64(True):
        jp = {k: jnp.asarray(v) for k, v in params.items()}
        fl = [jnp.asarray(inputs[i]) for i in float_idx]
        (_, ref_outs), (gp, *gx) = jax.value_and_grad(
            ref_loss, argnums=tuple(range(1 + len(fl))), has_aux=True)(jp, *fl)
        assert len(ref_outs) == len(outs)
        for o, r in zip(outs, ref_outs):
            np.testing.assert_allclose(np_of(o), np.asarray(r), rtol=rtol, atol=1e-12)
        for k, p in module.named_parameters():
            np.testing.assert_allclose(np_of(p.grad), np.asarray(gp[k]), rtol=rtol, atol=1e-11,
                                       err_msg=k)
        for i, g in zip(float_idx, gx):
            np.testing.assert_allclose(np_of(ts[i].grad), np.asarray(g), rtol=rtol,
                                       atol=1e-11)


def _flat(o):
    if isinstance(o, (tuple, list)):
        return [y for x in o for y in _flat(x)]
    return [o]


# ------------------------------------------------------------------ recurrent reference
def _cell(mode, x_t, state, p, sfx, H):
    def lin(x, w, b):
        return x @ p[w + sfx].T + (p[b + sfx] if b + sfx in p else 0)
    gi = lin(x_t, "weight_ih_l", "bias_ih_l")
    gh = lin(state[0], "weight_hh_l", "bias_hh_l")
    if mode in ("tanh", "relu"):
        pre = gi + gh
        return (jnp.tanh(pre) if mode == "tanh" else jnp.maximum(pre, 0),)
    if mode == "gru":
        r = jax.nn.sigmoid(gi[:, :H] + gh[:, :H])
        z = jax.nn.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = jnp.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        return ((1 - z) * n + z * state[0],)
    g = gi + gh                                              # lstm: i, f, g, o
    i, f = jax.nn.sigmoid(g[:, :H]), jax.nn.sigmoid(g[:, H:2 * H])
    c = f * state[1] + i * jnp.tanh(g[:, 2 * H:3 * H])
    h = jax.nn.sigmoid(g[:, 3 * H:]) * jnp.tanh(c)
    if "weight_hr_l" + sfx in p:
        h = h @ p["weight_hr_l" + sfx].T
    return h, c


def rnn_ref(mode, H, num_layers, bidirectional, batch_first):
    D = 2 if bidirectional else 1

    def f(p, x, *hx):
        unbatched = x.ndim == 2
        if unbatched:
            x = x[:, None] if not batch_first else x[None]
            hx = tuple(h[:, None] for h in hx)
        if batch_first:
            x = jnp.swapaxes(x, 0, 1)
        L, N = x.shape[:2]
        if not hx:
            hr = p["weight_hr_l0"].shape[0] if "weight_hr_l0" in p else H
            hx = (jnp.zeros((num_layers * D, N, hr)),) + (
                (jnp.zeros((num_layers * D, N, H)),) if mode == "lstm" else ())
        finals = [[] for _ in hx]
        for layer in range(num_layers):
            outs = []
            for d in range(D):
                sfx = f"{layer}" + ("_reverse" if d else "")
                state = tuple(h[layer * D + d] for h in hx)
                ys = [None] * L
                for t in (range(L - 1, -1, -1) if d else range(L)):
                    state = _cell(mode, x[t], state, p, sfx, H)
                    ys[t] = state[0]
                outs.append(jnp.stack(ys))
                for fl, s in zip(finals, state):
                    fl.append(s)
            x = jnp.concatenate(outs, -1)
        out = jnp.swapaxes(x, 0, 1) if batch_first else x
        hs = [jnp.stack(fl) for fl in finals]
        if unbatched:
            out = out[:, 0] if not batch_first else out[0]
            hs = [h[:, 0] for h in hs]
        return out, hs
    return f


RNN_CASES = [
    # (id, constructor, mode, input shape, initial state shapes)
    ("rnn", lambda: nn.RNN(3, 4), "tanh", (3, 2, 3), ()),
    ("rnn_relu_2layers_h0", lambda: nn.RNN(3, 4, 2, nonlinearity="relu"), "relu", (3, 2, 3),
     ((2, 2, 4),)),
    ("rnn_bidirectional_batch_first", lambda: nn.RNN(3, 4, 2, batch_first=True,
                                                     bidirectional=True, bias=False),
     "tanh", (2, 3, 3), ()),
    ("rnn_unbatched", lambda: nn.RNN(3, 4), "tanh", (3, 3), ((1, 4),)),
    ("lstm", lambda: nn.LSTM(3, 4), "lstm", (3, 2, 3), ()),
    ("lstm_2layers_bidirectional_h0c0", lambda: nn.LSTM(3, 4, 2, bidirectional=True), "lstm",
     (3, 2, 3), ((4, 2, 4), (4, 2, 4))),
    ("lstm_batch_first_proj", lambda: nn.LSTM(3, 5, 2, batch_first=True, proj_size=2),
     "lstm", (2, 3, 3), ()),
    ("lstm_unbatched", lambda: nn.LSTM(3, 4), "lstm", (3, 3), ((1, 4), (1, 4))),
    ("gru", lambda: nn.GRU(3, 4), "gru", (3, 2, 3), ()),
    ("gru_2layers_bidirectional_h0", lambda: nn.GRU(3, 4, 2, bidirectional=True), "gru",
     (3, 2, 3), ((4, 2, 4),)),
    ("gru_batch_first_unbatched", lambda: nn.GRU(3, 4, batch_first=True), "gru", (3, 3), ()),
]


@pytest.mark.parametrize("make,mode,xshape,hshapes", [c[1:] for c in RNN_CASES],
                         ids=[c[0] for c in RNN_CASES])
def test_recurrent_forward_and_gradients(make, mode, xshape, hshapes):
    torch.manual_seed(0)
    m = make().double()
    x = rng.randn(*xshape)
    hs = [rng.randn(*s) for s in hshapes]
    inputs = [x] + ([tuple(hs)] if mode == "lstm" and hs else hs)
    out, h = m(*[torch.tensor(a) if isinstance(a, np.ndarray) else
                 tuple(torch.tensor(b) for b in a) for a in inputs])
    hlist = list(h) if isinstance(h, tuple) else [h]
    weights = [rng.randn(*out.shape)] + [rng.randn(*t.shape) for t in hlist]
    ref = rnn_ref(mode, m.hidden_size, m.num_layers, m.bidirectional, m.batch_first)
    if mode == "lstm" and hs:
        # LSTM takes (h0, c0) as one argument: flatten it for the comparison
        class Flat(nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, x, h0, c0):
                return self.inner(x, (h0, c0))
        wrapped = Flat(m)
        wrapped_ref = (lambda p, x, h0, c0:
                       ref({k[len("inner."):]: v for k, v in p.items()}, x, h0, c0))
        grads_match(wrapped, [x, hs[0], hs[1]], weights, wrapped_ref)
    else:
        grads_match(m, inputs, weights, ref)


def test_recurrent_dropout_between_layers_only_in_training():
    torch.manual_seed(0)
    m = nn.GRU(3, 4, 2, dropout=0.5).double()
    x = torch.tensor(rng.randn(5, 2, 3))
    m.eval()
    a, b = np_of(m(x)[0]), np_of(m(x)[0])
    np.testing.assert_allclose(a, b, rtol=1e-12)   # (rounding: see test_nn's init test)
    m.train()
    c = np_of(m(x)[0])
    assert not np.allclose(a, c)


def test_recurrent_names_and_all_weights():
    m = nn.LSTM(3, 4, 2, bidirectional=True)
    assert m._all_weights[1] == ["weight_ih_l0_reverse", "weight_hh_l0_reverse",
                                 "bias_ih_l0_reverse", "bias_hh_l0_reverse"]
    assert m.all_weights[2][0] is m.weight_ih_l1
    assert tuple(m.weight_ih_l1.shape) == (16, 8)


def test_lstm_training_step_is_one_program():
    from facade import debug
    torch.manual_seed(0)
    m, head = nn.LSTM(3, 8, batch_first=True), nn.Linear(8, 1)
    params = list(m.parameters()) + list(head.parameters())
    x, y = torch.randn(4, 6, 3), torch.randn(4, 1)

    def step():
        out, (h, c) = m(x)
        loss = nn.functional.mse_loss(head(out[:, -1]), y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.1 * p.grad
                p.grad = None
        return loss.item()
    first = [step() for _ in range(5)]
    debug.reset_counters()
    rest = [step() for _ in range(5)]
    assert debug.counters()["compiles"] == 0 and debug.counters()["calls"] == 5
    assert rest[-1] < first[0]


# ------------------------------------------------------------------ attention reference
def _float_mask(mask):
    if mask is None or mask.dtype.kind == "f":
        return mask
    return jnp.where(mask, -jnp.inf, 0.0)


def mha_ref(E, H, batch_first, need_weights=True, average=True, bias_kv=False,
            zero_attn=False):
    hd = E // H

    def f(p, q, k, v, key_padding_mask=None, attn_mask=None):
        unbatched = q.ndim == 2
        if unbatched:
            q, k, v = q[:, None], k[:, None], v[:, None]
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask[None]
        elif batch_first:
            q, k, v = (jnp.swapaxes(t, 0, 1) for t in (q, k, v))
        L, N, _ = q.shape
        if "in_proj_weight" in p:
            wq, wk, wv = jnp.split(p["in_proj_weight"], 3)
        else:
            wq, wk, wv = p["q_proj_weight"], p["k_proj_weight"], p["v_proj_weight"]
        bq, bk, bv = (jnp.split(p["in_proj_bias"], 3) if "in_proj_bias" in p
                      else (0.0, 0.0, 0.0))
        q, k, v = q @ wq.T + bq, k @ wk.T + bk, v @ wv.T + bv
        am, kpm = _float_mask(attn_mask), _float_mask(key_padding_mask)
        if bias_kv:
            k = jnp.concatenate([k, jnp.broadcast_to(p["bias_k"], (1, N, E))])
            v = jnp.concatenate([v, jnp.broadcast_to(p["bias_v"], (1, N, E))])
        q = q.reshape(L, N * H, hd).transpose(1, 0, 2)
        k = k.reshape(k.shape[0], N * H, hd).transpose(1, 0, 2)
        v = v.reshape(v.shape[0], N * H, hd).transpose(1, 0, 2)
        if zero_attn:
            k = jnp.concatenate([k, jnp.zeros((N * H, 1, hd))], 1)
            v = jnp.concatenate([v, jnp.zeros((N * H, 1, hd))], 1)
        S = k.shape[1]
        extra = S - (attn_mask.shape[-1] if attn_mask is not None else S)
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
        if am is not None:
            am = jnp.pad(am, [(0, 0)] * (am.ndim - 1) + [(0, extra)])
            scores = scores + (am[None] if am.ndim == 2 else am)
        if kpm is not None:
            kpm = jnp.pad(kpm, [(0, 0), (0, S - kpm.shape[1])])
            scores = scores + jnp.repeat(kpm, H, axis=0)[:, None, :]
        a = jax.nn.softmax(scores, -1)
        o = (a @ v).transpose(1, 0, 2).reshape(L, N, E)
        o = o @ p["out_proj.weight"].T + p.get("out_proj.bias", 0.0)
        w = a.reshape(N, H, L, S)
        if average:
            w = w.mean(1)
        if unbatched:
            o, w = o[:, 0], w[0]
        elif batch_first:
            o = jnp.swapaxes(o, 0, 1)
        return o, (w if need_weights else None)
    return f


def _bool(*s, p=0.3):
    m = rng.rand(*s) < p
    return m


MHA_CASES = [
    ("plain", dict(), dict(), (5, 2), (6, 2)),
    ("batch_first_masks", dict(batch_first=True), dict(key_padding_mask=True, attn_mask="2d"),
     (2, 5), (2, 6)),
    ("float_3d_mask_no_average", dict(), dict(attn_mask="3d_float", average=False),
     (5, 2), (6, 2)),
    ("no_weights_no_bias", dict(bias=False), dict(need_weights=False), (5, 2), (6, 2)),
    ("kdim_vdim_bias_kv_zero_attn", dict(kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True),
     dict(key_padding_mask=True, attn_mask="2d"), (5, 2), (6, 2)),
    ("unbatched", dict(), dict(attn_mask="2d"), (5,), (6,)),
]


@pytest.mark.parametrize("ctor,call,qshape,kshape", [c[1:] for c in MHA_CASES],
                         ids=[c[0] for c in MHA_CASES])
def test_multihead_attention_forward_and_gradients(ctor, call, qshape, kshape):
    E, H = 8, 2
    torch.manual_seed(0)
    m = nn.MultiheadAttention(E, H, **ctor).double()
    bf = ctor.get("batch_first", False)
    q = rng.randn(*qshape, E)
    k = rng.randn(*kshape, ctor.get("kdim", E))
    v = rng.randn(*kshape, ctor.get("vdim", E))
    batched = len(qshape) == 2
    N = (qshape[0] if bf else qshape[1]) if batched else None
    L = (qshape[1] if bf else qshape[0]) if batched else qshape[0]
    S = (kshape[1] if bf else kshape[0]) if batched else kshape[0]
    kpm = am = None
    if call.get("key_padding_mask"):
        kpm = _bool(N, S)
        kpm[:, 0] = False                      # every query keeps one key
    if call.get("attn_mask") == "2d":
        am = _bool(L, S)
        am[:, 1] = False
    elif call.get("attn_mask") == "3d_float":
        am = rng.randn(N * H, L, S)
    need, avg = call.get("need_weights", True), call.get("average", True)

    class Call(nn.Module):
        def __init__(self):
            super().__init__()
            self.att = m

        def forward(self, q, k, v, kpm, am):
            return self.att(q, k, v, key_padding_mask=kpm, need_weights=need, attn_mask=am,
                            average_attn_weights=avg)

    ref = mha_ref(E, H, bf, need, avg, ctor.get("add_bias_kv", False),
                  ctor.get("add_zero_attn", False))

    def wrapped_ref(p, q, k, v, kpm, am):
        return ref({n[len("att."):]: x for n, x in p.items()}, q, k, v, kpm, am)

    inputs = [q, k, v, kpm, am]
    out, w = m(*[torch.tensor(a) if a is not None else None for a in inputs[:3]],
               key_padding_mask=None if kpm is None else torch.tensor(kpm),
               need_weights=need, attn_mask=None if am is None else torch.tensor(am),
               average_attn_weights=avg)
    assert (w is None) == (not need)
    weights = [rng.randn(*out.shape)] + ([rng.randn(*w.shape)] if need else [])
    grads_match(Call(), inputs, weights, wrapped_ref)


# ------------------------------------------------------------------ transformer layer
def _layer_norm(x, w, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / jnp.sqrt(var + 1e-5) * w + b


def tel_ref(E, H, norm_first, activation, batch_first):
    att = mha_ref(E, H, batch_first, need_weights=False)

    def f(p, x, src_mask=None, kpm=None):
        sub = {k[len("self_attn."):]: v for k, v in p.items() if k.startswith("self_attn.")}

        def sa(y):
            return att(sub, y, y, y, kpm, src_mask)[0]

        def ff(y):
            return activation(y @ p["linear1.weight"].T + p["linear1.bias"]) \
                @ p["linear2.weight"].T + p["linear2.bias"]

        def n1(y):
            return _layer_norm(y, p["norm1.weight"], p["norm1.bias"])

        def n2(y):
            return _layer_norm(y, p["norm2.weight"], p["norm2.bias"])
        if norm_first:
            x = x + sa(n1(x))
            return x + ff(n2(x))
        x = n1(x + sa(x))
        return n2(x + ff(x))
    return f


@pytest.mark.parametrize("norm_first,activation,batch_first", [
    (False, "relu", False), (True, "gelu", True)])
def test_transformer_encoder_layer_forward_and_gradients(norm_first, activation, batch_first):
    torch.manual_seed(0)
    E, H, L, N = 8, 2, 5, 3
    layer = nn.TransformerEncoderLayer(E, H, 16, dropout=0.1, activation=activation,
                                       batch_first=batch_first, norm_first=norm_first)
    layer.eval()                                # dropout off
    with torch.no_grad():                       # non-trivial LayerNorm affine parameters
        for n in ("norm1", "norm2"):
            getattr(layer, n).weight.copy_(torch.randn(E))
            getattr(layer, n).bias.copy_(torch.randn(E))
    x = rng.randn(N, L, E) if batch_first else rng.randn(L, N, E)
    mask = np.triu(np.ones((L, L), bool), 1)
    kpm = np.zeros((N, L), bool)
    kpm[0, -2:] = True
    act = jax.nn.relu if activation == "relu" else (lambda y: jax.nn.gelu(y, approximate=False))
    ref = tel_ref(E, H, norm_first, act, batch_first)
    grads_match(layer, [x, mask, kpm], [rng.randn(*x.shape)], ref, rtol=1e-7)


def test_transformer_encoder_stacks_copies_and_dropout_trains():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
    assert len(enc.layers) == 2 and enc.layers[0] is not layer
    assert [n for n, _ in enc.named_parameters()][:2] == ["layers.0.self_attn.in_proj_weight",
                                                          "layers.0.self_attn.in_proj_bias"]
    x = torch.randn(5, 2, 8)
    enc.eval()
    a = np_of(enc(x))
    np.testing.assert_allclose(a, np_of(enc(x)), rtol=1e-6)
    enc.train()
    assert not np.allclose(a, np_of(enc(x)))     # dropout is on in training mode
    out = enc(x).sum()
    out.backward()
    assert all(p.grad is not None for p in enc.parameters())
