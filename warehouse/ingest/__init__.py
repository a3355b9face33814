"""Bytes to :class:`~warehouse.ingest.contract.Parsed`: every source's reader, and the route
that recognises a file by its header. Nothing here opens DuckDB or reads settings."""
