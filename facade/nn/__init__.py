"""torch.nn: modules, parameters, initialisation and utilities, written in facade's own
public API (tensor ops and nn.functional), so models built from them stay lazy and a
training step compiles into one program."""
from . import functional, init, utils
from .parameter import Buffer, Parameter
from .modules import (Module, RemovableHandle, Sequential, ModuleList, ModuleDict, ParameterList,
                      ParameterDict, Identity, Linear, Bilinear, ReLU, ReLU6, LeakyReLU, GELU,
                      SiLU, Mish, ELU, Softplus, Hardtanh, Sigmoid, Tanh, Softmax, LogSoftmax,
                      MultiheadAttention, Flatten, Unflatten, Dropout, Embedding, LayerNorm,
                      BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d, MaxPool2d,
                      AvgPool2d, AdaptiveAvgPool2d, RNNBase, RNN, LSTM, GRU,
                      TransformerEncoderLayer, TransformerEncoder, L1Loss, MSELoss,
                      CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, HuberLoss,
                      SmoothL1Loss, KLDivLoss)

__all__ = [
    "functional", "init", "utils", "Parameter", "Buffer",
    "Module", "RemovableHandle", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
    "ParameterDict", "Identity", "Linear", "Bilinear", "ReLU", "ReLU6", "LeakyReLU", "GELU",
    "SiLU", "Mish", "ELU", "Softplus", "Hardtanh", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
    "MultiheadAttention", "Flatten", "Unflatten", "Dropout", "Embedding", "LayerNorm",
    "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool2d",
    "AvgPool2d", "AdaptiveAvgPool2d", "RNNBase", "RNN", "LSTM", "GRU", "TransformerEncoderLayer",
    "TransformerEncoder", "L1Loss", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "HuberLoss", "SmoothL1Loss", "KLDivLoss",
]
