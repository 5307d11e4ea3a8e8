"""facade.utils.data: datasets, samplers, DataLoader, default_collate, random_split
(PyTorch's semantics and messages, recorded from PyTorch 2.13)."""
import collections
import warnings

import numpy as np
import pytest

import facade as torch
from facade import debug
from facade.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset,
                               IterableDataset, RandomSampler, SequentialSampler, StackDataset,
                               Subset, SubsetRandomSampler, TensorDataset, default_collate,
                               default_convert, random_split)


def make_ds(n=10):
    return TensorDataset(torch.arange(n * 2.0).reshape(n, 2), torch.arange(n))


def test_importable_as_pytorch_spells_it():
    import facade.utils.data as d
    from facade.utils import data
    assert torch.utils.data is d is data and d.DataLoader is DataLoader


def test_tensor_dataset_items_and_size_mismatch():
    ds = make_ds()
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and y.item() == 3 and len(ds) == 10
    with pytest.raises(AssertionError, match="^Size mismatch between tensors$"):
        TensorDataset(torch.zeros(3), torch.zeros(4))


def test_dataloader_batches_in_order_with_last_partial_batch():
    loader = DataLoader(make_ds(), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    xs, ys = batches[0]
    assert isinstance(batches[0], list)   # default_collate turns the tuple into a list
    assert xs.shape == (4, 2) and xs.dtype is torch.float32 and ys.dtype is torch.int64
    assert ys.tolist() == [0, 1, 2, 3] and batches[2][1].tolist() == [8, 9]
    assert xs.tolist() == [[0, 1], [2, 3], [4, 5], [6, 7]]


def test_dataloader_drop_last_and_len():
    loader = DataLoader(make_ds(), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(range(10), batch_size=3)) == 4
    assert len(DataLoader(range(10), batch_size=3, drop_last=True)) == 3


def test_shuffle_is_a_permutation_reproducible_with_a_generator():
    def order(seed):
        g = torch.Generator().manual_seed(seed)
        loader = DataLoader(make_ds(20), batch_size=6, shuffle=True, generator=g)
        return [i for _, y in loader for i in y.tolist()]

    a, b, c = order(0), order(0), order(1)
    assert sorted(a) == list(range(20)) and a == b and a != c
    g = torch.Generator().manual_seed(0)
    loader = DataLoader(make_ds(20), batch_size=20, shuffle=True, generator=g)
    e1, e2 = (next(iter(loader))[1].tolist() for _ in range(2))
    assert e1 != e2   # each epoch draws a new order
    torch.manual_seed(3)
    d1 = [y.tolist() for _, y in DataLoader(make_ds(), batch_size=10, shuffle=True)]
    torch.manual_seed(3)
    d2 = [y.tolist() for _, y in DataLoader(make_ds(), batch_size=10, shuffle=True)]
    assert d1 == d2   # without a generator: facade's default generator


def test_batches_of_a_tensor_dataset_are_values_of_stacked_rows():
    ds = make_ds(12)
    g = torch.Generator().manual_seed(5)
    loader = DataLoader(ds, batch_size=5, shuffle=True, generator=g)
    for xb, yb in loader:
        rows = [ds[i] for i in yb.tolist()]
        np.testing.assert_array_equal(xb.numpy(), np.stack([r[0].numpy() for r in rows]))
    sub = Subset(ds, [11, 3, 7])
    (xb, yb), = list(DataLoader(sub, batch_size=3))
    assert yb.tolist() == [11, 3, 7] and xb.tolist() == [[22, 23], [6, 7], [14, 15]]


def test_loading_a_batch_records_the_same_graph_each_step():
    """A TensorDataset batch is one gather per tensor (not one op per row), so a training
    loop over a loader reuses its program."""
    rs = np.random.RandomState(0)
    x = torch.tensor(rs.randn(64, 3).astype(np.float32))
    y = torch.tensor(rs.randn(64).astype(np.float32))
    w = torch.zeros(3, requires_grad=True)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True,
                        generator=torch.Generator().manual_seed(0))

    def epoch():
        for xb, yb in loader:
            loss = ((xb @ w - yb) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                w.sub_(0.1 * w.grad)
            w.grad = None

    try:
        from facade import config
        old = config.background_compile
        config.background_compile = False
    except ImportError:
        config = None
    try:
        epoch()
        epoch()
        debug.reset_counters()
        epoch()
    finally:
        if config is not None:
            config.background_compile = old
    c = debug.counters()
    assert c["compiles"] == 0 and c["calls"] == 4, c


def test_default_collate_types_like_pytorch():
    r = default_collate([1, 2])
    assert r.dtype is torch.int64 and r.tolist() == [1, 2]
    r = default_collate([1.0, 2.0])
    assert r.dtype is torch.float64
    assert default_collate([True, False]).dtype is torch.bool
    assert default_collate(["a", "b"]) == ["a", "b"]
    r = default_collate([np.ones(2), np.zeros(2)])
    assert r.dtype is torch.float64 and r.tolist() == [[1, 1], [0, 0]]
    assert default_collate([np.float32(1), np.float32(2)]).dtype is torch.float32
    assert default_collate([np.int32(1)]).dtype is torch.int32
    a, b = default_collate([(1, 2.0), (3, 4.0)])
    assert a.tolist() == [1, 3] and b.dtype is torch.float64
    lst = default_collate([[1, 2.0], [3, 4.0]])
    assert isinstance(lst, list) and lst[0].tolist() == [1, 3]
    d = default_collate([{"a": 1, "b": torch.ones(2)}, {"a": 2, "b": torch.zeros(2)}])
    assert d["a"].tolist() == [1, 2] and d["b"].shape == (2, 2)
    od = default_collate([collections.OrderedDict(x=1), collections.OrderedDict(x=2)])
    assert isinstance(od, collections.OrderedDict)
    Point = collections.namedtuple("Point", "x y")
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3]
    t = default_collate([torch.ones(2, 3), torch.zeros(2, 3)])
    assert t.shape == (2, 2, 3)
    with pytest.raises(RuntimeError, match="^each element in list of batch should be of equal "
                                           "size$"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy "
                                        "arrays, numbers, dicts or lists; found <class "
                                        "'object'>"):
        default_collate([object()])
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but "
                                           r"got \[2\] at entry 0 and \[3\] at entry 1"):
        default_collate([torch.zeros(2), torch.zeros(3)])


