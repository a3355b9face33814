"""What leaves the warehouse as files: the per-prefecture extracts and the dashboard's downloads.

- ``files``: CSV (UTF-8 with BOM or CP932), XLSX and Parquet bytes; formula neutralisation.
- ``suppression``: the small-count rule (秘匿) shared with the dashboard.
- ``tables``: the extract tables declared (mart, sheet, columns and their Japanese definitions);
  the figures come from the ``mart.extract_*`` models.
- ``text``: the 説明 rows, README.txt and the 列の定義 sheet.
- ``extract``: one prefecture, several, or all 47 for the nightly run; the ZIP for a download.

Imports run one way: files, suppression -> tables -> text -> extract. This file imports nothing,
so ``warehouse.settings`` and the dashboard can use one module without loading the rest.
"""
