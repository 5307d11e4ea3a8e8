"""Re-record the PyTorch references used by tests/test_nn_golden.py (needs torch; the test
itself does not).

    .venv/bin/python tests/golden/gen_nn_golden.py

For each case below: build the module with PyTorch (seeded), run it on fixed inputs, and
record its state_dict, the outputs, the gradients (of the inputs and parameters, for a fixed
random cotangent of every floating output), the buffers after the call (BatchNorm's running
statistics) and the warnings it raised. Writes tests/golden/nn_reference.json.
"""
import json
import os
import warnings
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def R(*shape):
    return ("randn", list(shape))


def B(array):
    return ("bool", np.asarray(array, bool).tolist())


def I(n, *shape):
    return ("int", n, list(shape))


def T(*specs):
    return ("tuple", list(specs))


def P(*shape):
    return ("prob", list(shape))       # in (0, 1), for BCELoss


def CAUSAL(n):
    return ("float", np.triu(np.full((n, n), -np.inf), 1).tolist())


KPM = B([[0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 1]])
KPM4 = B([[0, 0, 0, 1], [0, 0, 0, 0]])
MASK46 = B(np.triu(np.ones((4, 6)), 1))
MASK44 = B(np.triu(np.ones((4, 4)), 1))

CASES = [
    # name, constructor, positional inputs, keyword inputs, training mode
    ("linear_3d", "nn.Linear(3, 4)", [R(2, 5, 3)], {}, False),
    ("linear_1d_nobias", "nn.Linear(3, 4, bias=False)", [R(3)], {}, False),
    ("bilinear", "nn.Bilinear(2, 3, 4)", [R(5, 2), R(5, 3)], {}, False),
    ("gelu_tanh", "nn.GELU('tanh')", [R(3, 4)], {}, False),
    ("leaky_relu", "nn.LeakyReLU(0.2)", [R(3, 4)], {}, False),
    ("log_softmax", "nn.LogSoftmax(dim=1)", [R(2, 3, 4)], {}, False),
    ("embedding_padding", "nn.Embedding(10, 3, padding_idx=1)", [I(10, 2, 4)], {}, False),
    ("layer_norm_2d", "nn.LayerNorm((3, 4))", [R(2, 3, 4)], {}, False),
    ("batch_norm_1d_train", "nn.BatchNorm1d(3)", [R(6, 3, 5)], {}, True),
    ("batch_norm_1d_cumulative", "nn.BatchNorm1d(3, momentum=None)", [R(6, 3)], {}, True),
    ("batch_norm_2d_train", "nn.BatchNorm2d(3, affine=False)", [R(4, 3, 5, 5)], {}, True),
    ("batch_norm_2d_eval", "nn.BatchNorm2d(3)", [R(4, 3, 5, 5)], {}, False),
    ("batch_norm_no_stats_eval", "nn.BatchNorm1d(3, track_running_stats=False)", [R(6, 3)],
     {}, False),
    ("conv1d_same_dilated", "nn.Conv1d(2, 4, 3, padding='same', dilation=2)", [R(2, 2, 9)], {},
     False),
    ("conv1d_circular", "nn.Conv1d(2, 4, 3, padding=2, padding_mode='circular')", [R(2, 2, 9)],
     {}, False),
    ("conv2d_groups", "nn.Conv2d(2, 4, (3, 5), stride=2, padding=1, dilation=2, groups=2)",
     [R(2, 2, 12, 12)], {}, False),
    ("conv2d_reflect_unbatched", "nn.Conv2d(2, 4, 3, padding=1, padding_mode='reflect')",
     [R(2, 7, 7)], {}, False),
    ("max_pool_ceil", "nn.MaxPool2d(3, 2, 1, ceil_mode=True)", [R(2, 3, 8, 8)], {}, False),
    ("avg_pool_no_pad_count", "nn.AvgPool2d(3, 2, 1, count_include_pad=False)",
     [R(2, 3, 8, 8)], {}, False),
    ("adaptive_avg_pool", "nn.AdaptiveAvgPool2d((3, None))", [R(2, 3, 7, 5)], {}, False),
    ("rnn_relu_2layer_bidir_bf", "nn.RNN(3, 4, 2, nonlinearity='relu', batch_first=True, "
     "bidirectional=True)", [R(2, 3, 3)], {}, False),
    ("lstm_proj_hx_bf", "nn.LSTM(3, 4, 2, proj_size=2, batch_first=True)",
     [R(2, 3, 3), T(R(2, 2, 2), R(2, 2, 4))], {}, False),
    ("gru_2layer_bidir_nobias_hx", "nn.GRU(3, 4, 2, bias=False, bidirectional=True)",
     [R(2, 2, 3), R(4, 2, 4)], {}, False),
    ("mha_masks", "nn.MultiheadAttention(8, 2)", [R(4, 2, 8), R(6, 2, 8), R(6, 2, 8)],
     {"key_padding_mask": KPM, "attn_mask": MASK46}, False),
    ("mha_float_3d_mask_per_head", "nn.MultiheadAttention(8, 2)",
     [R(4, 2, 8), R(6, 2, 8), R(6, 2, 8)],
     {"attn_mask": R(4, 4, 6), "average_attn_weights": False}, False),
    ("mha_kv_dims_bias_kv_zero_attn_bf", "nn.MultiheadAttention(8, 2, kdim=3, vdim=5, "
     "add_bias_kv=True, add_zero_attn=True, batch_first=True)",
     [R(2, 4, 8), R(2, 6, 3), R(2, 6, 5)], {"key_padding_mask": KPM}, False),
    ("mha_is_causal", "nn.MultiheadAttention(8, 2)", [R(4, 2, 8), R(4, 2, 8), R(4, 2, 8)],
     {"attn_mask": MASK44, "is_causal": True, "need_weights": False}, False),
    ("mha_mixed_mask_types", "nn.MultiheadAttention(8, 2)",
     [R(4, 2, 8), R(6, 2, 8), R(6, 2, 8)], {"key_padding_mask": KPM, "attn_mask": R(4, 6)},
     False),
    ("encoder_layer_post_norm_masks", "nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)",
     [R(4, 2, 8)], {"src_mask": MASK44, "src_key_padding_mask": KPM4}, True),
    ("encoder_layer_norm_first_gelu_bf", "nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, "
     "activation='gelu', batch_first=True, norm_first=True)", [R(2, 4, 8)],
     {"src_key_padding_mask": KPM4}, False),
    ("encoder_layer_callable_activation_eval",
     "nn.TransformerEncoderLayer(8, 2, 16, activation=torch.tanh, layer_norm_eps=1e-3)",
     [R(4, 8)], {}, False),
    ("encoder_causal_norm", "nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, "
     "dropout=0.0), 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)", [R(4, 2, 8)],
     {"mask": CAUSAL(4)}, False),
    ("mse_sum", "nn.MSELoss(reduction='sum')", [R(3, 4), R(3, 4)], {}, False),
    ("l1", "nn.L1Loss()", [R(3, 4), R(3, 4)], {}, False),
    ("cross_entropy_weight_ignore_smoothing", "nn.CrossEntropyLoss(weight=torch.tensor([1.0, "
     "2.0, 0.5, 1.0]), ignore_index=2, label_smoothing=0.1)",
     [R(5, 4), ("ints", [0, 2, 3, 1, 2])], {}, False),
    ("cross_entropy_probabilities_2d", "nn.CrossEntropyLoss()", [R(2, 3, 4), P(2, 3, 4)], {},
     False),
    ("nll_none", "nn.NLLLoss(reduction='none')", [R(5, 3), ("ints", [0, 2, 1, 1, 0])], {},
     False),
    ("bce_weight", "nn.BCELoss(weight=torch.tensor([1.0, 2.0, 0.5]))", [P(4, 3), P(4, 3)], {},
     False),
    ("bce_logits_pos_weight", "nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 3.0, 0.5]))",
     [R(4, 3), P(4, 3)], {}, False),
    ("huber_delta", "nn.HuberLoss(delta=0.5)", [R(3, 4), R(3, 4)], {}, False),
    ("smooth_l1_beta", "nn.SmoothL1Loss(beta=0.5)", [R(3, 4), R(3, 4)], {}, False),
    ("kl_div_batchmean", "nn.KLDivLoss(reduction='batchmean')", [R(3, 4), P(3, 4)], {}, False),
]


