"""`/sante/`: the node answers. No database, no session, no cache: what a load balancer
polls, and the smallest Django response (the benchmark's "hello view")."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    return HttpResponse("ok\n", content_type="text/plain")
