"""Shared fixtures: a real SQLite file per test, the seed article, a library over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_asyncio

from bot.library import Library
from bot.settings import PROJECT_ROOT, Settings
from tests.store.databases import database_for, database_params, runs_on_both

SEED = PROJECT_ROOT / "corpus" / "putin-syria-withdrawal.txt"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The storage, import and alert tests (tests/store/databases.py) run on SQLite and on PostgreSQL."""
    if "database" in metafunc.fixturenames and runs_on_both(metafunc.definition.path, metafunc.config.rootpath):
        metafunc.parametrize("database", database_params(), indirect=True)


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path):
    """Where the test's library lives: a SQLite file's path, or a fresh PostgreSQL database's URL."""
    with database_for(getattr(request, "param", "sqlite"), tmp_path / "newsbot.db") as db:
        yield db


@pytest.fixture
def seed_corpus(tmp_path: Path) -> Path:
    """A corpus folder holding only the seed article."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture
def settings(database: str, seed_corpus: Path, tmp_path: Path) -> Settings:
    # A server database has no folder beside it for the saved index: give it one, as NEWSBOT_INDEX_DIR would.
    return Settings(db=database, corpus_dir=seed_corpus,
                    index_path=str(tmp_path / "newsbot.index") if "://" in database else None)


@pytest_asyncio.fixture
async def library(settings: Settings):
    """A library over a real SQLite file, seeded with the seed article."""
    lib = await Library.open(settings)
    await lib.ensure_corpus()
    yield lib
    await lib.close()


@pytest_asyncio.fixture
async def empty_library(settings: Settings):
    lib = await Library.open(settings)
    yield lib
    await lib.close()
