"""Charts drawn on the server as SVG geometry: plain numbers in, rectangles and labels out.
No script runs in the browser to draw them."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 640, 180, 28
ROW = 22


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None
    shown: str
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: `bars` in SVG user units, `peak` the value of the top line."""

    key: str
    title: str
    bars: tuple[Bar, ...]
    peak: float
    peak_shown: str
    width: int
    height: int
    horizontal: bool = False

    @property
    def empty(self) -> bool:
        return all(b.value is None or b.value == 0 for b in self.bars)


def _peak(values: list[float]) -> float:
    top = max(values, default=0.0)
    return top if top > 0 else 1.0


def columns(
    key: str, title: str, points: list[tuple[str, float | None]], fmt: str = "{:g}"
) -> Chart:
    """Vertical bars, one per point (a day or a week), left to right. None is "no data"."""
    values = [v for _, v in points if v is not None]
    peak = _peak(values)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = inner_w / max(1, len(points))
    bars = []
    for index, (label, value) in enumerate(points):
        height = 0.0 if value is None else inner_h * value / peak
        bars.append(
            Bar(
                label=label,
                value=value,
                shown="n/a" if value is None else fmt.format(value),
                x=round(PAD + index * step + step * 0.1, 2),
                y=round(PAD + inner_h - height, 2),
                w=round(step * 0.8, 2),
                h=round(height, 2),
            )
        )
    return Chart(key, title, tuple(bars), peak, fmt.format(peak), WIDTH, HEIGHT)


def rows(key: str, title: str, points: list[tuple[str, float | None]], fmt: str = "{:g}") -> Chart:
    """Horizontal bars, one per named thing (a rule), top to bottom."""
    values = [v for _, v in points if v is not None]
    peak = _peak(values)
    label_w = 160
    inner_w = WIDTH - label_w - PAD * 2
    bars = []
    for index, (label, value) in enumerate(points):
        length = 0.0 if value is None else inner_w * value / peak
        bars.append(
            Bar(
                label=label,
                value=value,
                shown="n/a" if value is None else fmt.format(value),
                x=label_w,
                y=PAD / 2 + index * ROW,
                w=round(length, 2),
                h=ROW * 0.7,
            )
        )
    height = int(PAD + ROW * max(1, len(points)))
    return Chart(key, title, tuple(bars), peak, fmt.format(peak), WIDTH, height, horizontal=True)
