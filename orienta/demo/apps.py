from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demonstration data set and its commands (`load_demo`, `demo_otp`): a project-level
    app, above every domain app, composing the registry's and visits' demo with each app's
    `demo.py`. No models."""

    name = "orienta.demo"
    label = "demo"
    verbose_name = "Demo"
