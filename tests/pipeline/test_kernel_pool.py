"""KernelPool shares a book's sheets among its kernels and reports failures in sheet order.

The work function here records which runner it was handed and never starts a kernel
(SheetRunner starts one only when a notebook runs), so these check the sharing itself;
the end-to-end builds run real notebooks through the same pool."""

from __future__ import annotations

import threading
import time

import pytest

from qareport.pipeline.execute import KernelPool, SheetRunner


def test_every_item_runs_once_and_both_kernels_take_work() -> None:
    pool = KernelPool(2)
    seen: dict[int, SheetRunner] = {}
    lock = threading.Lock()

    def work(runner: SheetRunner, item: int) -> None:
        time.sleep(0.02)  # long enough that the second lane takes items too
        with lock:
            seen[item] = runner

    pool.each(list(range(8)), work)
    assert sorted(seen) == list(range(8))
    assert {id(r) for r in seen.values()} == {id(r) for r in pool.runners}


def test_the_first_failing_item_in_order_is_the_error_and_no_new_item_starts() -> None:
    pool = KernelPool(2)
    started: list[int] = []

    def work(runner: SheetRunner, item: int) -> None:
        started.append(item)
        if item == 4:
            raise ValueError("sheet 4")  # fails at once
        if item == 2:
            time.sleep(0.05)
            raise ValueError("sheet 2")  # fails later, but comes first in the book

    with pytest.raises(ValueError, match="sheet 2"):
        pool.each(list(range(10)), work)
    assert max(started) < 7  # after the failures nothing new was taken


def test_one_item_or_one_kernel_runs_in_order_on_the_first_runner() -> None:
    pool = KernelPool(1)
    order: list[int] = []
    pool.each([3, 1, 2], lambda runner, item: order.append(item))
    assert order == [3, 1, 2]


def test_with_costs_the_costliest_items_start_first_and_errors_keep_the_given_order() -> None:
    pool = KernelPool(2)
    started: list[str] = []
    lock = threading.Lock()

    def work(runner: SheetRunner, item: str) -> None:
        with lock:
            started.append(item)
        if item == "medium":  # started early, fails late
            time.sleep(0.1)
            raise ValueError(item)
        if item == "small":  # started late, fails at once, but comes first in the book
            raise ValueError(item)
        time.sleep(0.02)

    sizes = {"small": 1, "tiny": 0, "large": 9, "medium": 5}
    with pytest.raises(ValueError, match="small"):
        pool.each(list(sizes), work, cost=sizes.__getitem__)
    assert set(started[:2]) == {"large", "medium"}  # the costliest two first, one a kernel
    assert started[2] == "small"  # then the next costliest
