"""Open311 GeoReport v2: responses validate against the official schemas; the real clients `georeport` and
`civicbot` (PyPI) list services, post a request and read it back over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import xmltodict
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from onestop.actions import hotline as hl
from onestop.hotline.kinds import Channel
from onestop.web.app import create_app
from tests.conftest import SHARED_DATA, require
from tests.hotline.hotline_helpers import HotlineCounty, complaint, token_for
from tests.web.web_server import serve_in_thread

SCHEMAS = SHARED_DATA / "open311" / "schema-validation"
BASE = "/open311/v2"


def validator(name: str) -> Draft7Validator:
    require(SCHEMAS.is_dir(), f"Open311 schemas missing at {SCHEMAS}")
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT7))
        for path in sorted(SCHEMAS.glob("*.json"))
        if path.name != "swagger.json"
    ]
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text())
    return Draft7Validator(schema, registry=registry)


def valid(name: str, data: Any) -> None:
    errors = sorted(validator(name).iter_errors(data), key=str)
    assert not errors, [e.message for e in errors]


@pytest.fixture
def app(hc: HotlineCounty) -> FastAPI:
    return create_app(hc.rt)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def test_services_and_definitions_validate(client: TestClient) -> None:
    services = client.get(f"{BASE}/services.json").json()
    valid("services.json", services)
    assert [s["service_code"] for s in services] == ["consult", "help", "complaint", "report", "suggestion", "praise"]
    assert services[2]["service_name"] == "投诉"
    definition = client.get(f"{BASE}/services/complaint.json").json()
    valid("service-definition.json", definition)
    missing = client.get(f"{BASE}/services/pothole.json")
    assert missing.status_code == 404
    assert missing.json() == [{"code": 404, "description": "服务「pothole」不存在"}]
    xml = client.get(f"{BASE}/services.xml")
    assert xml.headers["content-type"].startswith("text/xml")
    assert xmltodict.parse(xml.content)["services"]["service"][0]["service_code"] == "consult"
    discovery = client.get(f"{BASE}/discovery.json").json()
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2")


def test_post_then_get_validate_and_map_states(hc: HotlineCounty, client: TestClient) -> None:
    key = token_for(hc.rt, hc.operator)["Authorization"].removeprefix("Bearer ")
    form = {
        "api_key": key,
        "service_code": "complaint",
        "description": "阳明镇东风路路灯损坏，夜间行人出行不便。",
        "address_string": "阳明镇东风路",
        "lat": "24.44",
        "long": "114.93",
        "phone": "13800138009",
    }
    posted = client.post(f"{BASE}/requests.json", data=form)
    assert posted.status_code == 201, posted.text
    (receipt,) = posted.json()
    number = receipt["service_request_id"]
    assert number.startswith("RX")
    assert "查询码" in receipt["service_notice"]
    (got,) = client.get(f"{BASE}/requests/{number}.json").json()
    valid("request.json", got)
    assert (got["status"], got["service_code"], got["expected_datetime"]) == ("open", "complaint", None)
    assert got["long"] == 114.93
    assert "13800138009" not in json.dumps(got)

    hl.dispatch(hc.rt, hc.operator, number, hl.DispatchOrder(hc.units["YMZ"].id))
    (got,) = client.get(f"{BASE}/requests/{number}.json").json()
    assert got["agency_responsible"] == "测试县阳明镇人民政府"
    assert got["expected_datetime"] == "2026-03-09T17:30:00+08:00"  # the clock's due: 5 working days
    answered = hl.register_request(hc.rt, hc.operator, complaint(category="consult"), channel=Channel.PHONE)
    hl.direct_answer(hc.rt, hc.operator, answered.case.number, reply_text="请到政务服务中心咨询。")
    listing = client.get(f"{BASE}/requests.json", params={"status": "closed"}).json()
    valid("requests.json", listing)
    assert [r["service_request_id"] for r in listing] == [answered.case.number]
    assert listing[0]["status"] == "closed"
    both = client.get(f"{BASE}/requests.json", params={"service_request_id": f"{number},{answered.case.number}"})
    assert len(both.json()) == 2
    xml = xmltodict.parse(client.get(f"{BASE}/requests/{number}.xml").content)
    assert xml["service_requests"]["request"]["service_request_id"] == number
    token = client.get(f"{BASE}/tokens/{number}.json").json()
    assert token == [{"service_request_id": number, "token": number}]


def test_errors_are_open311_errors(hc: HotlineCounty, client: TestClient) -> None:
    form = {"service_code": "complaint", "description": "x", "address_string": "某路"}
    no_key = client.post(f"{BASE}/requests.json", data=form)
    assert no_key.status_code == 403
    assert no_key.json()[0]["code"] == 403
    bad_key = client.post(f"{BASE}/requests.xml", data={**form, "api_key": "os_nope"})
    assert bad_key.status_code == 403
    assert "api_key" in xmltodict.parse(bad_key.content)["errors"]["error"]["description"]
    key = token_for(hc.rt, hc.operator)["Authorization"].removeprefix("Bearer ")
    no_place = client.post(f"{BASE}/requests.json", data={"api_key": key, "service_code": "help", "description": "x"})
    assert no_place.status_code == 400
    assert "位置" in no_place.json()[0]["description"]
    empty = client.post(f"{BASE}/requests.json", data={**form, "api_key": key, "description": ""})
    assert empty.status_code == 400
    assert "请填写「诉求内容」" in empty.json()[0]["description"]
    bad_phone = client.post(f"{BASE}/requests.json", data={**form, "api_key": key, "phone": "12"})
    assert bad_phone.status_code == 400
    assert "联系电话" in bad_phone.json()[0]["description"]
    assert client.get(f"{BASE}/requests.json", params={"status": "pending"}).status_code == 400
    assert client.get(f"{BASE}/requests/RX404.json").status_code == 404


def test_real_clients_list_post_and_read_back(hc: HotlineCounty, app: FastAPI) -> None:
    from civicbot.http import HttpTransport, RateLimiter
    from civicbot.open311 import Open311Client
    from civicbot.registry import Endpoint
    from georeport import GeoReport

    key = token_for(hc.rt, hc.operator)["Authorization"].removeprefix("Bearer ")
    with serve_in_thread(app) as base:
        root = f"{base}{BASE}"
        geo = GeoReport(root)
        assert [s["service_code"] for s in geo.get_service_list()][:3] == ["consult", "help", "complaint"]
        assert geo.get_service_definition("report")["attributes"][0]["code"] == "anonymous"
        endpoint = Endpoint(id="onestop", name="和平县 12345", base_url=root, write=True)
        bot = Open311Client(endpoint, transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)))
        assert len(bot.list_services()) == 6
        sent = bot.create_request(
            "report",
            dry_run=False,
            confirm="SEND",
            api_key=key,
            validate_remote=True,
            description="彭寨镇某砂场夜间非法采砂，运砂车噪音大。",
            address_string="彭寨镇河段",
            attributes={"anonymous": "true"},
        )
        (receipt,) = sent.response
        number = receipt["service_request_id"]
        back = geo.get_service_request(number)
        assert back["service_request_id"] == number
        assert back["service_code"] == "report"
        assert back["status"] == "open"
        assert bot.get_request(number)["description"].startswith("彭寨镇")
        xml_client = GeoReport(root, output_format="xml")
        assert xml_client.get_service_request(number)["service_request_id"] == number
    assert hl.get_request(hc.rt, hc.operator, number).anonymous
