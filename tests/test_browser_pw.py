"""The browser checks themselves: each one fails on a page that breaks what it guards."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser_pw import assert_accessible, assert_no_horizontal_scroll, print_pdf

STRICT_CSP = (
    "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'self'\">"
)
GOOD = (
    "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
    "<meta name='viewport' content='width=device-width'>"
    f"{STRICT_CSP}<title>Реестр</title></head>"
    "<body><main><h1>Реестр</h1><p>Текст</p></main></body></html>"
)


def test_a_clean_page_passes_axe_even_under_a_strict_content_security_policy(page: Any) -> None:
    page.set_content(GOOD)

    assert_accessible(page)

    assert page.evaluate("typeof window.axe") == "object"


def test_axe_fails_on_an_image_without_text_and_a_button_without_a_name(page: Any) -> None:
    page.set_content(
        GOOD.replace("<p>Текст</p>", "<img src='data:,'><button></button><p>Текст</p>")
    )

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page)

    message = str(failure.value)
    assert "image-alt (critical)" in message and "button-name (critical)" in message
    assert "<img" in message


def test_a_table_wider_than_a_phone_is_caught_and_named(page: Any) -> None:
    page.set_content(
        GOOD.replace(STRICT_CSP, "").replace(
            "<p>Текст</p>", "<table class='wide' style='width:600px'><tr><td>1</td></tr></table>"
        )
    )

    assert_no_horizontal_scroll(page, 1280)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_horizontal_scroll(page, 390)

    assert "table.wide" in str(failure.value) and "390 px" in str(failure.value)


def test_print_pdf_gives_a_pdf_document(page: Any) -> None:
    page.set_content(GOOD)

    pdf = print_pdf(page)

    assert pdf.startswith(b"%PDF-") and len(pdf) > 500
