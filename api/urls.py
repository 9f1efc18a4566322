from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from catalogue.api import ProgramViewSet, ProjectChangeViewSet, ProjectViewSet
from funding.api import FundingLineViewSet
from orgs.api import MembershipViewSet, OrganisationViewSet
from reporting.api import ReportViewSet
from responsibility.api import IndicatorViewSet, LetterViewSet, TargetViewSet

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

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("token/", obtain_auth_token, name="api-token"),
    *router.urls,
]
