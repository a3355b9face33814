"""The police crime open data (犯罪オープンデータ): format, cells, frame, normalisation, findings,
and the entry point :func:`~warehouse.ingest.crime.read.read_crime_file`."""
