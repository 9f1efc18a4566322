"""The hasher of one-time passwords (new accounts, resets, imports).

Those passwords are machine-generated: 12 characters from a 56-character alphabet, about 70 bits of entropy, so
key stretching adds nothing an attacker could not already not afford (django-rest-knox stores its API tokens as a
plain SHA-512 for the same reason). A light PBKDF2 lets the office create or import dozens of accounts in one
request instead of spending ~0.5 s of CPU per account. The hash is never kept for long: the first login re-hashes
the password with the default hasher (Django upgrades any non-preferred hash), and the user must change it then.
Listed last in ``PASSWORD_HASHERS``, so it is never used for a password a person chose."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher

ALGORITHM = "pbkdf2_sha256_onetime"


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = ALGORITHM
    iterations = 10_000
