"""Execution policy knobs (read at run time, so they may be changed at any point).

compile_after: a graph structure runs as one whole compiled program from its n-th sighting
    on; before that it runs in cached segments (see facade/_tiers.py). 1 compiles every new
    structure at once; a large number keeps code whose graph changes every step tiered.
    Segments that recur (an RNN cell) are compiled as units by the same rule.
compile_window: a structure counts as recurring only if it comes back within this many
    graphs (run uncompiled); where most recent graphs were new structures (a running share,
    forgetting at this pace), it must make up half of them: so rare repeats in ever-changing
    code compile nothing, and a steady loop that follows such code compiles a little later.
background_compile: compile a recurring structure on a worker thread while it keeps running
    in segments, instead of stalling the loop for the compile (up to a second for a large
    graph). Tests that count compiles turn it off, or call facade.debug.wait_for_compiles().
max_programs: bound of the least-recently-used cache of whole-graph programs.
max_segment_programs: bound of the cache of segment and single-op programs.
donate_replaced: a compiled training step takes over the buffers of the values it replaces
    (old parameters, old gradients, optimizer state) where nothing else can read them, so
    XLA writes the new values in place (see autograd/engine.py).
"""
compile_after = 2
compile_window = 16
background_compile = True
max_programs = 128
max_segment_programs = 1024
donate_replaced = True
