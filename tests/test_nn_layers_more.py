"""Layer details found by comparing facade with PyTorch 2.13: attributes PyTorch sets,
its warnings, the masks of attention (mixed types, the is_causal hint). This file also
runs under `import torch` (the values asserted here were recorded that way).
"""
import warnings

import numpy as np
import pytest

import facade as torch
from facade import nn


def test_relu6_is_a_hardtanh():
    m = nn.ReLU6(inplace=True)
    assert isinstance(m, nn.Hardtanh)
    assert (m.min_val, m.max_val, m.inplace) == (0.0, 6.0, True)
    assert repr(m) == "ReLU6(inplace=True)" and repr(nn.ReLU6()) == "ReLU6()"
    assert nn.ReLU6()(torch.tensor([-1.0, 3.0, 7.0])).tolist() == [0.0, 3.0, 6.0]


def test_transformer_encoder_layer_marks_relu_or_gelu():
    kinds = {"relu": 1, "gelu": 2}
    for act, want in [("relu", 1), ("gelu", 2), (nn.functional.relu, 1),
                      (nn.functional.gelu, 2), (nn.ReLU(), 1), (nn.GELU(), 2),
                      (torch.tanh, 0)]:
        layer = nn.TransformerEncoderLayer(8, 2, 16, activation=act)
        assert layer.activation_relu_or_gelu == want, act
    assert kinds


@pytest.mark.parametrize("kw,why", [
    ({}, "encoder_layer.self_attn.batch_first was not True(use batch_first for better "
         "inference performance)"),
    ({"batch_first": True, "norm_first": True}, "encoder_layer.norm_first was True"),
    ({"batch_first": True, "bias": False}, "encoder_layer.self_attn was passed bias=False"),
    ({"batch_first": True, "activation": torch.tanh},
     "encoder_layer.activation_relu_or_gelu was not True"),
])
def test_transformer_encoder_nested_tensor_warning(kw, why):
    layer = nn.TransformerEncoderLayer(8, 2, 16, **kw)
    with pytest.warns(UserWarning) as rec:
        enc = nn.TransformerEncoder(layer, 2)
    assert [str(w.message) for w in rec] == [
        f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why}"]
    assert enc.enable_nested_tensor is True and enc.use_nested_tensor is False
    assert enc.mask_check is True


def test_transformer_encoder_without_the_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2)
        assert enc.use_nested_tensor is True
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2,
                                    enable_nested_tensor=False, mask_check=False)
        assert (enc.use_nested_tensor, enc.mask_check) == (False, False)


def _mha(**kw):
    torch.manual_seed(0)
    m = nn.MultiheadAttention(8, 2, **kw)
    rs = np.random.RandomState(0)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.tensor(rs.randn(*p.shape).astype(np.float32) * 0.3))
    return m


def _x(*shape, seed=1):
    return torch.tensor(np.random.RandomState(seed).randn(*shape).astype(np.float32))


def test_mismatched_mask_types_warn_once():
    m = _mha()
    q = _x(4, 2, 8)
    kpm = torch.tensor([[False, False, False, True], [False, False, False, False]])
    with pytest.warns(UserWarning) as rec:
        out, _ = m(q, q, q, key_padding_mask=kpm, attn_mask=torch.zeros(4, 4))
    assert [str(w.message) for w in rec] == [
        "Support for mismatched key_padding_mask and attn_mask is deprecated. Use same type "
        "for both instead."]
    same, _ = m(q, q, q, key_padding_mask=kpm, attn_mask=torch.zeros(4, 4, dtype=torch.bool))
    np.testing.assert_allclose(out.detach().numpy(), same.detach().numpy(), rtol=1e-6)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)
    with pytest.warns(UserWarning) as rec:
        layer(q, src_mask=torch.zeros(4, 4), src_key_padding_mask=kpm)
    assert [str(w.message) for w in rec] == [
        "Support for mismatched src_key_padding_mask and src_mask is deprecated. Use same "
        "type for both instead."]
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask are "
                                             "supported"):
        m(q, q, q, attn_mask=torch.zeros(4, 4, dtype=torch.int64))


def test_is_causal_hint_uses_a_causal_mask_when_weights_are_not_needed():
    m = _mha()
    q, k = _x(4, 2, 8), _x(6, 2, 8, seed=2)
    causal = torch.ones(4, 6, dtype=torch.bool).tril().logical_not()
    ref, _ = m(q, k, k, attn_mask=causal, need_weights=False)
    # the hint wins over the mask given (PyTorch hands is_causal to SDPA and drops the mask)
    hinted, w = m(q, k, k, attn_mask=torch.zeros(4, 6, dtype=torch.bool), need_weights=False,
                  is_causal=True)
    assert w is None
    np.testing.assert_allclose(hinted.detach().numpy(), ref.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    # with need_weights (or a key_padding_mask) the mask given is used as it is
    plain, _ = m(q, k, k, attn_mask=torch.zeros(4, 6, dtype=torch.bool))
    used, _ = m(q, k, k, attn_mask=torch.zeros(4, 6, dtype=torch.bool), is_causal=True)
    np.testing.assert_allclose(used.detach().numpy(), plain.detach().numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(q, k, k, is_causal=True)


def test_transformer_encoder_detects_a_causal_mask():
    torch.manual_seed(0)
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2,
                                enable_nested_tensor=False)
    x = _x(5, 2, 8)
    mask = nn.Transformer.generate_square_subsequent_mask(5) if hasattr(nn, "Transformer") \
        else torch.full((5, 5), float("-inf")).triu(1)
    a = enc(x, mask=mask)
    b = enc(x, mask=mask, is_causal=True)
    c = enc(x, mask=torch.ones(5, 5, dtype=torch.bool).triu(1))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a.detach().numpy(), c.detach().numpy(), rtol=1e-5, atol=1e-6)
