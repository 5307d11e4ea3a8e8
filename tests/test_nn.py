"""facade.nn: Module API, containers, Parameter, printed forms, state dicts, init, utils and
each layer's forward against NumPy/JAX with the same weights; a training step built from
modules runs as one compiled program per step.

The printed forms, state-dict layouts and error messages below were recorded from PyTorch
2.13 (CPU) by evaluating the same expressions with `import torch`.
"""
import copy
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from facade import debug, nn

F = nn.functional
Z = torch.zeros


class M(nn.Module):
    pass


def lin():
    return nn.Linear(3, 2)


def clip_inf():
    p = nn.Parameter(torch.ones(2))
    p.grad = torch.tensor([float("inf"), 1.])
    return nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def mha(*a, **k):
    return nn.MultiheadAttention(8, 2)(*a, **k)


def np_of(t):
    return t.detach().numpy().astype(np.float64)


def state(model):
    return {k: np_of(v) for k, v in model.state_dict().items()}


def tensor64(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


# ------------------------------------------------------------------ recorded from PyTorch
TUTORIAL_REPR = """NeuralNetwork(
  (flatten): Flatten(start_dim=1, end_dim=-1)
  (linear_relu_stack): Sequential(
    (0): Linear(in_features=784, out_features=512, bias=True)
    (1): ReLU()
    (2): Linear(in_features=512, out_features=512, bias=True)
    (3): ReLU()
    (4): Linear(in_features=512, out_features=10, bias=True)
  )
)"""

REPRS = [
    ('nn.Identity()',
     'Identity()'),
    ('nn.Bilinear(2, 3, 4)',
     'Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)'),
    ('nn.Flatten()',
     'Flatten(start_dim=1, end_dim=-1)'),
    ('nn.Unflatten(1, (2, 5))',
     'Unflatten(dim=1, unflattened_size=(2, 5))'),
    ('nn.ReLU()',
     'ReLU()'),
    ('nn.ReLU(inplace=True)',
     'ReLU(inplace=True)'),
    ('nn.LeakyReLU()',
     'LeakyReLU(negative_slope=0.01)'),
    ('nn.LeakyReLU(0.2, True)',
     'LeakyReLU(negative_slope=0.2, inplace=True)'),
    ('nn.GELU()',
     "GELU(approximate='none')"),
    ("nn.GELU('tanh')",
     "GELU(approximate='tanh')"),
    ('nn.SiLU()',
     'SiLU()'),
    ('nn.Sigmoid()',
     'Sigmoid()'),
    ('nn.Tanh()',
     'Tanh()'),
    ('nn.Softmax()',
     'Softmax(dim=None)'),
    ('nn.Softmax(dim=1)',
     'Softmax(dim=1)'),
    ('nn.LogSoftmax(1)',
     'LogSoftmax(dim=1)'),
    ('nn.Dropout()',
     'Dropout(p=0.5, inplace=False)'),
    ('nn.Dropout(0.3, True)',
     'Dropout(p=0.3, inplace=True)'),
    ('nn.Embedding(10, 3)',
     'Embedding(10, 3)'),
    ('nn.Embedding(10, 3, padding_idx=0, max_norm=1.0)',
     'Embedding(10, 3, padding_idx=0, max_norm=1.0)'),
    ('nn.LayerNorm(4)',
     'LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)'),
    ('nn.LayerNorm((3, 4), elementwise_affine=False)',
     'LayerNorm((3, 4), eps=1e-05, elementwise_affine=False, bias=False)'),
    ('nn.LayerNorm(4, bias=False)',
     'LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=False)'),
    ('nn.BatchNorm1d(3)',
     'BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)'),
    ('nn.BatchNorm2d(3, momentum=None, affine=False, track_running_stats=False)',
     'BatchNorm2d(3, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=False)'),
    ('nn.Conv1d(2, 3, 3)',
     'Conv1d(2, 3, kernel_size=(3,), stride=(1,))'),
    ('nn.Conv2d(1, 4, 3, stride=2, padding=1)',
     'Conv2d(1, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))'),
    ('nn.Conv2d(1, 4, (3, 5), dilation=2, bias=False)',
     'Conv2d(1, 4, kernel_size=(3, 5), stride=(1, 1), dilation=(2, 2), bias=False)'),
    ("nn.Conv2d(2, 4, 3, padding='same', groups=2, padding_mode='reflect')",
     'Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, groups=2, padding_mode=reflect)'),
    ('nn.MaxPool2d(2)',
     'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'),
    ('nn.MaxPool2d(3, 2, 1, ceil_mode=True)',
     'MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)'),
    ('nn.AvgPool2d(2)',
     'AvgPool2d(kernel_size=2, stride=2, padding=0)'),
    ('nn.AvgPool2d(3, 1, 1, count_include_pad=False)',
     'AvgPool2d(kernel_size=3, stride=1, padding=1)'),
    ('nn.AdaptiveAvgPool2d((1, 1))',
     'AdaptiveAvgPool2d(output_size=(1, 1))'),
    ('nn.AdaptiveAvgPool2d(5)',
     'AdaptiveAvgPool2d(output_size=5)'),
    ('nn.RNN(3, 4)',
     'RNN(3, 4)'),
    ("nn.RNN(3, 4, 2, nonlinearity='relu', bias=False, batch_first=True, dropout=0.5, bidirectional=True)",
     'RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)'),
    ('nn.LSTM(3, 4)',
     'LSTM(3, 4)'),
    ('nn.LSTM(3, 4, num_layers=2, batch_first=True)',
     'LSTM(3, 4, num_layers=2, batch_first=True)'),
    ('nn.LSTM(3, 4, proj_size=2)',
     'LSTM(3, 4, proj_size=2)'),
    ('nn.GRU(3, 4, bidirectional=True)',
     'GRU(3, 4, bidirectional=True)'),
    ('nn.MultiheadAttention(8, 2)',
     'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)'),
    ('nn.MultiheadAttention(8, 2, kdim=4, vdim=6, add_bias_kv=True, bias=False)',
     'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=False)\n)'),
    ('nn.TransformerEncoderLayer(8, 2, 16)',
     'TransformerEncoderLayer(\n  (self_attn): MultiheadAttention(\n    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n  )\n  (linear1): Linear(in_features=8, out_features=16, bias=True)\n  (dropout): Dropout(p=0.1, inplace=False)\n  (linear2): Linear(in_features=16, out_features=8, bias=True)\n  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)\n  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)\n  (dropout1): Dropout(p=0.1, inplace=False)\n  (dropout2): Dropout(p=0.1, inplace=False)\n)'),
    ('nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())',
     "TransformerEncoderLayer(\n  (self_attn): MultiheadAttention(\n    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n  )\n  (linear1): Linear(in_features=8, out_features=16, bias=True)\n  (dropout): Dropout(p=0.1, inplace=False)\n  (linear2): Linear(in_features=16, out_features=8, bias=True)\n  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)\n  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)\n  (dropout1): Dropout(p=0.1, inplace=False)\n  (dropout2): Dropout(p=0.1, inplace=False)\n  (activation): GELU(approximate='none')\n)"),
    ('nn.MSELoss()',
     'MSELoss()'),
    ('nn.L1Loss()',
     'L1Loss()'),
    ('nn.CrossEntropyLoss()',
     'CrossEntropyLoss()'),
    ('nn.NLLLoss()',
     'NLLLoss()'),
    ('nn.BCELoss()',
     'BCELoss()'),
    ('nn.BCEWithLogitsLoss()',
     'BCEWithLogitsLoss()'),
    ('nn.HuberLoss()',
     'HuberLoss()'),
    ('nn.SmoothL1Loss()',
     'SmoothL1Loss()'),
    ('nn.KLDivLoss()',
     'KLDivLoss()'),
    ('nn.ModuleList([nn.ReLU(), nn.Tanh()])',
     'ModuleList(\n  (0): ReLU()\n  (1): Tanh()\n)'),
    ("nn.ModuleDict({'a': nn.ReLU()})",
     'ModuleDict(\n  (a): ReLU()\n)'),
    ('nn.ParameterList([nn.Parameter(torch.ones(2, 3)), nn.Parameter(torch.ones(2))])',
     'ParameterList(\n    (0): Parameter containing: [torch.float32 of size 2x3]\n    (1): Parameter containing: [torch.float32 of size 2]\n)'),
    ("nn.ParameterDict({'a': nn.Parameter(torch.ones(2)), 'b': nn.Parameter(torch.ones(2, 3, dtype=torch.float64))})",
     'ParameterDict(\n    (a): Parameter containing: [torch.FloatTensor of size 2]\n    (b): Parameter containing: [torch.DoubleTensor of size 2x3]\n)'),
    ('nn.Sequential()',
     'Sequential()'),
    ('nn.Module()',
     'Module()'),
    ('nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()] + [nn.Sequential(nn.Linear(2, 2), nn.ReLU())] * 2)',
     'ModuleList(\n  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n  (3): ReLU()\n  (4-5): 2 x Sequential(\n    (0): Linear(in_features=2, out_features=2, bias=True)\n    (1): ReLU()\n  )\n)'),
    ('nn.Mish()',
     'Mish()'),
    ('nn.ELU()',
     'ELU(alpha=1.0)'),
    ('nn.Softplus()',
     'Softplus(beta=1.0, threshold=20.0)'),
    ('nn.Hardtanh()',
     'Hardtanh(min_val=-1.0, max_val=1.0)'),
    ('nn.ReLU6()',
     'ReLU6()'),
    ('nn.ConvTranspose2d(2, 3, 3, stride=2, output_padding=1)',
     'ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))'),
    ('nn.Linear(3, 2, bias=False)',
     'Linear(in_features=3, out_features=2, bias=False)'),
]
STATE_DICTS = [
    ('nn.Linear(3, 2)',
     [('weight', (2, 3), 'float32'), ('bias', (2,), 'float32')]),
    ('nn.BatchNorm1d(3)',
     [('weight', (3,), 'float32'), ('bias', (3,), 'float32'), ('running_mean', (3,), 'float32'), ('running_var', (3,), 'float32'), ('num_batches_tracked', (), 'int64')]),
    ('nn.MultiheadAttention(8, 2)',
     [('in_proj_weight', (24, 8), 'float32'), ('in_proj_bias', (24,), 'float32'), ('out_proj.weight', (8, 8), 'float32'), ('out_proj.bias', (8,), 'float32')]),
    ('nn.MultiheadAttention(8, 2, kdim=4, vdim=6, add_bias_kv=True, bias=False)',
     [('q_proj_weight', (8, 8), 'float32'), ('k_proj_weight', (8, 4), 'float32'), ('v_proj_weight', (8, 6), 'float32'), ('bias_k', (1, 1, 8), 'float32'), ('bias_v', (1, 1, 8), 'float32'), ('out_proj.weight', (8, 8), 'float32')]),
    ('nn.LSTM(3, 4, 2, bidirectional=True)',
     [('weight_ih_l0', (16, 3), 'float32'), ('weight_hh_l0', (16, 4), 'float32'), ('bias_ih_l0', (16,), 'float32'), ('bias_hh_l0', (16,), 'float32'), ('weight_ih_l0_reverse', (16, 3), 'float32'), ('weight_hh_l0_reverse', (16, 4), 'float32'), ('bias_ih_l0_reverse', (16,), 'float32'), ('bias_hh_l0_reverse', (16,), 'float32'), ('weight_ih_l1', (16, 8), 'float32'), ('weight_hh_l1', (16, 4), 'float32'), ('bias_ih_l1', (16,), 'float32'), ('bias_hh_l1', (16,), 'float32'), ('weight_ih_l1_reverse', (16, 8), 'float32'), ('weight_hh_l1_reverse', (16, 4), 'float32'), ('bias_ih_l1_reverse', (16,), 'float32'), ('bias_hh_l1_reverse', (16,), 'float32')]),
    ('nn.LSTM(3, 4, proj_size=2)',
     [('weight_ih_l0', (16, 3), 'float32'), ('weight_hh_l0', (16, 2), 'float32'), ('bias_ih_l0', (16,), 'float32'), ('bias_hh_l0', (16,), 'float32'), ('weight_hr_l0', (2, 4), 'float32')]),
    ('nn.GRU(3, 4, bias=False)',
     [('weight_ih_l0', (12, 3), 'float32'), ('weight_hh_l0', (12, 4), 'float32')]),
    ('nn.RNN(3, 4, 2)',
     [('weight_ih_l0', (4, 3), 'float32'), ('weight_hh_l0', (4, 4), 'float32'), ('bias_ih_l0', (4,), 'float32'), ('bias_hh_l0', (4,), 'float32'), ('weight_ih_l1', (4, 4), 'float32'), ('weight_hh_l1', (4, 4), 'float32'), ('bias_ih_l1', (4,), 'float32'), ('bias_hh_l1', (4,), 'float32')]),
    ('nn.TransformerEncoderLayer(8, 2, 16)',
     [('self_attn.in_proj_weight', (24, 8), 'float32'), ('self_attn.in_proj_bias', (24,), 'float32'), ('self_attn.out_proj.weight', (8, 8), 'float32'), ('self_attn.out_proj.bias', (8,), 'float32'), ('linear1.weight', (16, 8), 'float32'), ('linear1.bias', (16,), 'float32'), ('linear2.weight', (8, 16), 'float32'), ('linear2.bias', (8,), 'float32'), ('norm1.weight', (8,), 'float32'), ('norm1.bias', (8,), 'float32'), ('norm2.weight', (8,), 'float32'), ('norm2.bias', (8,), 'float32')]),
    ('nn.Conv2d(2, 4, 3)',
     [('weight', (4, 2, 3, 3), 'float32'), ('bias', (4,), 'float32')]),
    ('nn.Embedding(5, 2)',
     [('weight', (5, 2), 'float32')]),
    ('nn.LayerNorm(4)',
     [('weight', (4,), 'float32'), ('bias', (4,), 'float32')]),
    ('nn.BCEWithLogitsLoss(pos_weight=torch.ones(3))',
     [('pos_weight', (3,), 'float32')]),
    ('nn.CrossEntropyLoss(weight=torch.ones(3))',
     [('weight', (3,), 'float32')]),
]

ERRORS = [
    ('width', 'nn.Linear(784, 512)(Z(64, 20))',
     RuntimeError, 'mat1 and mat2 shapes cannot be multiplied (64x20 and 784x512)'),
    ('linear_dtype', 'nn.Linear(3, 4)(Z(2, 3, dtype=torch.float64))',
     RuntimeError, 'mat1 and mat2 must have the same dtype, but got Double and Float'),
    ('linear_dtype_3d', 'nn.Linear(3, 4)(Z(5, 2, 3, dtype=torch.int64))',
     RuntimeError, 'mat1 and mat2 must have the same dtype, but got Long and Float'),
    ('linear_dtype_no_bias', 'nn.Linear(3, 4, bias=False)(Z(2, 3, dtype=torch.float64))',
     RuntimeError, 'expected m1 and m2 to have the same dtype, but got: double != float'),
    ('missing', "lin().load_state_dict({'weight': Z(2, 3)})",
     RuntimeError, 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '),
    ('unexpected', "lin().load_state_dict({'weight': Z(2, 3), 'bias': Z(2), 'extra': Z(1), 'ex2': Z(1)})",
     RuntimeError, 'Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: "extra", "ex2". '),
    ('size', "lin().load_state_dict({'weight': Z(3, 3), 'bias': Z(3)})",
     RuntimeError, 'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is torch.Size([2, 3]).\n\tsize mismatch for bias: copying a param with shape torch.Size([3]) from checkpoint, the shape in current model is torch.Size([2]).'),
    ('size_nonstrict', "lin().load_state_dict({'weight': Z(3, 3)}, strict=False)",
     RuntimeError, 'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is torch.Size([2, 3]).'),
    ('all_three', "lin().load_state_dict({'weight': Z(3, 3), 'x.y': Z(1)})",
     RuntimeError, 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "x.y". \n\tsize mismatch for weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is torch.Size([2, 3]).'),
    ('nested_missing', "nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1))).load_state_dict({'0.weight': Z(2, 2), '1.1.bias': Z(1), '1.0.foo': Z(1)})",
     RuntimeError, 'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias", "1.1.weight". \n\tUnexpected key(s) in state_dict: "1.0.foo". '),
    ('not_a_dict', 'lin().load_state_dict([1])',
     TypeError, "Expected state_dict to be dict-like, got <class 'list'>."),
    ('not_a_tensor', "lin().load_state_dict({'weight': 3, 'bias': Z(2)})",
     RuntimeError, 'Error(s) in loading state_dict for Linear:\n\tWhile copying the parameter named "weight", expected torch.Tensor or Tensor-like object from checkpoint but received <class \'int\'>'),
    ('assign_tensor_to_param', "setattr(lin(), 'weight', Z(2, 3))",
     TypeError, "cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)"),
    ('buffer_name_taken', "lin().register_buffer('weight', Z(2))",
     KeyError, '"attribute \'weight\' already exists"'),
    ('param_not_param', "lin().register_parameter('x', Z(2))",
     TypeError, "cannot assign 'torch.FloatTensor' object to parameter 'x' (torch.nn.Parameter or None required)"),
    ('no_attribute', 'lin().foo',
     AttributeError, "'Linear' object has no attribute 'foo'"),
    ('module_name_dot', "lin().add_module('a.b', nn.ReLU())",
     KeyError, '\'module name can\\\'t contain ".", got: a.b\''),
    ('module_not_module', "lin().add_module('c', 3)",
     TypeError, 'int is not a Module subclass'),
    ('buffer_not_tensor', "lin().register_buffer('bb', 3)",
     TypeError, "cannot assign 'int' object to buffer 'bb' (torch Tensor or None required)"),
    ('param_name_dot', "lin().register_parameter('a.b', None)",
     KeyError, '\'parameter name can\\\'t contain "."\''),
    ('buffer_name_empty', "lin().register_buffer('', None)",
     KeyError, '\'buffer name can\\\'t be empty string ""\''),
    ('no_forward', 'M()(1)',
     NotImplementedError, 'Module [M] is missing the required "forward" function'),
    ('to_int', 'lin().to(torch.int32)',
     TypeError, 'nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int32'),
    ('train_not_bool', "lin().train('yes')",
     ValueError, 'training mode is expected to be boolean'),
    ('seq_index', 'nn.Sequential(nn.ReLU())[3]',
     IndexError, 'index 3 is out of range'),
    ('seq_index_neg', 'nn.Sequential(nn.ReLU())[-2]',
     IndexError, 'index -2 is out of range'),
    ('modulelist_index', 'nn.ModuleList([nn.ReLU()])[3]',
     IndexError, 'index 3 is out of range'),
    ('seq_add', 'nn.Sequential() + 3',
     ValueError, "add operator supports only objects of Sequential class, but <class 'int'> is given."),
    ('modulelist_extend', 'nn.ModuleList().extend(nn.ReLU())',
     TypeError, 'ModuleList.extend should be called with an iterable, but got ReLU'),
    ('param_int', 'nn.Parameter(torch.ones(2, dtype=torch.long))',
     RuntimeError, 'Only Tensors of floating point and complex dtype can require gradients'),
    ('module_kwargs', 'nn.Module(foo=1)',
     TypeError, "Module.__init__() got an unexpected keyword argument 'foo'"),
    ('gain', "nn.init.calculate_gain('foo')",
     ValueError, 'Unsupported nonlinearity foo'),
    ('gain_slope', "nn.init.calculate_gain('leaky_relu', 'a')",
     ValueError, 'negative_slope a not a valid number'),
    ('fan', 'nn.init.xavier_uniform_(Z(3))',
     ValueError, 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions'),
    ('fan_mode', "nn.init.kaiming_uniform_(Z(3, 3), mode='x')",
     ValueError, "Mode x not supported, please use one of ['fan_in', 'fan_out']"),
    ('orthogonal_1d', 'nn.init.orthogonal_(Z(3))',
     ValueError, 'Only tensors with 2 or more dimensions are supported'),
    ('eye_3d', 'nn.init.eye_(Z(3, 3, 3))',
     ValueError, 'Only tensors with 2 dimensions are supported'),
    ('clip_nonfinite', 'clip_inf()',
     RuntimeError, 'The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`'),
    ('vector_to_parameters', 'nn.utils.vector_to_parameters([1.0], [])',
     TypeError, 'expected torch.Tensor, but got: list'),
    ('rnn_nonlinearity', "nn.RNN(3, 4, nonlinearity='foo')",
     ValueError, "Unknown nonlinearity 'foo'. Select from 'tanh' or 'relu'."),
    ('rnn_dropout', 'nn.RNN(3, 4, dropout=2)',
     ValueError, 'dropout should be a number in range [0, 1] representing the probability of an element being zeroed'),
    ('rnn_hidden', 'nn.RNN(3, 0)',
     ValueError, 'hidden_size must be greater than zero'),
    ('lstm_proj', 'nn.LSTM(3, 4, proj_size=4)',
     ValueError, 'proj_size has to be smaller than hidden_size'),
    ('rnn_1d', 'nn.RNN(3, 4)(Z(5))',
     ValueError, 'RNN: Expected input to be 2D or 3D, got 1D tensor instead'),
    ('rnn_input_size', 'nn.RNN(3, 4)(Z(5, 2, 7))',
     RuntimeError, 'input.size(-1) must be equal to input_size. Expected 3, got 7'),
    ('rnn_hidden_shape', 'nn.RNN(3, 4)(Z(5, 2, 3), Z(1, 3, 4))',
     RuntimeError, 'Expected hidden size (1, 2, 4), got [1, 3, 4]'),
    ('rnn_unbatched_hx', 'nn.RNN(3, 4)(Z(5, 3), Z(1, 2, 4))',
     RuntimeError, 'For unbatched 2-D input, hx should also be 2-D but got 3-D tensor'),
    ('rnn_batched_hx', 'nn.RNN(3, 4)(Z(5, 2, 3), Z(2, 4))',
     RuntimeError, 'For batched 3-D input, hx should also be 3-D but got 2-D tensor'),
    ('lstm_1d', 'nn.LSTM(3, 4)(Z(5))',
     ValueError, 'LSTM: Expected input to be 2D or 3D, got 1D instead'),
    ('lstm_h0', 'nn.LSTM(3, 4)(Z(5, 2, 3), (Z(1, 3, 4), Z(1, 3, 4)))',
     RuntimeError, 'Expected hidden[0] size (1, 2, 4), got [1, 3, 4]'),
    ('lstm_c0', 'nn.LSTM(3, 4)(Z(5, 2, 3), (Z(1, 2, 4), Z(1, 3, 4)))',
     RuntimeError, 'Expected hidden[1] size (1, 2, 4), got [1, 3, 4]'),
    ('lstm_unbatched_hx', 'nn.LSTM(3, 4)(Z(5, 3), (Z(1, 2, 4), Z(1, 2, 4)))',
     RuntimeError, 'For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors'),
    ('lstm_batched_hx', 'nn.LSTM(3, 4)(Z(5, 2, 3), (Z(2, 4), Z(2, 4)))',
     RuntimeError, 'For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors'),
    ('gru_1d', 'nn.GRU(3, 4)(Z(5))',
     ValueError, 'GRU: Expected input to be 2D or 3D, got 1D instead'),
    ('gru_batch_first_hidden', 'nn.GRU(3, 4, batch_first=True)(Z(5, 2, 3), Z(1, 2, 4))',
     RuntimeError, 'Expected hidden size (1, 5, 4), got [1, 2, 4]'),
    ('mha_heads', 'nn.MultiheadAttention(8, 3)',
     AssertionError, 'embed_dim must be divisible by num_heads'),
    ('mha_zero', 'nn.MultiheadAttention(0, 3)',
     ValueError, 'embed_dim and num_heads must be greater than 0, got embed_dim=0 and num_heads=3 instead'),
    ('mha_key_dims', 'mha(Z(5, 2, 8), Z(5, 8), Z(5, 8))',
     AssertionError, 'For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 2-D tensors respectively'),
    ('mha_unbatched_dims', 'mha(Z(5, 8), Z(5, 2, 8), Z(5, 8))',
     AssertionError, 'For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found 3-D and 2-D tensors respectively'),
    ('mha_1d', 'mha(Z(8), Z(8), Z(8))',
     AssertionError, 'query should be unbatched 2D or batched 3D tensor but received 1-D query tensor'),
    ('mha_embed', 'mha(Z(5, 2, 6), Z(5, 2, 6), Z(5, 2, 6))',
     AssertionError, 'was expecting embedding dimension of 8, but got 6'),
    ('mha_mask_2d', 'mha(Z(5, 2, 8), Z(5, 2, 8), Z(5, 2, 8), attn_mask=Z(4, 5))',
     RuntimeError, 'The shape of the 2D attn_mask is torch.Size([4, 5]), but should be (5, 5).'),
    ('mha_mask_3d', 'mha(Z(5, 2, 8), Z(5, 2, 8), Z(5, 2, 8), attn_mask=Z(2, 5, 5))',
     RuntimeError, 'The shape of the 3D attn_mask is torch.Size([2, 5, 5]), but should be (4, 5, 5).'),
    ('mha_mask_4d', 'mha(Z(5, 2, 8), Z(5, 2, 8), Z(5, 2, 8), attn_mask=Z(1, 4, 5, 5))',
     AssertionError, 'For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found 4-D tensor instead'),
    ('mha_causal', 'mha(Z(5, 2, 8), Z(5, 2, 8), Z(5, 2, 8), is_causal=True)',
     RuntimeError, 'Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.'),
    ('mha_key_padding', 'mha(Z(5, 2, 8), Z(5, 2, 8), Z(5, 2, 8), key_padding_mask=Z(2, 4, dtype=torch.bool))',
     AssertionError, 'Expected key_padded_mask.shape[1] to be 5, but got 4'),
    ('mha_mask_int', 'mha(Z(5, 2, 8), Z(5, 2, 8), Z(5, 2, 8), attn_mask=Z(5, 5, dtype=torch.long))',
     AssertionError, 'only bool and floating types of attn_mask are supported'),
    ('transformer_activation', "nn.TransformerEncoderLayer(8, 2, activation='tanh')",
     RuntimeError, 'activation should be relu/gelu, not tanh'),
    ('batchnorm1d_dims', 'nn.BatchNorm1d(3)(Z(2, 3, 4, 5))',
     ValueError, 'expected 2D or 3D input (got 4D input)'),
    ('batchnorm2d_dims', 'nn.BatchNorm2d(3)(Z(2, 3))',
     ValueError, 'expected 4D input (got 2D input)'),
    ('conv_groups', 'nn.Conv2d(3, 4, 3, groups=2)',
     ValueError, 'in_channels must be divisible by groups'),
    ('conv_same_stride', "nn.Conv2d(3, 4, 3, padding='same', stride=2)",
     ValueError, "padding='same' is not supported for strided convolutions"),
    ('dropout_p', 'nn.Dropout(1.5)',
     ValueError, 'dropout probability has to be between 0 and 1, but got 1.5'),
    ('embedding_padding_idx', 'nn.Embedding(3, 2, padding_idx=3)',
     AssertionError, 'Padding_idx must be within num_embeddings'),
    ('unflatten_size', 'nn.Unflatten(1, 5)',
     TypeError, 'unflattened_size must be a tuple of ints, but found type int'),
]


class NeuralNetwork(nn.Module):
    """The Build Model tutorial's model, unchanged."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


# ------------------------------------------------------------------ printed forms
def test_build_model_tutorial_prints_as_pytorch():
    model = NeuralNetwork()
    assert repr(model) == TUTORIAL_REPR
    assert str(model) == TUTORIAL_REPR


@pytest.mark.parametrize("expr,expected", REPRS, ids=[e for e, _ in REPRS])
def test_repr(expr, expected):
    assert repr(eval(expr)) == expected


def test_parameter_repr_and_identity():
    p = nn.Parameter(torch.ones(2))
    assert repr(p) == "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    q = nn.Parameter(torch.ones(2, dtype=torch.long), requires_grad=False)
    assert repr(q) == "Parameter containing:\ntensor([1, 1])"
    assert repr(nn.Parameter()) == "Parameter containing:\ntensor([], requires_grad=True)"
    assert isinstance(p, torch.Tensor) and isinstance(p, nn.Parameter)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    # results of ops, .data and detach() are plain tensors (as in PyTorch)
    for t in (p * 2, p.data, p.detach()):
        assert type(t) is torch.Tensor
    d = copy.deepcopy(p)
    assert type(d) is nn.Parameter and d.requires_grad and d is not p
    np.testing.assert_array_equal(d.detach().numpy(), [1, 1])
    # a parameter made from a tensor that requires grad is a new leaf
    src = torch.ones(2, requires_grad=True) * 3
    p2 = nn.Parameter(src)
    assert p2.is_leaf and p2.grad_fn is None


@pytest.mark.parametrize("expr,layout", STATE_DICTS, ids=[e for e, _ in STATE_DICTS])
def test_state_dict_keys_shapes_and_dtypes(expr, layout):
    sd = eval(expr).state_dict()
    assert [(k, tuple(v.shape), v.dtype.name) for k, v in sd.items()] == layout
    assert all(not v.requires_grad for v in sd.values())


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("label,expr,exc,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_as_pytorch(label, expr, exc, message):
    with pytest.raises(exc) as info:
        eval(expr)
    assert type(info.value) is exc
    assert str(info.value) == message


def test_errors_with_set_valued_messages():
    # PyTorch prints a Python set here, whose order depends on the process's hash seed
    with pytest.raises(ValueError, match=r"^Invalid padding string 'full', should be one of "):
        nn.Conv2d(3, 4, 3, padding="full")
    with pytest.raises(ValueError, match=r"^padding_mode must be one of \{.*\}, but got "
                                         r"padding_mode='foo'$"):
        nn.Conv2d(3, 4, 3, padding_mode="foo")


def test_linear_width_error_is_raised_where_the_model_is_called_and_computes_nothing():
    model = NeuralNetwork()
    debug.reset_counters()
    with pytest.raises(RuntimeError) as info:
        model(torch.zeros(64, 20))
    assert str(info.value) == "mat1 and mat2 shapes cannot be multiplied (64x20 and 784x512)"
    assert debug.counters()["calls"] == 0


# ------------------------------------------------------------------ state dicts
def test_load_state_dict_reports_and_copies():
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    r = b.load_state_dict(a.state_dict())
    assert repr(r) == "<All keys matched successfully>"
    assert r.missing_keys == [] and r.unexpected_keys == [] and tuple(r) == ([], [])
    np.testing.assert_array_equal(np_of(b.weight), np_of(a.weight))
    assert isinstance(b.weight, nn.Parameter) and b.weight.is_leaf and b.weight.requires_grad
    r = b.load_state_dict({"weight": torch.zeros(2, 3), "extra": torch.zeros(1)}, strict=False)
    assert repr(r) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['extra'])"
    assert np_of(b.weight).sum() == 0
    # float64 values are cast to the parameter's dtype, as copy_ does
    b.load_state_dict({"weight": torch.ones(2, 3, dtype=torch.float64), "bias": torch.ones(2)})
    assert b.weight.dtype is torch.float32 and np_of(b.weight).sum() == 6


def test_state_dict_aliases_the_model_and_deepcopy_snapshots():
    m = nn.Linear(2, 2)
    sd = m.state_dict()
    snap = copy.deepcopy(sd)
    with torch.no_grad():
        m.weight.add_(1.0)
    np.testing.assert_allclose(np_of(sd["weight"]), np_of(m.weight))
    np.testing.assert_allclose(np_of(snap["weight"]) + 1, np_of(m.weight), rtol=1e-6)
    assert list(m.state_dict(keep_vars=True).values())[0] is m.weight
    assert sd._metadata[""] == {"version": 1}


def test_nested_state_dict_round_trip_and_buffers():
    net = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Sequential(nn.Linear(3, 2)))
    net.register_buffer("scratch", torch.ones(1), persistent=False)
    keys = list(net.state_dict())
    assert keys == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                    "1.running_var", "1.num_batches_tracked", "2.0.weight", "2.0.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "scratch", "1.running_mean", "1.running_var", "1.num_batches_tracked"]
    other = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Sequential(nn.Linear(3, 2)))
    other.load_state_dict(net.state_dict())
    x = torch.randn(5, 4)
    net.eval(), other.eval()
    np.testing.assert_allclose(np_of(net(x)), np_of(other(x)), rtol=1e-6)
    # a checkpoint without num_batches_tracked (old PyTorch) still loads strictly
    sd = {k: v for k, v in net.state_dict().items() if "num_batches" not in k}
    assert repr(other.load_state_dict(sd)) == "<All keys matched successfully>"


def test_load_state_dict_assign():
    m = nn.Linear(2, 2)
    w = torch.ones(2, 2)
    m.load_state_dict({"weight": w, "bias": torch.zeros(2)}, assign=True)
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    np.testing.assert_array_equal(np_of(m.weight), np.ones((2, 2)))


# ------------------------------------------------------------------ Module API
class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
        self.b = self.a                 # the same module twice
        self.c = nn.Sequential(nn.ReLU(), nn.Linear(2, 1, bias=False))
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        return self.c(self.b(self.a(x)))


def test_traversal_and_duplicates():
    t = Tied()
    assert [n for n, _ in t.named_parameters()] == ["a.weight", "a.bias", "c.1.weight"]
    assert [n for n, _ in t.named_parameters(remove_duplicate=False)] == [
        "a.weight", "a.bias", "b.weight", "b.bias", "c.1.weight"]
    assert [n for n, _ in t.named_parameters(recurse=False)] == []
    assert [n for n, _ in t.named_parameters(prefix="m")] == [
        "m.a.weight", "m.a.bias", "m.c.1.weight"]
    assert len(list(t.parameters())) == 3
    assert [n for n, _ in t.named_modules()] == ["", "a", "c", "c.0", "c.1"]
    assert [n for n, _ in t.named_modules(remove_duplicate=False)] == [
        "", "a", "b", "c", "c.0", "c.1"]
    assert [n for n, _ in t.named_children()] == ["a", "c"]
    assert list(t.children()) == [t.a, t.c]
    assert len(list(t.modules())) == 5
    assert [n for n, _ in t.named_buffers()] == ["steps"]
    assert list(t.state_dict()) == ["steps", "a.weight", "a.bias", "b.weight", "b.bias",
                                    "c.1.weight"]
    assert t.get_submodule("c.1") is t.c[1]
    assert t.get_parameter("c.1.weight") is t.c[1].weight
    assert t.get_buffer("steps") is t.steps


def test_attribute_registration():
    m = nn.Module()
    m.w = nn.Parameter(torch.ones(2))
    m.sub = nn.Linear(2, 2)
    m.register_buffer("buf", torch.zeros(2))
    m.plain = 3
    assert list(m._parameters) == ["w"] and list(m._modules) == ["sub"]
    assert list(m._buffers) == ["buf"] and m.plain == 3
    m.buf = torch.ones(2)               # reassigning a buffer keeps it a buffer
    assert m._buffers["buf"] is m.buf
    m.w = None                          # a parameter may be set to None
    assert m.w is None and [n for n, _ in m.named_parameters()] == ["sub.weight", "sub.bias"]
    m.sub = nn.Parameter(torch.zeros(1))    # a parameter replaces a submodule of that name
    assert "sub" not in m._modules and isinstance(m.sub, nn.Parameter)
    m.nb = nn.Buffer(torch.ones(1), persistent=False)
    assert "nb" in m._buffers and "nb" not in m.state_dict()
    del m.buf
    assert "buf" not in m._buffers
    with pytest.raises(AttributeError):
        m.buf
    assert "sub" in dir(m)
    with pytest.raises(AttributeError, match="cannot assign parameters before "
                                             "Module.__init__"):
        class Early(nn.Module):
            def __init__(self):
                self.p = nn.Parameter(torch.ones(1))
                super().__init__()
        Early()


def test_train_eval_apply_requires_grad_and_zero_grad():
    t = Tied()
    assert t.training and t.c[0].training
    assert t.eval() is t and not t.training and not t.c[1].training
    t.train()
    assert t.c[1].training
    seen = []
    assert t.apply(lambda m: seen.append(type(m).__name__)) is t
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Tied"]
    t.requires_grad_(False)
    assert not any(p.requires_grad for p in t.parameters())
    t.requires_grad_()
    out = t(torch.ones(3, 2)).sum()
    out.backward()
    assert all(p.grad is not None for p in t.parameters())
    t.zero_grad(set_to_none=False)
    assert all(p.grad is not None and float(p.grad.abs().sum()) == 0 for p in t.parameters())
    t.zero_grad()
    assert all(p.grad is None for p in t.parameters())


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []

    def pre(mod, args):
        calls.append(("pre", mod is lin, len(args)))
        return (args[0] * 0,)           # replaces the input

    def post(mod, args, out):
        calls.append(("post", tuple(out.shape)))
        return out + 1                  # replaces the output

    h1 = lin.register_forward_pre_hook(pre)
    h2 = lin.register_forward_hook(post)
    out = lin(torch.ones(3, 2))
    np.testing.assert_allclose(np_of(out), np.broadcast_to(np_of(lin.bias) + 1, (3, 2)),
                               rtol=1e-6)
    assert calls == [("pre", True, 1), ("post", (3, 2))]
    h1.remove()
    h2.remove()
    np.testing.assert_allclose(np_of(lin(torch.zeros(1, 2))), np_of(lin.bias)[None],
                               rtol=1e-6)
    assert len(calls) == 2
    # with_kwargs and prepend
    order = []
    lin.register_forward_hook(lambda m, a, o: order.append("first"))
    lin.register_forward_hook(lambda m, a, o: order.append("prepended"), prepend=True)
    lin.register_forward_pre_hook(lambda m, a, k: (a, k), with_kwargs=True)
    lin(torch.zeros(1, 2))
    assert order == ["prepended", "first"]
    with lin.register_forward_hook(lambda m, a, o: o * 0):
        assert float(lin(torch.ones(1, 2)).abs().sum().detach()) == 0
    assert float(lin(torch.ones(1, 2)).abs().sum().detach()) != 0


def test_to_dtype_keeps_parameter_objects_and_integer_buffers():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    w = net[0].weight
    before = np_of(w)
    net(torch.randn(4, 2)).sum().backward()
    assert net.double() is net
    assert net[0].weight is w and w.dtype is torch.float64 and w.is_leaf and w.requires_grad
    assert w.grad.dtype is torch.float64
    np.testing.assert_array_equal(np_of(w), before)
    assert net[1].running_mean.dtype is torch.float64
    assert net[1].num_batches_tracked.dtype is torch.int64
    assert net(torch.randn(4, 2, dtype=torch.float64)).dtype is torch.float64
    net.to(torch.float32)
    assert w.dtype is torch.float32
    net.half()
    assert w.dtype is torch.float16
    net.float()
    assert net.to("cpu") is net and net.cpu() is net
    assert net.to(torch.device("cpu"), torch.float64) is net and w.dtype is torch.float64
    assert net.to(torch.zeros(1, dtype=torch.float32)) is net and w.dtype is torch.float32
    if not torch.cuda.is_available():
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            net.to("cuda")
    else:
        assert net.to("cuda") is net and net.cuda() is net


# ------------------------------------------------------------------ containers
def test_sequential():
    s = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(s) == 3 and isinstance(s[0], nn.Linear) and s[-1] is s[2]
    sub = s[1:]
    assert type(sub) is nn.Sequential and len(sub) == 2 and sub[0] is s[1]
    assert repr(sub) == ("Sequential(\n  (1): ReLU()\n  (2): Linear(in_features=3, "
                         "out_features=1, bias=True)\n)")
    s.append(nn.Sigmoid())
    assert len(s) == 4 and list(s._modules) == ["0", "1", "2", "3"]
    x = torch.randn(5, 2)
    ref = torch.sigmoid(s[2](torch.relu(s[0](x))))
    np.testing.assert_allclose(np_of(s(x)), np_of(ref), rtol=1e-6)
    del s[1]
    assert list(s._modules) == ["0", "1", "2"] and isinstance(s[1], nn.Linear)
    s[2] = nn.Tanh()
    assert isinstance(s[2], nn.Tanh)
    s.insert(0, nn.Identity())
    assert isinstance(s[0], nn.Identity) and len(s) == 4
    assert len(s + nn.Sequential(nn.ReLU())) == 5
    assert [type(m).__name__ for m in s] == ["Identity", "Linear", "Linear", "Tanh"]
    from collections import OrderedDict
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(1, 1)), ("act", nn.ReLU())]))
    assert list(named._modules) == ["fc", "act"] and isinstance(named.fc, nn.Linear)


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    ml.append(nn.ReLU())
    ml.extend([nn.Tanh()])
    ml.insert(0, nn.Identity())
    assert len(ml) == 6 and isinstance(ml[0], nn.Identity) and isinstance(ml[-1], nn.Tanh)
    assert len(list(ml.parameters())) == 6
    assert type(ml[1:3]) is nn.ModuleList and len(ml[1:3]) == 2
    del ml[0]
    assert isinstance(ml[0], nn.Linear) and list(ml._modules) == [str(i) for i in range(5)]
    md = nn.ModuleDict({"a": nn.Linear(1, 1), "b": nn.ReLU()})
    md["c"] = nn.Tanh()
    assert list(md.keys()) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert [k for k, _ in md.items()] == ["a", "b", "c"]
    assert md.pop("b").__class__ is nn.ReLU and list(md) == ["a", "c"]
    md.update([("d", nn.Identity())])
    assert list(md) == ["a", "c", "d"]
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias"]


def test_parameter_list_and_dict():
    pl = nn.ParameterList([torch.ones(2), nn.Parameter(torch.zeros(3))])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pl.append(torch.ones(1))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    pd = nn.ParameterDict({"w": torch.ones(2)})
    pd["b"] = nn.Parameter(torch.zeros(1))
    assert list(pd.keys()) == ["w", "b"] and isinstance(pd["w"], nn.Parameter)
    assert [n for n, _ in pd.named_parameters()] == ["w", "b"]
    assert "b" in pd and len(pd) == 2


# ------------------------------------------------------------------ default initialisation
def test_building_a_model_computes_nothing():
    debug.reset_counters()
    NeuralNetwork()
    nn.LSTM(4, 8, 2)
    nn.TransformerEncoderLayer(8, 2, 16)
    assert debug.counters()["calls"] == 0


def _within(t, bound):
    a = np_of(t)
    assert np.all(np.abs(a) <= bound + 1e-7), (a.min(), a.max(), bound)
    return a


@pytest.mark.parametrize("make,fan_in", [
    (lambda: nn.Linear(400, 300), 400),
    (lambda: nn.Conv2d(8, 64, 5), 8 * 25),
    (lambda: nn.Conv1d(6, 128, 3), 18),
])
def test_default_init_of_linear_and_conv(make, fan_in):
    torch.manual_seed(0)
    m = make()
    bound = 1 / math.sqrt(fan_in)   # kaiming_uniform_(a=sqrt(5)) gives this bound too
    w = _within(m.weight, bound)
    b = _within(m.bias, bound)
    assert abs(w.std() - bound / math.sqrt(3)) < 0.03 * bound
    assert abs(w.mean()) < 0.05 * bound and w.max() > 0.95 * bound and w.min() < -0.95 * bound
    assert b.max() > 0.5 * bound and b.min() < -0.5 * bound


def test_default_init_of_other_layers():
    torch.manual_seed(1)
    rnn = nn.LSTM(10, 64, 2)
    for p in rnn.parameters():
        _within(p, 1 / 8)
    assert np_of(rnn.weight_hh_l1).std() == pytest.approx(1 / 8 / math.sqrt(3), rel=0.05)
    emb = nn.Embedding(1000, 16, padding_idx=3)
    e = np_of(emb.weight)
    assert np.all(e[3] == 0) and abs(e.std() - 1) < 0.03 and abs(e.mean()) < 0.03
    att = nn.MultiheadAttention(64, 4)
    _within(att.in_proj_weight, math.sqrt(6 / (64 + 3 * 64)))
    assert np.all(np_of(att.in_proj_bias) == 0) and np.all(np_of(att.out_proj.bias) == 0)
    _within(att.out_proj.weight, 1 / 8)
    ln, bn = nn.LayerNorm(5), nn.BatchNorm1d(5)
    for m in (ln, bn):
        assert np.all(np_of(m.weight) == 1) and np.all(np_of(m.bias) == 0)
    assert np.all(np_of(bn.running_var) == 1) and int(bn.num_batches_tracked) == 0
    bil = nn.Bilinear(16, 4, 3)
    _within(bil.weight, 1 / 4)
    _within(bil.bias, 1 / 4)


def test_init_functions():
    torch.manual_seed(0)
    t = torch.empty(200, 300)
    assert nn.init.uniform_(t, -2, 3) is t
    a = np_of(t)
    assert a.min() >= -2 and a.max() <= 3 and abs(a.mean() - 0.5) < 0.05
    a = np_of(nn.init.normal_(t, 1.0, 2.0))
    assert abs(a.mean() - 1) < 0.03 and abs(a.std() - 2) < 0.03
    a = np_of(nn.init.trunc_normal_(t, 0.5, 1.0, -1.0, 1.5))
    assert a.min() >= -1.0 and a.max() <= 1.5
    # the truncated normal's mean and std (N(0, 1) on [-1.5, 1], shifted by 0.5)
    assert abs(a.mean() - 0.3548) < 0.01 and abs(a.std() - 0.6447) < 0.01
    assert np.all(np_of(nn.init.constant_(t, 0.25)) == 0.25)
    assert np.all(np_of(nn.init.ones_(t)) == 1) and np.all(np_of(nn.init.zeros_(t)) == 0)
    np.testing.assert_array_equal(np_of(nn.init.eye_(torch.empty(3, 5))), np.eye(3, 5))
    fan_in, fan_out = 300, 200
    a = np_of(nn.init.xavier_uniform_(t, gain=2.0))
    bound = 2.0 * math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(a).max() <= bound and abs(a.std() - bound / math.sqrt(3)) < 0.02 * bound
    a = np_of(nn.init.xavier_normal_(t))
    assert abs(a.std() - math.sqrt(2 / (fan_in + fan_out))) < 0.01 * math.sqrt(2 / 500) * 3
    a = np_of(nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"))
    bound = math.sqrt(2) * math.sqrt(3 / fan_out)
    assert np.abs(a).max() <= bound and abs(a.std() - bound / math.sqrt(3)) < 0.02 * bound
    a = np_of(nn.init.kaiming_normal_(t, a=0.2))
    std = math.sqrt(2 / (1 + 0.04)) / math.sqrt(fan_in)
    assert abs(a.std() - std) < 0.02 * std
    for shape in [(5, 8), (8, 5), (4, 2, 3)]:
        q = np_of(nn.init.orthogonal_(torch.empty(*shape), gain=1.5)).reshape(shape[0], -1)
        small = q @ q.T if q.shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(small, 2.25 * np.eye(len(small)), atol=1e-5)
    d = np_of(nn.init.dirac_(torch.empty(4, 2, 3, 3)))
    assert d.sum() == 2 and d[0, 0, 1, 1] == 1 and d[1, 1, 1, 1] == 1
    assert nn.init.calculate_gain("tanh") == 5 / 3
    assert nn.init.calculate_gain("relu") == math.sqrt(2)
    assert nn.init.calculate_gain("leaky_relu") == pytest.approx(1.4141428569978354)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(1.3867504905630728)
    assert nn.init.calculate_gain("selu") == 0.75 and nn.init.calculate_gain("conv2d") == 1
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        nn.init.kaiming_uniform_(torch.empty(0, 3))


def test_init_keeps_parameters_leaves_and_is_reproducible():
    torch.manual_seed(7)
    a = nn.Linear(5, 5)
    torch.manual_seed(7)
    b = nn.Linear(5, 5)
    # (equal up to rounding: a first run goes op by op, a recurring one as one fused program)
    np.testing.assert_allclose(np_of(a.weight), np_of(b.weight), rtol=1e-6)
    nn.init.normal_(a.weight)
    assert a.weight.is_leaf and a.weight.requires_grad and a.weight.grad_fn is None
    g = torch.Generator().manual_seed(3)
    x1 = np_of(nn.init.uniform_(torch.empty(4), generator=g))
    g.manual_seed(3)
    np.testing.assert_allclose(x1, np_of(nn.init.uniform_(torch.empty(4), generator=g)),
                               rtol=1e-6)


# ------------------------------------------------------------------ utils
def test_clip_grad_norm_and_value():
    p = nn.Parameter(torch.ones(2))
    q = nn.Parameter(torch.ones(1))
    p.grad = torch.tensor([3.0, 4.0])
    total = nn.utils.clip_grad_norm_([p, q], 1.0)       # q has no grad: skipped
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(np_of(p.grad), [0.6, 0.8], rtol=1e-5)
    p.grad = torch.tensor([3.0, 4.0])
    assert nn.utils.clip_grad_norm_(p, 10.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(np_of(p.grad), [3.0, 4.0])    # under max_norm: unchanged
    p.grad = torch.tensor([3.0, 4.0])
    assert nn.utils.clip_grad_norm_(p, 1.0, norm_type="inf").item() == 4.0
    np.testing.assert_allclose(np_of(p.grad), [0.75, 1.0], rtol=1e-5)
    p.grad, q.grad = torch.tensor([1.0, 2.0]), torch.tensor([2.0])
    total = nn.utils.clip_grad_norm_([p, q], 1.0, norm_type=1)
    assert total.item() == 5.0
    np.testing.assert_allclose(np_of(p.grad), [0.2, 0.4], rtol=1e-5)
    # PyTorch: tensor(0.) with no gradients; tensor(inf) and nan gradients when not finite
    assert nn.utils.clip_grad_norm_([nn.Parameter(torch.ones(2))], 1.0).item() == 0.0
    p.grad = torch.tensor([float("inf"), 1.0])
    assert math.isinf(nn.utils.clip_grad_norm_([p], 1.0).item())
    np.testing.assert_array_equal(np_of(p.grad), [np.nan, 0.0])
    p.grad = torch.tensor([-3.0, 0.5])
    nn.utils.clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(np_of(p.grad), [-1.0, 0.5])


def test_parameters_to_vector_and_back():
    m = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    v = nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (6 + 2 + 2 + 1,) and v.grad_fn is not None
    ref = np.concatenate([np_of(p).ravel() for p in m.parameters()])
    np.testing.assert_array_equal(np_of(v), ref)
    nn.utils.vector_to_parameters(torch.arange(11, dtype=torch.float32), m.parameters())
    np.testing.assert_array_equal(np_of(m[0].weight), np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(np_of(m[1].bias), [10])
    assert m[0].weight.is_leaf and m[0].weight.requires_grad


# ------------------------------------------------------------------ layers against NumPy
rng = np.random.RandomState(0)


def randn(*s):
    return rng.randn(*s)


def run64(module, *arrays, train=False):
    """The module in float64 on float64 inputs: output(s) as NumPy."""
    module.double().train(train)
    out = module(*[tensor64(a) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
                   else (torch.tensor(a) if isinstance(a, np.ndarray) else a) for a in arrays])
    return np_of(out) if isinstance(out, torch.Tensor) else out


def test_tutorial_model_matches_numpy():
    model = NeuralNetwork()
    x = rng.rand(3, 28, 28)
    sd = state(model)
    h = x.reshape(3, -1)
    for i in (0, 2, 4):
        h = h @ sd[f"linear_relu_stack.{i}.weight"].T + sd[f"linear_relu_stack.{i}.bias"]
        if i < 4:
            h = np.maximum(h, 0)
    np.testing.assert_allclose(run64(model, x), h, rtol=1e-10, atol=1e-12)


def test_linear_bilinear_identity_flatten():
    lin = nn.Linear(4, 3)
    sd = state(lin)
    x = randn(2, 5, 4)
    np.testing.assert_allclose(run64(lin, x), x @ sd["weight"].T + sd["bias"], rtol=1e-12)
    nb = nn.Linear(4, 3, bias=False)
    np.testing.assert_allclose(run64(nb, x), x @ state(nb)["weight"].T, rtol=1e-12)
    bil = nn.Bilinear(4, 5, 3)
    sd = state(bil)
    x1, x2 = randn(6, 4), randn(6, 5)
    ref = np.einsum("ni,oij,nj->no", x1, sd["weight"], x2) + sd["bias"]
    np.testing.assert_allclose(run64(bil, x1, x2), ref, rtol=1e-10)
    x = randn(2, 3, 4, 5)
    assert run64(nn.Identity(54, foo=1), x) is not None
    np.testing.assert_array_equal(run64(nn.Flatten(), x), x.reshape(2, 60))
    np.testing.assert_array_equal(run64(nn.Flatten(1, 2), x), x.reshape(2, 12, 5))
    np.testing.assert_array_equal(run64(nn.Unflatten(1, (1, 3)), x), x.reshape(2, 1, 3, 4, 5))


def _gelu(x):
    from math import erf
    return 0.5 * x * (1 + np.vectorize(erf)(x / math.sqrt(2)))


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.GELU(), _gelu),
    (nn.GELU("tanh"), lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                                         * (x + 0.044715 * x ** 3)))),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (nn.LogSoftmax(dim=-1), lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
    (nn.ELU(), lambda x: np.where(x > 0, x, np.expm1(x))),
    (nn.Softplus(), lambda x: np.log1p(np.exp(x))),
    (nn.Hardtanh(), lambda x: np.clip(x, -1, 1)),
    (nn.ReLU6(), lambda x: np.clip(x, 0, 6)),
    (nn.Mish(), lambda x: x * np.tanh(np.log1p(np.exp(x)))),
]


@pytest.mark.parametrize("module,ref", ACTIVATIONS, ids=[type(m).__name__ for m, _ in
                                                          ACTIVATIONS])
def test_activation(module, ref):
    x = randn(3, 4) * 3
    np.testing.assert_allclose(run64(module, x), ref(x), rtol=1e-10, atol=1e-12)


def test_inplace_relu_writes_its_input():
    x = torch.randn(3)
    y = nn.ReLU(inplace=True)(x)
    assert y is x and float(x.min()) >= 0


def test_dropout():
    torch.manual_seed(0)
    d = nn.Dropout(0.25)
    x = torch.ones(200, 100)
    y = np_of(d(x))
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(y[kept], 1 / 0.75, rtol=1e-6)
    d.eval()
    assert np.all(np_of(d(x)) == 1)


def test_embedding():
    emb = nn.Embedding(10, 3, padding_idx=2)
    w = state(emb)["weight"]
    idx = np.array([[0, 2, 9], [2, 1, 1]])
    np.testing.assert_allclose(run64(emb, idx), w[idx], rtol=1e-7)
    out = emb(torch.tensor(idx))
    (out * tensor64(randn(2, 3, 3))).sum().backward()
    g = np_of(emb.weight.grad)
    assert np.all(g[2] == 0) and np.all(g[3:9] == 0) and np.any(g[1] != 0)
    pre = nn.Embedding.from_pretrained(torch.eye(3))
    assert not pre.weight.requires_grad
    np.testing.assert_array_equal(np_of(pre(torch.tensor([2, 0]))), np.eye(3)[[2, 0]])


def test_layer_norm():
    ln = nn.LayerNorm((3, 4))
    with torch.no_grad():
        ln.weight.copy_(torch.randn(3, 4))
        ln.bias.copy_(torch.randn(3, 4))
    sd = state(ln)
    x = randn(2, 3, 4)
    mu = x.mean((1, 2), keepdims=True)
    var = x.var((1, 2), keepdims=True)
    ref = (x - mu) / np.sqrt(var + 1e-5) * sd["weight"] + sd["bias"]
    np.testing.assert_allclose(run64(ln, x), ref, rtol=1e-9, atol=1e-12)
    plain = nn.LayerNorm(4, elementwise_affine=False)
    mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    np.testing.assert_allclose(run64(plain, x), (x - mu) / np.sqrt(var + 1e-5), rtol=1e-9)


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_running_stats(momentum):
    bn = nn.BatchNorm1d(3, momentum=momentum)
    bn.double()
    xs = [randn(8, 3) * 2 + 1 for _ in range(4)]
    rm, rv = np.zeros(3), np.ones(3)
    for i, x in enumerate(xs):
        y = np_of(bn(tensor64(x)))
        ref = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
        np.testing.assert_allclose(y, ref, rtol=1e-9, atol=1e-12)
        f = 1 / (i + 1) if momentum is None else momentum
        rm = (1 - f) * rm + f * x.mean(0)
        rv = (1 - f) * rv + f * x.var(0, ddof=1)
    np.testing.assert_allclose(np_of(bn.running_mean), rm, rtol=1e-9)
    np.testing.assert_allclose(np_of(bn.running_var), rv, rtol=1e-9)
    assert int(bn.num_batches_tracked) == 4
    bn.eval()
    x = randn(5, 3)
    np.testing.assert_allclose(np_of(bn(tensor64(x))), (x - rm) / np.sqrt(rv + 1e-5),
                               rtol=1e-9)


def test_batch_norm_2d_and_without_running_stats():
    bn = nn.BatchNorm2d(2, affine=False, track_running_stats=False)
    x = randn(4, 2, 3, 3)
    ref = (x - x.mean((0, 2, 3), keepdims=True)) / np.sqrt(x.var((0, 2, 3), keepdims=True)
                                                          + 1e-5)
    np.testing.assert_allclose(run64(bn, x), ref, rtol=1e-9, atol=1e-12)
    # no running statistics: eval mode normalises with the batch's statistics too
    np.testing.assert_allclose(run64(bn, x, train=False), ref, rtol=1e-9, atol=1e-12)
    bn3 = nn.BatchNorm1d(2)
    x = randn(4, 2, 5)
    ref = (x - x.mean((0, 2), keepdims=True)) / np.sqrt(x.var((0, 2), keepdims=True) + 1e-5)
    np.testing.assert_allclose(run64(bn3, x, train=True), ref, rtol=1e-9, atol=1e-12)


def _jax_conv(x, w, b, stride, padding, dilation, groups):
    with jax.enable_x64(True):
        out = jax.lax.conv_general_dilated(
            jnp.asarray(x), jnp.asarray(w), stride, padding, rhs_dilation=dilation,
            feature_group_count=groups)
        if b is not None:
            out = out + jnp.asarray(b).reshape((1, -1) + (1,) * (x.ndim - 2))
        return np.asarray(out)


def test_conv1d_conv2d():
    c1 = nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2)
    sd = state(c1)
    x = randn(2, 4, 9)
    np.testing.assert_allclose(run64(c1, x), _jax_conv(x, sd["weight"], sd["bias"], (2,),
                                                       [(1, 1)], (1,), 2), rtol=1e-9)
    c2 = nn.Conv2d(3, 5, (3, 2), dilation=(1, 2), bias=False)
    x = randn(2, 3, 7, 8)
    np.testing.assert_allclose(run64(c2, x), _jax_conv(x, state(c2)["weight"], None, (1, 1),
                                                       [(0, 0), (0, 0)], (1, 2), 1),
                               rtol=1e-9)
    same = nn.Conv2d(3, 2, 3, padding="same", padding_mode="reflect")
    sd = state(same)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="reflect")
    np.testing.assert_allclose(run64(same, x), _jax_conv(xp, sd["weight"], sd["bias"], (1, 1),
                                                         [(0, 0), (0, 0)], (1, 1), 1),
                               rtol=1e-9)
    circ = nn.Conv2d(3, 2, 3, padding=1, padding_mode="circular")
    sd = state(circ)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="wrap")
    np.testing.assert_allclose(run64(circ, x), _jax_conv(xp, sd["weight"], sd["bias"], (1, 1),
                                                         [(0, 0), (0, 0)], (1, 1), 1),
                               rtol=1e-9)
    assert run64(nn.Conv2d(3, 2, 3), randn(3, 6, 6)).shape == (2, 4, 4)   # unbatched


def _pool(x, k, s, fn, pad=0, fill=0.0):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    out = np.empty((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = fn(x[:, :, i * s:i * s + k, j * s:j * s + k], axis=(2, 3))
    return out


def test_pooling():
    x = randn(2, 3, 7, 7)
    np.testing.assert_allclose(run64(nn.MaxPool2d(2), x), _pool(x, 2, 2, np.max))
    np.testing.assert_allclose(run64(nn.MaxPool2d(3, 2, 1), x),
                               _pool(x, 3, 2, np.max, 1, -np.inf))
    np.testing.assert_allclose(run64(nn.AvgPool2d(3, 2), x), _pool(x, 3, 2, np.mean),
                               rtol=1e-12)
    np.testing.assert_allclose(run64(nn.AvgPool2d(2, 1, 1), x), _pool(x, 2, 1, np.mean, 1),
                               rtol=1e-12)
    out = run64(nn.AdaptiveAvgPool2d((1, 1)), x)
    np.testing.assert_allclose(out, x.mean((2, 3), keepdims=True), rtol=1e-12)
    y = randn(1, 2, 6, 4)
    out = run64(nn.AdaptiveAvgPool2d((3, 2)), y)
    np.testing.assert_allclose(out, y.reshape(1, 2, 3, 2, 2, 2).mean((3, 5)), rtol=1e-12)


def _log_softmax(x):
    return x - np.log(np.exp(x).sum(1, keepdims=True))


def test_losses():
    x, t = randn(4, 3), randn(4, 3)
    p, q = 1 / (1 + np.exp(-x)), rng.rand(4, 3)
    d = x - t
    cases = [
        (nn.MSELoss(), (x, t), np.mean(d ** 2)),
        (nn.MSELoss(reduction="sum"), (x, t), np.sum(d ** 2)),
        (nn.L1Loss(), (x, t), np.mean(np.abs(d))),
        (nn.L1Loss(reduction="none"), (x, t), np.abs(d)),
        (nn.HuberLoss(delta=0.5), (x, t),
         np.mean(np.where(np.abs(d) < 0.5, 0.5 * d ** 2, 0.5 * (np.abs(d) - 0.25)))),
        (nn.SmoothL1Loss(beta=0.5), (x, t),
         np.mean(np.where(np.abs(d) < 0.5, 0.5 * d ** 2 / 0.5, np.abs(d) - 0.25))),
        (nn.BCELoss(), (p, q), np.mean(-(q * np.log(p) + (1 - q) * np.log(1 - p)))),
        (nn.BCELoss(weight=tensor64([1., 2., 3.])), (p, q),
         np.mean(-(q * np.log(p) + (1 - q) * np.log(1 - p)) * [1, 2, 3])),
        (nn.BCEWithLogitsLoss(pos_weight=tensor64([1., 2., 3.])), (x, q),
         np.mean(-(np.array([1, 2, 3]) * q * np.log(p) + (1 - q) * np.log(1 - p)))),
        (nn.KLDivLoss(reduction="batchmean"), (_log_softmax(x), q),
         np.sum(q * (np.log(q) - _log_softmax(x))) / 4),
        (nn.KLDivLoss(reduction="sum", log_target=True), (_log_softmax(x), np.log(q)),
         np.sum(q * (np.log(q) - _log_softmax(x)))),
    ]
    for module, args, ref in cases:
        np.testing.assert_allclose(run64(module, *args), ref, rtol=1e-9, err_msg=repr(module))
    labels = np.array([0, 2, 1, 1])
    lsm = _log_softmax(x)
    w = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(run64(nn.CrossEntropyLoss(), x, labels),
                               -lsm[np.arange(4), labels].mean(), rtol=1e-9)
    ce = nn.CrossEntropyLoss(weight=tensor64(w), ignore_index=2)
    keep = labels != 2
    ref = -(lsm[np.arange(4), labels] * w[labels])[keep].sum() / w[labels][keep].sum()
    np.testing.assert_allclose(run64(ce, x, labels), ref, rtol=1e-9)
    np.testing.assert_allclose(run64(nn.NLLLoss(reduction="sum"), lsm, labels),
                               -lsm[np.arange(4), labels].sum(), rtol=1e-9)
    assert [n for n, _ in ce.named_buffers()] == ["weight"]
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, "
                                         "please use reduction='sum' instead."):
        assert nn.MSELoss(size_average=False).reduction == "sum"


# ------------------------------------------------------------------ training steps
def _sgd_step(model, loss_fn, x, y, lr):
    loss = loss_fn(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    model.zero_grad()
    return loss


def test_mlp_training_step_is_one_program_with_no_recompiles():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 64),
                          nn.ReLU(), nn.Linear(64, 10))
    loss_fn = nn.CrossEntropyLoss()
    x, y = torch.rand(16, 28, 28), torch.randint(0, 10, (16,))
    for _ in range(6):
        _sgd_step(model, loss_fn, x, y, 0.05).item()
    debug.reset_counters()
    losses = []
    for i in range(20):
        losses.append(_sgd_step(model, loss_fn, x, y, 0.05 / (1 + 0.1 * i)).item())
    c = debug.counters()
    assert c["compiles"] == 0
    assert c["calls"] == 20          # forward + backward + update: one program per step
    assert losses[-1] < losses[0]


def test_mlp_training_matches_numpy():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3)).double()
    x, y = randn(8, 6), rng.randint(0, 3, 8)
    sd = state(model)
    w1, b1, w2, b2 = sd["0.weight"], sd["0.bias"], sd["2.weight"], sd["2.bias"]
    xt, yt = tensor64(x), torch.tensor(y)
    for _ in range(5):
        loss = _sgd_step(model, nn.CrossEntropyLoss(), xt, yt, 0.3).item()
        h = np.tanh(x @ w1.T + b1)
        z = h @ w2.T + b2
        pz = np.exp(z - z.max(1, keepdims=True))
        pz /= pz.sum(1, keepdims=True)
        ref = -np.log(pz[np.arange(8), y]).mean()
        assert loss == pytest.approx(ref, rel=1e-10)
        gz = (pz - np.eye(3)[y]) / 8
        gh = gz @ w2 * (1 - h ** 2)
        w2, b2 = w2 - 0.3 * gz.T @ h, b2 - 0.3 * gz.sum(0)
        w1, b1 = w1 - 0.3 * gh.T @ x, b1 - 0.3 * gh.sum(0)
    np.testing.assert_allclose(np_of(model[0].weight), w1, rtol=1e-10)
    np.testing.assert_allclose(np_of(model[2].bias), b2, rtol=1e-10)


def test_batch_norm_dropout_step_runs_a_fixed_number_of_programs():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(32, 4))
    x, y = torch.rand(16, 20), torch.randint(0, 4, (16,))
    for _ in range(6):
        _sgd_step(model, nn.CrossEntropyLoss(), x, y, 0.05).item()
    per_step = set()
    for i in range(5):
        debug.reset_counters()
        _sgd_step(model, nn.CrossEntropyLoss(), x, y, 0.05 / (i + 1)).item()
        c = debug.counters()
        assert c["compiles"] == 0
        per_step.add(c["calls"])
    assert len(per_step) == 1 and per_step.pop() <= 2
    assert int(model[1].num_batches_tracked) == 11


def test_softmax_without_dim_warns_at_the_callers_line_as_pytorch():
    x = torch.ones(2, 3)
    for call, name in ((lambda: F.softmax(x), "softmax"), (lambda: nn.Softmax()(x), "softmax"),
                       (lambda: nn.LogSoftmax()(x), "log_softmax")):
        with pytest.warns(UserWarning, match=f"^Implicit dimension choice for {name} has been "
                                             "deprecated. Change the call to include dim=X as "
                                             "an argument.$") as rec:
            out = call()
        assert rec[0].filename == __file__
        assert out.shape == (2, 3)


def test_clip_grads_with_norm_and_an_empty_generator():
    p = nn.Parameter(torch.ones(3))
    (p * torch.tensor([3., -4., 0.])).sum().backward()
    total = nn.utils.get_total_norm([p.grad])
    assert total.item() == pytest.approx(5.0)
    assert nn.utils.clip_grads_with_norm_([p], 1.0, total) is None
    np.testing.assert_allclose(p.grad.numpy(), [0.6, -0.8, 0.0], rtol=1e-5)
    with pytest.warns(UserWarning, match="^`parameters` is an empty generator, no gradient "
                                         "clipping will occur.$"):
        assert nn.utils.clip_grad_norm_((q for q in []), 1.0).item() == 0.0


def test_in_place_random_fills_for_custom_initialisation():
    """Tensor.uniform_/normal_/bernoulli_, as PyTorch code initialises weights by hand."""
    torch.manual_seed(0)
    w = torch.empty(200, 100)
    assert w.uniform_(-0.1, 0.1) is w
    a = np_of(w)
    assert a.min() >= -0.1 and a.max() < 0.1 and abs(a.mean()) < 0.005
    assert np_of(w.uniform_(**{"from": 2, "to": 3})).min() >= 2
    w.normal_(1.0, 0.02)
    assert abs(np_of(w).mean() - 1.0) < 0.002 and abs(np_of(w).std() - 0.02) < 0.002
    assert abs(np_of(w.bernoulli_(0.3)).mean() - 0.3) < 0.02
    m = nn.Linear(3, 4)
    m.weight.data.normal_(0.0, 0.02)                    # through .data: stays a leaf
    assert m.weight.is_leaf and m.weight.requires_grad and np_of(m.weight).std() < 0.1
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation."):
        m.weight.uniform_()
    with torch.no_grad():
        m.bias.uniform_(5, 6)
    assert np_of(m.bias).min() >= 5
    with pytest.raises(NotImplementedError, match="\"check_uniform_bounds\" not implemented "
                                                  "for 'Long'"):
        torch.zeros(3, dtype=torch.int64).uniform_()
    with pytest.raises(RuntimeError, match="uniform_ expects to return a \\[from, to\\) range, "
                                           "but found from=1 > to=0"):
        torch.zeros(3).uniform_(1, 0)
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        torch.zeros(3).normal_(0, -1)
    with pytest.raises(RuntimeError, match="bernoulli_ expects p to be in \\[0, 1\\], but got "
                                           "p=2"):
        torch.zeros(3).bernoulli_(2)
    assert torch.zeros(4, dtype=torch.int64).bernoulli_(0.5).dtype == torch.int64
