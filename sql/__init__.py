"""SQL shipped with dsanalysis: the store schema, its forward migrations and the named queries.

Installed as ``dsanalysis.sql``; read through ``importlib.resources``, never from a hard-coded path.
"""
