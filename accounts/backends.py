from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import router

from comments.models import CommenterStanding
from infrastructure import sql


class ReaderBackend(AuthenticationBackend):
    """allauth's backend; loading the signed-in reader also brings what every article page
    asks about them (verified email, commenting standing), in the same single query."""

    def get_user(self, user_id):
        model = get_user_model()
        found = sql.rows(model, _reader_sql(), [user_id])
        if not found:
            return None
        *values, has_verified_email, standing_id = found[0]
        user = model.from_db(router.db_for_read(model), _reader_fields(), values)
        user.has_verified_email, user.standing_id = has_verified_email, standing_id
        if not self.user_can_authenticate(user):
            return None
        if user.standing_id is None:
            # No standing on record: `user.commenter_standing` raises DoesNotExist, as the
            # reverse one-to-one does, without asking the database again.
            model.commenter_standing.related.set_cached_value(user, None)
        return user


@cache
def _reader_fields():
    return [field.attname for field in get_user_model()._meta.concrete_fields]


@cache
def _reader_sql():
    """Every signed-in request loads its reader. Built by the ORM (a join and an `Exists()`)
    this cost 1.2 ms of CPU per request for 0.1 ms in the database; written in SQL (see
    `infrastructure.sql`) and built once per process, 0.35 ms; read without `raw()`'s
    column mapping, and prepared, less again. The standing row itself
    (rare: a reader under a sanction) is read when asked for."""
    user = get_user_model()._meta
    email, standing = EmailAddress._meta, CommenterStanding._meta
    columns = ", ".join(f"reader.{field.column}" for field in user.concrete_fields)
    return (
        f"SELECT {columns}, EXISTS(SELECT 1 FROM {email.db_table} address "  # noqa: S608 (names from the models)
        f"WHERE address.{sql.column(EmailAddress, 'user')} = reader.{user.pk.column} "
        f"AND address.{sql.column(EmailAddress, 'verified')}"
        f") AS has_verified_email, standing.{standing.pk.column} AS standing_id "
        f"FROM {user.db_table} reader LEFT OUTER JOIN {standing.db_table} standing "
        f"ON standing.{sql.column(CommenterStanding, 'user')} = reader.{user.pk.column} "
        f"WHERE reader.{user.pk.column} = %s"
    )
