"""A real headless Chromium on the chain map: the chart draws, a click on a segment node shows
its enterprise list, and the heat map draws. Uses the demo data set (two and more regions).

With MEDBRIDGE_DOCS_SCREENSHOTS=1 the map's screenshot is also written to docs/chain-map.png
(the one the README shows).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from medbridge.app import create_app
from medbridge.db import Database
from medbridge.demo import load_demo
from tests.web.test_browser import CHROMIUM, browser, free_port  # noqa: F401  (browser is a fixture)

DOCS = Path(__file__).resolve().parents[2] / "docs"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("MEDBRIDGE_REQUIRE_CHROMIUM"),
                       reason=f"Chromium is not installed at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    import uvicorn

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('chain-browser') / 'demo.db'}")
    database.migrate()
    with database.session() as session:
        load_demo(session)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    database.dispose()


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    page.errors = errors
    yield page
    context.close()


def node_position(page, column: int, row: int) -> tuple[float, float]:
    """Where on the screen the chain map draws the node of segment `column` of chain `row`."""
    x, y = page.evaluate("""([column, row]) => {
        const chart = echarts.getInstanceByDom(document.getElementById('chain-map'));
        return chart.convertToPixel({seriesIndex: 0}, [column * 200, row * 120]);
    }""", [column, row])
    box = page.locator("#chain-map").bounding_box()
    return box["x"] + x, box["y"] + y


def test_click_a_segment_on_the_chain_map_and_see_its_enterprise_list(page, demo_server, tmp_path):
    page.goto(f"{demo_server}/chain?region=北京市")
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('chain-map'))")
    assert page.locator("#chain-map canvas").count() >= 1
    # 医疗器械 is the fourth chain (row 3); 生产加工 its fifth segment (column 4).
    page.mouse.click(*node_position(page, 4, 3))
    page.wait_for_selector("#segment-enterprises")
    panel = page.locator("#segment-panel").inner_text()
    assert "医疗器械 · 生产加工" in panel
    assert "衡源医疗机器人（北京）有限公司" in page.locator("#segment-enterprises").inner_text()
    page.mouse.move(0, 0)
    page.wait_for_timeout(600)  # let the tooltip fade out of the picture
    shot = page.locator(".chain-layout").screenshot(path=str(tmp_path / "chain-map.png"))
    assert len(shot) > 10_000
    if os.environ.get("MEDBRIDGE_DOCS_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        (DOCS / "chain-map.png").write_bytes(shot)

    # The panel leads on to the full list with its attraction targets.
    page.click("#segment-full-list")
    page.wait_for_selector("#enterprise-list")
    assert "衡源医疗机器人（北京）有限公司" in page.locator("#enterprise-list").inner_text()
    assert page.locator("#targets").is_visible()
    assert not page.errors, page.errors   # no script errors, no CSP refusals


def test_the_heat_map_draws_the_regions(page, demo_server):
    page.goto(f"{demo_server}/chain/heatmap?chain=medical_device")
    page.wait_for_function("() => echarts.getInstanceByDom(document.getElementById('chain-heatmap'))")
    regions = page.locator("table.heat-table tbody th").all_inner_texts()
    assert {"北京市", "天津市", "河北省", "上海市"} <= set(regions)
    assert not page.errors, page.errors
