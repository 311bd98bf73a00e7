"""Schedule check-in dates between today and a goal's deadline."""

from __future__ import annotations

from datetime import date, timedelta

from .dates import add_months

MAX_CHECKINS = 12


def plan_checkins(start: date, deadline: date, count: int | None = None) -> list[date]:
    """Check-in dates strictly between `start` and `deadline`.

    With `count`, the dates are evenly spaced; without, they fall monthly on the same day
    of the month (at most MAX_CHECKINS, evenly spaced beyond that), or at the midpoint
    when the deadline is less than a month away.
    """
    span = (deadline - start).days
    if span < 2:
        return []
    if count is None:
        monthly = [
            day
            for months in range(1, MAX_CHECKINS + 2)
            if (day := add_months(start, months)) < deadline
        ]
        if len(monthly) > MAX_CHECKINS:
            count = MAX_CHECKINS
        else:
            return monthly or plan_checkins(start, deadline, 1)
    steps = {round(span * k / (count + 1)) for k in range(1, count + 1)}
    return [start + timedelta(days=step) for step in sorted(steps) if 0 < step < span]
