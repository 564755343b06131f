from django.http import HttpResponse


def live(request):
    """Liveness: the process answers. Touches neither the database nor the cache, so it is
    also the benchmark's baseline (tools/benchmark.py)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
