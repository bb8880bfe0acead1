"""Password hashing sized for the small servers Orienta runs on.

Django's default Argon2 parameters (100 MiB, 8 lanes) are meant for large machines: a field
laptop or a 1-2 GB virtual server signing in a dozen agents at 8 o'clock would swap. OWASP's
password-storage guidance and ASVS 4.0 (V2.4.1, appendix) accept Argon2id with at least
19 MiB of memory, 2 passes and 1 lane; that is what is used here.

The algorithm name stays "argon2", so hashes made with Django's own parameters still verify,
and are rewritten with these parameters the next time their owner signs in (`must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2SmallServerHasher(Argon2PasswordHasher):
    """Argon2id with m = 19 MiB, t = 2, p = 1."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
