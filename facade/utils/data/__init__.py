"""torch.utils.data: datasets, samplers, DataLoader and default_collate.

    >>> from facade.utils.data import DataLoader, TensorDataset
    >>> loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)
    >>> for xb, yb in loader: ...

Loading runs in the calling process (`num_workers` is accepted and ignored). Shuffling
draws from facade's random stream (`facade.Generator`, `facade.manual_seed`), not
PyTorch's: the same seed gives the same order in facade, but not PyTorch's order.
"""
from .dataloader import DataLoader, default_collate, default_convert, get_worker_info
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset,
                      Subset, TensorDataset, random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset",
           "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "StackDataset",
           "Subset", "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler",
           "default_collate",
           "default_convert", "get_worker_info", "random_split"]
