"""Work that brings records in: a report file, a file from the watched folder, a sync
with Amazon, demo data. Each is shown in the status bar with its progress and Cancel, and
rolls back whole when cancelled or refused."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sellerdesk.ui.operations.runner import Operations
from sellerdesk.ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sellerdesk.services.amazon.api import Credentials


def import_report(operations: Operations, engine: Engine, path: Path, *,
                  kind: str, marketplace: str | None) -> Task:
    from sellerdesk.services.imports.kinds import import_report as run_import
    return operations.start(
        f"Importing {path.name}…",
        lambda progress, cancelled: run_import(engine, path, kind=kind,
                                               marketplace=marketplace,
                                               progress=progress, cancelled=cancelled),
        shown=True)


def import_watched(operations: Operations, engine: Engine,
                   path: Path) -> Task:
    from sellerdesk.services.imports.watch_folder import import_watched as run_import
    return operations.start(
        f"Importing {path.name} from the watched folder…",
        lambda progress, cancelled: run_import(engine, path, progress=progress,
                                               cancelled=cancelled),
        shown=True)


def sync_with_amazon(operations: Operations, engine: Engine,
                     credentials: Credentials, *, staff: str) -> Task:
    from sellerdesk.services.amazon import api as amazon_api
    from sellerdesk.services.amazon.sync import sync_marketplaces, sync_now

    def work(progress, cancelled):
        at = [0.0]      # the last fraction reported, for the waits said between steps

        def step(fraction: float, text: str) -> None:
            at[0] = fraction
            progress(fraction, text)
        with amazon_api.AmazonApi(credentials, cancelled=cancelled,
                                  waiting=lambda text: progress(at[0], text)) as api:
            return sync_now(engine, api, marketplaces=sync_marketplaces(engine), by=staff,
                            progress=step)
    return operations.start("Syncing with Amazon…", work, shown=True)


def build_demo(operations: Operations, engine: Engine, *,
               orders: int) -> Task:
    from sellerdesk.services.demo.build import build_demo as build
    return operations.start(
        f"Building {orders:,} demo orders…",
        lambda progress, cancelled: build(engine, orders=orders, progress=progress,
                                          cancelled=cancelled),
        shown=True)
