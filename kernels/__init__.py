"""Numba-jitted kernels: plain arrays and scalars in, plain arrays out.

Nothing here knows of labels, xarray, pydantic or files (see ``actuarial`` for those).
Importing this package compiles nothing: each kernel module compiles on first call and
caches the machine code on disk (``kernels.jit``).
"""
