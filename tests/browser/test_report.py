"""The prefecture report printed by headless chromium to an A4 PDF, as "Save as PDF" from the
browser makes it: one page, only the report on it, with the figures the page shows.

Skipped, saying why, when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.conftest import CHROMIUM, NATIONAL, run_done

pytestmark = [pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="needs Debian chromium (apt-get install chromium)"),
              pytest.mark.xdist_group(NATIONAL)]  # its half of the browser pass (test_pages)
A4_POINTS = (595, 842)  # 210 x 297 mm


def printed(server: str, browser, pref: str, lang: str, out: Path) -> PdfReader:
    """The report of ``pref`` opened at 1440 px and printed to PDF in A4, as a PDF reader."""
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{server}/report?pref={pref}&lang={lang}", wait_until="load")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=90000)
    run_done(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90000)
    run_done(page)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "() => ['stSidebar', 'stHeader'].map(id => { const e = document.querySelector("
        "`[data-testid=\"${id}\"]`); return !e || getComputedStyle(e).display === 'none'; })"
        ".concat([getComputedStyle(document.querySelector('.st-key-report_controls')).display"
        " === 'none'])")
    assert hidden == [True, True, True]  # sidebar, header and the report's controls
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (out / f"report_{pref}_{lang}.pdf").write_bytes(pdf)
    page.close()
    return PdfReader(io.BytesIO(pdf))


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", ["福岡県の再犯防止の取組", "策定済", "27.6%", "全国 43.5%", "16 / 58",
            "1,500,000円", "刑法犯検挙者中の再犯者率", "48.0", "47.0",
            "943 件", "出典", "サンプルデータ"]),
])  # the English report's figures: tests/unit/dashboard/test_report.py
def test_the_report_prints_on_one_a4_page_with_its_figures(server, browser, tmp_path, lang,
                                                           expected) -> None:
    out = Path(os.environ.get("SAIHAN_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    reader = printed(server, browser, "40", lang, out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    # NFKC: the PDF's CJK glyphs come back as Kangxi radicals (⽌ for 止)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", reader.pages[0].extract_text()))
    missing = [e for e in expected if e not in text and e not in text.replace(" ", "")]
    assert not missing, (missing, text[:2000])
    assert "Deploy" not in text and "言語 / Language" not in text  # no sidebar, no chrome
