"""Sign-up does not tell whether an address has an account: same page, same e-mail count,
same work (the password hashing that made a new account 20 times slower to answer)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

from accounts.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting what it hashes."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.test_signup_enumeration.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def sign_up(client, email):
    return client.post("/comptes/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_a_known_address_costs_the_same_work_as_a_new_one(client, counting_hasher):
    known = UserFactory(email="deja@example.com")
    outbox, counting_hasher.calls = len(mail.outbox), 0
    new_answer = sign_up(client, "nouvelle@example.com")
    work_for_a_new_address = counting_hasher.calls
    client.logout()
    counting_hasher.calls = 0
    known_answer = sign_up(client, known.email)
    assert work_for_a_new_address == counting_hasher.calls == 1
    assert (new_answer.status_code, new_answer["Location"]) == (known_answer.status_code, known_answer["Location"])
    assert len(mail.outbox) - outbox == 2  # one each: "confirm your address", "you already have an account"
    assert User.objects.filter(email=known.email).count() == 1
