import itertools
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from pytest_django.asserts import assertContains

from subscriptions.access import is_subscriber
from subscriptions.models import AccessCode, Redemption, Subscription
from subscriptions.services import RedemptionError, access_code_redeem, access_codes_generate, subscription_grant

from .factories import AccessCodeFactory, PlanFactory, SubscriptionFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db


def test_a_code_opens_a_subscription_for_its_days():
    user = UserFactory()
    AccessCodeFactory(code="ABCDEFGHJKLM", days=30)
    subscription = access_code_redeem(user=user, code="abcd-efgh jklm")
    assert is_subscriber(user, at=timezone.now())
    assert subscription.origin == Subscription.Origin.CODE
    assert timedelta(days=29, hours=23) < subscription.ends_at - subscription.starts_at <= timedelta(days=30)


def test_a_plan_code_lasts_the_plans_period():
    plan = PlanFactory(period="year")
    subscription = access_code_redeem(user=UserFactory(), code=AccessCodeFactory(plan=plan, days=None).code)
    assert subscription.plan == plan
    assert (subscription.ends_at - subscription.starts_at).days == 365


def test_a_code_extends_a_running_subscription():
    current = SubscriptionFactory()
    subscription = access_code_redeem(user=current.user, code=AccessCodeFactory(days=10).code)
    assert subscription.starts_at == current.ends_at


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "Ce code a expiré."),
        ({"max_redemptions": 1, "redemption_count": 1}, "Ce code a déjà été utilisé."),
    ],
)
def test_expired_or_exhausted_codes_are_refused(code, message):
    access_code = AccessCodeFactory(**code)
    with pytest.raises(RedemptionError, match=message):
        access_code_redeem(user=UserFactory(), code=access_code.code)
    assert not Subscription.objects.exists()


def test_unknown_code_is_refused():
    with pytest.raises(RedemptionError, match="n'existe pas"):
        access_code_redeem(user=UserFactory(), code="NOPE")


def test_the_same_reader_cannot_redeem_a_code_twice():
    user = UserFactory()
    access_code = AccessCodeFactory(max_redemptions=10)
    access_code_redeem(user=user, code=access_code.code)
    with pytest.raises(RedemptionError, match="déjà utilisé ce code"):
        access_code_redeem(user=user, code=access_code.code)
    access_code.refresh_from_db()
    assert access_code.redemption_count == 1
    assert Subscription.objects.count() == 1


def test_multi_use_code_serves_several_readers():
    access_code = AccessCodeFactory(max_redemptions=3)
    for _ in range(3):
        access_code_redeem(user=UserFactory(), code=access_code.code)
    with pytest.raises(RedemptionError):
        access_code_redeem(user=UserFactory(), code=access_code.code)
    assert Subscription.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_readers_racing_for_a_single_use_code_one_wins_nothing_lost():
    access_code = AccessCodeFactory(max_redemptions=1)
    users = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(len(users))
    outcomes = []

    def redeem(user):
        try:
            barrier.wait()
            access_code_redeem(user=user, code=access_code.code)
            outcomes.append("won")
        except RedemptionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "won"]
    access_code.refresh_from_db()
    assert access_code.redemption_count == 1
    assert Subscription.objects.count() == 1
    assert Redemption.objects.count() == 1


def test_generated_codes_are_unique_and_readable():
    codes = access_codes_generate(count=50, days=7, batch="salon")
    values = {code.code for code in codes}
    assert len(values) == 50
    assert all(len(value) == 12 and not set(value) & set("01IO") for value in values)
    assert AccessCode.objects.filter(batch="salon").count() == 50


def test_redeem_form_shows_errors_and_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    response = client.post("/abonnement/code/", {"code": "MAUVAIS-CODE"})
    assert response.status_code == 400
    assertContains(response, "Ce code n&#x27;existe pas", status_code=400)
    assertContains(response, 'value="MAUVAIS-CODE"', status_code=400)


def test_redeem_form_success_goes_to_the_account_page(client):
    user = UserFactory()
    client.force_login(user)
    AccessCodeFactory(code="BIENVENUE2026")
    response = client.post("/abonnement/code/", {"code": "bienvenue2026"}, follow=True)
    assertContains(response, "Votre code est validé")
    assertContains(response, "actif jusqu")


def test_redeem_attempts_are_rate_limited(client):
    client.force_login(UserFactory())
    statuses = [client.post("/abonnement/code/", {"code": f"ESSAI{n}"}).status_code for n in range(12)]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]


def test_redeeming_needs_an_account(client):
    response = client.post("/abonnement/code/", {"code": "X"})
    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


def test_editors_generate_a_batch_of_codes_as_csv(client):
    client.force_login(staff_member("Editors"))
    plan = PlanFactory(name="Mensuel")
    response = client.post(
        "/admin/subscriptions/accesscode/generer/",
        {"count": 5, "plan": plan.pk, "max_redemptions": 1, "batch": "Salon du livre"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = response.content.decode().strip().splitlines()
    assert rows[0].startswith("code,plan,days")
    assert len(rows) == 6 and all(",Mensuel," in row for row in rows[1:])
    assert AccessCode.objects.filter(batch="Salon du livre").count() == 5


def test_code_generation_form_errors_keep_the_input(client):
    client.force_login(staff_member("Editors"))
    response = client.post(
        "/admin/subscriptions/accesscode/generer/", {"count": 5, "max_redemptions": 1, "batch": "Sans formule"}
    )
    assertContains(response, "Choisissez une formule ou un nombre de jours.")
    assertContains(response, 'value="Sans formule"')


def test_subscriber_counts_in_the_admin(client):
    client.force_login(staff_member("Editors"))
    SubscriptionFactory(plan__name="Annuel")
    assertContains(client.get("/admin/subscriptions/subscription/"), "1 abonné actif")
    assertContains(client.get("/admin/subscriptions/plan/"), "Abonnés actifs")


@pytest.mark.django_db(transaction=True)
def test_codes_redeemed_at_the_same_moment_add_up_without_overlap():
    """Each period starts when the one before ends, however close together the codes came."""
    user = UserFactory()
    codes = [AccessCodeFactory(days=30) for _ in range(4)]
    barrier = threading.Barrier(len(codes))
    errors = []

    def redeem(access_code):
        try:
            barrier.wait()
            access_code_redeem(user=user, code=access_code.code)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    periods = list(Subscription.objects.filter(user=user).order_by("starts_at"))
    assert len(periods) == 4
    for before, after in itertools.pairwise(periods):
        assert after.starts_at == before.ends_at
    assert periods[-1].ends_at - periods[0].starts_at == timedelta(days=120)


@pytest.mark.django_db(transaction=True)
def test_grants_at_the_same_moment_add_up_without_overlap():
    """The same through `subscription_grant()` alone (an editor's grant beside a code)."""
    user = UserFactory()
    barrier = threading.Barrier(4)
    errors = []

    def grant():
        try:
            barrier.wait()
            subscription_grant(user=user, duration=timedelta(days=30), origin=Subscription.Origin.STAFF)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=grant) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    periods = list(Subscription.objects.filter(user=user).order_by("starts_at"))
    for before, after in itertools.pairwise(periods):
        assert after.starts_at == before.ends_at
    assert periods[-1].ends_at - periods[0].starts_at == timedelta(days=120)
