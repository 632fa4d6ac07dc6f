"""Stand-ins for outside services that are away, shared by the tests of the parts that must survive it."""

from __future__ import annotations


class DownRedis:
    """A Redis client whose every call fails as a refused connection does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            import redis

            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return fail
