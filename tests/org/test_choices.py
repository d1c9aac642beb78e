"""``onestop.choices.ChoiceSet`` (lives at the package top, tested here with the roles that first use it)."""

from __future__ import annotations

import json

import pytest

from onestop.choices import COLOURS, ChoiceSet, InvalidChoice


class Light(ChoiceSet, verbose_name="信号灯"):
    GREEN = "green", "通行", "green"
    RED = "red", "停止", "red"


def test_member_is_its_value() -> None:
    assert isinstance(Light.GREEN, str)
    assert Light.GREEN.value == "green"
    assert Light("red") is Light.RED
    assert str(Light.RED) == "red"
    assert json.dumps({"light": Light.RED}) == '{"light": "red"}'
    assert Light.RED in frozenset({"red"})


def test_label_colour_and_choices() -> None:
    assert Light.GREEN.label == "通行"
    assert Light.RED.colour == "red"
    assert Light.choices() == [("green", "通行"), ("red", "停止")]
    assert Light.verbose_name == "信号灯"


def test_parse_gives_a_chinese_error_listing_the_choices() -> None:
    assert Light.parse(" red ") is Light.RED
    with pytest.raises(InvalidChoice) as caught:
        Light.parse("blue", field="light")
    assert caught.value.message == "信号灯无效：“blue”，可选：通行（green）、停止（red）"
    assert caught.value.field == "light"
    assert caught.value.code == "invalid_choice"
    assert caught.value.status == 422


def test_unknown_colour_fails_when_the_class_is_defined() -> None:
    with pytest.raises(ValueError, match="unknown colour"):

        class Bad(ChoiceSet):
            ODD = "odd", "奇怪", "chartreuse"


def test_palette_has_the_names_roles_use() -> None:
    assert {"blue", "red", "gray", "dark"} <= COLOURS
