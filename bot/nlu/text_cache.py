"""A bounded, thread-safe least-recently-used cache of per-text results.

Patients send the same short texts again and again ("yes", "ok", a button's
title), and one message's texts are asked for by more than one component:
the encoder and the risk model keep what they computed for a text here, so
each text costs one forward pass per process. Bounded, so no stream of
unique messages can grow it without limit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Value = TypeVar("Value")


class TextCache(Generic[Value]):
    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("size must be >= 0")
        self._size = size
        self._items: OrderedDict[str, Value] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get_many(self, texts: Sequence[str], compute: Callable[[list[str]], Sequence[Value]]) -> list[Value]:
        """The value of each text; ``compute`` runs once, on the distinct texts not held."""
        found: dict[str, Value] = {}
        with self._lock:
            for text in texts:
                if text in self._items and text not in found:
                    self._items.move_to_end(text)
                    found[text] = self._items[text]
        missing = list(dict.fromkeys(text for text in texts if text not in found))
        computed = compute(missing) if missing else []
        found.update(zip(missing, computed, strict=True))
        with self._lock:
            self.hits += len(texts) - len(missing)
            self.misses += len(missing)
            for text, value in zip(missing, computed, strict=True):
                if self._size:
                    self._items[text] = value
                    self._items.move_to_end(text)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return [found[text] for text in texts]
