from django.contrib import admin

from core.admin import AuditedAdmin
from surveys.models import Option, Question, Questionnaire, Wave


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(AuditedAdmin):
    list_display = ["name", "is_default"]


@admin.register(Question)
class QuestionAdmin(AuditedAdmin):
    list_display = ["questionnaire", "order", "text", "measure"]
    inlines = [OptionInline]


@admin.register(Wave)
class WaveAdmin(AuditedAdmin):
    list_display = ["name", "project", "unit", "method", "sample_size", "start", "end"]
    list_filter = ["method", "project__program__year"]
