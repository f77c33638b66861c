"""Cursor pagination: iterate items across pages, newest first."""

from __future__ import annotations

from typing import Any, Callable, Dict, Generic, Iterator, List, Optional, TypeVar

T = TypeVar("T")


class Pager(Generic[T]):
    """``for item in pager`` walks every item; ``pages()`` walks pages; ``first_page()`` fetches one."""

    def __init__(self, fetch: Callable[[Dict[str, Any]], Dict[str, Any]], limit: Optional[int], cursor: Optional[str]):
        self._fetch = fetch
        self._limit = limit
        self._cursor = cursor

    def first_page(self) -> Dict[str, Any]:
        return self._fetch({"limit": self._limit, "cursor": self._cursor})

    def pages(self) -> Iterator[Dict[str, Any]]:
        cursor = self._cursor
        while True:
            page = self._fetch({"limit": self._limit, "cursor": cursor})
            yield page
            cursor = page.get("nextCursor")
            if not cursor:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page["data"]

    def to_list(self, max_items: int = 1000) -> List[T]:
        items: List[T] = []
        for item in self:
            if len(items) >= max_items:
                break
            items.append(item)
        return items
