"""bench/run.py times B3's two sides in turns: the same number of runs each, neither always first."""

from bench.run import in_turns


def _tasks(calls, n_tasks):
    return [{side: (lambda s=side, k=k: calls.append(f"{s}{k}")) for side in ("orm", "raw")} for k in range(n_tasks)]


def test_both_sides_run_equally_often_in_alternating_order():
    calls = []
    timed = in_turns(_tasks(calls, 2), n=3, limit_s=60)
    assert calls == [
        "orm0", "raw0", "raw1", "orm1",  # round 1
        "raw0", "orm0", "orm1", "raw1",  # round 2: each task in the other order
        "orm0", "raw0", "raw1", "orm1",
    ]  # fmt: skip
    assert timed["orm"][1] == timed["raw"][1] == 3
    assert all(best >= 0 for best, _ in timed.values())


def test_past_the_time_limit_it_still_runs_both_orders_once():
    calls = []
    timed = in_turns(_tasks(calls, 1), n=5, limit_s=0)
    assert calls == ["orm0", "raw0", "raw0", "orm0"]
    assert timed["orm"][1] == timed["raw"][1] == 2
