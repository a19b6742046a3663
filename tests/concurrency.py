"""Run one call from many threads at once, each with its own database connection."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection


def run_in_parallel(function, *, threads: int) -> list:
    """Start every thread at the same moment; collect results and ValidationErrors alike.

    Any other exception fails the caller: a thread that died unexpectedly must not
    simply leave its outcome out of the list.
    """
    barrier = threading.Barrier(threads)
    outcomes = []
    unexpected = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(function())
        except ValidationError as error:
            outcomes.append(error)
        except Exception as error:
            unexpected.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for worker_thread in workers:
        worker_thread.start()
    for worker_thread in workers:
        worker_thread.join()
    if unexpected:
        raise AssertionError(f"{len(unexpected)} of {threads} threads failed unexpectedly") from unexpected[0]
    assert len(outcomes) == threads
    return outcomes
