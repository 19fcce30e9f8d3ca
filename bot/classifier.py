"""The model stage: the Model protocol, and micro-batches that never block the event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

Scores = dict[str, float]


class Model(Protocol):
    """A toxicity model. `predict` blocks; it runs in a worker thread, never on the loop."""

    version: str
    labels: tuple[str, ...]

    def predict(self, texts: Sequence[str]) -> list[Scores]: ...


@dataclass(slots=True)
class _Request:
    text: str
    future: asyncio.Future[Scores]


class BatchingClassifier:
    """Collects texts into micro-batches (up to `batch_size`, or `wait` seconds) and runs the
    model on them in a worker thread. `score` returns None when the model is slow, down or
    overloaded: toxicity rules skip, every other rule still applies."""

    def __init__(
        self,
        model: Model,
        *,
        batch_size: int = 32,
        wait: float = 0.01,
        timeout: float = 2.0,
        max_queue: int = 1024,
    ) -> None:
        self.model = model
        self._batch_size = batch_size
        self._wait = wait
        self._timeout = timeout
        self._queue: asyncio.Queue[_Request] = asyncio.Queue(max_queue)

    async def load(self) -> None:
        """Load the model's weights in a worker thread, before the first message needs them
        (a backend without `load` loads when first used)."""
        load = getattr(self.model, "load", None)
        if load is not None:
            await asyncio.to_thread(load)

    async def score(self, text: str) -> Scores | None:
        future: asyncio.Future[Scores] = asyncio.get_running_loop().create_future()
        try:
            self._queue.put_nowait(_Request(text, future))
        except asyncio.QueueFull:
            return None
        try:
            # On timeout wait_for cancels the future, so the batch worker skips it.
            return await asyncio.wait_for(future, self._timeout)
        except Exception:  # noqa: BLE001 - a slow or broken model must not stop the rules
            return None

    async def run(self, stop: asyncio.Event) -> None:
        """Serve batches until `stop` is set."""
        while not stop.is_set():
            getter = asyncio.ensure_future(self._queue.get())
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                return
            stopper.cancel()
            batch = [getter.result()]
            deadline = asyncio.get_running_loop().time() + self._wait
            while len(batch) < self._batch_size:
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), remaining))
                except TimeoutError:
                    break
            await self._run_batch(batch)

    async def _run_batch(self, batch: list[_Request]) -> None:
        # Length-sorted, so a model that pads to the longest text in a batch wastes least.
        live = sorted((r for r in batch if not r.future.done()), key=lambda r: len(r.text))
        if not live:
            return
        try:
            results = await asyncio.to_thread(self.model.predict, [r.text for r in live])
        except Exception as exc:  # noqa: BLE001
            log.warning("model %s failed on a batch of %d: %s", self.model.version, len(live), exc)
            for request in live:
                if not request.future.done():
                    request.future.set_exception(exc)
            return
        for request, scores in zip(live, results, strict=True):
            if not request.future.done():
                request.future.set_result(scores)
