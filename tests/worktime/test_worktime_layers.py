"""Regional holidays, office hours and closures on top of the national calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest

from onestop.worktime import (
    Limit,
    NationalCalendar,
    OfficeHours,
    RegionalHolidays,
    WorkingTime,
    default_working_time,
    import_holiday_cn,
)

At = Callable[[str], datetime]

# Test data in the shape a regional announcement is entered; not a claim about real dates.
XINJIANG = {
    "65": {
        "name": "新疆维吾尔自治区",
        "years": {
            "2025": {"off": {"2025-03-31": "肉孜节", "2025-06-06": "古尔邦节", "2025-06-09": "古尔邦节"}},
            "2026": {"off": {"2026-03-20": "肉孜节"}},
        },
    }
}


@pytest.fixture(scope="module")
def regional() -> RegionalHolidays:
    return RegionalHolidays.from_mapping(XINJIANG)


@pytest.fixture(scope="module")
def urumqi(regional: RegionalHolidays) -> WorkingTime:
    return WorkingTime(NationalCalendar.bundled(), regional, "650102")


def test_regional_holiday_applies_to_codes_under_the_prefix(urumqi: WorkingTime, wt: WorkingTime) -> None:
    assert wt.is_workday(date(2025, 3, 31))
    assert not urumqi.is_workday(date(2025, 3, 31))
    assert urumqi.day_info(date(2025, 3, 31)).name == "肉孜节"
    assert urumqi.day_info(date(2025, 3, 31)).provisional is False
    assert urumqi.fingerprint != wt.fingerprint


def test_regional_holiday_moves_a_deadline(urumqi: WorkingTime, wt: WorkingTime, at: At) -> None:
    start = at("2025-03-28 10:00")  # Friday
    assert wt.deadline(start, Limit.days(1)).at == at("2025-03-31 17:30")
    assert urumqi.deadline(start, Limit.days(1)).at == at("2025-04-01 17:30")
    assert urumqi.deadline(at("2025-03-28 17:00"), Limit.parse("1h")).at == at("2025-04-01 09:30")


def test_other_regions_are_unaffected(regional: RegionalHolidays, wt: WorkingTime) -> None:
    beijing = WorkingTime(NationalCalendar.bundled(), regional, "110105")
    assert beijing.is_workday(date(2025, 3, 31))
    assert not beijing.day_info(date(2024, 3, 1)).provisional


def test_years_without_regional_data_are_provisional_for_the_region(urumqi: WorkingTime) -> None:
    # 新疆's 2024 arrangement was not entered, so its days there are not final.
    assert urumqi.day_info(date(2024, 4, 10)).provisional
    assert not urumqi.day_info(date(2025, 4, 10)).provisional


def test_regional_data_can_be_added_at_runtime(regional: RegionalHolidays) -> None:
    more = regional.with_year("65", 2024, {date(2024, 4, 10): "肉孜节"})
    wt = WorkingTime(NationalCalendar.bundled(), more, "65")
    assert not wt.is_workday(date(2024, 4, 10))
    assert not wt.day_info(date(2024, 4, 11)).provisional
    assert RegionalHolidays.from_mapping(more.to_mapping()).to_mapping() == more.to_mapping()


def test_regional_data_is_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="行政区划代码"):
        RegionalHolidays.from_mapping({"xj": {"years": {}}})
    with pytest.raises(ValueError, match="出现了"):
        RegionalHolidays.from_mapping({"65": {"years": {"2025": {"off": {"2024-03-31": "肉孜节"}}}}})
    with pytest.raises(ValueError, match="格式错误"):
        RegionalHolidays.from_mapping({"65": {"years": {"2025": {"off": {"31/03/2025": "肉孜节"}}}}})
    with pytest.raises(ValueError, match="行政区划代码"):
        default_working_time(region_code="新疆")
    path = tmp_path / "regional.json"
    path.write_text('{"65": {"years": {"2025": {"off": {"2025-03-31": "肉孜节"}}}}}', encoding="utf-8")
    assert not default_working_time(regional=RegionalHolidays.load(path), region_code="65").is_workday(
        date(2025, 3, 31)
    )


def test_office_hours_are_configurable(at: At) -> None:
    hours = OfficeHours.parse("08:30-12:00,14:30-18:00")
    assert str(hours) == "08:30-12:00,14:30-18:00"
    assert hours.day_minutes == 420
    assert hours.closing == time(18, 0)
    wt = default_working_time(office_hours=hours)
    assert wt.deadline(at("2025-03-03 11:00"), Limit.parse("2h")).at == at("2025-03-03 15:30")
    assert wt.deadline(at("2025-03-03 11:00"), Limit.parse("1d")).at == at("2025-03-04 18:00")
    three = default_working_time(office_hours=OfficeHours.parse("09:00-12:00；13:00-15:00；16:00-17:00"))
    assert three.day_minutes == 360
    assert three.deadline(at("2025-03-03 09:00"), Limit.parse("0.5d")).at == at("2025-03-03 12:00")
    assert three.deadline(at("2025-03-03 14:30"), Limit.parse("1h")).at == at("2025-03-03 16:30")


def test_default_office_hours() -> None:
    hours = OfficeHours.default()
    assert str(hours) == "09:00-12:00,13:30-17:30"
    assert hours.day_minutes == 420
    assert hours.opening == time(9, 0)


@pytest.mark.parametrize(
    "text", ["", "09:00", "12:00-09:00", "09:00-12:00,11:00-13:00", "13:30-17:30,09:00-12:00", "25:00-26:00"]
)
def test_bad_office_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="办公"):
        OfficeHours.parse(text)


def test_closures_are_not_working_days(at: At, wt: WorkingTime) -> None:
    closed = default_working_time(closures=[date(2025, 3, 4)])
    assert not closed.is_workday(date(2025, 3, 4))
    assert closed.day_info(date(2025, 3, 4)).name == "服务中心停止办公"
    assert closed.deadline(at("2025-03-03 10:00"), Limit.days(1)).at == at("2025-03-05 17:30")
    assert closed.deadline(at("2025-03-03 17:00"), Limit.parse("1h")).at == at("2025-03-05 09:30")
    assert closed.fingerprint != wt.fingerprint
    reasoned = wt.with_closures({date(2025, 3, 4): "系统升级停止办公"})
    assert reasoned.day_info(date(2025, 3, 4)).name == "系统升级停止办公"
    assert reasoned.fingerprint != closed.fingerprint
    with pytest.raises(TypeError):
        default_working_time(closures=[at("2025-03-04 00:00")])


def test_runtime_notices_through_default_working_time(fictional_2027: Path, at: At) -> None:
    wt = default_working_time([import_holiday_cn(fictional_2027)])
    assert 2027 in wt.national.notices
    assert wt.deadline(at("2027-02-01 10:00"), Limit.days(5)) == (at("2027-02-15 17:30"), False)
    assert wt.last_day == date(2028, 12, 31)
    assert default_working_time(provisional_years=0).last_day == date(2026, 12, 31)
