import pytest

from orienta.core.models import Organisation
from orienta.directory.tests.factories import make_service


@pytest.fixture
def svcs(world, users):
    """A service of the Chad provider organisation, and one in Mozambique."""
    org_mz = Organisation.objects.create(
        name="Conservatória do Registo Civil", kind="public", country=world["mz"]
    )
    return {
        "td": make_service(
            world["provider_org"], name="Consultation prénatale", amount=500, currency="XAF"
        ),
        "mz": make_service(org_mz, name="Registo de nascimento", response_days=10),
    }
