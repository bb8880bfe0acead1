from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Load tools: a generated national-scale network and the benchmark run on it (no models).

    Nothing here is shown to field users, so nothing is translated.
    """

    name = "orienta.bench"
    label = "bench"
    verbose_name = "Benchmarks"
