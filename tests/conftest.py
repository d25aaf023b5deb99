"""Shared fixtures: a real SQLite file per test, the seed article, a library over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_asyncio

from bot.library import Library
from bot.settings import PROJECT_ROOT, Settings

SEED = PROJECT_ROOT / "corpus" / "putin-syria-withdrawal.txt"


@pytest.fixture
def seed_corpus(tmp_path: Path) -> Path:
    """A corpus folder holding only the seed article."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture
def settings(tmp_path: Path, seed_corpus: Path) -> Settings:
    return Settings(db=str(tmp_path / "newsbot.db"), corpus_dir=seed_corpus)


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
