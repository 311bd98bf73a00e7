"""Calendar helpers shared by the checker and the exports."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def format_date(day: date) -> str:
    """Format a date as '31 March 2027'."""
    return f"{day.day} {day:%B %Y}"


def month_end(year: int, month: int) -> date:
    """Last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> date:
    """Last day of a calendar quarter (1-4)."""
    return month_end(year, quarter * 3)


def week_end(day: date) -> date:
    """The Sunday that closes the week containing `day`."""
    return day + timedelta(days=6 - day.weekday())


def add_months(day: date, months: int) -> date:
    """Same day of the month, `months` later, clamped to the month's length."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
