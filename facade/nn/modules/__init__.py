"""The nn module classes."""
from .module import Module, RemovableHandle
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .linear import Bilinear, Identity, Linear
from .activation import (ELU, GELU, Hardtanh, LeakyReLU, LogSoftmax, Mish, MultiheadAttention,
                         ReLU, ReLU6, SiLU, Sigmoid, Softmax, Softplus, Tanh)
from .flatten import Flatten, Unflatten
from .dropout import Dropout
from .sparse import Embedding
from .normalization import LayerNorm
from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .rnn import GRU, LSTM, RNN, RNNBase
from .transformer import TransformerEncoder, TransformerEncoderLayer
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                   MSELoss, NLLLoss, SmoothL1Loss)

__all__ = [
    "Module", "RemovableHandle", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    "Identity", "Linear", "Bilinear", "ReLU", "ReLU6", "LeakyReLU", "GELU", "SiLU", "Mish",
    "ELU", "Softplus", "Hardtanh", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
    "MultiheadAttention", "Flatten", "Unflatten", "Dropout", "Embedding", "LayerNorm",
    "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool2d",
    "AvgPool2d", "AdaptiveAvgPool2d", "RNNBase", "RNN", "LSTM", "GRU",
    "TransformerEncoderLayer", "TransformerEncoder", "L1Loss", "MSELoss", "CrossEntropyLoss",
    "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "HuberLoss", "SmoothL1Loss", "KLDivLoss",
]
