from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from catalogue.api import ProgramViewSet, ProjectChangeViewSet, ProjectViewSet
from core.api import not_found
from disclosure.api import DisclosureViewSet, PublicityViewSet
from funding.api import FundingLineViewSet
from orgs.api import MembershipViewSet, OrganisationViewSet
from portal import api as public_api
from reporting.api import ReportViewSet
from responsibility.api import IndicatorViewSet, LetterViewSet, TargetViewSet
from supervision.api import FindingViewSet, InspectionViewSet
from upkeep.api import AssetViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet)
router.register("memberships", MembershipViewSet)
router.register("programs", ProgramViewSet)
router.register("projects", ProjectViewSet)
router.register("changes", ProjectChangeViewSet)
router.register("indicators", IndicatorViewSet)
router.register("targets", TargetViewSet)
router.register("funding-lines", FundingLineViewSet)
router.register("letters", LetterViewSet)
router.register("reports", ReportViewSet)
router.register("inspections", InspectionViewSet)
router.register("findings", FindingViewSet)
router.register("assets", AssetViewSet)
router.register("publicity", PublicityViewSet)
router.register("disclosures", DisclosureViewSet)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("token/", obtain_auth_token, name="api-token"),
    path("public/programs/", public_api.programs, name="public-programs"),
    path("public/programs/<id:pk>/", public_api.program, name="public-program"),
    *router.urls,
    re_path(r"^.*$", not_found),  # last: unmatched API URLs answer JSON, not the HTML 404 page
]
