# newsbot: a slim image running the Discord bot; the library lives on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSBOT_DB=/data/newsbot.db \
    NEWSBOT_CORPUS=/app/corpus

RUN useradd --create-home --uid 10001 newsbot && mkdir /data && chown newsbot /data
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY corpus ./corpus
RUN pip install --no-cache-dir .

USER newsbot
VOLUME ["/data"]
CMD ["python", "-m", "bot", "run"]