def test_default_convert_and_batch_size_none():
    assert list(DataLoader(range(3), batch_size=None)) == [0, 1, 2]
    out = default_convert((np.arange(2), "s"))
    assert isinstance(out, list) and out[0].dtype is torch.int64 and out[1] == "s"
    loader = DataLoader([np.ones(2), np.zeros(2)], batch_size=None)
    assert [t.tolist() for t in loader] == [[1.0, 1.0], [0.0, 0.0]]


def test_collate_fn_sampler_and_batch_sampler():
    loader = DataLoader(range(6), batch_size=2, collate_fn=lambda b: sum(b))
    assert list(loader) == [1, 5, 9]
    loader = DataLoader(range(6), sampler=[5, 4, 3], batch_size=2)
    assert [b.tolist() for b in loader] == [[5, 4], [3]]
    loader = DataLoader(range(6), batch_sampler=[[0, 5], [2]])
    assert [b.tolist() for b in loader] == [[0, 5], [2]] and len(loader) == 2
    bs = BatchSampler(SequentialSampler(range(7)), 3, drop_last=False)
    assert list(bs) == [[0, 1, 2], [3, 4, 5], [6]] and len(bs) == 3
    assert list(BatchSampler(range(7), 3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    rs = RandomSampler(range(5), generator=torch.Generator().manual_seed(0))
    assert sorted(rs) == [0, 1, 2, 3, 4] and len(rs) == 5
    rs = RandomSampler(range(5), replacement=True, num_samples=12,
                       generator=torch.Generator().manual_seed(0))
    draws = list(rs)
    assert len(draws) == 12 and all(0 <= i < 5 for i in draws)
    assert sorted(RandomSampler(range(3), num_samples=7)) == [0, 0, 0, 1, 1, 2, 2]
    assert sorted(SubsetRandomSampler([7, 8, 9])) == [7, 8, 9]


def test_dataloader_errors_are_pytorchs():
    with pytest.raises(ValueError, match="^batch_size should be a positive integer value, but "
                                         "got batch_size=0$"):
        DataLoader(range(10), batch_size=0)
    with pytest.raises(ValueError, match="^sampler option is mutually exclusive with shuffle$"):
        DataLoader(range(10), shuffle=True, sampler=[1, 2])
    with pytest.raises(ValueError, match="^batch_sampler option is mutually exclusive with "
                                         "batch_size, shuffle, sampler, and drop_last$"):
        DataLoader(range(10), batch_sampler=[[1, 2]], batch_size=3)
    with pytest.raises(ValueError, match="batch_size=None option disables auto-batching and "
                                         "is mutually exclusive with drop_last"):
        DataLoader(range(10), batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but "
                                         "got num_samples=0"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(range(3), num_workers=-1)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        DataLoader(range(3)).batch_size = 2
    # num_workers is accepted and ignored (loading runs in this process)
    assert [b.tolist() for b in DataLoader(range(4), batch_size=2, num_workers=2)] == \
        [[0, 1], [2, 3]]


def test_iterable_dataset():
    class Count(IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    loader = DataLoader(Count(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    assert [b.tolist() for b in DataLoader(Count(7), batch_size=3, drop_last=True)] == \
        [[0, 1, 2], [3, 4, 5]]
    assert list(ChainDataset([Count(2), Count(3)])) == [0, 1, 0, 1, 2]
    assert list(Count(2) + Count(1)) == [0, 1, 0]
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified "
                                         "shuffle option, but got shuffle=True"):
        DataLoader(Count(3), shuffle=True)
    with pytest.raises(TypeError, match="Can't instantiate abstract class"):
        IterableDataset()


def test_dataset_base_concat_subset_stack():
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement "
                                                  "__getitem__."):
        Dataset()[0]
    c = ConcatDataset([range(3), range(4)])
    assert len(c) == 7 and c[4] == 1 and c[-1] == 3 and c.cumulative_sizes == [3, 7]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset "
                                         "length"):
        c[-8]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    assert len(make_ds(3) + make_ds(2)) == 5
    s = Subset(range(10), [9, 2])
    assert len(s) == 2 and s[0] == 9 and s.__getitems__([1, 0]) == [2, 9]
    st = StackDataset(range(3), range(10, 13))
    assert st[1] == (1, 11) and len(st) == 3
    assert StackDataset(a=range(2), b=range(2))[1] == {"a": 1, "b": 1}
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(range(2), range(3))


def test_random_split_lengths_and_fractions():
    ds = make_ds(10)
    parts = random_split(ds, [3, 7], generator=torch.Generator().manual_seed(0))
    idx = [p.indices for p in parts]
    assert [len(p) for p in parts] == [3, 7] and sorted(idx[0] + idx[1]) == list(range(10))
    again = random_split(ds, [3, 7], generator=torch.Generator().manual_seed(0))
    assert [p.indices for p in again] == idx
    # fractions: floor of each, the remainder given round-robin (PyTorch's rule)
    parts = random_split(range(10), [0.34, 0.33, 0.33])
    assert [len(p) for p in parts] == [4, 3, 3]
    with pytest.warns(UserWarning, match="Length of split at index 2 is 0. This might result "
                                         "in an empty dataset."):
        parts = random_split(range(5), [0.5, 0.5, 0.0])
    assert [len(p) for p in parts] == [3, 2, 0]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of "
                                         "the input dataset!"):
        random_split(range(10), [3, 4])
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of "
                                         "the input dataset!"):
        random_split(range(10), [0.3, 0.4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, y = parts[0][0], parts[1][0]
    assert x in range(5) and y in range(5)


def test_batches_from_a_reused_numpy_buffer_keep_their_values():
    """A dataset that fills one NumPy buffer in place: every batch keeps the values it was
    made from (facade.tensor copies; JAX's CPU device_put alone may share the buffer)."""
    class Reused(Dataset):
        def __init__(self):
            self.buf = np.zeros(3, np.float32)

        def __len__(self):
            return 4

        def __getitem__(self, i):
            self.buf[:] = i
            return self.buf

    batches = list(DataLoader(Reused(), batch_size=None))
    assert [b.tolist() for b in batches] == [[float(i)] * 3 for i in range(4)]
    for shape in [(), (3,), (17,)]:
        for dt in (np.int64, np.float32):
            arrs = [np.zeros(shape, dt) for _ in range(20)]
            ts = [f(a) for a in arrs for f in (torch.tensor, torch.from_numpy, torch.as_tensor)]
            for a in arrs:
                a += 5
            assert all(t.sum().item() == 0 for t in ts)


def test_weighted_random_sampler():
    from facade.utils.data import WeightedRandomSampler
    g = torch.Generator().manual_seed(0)
    s = WeightedRandomSampler([0.1, 0.0, 0.6, 0.3], 4000, generator=g)
    draws = list(s)
    assert len(s) == 4000 and len(draws) == 4000
    counts = np.bincount(draws, minlength=4) / 4000
    np.testing.assert_allclose(counts, [0.1, 0.0, 0.6, 0.3], atol=0.03)
    g2 = torch.Generator().manual_seed(0)
    assert list(WeightedRandomSampler([0.1, 0.0, 0.6, 0.3], 4000, generator=g2)) == draws
    once = list(WeightedRandomSampler([1, 5, 0, 2], 3, replacement=False))
    assert sorted(once) == [0, 1, 3]
    assert sorted(WeightedRandomSampler([1, 5, 0, 2], 4, replacement=False)) == [0, 1, 2, 3]
    assert s.weights.dtype == torch.float64 and s.replacement is True
    loader = DataLoader(make_ds(4), batch_size=2,
                        sampler=WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False))
    assert len(loader) == 2
    assert sorted(int(v) for _, ys in loader for v in ys) == [0, 1, 2, 3]
    for args, kw, exc, msg in [
            (([1.0], 0), {}, ValueError,
             "num_samples should be a positive integer value, but got num_samples=0"),
            (([1.0], 2), {"replacement": 1}, ValueError,
             "replacement should be a boolean value, but got replacement=1"),
            (([[1.0, 2.0]], 2), {}, ValueError,
             "weights should be a 1d sequence but given weights have shape (1, 2)")]:
        with pytest.raises(exc) as info:
            WeightedRandomSampler(*args, **kw)
        assert str(info.value) == msg
    for w, n, repl, msg in [
            ([1.0, 2.0], 3, False, "cannot sample n_sample > prob_dist.size(-1) samples without "
                                   "replacement"),
            ([1.0, -1.0], 1, True, "probability tensor contains either `inf`, `nan` or element "
                                   "< 0"),
            ([0.0, 0.0], 1, True, "invalid multinomial distribution (sum of probabilities <= "
                                  "0)")]:
        with pytest.raises(RuntimeError) as info:
            list(WeightedRandomSampler(w, n, replacement=repl))
        assert str(info.value) == msg
