"""Settings of the browser tests' servers: the project's, with a fast password hasher (the demo
facilitator's password is hashed at seeding and checked at each login; no test is about it)."""

from informaction.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
