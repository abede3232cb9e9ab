"""The specialist confirms п. 1.6 for the quarter on a plain form; other organs cannot."""

from __future__ import annotations

from tests.web.conftest import City, csrf_of, nonce_of


def _form(page: str, **fields: str) -> dict[str, str]:
    return {"csrf": csrf_of(page), "form": "main", "nonce": nonce_of(page), **fields}


def test_a_specialist_confirms_protection_and_the_page_says_so(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    client = as_role("culture")
    page = client.get(f"/accounts/{city.account}/protection").text

    done = client.post(
        f"/accounts/{city.account}/protection",
        data=_form(page, two_factor="on", people="2", credentials_kept="сейф кабинета 12"),
    )
    after = client.get(done.headers["location"]).text

    assert done.status_code == 303
    assert "Защита аккаунта за IV квартал 2026 г. подтверждена." in after


def test_without_2fa_the_form_comes_back_naming_the_field_and_clause(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    client = as_role("culture")
    page = client.get(f"/accounts/{city.account}/protection").text

    refused = client.post(
        f"/accounts/{city.account}/protection",
        data=_form(page, people="2", credentials_kept="сейф"),
    )

    assert refused.status_code == 422
    assert "п. 1.6" in refused.text and 'aria-invalid="true"' in refused.text
    assert 'value="сейф"' in refused.text  # what was typed is kept


def test_another_organs_specialist_cannot_confirm(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    client = as_role("sport")

    page = client.get(f"/accounts/{city.account}/protection")

    assert page.status_code == 403
