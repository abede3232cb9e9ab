"""The publish-registry and check-site-links flows on the test Prefect server."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.app import Srok
from services.demo import SPECIALISTS
from services.links import set_site_page
from services.settings import Settings
from tests.conftest import copy_database
from tests.flows.records import run_records as _artifacts_and_logs
from tests.flows.records import text as _text
from tests.site_server import Site


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_template: Path) -> Srok:
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.delenv("SROK_DATABASE_URL", raising=False)
    copy_database(demo_template, tmp_path)
    return Srok(dataclasses.replace(Settings.from_env(), today_override=date(2026, 12, 1)))


def _personal_data(app: Srok) -> list[str]:
    from sqlmodel import select

    from models.tables import Specialist

    with app.transaction() as session:
        people = session.exec(select(Specialist)).all()
    return (
        [p.full_name for p in people]
        + [p.email for p in people]
        + [p.phone for p in people]
        + [p.position for p in people]
        + [name.split()[0] for name, _ in SPECIALISTS]
    )


def test_the_publication_flow_publishes_and_reports_changes_without_personal_data(
    demo: Srok, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.publish_registry import publish_registry

    monkeypatch.setenv("SROK_TODAY", "2027-01-20")  # 2026Q4 is published after it ends
    state = publish_registry(on=date(2027, 1, 20), quarter="2026Q4", return_state=True)
    again = publish_registry(on=date(2027, 1, 20), quarter="2026Q4")

    result: dict[str, Any] = state.result()
    assert result["rows"] == 7 and result["recorded"] and not again["recorded"]
    page = tmp_path / "public" / "current" / "index.html"
    assert page.exists()
    artifacts, logs = _artifacts_and_logs(state.state_details.flow_run_id)
    report = " ".join(_text(a.data) for a in artifacts)
    assert any(line.startswith("реестр за 2026Q4: 7 аккаунтов") for line in logs)
    assert "Реестр за IV квартал 2026 г. опубликован 20.01.2027" in report
    assert "добавлен: https://vk.com/kultura_nvl_demo" in report
    published = (
        report
        + " ".join(logs)
        + json.dumps(result, ensure_ascii=False)
        + "".join(
            p.read_text(encoding="utf-8") for p in (tmp_path / "public" / "current").iterdir()
        )
    )
    assert [p for p in _personal_data(demo) if p in published] == []


def test_the_scheduled_publication_takes_the_quarter_just_ended(
    demo: Srok, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.publish_registry import publish_registry

    monkeypatch.setenv("SROK_TODAY", "2027-01-20")

    result = publish_registry(on=date(2027, 1, 20))

    assert result["quarter"] == "2026Q4"


def test_the_link_flow_closes_steps_whose_links_are_on_the_page(
    demo: Srok, city_site: Site
) -> None:
    from flows.check_site_links import check_site_links

    city_site.pages["/kultura-demo"] = (
        '<html><body><nav><a href="https://rutube.ru/channel/kultura_nvl_demo/">RUTUBE</a>'
        "</nav></body></html>"
    )
    with demo.transaction() as session:
        set_site_page(
            session=session,
            organ_id=2,
            page=city_site.url("/kultura-demo"),
            actor="test",
            today=date(2026, 12, 1),
        )

    state = check_site_links(organ_id=2, return_state=True)

    result = state.result()
    assert result["closed"] == 1 and result["organs"][0]["found"] == [6]
    artifacts, _ = _artifacts_and_logs(state.state_details.flow_run_id)
    assert "| Комитет по культуре Администрации города Новоалтайска | 1 | 1 | 0 |" in _text(
        artifacts[0].data
    )
