"""newsbot: answers questions about a library of news articles, in Discord and on the console."""

__version__ = "0.1.0"
