"""Settings from the environment and an optional .env file, as one typed object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _shard_ids(value: str | None) -> tuple[int, ...] | None:
    """NEWSBOT_SHARD_IDS: "0,1" or "0-3" (or a mix); empty: none given."""
    ids: list[int] = []
    for part in (value or "").replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        ids += range(int(first), int(last or first) + 1)
    return tuple(sorted(set(ids))) or None


def _default_corpus() -> Path:
    # An installed wheel has no corpus/ beside it; the checkout (editable install, Docker) does.
    return PROJECT_ROOT / "corpus"


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    db: str = "newsbot.db"
    discord_token: str | None = field(default=None, repr=False)  # never printed
    prefix: str = "!"
    corpus_dir: Path = field(default_factory=_default_corpus)
    log_level: str = "INFO"
    allow_private_urls: bool = False
    dev_guild: int | None = None
    index_path: str | None = None  # where the saved index lives; "none" turns saving off
    shard_ids: tuple[int, ...] | None = None  # the Discord shards this process runs (None: all, or unsharded)
    shard_count: int | None = None  # total shards over every process (None: unsharded, unless shard_ids says)
    sync_seconds: float = 5.0  # how often a running bot picks up articles other processes added or removed
    reanalyse: bool = True  # a running bot refreshes stale date analyses and quotations (Library.start_reanalysis)

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None or self.shard_ids is not None

    @property
    def index_dir(self) -> Path | None:
        """Folder of the saved search index: beside a SQLite file unless NEWSBOT_INDEX_DIR says otherwise."""
        if self.index_path is not None:
            return None if self.index_path.strip().lower() in {"none", "off"} else Path(self.index_path)
        if "://" in self.db:
            return None  # a server database has no obvious place beside it
        return Path(str(Path(self.db).expanduser()) + ".index")

    @property
    def db_url(self) -> str:
        """SQLAlchemy URL: a plain path means a SQLite file."""
        if "://" in self.db:
            return self.db
        return f"sqlite+aiosqlite:///{Path(self.db).expanduser()}"


def load_settings(env_file: str | os.PathLike[str] | None = ".env", **overrides: object) -> Settings:
    """Read settings from the environment (after loading .env if present); overrides win."""
    if env_file and Path(env_file).is_file():
        load_dotenv(env_file, override=False)
    env = os.environ
    dev_guild = env.get("NEWSBOT_DEV_GUILD", "").strip()
    shard_count = env.get("NEWSBOT_SHARD_COUNT", "").strip()
    sync_seconds = env.get("NEWSBOT_SYNC_SECONDS", "").strip()
    reanalyse = env.get("NEWSBOT_REANALYSE", "").strip()
    values: dict[str, object] = {
        "db": env.get("NEWSBOT_DB", "newsbot.db"),
        "discord_token": env.get("DISCORD_TOKEN") or None,
        "prefix": env.get("NEWSBOT_PREFIX", "!"),
        "corpus_dir": Path(env.get("NEWSBOT_CORPUS", str(_default_corpus()))),
        "log_level": env.get("NEWSBOT_LOG_LEVEL", "INFO").upper(),
        "allow_private_urls": _flag(env.get("NEWSBOT_ALLOW_PRIVATE_URLS")),
        "dev_guild": int(dev_guild) if dev_guild.isdigit() else None,
        "index_path": env.get("NEWSBOT_INDEX_DIR") or None,
        "shard_ids": _shard_ids(env.get("NEWSBOT_SHARD_IDS")),
        "shard_count": int(shard_count) if shard_count.isdigit() else None,
        "sync_seconds": float(sync_seconds) if sync_seconds.replace(".", "", 1).isdigit() else 5.0,
        "reanalyse": _flag(reanalyse) if reanalyse else True,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    if values["shard_ids"] is not None and values["shard_count"] is None:
        raise ValueError("NEWSBOT_SHARD_IDS needs NEWSBOT_SHARD_COUNT (the total over every process)")
    if values["shard_ids"] is not None and max(values["shard_ids"]) >= values["shard_count"]:  # type: ignore[arg-type,operator]
        raise ValueError("NEWSBOT_SHARD_IDS must be below NEWSBOT_SHARD_COUNT (shards count from 0)")
    return Settings(**values)  # type: ignore[arg-type]