def make_input(spec, rs):
    kind = spec[0]
    if kind == "randn":
        return rs.randn(*spec[1]).astype(np.float32)
    if kind == "prob":
        return rs.uniform(0.05, 0.95, spec[1]).astype(np.float32)
    if kind == "bool":
        return np.asarray(spec[1], bool)
    if kind == "float":
        return np.asarray(spec[1], np.float32)
    if kind == "int":
        return rs.randint(0, spec[1], spec[2]).astype(np.int64)
    if kind == "ints":
        return np.asarray(spec[1], np.int64)
    if kind == "tuple":
        return tuple(make_input(s, rs) for s in spec[1])
    raise ValueError(kind)


def encode(a):
    """A JSON value for an array: (dtype, shape, values); -inf and nan as strings."""
    a = np.asarray(a)
    vals = a.ravel().tolist() if a.dtype in (bool, np.int64) else \
        a.astype(np.float64).ravel().tolist()
    vals = [("-inf" if v == -np.inf else "inf" if v == np.inf else "nan" if v != v
             else float(f"{v:.8g}")) if isinstance(v, float) else v for v in vals]
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": vals}


def flat(o):
    if isinstance(o, (tuple, list)):
        return [y for x in o for y in flat(x)]
    return [o]


def record(name, ctor, args, kwargs, train):
    rs = np.random.RandomState(zlib.crc32(name.encode()))
    with warnings.catch_warnings(record=True) as ctor_warnings:
        warnings.simplefilter("always")
        torch.manual_seed(0)
        m = eval(ctor, {"nn": torch.nn, "torch": torch})
    m.train(train)
    np_args = [make_input(s, rs) for s in args]
    np_kwargs = {k: make_input(s, rs) for k, s in kwargs.items() if isinstance(s, tuple)}
    plain = {k: v for k, v in kwargs.items() if not isinstance(v, tuple)}

    def to_torch(a, grad):
        if isinstance(a, tuple):
            return tuple(to_torch(x, grad) for x in a)
        t = torch.tensor(a)
        return t.requires_grad_(True) if grad and t.is_floating_point() else t
    # every floating input requires grad, but a loss's target
    loss = ctor.split("(")[0].endswith("Loss")
    t_args = [to_torch(a, not (loss and i > 0)) for i, a in enumerate(np_args)]
    t_kwargs = {k: torch.tensor(v) for k, v in np_kwargs.items()}
    sd = {k: encode(v.detach().numpy()) for k, v in m.state_dict().items()}
    with warnings.catch_warnings(record=True) as call_warnings:
        warnings.simplefilter("always")
        out = m(*t_args, **t_kwargs, **plain)
    outs = flat(out)
    cots = [np.asarray(rs.randn(*o.shape), np.float32) if o is not None and o.is_floating_point()
            else None for o in outs]
    total = sum((o * torch.tensor(c)).sum() for o, c in zip(outs, cots) if c is not None)
    total.backward()
    grads_in = [None if not (isinstance(a, torch.Tensor) and a.grad is not None)
                else encode(a.grad.numpy()) for a in flat(t_args)]
    grads_p = {k: encode(p.grad.numpy()) for k, p in m.named_parameters() if p.grad is not None}
    buffers = {k: encode(b.numpy()) for k, b in m.named_buffers()}
    keep = lambda ws: [str(w.message) for w in ws if "oneDNN" not in str(w.message)]  # noqa
    return {
        "ctor": ctor, "train": train, "args": args, "kwargs": kwargs,
        "inputs": [encode(a) if not isinstance(a, tuple) else [encode(x) for x in a]
                   for a in np_args],
        "kwarg_inputs": {k: encode(v) for k, v in np_kwargs.items()},
        "state_dict": sd,
        "outputs": [None if o is None else encode(o.detach().numpy()) for o in outs],
        "cotangents": [None if c is None else encode(c) for c in cots],
        "grad_inputs": grads_in, "grad_params": grads_p, "buffers": buffers,
        "ctor_warnings": keep(ctor_warnings), "call_warnings": keep(call_warnings),
    }


def main():
    ref = {"torch": torch.__version__, "cases": {}}
    for name, ctor, args, kwargs, train in CASES:
        ref["cases"][name] = record(name, ctor, args, kwargs, train)
    with open(os.path.join(HERE, "nn_reference.json"), "w") as fh:
        json.dump(ref, fh)


if __name__ == "__main__":
    main()
